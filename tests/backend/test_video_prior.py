"""The video model drawing with a prior track: the copy test, prior channels, the balanced loss, SDEdit and the
route decode (tiny seeded models, seconds on a CPU)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from sig2gps.model.codec import PixelCodec, balanced_weight
from sig2gps.model.config import FlowConfig, TransformerConfig, VideoModelConfig
from sig2gps.model.pipeline import Sig2GpsVideoPipeline
from sig2gps.model.readback import errors_m, raw_track, route_track, stitch_tracks
from sig2gps.model.scene import COND_CHANNELS, SceneConfig, cut_track, render_overlay, window_scenes
from sig2gps.model.store import build_transformer, widen_inputs
from sig2gps.train.data import render_pair
from sig2gps.train.pairs import PairSet, add_priors
from sig2gps.train.sft import train_step

# patch 4 on a 32 px canvas: a token sees 4 x 4 pixels, few enough that a 64-wide model can pass them through
COPY = VideoModelConfig(scene=SceneConfig(size=32, prior=True, dot_sigma=1.0),
                        transformer=TransformerConfig(patch=4, dim=64, heads=2, layers=2, ffn=128, text_dim=8,
                                                      freq_dim=16),
                        flow=FlowConfig(pos_share=0.3))


@pytest.fixture(scope="module")
def pairs_file(helsinki_pairs):
    return helsinki_pairs(12, 4)


@pytest.fixture(scope="module")
def prior_pairs(pairs_file):
    from sig2gps.network.defaults import default_network

    return add_priors(PairSet.load(pairs_file), {"helsinki": default_network()}, log=lambda *_: None)


def _readback_px(tr, samples, frames):
    """Mean read-back error of the samples' dots in pixels (one sample each, 4 sampler steps)."""
    tr.eval()
    pipe = Sig2GpsVideoPipeline(tr, PixelCodec(), COPY.flow.shift)
    ov = pipe(np.stack([s.cond for s in samples]), frames, 4,
              [torch.Generator().manual_seed(k) for k in range(len(samples))]).overlay
    tr.train()
    return float(np.mean([errors_m(*raw_track(s.window, o, 0.0, s.t_end), s.pos_t, s.pos_xy).mean() / s.window.m_per_px
                          for s, o in zip(samples, ov)]))


def test_copy_test_a_tiny_model_learns_to_copy_the_true_overlay(pairs_file):
    """Given the true track as its prior channels, the model must learn to draw it: a pipeline that cannot
    learn this has a bug, not a budget problem. One batch, 60 steps: the read-back goes from ~20 px off to
    under one pixel."""
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 64-wide model is faster on one thread than fighting over two
    try:
        ps = PairSet.load(pairs_file)
        frames = 5
        ss = [render_pair(ps, i, COPY.scene, frames, np.random.default_rng(i), 1000.0, prior="truth") for i in range(8)]
        batch = {"cond": torch.from_numpy(np.stack([s.cond for s in ss])),
                 "overlay": torch.from_numpy(np.stack([s.overlay for s in ss]))}
        tr = build_transformer(COPY, 0)
        before = _readback_px(tr, ss, frames)
        opt = torch.optim.AdamW(tr.parameters(), lr=3e-3)
        gen = torch.Generator().manual_seed(0)
        for _ in range(60):
            train_step(tr, PixelCodec(), COPY, batch, opt, gen, "cpu", False)
        after = _readback_px(tr, ss, frames)
    finally:
        torch.set_num_threads(threads)
    assert before > 5.0, before  # untrained: nowhere near
    assert after < 1.0 and after < 0.1 * before, (before, after)


def test_prior_channels_are_drawn_as_the_method_draws_them(prior_pairs):
    """Training (render_pair) and inference (window_scenes, as methods/video.py calls it) give the same condition
    video for the same trace and prior, and the prior channels are the prior drawn like the overlay."""
    scene = replace(COPY.scene, size=64)
    for i in range(3):
        city, sig_t, sig_xy, pos_t, pos_xy = prior_pairs.trace(i)
        train = render_pair(prior_pairs, i, scene, 9, rng=None, prior="hmm")
        (w,) = window_scenes(sig_t, sig_xy, prior_pairs.roads[city], scene, 0.0, 9, prior_pairs.prior(i))
        assert train.cond.shape == (COND_CHANNELS + 2, 9, 64, 64)
        np.testing.assert_array_equal(train.cond, w.cond)
        pt, pxy = cut_track(*prior_pairs.prior(i), sig_t[0], sig_t[-1])
        np.testing.assert_array_equal(w.cond[COND_CHANNELS:], render_overlay(w.win, scene, pt, pxy, sig_t[-1], 9))
        # the window holds the prior's whole track: a path outside the window could never be drawn
        px = w.win.to_px(prior_pairs.prior(i)[1])
        assert (px >= 0).all() and (px <= 64).all()


def test_a_scene_with_prior_channels_refuses_to_draw_without_one(prior_pairs):
    city, sig_t, sig_xy, _, _ = prior_pairs.trace(0)
    with pytest.raises(ValueError, match="prior"):
        window_scenes(sig_t, sig_xy, prior_pairs.roads[city], COPY.scene, 0.0, 5)


def test_balanced_weight_splits_each_channel_between_drawn_and_empty_pixels():
    g = torch.Generator().manual_seed(0)
    ov = (torch.rand(3, 2, 5, 16, 16, generator=g) > 0.97).float()
    w = balanced_weight(ov, 0.3)
    assert torch.all(w[:, :, 0] == 0)  # the clean condition frame is never in the loss
    per = w[:, :, 1:].sum(dim=(2, 3, 4))
    torch.testing.assert_close(per, torch.ones_like(per))
    pos = (w * ov)[:, :, 1:].sum(dim=(2, 3, 4))
    torch.testing.assert_close(pos, torch.full_like(pos, 0.3))
    # the plain weighting is unchanged when pos_share is 0
    torch.testing.assert_close(PixelCodec().weight(ov, 2.0, 0.0), 1 + ov.amax(dim=1, keepdim=True))


def test_widened_inputs_start_zero_so_the_model_draws_as_before():
    base = VideoModelConfig(transformer=COPY.transformer, scene=SceneConfig(size=32))
    tr = build_transformer(base, 1).eval()
    g = torch.Generator().manual_seed(2)
    x = torch.randn(2, base.in_channels, 5, 32, 32, generator=g)
    ts = torch.full((2, 5 * 64), 500.0)
    emb = torch.zeros(2, 1, COPY.transformer.text_dim)
    with torch.no_grad():
        y0 = tr(x, ts, emb, return_dict=False)[0]
        widen_inputs(tr, COND_CHANNELS, 2)
        assert tr.config.in_channels == base.in_channels + 2
        prior = torch.rand(2, 2, 5, 32, 32, generator=g)
        y1 = tr(torch.cat([x[:, :COND_CHANNELS], prior, x[:, COND_CHANNELS:]], 1), ts, emb, return_dict=False)[0]
    torch.testing.assert_close(y0, y1)


def test_sdedit_at_low_strength_stays_with_the_initial_drawing():
    tr = build_transformer(COPY, 3).eval()
    pipe = Sig2GpsVideoPipeline(tr, PixelCodec(), 3.0)
    g = torch.Generator().manual_seed(4)
    cond = torch.rand(2, COND_CHANNELS + 2, 5, 32, 32, generator=g).numpy()
    init = (torch.rand(2, 2, 5, 32, 32, generator=g) > 0.9).float().numpy()
    gens = [torch.Generator().manual_seed(k) for k in range(2)]
    low = pipe(cond, 5, 10, gens, init=init, strength=0.05).overlay
    free = pipe(cond, 5, 10, [torch.Generator().manual_seed(k) for k in range(2)]).overlay
    d_low, d_free = np.abs(low - init)[:, :, 1:].mean(), np.abs(free - init)[:, :, 1:].mean()
    assert d_low < 0.1 < d_free
    with pytest.raises(ValueError, match="strength"):
        pipe(cond, 5, 10, gens, init=init, strength=0.0)


def test_route_decode_stays_on_the_route_in_order_and_at_a_drivable_speed():
    # an L-shaped route, 2 km east then 1 km north, driven at 10 m/s
    route_xy = np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0], [2000.0, 1000.0]])
    route_t = np.array([0.0, 100.0, 200.0, 300.0])
    times = np.linspace(0, 300, 13)
    rng = np.random.default_rng(0)
    true = np.c_[np.interp(times * 10, [0, 2000, 3000], [0, 2000, 2000]), np.interp(times * 10, [0, 2000, 3000], [0, 0, 1000])]
    dots = true + rng.normal(0, 40, true.shape)
    dots[6] = [300.0, 0.0]  # one dot drawn far back along the route: order must hold
    t, xy = route_track(route_t, route_xy, times, dots)
    assert (np.diff(t) > 0).all()
    on_route = np.minimum(np.abs(xy[:, 1]) + np.maximum(xy[:, 0] - 2000, 0), np.abs(xy[:, 0] - 2000))
    assert on_route.max() < 1e-6  # every point on the route's lines
    s = np.where(xy[:, 1] > 0, 2000 + xy[:, 1], xy[:, 0])
    assert (np.diff(s) >= -1e-9).all()
    assert (np.diff(s) / np.diff(t)).max() <= 50.0 + 1e-6
    assert errors_m(t, xy, times, true).mean() < 60.0
    # a zig-zag of dots across the route still gives no step faster than the cap
    zig = true + np.c_[np.zeros(13), np.where(np.arange(13) % 2, 800.0, -800.0)]
    zig[3] = [2000.0, 1000.0]  # one dot at the route's far end, a jump of 2 km in 25 s
    t2, xy2 = route_track(route_t, route_xy, times, zig, max_speed_mps=30.0)
    s2 = np.where(xy2[:, 1] > 0, 2000 + xy2[:, 1], xy2[:, 0])
    assert (np.diff(s2) / np.diff(t2)).max() <= 30.0 + 1e-6


def test_stitch_tracks_skips_a_window_that_adds_no_time():
    """Two windows sharing a timestamp used to leave an empty piece and raise IndexError."""
    a = (np.array([0.0, 10.0, 20.0]), np.array([[0, 0], [10, 0], [20, 0]], float))
    b = (np.array([20.0, 20.0]), np.array([[20, 2], [20, 4]], float))  # nothing after t=20
    c = (np.array([20.0, 30.0]), np.array([[20, 0], [30, 0]], float))
    t, xy = stitch_tracks([a, b, c], average=True)
    np.testing.assert_array_equal(t, [0, 10, 20, 30])
    assert xy.shape == (4, 2)
    t, xy = stitch_tracks([a, (np.zeros(0), np.zeros((0, 2))), c], average=False)
    np.testing.assert_array_equal(t, [0, 10, 20, 30])


def test_route_track_never_steps_faster_than_the_cap():
    """Seeded random routes and dots, with frames a few milliseconds apart (window seams) and a phone standing
    still: the decoded path keeps strictly increasing times and no step above max_speed_mps. (A route vertex
    used to be timed from the FIRST frame at a standstill's arc length: the path ran ahead, then back, at
    hundreds of m/s.)"""
    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(5, 60))
        route_t, route_xy = np.sort(rng.uniform(0, 600, n)), np.cumsum(rng.normal(0, 80, (n, 2)), 0)
        times = np.sort(rng.uniform(-50, 650, int(rng.integers(5, 40))))
        times = np.sort(np.r_[times, times[:5] + rng.uniform(0, 0.06, 5)])
        dots = route_xy[rng.integers(0, n, len(times))] + rng.normal(0, 50, (len(times), 2))
        t, xy = route_track(route_t, route_xy, times, dots, max_speed_mps=50.0)
        assert (np.diff(t) > 0).all()
        assert (np.hypot(*np.diff(xy, axis=0).T) <= 50.0 * np.diff(t) + 1e-6).all()
