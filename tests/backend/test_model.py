"""The video model's parts on tiny seeded components: scene geometry, TI2V flow, pipeline, save/load, --base."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from sig2gps.model.codec import PixelCodec, VaeCodec
from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.flow import add_noise, sampling_sigmas, token_timesteps
from sig2gps.model.pipeline import Sig2GpsVideoPipeline
from sig2gps.model.readback import dot_px, errors_m, path_pieces, raw_track
from sig2gps.model.scene import (COND_CHANNELS, SceneConfig, Window, condition_video, render_condition,
                                 render_overlay, window_for)
from sig2gps.model.store import build_transformer, load_base, load_video_model, save_video_model
from sig2gps.model.tiny import tiny_wan22_layout

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


def _toy_trace(seed=0):
    """An L-shaped drive on a small grid of roads, with coarse 'sites' along it."""
    rng = np.random.default_rng(seed)
    pos_t = np.arange(0, 301, 5.0)
    s = pos_t / 300 * 3000  # 3 km at 10 m/s
    pos_xy = np.where(s[:, None] < 1500, np.c_[s, 0 * s], np.c_[1500 + 0 * s, s - 1500])
    sig_t = np.array([0, 60, 130, 200, 300.0])
    sig_xy = np.c_[np.interp(sig_t, pos_t, pos_xy[:, 0]), np.interp(sig_t, pos_t, pos_xy[:, 1])]
    sig_xy = sig_xy + rng.normal(0, 150, sig_xy.shape)
    grid = [(x, -500, x, 2000) for x in range(-500, 2001, 500)] + [(-500, y, 2000, y) for y in range(-500, 2001, 500)]
    return np.asarray(grid, np.float32), sig_t, sig_xy, pos_t, pos_xy


@pytest.mark.parametrize("rot", range(8))
def test_window_round_trip_every_symmetry(rot):
    win = Window(100.0, -50.0, 1200.0, 64, rot)
    xy = np.random.default_rng(rot).uniform(-1000, 1000, (20, 2))
    assert np.allclose(win.to_xy(win.to_px(xy)), xy)


def test_window_covers_the_signaling():
    _, _, sig_xy, _, _ = _toy_trace()
    win = window_for(sig_xy, SceneConfig())
    px = win.to_px(sig_xy)
    assert (px > 0).all() and (px < 64).all()


def test_overlay_grows_with_time_and_frame0_is_empty():
    roads, sig_t, sig_xy, pos_t, pos_xy = _toy_trace()
    cfg = SceneConfig()
    win = window_for(sig_xy, cfg)
    ov = render_overlay(win, cfg, pos_t, pos_xy, 300.0, 13)
    assert ov.shape == (2, 13, 64, 64)
    assert ov[:, 0].sum() == 0  # the condition frame shows no path
    path = ov[0, 1:] > 0.5
    assert all((path[k] <= path[k + 1]).all() for k in range(len(path) - 1))  # drawn path only grows
    assert path[-1].sum() > path[1].sum() + 20
    # the dots sit where the truth is at the frames' times
    t, xy = raw_track(win, ov, 0.0, 300.0)
    truth = np.c_[np.interp(t, pos_t, pos_xy[:, 0]), np.interp(t, pos_t, pos_xy[:, 1])]
    assert np.hypot(*(xy - truth).T).max() < 1.0 * win.m_per_px
    # between frames the read-back interpolates; the L's corner is cut by at most a frame's travel
    assert errors_m(t, xy, pos_t, pos_xy).mean() < 1.0 * win.m_per_px
    assert path_pieces(ov) == 1


def test_condition_planes():
    roads, sig_t, sig_xy, _, _ = _toy_trace()
    cfg = SceneConfig()
    win = window_for(sig_xy, cfg)
    cond = condition_video(render_condition(win, cfg, roads, sig_t, sig_xy), 13)
    assert cond.shape == (COND_CHANNELS, 13, 64, 64)
    assert cond[0, 0].sum() > 100  # roads drawn
    assert (cond[:6, 0] == cond[:6, -1]).all()  # the same planes on every frame
    assert cond[6, 0].max() == -1 and np.isclose(cond[6, -1].mean(), 1.0)  # frame time plane
    # start mark at the first site
    (r, c) = np.unravel_index(np.argmax(cond[4, 0]), (64, 64))
    assert np.hypot(*(win.to_xy([[c + 0.5, r + 0.5]])[0] - sig_xy[0])) < 2 * win.m_per_px


def test_dot_px_subpixel():
    d = np.zeros((1, 16, 16))
    d[0, 5, 7] = d[0, 5, 8] = 1.0
    assert np.allclose(dot_px(d)[0], [8.0, 5.5])


def test_ti2v_first_frame_stays_clean():
    x0 = torch.randn(2, 2, 5, 16, 16)
    xt = add_noise(x0, torch.randn_like(x0), torch.tensor([0.7, 1.0]))
    assert torch.equal(xt[:, :, 0], x0[:, :, 0]) and not torch.equal(xt[:, :, 1:], x0[:, :, 1:])
    ts = token_timesteps(torch.tensor([0.5, 1.0]), (2, 2, 5, 16, 16), (1, 8, 8))
    assert ts.shape == (2, 5 * 4) and (ts[:, :4] == 0).all() and torch.allclose(ts[1, 4:], torch.tensor(1000.0))
    s = sampling_sigmas(8, 3.0)
    assert s[0] == 1 and s[-1] == 0 and (s[1:] < s[:-1]).all()


def _tiny_pipe(seed=0):
    tr = build_transformer(TINY, seed).eval()
    return Sig2GpsVideoPipeline(tr, PixelCodec(), TINY.flow.shift)


def _cond(n=2, frames=5):
    roads, sig_t, sig_xy, _, _ = _toy_trace()
    cfg = SceneConfig()
    win = window_for(sig_xy, cfg)
    c = condition_video(render_condition(win, cfg, roads, sig_t, sig_xy), frames)
    return np.stack([c] * n)


def test_pipeline_shapes_and_checks():
    pipe = _tiny_pipe()
    out = pipe(_cond(2, 5), 5, 2, [torch.Generator().manual_seed(i) for i in range(2)]).overlay
    assert out.shape == (2, 2, 5, 64, 64) and out.min() >= 0 and out.max() <= 1
    assert (out[:, :, 0] == 0).all()  # condition frame untouched by the sampler
    assert not np.allclose(out[0], out[1])  # different noise, different rollouts
    with pytest.raises(ValueError, match="4k\\+1"):
        pipe(_cond(1, 6), 6, 2)
    with pytest.raises(ValueError, match="frames"):
        pipe(_cond(1, 5), 9, 2)


def test_save_load_round_trip_identical(tmp_path):
    pipe = _tiny_pipe(seed=3)
    save_video_model(tmp_path / "m", pipe.transformer, TINY, {"note": "test"}, dtype=torch.float32)
    meta = json.loads((tmp_path / "m" / "sig2gps_video.json").read_text())
    assert meta["config"]["transformer"]["dim"] == PRESETS["tiny"].dim
    pipe2, cfg2, _ = load_video_model(tmp_path / "m")
    assert cfg2 == TINY
    g = lambda: [torch.Generator().manual_seed(7)]  # noqa: E731
    a = pipe(_cond(1), 5, 3, g()).overlay
    b = pipe2(_cond(1), 5, 3, g()).overlay
    sd1, sd2 = pipe.transformer.state_dict(), pipe2.transformer.state_dict()
    assert sd1.keys() == sd2.keys() and all(torch.equal(sd1[k], sd2[k]) for k in sd1)  # weights bit-identical
    assert np.allclose(a, b, atol=1e-5)  # outputs equal up to CPU kernel reduction order


def test_base_layout_loads_and_samples(tmp_path):
    base = tiny_wan22_layout(tmp_path / "wan22")
    tr, codec, cfg = load_base(base, scene_size=64)
    assert isinstance(codec, VaeCodec) and cfg.codec == "vae" and codec.latent_frames(5) == 2
    pipe, cfg2, _ = load_video_model(base)  # the same folder through the generic loader
    assert cfg2.codec == "vae"
    pipe = Sig2GpsVideoPipeline(tr, codec)
    out = pipe(_cond(1, 5), 5, 2, [torch.Generator().manual_seed(0)]).overlay
    assert out.shape == (1, 2, 5, 64, 64) and np.isfinite(out).all()
    with pytest.raises(ValueError, match="not a Wan2.2 diffusers layout"):
        load_base(tmp_path)
