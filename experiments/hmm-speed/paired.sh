#!/usr/bin/env bash
# Paired speed runs on a shared machine: old (BASE) and new (this checkout) alternate, each in a fresh process.
# Usage: experiments/hmm-speed/paired.sh ROUNDS CITY [measure.py speed flags...]  -> JSON lines on stdout
set -euo pipefail
PY=${PY:-/work/main/.venv/bin/python}
BASE=${BASE:-out/baseline/backend}
rounds=$1; city=$2; shift 2
for r in $(seq "$rounds"); do
  for side in old new; do
    if [ $side = old ]; then pp=$BASE; else pp=backend; fi
    SIG2GPS_CACHE_DIR=$PWD/out/cache-$side PYTHONPATH=$PWD/$pp $PY experiments/hmm-speed/measure.py speed \
      --city "$city" "$@" | sed "s/^{/{\"side\": \"$side\", \"round\": $r, /"
  done
done
