"""Frames -> timestamped lon/lat: blue dot per frame (positions at the T frame times), drawn path in
the last frame (geometry between them), turned into coordinates through the tile's exact geometry.

Built to read generator output: every step has a fallback and the result carries a quality flag
instead of raising.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from ..render.draw import frame_times
from ..render.geometry import TileGeometry
from ..render.style import Style, load_style
from ..types import GpsTrace
from .colors import OverlayColors
from .dots import MISSING, OK, Dot, find_dot
from .skeleton import drop_specks, order_path, skeletonize

OK_READING, DEGRADED, FAILED = "ok", "degraded", "failed"
SPECK_PX = 4  # skeleton parts smaller than this are stray pixels, not path pieces (as in the rewards)


@dataclass
class FrameReading:
    t: np.ndarray  # timestamps of the extracted track
    lon: np.ndarray
    lat: np.ndarray
    quality: str  # ok | degraded | failed
    dots: list[Dot]  # the blue dot read in each frame (frame 0: the green start dot when no blue)
    start: Dot  # the green dot
    path_px: np.ndarray  # (n, 2) ordered path pixels of the last frame (x, y), start -> end
    path_gaps: int  # broken-stroke gaps bridged while ordering the path
    notes: list[str] = field(default_factory=list)

    def track(self, trace_id: str) -> GpsTrace:
        return GpsTrace(trace_id, self.t, self.lon, self.lat)

    def info(self) -> dict:
        """Json-serialisable diagnostics (for Rollout.info)."""
        return {"quality": self.quality, "dot_quality": [d.quality for d in self.dots], "start_quality": self.start.quality,
                "path_gaps": self.path_gaps, "path_px": int(len(self.path_px)), "notes": self.notes}


def path_alpha(masks: dict[str, np.ndarray], rim_px: int = 2) -> np.ndarray:
    """The drawn path includes the dots painted on top of it, and their anti-aliased rims: where
    the green rim blends with the magenta path the two nearly cancel to grey, which would cut the
    stroke at the start."""
    dots = np.maximum(masks["start"], masks["end"])
    rim = ndimage.binary_dilation(dots > 0.25, iterations=rim_px) & (masks["path"] + dots < 0.5)
    return np.maximum(np.maximum(masks["path"], dots), np.where(rim & _touches_path(masks["path"], rim_px), 1.0, 0.0))


def _touches_path(path: np.ndarray, rim_px: int) -> np.ndarray:
    """Pixels within rim_px of a path pixel (so a dot's rim is filled only where the path meets it)."""
    return ndimage.binary_dilation(path > 0.5, iterations=rim_px)


def spur_length_px(style: Style, width: int) -> int:
    """Side branches up to ~2.5 stroke widths are blobs of the stroke itself (a hairpin, a dot over
    a bend), not branches: the skeleton drops them. Measured on true Monaco videos at ~23 m/px,
    2.5 widths leaves 93% of them with exactly two end points (4 px: 83%)."""
    return max(4, int(round(2.5 * style.path_width_px * style.size_factor(width))))


def hole_area_px(style: Style, width: int) -> int:
    """Holes up to (2 stroke widths)^2 are filled before thinning: a loop that tight (a turn-around
    at the start, a roundabout) cannot be read as a route anyway, and left open it has no end
    point. On true Paris videos this keeps 97.5% with two end points (6 px: 92.5%)."""
    return max(6, int(round((2.0 * style.path_width_px * style.size_factor(width)) ** 2)))


def skeleton_of(alpha: np.ndarray, style: Style) -> np.ndarray:
    """The drawn path's skeleton as the reader and the rewards both see it."""
    w = alpha.shape[1]
    return drop_specks(skeletonize(alpha > 0.5, spur_length_px(style, w), hole_area_px(style, w)), SPECK_PX)


def read_dots(frames: np.ndarray, style: Style, colors: OverlayColors, scale: float) -> tuple[list[Dot], Dot, list]:
    """Blue dot of every frame (tracked from the previous one), the green start dot, and the last
    frame's overlay masks."""
    m = colors.masks(frames)
    dots, prev = [], None
    for end in m["end"]:
        d = find_dot(end, style.end_radius_px * scale, prev)
        dots.append(d)
        if d.quality != MISSING:
            prev = (d.x, d.y)
    # The green dot is the same in every frame: read it in the last frame, else the latest frame
    # that shows it (in frame 0 the blue dot covers it).
    start = Dot(np.nan, np.nan, 0.0, MISSING)
    for k in range(len(frames) - 1, 0, -1):
        start = find_dot(m["start"][k], style.start_radius_px * scale)
        if start.quality != MISSING:
            break
    masks_all = [{n: m[n][-1] for n in m}]  # the last frame's masks, for the path
    return dots, start, masks_all


def refine_centreline(chain: np.ndarray, alpha: np.ndarray, r: int = 1) -> np.ndarray:
    """Move each skeleton pixel to the alpha-weighted centroid of its (2r+1)^2 window: the stroke's
    centre to a fraction of a pixel (the skeleton alone is only good to half a pixel)."""
    if len(chain) == 0:
        return chain
    win = 2 * r + 1
    yy, xx = np.indices(alpha.shape, dtype=np.float32)
    s = ndimage.uniform_filter(alpha, win, mode="constant")
    sx = ndimage.uniform_filter(alpha * xx, win, mode="constant")
    sy = ndimage.uniform_filter(alpha * yy, win, mode="constant")
    iy, ix = chain[:, 1].astype(int), chain[:, 0].astype(int)
    ok = s[iy, ix] > 1e-6
    out = chain.copy()
    out[ok, 0] = sx[iy, ix][ok] / s[iy, ix][ok]
    out[ok, 1] = sy[iy, ix][ok] / s[iy, ix][ok]
    return out


def arclength(p: np.ndarray) -> np.ndarray:
    return np.r_[0.0, np.cumsum(np.hypot(*np.diff(p, axis=0).T))] if len(p) else np.zeros(0)


def project_monotone(path: np.ndarray, s: np.ndarray, pts: np.ndarray, slack_px: float = 2.0) -> np.ndarray:
    """Arclength of each point's projection on the path, non-decreasing along the frames: among
    projections within slack_px of the nearest, take the first one not behind the previous frame's
    (a path can pass the same place twice)."""
    out = np.full(len(pts), np.nan)
    if len(path) < 2:
        return out
    a, b = path[:-1], path[1:]
    ab = b - a
    L2 = np.maximum((ab ** 2).sum(1), 1e-12)
    prev = 0.0
    for i, p in enumerate(pts):
        if not np.all(np.isfinite(p)):
            continue
        u = np.clip(((p - a) * ab).sum(1) / L2, 0, 1)
        q = a + u[:, None] * ab
        d = np.hypot(*(q - p).T)
        sq = s[:-1] + u * np.sqrt(L2)
        # Each pass of the path near the point is a run of consecutive near segments; its best
        # projection is the run's closest one. Take the first pass not behind the previous frame.
        near = np.flatnonzero(d <= d.min() + slack_px)
        runs = np.split(near, np.flatnonzero(np.diff(near) > 1) + 1)
        best = [r[np.argmin(d[r])] for r in runs]
        ahead = [b for b in best if sq[b] >= prev - 1e-9]
        j = min(ahead, key=lambda b: sq[b]) if ahead else max(best, key=lambda b: sq[b])
        out[i] = max(sq[j], prev)
        prev = out[i]
    return out


def read_frames(frames: np.ndarray, geom: TileGeometry, t0: float, t1: float, style: Style | None = None) -> FrameReading:
    """Read a (T, H, W, 3) uint8 video drawn in `style` over the view `geom`, frame k at
    t0 + k/(T-1)(t1-t0). Returns the best reading and its quality; never raises on odd content."""
    style = style or load_style()
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.shape[1:3] != (geom.height, geom.width):
        raise ValueError(f"read_frames: expected (T, {geom.height}, {geom.width}, 3) frames, got {frames.shape}")
    T = len(frames)
    times = frame_times(t0, t1, T)
    colors = OverlayColors(style)
    scale = style.size_factor(geom.width)
    dots, start, masks = read_dots(frames, style, colors, scale)
    notes = []

    anchors = np.array([[d.x, d.y] for d in dots], float)
    if start.quality != MISSING:
        anchors[0] = [start.x, start.y]  # the green dot is the position at t0 by definition
    elif dots[0].quality == MISSING:
        notes.append("no start dot")

    # Path: thin the last frame's stroke, order it from the green dot to the last blue dot.
    alpha = path_alpha(masks[-1])
    skel = skeleton_of(alpha, style)
    # Order it between the first and the last dot found (the end dot may be missing, e.g. when the
    # path leaves the view).
    found = np.flatnonzero(np.all(np.isfinite(anchors), axis=1))
    s_from = anchors[found[0]] if len(found) else None
    s_to = anchors[found[-1]] if len(found) > 1 else None
    chain, gaps = np.zeros((0, 2)), 0
    if skel.any() and s_from is not None and s_to is not None:
        chain, gaps = order_path(skel, tuple(s_from), tuple(s_to))
        chain = refine_centreline(chain, alpha)
    elif skel.any():
        notes.append("path without both end dots: not used")
    s_path = arclength(chain)

    found = np.all(np.isfinite(anchors), axis=1)
    if found.sum() < 2:
        nan = np.zeros(0)
        return FrameReading(nan, nan, nan, FAILED, dots, start, chain, gaps, notes + ["fewer than 2 dots found"])

    off_path = np.zeros(T, bool)
    if len(chain) >= 2:
        # A dot far from every drawn path pixel is a stray blob, not the vehicle: use the path
        # position its neighbours imply instead (a dot on a part of the path that the start->end
        # chain skips, e.g. a U-turn's far end, is kept).
        far = ndimage.distance_transform_edt(alpha <= 0.5)
        lim = max(6.0, 2.0 * style.path_width_px * scale)
        ij = np.clip(np.rint(np.nan_to_num(anchors[:, ::-1])), 0, [geom.height - 1, geom.width - 1]).astype(int)
        off_path = found & (far[ij[:, 0], ij[:, 1]] > lim)
        off_path[0] = False  # the start dot defines where the path begins
        if off_path.any():
            notes.append(f"{int(off_path.sum())} dot(s) off the drawn path: replaced by path positions")
            anchors = np.where(off_path[:, None], np.nan, anchors)
            found = found & ~off_path
        s_anchor = project_monotone(chain, s_path, anchors)
        k = np.arange(T)
        ok = np.isfinite(s_anchor)
        s_anchor = np.interp(k, k[ok], s_anchor[ok])  # missing dots: evenly between neighbours in time
        pts, ts = [], []
        for i in range(T):
            p = anchors[i] if found[i] else _point_at(chain, s_path, s_anchor[i])
            pts.append(p)
            ts.append(times[i])
            if i + 1 < T and s_anchor[i + 1] > s_anchor[i]:
                mid = (s_path > s_anchor[i]) & (s_path < s_anchor[i + 1])
                if mid.any():
                    frac = (s_path[mid] - s_anchor[i]) / (s_anchor[i + 1] - s_anchor[i])
                    pts.extend(chain[mid])
                    ts.extend(times[i] + frac * (times[i + 1] - times[i]))
        pts, ts = np.array(pts), np.array(ts)
    else:
        notes.append("no drawn path: straight lines between dots")
        pts, ts = anchors[found], times[found]

    lon, lat = geom.px_to_lonlat(pts[:, 0], pts[:, 1])
    all_ok = (all(d.quality == OK for d in dots[1:]) and start.quality == OK and gaps == 0 and len(chain) >= 2
              and not off_path.any())
    return FrameReading(ts, np.asarray(lon), np.asarray(lat), OK_READING if all_ok else DEGRADED, dots, start, chain,
                        gaps, notes)


def _point_at(path: np.ndarray, s: np.ndarray, q: float) -> np.ndarray:
    return np.array([np.interp(q, s, path[:, 0]), np.interp(q, s, path[:, 1])])
