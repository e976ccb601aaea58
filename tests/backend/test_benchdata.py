"""The multi-city benchmark: scope thirds, unseen city, determinism, caching; the table renders every method."""
import json
from dataclasses import replace

import numpy as np
import pytest

from sig2gps.benchdata import BenchConfig, bench_key, build_benchmark
from sig2gps.io import read_gps, read_signaling
from sig2gps.metrics import od_distance_m, scope_of


def tiny(shared, root) -> BenchConfig:
    osm = shared("osm")
    return BenchConfig(train_cities=("krems",), test_cities=("krems", "north-bayreuth"), train_per_city=4,
                       test_per_scope=2, pool_factor=12.0, seed=5, osm_dir=str(osm), root=str(root))


def test_config_rejects_unknown_city():
    with pytest.raises(ValueError, match="atlantis"):
        BenchConfig(test_cities=("atlantis",))
    assert BenchConfig().unseen_cities == ("campo-grande",)


def test_key_depends_on_sizes_not_on_paths(tmp_path):
    a = BenchConfig(root=str(tmp_path / "a"))
    assert bench_key(a) == bench_key(replace(a, root=str(tmp_path / "b")))
    assert bench_key(a) != bench_key(replace(a, test_per_scope=5))


def test_build_thirds_unseen_deterministic_and_cached(shared, tmp_path):
    logs = []
    b = build_benchmark(tiny(shared, tmp_path / "one"), log=logs.append)
    assert b.unseen == ("north-bayreuth",)
    assert [p.name for p in b.train_dirs] == ["krems"]
    train, _ = read_gps(b.train_dirs[0] / "gps.csv")
    assert len(train) == 4
    for city, d in b.test_dirs.items():
        gps, _ = read_gps(d / "gps.csv")
        scopes = [scope_of(od_distance_m(g.lon, g.lat)) for g in gps]
        assert {s: scopes.count(s) for s in ("small", "medium", "large")} == {"small": 2, "medium": 2, "large": 2}
        sig, rep = read_signaling(d / "signaling.csv")
        assert sorted(s.trace_id for s in sig) == sorted(g.trace_id for g in gps) and not rep.errors
        assert not ({g.trace_id for g in gps} & {g.trace_id for g in train})  # test traces are held out
    manifest = b.root / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    again = build_benchmark(tiny(shared, tmp_path / "one"), log=logs.append)
    assert manifest.stat().st_mtime_ns == stamp and again.counts == b.counts  # reused, not rebuilt
    other = build_benchmark(tiny(shared, tmp_path / "two"), log=logs.append)
    for city in b.test_dirs:  # same seed, same bytes
        assert (b.test_dirs[city] / "signaling.csv").read_bytes() == (other.test_dirs[city] / "signaling.csv").read_bytes()
    assert json.loads(manifest.read_text())["unseen"] == ["north-bayreuth"]


def test_methods_table_runs_every_given_method_and_names_the_unseen_city(shared, tmp_path):
    from sig2gps.benchmark.methods_table import TableConfig, render, run_method

    b = build_benchmark(tiny(shared, tmp_path), log=lambda *_: None)
    cfg = TableConfig(budget_s=60.0)
    results = {m: run_method(m, b, tmp_path / "work", cfg, log=lambda *_: None) for m in ("towers", "hmm")}
    for m in ("towers", "hmm"):
        for city in b.test_dirs:
            r = results[m][city]
            assert r["traces"] == 6 and r["failed"] == 0 and r["overall"]["n_traces"] == 6
            assert np.isfinite(r["overall"]["mae_m"]) and r["s_per_trace"] > 0
    md = render(results, b, "sig2gps benchmark --quick", cfg, "Machine: test.")
    assert "north-bayreuth — UNSEEN city" in md and "| hmm |" in md and "| towers |" in md
    assert "targets for `hmm` on the unseen city" in md


def test_slow_method_is_cut_at_its_budget_and_marked_partial(shared, tmp_path, monkeypatch):
    import time as _time

    from sig2gps.benchmark.methods_table import TableConfig, render, run_method
    from sig2gps.methods import registry
    from sig2gps.methods.towers import TowersMethod

    class Sleepy(TowersMethod):
        name = "sleepy-test"

        def reconstruct(self, trace):
            _time.sleep(0.03)
            return super().reconstruct(trace)

    registry.available_methods()
    monkeypatch.setitem(registry._REGISTRY, Sleepy.name, Sleepy)
    b = build_benchmark(tiny(shared, tmp_path), log=lambda *_: None)
    cfg = TableConfig(budget_s=0.05, first_chunk=2)
    r = run_method(Sleepy.name, b, tmp_path / "work", cfg, log=lambda *_: None)
    for city in b.test_dirs:
        assert 2 <= r[city]["traces"] < r[city]["of"] == 6
        assert r[city]["overall"]["n_traces"] == r[city]["traces"]
    md = render({Sleepy.name: r}, b, "cmd", cfg, "Machine: test.")
    assert "partial:" in md
