"""Sig2GPS backend: cellular signaling -> timestamped GPS trajectories on the road network.

The backend never imports Qt or QGIS (tests/contract enforces it).
"""
__version__ = "0.1.0"
