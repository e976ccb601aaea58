"""Training of the video model: pairs (simulated, packed), data stream, supervised flow matching."""
