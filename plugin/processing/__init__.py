"""Processing provider: reconstruction as an algorithm, so it runs in batch mode and in models."""
