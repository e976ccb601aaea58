"""Input cleanup of the Rule_sig recipe: one observation per site visit, no ping-pong, no overshoots, smoothed.

Most of what a map matcher can gain on cellular data comes from here (issue 3's first measurement):
a phone parked under one site produces many records that are one observation, and a vehicle near a
cell edge flips A->B->A without moving. The HMM steps over the collapsed visits; the Kalman-smoothed
track (from every kept record) gives the positions the HMM sees and the progress along the route.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .. import deadline
from .config import CleanupConfig


@dataclass
class Observations:
    """A cleaned observation sequence in network metres; t is the representative (mean) record time."""

    t: np.ndarray
    t_first: np.ndarray
    t_last: np.ndarray
    x: np.ndarray  # site (or site-cluster) position
    y: np.ndarray
    n: np.ndarray  # records merged into each observation
    site: np.ndarray  # site (cluster) label, equal labels = same place
    sx: np.ndarray | None = None  # smoothed position (Kalman), what the HMM sees
    sy: np.ndarray | None = None
    track: tuple | None = None  # (t, x, y) the smoothed track itself (per kept record), for timing

    def __len__(self) -> int:
        return len(self.t)

    def take(self, keep: np.ndarray) -> "Observations":
        f = lambda a: None if a is None else a[keep]
        return Observations(self.t[keep], self.t_first[keep], self.t_last[keep], self.x[keep], self.y[keep],
                            self.n[keep], self.site[keep], f(self.sx), f(self.sy), self.track)


def site_labels(x: np.ndarray, y: np.ndarray, cluster_m: float) -> np.ndarray:
    """Label positions so that sites within `cluster_m` of each other (transitively) share a label (KD-tree)."""
    uniq, inv = _unique_rows(np.round(x, 1), np.round(y, 1))
    if cluster_m <= 0 or len(uniq) == 1:
        return inv
    pairs = cKDTree(uniq).query_pairs(cluster_m, output_type="ndarray")
    parent = np.arange(len(uniq))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([root(i) for i in range(len(uniq))])[inv]


def _unique_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(column_stack([x, y]), axis=0, return_inverse=True) (rows in (x, y) order, each row's index into
    them), by one lexsort: the same answer without unique's structured-array sort (most of the labelling's time)."""
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    new = np.ones(len(order), bool)
    new[1:] = (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    inv = np.empty(len(order), np.int64)
    inv[order] = np.cumsum(new) - 1
    return np.column_stack([xs[new], ys[new]]), inv


def collapse_runs(t, x, y, site, n=None, t_first=None, t_last=None) -> Observations:
    """Merge consecutive entries of the same site into one observation at their (record-weighted) mean time."""
    t = np.asarray(t, float)
    n = np.ones(len(t)) if n is None else np.asarray(n, float)
    t_first = t if t_first is None else t_first
    t_last = t if t_last is None else t_last
    start = np.r_[True, site[1:] != site[:-1]]
    g = np.cumsum(start) - 1
    cnt = np.bincount(g, n)
    mean = lambda a: np.bincount(g, a * n) / cnt
    first = np.flatnonzero(start)
    last = np.r_[first[1:] - 1, len(t) - 1]
    return Observations(mean(t), np.asarray(t_first)[first], np.asarray(t_last)[last], mean(x), mean(y), cnt,
                        np.asarray(site)[first])


def _merge(obs: Observations) -> Observations:
    return collapse_runs(obs.t, obs.x, obs.y, obs.site, obs.n, obs.t_first, obs.t_last)


def remove_pingpong(obs: Observations, max_s: float) -> Observations:
    """Drop B in A->B->A when B lasted at most `max_s` (from leaving A to returning to A); repeat until stable."""
    while len(obs) >= 3 and max_s > 0:
        deadline.check()  # bounded work per trace (sig2gps.deadline)
        s = obs.site
        gap = obs.t_first[2:] - obs.t_last[:-2]
        flip = np.flatnonzero((s[:-2] == s[2:]) & (gap <= max_s)) + 1
        if not len(flip):
            break
        # Drop non-adjacent flips only (A B A B A: drop the first B, re-check the rest next round).
        drop = flip[np.r_[True, np.diff(flip) > 1]]
        keep = np.ones(len(obs), bool)
        keep[drop] = False
        obs = _merge(obs.take(keep))
    return obs


def remove_outliers(obs: Observations, max_off_m: float) -> Observations:
    """Drop observations far off the position interpolated in time between their neighbours (overshooting
    cells). Worst first, one at a time, so an outlier never condemns the good neighbours it skews."""
    if len(obs) < 3 or not np.isfinite(max_off_m):
        return obs
    keep = np.arange(len(obs))
    while len(keep) >= 3:
        deadline.check()  # one outlier per round: many outliers, many rounds
        t, x, y = obs.t[keep], obs.x[keep], obs.y[keep]
        dt = t[2:] - t[:-2]
        w = np.where(dt > 0, (t[1:-1] - t[:-2]) / np.where(dt > 0, dt, 1.0), 0.5)
        off = np.hypot(x[1:-1] - (x[:-2] + w * (x[2:] - x[:-2])), y[1:-1] - (y[:-2] + w * (y[2:] - y[:-2])))
        worst = int(np.argmax(off))
        if off[worst] <= max_off_m:
            break
        keep = np.delete(keep, worst + 1)
    return _merge(obs.take(keep)) if len(keep) < len(obs) else obs


def kalman_smooth(obs: Observations, sigma_m: float, accel: float) -> tuple[np.ndarray, np.ndarray]:
    """Rauch-Tung-Striebel smoother, constant velocity, irregular times; x and y are independent.

    The covariances and gains depend only on the times, not on the positions, so they are computed
    once and applied to x and y together. The loop is the whole cost, so it runs on Python floats (the
    2x2 products written out; numpy's per-call overhead on 2x2 arrays was most of the cleanup's time).
    """
    n = len(obs)
    if n == 1:
        return obs.x.copy(), obs.y.copy()
    r = float(sigma_m) ** 2
    zx, zy = obs.x.tolist(), obs.y.tolist()
    dts = np.r_[0.0, np.maximum(np.diff(obs.t), 0.0)].tolist()
    # per step k: filtered mean (position, velocity) of x and y, covariance P, predicted mean and covariance
    m = [None] * n
    mp = [None] * n
    P = [None] * n
    Pp = [None] * n
    px, vx, py, vy = zx[0], 0.0, zy[0], 0.0
    a, b, c, d = r, 0.0, 0.0, 15.0 ** 2  # P = [[a, b], [c, d]]
    for k in range(n):
        if not k % 1024:
            deadline.check()  # bounded work per trace (sig2gps.deadline)
        dt = dts[k]
        if k:  # predict: F = [[1, dt], [0, 1]], Q = accel * [[dt^3/3, dt^2/2], [dt^2/2, dt]]
            px, py = px + dt * vx, py + dt * vy
            fa, fb = a + dt * c, b + dt * d  # first row of F P
            a, b, c, d = (fa + fb * dt + accel * (dt ** 3 / 3), fb + accel * (dt ** 2 / 2),
                          c + d * dt + accel * (dt ** 2 / 2), d + accel * dt)
        mp[k], Pp[k] = (px, vx, py, vy), (a, b, c, d)
        k0, k1 = a / (a + r), c / (a + r)  # gain
        ex, ey = zx[k] - px, zy[k] - py
        px, vx, py, vy = px + k0 * ex, vx + k1 * ex, py + k0 * ey, vy + k1 * ey
        a, b, c, d = a - k0 * a, b - k0 * b, c - k1 * a, d - k1 * b
        m[k], P[k] = (px, vx, py, vy), (a, b, c, d)
    sx, sy = [0.0] * n, [0.0] * n
    spx, svx, spy, svy = m[n - 1]
    sx[n - 1], sy[n - 1] = spx, spy
    for k in range(n - 2, -1, -1):
        if not k % 1024:
            deadline.check()
        a, b, c, d = Pp[k + 1]
        det = a * d - b * c
        ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det  # inverse of the predicted covariance
        dt = dts[k + 1]
        pa, pb, pc, pd = P[k]
        qa, qb, qc, qd = pa + pb * dt, pb, pc + pd * dt, pd  # P[k] F^T
        ga, gb, gc, gd = qa * ia + qb * ic, qa * ib + qb * id_, qc * ia + qd * ic, qc * ib + qd * id_  # gain G
        mpx, mvx, mpy, mvy = mp[k + 1]
        ex, evx, ey, evy = spx - mpx, svx - mvx, spy - mpy, svy - mvy
        fpx, fvx, fpy, fvy = m[k]
        spx, svx = fpx + (ga * ex + gb * evx), fvx + (gc * ex + gd * evx)
        spy, svy = fpy + (ga * ey + gb * evy), fvy + (gc * ey + gd * evy)
        sx[k], sy[k] = spx, spy
    return np.array(sx), np.array(sy)


def clean_observations(t, x, y, cfg: CleanupConfig) -> Observations:
    """Records (time-sorted) -> cleaned, smoothed observations. Never returns an empty sequence."""
    t, x, y = (np.asarray(a, float) for a in (t, x, y))
    obs = collapse_runs(t, x, y, site_labels(x, y, cfg.cluster_m))
    obs = remove_pingpong(obs, cfg.pingpong_s)
    obs = remove_outliers(obs, cfg.outlier_m)
    if cfg.interval_time and len(obs) >= 2:
        # A site serves from the handover into it until the handover out of it; the vehicle passes
        # closest to it around the middle of that interval, not at the mean of the records (the
        # handover record sits at the start and biases the mean early).
        end = np.r_[obs.t_first[1:], obs.t_last[-1]]
        obs.t = np.maximum.accumulate(0.5 * (obs.t_first + end))
    if cfg.kalman and cfg.smooth_records and len(obs) >= 2:
        # Smooth every record, not one point per visit: a long visit is more evidence of where the
        # vehicle was than a brief one. Records far off the cleaned sequence (overshoots, flips
        # removed above) are left out.
        ox, oy = np.interp(t, obs.t, obs.x), np.interp(t, obs.t, obs.y)
        keep = np.hypot(x - ox, y - oy) <= max(cfg.outlier_m, 1.0)
        rec = Observations(t[keep], t[keep], t[keep], x[keep], y[keep], np.ones(keep.sum()), np.arange(keep.sum()))
        rx, ry = kalman_smooth(rec, cfg.kalman_sigma_m, cfg.kalman_accel)
        obs.track = (rec.t, rx, ry)
        obs.sx, obs.sy = np.interp(obs.t, rec.t, rx), np.interp(obs.t, rec.t, ry)
    elif cfg.kalman:
        obs.sx, obs.sy = kalman_smooth(obs, cfg.kalman_sigma_m, cfg.kalman_accel)
    else:
        obs.sx, obs.sy = obs.x.copy(), obs.y.copy()
    if obs.track is None:
        obs.track = (obs.t, obs.sx, obs.sy)
    return obs
