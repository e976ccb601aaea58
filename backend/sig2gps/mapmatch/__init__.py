"""Map matching of cellular (or GPS) observations on a RoadNetwork: the engineered Rule_sig pipeline.

cleanup (ping-pong, clustering, Kalman) -> candidates (KD-tree) -> HMM/Viterbi with breaks ->
route inference (cached bounded shortest paths) -> monotone timestamps, no faster than a car and drawn
along the roads (drivable) -> k distinct alternatives. The error settings can be scaled to the data's
own record spacing (scale: true site positions vs positions estimated from drives).
"""
from .cleanup import Observations, clean_observations
from .config import GPS_MATCH, VIDEO_MATCH, CandidateConfig, CleanupConfig, HmmConfig, MatchConfig, TimingConfig
from .matcher import MapMatcher, MatchedTrack
from .routing import RouteTable, route_table
from .viterbi import ViterbiPath, viterbi

__all__ = ["MapMatcher", "MatchedTrack", "MatchConfig", "CleanupConfig", "CandidateConfig", "HmmConfig",
           "TimingConfig", "GPS_MATCH", "VIDEO_MATCH", "Observations", "clean_observations", "RouteTable", "route_table",
           "viterbi", "ViterbiPath"]
