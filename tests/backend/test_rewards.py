"""The RL rewards on crafted frames: exact truth, broken path, reversed path, shifted dots, noise."""
from __future__ import annotations

import numpy as np
import pytest

from sig2gps.metrics import geodesic_m
from sig2gps.render import RenderConfig, load_style, target_video
from sig2gps.render.synthetic import rendered
from sig2gps.rewards import (RewardConfig, anchor_frames, continuity_reward, distance_reward, frame_rewards,
                             read_for_rewards, truth_at_frames)

CFG = RenderConfig(size=128, frames=13)


@pytest.fixture(scope="module")
def case():
    geom, cond, vid, gps, sig = rendered(1, CFG)
    tl, ta = truth_at_frames(*gps, sig[0][0], sig[0][-1], CFG.frames)
    return geom, cond, vid, gps, sig, tl, ta


def test_truth_scores_full_marks(case):
    geom, _, vid, _, _, tl, ta = case
    r = frame_rewards(vid, geom, tl, ta)
    assert r["distance"] > 0.97 and r["direction"] > 0.999 and r["continuity"] == 1.0


def test_reversed_path_has_direction_minus_one(case):
    geom, cond, _, (t, lon, lat), (st, _, _), tl, ta = case
    rev = target_video(geom, cond, t, lon[::-1], lat[::-1], st[0], st[-1], CFG)  # same times, driven backwards
    r = frame_rewards(rev, geom, tl, ta)
    assert r["direction"] == pytest.approx(-1.0, abs=0.01)
    assert r["continuity"] == 1.0
    assert r["distance"] < 0.6


def test_broken_path_has_continuity_zero(case):
    geom, _, vid, _, _, tl, ta = case
    d0 = read_for_rewards(vid)
    bad = vid.copy()
    # Cut the stroke in the last frame: paint background over a band across the middle of the path.
    from sig2gps.extract import read_frames

    mid = read_frames(vid, geom, 0, 1).path_px
    x, y = mid[len(mid) // 2].astype(int)
    bad[-1, y - 3:y + 4, x - 3:x + 4] = load_style().background
    assert continuity_reward(d0) == 1.0
    assert frame_rewards(bad, geom, tl, ta)["continuity"] == 0.0


def test_branching_path_has_continuity_zero(case):
    geom, _, vid, _, _, tl, ta = case
    bad = vid.copy()
    d = read_for_rewards(vid)
    x, y = np.nanmean(d.end_px, axis=0).astype(int)
    bad[-1, y, max(x - 30, 0):x + 30] = load_style().path_color  # a stray stroke crossing the path
    assert frame_rewards(bad, geom, tl, ta)["continuity"] == 0.0


def test_distance_reward_matches_metrics_geodesic(case):
    geom, _, vid, _, _, tl, ta = case
    d = read_for_rewards(vid)
    shifted = type(d)(d.end_px + np.array([6.0, 0.0]), d.components, d.end_points)
    cfg = RewardConfig(distance_scale_m=150.0)
    k = anchor_frames(CFG.frames, cfg.n_intermediate)
    assert list(k) == [0, 3, 6, 9, 12]
    lon, lat = geom.px_to_lonlat(shifted.end_px[k, 0], shifted.end_px[k, 1])
    expect = np.exp(-geodesic_m(lon, lat, tl[k], ta[k]) / 150.0).mean()
    assert distance_reward(shifted, geom, tl, ta, cfg) == pytest.approx(expect, rel=1e-9)
    assert distance_reward(shifted, geom, tl, ta, cfg) < distance_reward(d, geom, tl, ta, cfg)
    missing = type(d)(np.where(np.arange(CFG.frames)[:, None] == 12, np.nan, d.end_px), 1, 2)
    assert distance_reward(missing, geom, tl, ta, cfg) == pytest.approx(
        distance_reward(d, geom, tl, ta, cfg) * 4 / 5, abs=0.02)


def test_blank_video_scores_zero_without_error(case):
    geom, cond, _, _, _, tl, ta = case
    blank = np.repeat(cond[None], CFG.frames, axis=0)
    r = frame_rewards(blank, geom, tl, ta)
    assert r == {"distance": 0.0, "direction": 0.0, "continuity": 0.0}


def test_specks_do_not_break_continuity_but_strokes_do(case):
    geom, _, vid, _, _, tl, ta = case
    noisy = vid.copy()
    noisy[-1, 3, 3] = load_style().path_color  # a one-pixel speck far from the path
    assert frame_rewards(noisy, geom, tl, ta)["continuity"] == 1.0
    assert frame_rewards(noisy, geom, tl, ta, RewardConfig(min_component_px=1))["continuity"] == 0.0
