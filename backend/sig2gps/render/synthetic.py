"""Seeded synthetic map-visual inputs (tests, smoke runs): a grid of roads and a
drive on it with turns, speed changes and a stop (no network file needed, so tests take seconds)."""
from __future__ import annotations

import numpy as np

from .compose import RenderConfig, conditioning_image, fit_view, target_video
from .roads import RoadGeometry

LON0, LAT0 = 24.90, 60.15
DLON, DLAT = 0.004, 0.002  # grid spacing: ~220 m both ways at 60 N


def grid_roads(n: int = 12) -> RoadGeometry:
    lines, cls = [], []
    for i in range(n):
        lines.append(np.array([[LON0, LAT0 + i * DLAT], [LON0 + (n - 1) * DLON, LAT0 + i * DLAT]]))
        lines.append(np.array([[LON0 + i * DLON, LAT0], [LON0 + i * DLON, LAT0 + (n - 1) * DLAT]]))
        cls += ["primary" if i % 4 == 0 else "residential"] * 2
    return RoadGeometry.from_polylines(lines, cls)


def grid_drive(seed: int, n_turns: int = 6, gps_interval: float = 15.0):
    """(t, lon, lat) of a drive along the grid: random turns, a per-block speed, one stop."""
    rng = np.random.default_rng(seed)
    i, j = 5, 5
    nodes = [(i, j)]
    prev = (0, 0)
    for _ in range(n_turns):
        # Turn left, right or go on, never back (a U-turn redraws the same street).
        di, dj = [d for d in [(1, 0), (-1, 0), (0, 1), (0, -1)] if d != (-prev[0], -prev[1])][rng.integers(3)]
        prev = (di, dj)
        for _ in range(rng.integers(1, 4)):
            i, j = min(max(i + di, 0), 11), min(max(j + dj, 0), 11)
            if (i, j) != nodes[-1]:
                nodes.append((i, j))
    lon = LON0 + np.array([a for a, _ in nodes]) * DLON
    lat = LAT0 + np.array([b for _, b in nodes]) * DLAT
    # 1 Hz motion: each block at its own speed, a 20 s stop at one junction.
    tt, lo, la, t = [0.0], [lon[0]], [lat[0]], 0.0
    stop_at = rng.integers(1, len(nodes) - 1) if len(nodes) > 2 else -1
    for k in range(len(nodes) - 1):
        n = int(rng.integers(15, 35))  # seconds per block (~6-15 m/s)
        for s in range(1, n + 1):
            t += 1.0
            tt.append(t)
            lo.append(lon[k] + (lon[k + 1] - lon[k]) * s / n)
            la.append(lat[k] + (lat[k + 1] - lat[k]) * s / n)
        if k + 1 == stop_at:
            for _ in range(20):
                t += 1.0
                tt.append(t), lo.append(lo[-1]), la.append(la[-1])
    tt, lo, la = np.array(tt), np.array(lo), np.array(la)
    gi = np.r_[np.arange(0, len(tt), int(gps_interval)), len(tt) - 1]
    gi = np.unique(gi)
    return tt[gi] + 1.7e9, lo[gi], la[gi]


def towers_for(t, lon, lat, seed: int):
    """A signaling trace: positions ~300 m off the drive, spanning the same time."""
    rng = np.random.default_rng(seed + 1000)
    k = np.r_[0, np.sort(rng.choice(np.arange(1, len(t) - 1), size=min(8, len(t) - 2), replace=False)), len(t) - 1]
    return t[k], lon[k] + rng.normal(0, 0.004, len(k)), lat[k] + rng.normal(0, 0.002, len(k))


def rendered(seed: int, cfg: RenderConfig = RenderConfig(size=128, frames=13)):
    """(geom, condition, video, gps (t, lon, lat), signaling (t, lon, lat)) of one seeded drive."""
    t, lon, lat = grid_drive(seed)
    st, slon, slat = towers_for(t, lon, lat, seed)
    geom = fit_view(np.r_[slon, lon], np.r_[slat, lat], cfg)
    cond = conditioning_image(geom, grid_roads(), slon, slat)
    vid = target_video(geom, cond, t, lon, lat, st[0], st[-1], cfg)
    return geom, cond, vid, (t, lon, lat), (st, slon, slat)
