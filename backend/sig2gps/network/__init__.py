"""Road networks: loading OSM/OGR files into one metric graph with a spatial index.

Names are resolved lazily so that `sig2gps.network.topology` (numpy/scipy only) can be imported on
machines without shapely/pyproj (see dataset/plain.py).
"""
__all__ = ["RoadNetwork", "Segment", "load_network", "NetworkError"]


def __getattr__(name):
    if name in ("RoadNetwork", "Segment"):
        from . import graph

        return getattr(graph, name)
    if name in ("load_network", "NetworkError"):
        from . import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
