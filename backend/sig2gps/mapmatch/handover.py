"""Handover geometry: when the phone was where along its matched route (issue 17, section 2).

The tower track places the phone along its route only roughly; a change of serving cell adds a clue: it
happens near the boundary between the two cells' coverage, not at either tower. The boundary between
cells at positions A and B is modelled as the curve where ln|p - A| - ln|p - B| = c: c = 0 is the
perpendicular bisector; c > 0 moves it towards B, as the hysteresis and time-to-trigger of a real
handover do (the phone holds A until B is clearly stronger). Each handover gives a shift of the tower
track's progress at its time: "geometry", towards the route's crossing of that boundary nearest to the
track; "learned", the offset a small model predicts from the handover's geometry on the route
(mapmatch.timing_model). One boundary is a noisy clue (shadowing, per-cell power offsets), so the shifts
of nearby handovers are averaged and applied to the track's progress curve rather than replacing it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import deadline


@dataclass
class Handovers:
    """Changes of serving-cell position between consecutive records, in time order."""

    t: np.ndarray  # time of the first record on the new cell (the handover, as records are emitted)
    a: np.ndarray  # (H, 2) position of the cell handed over from, metres
    b: np.ndarray  # (H, 2) position of the cell handed over to
    dwell_a: np.ndarray  # seconds on A's position before the handover (since the change into it, or the start)
    dwell_b: np.ndarray  # seconds on B's position after it (until the next change, or the end)

    def __len__(self) -> int:
        return len(self.t)


def find_handovers(t, x, y, min_sep_m: float = 1.0) -> Handovers:
    """Every pair of consecutive records whose cell positions differ by more than min_sep_m.

    Records of the same position in a row are periodic or data-session records inside one dwell: they say
    which cell served, not where a boundary was crossed. Sector changes at one site (true site positions)
    share the position and are not handovers here. A record that changes position is taken as the moment
    of the handover: the simulator and the Cork-like logs emit one record per change of serving cell."""
    t, x, y = (np.asarray(v, float) for v in (t, x, y))
    if len(t) < 2:
        z = np.zeros(0)
        return Handovers(z, np.zeros((0, 2)), np.zeros((0, 2)), z, z)
    step = np.hypot(np.diff(x), np.diff(y)) > min_sep_m
    i = np.flatnonzero(step) + 1  # index of the first record on the new position
    change = np.r_[t[0], t[i], t[-1]]  # run boundaries: start, each change, end
    xy = np.column_stack([x, y])
    return Handovers(t[i], xy[i - 1], xy[i], change[1:-1] - change[:-2], change[2:] - change[1:-1])


def boundary_gap(px, py, a, b, c) -> np.ndarray:
    """ln|p - a| - ln|p - b| - c for points p (H, K) against per-handover a, b (H, 2) and c (H,) or scalar."""
    da = np.hypot(px - a[:, :1], py - a[:, 1:])
    db = np.hypot(px - b[:, :1], py - b[:, 1:])
    return np.log(np.maximum(da, 1.0)) - np.log(np.maximum(db, 1.0)) - np.reshape(c, (-1, 1))


def crossings(route_xy: np.ndarray, route_cum: np.ndarray, ho: Handovers, s_guess: np.ndarray, window_m: float,
              c=0.0, step_m: float = 10.0) -> np.ndarray:
    """Distance along the route where each handover's boundary is crossed from A's side to B's, the crossing
    nearest to s_guess within +-window_m; NaN where the route does not cross it there (no anchor)."""
    n = len(ho)
    if not n or len(route_cum) < 2 or route_cum[-1] <= 0:
        return np.full(n, np.nan)
    k = max(int(2 * window_m / step_m) + 1, 3)
    grid = np.clip(np.asarray(s_guess, float)[:, None] + np.linspace(-window_m, window_m, k)[None], 0.0,
                   route_cum[-1])
    px = np.interp(grid, route_cum, route_xy[:, 0])
    py = np.interp(grid, route_cum, route_xy[:, 1])
    g = boundary_gap(px, py, ho.a, ho.b, c)
    up = (g[:, :-1] < 0) & (g[:, 1:] >= 0)  # A's side -> B's side
    frac = g[:, :-1] / np.where(up, g[:, :-1] - g[:, 1:], 1.0)
    s_cross = grid[:, :-1] + frac * (grid[:, 1:] - grid[:, :-1])
    dist = np.where(up, np.abs(s_cross - np.asarray(s_guess, float)[:, None]), np.inf)
    j = np.argmin(dist, axis=1)
    r = np.arange(n)
    return np.where(np.isfinite(dist[r, j]), s_cross[r, j], np.nan)


def route_heading(route_xy: np.ndarray, route_cum: np.ndarray, s: np.ndarray, half_m: float = 30.0) -> np.ndarray:
    """(H, 2) unit direction of travel along the route at distances s (a chord of +-half_m)."""
    L = route_cum[-1]
    lo, hi = np.clip(s - half_m, 0, L), np.clip(s + half_m, 0, L)
    d = np.column_stack([np.interp(hi, route_cum, route_xy[:, 0]) - np.interp(lo, route_cum, route_xy[:, 0]),
                         np.interp(hi, route_cum, route_xy[:, 1]) - np.interp(lo, route_cum, route_xy[:, 1])])
    return d / np.maximum(np.hypot(*d.T), 1e-9)[:, None]


def handover_progress(route, t, x, y, tq: np.ndarray, s_track: np.ndarray, cfg, scale: float = 1.0) -> np.ndarray:
    """The track's progress s_track (at times tq) shifted by what the handovers say (cfg: TimingConfig).

    Each handover gives a shift at its time: "geometry", towards the route's crossing of the boundary
    between the two cells (where one is found within cfg.handover_window_m); "learned", the timing model's
    predicted offset. A single boundary is a noisy clue (shadowing, cell power offsets, hysteresis), so the
    shifts are averaged with a Gaussian kernel in time (cfg.handover_sigma_s), shrunk towards no shift by
    cfg.handover_prior zero-shift pseudo-handovers, and a share cfg.handover_gain of it is applied."""
    ho = find_handovers(t, x, y)
    if not len(ho) or cfg.handover == "track" or route.length <= 0:
        return s_track
    sg = np.interp(ho.t, tq, s_track)
    if cfg.handover in ("learned", "sequence"):
        from .timing_model import features, load_timing_model

        model = load_timing_model(cfg.handover_model or None)
        shift = np.clip(model.predict(features(route.xy, route.cum, ho, sg, scale)), -cfg.handover_window_m,
                        cfg.handover_window_m)
        w = np.ones(len(ho))
    else:
        sc = crossings(route.xy, route.cum, ho, sg, cfg.handover_window_m, cfg.handover_c)
        w = np.isfinite(sc).astype(float)
        shift = np.where(w > 0, np.nan_to_num(sc) - sg, 0.0)
    # The trip's ends stay where the track puts them (its first and last record: the route's ends); the shift
    # fades in and out over sigma from them.
    fade = np.clip(np.minimum(tq - tq[0], tq[-1] - tq) / cfg.handover_sigma_s, 0.0, 1.0)
    out = np.empty_like(s_track, dtype=float)
    # Handovers are in time order: a chunk of samples only weighs those within 8 sigma of it (beyond, a weight
    # is below 1e-14), so the cost is linear in the records, not samples x handovers.
    reach = 8.0 * cfg.handover_sigma_s
    for k in range(0, len(tq), 512):  # chunks: samples x nearby handovers stays small on long traces
        deadline.check()  # bounded work per trace (sig2gps.deadline)
        tk = tq[k:k + 512]
        j0, j1 = np.searchsorted(ho.t, [tk[0] - reach, tk[-1] + reach], side="left")
        K = w[None, j0:j1] * np.exp(-0.5 * ((tk[:, None] - ho.t[None, j0:j1]) / cfg.handover_sigma_s) ** 2)
        out[k:k + 512] = s_track[k:k + 512] + fade[k:k + 512] * cfg.handover_gain * (K @ shift[j0:j1]) / (
            K.sum(1) + cfg.handover_prior)
    return np.clip(out, 0.0, route.length)
