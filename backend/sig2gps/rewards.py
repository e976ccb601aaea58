"""The three verifiable rewards of Traj-GDPO (METHOD.md section 4) as pure functions over frames.

They read frames with sig2gps.extract (blue dot per frame, green start dot, path skeleton of the
last frame) and measure distances with sig2gps.metrics, the same functions the evaluation
reports, so what is trained on is what is reported. Group normalisation belongs to the trainer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .extract.colors import OverlayColors
from .extract.dots import MISSING
from .extract.reader import hole_area_px, path_alpha, read_dots, spur_length_px
from .extract.skeleton import drop_specks, skeletonize, topology
from .metrics import geodesic_m, interpolate_track, off_path_m
from .render.draw import frame_times
from .render.geometry import TileGeometry
from .render.style import Style, load_style


@dataclass(frozen=True)
class RewardConfig:
    n_intermediate: int = 3  # anchor frames: first, last and this many evenly spaced between
    distance_scale_m: float = 200.0  # distance reward per anchor = exp(-d / scale); 200 m ~ a city block
    min_component_px: int = 4  # skeleton parts smaller than this are generator specks, not path pieces


@dataclass(frozen=True)
class FrameDots:
    """What the rewards need from generated frames: dot pixel positions per frame (nan = missing),
    the start dot, and the last frame's path topology."""

    end_px: np.ndarray  # (T, 2) blue dot per frame; frame 0 holds the green dot when present
    components: int
    end_points: int


def truth_at_frames(gps_t, gps_lon, gps_lat, t0: float, t1: float, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """True lon/lat at the frame times (the evaluation's interpolation)."""
    return interpolate_track(frame_times(t0, t1, n_frames), gps_t, gps_lon, gps_lat)


def anchor_frames(n_frames: int, n_intermediate: int = 3) -> np.ndarray:
    return np.unique(np.round(np.linspace(0, n_frames - 1, n_intermediate + 2)).astype(int))


def read_for_rewards(frames: np.ndarray, style: Style | None = None, min_component_px: int = 4) -> FrameDots:
    """Read dots and the last frame's skeleton once; the three rewards below share it."""
    style = style or load_style()
    frames = np.asarray(frames)
    colors = OverlayColors(style)
    dots, start, masks = read_dots(frames, style, colors, style.size_factor(frames.shape[2]))
    pos = np.array([[d.x, d.y] for d in dots], float)
    if start.quality != MISSING:
        pos[0] = [start.x, start.y]
    w = frames.shape[2]
    skel = drop_specks(skeletonize(path_alpha(masks[-1]) > 0.5, spur_length_px(style, w), hole_area_px(style, w)),
                       min_component_px)
    topo = topology(skel)
    return FrameDots(pos, topo.components, topo.end_points)


def distance_reward(dots: FrameDots, geom: TileGeometry, truth_lon, truth_lat,
                    cfg: RewardConfig = RewardConfig()) -> float:
    """Mean over anchor frames of exp(-d / scale), d = geodesic metres between the generated dot and
    the true position at that frame's time; a missing dot scores 0 at its anchor. In [0, 1]."""
    k = anchor_frames(len(dots.end_px), cfg.n_intermediate)
    lon, lat = geom.px_to_lonlat(dots.end_px[k, 0], dots.end_px[k, 1])
    d = geodesic_m(lon, lat, np.asarray(truth_lon)[k], np.asarray(truth_lat)[k])
    r = np.where(np.isfinite(d), np.exp(-np.nan_to_num(d, nan=np.inf) / cfg.distance_scale_m), 0.0)
    return float(r.mean())


def path_reward(dots: FrameDots, geom: TileGeometry, truth_lon, truth_lat,
                cfg: RewardConfig = RewardConfig()) -> float:
    """Mean over anchor frames of exp(-d / scale), d = metres from the generated dot to the true path (the
    polyline through the true positions at every frame time), wherever along it: the road is right even where
    the timing is not (metrics.error_split's cross-track part). A missing dot scores 0. In [0, 1].

    Not one of the paper's three: an extra reward, for a model whose dots are off the road more than late."""
    k = anchor_frames(len(dots.end_px), cfg.n_intermediate)
    lon, lat = geom.px_to_lonlat(dots.end_px[k, 0], dots.end_px[k, 1])
    ok = np.isfinite(lon) & np.isfinite(lat)
    d = np.full(len(k), np.inf)
    if ok.any():
        d[ok] = off_path_m(np.asarray(truth_lon, float), np.asarray(truth_lat, float), lon[ok], lat[ok])
    return float(np.exp(-d / cfg.distance_scale_m).mean())


def direction_reward(dots: FrameDots, geom: TileGeometry, truth_lon, truth_lat) -> float:
    """Cosine between the generated and the true start-to-end displacement, in [-1, 1].

    Computed in pixels: web mercator is conformal, so angles in the tile are angles on the ground.
    0 when either displacement is undefined (a missing dot, or no movement)."""
    g = dots.end_px[-1] - dots.end_px[0]
    tx, ty = geom.lonlat_to_px(np.asarray(truth_lon)[[0, -1]], np.asarray(truth_lat)[[0, -1]])
    t = np.array([tx[1] - tx[0], ty[1] - ty[0]])
    ng, nt = np.hypot(*g), np.hypot(*t)
    if not (np.isfinite(ng) and ng > 1e-6 and nt > 1e-6):
        return 0.0
    return float(np.clip(np.dot(g, t) / (ng * nt), -1.0, 1.0))


def continuity_reward(dots: FrameDots) -> float:
    """1 when the last frame's path skeleton is one 8-connected piece with exactly two end points."""
    return 1.0 if dots.components == 1 and dots.end_points == 2 else 0.0


def frame_rewards(frames: np.ndarray, geom: TileGeometry, truth_lon, truth_lat, cfg: RewardConfig = RewardConfig(),
                  style: Style | None = None) -> dict[str, float]:
    """All three rewards of one generated video against the truth at its frame times."""
    d = read_for_rewards(frames, style, cfg.min_component_px)
    return {"distance": distance_reward(d, geom, truth_lon, truth_lat, cfg),
            "direction": direction_reward(d, geom, truth_lon, truth_lat),
            "continuity": continuity_reward(d)}
