"""The `video` method end to end on a tiny seeded model: batching, rollouts, scoring, bad traces, snap, frames."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from sig2gps.methods.base import MethodOptions
from sig2gps.methods.registry import available_methods, get_method
from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import (build_transformer, default_video_model_dir, prior_model_dir, save_video_model,
                                 shipped_model_dir)
from sig2gps.types import SignalingTrace


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    net = load_network(default_network())
    sim = simulate(net, 3, seed=11)
    d = tmp_path_factory.mktemp("tiny_video")
    cfg = VideoModelConfig(transformer=PRESETS["tiny"])
    save_video_model(d / "m", build_transformer(cfg, seed=2), cfg, dtype=torch.float32)
    return net, sim, d / "m"


def _opts(model, **kw):
    # sampled rollouts and the raw read-back unless a test asks for the heat or map-constrained decode (the
    # method's defaults)
    base = dict(model=str(model), frames=5, steps=2, rollouts=2, seed=3, device="cpu", extra={"batch": 3}, snap=False,
                decode="sample")
    base.update(kw)
    return MethodOptions(**base)


def test_registered_and_ready_only_with_a_shipped_model_that_beats_the_floor():
    cls = get_method("video")
    assert "video" in available_methods()
    assert cls.shipped_exists() == (default_video_model_dir() / "sig2gps_video.json").is_file()
    # the route-prior model is the default when shipped; training starts from the pure one
    prior_shipped = (prior_model_dir() / "sig2gps_video.json").is_file()
    assert default_video_model_dir() == (prior_model_dir() if prior_shipped else shipped_model_dir())
    assert cls.is_ready() == (cls.shipped_exists() and cls.shipped_beats_floor())


def test_rollouts_sorted_timed_and_bad_trace_isolated(world, tmp_path):
    net, sim, model = world
    traces = [t.signaling for t in sim.traces]
    bad = SignalingTrace("lonely", [1.0], ["c"], [24.94], [60.17])
    m = get_method("video")(net, _opts(model, extra={"batch": 3, "frames_dir": str(tmp_path / "frames")}))
    recs, errs = m.reconstruct_many(traces[:2] + [bad] + traces[2:])
    assert [e.trace_id for e in errs] == ["lonely"]
    assert [r.trace_id for r in recs] == [t.trace_id for t in traces]
    for r, tr in zip(recs, traces):
        assert len(r.rollouts) == 2
        assert r.rollouts[0].score >= r.rollouts[1].score  # rollout 0 is the best
        t = r.rollouts[0].track.t
        assert (np.diff(t) > 0).all() and np.isclose(t[0], tr.t[0]) and np.isclose(t[-1], tr.t[-1])
        w = r.rollouts[0].info["windows"]  # the default draws long traces in several 1 km windows
        assert r.rollouts[0].frames.shape == (5 + 4 * (w - 1), 64, 64, 3) and r.rollouts[0].frames.dtype == np.uint8
        assert r.rollouts[0].info["decode"] == "raw" and r.seconds > 0
    assert len(list((tmp_path / "frames").glob("*.gif"))) == 2 * len(traces)


def test_same_seed_same_result_other_seed_differs(world):
    net, sim, model = world
    tr = sim.traces[0].signaling
    a = get_method("video")(net, _opts(model, rollouts=1)).reconstruct(tr).rollouts[0].track
    b = get_method("video")(net, _opts(model, rollouts=1)).reconstruct(tr).rollouts[0].track
    c = get_method("video")(net, _opts(model, rollouts=1, seed=4)).reconstruct(tr).rollouts[0].track
    assert np.allclose(a.lon, b.lon) and not np.allclose(a.lon, c.lon)


def test_snap_puts_the_track_on_roads(world):
    net, sim, model = world
    tr = sim.traces[1].signaling
    r = get_method("video")(net, _opts(model, snap=True, rollouts=1)).reconstruct(tr).rollouts[0]
    assert r.info["decode"] == "match"
    assert r.info["plausibility"]["ok"], r.info["plausibility"]  # one connected path, no step faster than a car
    x, y = net.to_xy(r.track.lon, r.track.lat)
    d = [float(np.min([net.project(s, xi, yi)[0] for s in net.segments_near(xi, yi, 100)] or [1e9]))
         for xi, yi in zip(x, y)]
    assert np.max(d) < 1.0  # every point lies on a road segment


def test_frames_must_be_4k_plus_1(world):
    net, sim, model = world
    with pytest.raises(ValueError, match="4k\\+1"):
        get_method("video")(net, _opts(model, frames=6)).reconstruct_many([sim.traces[0].signaling])


def test_consensus_rollout_is_the_geometric_median_of_the_samples(world):
    from sig2gps.model.readback import geometric_median

    net, sim, model = world
    tr = sim.traces[0].signaling
    plain = get_method("video")(net, _opts(model, rollouts=3, chunk_m=0.0)).reconstruct(tr).rollouts
    cons = get_method("video")(net, _opts(model, rollouts=3, consensus=True, chunk_m=0.0)).reconstruct(tr).rollouts
    assert len(cons) == 4 and cons[0].info["decode"] == "consensus" and cons[0].info["consensus_of"] == 3
    # the sampled rollouts are unchanged and follow the consensus, best first
    for a, b in zip(plain, cons[1:]):
        assert np.allclose(a.track.lon, b.track.lon) and a.score == b.score
    xy = np.stack([np.c_[net.to_xy(r.track.lon, r.track.lat)] for r in plain])
    cx, cy = net.to_xy(cons[0].track.lon, cons[0].track.lat)
    assert np.allclose(np.c_[cx, cy], geometric_median(xy), atol=1e-3)
    assert np.allclose(cons[0].track.t, plain[0].track.t)
    # with --snap the consensus is a road route, its raw median kept for the with/without comparison
    snap = get_method("video")(net, _opts(model, rollouts=3, consensus=True, snap=True, chunk_m=0.0)).reconstruct(tr).rollouts[0]
    assert snap.info["decode"] in ("consensus-match", "consensus") and "spread_m" in snap.info
    if snap.info["decode"] == "consensus-match":
        assert np.allclose(snap.info["raw"]["lon"], cons[0].track.lon)


def test_heat_rollout_first_then_the_samples(world):
    """decode="heat": rollout 0 is the one-step posterior mean read by model/heat.py; the further rollouts are the
    sampled ones, exactly as decode="sample" draws them."""
    from sig2gps.model.heat import heat_track
    from sig2gps.model.scene import window_scenes

    net, sim, model = world
    tr = sim.traces[0].signaling
    m = get_method("video")(net, _opts(model, decode="heat", rollouts=2, chunk_m=0.0))
    rolls = m.reconstruct(tr).rollouts
    sample = get_method("video")(net, _opts(model, rollouts=1, chunk_m=0.0)).reconstruct(tr).rollouts[0]
    assert len(rolls) == 2 and rolls[0].info["decode"] == "heat" and rolls[1].info["decode"] == "raw"
    assert np.allclose(rolls[1].track.lon, sample.track.lon)
    # rollout 0 is the heat read-back of the one-step video
    t = np.asarray(tr.t, float)
    x, y = net.to_xy(tr.lon, tr.lat)
    (w,) = window_scenes(t, np.c_[x, y], m._pieces, m._cfg.scene, 0.0, 5)
    gen = torch.Generator().manual_seed(m._seed(tr.trace_id, 0, 0))
    ov = m._pipeline()(w.cond[None], 5, 1, [gen]).overlay[0]
    ht, hxy = heat_track(w.win, ov, t[0], t[-1])
    lon, lat = net.to_lonlat(hxy[:, 0], hxy[:, 1])
    assert np.allclose(rolls[0].track.t, ht) and np.allclose(rolls[0].track.lon, lon, atol=1e-9)
    only = get_method("video")(net, _opts(model, decode="heat", rollouts=1, chunk_m=0.0)).reconstruct(tr).rollouts
    assert len(only) == 1 and np.allclose(only[0].track.lon, rolls[0].track.lon)


def test_geometric_median_ignores_one_far_sample():
    from sig2gps.model.readback import geometric_median

    tracks = np.array([[[0.0, 0.0]], [[1.0, 0.0]], [[0.0, 1.0]], [[1.0, 1.0]], [[1000.0, 1000.0]]])
    m = geometric_median(tracks)[0]
    assert np.hypot(*(m - 0.5)) < 0.5  # the mean would sit near (200, 200)
    rot = tracks @ np.array([[0.0, -1.0], [1.0, 0.0]]).T  # turning the window turns the answer
    assert np.allclose(geometric_median(rot)[0], np.array([[0.0, -1.0], [1.0, 0.0]]) @ m, atol=1e-6)


def test_split_windows_covers_the_trace_in_short_windows():
    from sig2gps.model.scene import SceneConfig, split_windows, window_for

    cfg = SceneConfig()
    rng = np.random.default_rng(5)
    xy = np.cumsum(rng.normal(0, 400, (30, 2)), 0)  # a ~10 km walk of serving sites
    parts = split_windows(xy, cfg, 1500.0)
    assert parts[0][0] == 0 and parts[-1][1] == len(xy) - 1 and len(parts) > 2
    for (a, b), (c, d) in zip(parts, parts[1:]):
        assert b == c and b > a  # neighbours share their boundary record
    for a, b in parts:
        assert b - a == 1 or window_for(xy[a:b + 1], cfg).half <= 1500.0
    assert split_windows(xy, cfg, 0.0) == [(0, len(xy) - 1)]
    assert split_windows(xy[:2] * 1e-3, cfg, 1500.0) == [(0, 1)]  # a trace that fits stays whole


def test_chunked_trace_is_stitched_in_time(world):
    net, sim, model = world
    tr = max((t.signaling for t in sim.traces), key=lambda s: len(s.t))
    whole = get_method("video")(net, _opts(model, rollouts=1, chunk_m=0.0)).reconstruct(tr).rollouts[0]
    assert whole.info["windows"] == 1
    r = get_method("video")(net, _opts(model, rollouts=2, consensus=True, snap=True)).reconstruct(tr)  # default 1000 m
    w = r.rollouts[0].info["windows"]
    assert w >= 2, "the longest simulated trace should need more than one 1 km window"
    for ro in r.rollouts:
        t = np.asarray(ro.track.t)
        assert (np.diff(t) > 0).all() and np.isclose(t[0], tr.t[0]) and np.isclose(t[-1], tr.t[-1])
        assert ro.frames.shape[0] == 5 + (w - 1) * 4  # each window's video in turn
    raw = get_method("video")(net, _opts(model, rollouts=1, chunk_m=1000.0)).reconstruct(tr).rollouts[0]
    assert len(raw.track.t) == w * 3 + 1  # 5 frames = 4 dots per window, neighbours share one
    with pytest.raises(ValueError, match="chunk"):
        get_method("video")(net, _opts(model, chunk_m=-1.0)).reconstruct(tr)


def test_progress_moves_per_sampler_step_and_a_cancel_stops_between_steps(world):
    net, sim, model = world
    traces = [t.signaling for t in sim.traces[:2]]
    m = get_method("video")(net, _opts(model, steps=3, rollouts=1))
    seen = []
    m.progress_callback = lambda done, total, message=None: seen.append((done, total))
    recs, errs = m.reconstruct_many(traces)
    assert not errs and len(recs) == 2
    totals = {t for _, t in seen}
    assert len(totals) == 1 and [d for d, _ in seen] == list(range(1, totals.pop() + 1))

    class Stop(BaseException):
        pass

    calls = []

    def cancel(done, total, message=None):
        calls.append(done)
        raise Stop

    m.progress_callback = cancel
    with pytest.raises(Stop):
        m.reconstruct_many(traces)
    assert calls == [1]  # stopped after the first sampler step


def test_a_prior_model_draws_hmms_route_and_decodes_along_it(world, tmp_path):
    """A model with prior channels runs hmm first; its rollouts are hmm's road route, timed by the model."""

    from sig2gps.model.scene import SceneConfig

    net, sim, _ = world
    cfg = VideoModelConfig(transformer=PRESETS["tiny"], scene=SceneConfig(prior=True))
    save_video_model(tmp_path / "p", build_transformer(cfg, seed=2), cfg, dtype=torch.float32)
    traces = [t.signaling for t in sim.traces[:2]]
    recs, errs = get_method("video")(net, _opts(tmp_path / "p", consensus=True)).reconstruct_many(traces)
    hmm, _ = get_method("hmm")(net, MethodOptions(seed=3)).reconstruct_many(traces)
    assert not errs and len(recs) == 2
    for rec, h in zip(recs, hmm):
        assert [r.info["decode"] for r in rec.rollouts] == ["consensus-route", "route", "route"]
        assert all(r.info["prior"] == "hmm" for r in rec.rollouts)
        hx, hy = net.to_xy(h.rollouts[0].track.lon, h.rollouts[0].track.lat)
        for r in rec.rollouts:
            x, y = net.to_xy(r.track.lon, r.track.lat)
            d = np.min(np.hypot(x[:, None] - hx[None], y[:, None] - hy[None]), 1)
            assert np.median(d) < 30.0  # on hmm's route (its vertices; points between them lie on its segments)
            assert (np.diff(r.track.t) > 0).all()
    heat, _ = get_method("video")(net, _opts(tmp_path / "p", decode="heat", rollouts=1)).reconstruct_many(traces)
    for rec, h in zip(heat, hmm):  # the heat read along hmm's route
        (r,) = rec.rollouts
        assert r.info["decode"] == "heat-route" and r.info["prior"] == "hmm"
        hx, hy = net.to_xy(h.rollouts[0].track.lon, h.rollouts[0].track.lat)
        x, y = net.to_xy(r.track.lon, r.track.lat)
        assert np.median(np.min(np.hypot(x[:, None] - hx[None], y[:, None] - hy[None]), 1)) < 30.0



def test_the_default_output_is_the_map_constrained_decode(world):
    """A user who asks for `video` gets a path decoded on the road graph; the raw dots are a diagnostic."""
    net, sim, model = world
    assert MethodOptions().snap is True
    opts = MethodOptions(model=str(model), frames=5, steps=2, rollouts=1, seed=3, device="cpu")
    r = get_method("video")(net, opts).reconstruct(sim.traces[0].signaling).rollouts[0]
    assert r.info["decode"] == "heat-match" and "raw" in r.info  # the heat, map-matched
