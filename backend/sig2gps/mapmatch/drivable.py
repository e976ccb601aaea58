"""Make a timed route drivable: no step faster than a car, and a line that follows the roads.

A method's distance-time curve along its route can jump: the smoothed tower track projects onto a
far part of a route that loops back, or a matcher restart joins two chains by a long path in a few
seconds. Drawn point to point, such a jump is a straight line across city blocks. Two fixes, both on
the distance along the route s(t), so the path itself never changes:
- `limit_speed`: the nearest curve (a forward and a backward pass, averaged, so a jump is spread
  evenly before and after it) whose slope never exceeds the limit, with the same start and end;
- `with_vertices`: the route's own vertices inserted between samples at their interpolated times,
  so consecutive points are joined along the road, not across a corner.
"""
from __future__ import annotations

import numpy as np

from .. import deadline


def limit_speed(t: np.ndarray, s: np.ndarray, vmax: float) -> tuple[np.ndarray, float]:
    """(s', v) where s' is non-decreasing with s'[0] = s[0], s'[-1] = s[-1] and slope <= v between samples.

    v is vmax, or (s[-1] - s[0]) / duration when even constant speed over the whole time exceeds vmax
    (the route is then too long for the time: the caller flags it). s must be non-decreasing in t.
    """
    t, s = np.asarray(t, float), np.maximum.accumulate(np.asarray(s, float))
    if len(t) < 2:
        return s, vmax
    span = t[-1] - t[0]
    need = (s[-1] - s[0]) / span if span > 0 else np.inf
    v = max(float(vmax), need * (1.0 + 1e-9))
    if not np.isfinite(v):
        return s, v
    # Feasible envelope: reachable from the start and still able to reach the end at speed v.
    lo = np.maximum(s[0], s[-1] - v * (t[-1] - t))
    hi = np.minimum(s[-1], s[0] + v * (t - t[0]))
    c = np.clip(s, lo, hi)
    step = v * np.diff(t)
    # lagging: fwd[i] = min(c[i], fwd[i - 1] + step[i - 1]), never ahead of c, never faster than v; leading:
    # bwd[i] = max(c[i], bwd[i + 1] - step[i]). Both equal c except in runs that start where c itself is too fast
    # (found at once); only those runs are stepped through, with the same arithmetic.
    fwd = _runs(c.tolist(), step.tolist(), np.flatnonzero(c[1:] > c[:-1] + step) + 1, 1)
    bwd = _runs(c.tolist(), step.tolist(), np.flatnonzero(c[:-1] < c[1:] - step)[::-1], -1)
    out = 0.5 * (np.array(fwd) + np.array(bwd))  # both feasible, and so is their mean
    out[0], out[-1] = s[0], s[-1]
    return out, v


def _runs(x: list, step: list, starts, d: int) -> list:
    """x (a copy of c) with each run from `starts` (increasing for d = 1, decreasing for d = -1) replaced, in place,
    by the speed-limited curve: forward, x[i] = x[i - 1] + step[i - 1] while that is below c[i]; backward,
    x[i] = x[i + 1] - step[i] while that is above c[i] (x[i] still holds c[i] when it is compared)."""
    n, done = len(x), None
    for k, i in enumerate(starts.tolist()):
        if not k % 4096:
            deadline.check()  # bounded work per trace (sig2gps.deadline)
        if done is not None and (i <= done if d > 0 else i >= done):
            continue  # inside a run already stepped through
        while 0 <= i < n:
            val = x[i - 1] + step[i - 1] if d > 0 else x[i + 1] - step[i]
            if (x[i] <= val) if d > 0 else (x[i] >= val):
                break
            x[i] = val
            i += d
        done = i
    return x


MIN_DT_S = 1e-3  # output points closer in time than this are one point


def with_vertices(t: np.ndarray, s: np.ndarray, cum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, s) with every route vertex (distance `cum` along it) that the curve passes strictly between two
    samples inserted at its linearly interpolated time (not within MIN_DT_S of a sample). Times stay strictly
    increasing if they were."""
    t, s = np.asarray(t, float), np.asarray(s, float)
    cv = np.unique(np.asarray(cum, float))
    if len(t) < 2 or not len(cv):
        return t, s
    i = np.searchsorted(s, cv, side="right") - 1  # the sample interval each vertex falls in
    ok = (i >= 0) & (i < len(t) - 1)
    i, cv = i[ok], cv[ok]
    ok = (cv > s[i]) & (cv < s[i + 1])
    i, cv = i[ok], cv[ok]
    if not len(cv):
        return t, s
    tv = t[i] + (cv - s[i]) / (s[i + 1] - s[i]) * (t[i + 1] - t[i])
    # a vertex within a millisecond of a sample adds nothing to the drawing (centimetres) and would give the
    # output two points a file's millisecond timestamps cannot tell apart
    ok = (tv - t[i] >= MIN_DT_S) & (t[i + 1] - tv >= MIN_DT_S)
    tv, cv = tv[ok], cv[ok]
    tt, ss = np.r_[t, tv], np.r_[s, cv]
    order = np.argsort(tt, kind="stable")
    tt, ss = tt[order], ss[order]
    keep = np.r_[True, np.diff(tt) > 0]
    return tt[keep], ss[keep]


def timed_polyline_drivable(xy: np.ndarray, ts: np.ndarray, vmax: float, sample_s: float = 2.0
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A polyline whose vertices carry times (non-decreasing, possibly equal: a jump) -> (t, x, y, v): sampled
    every `sample_s` and at its vertices, no step faster than v (= vmax unless the polyline is too long for
    its time, see limit_speed), from the first to the last time."""
    xy, ts = np.asarray(xy, float), np.maximum.accumulate(np.asarray(ts, float))
    cum = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
    # One distance per distinct time: the farthest reached by then (a zero-time jump is spread below).
    last = np.r_[ts[1:] != ts[:-1], True]
    ut, us = ts[last], cum[last]
    if len(ut) == 1 or ut[-1] <= ut[0]:
        return ut[:1], xy[:1, 0], xy[:1, 1], vmax
    # The start keeps the first vertex's distance: a jump at the first time is spread too.
    ut, us = np.r_[ut[0], ut[1:]], np.r_[cum[0], us[1:]]
    n = max(int(np.ceil((ut[-1] - ut[0]) / sample_s)), 1)
    tq = np.r_[ut[0] + np.arange(n) * sample_s, ut[-1]]
    tq = tq[np.r_[np.diff(tq) > 0, True]]
    s = np.interp(tq, ut, us)
    s, v = limit_speed(tq, s, vmax)
    tq, s = with_vertices(tq, s, cum)
    return tq, np.interp(s, cum, xy[:, 0]), np.interp(s, cum, xy[:, 1]), v
