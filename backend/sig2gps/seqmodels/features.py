"""From a signaling trace to fixed-size model inputs, and from model outputs back to lon/lat.

Every trace is seen in its own local metric frame (metres east/north of its first record) and on a
grid of `grid` times spread evenly over its span, so all four models share one input: per grid time,
the tower positions around it (interpolated, previous, next, time-smoothed), where it sits in time,
and how far the nearest records are. Models predict the offset of the true position from the
time-smoothed tower position, so an untrained model starts at a sensible floor.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..metrics import LocalFrame


@dataclass(frozen=True)
class FeatureConfig:
    grid: int = 48  # output times per trace (the track is interpolated between them)
    pos_scale_m: float = 1000.0  # positions are divided by this
    time_scale_s: float = 600.0  # durations are divided by this
    gap_scale_s: float = 60.0  # time to the previous/next record is divided by this (then clipped at 5)
    smooth_s: float = 60.0  # Gaussian time scale of the smoothed tower position (the base of the output)

    @property
    def n_features(self) -> int:
        return 12


def grid_times(t: np.ndarray, n: int) -> np.ndarray:
    return np.linspace(float(t[0]), float(t[-1]), n)


def trace_features(trace, cfg: FeatureConfig):
    """(grid times (L,), features (L,F) float32, base position (L,2) metres, frame)."""
    t = np.asarray(trace.t, float)
    frame = LocalFrame(float(trace.lon[0]), float(trace.lat[0]))
    x, y = frame.to_xy(trace.lon, trace.lat)
    g = grid_times(t, cfg.grid)
    S, T = cfg.pos_scale_m, cfg.time_scale_s
    ix, iy = np.interp(g, t, x), np.interp(g, t, y)
    prev = np.clip(np.searchsorted(t, g, side="right") - 1, 0, len(t) - 1)
    nxt = np.clip(np.searchsorted(t, g, side="left"), 0, len(t) - 1)
    # Time-smoothed tower position: each record weighted by its serving duration and nearness in time.
    dur = np.maximum(np.r_[np.diff(t), 1.0], 1.0)
    w = dur[None] * np.exp(-0.5 * ((g[:, None] - t[None]) / cfg.smooth_s) ** 2) + 1e-12
    sx, sy = (w * x[None]).sum(1) / w.sum(1), (w * y[None]).sum(1) / w.sum(1)
    span = max(t[-1] - t[0], 1.0)
    f = np.column_stack([
        ix / S, iy / S, x[prev] / S, y[prev] / S, x[nxt] / S, y[nxt] / S, sx / S, sy / S,
        (g - t[0]) / span,
        np.minimum((g - t[prev]) / cfg.gap_scale_s, 5.0), np.minimum((t[nxt] - g) / cfg.gap_scale_s, 5.0),
        np.full(len(g), span / T),
    ]).astype(np.float32)
    return g, f, np.column_stack([sx, sy]), frame


def trace_targets(gps, g: np.ndarray, base: np.ndarray, frame: LocalFrame, cfg: FeatureConfig) -> np.ndarray:
    """True offset from the base at the grid times (scaled), from a GPS track."""
    gx, gy = frame.to_xy(gps.lon, gps.lat)
    tx, ty = np.interp(g, gps.t, gx), np.interp(g, gps.t, gy)
    return (np.column_stack([tx, ty]) - base).astype(np.float32) / cfg.pos_scale_m


def to_track(pred: np.ndarray, g: np.ndarray, base: np.ndarray, frame: LocalFrame, cfg: FeatureConfig):
    """Model output (L,2 scaled offsets) -> (t, lon, lat)."""
    xy = base + np.asarray(pred, float) * cfg.pos_scale_m
    lon, lat = frame.to_lonlat(xy[:, 0], xy[:, 1])
    return g, lon, lat
