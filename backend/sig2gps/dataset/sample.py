"""One training sample: conditioning image plus the few layers its target video is made of.

A 21-frame 256 px video is 4 MB of pixels but only one conditioning image, two (H, W) path layers
and 21 dot positions of information; storing those keeps a pair near 0.3 MB raw (tens of KB
compressed) and decode_video() rebuilds the frames bit-exactly (render.video_from_layers).
"""
from __future__ import annotations

import numpy as np

from ..render.compose import (RenderConfig, conditioning_image, dot_positions, fit_view, map_image, path_layers,
                              video_from_layers)
from ..render.draw import frame_times
from ..render.geometry import TileGeometry
from ..render.roads import RoadGeometry
from ..render.style import Style, load_style

# name -> (dtype, shape with H, W, T symbolic): the store's schema, also written to the manifest.
FIELDS = {
    "condition": ("uint8", ("H", "W", 3)),  # conditioning image (map + signaling trace)
    "path_alpha": ("uint8", ("H", "W")),  # final path coverage x 255
    "path_reveal": ("uint8", ("H", "W")),  # first frame a path pixel shows (255 = never)
    "start_px": ("float32", (2,)),  # green dot centre (x, y) in pixels
    "end_px": ("float32", ("T", 2)),  # blue dot centre per frame
    "truth_lonlat": ("float64", ("T", 2)),  # true position at each frame time (for rewards)
    "geometry": ("float64", (5,)),  # TileGeometry cx, cy, zoom, width, height
    "span": ("float64", (2,)),  # t0, t1: frame k is at t0 + k/(T-1)(t1-t0)
    "gps_in_view": ("bool", ()),  # the whole GPS path lies inside the view
}


def make_sample(sig_t, sig_lon, sig_lat, gps_t, gps_lon, gps_lat, roads: RoadGeometry,
                cfg: RenderConfig = RenderConfig(), style: Style | None = None) -> dict:
    """Render one (signaling, GPS) pair; the view comes from the signaling only (as at inference)."""
    style = style or load_style()
    geom = fit_view(sig_lon, sig_lat, cfg)
    cond = conditioning_image(geom, roads, sig_lon, sig_lat, style, cfg.supersample, _map=map_image(geom, roads, style))
    t0, t1 = float(sig_t[0]), float(sig_t[-1])
    times = frame_times(t0, t1, cfg.frames)
    alpha, reveal = path_layers(geom, gps_t, gps_lon, gps_lat, times,
                                style.path_width_px * style.size_factor(geom.width), cfg.supersample)
    ends = dot_positions(geom, gps_t, gps_lon, gps_lat, times)
    tl, ta = np.interp(times, gps_t, gps_lon), np.interp(times, gps_t, gps_lat)
    gx, gy = geom.lonlat_to_px(gps_lon, gps_lat)
    return {
        "condition": cond, "path_alpha": alpha, "path_reveal": reveal,
        "start_px": ends[0].astype(np.float32), "end_px": ends.astype(np.float32),
        "truth_lonlat": np.column_stack([tl, ta]),
        "geometry": np.array([geom.cx, geom.cy, geom.zoom, geom.width, geom.height], float),
        "span": np.array([t0, t1]), "gps_in_view": np.bool_(geom.contains_px(gx, gy).all()),
    }


def sample_geometry(sample: dict) -> TileGeometry:
    g = sample["geometry"]
    return TileGeometry(float(g[0]), float(g[1]), float(g[2]), int(g[3]), int(g[4]))


def decode_video(sample: dict, style: Style | None = None, first_frame_is_condition: bool = False) -> np.ndarray:
    """(T, H, W, 3) uint8 target video of a stored sample (equal to render.target_video's)."""
    return video_from_layers(sample["condition"], sample["path_alpha"], sample["path_reveal"],
                             np.asarray(sample["start_px"], float), np.asarray(sample["end_px"], float), style,
                             first_frame_is_condition)
