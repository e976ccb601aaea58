"""The GPU measurement of the video model, run here on a tiny seeded model and a simulated Helsinki test set:
export -> load round trip, the entry point's JSON rows, towers rows equal the methods table's, raw rows of the
snap pass are the raw pass's samples, the worker-process path, and the sections that render such records
(experiments/video_bench_sft, experiments/video_decode: the package's one renderer over their specs)."""
from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
import torch

from sig2gps.benchdata import Benchmark, BenchConfig, export_test, load_test_export
from sig2gps.benchmark import video_bench


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from sig2gps.commands._common import default_network
    from sig2gps.model.config import PRESETS, VideoModelConfig
    from sig2gps.model.store import build_transformer, save_video_model
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate, write_simulation

    root = tmp_path_factory.mktemp("vb")
    path = str(default_network())
    net = load_network(path)
    sim = simulate(net, 5, seed=23, id_prefix="helsinki-")
    write_simulation(root / "key0" / "test" / "helsinki", sim, net, {"split": "test"})
    cfg = BenchConfig(train_cities=("baltimore",), test_cities=("helsinki",))  # helsinki is the unseen city
    bench = Benchmark(root / "key0", cfg, [], {"helsinki": root / "key0" / "test" / "helsinki"}, {"helsinki": path})
    export_test(bench, root / "export", log=lambda *a: None)
    mcfg = VideoModelConfig(transformer=PRESETS["tiny"])
    save_video_model(root / "model", build_transformer(mcfg, seed=2), mcfg, dtype=torch.float32)
    return bench, root, sim


def _run(root, *extra):
    out = root / "res.json"
    argv = ["--test", str(root / "export"), "--model", f"tiny={root / 'model'}", "--frames", "5", "--steps", "2",
            "--device", "cpu", "--batch", "4", "--json", str(out), *extra]
    assert video_bench.main(argv) == 0
    return json.loads(out.read_text())


def test_export_round_trip(world):
    bench, root, sim = world
    man, cities = load_test_export(root / "export")
    assert man["benchmark_key"] == "key0" and man["unseen"] == ["helsinki"]
    tc = cities["helsinki"]
    assert tc.unseen and [s.trace_id for s in tc.signaling] == [s.signaling.trace_id for s in sim.traces]
    g = sim.traces[2].gps
    t, lon, lat = tc.truth[g.trace_id]
    assert np.allclose(t, g.t, atol=1e-3) and np.allclose(lon, g.lon, atol=1e-6)
    assert sum(man["cities"]["helsinki"]["counts"].values()) == len(sim.traces)


def test_export_limit_and_clear_errors(world, tmp_path):
    bench, root, _ = world
    export_test(bench, tmp_path / "one", per_scope=1, log=lambda *a: None)
    man, cities = load_test_export(tmp_path / "one")
    counts = man["cities"]["helsinki"]["counts"]
    assert max(counts.values()) == 1 and len(cities["helsinki"].signaling) == sum(counts.values())
    with pytest.raises(FileNotFoundError, match="manifest.json"):
        load_test_export(tmp_path / "nowhere")
    (tmp_path / "one" / "helsinki" / "gps.csv.gz").unlink()
    with pytest.raises(FileNotFoundError, match="gps.csv.gz"):
        load_test_export(tmp_path / "one")
    with pytest.raises(SystemExit):
        video_bench.parse_args(["--test", "x", "--model", "no-equals-sign", "--json", "y"])
    with pytest.raises(ValueError, match="4k\\+1"):
        video_bench.parse_args(["--test", "x", "--model", "a=b", "--frames", "6", "--json", "y"])


def test_entry_point_rows_towers_and_snap(world):
    from sig2gps.benchmark.methods_table import TableConfig, run_method

    bench, root, sim = world
    res = _run(root, "--snap", "--workers", "1", "--chunk-m", "0")
    assert {"machine", "date", "command", "benchmark_key", "rows"} <= set(res) and res["benchmark_key"] == "key0"
    rows = res["rows"]
    assert all(set(r) == set(video_bench.ROW_KEYS) for r in rows)
    labels = list(dict.fromkeys(r["label"] for r in rows))
    assert labels == ["towers", "tiny f5 raw", "tiny f5 snap", "tiny f5 raw (snap samples)"]
    n = len(sim.traces)
    for r in rows:
        assert r["city"] == "helsinki" and r["unseen"] is True
        if r["scope"] == "overall":
            assert r["n"] == n and r["failed"] == 0 and r["mae_m"] > 0 and r["s_per_trace"] > 0
            assert 0 <= r["l100"] <= 1 and 0 <= r["g1000"] <= 1 and r["rmse_m"] >= r["mae_m"]
        if r["method"] == "video":
            assert r["frames"] == 5 and r["model"] == "tiny"
            if r["n"]:
                assert 0 <= r["one_piece"] <= 1 and 0 <= r["on_road"] <= 1
    assert sum(r["n"] for r in rows if r["label"] == "towers" and r["scope"] != "overall") == n
    # towers rows are what the methods table computes for the same traces
    table = run_method("towers", bench, root / "work", TableConfig(), log=lambda *a: None)["helsinki"]
    for r in (r for r in rows if r["label"] == "towers"):
        for k in ("mae_m", "rmse_m", "l100", "g1000"):
            assert r[k] == pytest.approx(table[r["scope"]][k]), (r["scope"], k)
    # the snap pass's raw rows are the raw pass's samples (same seeds), and snap changes the track
    by = {(r["label"], r["scope"]): r for r in rows}
    assert by[("tiny f5 raw (snap samples)", "overall")]["mae_m"] == pytest.approx(
        by[("tiny f5 raw", "overall")]["mae_m"], rel=1e-4)
    assert by[("tiny f5 snap", "overall")]["mae_m"] != pytest.approx(by[("tiny f5 raw", "overall")]["mae_m"], rel=1e-6)
    assert by[("tiny f5 snap", "overall")]["snap"] is True


def test_worker_processes_give_the_same_reconstructions(world):
    import multiprocessing as mp

    from sig2gps.methods import MethodOptions
    from sig2gps.network import load_network

    bench, root, sim = world
    _, cities = load_test_export(root / "export")
    tc = cities["helsinki"]
    traces = tc.signaling[:3]
    opts = MethodOptions(model=str(root / "model"), frames=5, steps=2, seed=1, device="cpu", snap=True,
                         extra={"batch": 4})
    here, _, _ = video_bench._run_here(load_network(tc.network_path), opts, traces)
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
        there, errs = video_bench._run_pooled(pool, 2, tc.network_path, opts, traces)
    assert not errs and [r.trace_id for r in there] == [t.trace_id for t in traces]
    for a, b in zip(here, there):
        assert np.allclose(a.rollouts[0].track.lon, b.rollouts[0].track.lon, atol=1e-6)
        assert b.rollouts[0].frames is None  # not shipped back from the workers


def test_renderer_tables_targets_and_scaling(world, tmp_path, render_experiment):
    bench, root, _ = world
    res = _run(root, "--frames", "5", "9", "--workers", "1", "--chunk-m", "0")
    rows = [r for r in res["rows"] if r["label"] == "towers"]
    # cached CPU results in the methods table's layout; hmm := towers here, so towers' ratio must read 1.00
    city = {r["scope"]: {k: r[k] for k in ("mae_m", "rmse_m", "l100", "g1000")} for r in rows}
    city.update(s_per_trace=0.001, failed=0, traces=5, of=5)
    (tmp_path / "key0").mkdir()
    (tmp_path / "key0" / "results.json").write_text(json.dumps({"hmm": {"helsinki": city}, "towers": {"helsinki": city}}))
    (tmp_path / "rec.json").write_text(json.dumps(res))
    md = render_experiment("video_bench_sft", cpu_root=tmp_path, rec=tmp_path / "rec.json")
    assert "### helsinki — UNSEEN city" in md and "| hmm (CPU) |" in md and "| tiny f5 raw |" in md
    assert "| towers (GPU run) |" in md and " | 1.00 | " in md
    assert "Issue 5 targets on the unseen city" in md and "tiny f9 raw on helsinki" in md
    assert "| 5 frames | 9 frames |" in md and res["command"] in md
    assert ("— met" in md) or ("NOT met" in md)
    # without cached CPU rows: only the recorded rows, said so
    md2 = render_experiment("video_bench_sft", cpu_root=tmp_path / "no-cache", rec=tmp_path / "rec.json")
    assert "not found here" in md2 and "| hmm (CPU) |" not in md2
    assert "Not measured yet" in render_experiment("video_bench_sft", rec=tmp_path / "missing.json")


def test_consensus_rows_and_their_section(world, tmp_path, render_experiment):
    def render_all(paths, cpu_root=None):
        return render_experiment("video_decode", cpu_root=cpu_root or tmp_path / "no-cache", **paths)

    bench, root, sim = world
    res = _run(root, "--rollouts", "3", "--consensus", "--snap", "--workers", "1", "--chunk-m", "0")
    labels = list(dict.fromkeys(r["label"] for r in res["rows"]))
    assert labels == ["towers", "tiny f5 raw K3 consensus", "tiny f5 raw K3 best", "tiny f5 snap K3 consensus",
                      "tiny f5 raw K3 consensus (snap samples)", "tiny f5 snap K3 best", "tiny f5 raw K3 best (snap samples)"]
    by = {(r["label"], r["scope"]): r for r in res["rows"]}
    # the consensus is not one of the samples: it differs from the best-scored one
    assert by[("tiny f5 raw K3 consensus", "overall")]["mae_m"] != pytest.approx(
        by[("tiny f5 raw K3 best", "overall")]["mae_m"], rel=1e-6)
    # the section: the K table and the gain over one sample come from the JSONs given
    k8 = tmp_path / "k8.json"
    k8.write_text(json.dumps(res))
    # the shipped model's single sample (gdpo, 13 frames, K=1, one window), as the section reads it
    one = dict(res, rows=[dict(r, label="gdpo f13 raw", model="gdpo", frames=13, rollouts=1, window=0.0, pick="",
                               mae_m=2 * r["mae_m"]) for r in res["rows"]
                          if r["label"] == "tiny f5 raw K3 consensus" and r["scope"] == "overall"])
    k1 = tmp_path / "k1.json"
    k1.write_text(json.dumps(one))
    kk = tmp_path / "kk.json"
    kk.write_text(json.dumps({"note": "toy", "runs": [res]}))
    none = tmp_path / "none.json"
    md = render_all({"k8": k8, "k": kk, "k1": k1, "win": none, "sweep": none, "both": none}, cpu_root=tmp_path)
    con = by[("tiny f5 raw K3 consensus", "overall")]["mae_m"]
    assert f"| helsinki | {2 * con:.0f} | " in md and "| -50% |" in md  # consensus vs the (doubled) single sample
    assert "K=3 consensus / best" in md and f"{con:.0f} / " in md
    assert "video_decode" in md and "Not measured" not in md
    assert "Not measured yet" in render_all({"k8": none, "win": none})


def test_window_rows_and_their_table(world, tmp_path, render_experiment):
    def render_all(paths, cpu_root=None):
        return render_experiment("video_decode", cpu_root=cpu_root or tmp_path / "no-cache", **paths)

    bench, root, sim = world
    one = _run(root, "--workers", "1", "--chunk-m", "0")
    win = _run(root, "--workers", "1")  # the default: 1000 m windows
    assert win["config"]["chunk_m"] == 1000.0
    labels = list(dict.fromkeys(r["label"] for r in win["rows"]))
    assert labels == ["towers", "tiny f5 raw w1000"]
    a = {r["scope"]: r["mae_m"] for r in one["rows"] if r["label"] == "tiny f5 raw"}
    b = {r["scope"]: r["mae_m"] for r in win["rows"] if r["label"] == "tiny f5 raw w1000"}
    assert a["overall"] != pytest.approx(b["overall"], rel=1e-6)  # some simulated trace needs several windows
    w = tmp_path / "win.json"
    w.write_text(json.dumps({"note": "toy", "runs": [one, win]}))
    none = tmp_path / "none.json"
    md = render_all({"k8": none, "k": none, "k1": none, "win": w, "sweep": w, "both": none}, cpu_root=tmp_path)
    assert "| one window | 1000 m windows |" in md
    assert "| helsinki | overall | " in md and f"{a['overall']:.0f} | {b['overall']:.0f} |" in md
