"""Handover timing (mapmatch.handover, mapmatch.timing_model): anchors between the sites, the learned model
loaded and used by hmm, and hmm-classic's timing left as it was."""
from dataclasses import replace

import numpy as np
import pytest

from sig2gps.mapmatch import MatchConfig, TimingConfig
from sig2gps.mapmatch.handover import Handovers, crossings, find_handovers, handover_progress
from sig2gps.mapmatch.timing import Route
from sig2gps.methods import MethodOptions, get_method
from test_hmm import sig_from_xy
from test_mapmatch import grid


def straight(length=2000.0) -> Route:
    xy = np.column_stack([np.linspace(0, length, 41), np.zeros(41)])
    cum = xy[:, 0].copy()
    return Route([], xy, cum, [], np.zeros(0), np.zeros(0), np.zeros(0), cum / 10.0)


def one(a, b, t=100.0) -> Handovers:
    return Handovers(np.array([t]), np.array([a], float), np.array([b], float), np.array([50.0]), np.array([50.0]))


def test_periodic_records_of_one_cell_are_not_handovers():
    t = np.array([0.0, 20.0, 40.0, 60.0, 90.0, 95.0])
    x = np.array([0.0, 0.0, 500.0, 500.0, 500.0, 1000.0])  # A A B B B C: two changes of position
    ho = find_handovers(t, x, np.zeros(6))
    assert list(ho.t) == [40.0, 95.0]
    assert list(ho.dwell_a) == [40.0, 55.0] and list(ho.dwell_b) == [55.0, 0.0]
    assert np.allclose(ho.a[:, 0], [0.0, 500.0]) and np.allclose(ho.b[:, 0], [500.0, 1000.0])


@pytest.mark.parametrize("side", [300.0, -450.0])
def test_handover_anchor_lands_between_the_sites_on_a_toy_route(side):
    r = straight()
    a, b = (400.0, side), (1400.0, 0.7 * side)
    s0 = crossings(r.xy, r.cum, one(a, b), np.array([700.0]), 800.0, 0.0)[0]
    s1 = crossings(r.xy, r.cum, one(a, b), np.array([700.0]), 800.0, 0.6)[0]
    assert 400.0 < s0 < s1 < 1400.0  # past the bisector with hysteresis, never at either tower
    p = np.array([s0, 0.0])
    assert abs(np.hypot(*(p - a)) - np.hypot(*(p - b))) < 5.0  # on the perpendicular bisector
    # the route leaving B's side for A's never crosses from A to B: no anchor
    assert np.isnan(crossings(r.xy, r.cum, one(b, a), np.array([700.0]), 800.0, 0.0)[0])
    # nor does a crossing outside the window around the guess count
    assert np.isnan(crossings(r.xy, r.cum, one(a, b), np.array([100.0]), 300.0, 0.0)[0])


def test_geometry_timing_pulls_a_lagging_track_towards_the_boundary():
    r = straight()
    t = np.array([0.0, 100.0, 200.0])
    x, y = np.array([400.0, 1400.0, 1400.0]), np.array([300.0, 300.0, 300.0])
    tq = np.arange(0.0, 201.0, 2.0)
    lag = np.clip((tq - 40.0) * 10.0, 0, 2000.0)  # the track says 600 m at the handover (boundary: ~1000 m)
    cfg = TimingConfig(handover="geometry", handover_c=0.0, handover_window_m=800.0, handover_prior=0.0,
                       handover_gain=1.0)
    s = handover_progress(r, t, x, y, tq, lag, cfg)
    assert abs(np.interp(100.0, tq, s) - 900.0) < 15.0  # the boundary sits where |p-A| = |p-B|: x = 900 m
    assert np.array_equal(handover_progress(r, t, x, y, tq, lag, replace(cfg, handover="track")), lag)


def test_shipped_timing_model_loads_and_predicts():
    from sig2gps.mapmatch.timing_model import FEATURES, default_model_path, features, load_timing_model

    m = load_timing_model()
    assert default_model_path().stat().st_size < 200_000 and m.meta["cities"] and "campo-grande" not in m.meta["cities"]
    r = straight()
    X = features(r.xy, r.cum, one((400.0, 300.0), (1400.0, 200.0)), np.array([700.0]), 1.0)
    assert X.shape == (1, len(FEATURES)) and np.isfinite(X).all()
    assert np.isfinite(m.predict(X)).all()


def test_bad_timing_model_file_is_named(tmp_path):
    from sig2gps.mapmatch.timing_model import load_timing_model

    p = tmp_path / "model.json"
    p.write_text('{"mean": [0]}')
    with pytest.raises(ValueError, match="model.json"):
        load_timing_model(p)
    with pytest.raises(ValueError, match="handover"):
        TimingConfig(handover="psychic")


def diagonal_trace(net):
    rng = np.random.default_rng(5)
    idx = [0, 1, 6, 7, 12, 13, 18, 19, 24]
    xy = net.node_xy[idx] + rng.normal(0, 60, (len(idx), 2))
    xy = np.repeat(xy, 2, axis=0)  # each cell also sends a periodic record: same position, later
    t = np.cumsum(rng.uniform(15, 40, len(xy)))
    return sig_from_xy(net, "diag", t, xy)


def test_hmm_uses_the_learned_model_by_default(monkeypatch):
    import sig2gps.mapmatch.timing_model as tm

    net = grid()
    tr = diagonal_trace(net)
    calls = []
    real = tm.TimingModel.predict
    monkeypatch.setattr(tm.TimingModel, "predict", lambda self, X: calls.append(len(X)) or real(self, X) + 150.0)
    learned = get_method("hmm")(net, MethodOptions()).reconstruct(tr).rollouts[0].track  # the default
    track = get_method("hmm")(net, MethodOptions(extra={"timing": "track"})).reconstruct(tr).rollouts[0].track
    assert calls and calls[0] >= 3  # one prediction per handover
    assert not np.allclose(learned.lon, np.interp(learned.t, track.t, track.lon)) or \
        not np.allclose(learned.lat, np.interp(learned.t, track.t, track.lat))


def test_hmm_classic_keeps_the_track_timing():
    net = grid()
    tr = diagonal_trace(net)
    classic = get_method("hmm-classic")(net, MethodOptions(extra={"timing": "learned"}))
    assert classic._cfg.timing.handover == "track" and not classic._cfg.auto_scale
    cfg = replace(MatchConfig(), auto_scale=False)  # today's classic pipeline, spelled out
    cfg = replace(cfg, timing=replace(cfg.timing, handover="track", ends=False))
    ref = get_method("hmm")(net, MethodOptions(extra={"config": cfg})).reconstruct(tr).rollouts[0].track
    got = classic.reconstruct(tr).rollouts[0].track
    assert np.array_equal(got.t, ref.t) and np.array_equal(got.lon, ref.lon) and np.array_equal(got.lat, ref.lat)
