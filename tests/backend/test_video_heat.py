"""The posterior-heat read-back (model/heat.py) and the training share at noise level 1 (FlowConfig.top_share)."""
import numpy as np
import pytest

from sig2gps.model.heat import heat_px, heat_track, route_heat_track, weighted_geomedian
from sig2gps.model.scene import Window


def _blob(S, x, y, sigma=1.0, peak=1.0):
    rr, cc = np.mgrid[0:S, 0:S]
    return peak * np.exp(-(((cc + 0.5 - x) ** 2 + (rr + 0.5 - y) ** 2) / (2 * sigma ** 2)))


def test_geomedian_follows_the_majority_not_the_mean():
    pts = np.array([[0.0, 0.0]] * 6 + [[10.0, 0.0]] * 4)
    m = weighted_geomedian(pts, np.ones(len(pts)))
    assert m == pytest.approx([0.0, 0.0], abs=0.05)  # the mean would be (4, 0)
    assert weighted_geomedian(pts, np.r_[np.ones(6), 3 * np.ones(4)]) == pytest.approx([10.0, 0.0], abs=0.05)


def test_heat_px_finds_a_blob_and_prefers_the_heavier_of_two():
    S = 32
    one = _blob(S, 10.3, 20.7)[None]
    assert heat_px(one)[0] == pytest.approx([10.3, 20.7], abs=0.15)
    two = (_blob(S, 6.5, 6.5, peak=1.0) + _blob(S, 25.5, 25.5, peak=0.45))[None]
    assert heat_px(two)[0] == pytest.approx([6.5, 6.5], abs=0.5)
    assert heat_px(np.zeros((1, S, S)))[0].shape == (2,)  # an empty frame still gives a position


def test_heat_track_times_and_metres():
    S, T = 32, 5
    win = Window(500.0, 300.0, 160.0, 32)  # 10 m a pixel
    ov = np.zeros((2, T, S, S))
    xs = [8.5, 12.5, 16.5, 20.5]
    for k, x in enumerate(xs, start=1):
        ov[1, k] = _blob(S, x, 16.5)
    t, xy = heat_track(win, ov, 100.0, 130.0)
    assert t == pytest.approx([100, 110, 120, 130])
    assert xy == pytest.approx(win.to_xy(np.c_[xs, [16.5] * 4]), abs=2.0)


def test_route_heat_track_takes_the_weighted_median_along_the_route():
    S, T = 32, 5
    win = Window(0.0, 0.0, 160.0, 32)
    route_t = np.array([0.0, 100.0])
    route_xy = np.array([[-150.0, 0.0], [150.0, 0.0]])  # a straight road through the window's centre
    ov = np.zeros((2, T, S, S))
    for k in range(1, T):  # heat off the road (40 m north), mostly at x = -50, some at x = +100
        px = win.to_px(np.array([[-50.0, 40.0], [100.0, 40.0]]))
        ov[1, k] = _blob(S, *px[0], peak=1.0) + _blob(S, *px[1], peak=0.5)
    t, xy = route_heat_track(win, ov, 0.0, 100.0, route_t, route_xy)
    assert np.allclose(xy[:, 1], 0.0)  # on the route
    assert np.allclose(xy[:, 0], -50.0, atol=8.0)  # the heavier blob's arc, not the heat's mean (~0)


def test_arc_of_nearest_matches_a_brute_force_projection():
    """The matrix form of the projection (no (P, G, 2) temporaries) finds the same nearest arc lengths."""
    from sig2gps.model.heat import _arc_of_nearest

    rng = np.random.default_rng(2)
    route = np.cumsum(rng.normal(0, 30, (40, 2)), 0)
    a, ab = route[:-1], np.diff(route, axis=0)
    cum = np.r_[0, np.cumsum(np.hypot(*ab.T))]
    pts = rng.uniform(route.min(0), route.max(0), (200, 2))
    want = []
    for p in pts:
        u = np.clip(((p - a) * ab).sum(1) / (ab ** 2).sum(1), 0, 1)
        j = np.argmin(np.hypot(*(a + u[:, None] * ab - p).T))
        want.append(cum[j] + u[j] * np.hypot(*ab[j]))
    assert np.allclose(_arc_of_nearest(pts, a, ab, cum[:-1]), want, atol=1e-6)


def test_route_heat_track_blends_with_the_prior_along_the_route():
    """prior_weight 1: the prior's own position at each frame's time; 0.5: halfway along the route between it
    and the heat's weighted median."""
    S, T = 32, 5
    win = Window(0.0, 0.0, 160.0, 32)
    route_t, route_xy = np.array([0.0, 100.0]), np.array([[-150.0, 0.0], [150.0, 0.0]])  # 3 m/s eastwards
    ov = np.zeros((2, T, S, S))
    for k in range(1, T):
        ov[1, k] = _blob(S, *win.to_px(np.array([[-50.0, 0.0]]))[0])
    t, heat = route_heat_track(win, ov, 0.0, 100.0, route_t, route_xy)
    _, prior = route_heat_track(win, ov, 0.0, 100.0, route_t, route_xy, prior_weight=1.0)
    _, half = route_heat_track(win, ov, 0.0, 100.0, route_t, route_xy, prior_weight=0.5)
    assert prior[:, 0] == pytest.approx(-150.0 + 3.0 * t) and np.allclose(prior[:, 1], 0.0)
    assert half[:, 0] == pytest.approx(0.5 * (heat[:, 0] + prior[:, 0]))


def test_top_share_trains_at_noise_level_one():
    """top_share 1: every sample at noise level 1, the same loss as a batch that carries sigma = 1."""
    import torch
    from dataclasses import replace

    from sig2gps.model.codec import PixelCodec
    from sig2gps.model.store import build_transformer
    from sig2gps.train.sft import batch_loss
    from tests.backend.test_video_prior import COPY

    tr = build_transformer(COPY, 0)
    g = torch.Generator().manual_seed(1)
    batch = {"cond": torch.rand(3, COPY.in_channels - 2, 5, 32, 32, generator=g),
             "overlay": (torch.rand(3, 2, 5, 32, 32, generator=g) > 0.95).float()}
    top = replace(COPY, flow=replace(COPY.flow, top_share=1.0))
    with torch.no_grad():
        a = batch_loss(tr, PixelCodec(), top, batch, torch.Generator().manual_seed(0), "cpu", False)
        b = batch_loss(tr, PixelCodec(), COPY, dict(batch, sigma=torch.ones(3)), torch.Generator().manual_seed(0),
                       "cpu", False)
        c = batch_loss(tr, PixelCodec(), COPY, batch, torch.Generator().manual_seed(0), "cpu", False)
    assert float(a) == pytest.approx(float(b), rel=1e-5)
    assert float(c) != pytest.approx(float(b), rel=1e-3)  # the logit-normal sigmas: another loss
