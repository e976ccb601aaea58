"""The serving plane (SceneConfig.serving): which site served at each frame's time, drawn per frame."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from sig2gps.model.codec import PixelCodec
from sig2gps.model.config import TransformerConfig, VideoModelConfig
from sig2gps.model.pipeline import Sig2GpsVideoPipeline
from sig2gps.model.scene import (COND_CHANNELS, OVERLAY_CHANNELS, SceneConfig, Window, cond_channels, draw_window,
                                 render_overlay, serving_video)
from sig2gps.model.store import build_transformer

SCENE = SceneConfig(size=32, prior=True, serving=True, dot_radius=1.2)
SITES = np.array([[-600.0, 0.0], [0.0, 0.0], [600.0, 300.0]])
T_REC = np.array([0.0, 10.0, 20.0])


def _site_value(plane, win, xy):
    c, r = np.floor(win.to_px(np.asarray(xy, float)[None])[0]).astype(int)
    return float(plane[r, c])


def test_each_frame_shows_the_serving_site_and_the_next_one_brightening():
    win = Window(0.0, 0.0, 1000.0, 32)
    v = serving_video(win, SCENE, T_REC, SITES, 5)  # frames 1..4 at 0, 6.7, 13.3, 20 s
    assert v.shape == (1, 5, 32, 32) and not v[0, 0].any()
    expect = [(1, 0, 0), (1, 2 / 3, 0), (0, 1, 1 / 3), (0, 0, 1)]
    for k, vals in enumerate(expect, start=1):
        got = [_site_value(v[0, k], win, s) for s in SITES]
        np.testing.assert_allclose(got, vals, atol=1e-6, err_msg=f"frame {k}")


def test_the_serving_plane_follows_the_prior_channels_and_the_model_takes_it():
    prior = (np.array([0.0, 20.0]), np.array([[-500.0, 0.0], [500.0, 200.0]]))
    roads = np.array([[-800.0, 0.0, 800.0, 0.0]], np.float32)
    win, cond = draw_window(T_REC, SITES, roads, SCENE, 5, prior)
    assert cond.shape == (cond_channels(SCENE), 5, 32, 32) == (COND_CHANNELS + OVERLAY_CHANNELS + 1, 5, 32, 32)
    # the prior's drawing stays where the anchor and SDEdit read it
    np.testing.assert_array_equal(cond[COND_CHANNELS:COND_CHANNELS + 2],
                                  render_overlay(win, SCENE, prior[0], prior[1], 20.0, 5))
    np.testing.assert_array_equal(cond[-1:], serving_video(win, SCENE, T_REC, SITES, 5))
    mcfg = VideoModelConfig(scene=SCENE, transformer=TransformerConfig(patch=4, dim=32, heads=2, layers=1, ffn=64,
                                                                       text_dim=8, freq_dim=16))
    pipe = Sig2GpsVideoPipeline(build_transformer(mcfg, 0).eval(), PixelCodec(), 3.0)
    ov = pipe(cond[None], 5, 1, [torch.Generator().manual_seed(0)]).overlay
    assert ov.shape == (1, 2, 5, 32, 32)


def test_scenes_without_the_plane_are_unchanged():
    plain = replace(SCENE, serving=False)
    prior = (np.array([0.0, 20.0]), np.array([[-500.0, 0.0], [500.0, 200.0]]))
    roads = np.array([[-800.0, 0.0, 800.0, 0.0]], np.float32)
    _, with_plane = draw_window(T_REC, SITES, roads, SCENE, 5, prior)
    _, without = draw_window(T_REC, SITES, roads, plain, 5, prior)
    np.testing.assert_array_equal(with_plane[:-1], without)
