"""Learned sequence baselines: each trains a few steps and reconstructs on CPU; checkpoints round-trip."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sig2gps.cli import main
from sig2gps.io import read_signaling
from sig2gps.methods import MethodOptions, get_method
from sig2gps.seqmodels.checkpoint import load_checkpoint
from sig2gps.seqmodels.features import FeatureConfig, LocalFrame, trace_features
from sig2gps.seqmodels.models import KINDS, ModelConfig, build_model
from sig2gps.seqmodels.train import TrainConfig, split, train_model


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    out = tmp_path_factory.mktemp("seqsim")
    assert main(["simulate", "--traces", "24", "--seed", "5", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def traces(sim):
    return read_signaling(sim / "signaling.csv")[0]


def test_local_frame_round_trip():
    f = LocalFrame(24.94, 60.17)
    x, y = f.to_xy([24.95, 24.90], [60.18, 60.10])
    lon, lat = f.to_lonlat(x, y)
    assert np.allclose(lon, [24.95, 24.90], atol=1e-12) and np.allclose(lat, [60.18, 60.10], atol=1e-12)
    assert abs(y[0] - 1112.0) < 2.0  # 0.01 degree of latitude is about 1.11 km


@pytest.mark.parametrize("kind", KINDS)
def test_untrained_model_is_the_smoothed_towers_floor(kind, traces):
    fcfg = FeatureConfig(grid=16)
    g, f, base, frame = trace_features(traces[0], fcfg)
    m = build_model(ModelConfig(kind=kind, grid=16, n_features=fcfg.n_features))
    with torch.no_grad():
        out = m(torch.from_numpy(f[None])).numpy()[0]
    assert out.shape == (16, 2) and np.allclose(out, 0.0)
    assert g[0] == traces[0].t[0] and g[-1] == traces[0].t[-1]


@pytest.mark.parametrize("kind", KINDS)
def test_trains_a_few_steps_and_reconstructs(kind, sim, traces, tmp_path):
    fcfg = FeatureConfig(grid=16)
    s = train_model(kind, [sim], tmp_path / kind, TrainConfig(max_epochs=3, max_seconds=20, batch=8), fcfg,
                    d_model=16, layers=1)
    assert s["epochs"] == 3 and s["train"] + s["val"] == 24 and s["val"] >= 1
    assert (tmp_path / kind / "model.pt").is_file()
    m = get_method(kind)(None, MethodOptions(model=str(tmp_path / kind)))
    recs, errors = m.reconstruct_many(traces)
    assert not errors and len(recs) == len(traces)
    for tr, rec in zip(traces, recs):
        track = rec.rollouts[0].track
        assert len(track) == 16 and track.t[0] == tr.t[0] and track.t[-1] == tr.t[-1]
        assert np.all(np.isfinite(track.lon)) and np.all(np.abs(track.lat - tr.lat.mean()) < 0.2)


@pytest.mark.parametrize("kind", KINDS)
def test_checkpoint_round_trip_gives_identical_outputs(kind, traces, tmp_path):
    from sig2gps.seqmodels.checkpoint import save_checkpoint

    fcfg = FeatureConfig(grid=16)
    mcfg = ModelConfig(kind=kind, grid=16, n_features=fcfg.n_features, d_model=16, layers=1)
    torch.manual_seed(0)
    model = build_model(mcfg)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))  # away from the zero output layer, so equality means something
    model.eval()
    save_checkpoint(tmp_path / "m", model, mcfg, fcfg, {"note": "test"})
    again, mcfg2, fcfg2, doc = load_checkpoint(tmp_path / "m" / "config.json")
    assert mcfg2 == mcfg and fcfg2 == fcfg and doc["training"] == {"note": "test"}
    x = torch.from_numpy(np.stack([trace_features(t, fcfg)[1] for t in traces[:4]]))
    with torch.no_grad():
        assert model(x).abs().sum() > 0 and torch.equal(model(x), again(x))


def test_wrong_kind_and_missing_model_are_clear_errors(sim, tmp_path, monkeypatch):
    train_model("mlp", [sim], tmp_path / "m", TrainConfig(max_epochs=1), FeatureConfig(grid=16), d_model=16, layers=1)
    with pytest.raises(ValueError, match="'mlp' model, not 'gru'"):
        get_method("gru")(None, MethodOptions(model=str(tmp_path / "m")))
    gru = get_method("gru")
    monkeypatch.setattr(gru, "shipped_dir", classmethod(lambda cls: tmp_path / "nothing_ships_here"))
    with pytest.raises(ValueError, match="needs a trained model"):
        gru(None, MethodOptions())
    with pytest.raises(ValueError, match="config.json missing"):
        get_method("gru")(None, MethodOptions(model=str(tmp_path)))


def test_validation_split_is_seeded_and_disjoint():
    a, b = split(20, 0.15, 0)
    assert len(b) == 3 and not set(a) & set(b) and len(a) + len(b) == 20
    assert np.array_equal(split(20, 0.15, 0)[1], b) and not np.array_equal(split(20, 0.15, 1)[1], b)


def test_mlp_learns_something_beyond_the_floor(sim, tmp_path):
    s = train_model("mlp", [sim], tmp_path / "m", TrainConfig(max_epochs=60, patience=60, val_share=0.25, batch=8),
                    FeatureConfig(grid=16), d_model=16, layers=1)
    assert s["train_err_m"] < 0.9 * s["train_floor_err_m"]  # fits the training pairs better than the floor
    assert s["val_err_m"] <= s["val_floor_err_m"]  # early stopping never keeps weights worse than the floor


def test_cli_train_then_reconstruct(sim, tmp_path, capsys):
    ck = tmp_path / "gru"
    assert main(["train-baseline", "--model", "gru", "--pairs", str(sim), "--out", str(ck), "--max-epochs", "2",
                 "--d-model", "16", "--layers", "1"]) == 0
    assert "validation error" in capsys.readouterr().out
    assert json.loads((ck / "config.json").read_text())["model"]["kind"] == "gru"
    out = tmp_path / "rec"
    assert main(["reconstruct", "--signaling", str(sim / "signaling.csv"), "--method", "gru", "--model", str(ck),
                 "--out", str(out)]) == 0
    assert len((out / "points.csv").read_text().splitlines()) == 1 + 24 * 48


@pytest.mark.parametrize("kind", ["gru", "mlp", "tcn", "transformer"])
def test_shipped_baselines_run_with_no_extra_flags(sim, kind):
    """`--method gru` (tcn, mlp, transformer) works out of the box: a small trained checkpoint ships."""
    cls = get_method(kind)
    assert cls.is_ready() and (cls.shipped_dir() / "model.pt").is_file()
    traces, _ = read_signaling(sim / "signaling.csv")
    recs, errs = cls(None, MethodOptions()).reconstruct_many(traces[:3])
    assert not errs and len(recs) == 3
    assert all(np.isfinite(r.rollouts[0].track.lon).all() and r.rollouts[0].info["kind"] == kind for r in recs)
