"""QGIS layers <-> what the backend receives and returns (signaling in, rollouts out, export)."""
