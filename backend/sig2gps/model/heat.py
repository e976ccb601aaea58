"""Reading a posterior heat map back into positions: the point estimate that minimises the expected error.

A sampled video is one draw from the model's posterior over paths; its dot is one guess, and the error of one
guess is larger than that of the posterior's centre. The flow model's own prediction of the clean video at
noise level 1 (one sampler step from pure noise, `Sig2GpsVideoPipeline(..., steps=1)`) is the posterior MEAN of
the overlay: per frame, the dot channel is a heat map of where the phone may be. Its weighted geometric median is
the position with the least expected distance to the truth (what MAE scores); along a known route (the prior's),
the weighted median of the arc lengths the heat projects to is the least expected along-route error.
The mean of K sampled overlays is the same heat map estimated by sampling (`heat_of_samples`).
"""
from __future__ import annotations

import numpy as np

from .readback import dot_px
from .scene import Window, frame_fracs


def heat_weights(dot: np.ndarray, floor: float = 0.1) -> np.ndarray:
    """(F,S,S) dot probabilities -> (F,S,S) weights: the heat above `floor` x the frame's peak (the faint haze a
    mean image keeps far from any plausible position carries no weight); each frame sums to 1 (0 if empty)."""
    d = np.clip(np.asarray(dot, float), 0, None)
    peak = d.reshape(len(d), -1).max(1)[:, None, None]
    w = np.where(d > floor * peak, d, 0.0)
    tot = w.reshape(len(w), -1).sum(1)[:, None, None]
    return np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)


def weighted_geomedian(pts: np.ndarray, w: np.ndarray, iters: int = 60) -> np.ndarray:
    """The point with the least w-weighted summed distance to `pts` (Weiszfeld, from the weighted mean)."""
    m = (w[:, None] * pts).sum(0) / max(w.sum(), 1e-12)
    for _ in range(iters):
        inv = w / np.maximum(np.hypot(*(pts - m).T), 1e-6)
        m = (inv[:, None] * pts).sum(0) / max(inv.sum(), 1e-12)
    return m


def heat_px(dot: np.ndarray, floor: float = 0.1) -> np.ndarray:
    """(F,S,S) heat -> (F,2) pixel positions (x=col, y=row, pixel centres): each frame's weighted geometric
    median; a frame with no heat falls back to its peak's centroid (readback.dot_px)."""
    F, S, _ = dot.shape
    w = heat_weights(dot, floor)
    rr, cc = np.mgrid[0:S, 0:S]
    centres = np.c_[cc.ravel() + 0.5, rr.ravel() + 0.5]
    out = dot_px(dot)
    for k in range(F):
        wk = w[k].ravel()
        if wk.sum() > 0:
            on = wk > 0
            out[k] = weighted_geomedian(centres[on], wk[on])
    return out


def heat_track(win: Window, overlay: np.ndarray, t0: float, t1: float, floor: float = 0.1):
    """Times and metric positions of frames 1..T-1 from a heat overlay (the analogue of readback.raw_track)."""
    T = overlay.shape[1]
    return t0 + frame_fracs(T) * (t1 - t0), win.to_xy(heat_px(overlay[1, 1:], floor))


def _arc_of_nearest(pts: np.ndarray, a: np.ndarray, ab: np.ndarray, s0: np.ndarray) -> np.ndarray:
    """Arc length of each point's nearest projection onto the segments a -> a + ab (starting at arc s0), with
    (P, G) matrices only, no (P, G, 2) temporaries: |p-a|^2 - 2u (p-a).ab + u^2 |ab|^2 (several times faster on
    the long priors of real trips)."""
    L2 = np.maximum((ab ** 2).sum(1), 1e-9)
    pa_ab = pts @ ab.T - (a * ab).sum(1)[None]
    u = np.clip(pa_ab / L2[None], 0.0, 1.0)
    d2 = (pts ** 2).sum(1)[:, None] - 2 * pts @ a.T + (a ** 2).sum(1)[None] - 2 * u * pa_ab + u ** 2 * L2[None]
    j = np.argmin(d2, 1)
    return s0[j] + u[np.arange(len(pts)), j] * np.sqrt(L2[j])


def route_heat_track(win: Window, overlay: np.ndarray, t0: float, t1: float, route_t, route_xy,
                     reach_s: float = 120.0, floor: float = 0.1, prior_weight: float = 0.0):
    """Times and positions ON the route (t, xy of the prior, on the records' clock) of frames 1..T-1: per frame
    the weighted median of the arc lengths at which the heat's pixels project onto the part of the route the
    prior passes within `reach_s` of the frame's time. `prior_weight` w: the arc length becomes (1-w) x the
    heat's + w x the prior's own at that time (two estimates with partly independent errors: their blend errs
    less than either). Feed the result to readback.route_track (which keeps arc length monotone and the speed
    plausible)."""
    route_t, route_xy = np.asarray(route_t, float), np.asarray(route_xy, float)
    T = overlay.shape[1]
    times = t0 + frame_fracs(T) * (t1 - t0)
    if len(route_xy) < 2:
        return heat_track(win, overlay, t0, t1, floor)
    S = overlay.shape[-1]
    w = heat_weights(overlay[1, 1:], floor)
    rr, cc = np.mgrid[0:S, 0:S]
    pix = win.to_xy(np.c_[cc.ravel() + 0.5, rr.ravel() + 0.5])
    cum = np.r_[0, np.cumsum(np.hypot(*np.diff(route_xy, axis=0).T))]
    a, ab = route_xy[:-1], np.diff(route_xy, axis=0)
    fallback = win.to_xy(dot_px(overlay[1, 1:]))
    out = np.empty((len(times), 2))
    for k, tk in enumerate(times):
        near = (route_t[1:] >= tk - reach_s) & (route_t[:-1] <= tk + reach_s)
        if not near.any():
            near[np.argmin(np.minimum(np.abs(route_t[1:] - tk), np.abs(route_t[:-1] - tk)))] = True
        seg = np.flatnonzero(near)
        wk = w[k].ravel()
        on = np.flatnonzero(wk > 0)
        pts = pix[on] if len(on) else fallback[k][None]
        wts = wk[on] if len(on) else np.ones(1)
        s = _arc_of_nearest(pts, a[seg], ab[seg], cum[seg])
        order = np.argsort(s)
        c = np.cumsum(wts[order])
        sk = s[order][int(np.searchsorted(c, 0.5 * c[-1]))]
        if prior_weight > 0:
            sk = (1 - prior_weight) * sk + prior_weight * np.interp(tk, route_t, cum)
        out[k] = [np.interp(sk, cum, route_xy[:, 0]), np.interp(sk, cum, route_xy[:, 1])]
    return times, out


def heat_of_samples(overlays: np.ndarray) -> np.ndarray:
    """(K, 2, T, S, S) sampled overlays -> (2, T, S, S): their mean, the sampled estimate of the posterior heat."""
    return np.asarray(overlays, float).mean(0)
