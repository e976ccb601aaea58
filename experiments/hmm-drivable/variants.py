"""hmm settings side by side on the benchmark test subset (MAE per scope, fast-step share, seconds).

    PYTHONPATH=backend python experiments/hmm-drivable/variants.py --per-scope 40 --osm-dir ../shared/data/osm \
        --tag variants-timing [--positions estimated]
Each variant is a MatchConfig passed as MethodOptions.extra["config"]; writes <tag>.json here.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


def variants():
    from sig2gps.mapmatch import MatchConfig
    from sig2gps.mapmatch.config import scaled

    base = MatchConfig()
    t = lambda **k: replace(base, timing=replace(base.timing, **k))
    return {"default": base, "classic (no speed limit, global projection)": t(max_speed_ms=0.0, track_window_m=0.0),
            "speed limit only": t(track_window_m=0.0), "window 1000": t(track_window_m=1000.0),
            "window 300": t(track_window_m=300.0), "cap 30": t(max_speed_ms=30.0),
            **{f"scale {f}": scaled(base, f) for f in (0.5, 0.7, 1.4)}}


def run(bench, cfg, log=lambda *a: None) -> dict:
    from sig2gps.io import read_gps, read_signaling
    from sig2gps.methods import MethodOptions
    from sig2gps.metrics import evaluate_tracks
    from sig2gps.network import load_network
    from sig2gps.pipeline import reconstruct_traces

    out = {}
    for city, d in bench.test_dirs.items():
        traces, _ = read_signaling(d / "signaling.csv")
        truth = {g.trace_id: (g.t, g.lon, g.lat) for g in read_gps(d / "gps.csv")[0]}
        net = load_network(bench.network_paths[city])
        t0 = time.perf_counter()
        res = reconstruct_traces(traces, "hmm", net, MethodOptions(extra={"config": cfg}))
        secs = time.perf_counter() - t0
        pred = {r.trace_id: (r.rollouts[0].track.t, r.rollouts[0].track.lon, r.rollouts[0].track.lat)
                for r in res.reconstructions}
        m = evaluate_tracks(truth, pred)
        fast = [r.rollouts[0].info["plausibility"]["n_fast_steps"] > 0 for r in res.reconstructions]
        out[city] = {"mae_m": {s: round(m[s]["mae_m"], 1) for s in ("overall", "small", "medium", "large")},
                     "l100": {s: round(m[s]["l100"], 4) for s in ("overall", "small", "medium", "large")},
                     "fast_step_share": sum(fast) / max(len(fast), 1), "failed": len(res.errors),
                     "seconds": round(secs, 1)}
    return out


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # experiments/: bench_subset


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-scope", type=int, default=40)
    ap.add_argument("--osm-dir")
    ap.add_argument("--tag", required=True)
    ap.add_argument("--only", nargs="*", help="variant names to run (default: all)")
    ap.add_argument("--positions", default="true")
    a = ap.parse_args()
    from bench_subset import test_benchmark

    bench = test_benchmark(a.per_scope, a.osm_dir, a.positions)
    res = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "benchmark": bench.root.name,
           "per_scope": a.per_scope, "positions": a.positions, "variants": {}}
    for name, mc in variants().items():
        if a.only and name not in a.only:
            continue
        r = run(bench, mc)
        res["variants"][name] = r
        print(name, {c: (v["mae_m"]["overall"], v["fast_step_share"], v["seconds"]) for c, v in r.items()}, flush=True)
        (HERE / f"{a.tag}.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
