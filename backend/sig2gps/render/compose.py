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


def conditioning_image(geom: TileGeometry, roads: RoadGeometry, sig_lon, sig_lat, style: Style | None = None,
                       ss: int = 4, _map: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 3) uint8: the map with the signaling trace as a polyline and its towers as squares."""
    style = style or load_style()
    img = map_image(geom, roads, style) if _map is None else _map.copy()
    paint(img, trace_mask(geom, sig_lon, sig_lat, style, ss), style.trace_color)
    paint(img, tower_mask(geom, sig_lon, sig_lat, style, ss), style.tower_color)
    return to_uint8(img)


def target_video(geom: TileGeometry, condition: np.ndarray, gps_t, gps_lon, gps_lat, t0: float, t1: float,
                 cfg: RenderConfig = RenderConfig(), style: Style | None = None) -> np.ndarray:
    """(T, H, W, 3) uint8 over the conditioning image: frame k shows the GPS path up to
    t0 + k/(T-1)(t1-t0), a green dot at the path's start and a blue dot at its current end.

    [t0, t1] is the signaling trace's span (known at inference), not the GPS's."""
    style = style or load_style()
    times = frame_times(t0, t1, cfg.frames)
    k = style.size_factor(geom.width)
    paths = path_masks(geom, gps_t, gps_lon, gps_lat, times, style.path_width_px * k, cfg.supersample)
    elon, elat = position_at(gps_t, gps_lon, gps_lat, times)
    epx, epy = geom.lonlat_to_px(elon, elat)
    green = dot_mask(geom, float(epx[0]), float(epy[0]), style.start_radius_px * k)
    base = condition.astype(np.float32)
    out = np.empty((cfg.frames, geom.height, geom.width, 3), np.uint8)
    for i in range(cfg.frames):
        if i == 0 and cfg.first_frame_is_condition:
            out[0] = condition
            continue
        img = paint(base.copy(), paths[i], style.path_color)
        paint(img, green, style.start_color)
        paint(img, dot_mask(geom, float(epx[i]), float(epy[i]), style.end_radius_px * k), style.end_color)
        out[i] = to_uint8(img)
    return out
