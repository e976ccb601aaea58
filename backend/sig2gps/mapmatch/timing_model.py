"""The learned part of hmm's handover timing: how far along the route the phone really was at a handover,
relative to where the tower track puts it.

Per handover (mapmatch.handover), `features` describes the two cells' geometry as the matched route sees it
around the track's guess: which side of the boundary between the cells the guess lies on and how fast that
changes along the route (a Newton step to the boundary), the boundary crossing nearest the guess, the
cells' projections on the route, their distance and the route's direction against their axis, and the
dwell times. A small MLP (trained by `sig2gps train timing` on simulated drives of the training cities
only, true and estimated cell positions) predicts the offset from the guess; the timing then shifts the
track's progress curve by these offsets, interpolated in time between handovers.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from .handover import Handovers, boundary_gap, crossings, route_heading

FEATURES = ("gap_guess", "newton_km", "cross_found", "cross_km", "proj_a_km", "proj_b_km", "d_ab_km",
            "cos_axis", "log_dwell_a", "log_dwell_b", "scale", "dist_guess_km")
WINDOW_M = 800.0  # the crossing and projections are searched within this of the guess


def _clip_km(v, lim_m=WINDOW_M) -> np.ndarray:
    return np.clip(np.nan_to_num(np.asarray(v, float), nan=0.0), -lim_m, lim_m) / 1000.0


def features(route_xy: np.ndarray, route_cum: np.ndarray, ho: Handovers, s_guess: np.ndarray,
             scale: float = 1.0) -> np.ndarray:
    """(H, len(FEATURES)) features of each handover against the route near its guess s_guess."""
    from .timing import Route, project_points

    n = len(ho)
    if not n:
        return np.zeros((0, len(FEATURES)))
    s_guess = np.asarray(s_guess, float)
    L = route_cum[-1]
    h = 25.0
    pts = lambda s: (np.interp(s, route_cum, route_xy[:, 0])[:, None], np.interp(s, route_cum, route_xy[:, 1])[:, None])
    g0 = boundary_gap(*pts(s_guess), ho.a, ho.b, 0.0)[:, 0]
    lo, hi = np.clip(s_guess - h, 0, L), np.clip(s_guess + h, 0, L)
    slope = (boundary_gap(*pts(hi), ho.a, ho.b, 0.0)[:, 0] - boundary_gap(*pts(lo), ho.a, ho.b, 0.0)[:, 0]) \
        / np.maximum(hi - lo, 1e-6)
    newton = np.where(slope > 1e-6, -g0 / np.where(slope > 1e-6, slope, 1.0), 0.0)
    sc = crossings(route_xy, route_cum, ho, s_guess, WINDOW_M, 0.0)
    rt = Route([], route_xy, route_cum, [], np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    cells, sg2 = np.vstack([ho.a, ho.b]), np.tile(s_guess, 2)  # both cells of every handover in one call
    pab = project_points(rt, cells[:, 0], cells[:, 1], sg2 - WINDOW_M, sg2 + WINDOW_M) - sg2
    pa, pb = pab[:n], pab[n:]
    ab = ho.b - ho.a
    dab = np.hypot(*ab.T)
    hd = route_heading(route_xy, route_cum, s_guess)
    cos = (hd * ab).sum(1) / np.maximum(dab, 1e-9)
    gx, gy = pts(s_guess)
    mid = 0.5 * (ho.a + ho.b)
    return np.column_stack([np.clip(g0, -2, 2), _clip_km(newton), np.isfinite(sc).astype(float),
                            _clip_km(sc - s_guess), _clip_km(pa), _clip_km(pb), np.minimum(dab, 5000) / 1000.0,
                            cos, np.log1p(ho.dwell_a), np.log1p(ho.dwell_b), np.full(n, float(scale)),
                            np.minimum(np.hypot(gx[:, 0] - mid[:, 0], gy[:, 0] - mid[:, 1]), 5000) / 1000.0])


class TimingModel:
    """A small MLP (numpy inference): standardised features -> offset along the route (metres) from the guess."""

    def __init__(self, params: dict):
        self.mean = np.asarray(params["mean"], float)
        self.std = np.asarray(params["std"], float)
        self.layers = [(np.asarray(w, float), np.asarray(b, float)) for w, b in params["layers"]]
        self.out_scale = float(params.get("out_scale_m", 1000.0))
        self.meta = params.get("meta", {})
        if list(params.get("features", FEATURES)) != list(FEATURES):
            raise ValueError(f"timing model features {params.get('features')} differ from this code's {FEATURES}")

    def predict(self, X: np.ndarray) -> np.ndarray:
        h = (np.asarray(X, float) - self.mean) / self.std
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0] * self.out_scale

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "mean": self.mean.tolist(), "std": self.std.tolist(),
                "layers": [[w.tolist(), b.tolist()] for w, b in self.layers], "out_scale_m": self.out_scale,
                "meta": self.meta}

    def save(self, path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(self.to_dict()))


_CACHE: dict = {}


@lru_cache(maxsize=1)  # resolving the path is a dozen system calls, on every trace otherwise
def default_model_path() -> Path:
    """resources/models/timing/model.json of this checkout, beside the shipped video and sequence models (found
    here rather than through model.store, which imports torch: hmm never needs it)."""
    return Path(__file__).resolve().parents[3] / "resources" / "models" / "timing" / "model.json"


@lru_cache(maxsize=64)  # a dozen system calls a trace otherwise; relative paths per working directory
def _resolved(path: str, cwd: str) -> str:
    return str(Path(path).resolve())


def cached_model(path, default: Path, cls, what: str, command: str):
    """cls(params) of the JSON model file at `path` (default: `default`), cached per path; errors name the file
    (and the command that trains one where it is missing)."""
    p = Path(path) if path else default
    key = str(p) if not path else _resolved(str(path), os.getcwd() if not p.is_absolute() else "")
    if key not in _CACHE:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: {what} not found (train one with `{command}`)")
        try:
            _CACHE[key] = cls(json.loads(p.read_text()))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{p}: not a {what} ({e})") from e
    return _CACHE[key]


def load_timing_model(path=None) -> TimingModel:
    """The timing model at `path` (default: the shipped one), cached per path. Errors name the file."""
    return cached_model(path, default_model_path(), TimingModel, "timing model", "sig2gps train timing")
