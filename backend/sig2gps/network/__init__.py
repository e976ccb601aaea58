"""Road networks: loading OSM/OGR files into one metric graph with a spatial index."""
from .graph import RoadNetwork, Segment
from .load import load_network, NetworkError

__all__ = ["RoadNetwork", "Segment", "load_network", "NetworkError"]
