"""The Traj-GDPO rewards for what the shipped video model draws: 2 overlay channels, not RGB.

The pixel model (codec "pixel") outputs per frame a path channel and a current-dot channel, so the
frames are read back with model/readback.py (dot_px: the dot's centroid, as validation and the
`video` method read it) and the last frame's path with extract/skeleton.py (the same thinning,
spur/hole rules and topology that rewards.read_for_rewards applies to RGB frames). The three
rewards are then exactly sig2gps.rewards.distance_reward / direction_reward / continuity_reward (plus the
extra path_reward), which measure with sig2gps.metrics, so what is trained on is what is reported.

Training pairs live in metres of a local UTM (train/pairs.py, no CRS stored), so positions are
handed to the rewards as lon/lat of a local tangent plane centred on the window (metres -> degrees
on the sphere at the equator). Over a few km this changes geodesic distances by far less than 0.1 %.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..extract.skeleton import drop_specks, skeletonize, topology
from ..metrics import EARTH_R_M as EARTH_R  # metres; the mean radius of the metrics' tangent planes
from ..model.readback import PATH_THRESHOLD, dot_px
from ..model.scene import Window, frame_fracs, positions_at
from ..rewards import FrameDots, RewardConfig, continuity_reward, direction_reward, distance_reward, path_reward

DOT_MIN = 0.3  # a dot channel peak below this is "no dot drawn" (the reward scores 0 at that anchor)


@dataclass(frozen=True)
class WindowGeom:
    """The rewards' TileGeometry interface (px <-> lon/lat) for a pixel-model window."""

    win: Window

    def px_to_lonlat(self, x, y):
        xy = self.win.to_xy(np.c_[np.atleast_1d(x), np.atleast_1d(y)]) - (self.win.cx, self.win.cy)
        return np.degrees(xy[:, 0] / EARTH_R), np.degrees(xy[:, 1] / EARTH_R)

    def lonlat_to_px(self, lon, lat):
        xy = np.c_[np.radians(np.atleast_1d(lon)), np.radians(np.atleast_1d(lat))] * EARTH_R + (self.win.cx, self.win.cy)
        px = self.win.to_px(xy)
        return px[:, 0], px[:, 1]

    def xy_to_lonlat(self, xy):
        return self.px_to_lonlat(*self.win.to_px(np.asarray(xy, float)).T)


def overlay_dots(overlay: np.ndarray, cfg: RewardConfig = RewardConfig()) -> FrameDots:
    """(2, T, S, S) overlay -> dot pixel of frames 1..T-1 (nan when missing) and last-frame topology."""
    dots = overlay[1, 1:]
    px = dot_px(dots)
    px[dots.reshape(len(dots), -1).max(1) < DOT_MIN] = np.nan
    # the same skeleton rules as the RGB reader, at the minimum sizes (the pixel model draws 1 px paths)
    skel = drop_specks(skeletonize(overlay[0, -1] > PATH_THRESHOLD, 4, 6), cfg.min_component_px)
    topo = topology(skel)
    return FrameDots(px, topo.components, topo.end_points)


def truth_lonlat(win: Window, pos_t, pos_xy, t_end: float, frames: int):
    """True positions at the times of frames 1..T-1, as the window's tangent-plane lon/lat."""
    xy = positions_at(np.asarray(pos_t, float), np.asarray(pos_xy, float), frame_fracs(frames) * t_end)
    return WindowGeom(win).xy_to_lonlat(xy)


def overlay_rewards(overlay: np.ndarray, win: Window, truth_lon, truth_lat,
                    cfg: RewardConfig = RewardConfig()) -> dict[str, float]:
    """distance, direction, continuity (the paper's three) and path of one generated overlay video against the truth."""
    d = overlay_dots(overlay, cfg)
    g = WindowGeom(win)
    return {"distance": distance_reward(d, g, truth_lon, truth_lat, cfg),
            "direction": direction_reward(d, g, truth_lon, truth_lat),
            "continuity": continuity_reward(d),
            "path": path_reward(d, g, truth_lon, truth_lat, cfg)}
