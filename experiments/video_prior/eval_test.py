"""Video models on the benchmark's unseen city (campo-grande), beside towers and hmm, as a user runs them.

    SIG2GPS_BENCH_ROOT=/work/bench PYTHONPATH=backend python experiments/video_prior/eval_test.py \
        --json experiments/video_prior/records/session8/test_campo_grande.json \
        towers hmm video:resources/models/video:heat video:.heat_r5/best:heat

A spec is a method name, or video:MODEL:DECODE (decode heat or sample; 13 frames, 1000 m windows, rollout 0,
decoded on the road graph / along hmm's route, every rollout checked for plausibility). Scored with
sig2gps.metrics.evaluate_tracks (the benchmark's): MAE and L100 per scope; `implausible` counts rollouts 0 that
failed the plausibility check (shown to a user as failed, scored here all the same).
"""
import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone

ap = argparse.ArgumentParser()
ap.add_argument("specs", nargs="+")
ap.add_argument("--json", required=True)
ap.add_argument("--per-scope", type=int, default=40)
ap.add_argument("--city", default="campo-grande")
ap.add_argument("--positions", default="true", choices=("true", "estimated"))
a = ap.parse_args()

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # experiments/: bench_subset
from bench_subset import test_benchmark  # noqa: E402
from sig2gps.io import read_gps, read_signaling  # noqa: E402
from sig2gps.methods import MethodOptions, get_method  # noqa: E402
from sig2gps.metrics import evaluate_tracks  # noqa: E402
from sig2gps.network import load_network  # noqa: E402

import torch  # noqa: E402

torch.set_num_threads(2)
bench = test_benchmark(a.per_scope, positions=a.positions)
d = bench.test_dirs[a.city]
net = load_network(bench.network_paths[a.city])
sig, _ = read_signaling(d / "signaling.csv")
truth = {g.trace_id: (g.t, g.lon, g.lat) for g in read_gps(d / "gps.csv")[0]}
out = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
       "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)", "benchmark": bench.root.name,
       "city": a.city, "positions": a.positions, "traces": len(sig), "rows": []}
for spec in a.specs:
    name, *rest = spec.split(":")
    opts = MethodOptions()
    if name == "video":
        extra = {"route_floor": float(rest[2])} if len(rest) > 2 else {}  # video:MODEL:DECODE:ROUTE_FLOOR
        opts = MethodOptions(model=rest[0], decode=rest[1], frames=13, steps=10, rollouts=1, device="cpu", **extra)
    t0 = time.time()
    recs, errs = get_method(name)(net, opts).reconstruct_many(sig)
    pred = {r.trace_id: (r.rollouts[0].track.t, r.rollouts[0].track.lon, r.rollouts[0].track.lat) for r in recs}
    m = evaluate_tracks(truth, pred)
    row = {"spec": spec, "failed": len(errs), "seconds": round(time.time() - t0, 1),
           "implausible": sum("failed" in r.rollouts[0].info for r in recs),
           **{s: {k: m[s][k] for k in ("mae_m", "l100")} for s in ("small", "medium", "large", "overall")}}
    out["rows"].append(row)
    print(spec, round(m["overall"]["mae_m"], 1), {s: round(m[s]["mae_m"]) for s in ("small", "medium", "large")},
          "L100", round(m["overall"]["l100"], 3), "implausible", row["implausible"], f"{row['seconds']} s", flush=True)
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)
