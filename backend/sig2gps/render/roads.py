"""Road geometry in the plain form the renderer needs: web-mercator polylines and a class per piece.

Built once per RoadNetwork (cached), or loaded from an .npz file so a machine without
shapely/pyproj/pyrosm can render tiles (see sig2gps.dataset.plain).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .geometry import TileGeometry, mercator_xy


@dataclass
class RoadGeometry:
    xy: np.ndarray  # (P, 2) EPSG:3857 metres, all segment vertices concatenated
    offsets: np.ndarray  # (S + 1,) segment s is xy[offsets[s]:offsets[s+1]]
    road_class: np.ndarray  # (S,) str, OSM highway value
    bbox: np.ndarray  # (S, 4) x0, y0, x1, y1 per segment (for the view query)

    @classmethod
    def from_polylines(cls, lonlat_lines, classes) -> "RoadGeometry":
        lens = np.array([len(g) for g in lonlat_lines], np.int64)
        offsets = np.r_[0, np.cumsum(lens)]
        ll = np.vstack(lonlat_lines) if len(lonlat_lines) else np.zeros((0, 2))
        x, y = mercator_xy(ll[:, 0], ll[:, 1])
        xy = np.column_stack([x, y])
        return cls(xy, offsets, np.asarray(classes, dtype=object), _bboxes(xy, offsets))

    @classmethod
    def from_network(cls, net) -> "RoadGeometry":
        cached = _CACHE.get(net)
        if cached is None:
            segs = net.segments_lonlat()
            cached = cls.from_polylines([g for g, _ in segs], [c for _, c in segs])
            _CACHE[net] = cached
        return cached

    def save_npz(self, path) -> None:
        np.savez_compressed(path, xy=self.xy, offsets=self.offsets, road_class=self.road_class.astype(str))

    @classmethod
    def load_npz(cls, path) -> "RoadGeometry":
        with np.load(Path(path), allow_pickle=False) as z:
            xy, offsets = z["xy"], z["offsets"]
            return cls(xy, offsets, z["road_class"].astype(object), _bboxes(xy, offsets))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def in_view(self, geom: TileGeometry, pad_px: float = 4.0) -> np.ndarray:
        """Indices of segments whose bounding box touches the view (plus a few pixels)."""
        x0, y0, x1, y1 = geom.bounds_xy
        p = pad_px * geom.scale
        b = self.bbox
        return np.flatnonzero((b[:, 2] >= x0 - p) & (b[:, 0] <= x1 + p) & (b[:, 3] >= y0 - p) & (b[:, 1] <= y1 + p))

    def segment(self, s: int) -> np.ndarray:
        return self.xy[self.offsets[s]:self.offsets[s + 1]]


def _bboxes(xy: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    if len(offsets) < 2:
        return np.zeros((0, 4))
    starts = offsets[:-1]
    return np.column_stack([np.minimum.reduceat(xy[:, 0], starts), np.minimum.reduceat(xy[:, 1], starts),
                            np.maximum.reduceat(xy[:, 0], starts), np.maximum.reduceat(xy[:, 1], starts)])


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
