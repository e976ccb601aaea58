#!/usr/bin/env bash
# Outputs of hmm before (a copy of the package at BASE, default out/baseline/backend: `git archive <commit> backend
# resources | tar -x -C out/baseline`) and after (this checkout): 8 runs (three test cities, a small batch without
# the cost table, 3 rollouts, estimated positions, batches under 20 traces; 556 traces), compared by measure.py compare.
# Usage, from the repository root: SIG2GPS_BENCH_ROOT=... SIG2GPS_OSM_DIR=... experiments/hmm-speed/check.sh
# (CHECKS=path: where the summary goes, default experiments/hmm-speed/checks.json)
set -euo pipefail
PY=${PY:-/work/main/.venv/bin/python}
BASE=${BASE:-out/baseline/backend}
M=experiments/hmm-speed/measure.py
mkdir -p out/dumps out/cache-old out/cache-new
runs=("--city campo-grande" "--city baltimore" "--city liechtenstein" "--city campo-grande --limit 8"
      "--city baltimore --limit 30 --rollouts 3" "--city campo-grande --positions estimated"
      "--city baltimore --limit 19" "--city liechtenstein --limit 19 --positions estimated")
fail=0
for k in "${!runs[@]}"; do
  for side in old new; do
    if [ $side = old ]; then pp=$BASE; else pp=backend; fi
    if [ $side = new ] || [ ! -f out/dumps/old-$k.pkl ] || [ -n "${REDO_OLD:-}" ]; then
      SIG2GPS_CACHE_DIR=$PWD/out/cache-$side PYTHONPATH=$PWD/$pp $PY $M dump ${runs[$k]} --out out/dumps/$side-$k.pkl
    fi
  done
  $PY $M compare out/dumps/old-$k.pkl out/dumps/new-$k.pkl > out/dumps/compare-$k.json || fail=1
  $PY -c "import json,sys; r=json.load(open('out/dumps/compare-$k.json')); print('${runs[$k]}:', r['traces'], 'traces,', r['rollouts'], 'rollouts, identical' if r['identical'] else 'DIFFERENT', 'worst', r['worst_deg'], 'deg', r['problems'][:3])"
done
$PY - "${runs[@]}" <<'PY'
import datetime, json, os, sys
runs = sys.argv[1:]
out = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
       "command": "experiments/hmm-speed/check.sh", "runs": []}
for k, args in enumerate(runs):
    r = json.load(open(f"out/dumps/compare-{k}.json"))
    out["runs"].append({"args": args, **{key: r[key] for key in ("traces", "rollouts", "worst_deg", "identical", "problems")}})
out["all_identical"] = all(r["identical"] for r in out["runs"])
open(os.environ.get("CHECKS", "experiments/hmm-speed/checks.json"), "w").write(json.dumps(out, indent=1))
PY
exit $fail
