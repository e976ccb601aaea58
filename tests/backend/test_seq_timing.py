"""The sequence timing model (mapmatch.seq_timing): numpy inference equals the torch net it was trained as, the
shipped file loads, a wrong feature list is refused by name, and hmm's timing with it stays monotone along the
route and no faster than a car."""
from dataclasses import replace

import numpy as np
import pytest

from sig2gps.mapmatch import MapMatcher, MatchConfig, TimingConfig
from sig2gps.mapmatch.seq_timing import FEATURES, SeqTimingModel, load_seq_model, sequence_progress
from sig2gps.mapmatch.timing import route_from_path
from sig2gps.methods import MethodOptions, get_method
from test_mapmatch import grid

N = 7


def random_model(seed=0, width=8, dilations=(1, 2, 4)):
    """A torch net with random weights and its numpy export."""
    torch = pytest.importorskip("torch")
    from sig2gps.train.seqtiming import _torch_net, to_numpy_model

    torch.manual_seed(seed)
    net = _torch_net(len(FEATURES), width, dilations, 3)
    rng = np.random.default_rng(seed)
    mean, std = rng.normal(size=len(FEATURES)), rng.uniform(0.5, 2.0, len(FEATURES))
    return net, to_numpy_model(net, mean, std, 10.0, dilations), mean, std


def test_numpy_inference_equals_the_torch_net_alone_and_in_a_padded_batch():
    import torch

    net, model, mean, std = random_model()
    rng = np.random.default_rng(1)
    seqs = [rng.normal(size=(n, len(FEATURES))) for n in (37, 5, 60)]
    T = max(len(s) for s in seqs)
    X = np.zeros((len(seqs), len(FEATURES), T), np.float32)
    M = np.zeros((len(seqs), 1, T), np.float32)
    for i, s in enumerate(seqs):
        X[i, :, :len(s)] = ((s - mean) / std).T
        M[i, 0, :len(s)] = 1.0
    with torch.no_grad():
        ref = net(torch.tensor(X), torch.tensor(M)).numpy() * 1000.0
    for i, s in enumerate(seqs):
        got = model.predict(s)
        assert got.shape == (len(s),)
        np.testing.assert_allclose(got, ref[i, :len(s)], rtol=1e-4, atol=1e-3)


def test_model_round_trips_through_its_file_and_a_wrong_feature_list_is_named(tmp_path):
    _, model, _, _ = random_model(2)
    p = tmp_path / "sequence.json"
    model.save(p)
    X = np.random.default_rng(3).normal(size=(20, len(FEATURES)))
    np.testing.assert_allclose(load_seq_model(p).predict(X), model.predict(X), rtol=1e-4, atol=0.05)  # 6 digits
    bad = model.to_dict()
    bad["features"] = list(FEATURES[:-1])
    q = tmp_path / "old.json"
    q.write_text(__import__("json").dumps(bad))
    with pytest.raises(ValueError, match=r"old\.json.*features"):
        load_seq_model(q)
    with pytest.raises(FileNotFoundError, match="seqtiming"):
        load_seq_model(tmp_path / "missing.json")


def test_shipped_sequence_model_loads_small_and_trained_on_training_cities_only():
    from sig2gps.mapmatch.seq_timing import default_seq_model_path

    m = load_seq_model()
    assert default_seq_model_path().stat().st_size < 1_000_000
    assert m.meta["cities"] and "campo-grande" not in m.meta["cities"]
    assert np.isfinite(m.predict(np.zeros((3, len(FEATURES))))).all()


def toy_run(seed):
    """A route across the grid, records of cells near its nodes, and a lagging track's progress."""
    net = grid(N)
    route = route_from_path(net, [0, 1, 2, 3, 10, 17, 24, 31], [0, 2, 3, 5, 7])
    rng = np.random.default_rng(seed)
    nodes = [0, 2, 3, 17, 31]
    xy = net.node_xy[nodes] + rng.normal(0, 120, (len(nodes), 2))
    t = np.array([0.0, 40.0, 70.0, 130.0, 200.0])
    tq = np.arange(0.0, 201.0, 2.0)
    s = np.clip((tq - 20.0) * 8.0, 0.0, route.length)
    return net, route, (t, xy[:, 0], xy[:, 1]), tq, s


class Wild(SeqTimingModel):
    """A model whose corrections swing by kilometres: what the timing makes of it must still be drivable."""

    def predict(self, X):
        return 3000.0 * np.sin(np.arange(len(X)) * 1.3)


@pytest.mark.parametrize("seed", [1, 2])
def test_sequence_timing_stays_monotone_on_the_route_and_under_the_speed_limit(seed, monkeypatch):
    import sig2gps.mapmatch.seq_timing as st
    from sig2gps.mapmatch.timing import timestamp_route

    net, route, (t, x, y), tq, s = toy_run(seed)
    _, model, _, _ = random_model(seed)
    wild = Wild(model.to_dict())
    for m in (model, wild):
        monkeypatch.setattr(st, "load_seq_model", lambda path=None, m=m: m)
        cfg = TimingConfig(handover="sequence")
        out = sequence_progress(route, t, x, y, tq, s, s, cfg)
        assert out.shape == tq.shape and np.all(np.diff(out) >= 0)
        assert out.min() >= 0.0 and out.max() <= route.length
        tt, xx, yy = timestamp_route(route, t, 0.0, 200.0, cfg, progress=(tq, out))
        v = np.hypot(np.diff(xx), np.diff(yy)) / np.diff(tt)
        assert np.all(np.diff(tt) > 0) and v.max() <= cfg.max_speed_ms + 1e-6


def test_hmm_with_sequence_timing_is_plausible_and_the_old_timing_stays_selectable():
    from sig2gps.plausibility import check_plausibility
    from test_handover import diagonal_trace

    net = grid()
    tr = diagonal_trace(net)
    seq = get_method("hmm")(net, MethodOptions(extra={"timing": "sequence"}))
    old = get_method("hmm")(net, MethodOptions(extra={"timing": "learned"}))
    assert seq._cfg.timing.handover == "sequence" and old._cfg.timing.handover == "learned"
    a, b = seq.reconstruct(tr).rollouts[0], old.reconstruct(tr).rollouts[0]
    for ro in (a, b):
        p = check_plausibility(ro.track, net)
        assert p.ok, p.reasons
    assert get_method("hmm-classic")(net, MethodOptions(extra={"timing": "sequence"}))._cfg.timing.handover == "track"
    m = MapMatcher(net, replace(MatchConfig(auto_scale=False), timing=TimingConfig(handover="sequence")),
                   precompute=False)
    assert m.cfg.timing.handover == "sequence"
    with pytest.raises(ValueError, match="invalid handover"):
        TimingConfig(sequence_gain=-1.0)


def test_blocked_products_equal_plain_ones():
    from sig2gps.mapmatch.seq_timing import _matmul

    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(301, 144)), rng.normal(size=(144, 48))
    np.testing.assert_allclose(_matmul(a, b), a @ b, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(_matmul(a[:3], b), a[:3] @ b)
