"""Reading trajectories back from frames: overlay colours, dots, path skeleton, timestamped points."""
from .colors import OverlayColors, hue_chroma
from .dots import Dot, find_dot
from .reader import DEGRADED, FAILED, OK_READING, FrameReading, path_alpha, read_frames
from .skeleton import Topology, order_path, prune_spurs, skeletonize, thin, topology

__all__ = ["OverlayColors", "hue_chroma", "Dot", "find_dot", "DEGRADED", "FAILED", "OK_READING", "FrameReading",
           "path_alpha", "read_frames", "Topology", "order_path", "prune_spurs", "skeletonize", "thin", "topology"]
