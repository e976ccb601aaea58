"""hmm's handover timing side by side on the benchmark test subset (issue 17 section 2).

    SIG2GPS_BENCH_ROOT=/work/bench PYTHONPATH=backend python experiments/hmm-timing/measure.py --per-scope 40 \
        --osm-dir ../shared/data/osm --positions true --tag bench-true       # and --positions estimated
Rows: towers, hmm-classic, hmm with the tower track's timing (today's hmm), hmm with the geometry timing
(settings of tune.json's best), hmm with the learned timing (the shipped model). Per city and scope: MAE,
L100, the share of output tracks failing a plausibility check, the share with a step > 50 m/s.
Writes <tag>.json here.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SCOPES = ("overall", "small", "medium", "large")


def rows():
    from sig2gps.mapmatch import MatchConfig

    base = MatchConfig()
    geo = replace(base, timing=replace(base.timing, handover="geometry", handover_c=1.0, handover_sigma_s=60.0,
                                       handover_prior=1.0, handover_gain=0.5))
    return {"towers": ("towers", {}), "hmm-classic": ("hmm-classic", {}), "hmm track": ("hmm", {"timing": "track"}),
            "hmm geometry": ("hmm", {"config": geo}), "hmm learned": ("hmm", {"timing": "learned"})}


def run(bench, method: str, extra: dict) -> dict:
    from sig2gps.io import read_gps, read_signaling
    from sig2gps.methods import MethodOptions
    from sig2gps.metrics import evaluate_tracks
    from sig2gps.network import load_network
    from sig2gps.pipeline import reconstruct_traces

    out = {}
    for city, d in bench.test_dirs.items():
        traces, _ = read_signaling(d / "signaling.csv")
        truth = {g.trace_id: (g.t, g.lon, g.lat) for g in read_gps(d / "gps.csv")[0]}
        truth = {k: v for k, v in truth.items() if k in {t.trace_id for t in traces}}
        net = load_network(bench.network_paths[city])
        t0 = time.perf_counter()
        res = reconstruct_traces(traces, method, net, MethodOptions(extra=dict(extra)))
        secs = time.perf_counter() - t0
        recs = res.reconstructions
        pred = {r.trace_id: (r.rollouts[0].track.t, r.rollouts[0].track.lon, r.rollouts[0].track.lat) for r in recs}
        m = evaluate_tracks(truth, pred)
        plaus = [r.rollouts[0].info.get("plausibility") or {} for r in recs]
        out[city] = {"mae_m": {s: round(m[s]["mae_m"], 1) for s in SCOPES},
                     "l100": {s: round(m[s]["l100"], 4) for s in SCOPES},
                     "traces": len(traces), "failed": len(res.errors), "missing": len(m["missing"]),
                     "implausible_share": float(np.mean([not p.get("ok", True) for p in plaus])),
                     "fast_step_share": float(np.mean([p.get("n_fast_steps", 0) > 0 for p in plaus])),
                     "seconds": round(secs, 1)}
    return out


def main() -> None:
    sys.path.insert(0, str(HERE.parent))  # experiments/: bench_subset
    from bench_subset import test_benchmark

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-scope", type=int, default=40)
    ap.add_argument("--osm-dir", help="road extracts (default: the benchmark's, ../shared/data/osm)")
    ap.add_argument("--positions", default="true", help="true | estimated")
    ap.add_argument("--rows", nargs="+", help="subset of the rows (names as in the record)")
    ap.add_argument("--tag", required=True)
    a = ap.parse_args()
    bench = test_benchmark(a.per_scope, a.osm_dir, a.positions)
    rec = {"command": "PYTHONPATH=backend python experiments/hmm-timing/measure.py " + " ".join(sys.argv[1:]),
           "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
           "benchmark": bench.root.name, "per_scope": a.per_scope, "positions": a.positions, "rows": {}}
    for name, (method, extra) in rows().items():
        if a.rows and name not in a.rows:
            continue
        rec["rows"][name] = run(bench, method, extra)
        print(name, json.dumps({c: v["mae_m"] for c, v in rec["rows"][name].items()}), flush=True)
    (HERE / f"{a.tag}.json").write_text(json.dumps(rec, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
