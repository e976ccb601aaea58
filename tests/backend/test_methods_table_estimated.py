"""The methods table's issue-17 rows: estimated cell positions beside true sites, and the fast-step column."""
import json

import numpy as np

from sig2gps.benchdata import build_benchmark
from sig2gps.io import read_gps, read_signaling
from test_benchdata import tiny


def test_estimated_rows_same_traces_other_positions_and_no_fast_steps(shared, tmp_path):
    from dataclasses import replace

    from sig2gps.benchmark.estimated import estimated_test_dirs
    from sig2gps.benchmark.methods_table import ESTIMATED, TableConfig, render, run_method

    b = build_benchmark(tiny(shared, tmp_path), log=lambda *_: None)
    dirs = estimated_test_dirs(b, survey=30, log=lambda *_: None)
    for city, d in dirs.items():
        true_sig = {s.trace_id: s for s in read_signaling(b.test_dirs[city] / "signaling.csv")[0]}
        est_sig, _ = read_signaling(d / "signaling.csv")
        assert [g.trace_id for g in read_gps(d / "gps.csv")[0]] == [g.trace_id for g in read_gps(
            b.test_dirs[city] / "gps.csv")[0]]
        moved = 0
        for s in est_sig:  # the same records (minus cells the survey never saw), at other positions
            t = true_sig[s.trace_id]
            assert set(s.t) <= set(t.t) and len(s) >= 2
            moved += int(not np.allclose(s.lon, t.lon[np.isin(t.t, s.t)][:len(s)]))
        assert moved > 0
        meta = json.loads((d / "meta.json").read_text())
        assert meta["survey_drives"] == 30 and meta["cells_estimated"] > 0
    stamp = (dirs[city] / "meta.json").stat().st_mtime_ns
    assert estimated_test_dirs(b, survey=30, log=lambda *_: None) == dirs  # cached
    assert (dirs[city] / "meta.json").stat().st_mtime_ns == stamp
    cfg = TableConfig(budget_s=60.0)
    est = replace(b, test_dirs=dirs)
    results = {m: run_method(m, b, tmp_path / "work", cfg, log=lambda *_: None) for m in ("towers", "hmm")}
    results.update({m + ESTIMATED: run_method(m, est, tmp_path / "work", cfg, log=lambda *_: None)
                    for m in ("towers", "hmm")})
    for city in b.test_dirs:
        assert results["hmm" + ESTIMATED][city]["fast_step_share"] == 0.0
        assert results["towers"][city]["fast_step_share"] > 0.0  # the floor hops tower to tower
    md = render(results, b, "cmd", cfg, "Machine: test.")
    assert "| hmm [estimated positions] |" in md and "with estimated cell positions" in md
    assert "fast steps |" in md and "| 0% |" in md
