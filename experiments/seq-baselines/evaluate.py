"""The shipped sequence baselines (resources/models/<kind>) against towers and hmm on the benchmark's test traces.

    SIG2GPS_BENCH_ROOT=out/benchmark PYTHONPATH=backend python experiments/seq-baselines/evaluate.py \
        --per-scope 40 --osm-dir ../shared/data/osm --json experiments/seq-baselines/shipped.json

The checkpoints were trained on `sig2gps simulate` drives of baltimore, liechtenstein, harrisburg and krems
(seed 31, 400 each; see README.md); campo-grande is never seen. Scored with sig2gps.metrics (the benchmark's).
"""
import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone

ap = argparse.ArgumentParser()
ap.add_argument("--per-scope", type=int, default=40)
ap.add_argument("--osm-dir")
ap.add_argument("--json", required=True)
ap.add_argument("--methods", nargs="+", default=["towers", "hmm", "gru", "tcn", "mlp", "transformer"])
a = ap.parse_args()

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # experiments/: bench_subset
from bench_subset import test_benchmark  # noqa: E402
from sig2gps.io import read_gps, read_signaling  # noqa: E402
from sig2gps.methods import MethodOptions, get_method  # noqa: E402
from sig2gps.metrics import evaluate_tracks  # noqa: E402
from sig2gps.network import load_network  # noqa: E402

bench = test_benchmark(a.per_scope, a.osm_dir)
out = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
       "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)", "benchmark": bench.root.name,
       "per_scope": a.per_scope, "rows": []}
for city, d in bench.test_dirs.items():
    net = load_network(bench.network_paths[city])
    sig, _ = read_signaling(d / "signaling.csv")
    truth = {g.trace_id: (g.t, g.lon, g.lat) for g in read_gps(d / "gps.csv")[0]}
    for name in a.methods:
        recs, errs = get_method(name)(net, MethodOptions()).reconstruct_many(sig)
        pred = {r.trace_id: (r.rollouts[0].track.t, r.rollouts[0].track.lon, r.rollouts[0].track.lat) for r in recs}
        m = evaluate_tracks(truth, pred)
        row = {"city": city, "unseen": city in bench.unseen, "method": name, "failed": len(errs),
               **{s: {k: m[s][k] for k in ("mae_m", "l100")} for s in ("small", "medium", "large", "overall")}}
        out["rows"].append(row)
        print(city, name, round(m["overall"]["mae_m"], 1), {s: round(m[s]["mae_m"]) for s in ("small", "medium", "large")},
              flush=True)
with open(a.json, "w") as f:
    json.dump(out, f, indent=1)
