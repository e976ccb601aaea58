"""A road network in plain arrays (one .npz) for machines without shapely/pyproj/pyrosm.

PlainNetwork carries exactly the RoadNetwork data the simulator and the renderer use (graph in the
network's UTM metres, class speeds, segment polylines) and converts UTM -> lon/lat with numpy
(Snyder's transverse-Mercator series, < 1 cm within a zone). So a GPU box with numpy, scipy and
PIL simulates the same trips as this machine and renders the same tiles:

    sig2gps dataset --export-network city.osm.pbf --out nets/      # here: writes nets/city.npz
    python -m sig2gps.dataset.fresh --network nets/city.npz ...     # there: fresh samples

Only numpy/scipy here; the export function takes a loaded RoadNetwork.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..network.topology import GraphTopology

FORMAT = "sig2gps-plain-network/1"

# WGS84 / UTM constants.
_A = 6378137.0
_F = 1.0 / 298.257223563
_E2 = _F * (2.0 - _F)
_EP2 = _E2 / (1.0 - _E2)
_K0 = 0.9996


def utm_to_lonlat(x, y, zone: int, south: bool) -> tuple[np.ndarray, np.ndarray]:
    """Inverse UTM (Snyder 1987, eqs. 8-18 to 8-25), vectorised."""
    x = np.asarray(x, float) - 500000.0
    y = np.asarray(y, float) - (10000000.0 if south else 0.0)
    e2, ep2 = _E2, _EP2
    mu = y / _K0 / (_A * (1 - e2 / 4 - 3 * e2 ** 2 / 64 - 5 * e2 ** 3 / 256))
    e1 = (1 - np.sqrt(1 - e2)) / (1 + np.sqrt(1 - e2))
    phi1 = (mu + (3 * e1 / 2 - 27 * e1 ** 3 / 32) * np.sin(2 * mu) + (21 * e1 ** 2 / 16 - 55 * e1 ** 4 / 32)
            * np.sin(4 * mu) + (151 * e1 ** 3 / 96) * np.sin(6 * mu) + (1097 * e1 ** 4 / 512) * np.sin(8 * mu))
    s, c, t = np.sin(phi1), np.cos(phi1), np.tan(phi1)
    C1, T1 = ep2 * c ** 2, t ** 2
    N1 = _A / np.sqrt(1 - e2 * s ** 2)
    R1 = _A * (1 - e2) / (1 - e2 * s ** 2) ** 1.5
    D = x / (N1 * _K0)
    lat = phi1 - (N1 * t / R1) * (D ** 2 / 2 - (5 + 3 * T1 + 10 * C1 - 4 * C1 ** 2 - 9 * ep2) * D ** 4 / 24
                                  + (61 + 90 * T1 + 298 * C1 + 45 * T1 ** 2 - 252 * ep2 - 3 * C1 ** 2) * D ** 6 / 720)
    lon0 = np.radians((zone - 1) * 6 - 180 + 3)
    lon = lon0 + (D - (1 + 2 * T1 + C1) * D ** 3 / 6
                  + (5 - 2 * C1 + 28 * T1 - 3 * C1 ** 2 + 8 * ep2 + 24 * T1 ** 2) * D ** 5 / 120) / c
    return np.degrees(lon), np.degrees(lat)


class PlainNetwork(GraphTopology):
    """The RoadNetwork interface the simulator uses, from plain arrays (see module docstring)."""

    def __init__(self, node_xy, seg_xy, seg_class, u, v, seg, fwd, speed, utm_zone: int, south: bool, name: str = ""):
        self.name = name
        self.node_xy = np.asarray(node_xy, float)
        self.seg_xy = [np.asarray(g, float) for g in seg_xy]
        self.seg_class = np.asarray(seg_class, object)
        self.u, self.v = np.asarray(u, np.int64), np.asarray(v, np.int64)
        self.seg, self.fwd = np.asarray(seg, np.int64), np.asarray(fwd, bool)
        self.seg_len = np.array([float(np.hypot(*np.diff(g, axis=0).T).sum()) for g in self.seg_xy])
        self.length = self.seg_len[self.seg]
        self.speed = np.asarray(speed, float)
        self.utm_zone, self.south = int(utm_zone), bool(south)

    # -- coordinates ----------------------------------------------------------------------------
    def to_lonlat(self, x, y):
        return utm_to_lonlat(x, y, self.utm_zone, self.south)

    def segments_lonlat(self):
        return [(np.column_stack(self.to_lonlat(g[:, 0], g[:, 1])), c) for g, c in zip(self.seg_xy, self.seg_class)]


def export_plain(net, path) -> Path:
    """Write a loaded RoadNetwork (or PlainNetwork) to one compressed .npz."""
    epsg = net.crs.to_epsg() if hasattr(net, "crs") else (32700 if net.south else 32600) + net.utm_zone
    if not (32601 <= epsg <= 32660 or 32701 <= epsg <= 32760):
        raise ValueError(f"export_plain: network CRS EPSG:{epsg} is not a WGS84 UTM zone")
    lens = np.array([len(g) for g in net.seg_xy], np.int64)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path, format=np.array(FORMAT), name=np.array(net.name), utm_zone=np.array(epsg % 100),
        south=np.array(epsg >= 32700), node_xy=net.node_xy, seg_xy=np.vstack(net.seg_xy),
        seg_offsets=np.r_[0, np.cumsum(lens)], seg_class=np.asarray(net.seg_class).astype(str),
        u=net.u, v=net.v, seg=net.seg, fwd=net.fwd, speed=net.speed)
    return path


def load_plain(path) -> PlainNetwork:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"plain network not found: {path}")
    with np.load(path, allow_pickle=False) as z:
        if "format" not in z or str(z["format"]) != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file (field 'format')")
        off, allxy = z["seg_offsets"], z["seg_xy"]
        segs = [allxy[off[i]:off[i + 1]] for i in range(len(off) - 1)]
        return PlainNetwork(z["node_xy"], segs, z["seg_class"].astype(object), z["u"], z["v"], z["seg"], z["fwd"],
                            z["speed"], int(z["utm_zone"]), bool(z["south"]), str(z["name"]))
