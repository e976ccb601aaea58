"""RoadNetwork: directed road graph in a local UTM CRS, with a spatial index over segments."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pyproj import CRS, Transformer
from shapely import STRtree, linestrings as shp_linestrings, points as shp_points

from .classes import SPEED_MS
from .topology import GraphTopology


@dataclass
class Segment:
    """A road piece between two graph nodes, as read from a file (lon/lat)."""

    u: object  # node key (OSM id or coordinate key)
    v: object
    coords: np.ndarray  # (k, 2) lon/lat from u to v
    road_class: str
    oneway: int  # +1 along u->v, -1 against, 0 both


def utm_crs_for(lon: float, lat: float) -> CRS:
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


class RoadNetwork(GraphTopology):
    """Nodes and directed edges in metres (local UTM); segments are the undirected road pieces.

    Every directed edge e has: u[e], v[e] (node indices), length[e] (m), seg[e] (its segment),
    and geometry seg_xy[seg[e]] read forwards when fwd[e] else backwards.
    """

    def __init__(self, node_xy, seg_xy, seg_class, edge_u, edge_v, edge_seg, edge_fwd, crs: CRS, name: str = ""):
        self.name = name
        self.crs = crs
        self.node_xy = np.asarray(node_xy, float)
        self.seg_xy = [np.asarray(g, float) for g in seg_xy]
        self.seg_class = np.asarray(seg_class, object)
        self.u = np.asarray(edge_u, np.int64)
        self.v = np.asarray(edge_v, np.int64)
        self.seg = np.asarray(edge_seg, np.int64)
        self.fwd = np.asarray(edge_fwd, bool)
        self.seg_len = np.array([float(np.hypot(*np.diff(g, axis=0).T).sum()) for g in self.seg_xy])
        self.length = self.seg_len[self.seg]
        self.speed = np.array([SPEED_MS.get(c, 11.1) for c in self.seg_class])[self.seg]
        self._fwd_tf = Transformer.from_crs(4326, crs, always_xy=True)
        self._inv_tf = Transformer.from_crs(crs, 4326, always_xy=True)

    # -- coordinates ---------------------------------------------------------------------------
    def to_xy(self, lon, lat):
        return self._fwd_tf.transform(np.asarray(lon, float), np.asarray(lat, float))

    def to_lonlat(self, x, y):
        return self._inv_tf.transform(np.asarray(x, float), np.asarray(y, float))

    @cached_property
    def bounds_lonlat(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.bounds_xy
        xs, ys = np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1])
        lo, la = self.to_lonlat(xs, ys)
        return float(lo.min()), float(la.min()), float(lo.max()), float(la.max())

    def segments_lonlat(self) -> list[tuple[np.ndarray, str]]:
        """Undirected road pieces in lon/lat with their class (what the renderers draw)."""
        out = []
        for g, c in zip(self.seg_xy, self.seg_class):
            lo, la = self.to_lonlat(g[:, 0], g[:, 1])
            out.append((np.column_stack([lo, la]), c))
        return out

    # -- spatial index -------------------------------------------------------------------------
    @cached_property
    def _tree(self) -> STRtree:
        if not self.seg_xy:
            return STRtree([])
        sizes = [len(g) for g in self.seg_xy]  # all lines built in one call (a tenth of a second on a city's)
        lines = shp_linestrings(np.vstack(self.seg_xy), indices=np.repeat(np.arange(len(sizes)), sizes))
        return STRtree(lines)

    @cached_property
    def _seg_lines(self):
        return self._tree.geometries

    def segments_near(self, x: float, y: float, radius: float) -> np.ndarray:
        """Indices of segments within `radius` metres of (x, y)."""
        return self._tree.query(shp_points(x, y), predicate="dwithin", distance=radius)

    def nearest_segment(self, x, y) -> np.ndarray:
        """Index of the nearest segment for each point (vectorised)."""
        pts = shp_points(np.atleast_1d(x), np.atleast_1d(y))
        return self._tree.nearest(pts)

    def project(self, seg: int, x: float, y: float) -> tuple[float, float]:
        """(distance to the segment, offset along it from its first point) in metres."""
        line = self._seg_lines[seg]
        p = shp_points(x, y)
        return float(line.distance(p)), float(line.project(p))

    def point_at(self, seg: int, offset: float) -> tuple[float, float]:
        p = self._seg_lines[seg].interpolate(offset)
        return p.x, p.y

    def edges_of_segment(self, seg: int) -> np.ndarray:
        return self._edges_by_seg[seg]

    @cached_property
    def _edges_by_seg(self) -> list[np.ndarray]:
        out = [[] for _ in self.seg_xy]
        for e, s in enumerate(self.seg):
            out[s].append(e)
        return [np.array(x, np.int64) for x in out]
