"""The RGB pictures: conditioning image (map + signaling trace) and target video (path drawn over time)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .draw import dot_mask, frame_times, path_masks, position_at, road_masks, tower_mask, trace_mask
from .geometry import TileGeometry
from .roads import RoadGeometry
from .style import Style, load_style


@dataclass(frozen=True)
class RenderConfig:
    size: int = 256  # image width = height in pixels (the video model's resolution)
    frames: int = 21  # T = 4k + 1 (13, 17, 21 in the paper)
    margin: float = 0.1  # share of the towers' extent added around them on every side
    margin_m: float = 500.0  # and ground metres: a phone is often this far from its serving tower
    min_extent_m: float = 600.0  # smallest ground extent of a view
    integer_zoom: bool = False  # snap to whole slippy-map zoom levels (coarser, but tile-aligned scales)
    supersample: int = 4  # anti-aliasing factor for lines
    first_frame_is_condition: bool = False  # frame 0 = conditioning image exactly (no dots): for I2V models

    def __post_init__(self):
        if self.frames < 2 or (self.frames - 1) % 4:
            raise ValueError(f"RenderConfig.frames must be 4k+1 (e.g. 13, 17, 21), got {self.frames}")
        if self.size < 16:
            raise ValueError(f"RenderConfig.size must be at least 16 px, got {self.size}")


def paint(base: np.ndarray, mask: np.ndarray, color) -> np.ndarray:
    """Alpha-blend a colour over a float (H, W, 3) image where mask (H, W) in [0, 1] covers it."""
    base += mask[..., None] * (np.asarray(color, np.float32) - base)
    return base


def to_uint8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def fit_view(sig_lon, sig_lat, cfg: RenderConfig = RenderConfig(), extra_lon=(), extra_lat=()) -> TileGeometry:
    """The view of a trace: from its signaling towers only (what is known at inference time), plus
    any extra points a caller wants visible (e.g. a reference GPS track in `sig2gps render`)."""
    lon = np.r_[np.asarray(sig_lon, float), np.asarray(extra_lon, float)]
    lat = np.r_[np.asarray(sig_lat, float), np.asarray(extra_lat, float)]
    return TileGeometry.fit(lon, lat, width=cfg.size, margin=cfg.margin, margin_m=cfg.margin_m, min_extent_m=cfg.min_extent_m,
                            integer_zoom=cfg.integer_zoom)


def map_image(geom: TileGeometry, roads: RoadGeometry, style: Style | None = None) -> np.ndarray:
    """(H, W, 3) float32: background and roads only."""
    style = style or load_style()
    img = np.empty((geom.height, geom.width, 3), np.float32)
    img[:] = style.background
    for m, g in zip(road_masks(geom, roads, style), style.roads):
        paint(img, m, g.color)
    return img


def condition_layers(geom: TileGeometry, roads: RoadGeometry, sig_lon, sig_lat, style: Style | None = None,
                     ss: int = 4) -> dict[str, np.ndarray]:
    """The conditioning image's layers as (H, W) float32 coverage masks, for models that take
    channels instead of (or besides) RGB: one per road group ("roads_minor", ...), "trace", "towers"."""
    style = style or load_style()
    out = {f"roads_{g.name}": m for g, m in zip(style.roads, road_masks(geom, roads, style))}
    out["trace"] = trace_mask(geom, sig_lon, sig_lat, style, ss)
    out["towers"] = tower_mask(geom, sig_lon, sig_lat, style, ss)
    return out


def conditioning_image(geom: TileGeometry, roads: RoadGeometry, sig_lon, sig_lat, style: Style | None = None,
                       ss: int = 4, _map: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 3) uint8: the map with the signaling trace as a polyline and its towers as squares."""
    style = style or load_style()
    img = map_image(geom, roads, style) if _map is None else _map.copy()
    paint(img, trace_mask(geom, sig_lon, sig_lat, style, ss), style.trace_color)
    paint(img, tower_mask(geom, sig_lon, sig_lat, style, ss), style.tower_color)
    return to_uint8(img)


def path_layers(geom: TileGeometry, gps_t, gps_lon, gps_lat, times, width_px: float, ss: int = 4
                ) -> tuple[np.ndarray, np.ndarray]:
    """The progressive path as two (H, W) uint8 layers: its final coverage (alpha x 255) and the
    first frame in which each pixel shows (reveal; 255 = never). A pixel shows once the path covers
    half of its final coverage; before that the blue dot (wider than the stroke) hides the head.
    Two small layers instead of T frames: the dataset stores these and rebuilds frames exactly."""
    masks = path_masks(geom, gps_t, gps_lon, gps_lat, times, width_px, ss)
    final = masks[-1]
    alpha = np.rint(final * 255.0).astype(np.uint8)
    shown = masks >= 0.5 * np.maximum(final, 1e-6)[None]
    reveal = np.where(alpha > 0, np.argmax(shown, axis=0), 255).astype(np.uint8)
    return alpha, reveal


def video_from_layers(condition: np.ndarray, alpha: np.ndarray, reveal: np.ndarray, start_px, end_px,
                      style: Style | None = None, first_frame_is_condition: bool = False) -> np.ndarray:
    """(T, H, W, 3) uint8 frames from the conditioning image, the path layers and the dot positions
    (start_px: (2,), end_px: (T, 2) pixel x, y). The one place frames are composed, so a stored
    sample decodes to exactly the frames target_video draws."""
    style = style or load_style()
    h, w = alpha.shape
    k = style.size_factor(w)
    end_px = np.asarray(end_px, float)
    T = len(end_px)
    a = alpha.astype(np.float32) / 255.0
    geom = TileGeometry(0.0, 0.0, 0.0, w, h)  # dot_mask needs only the size
    green = dot_mask(geom, float(start_px[0]), float(start_px[1]), style.start_radius_px * k)
    blue = np.stack([dot_mask(geom, float(x), float(y), style.end_radius_px * k) for x, y in end_px])
    # All frames at once, and only at the pixels some layer touches (a few per cent): path
    # (revealed part), then the green dot, then the blue dot, with paint()'s float32 operations in
    # the same order; elsewhere a frame is the conditioning image.
    touched = np.flatnonzero(((a > 0) | (green > 0) | (blue > 0).any(axis=0)).ravel())
    rev = reveal.ravel()[touched]
    path = np.where(rev[None] <= np.arange(T)[:, None], a.ravel()[touched][None], np.float32(0.0))
    img = np.broadcast_to(condition.reshape(-1, 3)[touched].astype(np.float32), (T, len(touched), 3)).copy()
    paint(img, path, style.path_color)
    paint(img, np.broadcast_to(green.ravel()[touched], (T, len(touched))), style.start_color)
    paint(img, blue.reshape(T, -1)[:, touched], style.end_color)
    out = np.broadcast_to(condition, (T, h, w, 3)).copy()
    out.reshape(T, -1, 3)[:, touched] = to_uint8(img)
    if first_frame_is_condition:
        out[0] = condition
    return out


def dot_positions(geom: TileGeometry, gps_t, gps_lon, gps_lat, times) -> np.ndarray:
    """(T, 2) pixel positions of the blue dot: the path's end at each frame time."""
    elon, elat = position_at(gps_t, gps_lon, gps_lat, times)
    return np.column_stack(geom.lonlat_to_px(elon, elat))


def target_video(geom: TileGeometry, condition: np.ndarray, gps_t, gps_lon, gps_lat, t0: float, t1: float,
                 cfg: RenderConfig = RenderConfig(), style: Style | None = None) -> np.ndarray:
    """(T, H, W, 3) uint8 over the conditioning image: frame k shows the GPS path up to
    t0 + k/(T-1)(t1-t0), a green dot at the path's start and a blue dot at its current end.

    [t0, t1] is the signaling trace's span (known at inference), not the GPS's."""
    style = style or load_style()
    times = frame_times(t0, t1, cfg.frames)
    alpha, reveal = path_layers(geom, gps_t, gps_lon, gps_lat, times,
                                style.path_width_px * style.size_factor(geom.width), cfg.supersample)
    ends = dot_positions(geom, gps_t, gps_lon, gps_lat, times)
    return video_from_layers(condition, alpha, reveal, ends[0], ends, style, cfg.first_frame_is_condition)
