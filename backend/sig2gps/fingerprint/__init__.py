"""NF-Track's segment fingerprint map: building it from historical pairs, storing and loading it,
comparing signaling fragments with path fingerprints, and the segment recall/precision measure."""
from .build import FingerprintConfig, build_fingerprint, sequence_cmd
from .route_timing import TimedRoute, nodes_from_segments, time_route
from .segments import read_routes, segment_recall_precision
from .similarity import fragment_distribution, js_divergence, similarity
from .store import FingerprintMap, find_fingerprint, load_fingerprint, network_signature

__all__ = ["FingerprintConfig", "build_fingerprint", "sequence_cmd", "TimedRoute", "nodes_from_segments",
           "time_route", "read_routes", "segment_recall_precision", "fragment_distribution", "js_divergence",
           "similarity", "FingerprintMap", "find_fingerprint", "load_fingerprint", "network_signature"]
