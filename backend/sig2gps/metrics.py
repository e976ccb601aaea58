"""Error metrics of the paper (Appendix A) as pure functions over arrays.

These are the same functions the RL rewards call, so what is trained on is what is reported.
Low in the house: this module imports nothing of ours.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")

# Scope boundaries by origin-destination distance (metres), from the paper's dataset table.
SMALL_MAX_M = 2072.0
MEDIUM_MAX_M = 3482.0
SCOPES = ("small", "medium", "large")
EARTH_R_M = 6_371_008.8  # mean earth radius: every local metric frame of the project uses it


@dataclass(frozen=True)
class LocalFrame:
    """Equirectangular metres east/north of (lon0, lat0): within 0.1 % of the geodesic over a few km, exact
    enough over tens of km for features and matching."""

    lon0: float
    lat0: float

    def to_xy(self, lon, lat):
        k = np.radians(1.0) * EARTH_R_M
        x = (np.asarray(lon, float) - self.lon0) * k * np.cos(np.radians(self.lat0))
        return x, (np.asarray(lat, float) - self.lat0) * k

    def to_lonlat(self, x, y):
        k = np.radians(1.0) * EARTH_R_M
        return self.lon0 + np.asarray(x) / (k * np.cos(np.radians(self.lat0))), self.lat0 + np.asarray(y) / k


def geodesic_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """WGS84 geodesic distance in metres, element-wise."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lon1, lat1, lon2, lat2)))
    _, _, d = _GEOD.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(d).reshape(lon1.shape)


def interpolate_track(t_query, t, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Position of a track at the query times: linear in time, held constant outside its span.

    Lon/lat are interpolated linearly, which is exact to well under a metre between points
    seconds apart.
    """
    t = np.asarray(t, float)
    if len(t) == 1:
        q = np.asarray(t_query, float)
        return np.full(q.shape, float(lon[0])), np.full(q.shape, float(lat[0]))
    return np.interp(t_query, t, lon), np.interp(t_query, t, lat)


def point_errors(truth_t, truth_lon, truth_lat, pred_t, pred_lon, pred_lat) -> np.ndarray:
    """Geodesic error at every ground-truth timestamp, prediction interpolated in time."""
    plon, plat = interpolate_track(truth_t, pred_t, pred_lon, pred_lat)
    return geodesic_m(truth_lon, truth_lat, plon, plat)


def scope_of(od_distance_m: float) -> str:
    if od_distance_m < SMALL_MAX_M:
        return "small"
    if od_distance_m < MEDIUM_MAX_M:
        return "medium"
    return "large"


def od_distance_m(lon, lat) -> float:
    return float(geodesic_m(lon[0], lat[0], lon[-1], lat[-1]))


def summarize(errors: np.ndarray, n_traces: int) -> dict:
    """MAE, RMSE, L100 (share < 100 m), G1000 (share > 1000 m) over a pool of point errors."""
    e = np.asarray(errors, float)
    if e.size == 0:
        return {"mae_m": None, "rmse_m": None, "l100": None, "g1000": None, "n_points": 0, "n_traces": n_traces}
    return {
        "mae_m": float(e.mean()),
        "rmse_m": float(np.sqrt((e ** 2).mean())),
        "l100": float((e < 100.0).mean()),
        "g1000": float((e > 1000.0).mean()),
        "n_points": int(e.size),
        "n_traces": int(n_traces),
    }


def evaluate_tracks(truth: dict, pred: dict) -> dict:
    """Metrics overall and per scope.

    truth, pred: {trace_id: (t, lon, lat)}. Traces of `truth` missing from `pred` are listed under
    "missing" and left out of the error pools (the caller decides whether that is acceptable).
    """
    pools = {s: [] for s in ("overall",) + SCOPES}
    counts = {s: 0 for s in pools}
    missing = []
    for tid, (t, lon, lat) in truth.items():
        if tid not in pred:
            missing.append(tid)
            continue
        pt, plon, plat = pred[tid]
        e = point_errors(t, lon, lat, pt, plon, plat)
        s = scope_of(od_distance_m(lon, lat))
        for k in ("overall", s):
            pools[k].append(e)
            counts[k] += 1
    out = {k: summarize(np.concatenate(v) if v else np.array([]), counts[k]) for k, v in pools.items()}
    out["missing"] = missing
    return out



def off_path_m(path_lon, path_lat, lon, lat) -> np.ndarray:
    """Distance in metres from each point to the nearest place on the polyline `path` (local frame at the
    path's centre: over a few km that is within 0.1 % of the geodesic)."""
    frame = LocalFrame(float(np.mean(path_lon)), float(np.mean(path_lat)))
    path, p = np.column_stack(frame.to_xy(path_lon, path_lat)), np.column_stack(frame.to_xy(lon, lat))
    if len(path) == 1:
        return np.hypot(*(p - path[0]).T)
    a, ab = path[:-1], np.diff(path, axis=0)
    best = np.full(len(p), np.inf)
    for i in range(0, len(a), 256):  # segments in blocks: points x segments stays small for long traces
        aa, bb = a[i:i + 256], ab[i:i + 256]
        t = np.clip(((p[:, None] - aa[None]) * bb[None]).sum(2) / np.maximum((bb ** 2).sum(1), 1e-12)[None], 0, 1)
        best = np.minimum(best, np.hypot(*(p[:, None] - aa[None] - t[..., None] * bb[None]).transpose(2, 0, 1)).min(1))
    return best


def error_split(truth: dict, pred: dict) -> dict:
    """Where the error is, over every ground-truth timestamp of the traces in both: `cross_track_m` (mean
    distance of the predicted point from the true path: the wrong road) and `along_track_m` (the rest of the
    error, sqrt(e^2 - cross^2): on the path but at the wrong time), next to `mae_m`. truth, pred as
    evaluate_tracks takes them."""
    tot, cross = [], []
    for tid, (t, lon, lat) in truth.items():
        if tid not in pred:
            continue
        plon, plat = interpolate_track(t, *pred[tid])
        tot.append(geodesic_m(lon, lat, plon, plat))
        cross.append(np.minimum(off_path_m(lon, lat, plon, plat), tot[-1]))
    if not tot:
        return {"mae_m": None, "cross_track_m": None, "along_track_m": None}
    e, c = np.concatenate(tot), np.concatenate(cross)
    return {"mae_m": float(e.mean()), "cross_track_m": float(c.mean()),
            "along_track_m": float(np.sqrt(np.maximum(e ** 2 - c ** 2, 0)).mean())}
