"""Distances between a rollout and a sketched line: mean, Hausdorff, discrete Fréchet (metres).

Pure numpy on a local equirectangular projection (exact enough over the few kilometres of a
trace) so it needs neither shapely nor QGIS and can be tested anywhere.
"""
from __future__ import annotations

import math

import numpy as np

EARTH_R = 6371008.8


def to_local_m(lonlat: np.ndarray, lat0: float) -> np.ndarray:
    lonlat = np.asarray(lonlat, float)
    k = math.pi / 180 * EARTH_R
    return np.column_stack([lonlat[:, 0] * k * math.cos(math.radians(lat0)), lonlat[:, 1] * k])


def densify(xy: np.ndarray, step_m: float = 10.0) -> np.ndarray:
    """Points every `step_m` along a polyline, so vertex-based measures see the whole line."""
    out = [xy[0]]
    for a, b in zip(xy[:-1], xy[1:]):
        n = max(1, int(math.ceil(np.linalg.norm(b - a) / step_m)))
        out.extend(a + (b - a) * (i / n) for i in range(1, n + 1))
    return np.asarray(out)


def _point_to_polyline(p: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Distance of each point in p (n,2) to the polyline (m,2): min over its segments."""
    if len(line) == 1:
        return np.linalg.norm(p - line[0], axis=1)
    a, b = line[:-1], line[1:]
    ab = b - a
    denom = np.maximum((ab ** 2).sum(1), 1e-12)
    t = np.clip(((p[:, None, :] - a[None]) * ab[None]).sum(2) / denom[None], 0, 1)
    proj = a[None] + t[..., None] * ab[None]
    return np.linalg.norm(p[:, None, :] - proj, axis=2).min(1)


def discrete_frechet(p: np.ndarray, q: np.ndarray) -> float:
    """Eiter & Mannila's discrete Fréchet distance, row by row (O(n*m) time, O(m) memory)."""
    d = np.linalg.norm(p[:, None, :] - q[None, :, :], axis=2)
    prev = np.maximum.accumulate(d[0])
    for i in range(1, len(p)):
        cur = np.empty_like(prev)
        cur[0] = max(prev[0], d[i, 0])
        for j in range(1, len(q)):
            cur[j] = max(min(prev[j], prev[j - 1], cur[j - 1]), d[i, j])
        prev = cur
    return float(prev[-1])


def distances(rollout_lonlat, sketch_lonlat, step_m: float = 10.0, max_points: int = 400) -> dict:
    """{'mean': m, 'hausdorff': m, 'frechet': m} between two lon/lat polylines.

    mean: average distance from the rollout (densified) to the sketch line; Hausdorff: symmetric,
    on densified lines; Fréchet: discrete, on lines resampled to at most `max_points` points.
    """
    r, s = np.asarray(rollout_lonlat, float), np.asarray(sketch_lonlat, float)
    if len(r) < 1 or len(s) < 1:
        raise ValueError("both lines need at least one point")
    lat0 = float(np.mean(np.concatenate([r[:, 1], s[:, 1]])))
    rm, sm = to_local_m(r, lat0), to_local_m(s, lat0)
    rd, sd = densify(rm, step_m), densify(sm, step_m)
    d_rs, d_sr = _point_to_polyline(rd, sm), _point_to_polyline(sd, rm)
    return {"mean": float(d_rs.mean()), "hausdorff": float(max(d_rs.max(), d_sr.max())),
            "frechet": discrete_frechet(_resample(rd, max_points), _resample(sd, max_points))}


def _resample(xy: np.ndarray, n: int) -> np.ndarray:
    if len(xy) <= n:
        return xy
    idx = np.linspace(0, len(xy) - 1, n).round().astype(int)
    return xy[idx]
