"""A learned correction of hmm's progress along its matched route, with context across the whole trace (issue 17,
section 2).

The handover model (mapmatch.timing_model) predicts each handover's offset from its local geometry alone. Here a
small 1-D dilated convolution net reads the whole trace at once, on a regular time grid (SeqTimingModel.step_s):
per grid time, `features` describes the current progress (the tower track's, shifted by the handovers), the
free-flow travel-time prior, the serving / previous / next cell's projection on the route and distance from it,
the time since and until a change of cell, the progress's local and mean speed, and the trip's length and
duration. The net predicts how far the phone really was from that progress; `sequence_progress` adds the
correction (a share cfg.sequence_gain of it), keeps it monotone (isotonic regression) and on the route. The
speed limit and plausibility steps of timing.timestamp_route apply afterwards, as for every timing.

Trained by `sig2gps train seqtiming` (train.seqtiming, torch, CPU) on simulated drives of the training cities
only; inference here is numpy only (hmm never imports torch): a few matrix products per trace.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .handover import crossings, find_handovers
from .timing_model import cached_model

FEATURES = ("frac_time", "duration_h", "length_10km", "s0_frac", "s0_km", "left_km", "shift_km", "prior_km",
            "linear_km", "cur_proj_km", "cur_lat_km", "prev_proj_km", "prev_lat_km", "next_proj_km", "next_lat_km",
            "log_since", "log_until", "speed_local", "speed_mean", "scale", "log_changes", "last_cross_km",
            "last_found", "next_cross_km", "next_found", "ff_speed")
WINDOW_M = 1500.0  # cells are projected on the route within this of the current progress
CLIP_KM = 3.0  # distance features are clipped to +-this


def grid_times(t0: float, t1: float, step_s: float) -> np.ndarray:
    """The model's time grid over [t0, t1]: every step_s, the end included."""
    n = max(int(np.ceil((t1 - t0) / step_s)), 1)
    g = np.r_[t0 + np.arange(n) * step_s, t1]
    return g[np.r_[np.diff(g) > 0, True]]


def _km(v) -> np.ndarray:
    return np.clip(np.nan_to_num(np.asarray(v, float)) / 1000.0, -CLIP_KM, CLIP_KM)


def features(route, t, x, y, g: np.ndarray, tq: np.ndarray, s0: np.ndarray, s_track: np.ndarray,
             scale: float = 1.0) -> np.ndarray:
    """(len(g), len(FEATURES)) features at the grid times g: s0 (at times tq) is the progress to correct, s_track
    the tower track's alone (their difference: the handovers' shift); t, x, y: the records (network metres)."""
    from .timing import project_points

    L = max(route.length, 1e-6)
    t = np.asarray(t, float)
    t0, t1 = float(t[0]), float(t[-1])
    T = max(t1 - t0, 1e-6)
    sg = np.interp(g, tq, s0)
    st = np.interp(g, tq, s_track)
    frac = np.clip((g - t0) / T, 0.0, 1.0)
    prior = np.interp(frac * route.cum_time[-1], route.cum_time, route.cum) if route.cum_time[-1] > 0 else L * frac
    ho = find_handovers(t, x, y)
    k = np.searchsorted(ho.t, g, side="right")  # changes of cell at or before each grid time
    first = np.array([[x[0], y[0]]], float)
    cur = np.vstack([first, ho.b])[k]
    prev = np.vstack([first, ho.a])[k]
    nxt = np.vstack([ho.b, [[x[-1], y[-1]]]])[k]
    since = g - np.r_[t0, ho.t][k]
    until = np.r_[ho.t, t1][k] - g
    cells = np.vstack([cur, prev, nxt])
    s3 = np.tile(sg, 3)
    proj = project_points(route, cells[:, 0], cells[:, 1], s3 - WINDOW_M, s3 + WINDOW_M)
    lat = np.hypot(np.interp(proj, route.cum, route.xy[:, 0]) - cells[:, 0],
                   np.interp(proj, route.cum, route.xy[:, 1]) - cells[:, 1])
    n = len(g)
    d = 30.0
    v_loc = (np.interp(g + d, tq, s0) - np.interp(g - d, tq, s0)) / (2 * d)
    near = np.searchsorted(ho.t, g + 60.0) - np.searchsorted(ho.t, g - 60.0)
    # the boundary crossings of the last and the next handover (near the progress at their times; NaN: none)
    sc = np.r_[np.nan, crossings(route.xy, route.cum, ho, np.interp(ho.t, tq, s0), 800.0, 1.0), np.nan]
    last, nxt_c = sc[k], sc[k + 1]
    ff = np.diff(route.cum) / np.maximum(np.diff(route.cum_time), 1e-6)
    j = np.clip(np.searchsorted(route.cum, sg, side="right") - 1, 0, max(len(ff) - 1, 0))
    ff_speed = ff[j] if len(ff) else np.zeros(n)
    return np.column_stack([
        frac, np.full(n, T / 3600.0), np.full(n, L / 10000.0), sg / L, _km(sg), _km(L - sg), _km(sg - st),
        _km(prior - sg), _km(L * frac - sg),
        _km(proj[:n] - sg), _km(lat[:n]), _km(proj[n:2 * n] - sg), _km(lat[n:2 * n]), _km(proj[2 * n:] - sg),
        _km(lat[2 * n:]), np.log1p(since / 60.0), np.log1p(until / 60.0), v_loc / 20.0, np.full(n, L / T / 20.0),
        np.full(n, float(scale)), np.log1p(near), _km(last - sg), np.isfinite(last).astype(float),
        _km(nxt_c - sg), np.isfinite(nxt_c).astype(float), ff_speed / 20.0])


def _matmul(a: np.ndarray, b: np.ndarray, most: int = 1 << 18) -> np.ndarray:
    """a @ b in blocks of rows of at most `most` multiply-adds each: products this small stay on one thread in
    OpenBLAS, whose threads, on a busy machine, made one trace's product take milliseconds instead of microseconds."""
    rows = max(1, most // max(a.shape[1] * b.shape[1], 1))
    if len(a) <= rows:
        return a @ b
    out = np.empty((len(a), b.shape[1]))
    for k in range(0, len(a), rows):
        np.matmul(a[k:k + rows], b, out=out[k:k + rows])
    return out


class SeqTimingModel:
    """Standardised features -> a 1x1 convolution to `width` channels -> residual blocks of dilated convolutions
    (kernel k, ReLU, zero padding: 'same' length) -> a 1x1 convolution to one channel x out_scale_m metres.
    With "members" (nets of that form, trained apart): the mean of their predictions (an ensemble)."""

    def __init__(self, params: dict):
        if list(params.get("features", ())) != list(FEATURES):
            raise ValueError(f"sequence timing model features {params.get('features')} differ from this code's "
                             f"{list(FEATURES)}")
        self.members = [SeqTimingModel({**m, "features": params["features"], "step_s": params["step_s"]})
                        for m in params.get("members", ())]
        if self.members:
            self.step_s, self.meta = float(params["step_s"]), params.get("meta", {})
            return
        self.mean = np.asarray(params["mean"], float)
        self.std = np.asarray(params["std"], float)
        self.w_in, self.b_in = np.asarray(params["w_in"], float), np.asarray(params["b_in"], float)
        self.blocks = [(np.asarray(w, float), np.asarray(b, float), int(d)) for w, b, d in params["blocks"]]
        self.w_out, self.b_out = np.asarray(params["w_out"], float), np.asarray(params["b_out"], float)
        self.step_s = float(params["step_s"])
        self.out_scale = float(params.get("out_scale_m", 1000.0))
        self.meta = params.get("meta", {})
        if self.mean.shape != (len(FEATURES),) or self.w_in.shape[0] != len(FEATURES):
            raise ValueError(f"sequence timing model: input size {self.w_in.shape[0]} != {len(FEATURES)} features")

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(T,) offsets in metres for a (T, F) sequence of features."""
        if self.members:
            return np.mean([m.predict(X) for m in self.members], axis=0)
        h = _matmul((np.asarray(X, float) - self.mean) / self.std, self.w_in) + self.b_in
        n = len(h)
        for w, b, d in self.blocks:  # w: (k, width, width); tap j looks (j - k // 2) x d steps away
            k, c = w.shape[0], w.shape[1]
            pad = (k // 2) * d
            hp = np.zeros((n + 2 * pad, c))  # zero padding: the same length out
            np.maximum(h, 0.0, out=hp[pad:pad + n])
            taps = np.concatenate([hp[j * d:j * d + n] for j in range(k)], axis=1)  # one product for all taps
            h = h + _matmul(taps, w.reshape(k * c, -1)) + b
        return (_matmul(np.maximum(h, 0.0), self.w_out) + self.b_out)[:, 0] * self.out_scale

    def to_dict(self, digits: int = 0) -> dict:
        """The parameters as JSON-ready lists (rounded to `digits` significant digits where > 0: a smaller file)."""
        if self.members:
            nets = [{k: v for k, v in m.to_dict(digits).items() if k not in ("features", "step_s", "meta")}
                    for m in self.members]
            return {"features": list(FEATURES), "step_s": self.step_s, "members": nets, "meta": self.meta}
        r = (lambda a: np.asarray([float(f"{v:.{digits}g}") for v in a.ravel()]).reshape(a.shape).tolist()) \
            if digits > 0 else (lambda a: a.tolist())
        return {"features": list(FEATURES), "mean": r(self.mean), "std": r(self.std), "w_in": r(self.w_in),
                "b_in": r(self.b_in), "blocks": [[r(w), r(b), d] for w, b, d in self.blocks], "w_out": r(self.w_out),
                "b_out": r(self.b_out), "step_s": self.step_s, "out_scale_m": self.out_scale, "meta": self.meta}

    def save(self, path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(self.to_dict(digits=6), separators=(",", ":")))


def ensemble(models: list, meta: dict | None = None) -> SeqTimingModel:
    """One model averaging the predictions of `models` (all on the same time grid)."""
    if len({m.step_s for m in models}) != 1:
        raise ValueError("ensemble members must share their time step")
    return SeqTimingModel({"features": list(FEATURES), "step_s": models[0].step_s, "meta": meta or {},
                           "members": [m.to_dict() for m in models]})


def default_seq_model_path() -> Path:
    """resources/models/timing/sequence.json, beside the handover model."""
    from .timing_model import default_model_path

    return default_model_path().parent / "sequence.json"


def load_seq_model(path=None) -> SeqTimingModel:
    """The sequence timing model at `path` (default: the shipped one), cached per path. Errors name the file."""
    return cached_model(path, default_seq_model_path(), SeqTimingModel, "sequence timing model",
                        "sig2gps train seqtiming")


def sequence_progress(route, t, x, y, tq: np.ndarray, s0: np.ndarray, s_track: np.ndarray, cfg,
                      scale: float = 1.0) -> np.ndarray:
    """The progress s0 (at times tq) corrected by the sequence model: monotone, within [0, route length]. The
    correction applies at the trip's ends too: the first record may find the phone a little along the route
    (the model's estimate), not at the route's first vertex."""
    from .isotonic import increasing

    if route.length <= 0 or len(tq) < 2 or len(t) < 2:
        return s0
    model = load_seq_model(cfg.sequence_model or None)
    g = grid_times(float(tq[0]), float(tq[-1]), model.step_s)
    s = np.interp(g, tq, s0) + cfg.sequence_gain * model.predict(features(route, t, x, y, g, tq, s0, s_track,
                                                                           scale))
    s = np.clip(increasing(s), 0.0, route.length)
    return np.interp(tq, g, s)
