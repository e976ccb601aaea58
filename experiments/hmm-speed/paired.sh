#!/usr/bin/env bash
# Paired speed runs on a shared machine: old (BASE) and new (this checkout) alternate, each in a fresh process.
# Usage: experiments/hmm-speed/paired.sh ROUNDS CITY [measure.py speed flags...]  -> JSON lines on stdout
set -euo pipefail
PY=${PY:-/work/main/.venv/bin/python}
BASE=${BASE:-out/baseline/backend}
OLD_CACHE=${OLD_CACHE:-out/cache-old}  # a BASE with another setup-cache key needs its own folder
rounds=$1; city=$2; shift 2
for r in $(seq "$rounds"); do
  for side in old new; do
    if [ $side = old ]; then pp=$BASE; cache=$OLD_CACHE; else pp=backend; cache=out/cache-new; fi
    SIG2GPS_CACHE_DIR=$PWD/$cache PYTHONPATH=$PWD/$pp $PY experiments/hmm-speed/measure.py speed \
      --city "$city" "$@" | sed "s/^{/{\"side\": \"$side\", \"round\": $r, /"
  done
done
