"""Drivable outputs (issue 17 section 1): fast-step share and MAE of methods on a subset of the benchmark test set.

Usage (from the repository root):
    PYTHONPATH=backend python experiments/hmm-drivable/measure.py --per-scope 40 --methods towers hmm nftrack \
        --tag after [--positions true|estimated]
Builds (or reuses) the benchmark with `test_per_scope` traces per scope per test city (simulated, cached under
out/benchmark/), runs each method through sig2gps.benchmark.methods_table.run_method and writes
experiments/hmm-drivable/<tag>.json: per method and city, MAE per scope, the share of output tracks with a step
faster than 50 m/s, the share failing any plausibility check, and the worst step.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # experiments/: bench_subset


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-scope", type=int, default=40)
    ap.add_argument("--methods", nargs="+", default=["towers", "hmm", "nftrack"])
    ap.add_argument("--tag", required=True)
    ap.add_argument("--budget-s", type=float, default=600.0)
    ap.add_argument("--osm-dir", help="road extracts (default: the benchmark's, ../shared/data/osm)")
    ap.add_argument("--positions", default="true", help="cell positions the methods get: true | estimated")
    a = ap.parse_args()

    from bench_subset import test_benchmark
    from sig2gps.benchmark.methods_table import TableConfig, run_method

    bench = test_benchmark(a.per_scope, a.osm_dir, a.positions)
    out = {"command": "PYTHONPATH=backend python experiments/hmm-drivable/measure.py " +
                      " ".join(f"--{k.replace('_', '-')} {' '.join(v) if isinstance(v, list) else v}"
                               for k, v in vars(a).items()),
           "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
           "benchmark": bench.root.name, "per_scope": a.per_scope, "positions": a.positions, "methods": {}}
    work = bench.root / "work"
    for name in a.methods:
        t0 = time.perf_counter()
        r = run_method(name, bench, work, TableConfig(budget_s=a.budget_s, chunk=50))
        keep = {}
        for city, m in r.items():
            if not isinstance(m, dict) or "overall" not in m:
                continue
            keep[city] = {"mae_m": {s: m[s]["mae_m"] for s in ("overall", "small", "medium", "large")},
                          "l100": {s: m[s]["l100"] for s in ("overall", "small", "medium", "large")},
                          "traces": m["traces"], "failed": m["failed"], "fast_step_share": m["fast_step_share"],
                          "implausible_share": m["implausible_share"], "worst_step_mps": m["worst_step_mps"],
                          "s_per_trace": round(m["s_per_trace"], 4)}
        out["methods"][name] = {"cities": keep, "wall_s": round(time.perf_counter() - t0, 1)}
        print(name, json.dumps(keep, indent=1))
    (HERE / f"{a.tag}.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
