"""A network's roads as straight pieces in metres: what the video model draws as the map under a trace.

Shared by training (train/pairs.py stores them with every pair) and inference (methods/video.py), so neither
imports the other.
"""

from __future__ import annotations

import numpy as np


def road_pieces(net) -> np.ndarray:
    """Every road polyline of the network as straight pieces (n,4) in metres."""
    out = [np.c_[xy[:-1], xy[1:]] for xy in net.seg_xy if len(xy) >= 2]
    return np.concatenate(out).astype(np.float32)
