"""Reading trajectories back from frames: exact on rendered truth, robust on damaged frames."""
from __future__ import annotations

import numpy as np
import pytest

from sig2gps.extract import DEGRADED, FAILED, OK_READING, read_frames, skeletonize, topology
from sig2gps.metrics import evaluate_tracks, point_errors
from sig2gps.render import RenderConfig, load_style
from sig2gps.render.synthetic import rendered


def test_rendered_truth_reads_back_within_a_pixel_at_the_median():
    cfg = RenderConfig(size=256, frames=21)
    truth, pred, px_err = {}, {}, []
    for seed in range(6):
        geom, _, vid, (t, lon, lat), (st, _, _) = rendered(seed, cfg)
        r = read_frames(vid, geom, st[0], st[-1])
        assert r.quality == OK_READING, r.info()
        assert np.all(np.diff(r.t) >= 0)
        truth[str(seed)], pred[str(seed)] = (t, lon, lat), (r.t, r.lon, r.lat)
        px_err.append(point_errors(t, lon, lat, r.t, r.lon, r.lat) / geom.metres_per_pixel())
    m = evaluate_tracks(truth, pred)
    assert m["missing"] == [] and m["overall"]["n_traces"] == 6
    assert np.median(np.concatenate(px_err)) < 1.0
    # The dots are read to a small fraction of a pixel: end points are exact.
    assert np.concatenate(px_err).max() < 8.0


def test_frame_zero_as_condition_still_reads_the_start():
    cfg = RenderConfig(size=128, frames=13, first_frame_is_condition=True)
    geom, cond, vid, (t, lon, lat), (st, _, _) = rendered(3, cfg)
    np.testing.assert_array_equal(vid[0], cond)
    r = read_frames(vid, geom, st[0], st[-1])
    assert r.dots[0].quality == "missing" and r.start.quality == "ok"
    e = point_errors(t, lon, lat, r.t, r.lon, r.lat) / geom.metres_per_pixel()
    assert e[0] < 0.5 and np.median(e) < 1.5


def _fade(vid, colour, keep):
    """Blend pixels of one overlay colour towards grey (a faint generated dot)."""
    v = vid.astype(np.float32)
    sel = np.all(np.abs(v - colour) < 60, axis=-1)
    grey = v.mean(axis=-1, keepdims=True)
    v[sel] = grey[sel] + keep * (v[sel] - grey[sel])
    return np.clip(v, 0, 255).astype(np.uint8)


def test_damaged_frames_give_a_degraded_reading_not_an_error():
    cfg = RenderConfig(size=128, frames=13)
    geom, _, vid, (t, lon, lat), (st, _, _) = rendered(1, cfg)
    style = load_style()
    bad = vid.copy()
    bad[5] = _fade(bad[5:6], style.end_color, 0.0)[0]  # dot gone in frame 5
    bad[7] = _fade(bad[7:8], style.end_color, 0.35)[0]  # faint in frame 7
    bad[9, 5:10, 5:10] = style.end_color  # an extra blue blob far away
    # A broken stroke: erase a 4-pixel gap across the path in the last frame.
    r0 = read_frames(vid, geom, st[0], st[-1])
    mid = r0.path_px[len(r0.path_px) // 2].astype(int)
    bad[-1, mid[1] - 2:mid[1] + 2, mid[0] - 2:mid[0] + 2] = style.background
    r = read_frames(bad, geom, st[0], st[-1])
    assert r.quality == DEGRADED
    q = [d.quality for d in r.dots]
    assert q[5] == "missing" and q[7] in ("faint", "ok")
    assert r.path_gaps >= 1
    assert np.isfinite(r.dots[9].x) and np.hypot(r.dots[9].x - 7, r.dots[9].y - 7) > 10  # the real dot, not the blob
    e = point_errors(t, lon, lat, r.t, r.lon, r.lat) / geom.metres_per_pixel()
    assert np.median(e) < 2.0


@pytest.mark.parametrize("kind", ["blank", "noise", "one_dot"])
def test_unreadable_frames_fail_softly(kind):
    cfg = RenderConfig(size=64, frames=5)
    geom, cond, vid, _, (st, _, _) = rendered(2, cfg)
    rng = np.random.default_rng(0)
    if kind == "blank":
        v = np.repeat(cond[None], 5, axis=0)
    elif kind == "noise":
        v = rng.integers(0, 256, vid.shape, dtype=np.uint8)
    else:
        v = np.repeat(cond[None], 5, axis=0)
        v[:, 30:34, 30:34] = load_style().end_color
    r = read_frames(v, geom, st[0], st[-1])
    assert r.quality in (FAILED, DEGRADED)
    if r.quality == FAILED:
        assert len(r.t) == 0
    else:
        assert np.all(np.isfinite(r.lon))


def test_wrong_frame_shape_is_a_clear_error():
    geom, _, vid, _, (st, _, _) = rendered(2, RenderConfig(size=64, frames=5))
    with pytest.raises(ValueError, match="expected"):
        read_frames(vid[:, :32], geom, st[0], st[-1])


def test_skeleton_of_a_thick_stroke_has_two_ends():
    m = np.zeros((40, 60), bool)
    m[18:23, 5:50] = True  # a 5-px bar
    m[5:23, 45:50] = True  # turning up: an L
    m[9:12, 30:33] = False  # plus a pin-hole that must not make a ring
    sk = skeletonize(m)
    topo = topology(sk)
    assert (topo.components, topo.end_points) == (1, 2)


def test_blurred_noisy_frames_like_a_generator_still_read_well():
    from scipy import ndimage

    from sig2gps.rewards import frame_rewards, truth_at_frames

    cfg = RenderConfig(size=256, frames=21)
    rng = np.random.default_rng(7)
    med = []
    for seed in (0, 2, 4):
        geom, _, vid, (t, lon, lat), (st, _, _) = rendered(seed, cfg)
        v = ndimage.gaussian_filter(vid.astype(np.float32), (0, 1.0, 1.0, 0)) + rng.normal(0, 8, vid.shape)
        v = np.clip(v, 0, 255).astype(np.uint8)
        r = read_frames(v, geom, st[0], st[-1])
        assert r.quality != FAILED
        med.append(np.median(point_errors(t, lon, lat, r.t, r.lon, r.lat)) / geom.metres_per_pixel())
        rw = frame_rewards(v, geom, *truth_at_frames(t, lon, lat, st[0], st[-1], 21))
        assert rw["continuity"] == 1.0 and rw["distance"] > 0.95 and rw["direction"] > 0.99
    assert max(med) < 1.0


def test_a_stray_dot_off_the_path_is_replaced_by_the_path_position():
    from sig2gps.dataset import decode_video, make_sample, sample_geometry
    from sig2gps.render.synthetic import grid_drive, grid_roads, towers_for

    t, lon, lat = grid_drive(3)
    st, slon, slat = towers_for(t, lon, lat, 3)
    smp = make_sample(st, slon, slat, t, lon, lat, grid_roads(), RenderConfig(size=128, frames=13))
    geom = sample_geometry(smp)
    good = read_frames(decode_video(smp), geom, st[0], st[-1])
    smp["end_px"] = smp["end_px"].copy()
    smp["end_px"][6] = (8.0, 120.0)  # the generator put frame 6's dot in a corner, far from any road drawn
    r = read_frames(decode_video(smp), geom, st[0], st[-1])
    assert r.quality == DEGRADED and any("off the drawn path" in n for n in r.notes)
    e_bad = point_errors(t, lon, lat, r.t, r.lon, r.lat) / geom.metres_per_pixel()
    e_good = point_errors(t, lon, lat, good.t, good.lon, good.lat) / geom.metres_per_pixel()
    assert e_bad.max() < e_good.max() + 6  # the stray dot does not drag the track off the road
