"""The video model's picture of one trace: condition channels and the overlay video, in pixels.

Why our own rasteriser instead of render/ (web-mercator tiles): training samples are drawn on the
GPU machine, which has numpy but no pyproj/shapely/mercantile, and the model only needs a
square window in the network's metric (UTM) plane. Everything here is numpy, metres in,
pixels out, and the exact inverse (`Window.to_xy`) reads the frames back.

Channels (all in [0, 1]):
  condition (every frame, clean): roads, signaling polyline, time ramp along it, signaling sites,
      first site, last site, and the frame's time fraction (constant plane; -1 sentinel on frame 0);
      with `SceneConfig.prior`, two more: a prior track drawn exactly like the overlay
      with `SceneConfig.serving`, one more after them: per frame, the site serving at the frame's time (disc of
      value 1) and the next record's site, brightening from 0 to 1 as that record's time approaches
  overlay (what the model generates): GPS path drawn up to the frame's time, current-position dot.
Frame 0 shows no path and is kept clean (Wan 2.2 TI2V: the first frame is the condition);
frame k >= 1 shows the path up to t0 + (k-1)/(T-2) * duration, so frame 1 holds the start dot.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COND_CHANNELS = 7
OVERLAY_CHANNELS = 2


def cond_channels(cfg: "SceneConfig") -> int:
    """Condition channels of a scene: the seven planes, plus the prior's overlay and the serving plane when the
    scene has them."""
    return COND_CHANNELS + (OVERLAY_CHANNELS if cfg.prior else 0) + (SERVING_CHANNELS if cfg.serving else 0)


SERVING_CHANNELS = 1

# The eight symmetries of the square: data augmentation that keeps maps maps.
_DIHEDRAL = [np.array(m, float) for m in (
    [[1, 0], [0, 1]], [[0, -1], [1, 0]], [[-1, 0], [0, -1]], [[0, 1], [-1, 0]],
    [[-1, 0], [0, 1]], [[1, 0], [0, -1]], [[0, 1], [1, 0]], [[0, -1], [-1, 0]])]


@dataclass(frozen=True)
class SceneConfig:
    size: int = 64  # pixels per side (square frames)
    min_half_m: float = 1000.0  # smallest window half-width: short traces still show their streets
    pad_frac: float = 0.25  # window margin around the signaling sites, share of their extent
    pad_m: float = 400.0  # plus this many metres: the true path leaves the sites' hull
    road_width: int = 1  # pixels
    path_width: int = 1
    dot_radius: float = 1.2
    jitter: float = 0.1  # training only: window centre/size jitter, share of the half-width
    # 0: the dot is a binary disc of dot_radius; > 0: a Gaussian of this sigma (px, peak 1), whose weighted
    # centroid gives the position to a fraction of a pixel (a pixel is ~31 m in a 1000 m window)
    dot_sigma: float = 0.0
    # two more condition channels holding a prior track drawn like the overlay (path so far, dot per frame):
    # the engineered route (`hmm`'s rollout 0) at inference; the truth in the copy test
    prior: bool = False
    # one more condition channel (after the prior's): WHEN the phone was in which cell, frame by frame (the time
    # ramp along the signaling polyline says it only implicitly); see serving_video
    serving: bool = False


@dataclass(frozen=True)
class Window:
    """Square window in metres -> pixel grid; `rot` is one of the 8 square symmetries."""

    cx: float
    cy: float
    half: float
    size: int
    rot: int = 0

    @property
    def m_per_px(self) -> float:
        return 2 * self.half / self.size

    def to_px(self, xy: np.ndarray) -> np.ndarray:
        d = (np.asarray(xy, float) - (self.cx, self.cy)) @ _DIHEDRAL[self.rot].T
        # image rows grow downwards, northing upwards
        return np.c_[(d[:, 0] / self.half + 1) * self.size / 2, (1 - d[:, 1] / self.half) * self.size / 2]

    def to_xy(self, px: np.ndarray) -> np.ndarray:
        px = np.asarray(px, float).reshape(-1, 2)
        d = np.c_[px[:, 0] * 2 / self.size - 1, 1 - px[:, 1] * 2 / self.size] * self.half
        return d @ _DIHEDRAL[self.rot] + (self.cx, self.cy)


def window_for(sig_xy: np.ndarray, cfg: SceneConfig, rng: np.random.Generator | None = None) -> Window:
    """The window a trace is drawn in, from its signaling alone (the truth is unknown at inference)."""
    lo, hi = sig_xy.min(0), sig_xy.max(0)
    c = (lo + hi) / 2
    half = max(cfg.min_half_m, (hi - lo).max() / 2 * (1 + 2 * cfg.pad_frac) + cfg.pad_m)
    rot = 0
    if rng is not None:
        half *= float(np.exp(rng.uniform(-cfg.jitter, cfg.jitter)))
        c = c + rng.uniform(-cfg.jitter, cfg.jitter, 2) * half
        rot = int(rng.integers(8))
    return Window(float(c[0]), float(c[1]), float(half), cfg.size, rot)


def split_windows(sig_xy: np.ndarray, cfg: SceneConfig, max_half_m: float) -> list[tuple[int, int]]:
    """Consecutive record ranges (a, b), inclusive, each drawn in its own window of half-width at most
    `max_half_m` (a range always holds at least two records); neighbours share their boundary record.

    Why: the canvas has a fixed number of pixels, so a long trace drawn whole gets metres-per-pixel
    several times those of a short one, and the model's error grows with it. Drawn piece by piece
    every piece is a short trace. 0 (or a trace that fits) gives one range, the whole trace."""
    n = len(sig_xy)
    if n < 2 or max_half_m <= 0 or window_for(sig_xy, cfg).half <= max_half_m:
        return [(0, max(n - 1, 0))]
    out, a = [], 0
    while a < n - 1:
        b = a + 1
        while b + 1 < n and window_for(sig_xy[a:b + 2], cfg).half <= max_half_m:
            b += 1
        out.append((a, b))
        a = b
    return out


@dataclass(frozen=True)
class WindowScene:
    """One drawn window of a trace: records a..b (inclusive), its window and condition video."""

    a: int
    b: int
    win: Window
    cond: np.ndarray  # (COND_CHANNELS, T, S, S)


def window_scenes(sig_t: np.ndarray, sig_xy: np.ndarray, road_pieces: np.ndarray, cfg: SceneConfig,
                  max_half_m: float, frames: int, prior=None) -> list[WindowScene]:
    """The trace as the video model draws it: split_windows, then each range's window and conditions
    (times relative to the range's first record). The video method and the windowed validation share it.
    `prior`: (t, xy) of a prior track on the signaling's clock, required when the scene has prior channels."""
    return [WindowScene(a, b, *draw_window(sig_t[a:b + 1], sig_xy[a:b + 1], road_pieces, cfg, frames, prior))
            for a, b in split_windows(sig_xy, cfg, max_half_m)]


def cut_track(t: np.ndarray, xy: np.ndarray, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """A track cut to [t0, t1] (ends interpolated), times shifted to start at 0."""
    t, xy = np.asarray(t, float), np.asarray(xy, float)
    inside = (t > t0) & (t < t1)
    pt = np.r_[t0, t[inside], t1]
    return pt - t0, positions_at(t, xy, pt)


def draw_window(sig_t: np.ndarray, sig_xy: np.ndarray, road_pieces: np.ndarray, cfg: SceneConfig,
                frames: int, prior=None, rng: np.random.Generator | None = None) -> tuple[Window, np.ndarray]:
    """The window fitted to these records and its condition video, times relative to the first record: what the
    model sees of one drawn window (the video method, the windowed validation and the RL conditions alike).

    `prior` (t, xy) on the records' clock fills the prior channels of a scene that has them, and the window is
    fitted to the prior's points as well as the sites: the phone can be kilometres from its serving sites, and
    a path outside the window cannot be drawn. `rng` jitters the window (training)."""
    sig_t = np.asarray(sig_t, float)
    t0, t_end = float(sig_t[0]), float(sig_t[-1] - sig_t[0])
    pt = pxy = None
    if cfg.prior:
        if prior is None:
            raise ValueError("this model draws with a prior track (scene.prior) but none was given")
        pt, pxy = cut_track(prior[0], prior[1], t0, float(sig_t[-1]))
    win = window_for(sig_xy if pxy is None else np.vstack([sig_xy, pxy]), cfg, rng)
    cond = condition_video(render_condition(win, cfg, road_pieces, sig_t - t0, sig_xy), frames)
    if pxy is not None:
        cond = np.concatenate([cond, render_overlay(win, cfg, pt, pxy, t_end, frames)])
    if cfg.serving:
        cond = np.concatenate([cond, serving_video(win, cfg, sig_t - t0, sig_xy, frames)])
    return win, cond


def serving_video(win: Window, cfg: SceneConfig, sig_t: np.ndarray, sig_xy: np.ndarray, frames: int) -> np.ndarray:
    """(SERVING_CHANNELS, T, S, S) float32: per frame k >= 1 (time frame_fracs * the last record's time), the disc
    of the record in force (value 1) and the next record's site at the share of the time between the two that has
    passed (0 -> 1); frame 0 empty. A handover is where the phone crosses from one cell to the next, so this says
    directly where along the drive each frame is, the evidence hmm's handover timing reads."""
    S = cfg.size
    out = np.zeros((SERVING_CHANNELS, frames, S, S), np.float32)
    t = np.asarray(sig_t, float)
    if not len(t):
        return out
    px = win.to_px(np.asarray(sig_xy, float))
    discs = _disc(S, px, cfg.dot_radius + 0.8)
    for k, tk in enumerate(frame_fracs(frames) * t[-1], start=1):
        i = int(np.clip(np.searchsorted(t, tk, side="right") - 1, 0, len(t) - 1))
        out[0, k] = discs[i]
        if i + 1 < len(t) and t[i + 1] > t[i]:
            out[0, k] = np.maximum(out[0, k], discs[i + 1] * float((tk - t[i]) / (t[i + 1] - t[i])))
    return out


def frame_fracs(frames: int) -> np.ndarray:
    """Time fraction of frames 1..T-1 (frame 0 is the clean condition frame)."""
    if frames < 3:
        raise ValueError(f"frames must be at least 3, got {frames}")
    return np.linspace(0.0, 1.0, frames - 1)


def _densify(a: np.ndarray, b: np.ndarray, va=None, vb=None, step: float = 0.45):
    """Points every `step` px along pieces a->b (pixels), with values interpolated along them."""
    n = np.maximum(np.ceil(np.hypot(*(b - a).T) / step).astype(int), 1) + 1
    piece = np.repeat(np.arange(len(a)), n)
    first = np.r_[0, np.cumsum(n)[:-1]]
    f = (np.arange(n.sum()) - np.repeat(first, n)) / np.repeat(n - 1, n)
    pts = a[piece] + (b - a)[piece] * f[:, None]
    vals = None if va is None else va[piece] + (vb - va)[piece] * f
    return pts, vals


def _stamp(img: np.ndarray, pts: np.ndarray, vals=None, reduce=np.maximum) -> None:
    """Set the pixels under `pts` (x=col, y=row) to 1, or reduce `vals` into them."""
    S = img.shape[0]
    c, r = np.floor(pts[:, 0]).astype(int), np.floor(pts[:, 1]).astype(int)
    ok = (c >= 0) & (c < S) & (r >= 0) & (r < S)
    if vals is None:
        img[r[ok], c[ok]] = 1.0
    else:
        reduce.at(img, (r[ok], c[ok]), vals[ok])


def _disc(S: int, centres: np.ndarray, radius: float) -> np.ndarray:
    """(n,S,S) discs of `radius` px around pixel-coordinate centres."""
    g = np.arange(S) + 0.5
    d2 = (g[None, None, :] - centres[:, 0, None, None]) ** 2 + (g[None, :, None] - centres[:, 1, None, None]) ** 2
    return (d2 <= radius ** 2 + 0.25).astype(np.float32)


def _polyline(img, px: np.ndarray) -> None:
    if len(px) >= 2:
        _stamp(img, _densify(px[:-1], px[1:])[0])
    elif len(px):
        _stamp(img, px)


def roads_in(win: Window, pieces: np.ndarray) -> np.ndarray:
    """Pieces (n,4) with any part inside the window (cheap box test)."""
    h = win.half * 1.5  # rotation-safe margin
    x0, x1 = np.minimum(pieces[:, 0], pieces[:, 2]), np.maximum(pieces[:, 0], pieces[:, 2])
    y0, y1 = np.minimum(pieces[:, 1], pieces[:, 3]), np.maximum(pieces[:, 1], pieces[:, 3])
    keep = (x1 >= win.cx - h) & (x0 <= win.cx + h) & (y1 >= win.cy - h) & (y0 <= win.cy + h)
    return pieces[keep]


def render_condition(win: Window, cfg: SceneConfig, pieces: np.ndarray, sig_t: np.ndarray,
                     sig_xy: np.ndarray) -> np.ndarray:
    """(COND_CHANNELS-1, S, S) float32: the per-trace condition planes (time plane added per frame).

    Lines are one pixel wide (rasterised by dense sampling: vectorised, ~1 ms a trace)."""
    S = cfg.size
    out = np.zeros((COND_CHANNELS - 1, S, S), np.float32)
    pr = roads_in(win, pieces)
    if len(pr):
        out[0] = 0
        _stamp(out[0], _densify(win.to_px(pr[:, :2]), win.to_px(pr[:, 2:]))[0])
    sp = win.to_px(sig_xy)
    _polyline(out[1], sp)
    if len(sp) >= 2:  # ramp: later records brighter, so the order of the trace is visible
        span = max(float(sig_t[-1] - sig_t[0]), 1e-6)
        v = 0.15 + 0.85 * (np.asarray(sig_t, float) - sig_t[0]) / span
        pts, vals = _densify(sp[:-1], sp[1:], v[:-1], v[1:])
        _stamp(out[2], pts, vals)
    out[3] = _disc(S, sp, 1.0).max(0)
    out[4] = _disc(S, sp[:1], 1.5)[0]
    out[5] = _disc(S, sp[-1:], 1.5)[0]
    return out


def condition_video(cond: np.ndarray, frames: int) -> np.ndarray:
    """(COND_CHANNELS, T, S, S): the planes on every frame plus the frame's time fraction."""
    C, S, _ = cond.shape
    out = np.empty((C + 1, frames, S, S), np.float32)
    out[:C] = cond[:, None]
    out[C, 0] = -1.0
    out[C, 1:] = frame_fracs(frames)[:, None, None]
    return out


def positions_at(pos_t: np.ndarray, pos_xy: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.c_[np.interp(t, pos_t, pos_xy[:, 0]), np.interp(t, pos_t, pos_xy[:, 1])]


def render_overlay(win: Window, cfg: SceneConfig, pos_t: np.ndarray, pos_xy: np.ndarray, t_end: float,
                   frames: int) -> np.ndarray:
    """(OVERLAY_CHANNELS, T, S, S) float32 in {0,1}: path so far and the current dot; frame 0 empty.

    The path is stamped once as "earliest time each pixel is reached"; frame k keeps the pixels
    reached by its time, so all frames cost one rasterisation."""
    S = cfg.size
    out = np.zeros((OVERLAY_CHANNELS, frames, S, S), np.float32)
    tk = frame_fracs(frames) * t_end
    px = win.to_px(pos_xy)
    first = np.full((S, S), np.inf)
    if len(px) >= 2:
        pts, tt = _densify(px[:-1], px[1:], np.asarray(pos_t, float)[:-1], np.asarray(pos_t, float)[1:])
        _stamp(first, pts, tt, np.minimum)
    out[0, 1:] = first[None] <= tk[:, None, None] + 1e-6
    centres = win.to_px(positions_at(pos_t, pos_xy, tk))
    out[1, 1:] = _gauss(S, centres, cfg.dot_sigma) if cfg.dot_sigma > 0 else _disc(S, centres, cfg.dot_radius)
    return out


def _gauss(S: int, centres: np.ndarray, sigma: float) -> np.ndarray:
    """(n,S,S) Gaussian spots (peak 1 at the centre, cut at 3 sigma) around pixel-coordinate centres."""
    g = np.arange(S) + 0.5
    d2 = (g[None, None, :] - centres[:, 0, None, None]) ** 2 + (g[None, :, None] - centres[:, 1, None, None]) ** 2
    out = np.exp(-d2 / (2 * sigma ** 2)).astype(np.float32)
    out[d2 > (3 * sigma) ** 2] = 0.0
    return out
