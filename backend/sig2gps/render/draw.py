"""Layer rasterisers: each returns a float32 coverage mask in [0, 1] of shape (H, W).

Separate layers so a model can stack them as its own input channels (road mask, trace line,
towers, path, dots); compose.py paints them into the RGB conditioning image and target video.
Lines are drawn by PIL on a supersampled canvas and box-filtered down, so edges are anti-aliased
and a stroke's centre is recoverable to a fraction of a pixel. Dots are exact analytic disks.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .geometry import TileGeometry
from .roads import RoadGeometry
from .style import Style


class _Canvas:
    """A supersampled 8-bit canvas in the view's pixel coordinates."""

    def __init__(self, geom: TileGeometry, ss: int):
        self.ss, self.w, self.h = ss, geom.width, geom.height
        self.img = Image.new("L", (geom.width * ss, geom.height * ss), 0)
        self.draw = ImageDraw.Draw(self.img)

    def to_sub(self, px, py) -> list[tuple[float, float]]:
        s = self.ss
        return list(zip(((np.asarray(px) + 0.5) * s - 0.5).tolist(), ((np.asarray(py) + 0.5) * s - 0.5).tolist()))

    def line(self, px, py, width_px: float) -> None:
        pts = self.to_sub(px, py)
        w = max(1, int(round(width_px * self.ss)))
        if len(pts) >= 2:
            self.draw.line(pts, fill=255, width=w, joint="curve" if w > 2 else None)
        if w > 2:  # round caps, so consecutive pieces join without notches
            r = w / 2.0
            for x, y in (pts[0], pts[-1]):
                self.draw.ellipse([x - r, y - r, x + r, y + r], fill=255)

    def square(self, px, py, half_px: float) -> None:
        h = half_px * self.ss
        for x, y in self.to_sub(px, py):
            self.draw.rectangle([x - h, y - h, x + h, y + h], fill=255)

    def line_flat(self, flat: list, width_sub: int) -> None:
        """A polyline given as flat supersampled [x0, y0, x1, y1, ...] (the fast path for roads)."""
        self.draw.line(flat, fill=255, width=width_sub, joint="curve" if width_sub > 2 else None)

    def mask(self) -> np.ndarray:
        # PIL's reduce() is an exact box average in C (numpy's strided mean is ~20x slower).
        img = self.img.reduce(self.ss) if self.ss > 1 else self.img
        return np.asarray(img, dtype=np.float32) / 255.0


def road_masks(geom: TileGeometry, roads: RoadGeometry, style: Style, ss: int = 2) -> np.ndarray:
    """(G, H, W): one coverage mask per road group of the style (minor ... major)."""
    k = style.size_factor(geom.width)
    gi, gdef = style.group_index(), style.default_group()
    canvases = [_Canvas(geom, ss) for _ in style.roads]
    widths = [max(1, int(round(g.width_px * k * ss))) for g in style.roads]
    vis = roads.in_view(geom)
    if len(vis):
        # Transform the visible segments' vertices in one go, then hand PIL flat coordinate lists.
        idx = np.concatenate([np.arange(roads.offsets[s], roads.offsets[s + 1]) for s in vis])
        px, py = geom.xy_to_px(roads.xy[idx, 0], roads.xy[idx, 1])
        sub = np.column_stack([(px + 0.5) * ss - 0.5, (py + 0.5) * ss - 0.5]).ravel().tolist()
        pos = 0
        for s in vis:
            n = int(roads.offsets[s + 1] - roads.offsets[s])
            g = gi.get(roads.road_class[s], gdef)
            if n >= 2:
                canvases[g].line_flat(sub[2 * pos:2 * (pos + n)], widths[g])
            pos += n
    return np.stack([c.mask() for c in canvases]) if canvases else np.zeros((0, geom.height, geom.width), np.float32)


def road_mask(geom: TileGeometry, roads: RoadGeometry, style: Style, ss: int = 2) -> np.ndarray:
    """(H, W): any road."""
    m = road_masks(geom, roads, style, ss)
    return m.max(axis=0) if len(m) else np.zeros((geom.height, geom.width), np.float32)


def polyline_mask(geom: TileGeometry, lon, lat, width_px: float, ss: int = 4) -> np.ndarray:
    """(H, W): a polyline through lon/lat points, width in pixels at this resolution."""
    c = _Canvas(geom, ss)
    if len(lon):
        px, py = geom.lonlat_to_px(lon, lat)
        c.line(px, py, width_px)
    return c.mask()


def trace_mask(geom: TileGeometry, lon, lat, style: Style, ss: int = 4) -> np.ndarray:
    """The signaling trace: a polyline through the serving towers in record order."""
    return polyline_mask(geom, lon, lat, style.trace_width_px * style.size_factor(geom.width), ss)


def tower_mask(geom: TileGeometry, lon, lat, style: Style, ss: int = 4) -> np.ndarray:
    """Square markers at the distinct serving tower positions."""
    c = _Canvas(geom, ss)
    ll = np.unique(np.round(np.column_stack([lon, lat]), 7), axis=0) if len(lon) else np.zeros((0, 2))
    if len(ll):
        px, py = geom.lonlat_to_px(ll[:, 0], ll[:, 1])
        c.square(px, py, style.tower_half_size_px * style.size_factor(geom.width))
    return c.mask()


def frame_times(t0: float, t1: float, n_frames: int) -> np.ndarray:
    """Frame k shows the path up to t0 + k/(T-1) * (t1 - t0) (METHOD.md section 3)."""
    if n_frames < 2:
        raise ValueError(f"a video needs at least 2 frames, got {n_frames}")
    return t0 + (t1 - t0) * np.arange(n_frames) / (n_frames - 1)


def position_at(t, lon, lat, tq) -> tuple[np.ndarray, np.ndarray]:
    """Track position at times tq: linear in time, held outside the track's span."""
    t = np.asarray(t, float)
    return np.interp(tq, t, lon), np.interp(tq, t, lat)


def path_masks(geom: TileGeometry, t, lon, lat, times, width_px: float, ss: int = 4) -> np.ndarray:
    """(T, H, W): the GPS path drawn up to each of `times` (non-decreasing).

    Drawn incrementally on one canvas (the path only grows), so T frames cost one path plus T
    downsamples."""
    t = np.asarray(t, float)
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    px, py = geom.lonlat_to_px(lon, lat)
    c = _Canvas(geom, ss)
    out = np.zeros((len(times), geom.height, geom.width), np.float32)
    prev_t = -np.inf
    prev_pt = None
    for k, tk in enumerate(times):
        inside = (t > prev_t) & (t < tk)
        ex, ey = np.interp(tk, t, px), np.interp(tk, t, py)
        xs = ([prev_pt[0]] if prev_pt else []) + px[inside].tolist() + [ex]
        ys = ([prev_pt[1]] if prev_pt else []) + py[inside].tolist() + [ey]
        c.line(np.array(xs), np.array(ys), width_px)
        prev_t, prev_pt = tk, (float(ex), float(ey))
        out[k] = c.mask()
    return out


def dot_mask(geom: TileGeometry, px: float, py: float, radius_px: float) -> np.ndarray:
    """(H, W): an anti-aliased disk (exact coverage to ~1/2 px at the rim) centred at a pixel position."""
    m = np.zeros((geom.height, geom.width), np.float32)
    if not (np.isfinite(px) and np.isfinite(py)):
        return m
    r = radius_px + 1.0
    x0, x1 = max(int(np.floor(px - r)), 0), min(int(np.ceil(px + r)) + 1, geom.width)
    y0, y1 = max(int(np.floor(py - r)), 0), min(int(np.ceil(py + r)) + 1, geom.height)
    if x0 >= x1 or y0 >= y1:
        return m
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.hypot(xx - px, yy - py)
    m[y0:y1, x0:x1] = np.clip(radius_px + 0.5 - d, 0.0, 1.0)
    return m
