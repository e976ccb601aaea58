#!/usr/bin/env bash
# Device command of session 8's third run: GPU latency of the heat decode (1 step) beside 10-step sampling on the
# pure video model (heat_noprior round 1), then its round 2 (3.2 min, lower lr), stopped at 240 s.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
python3 -c "
import json
from sig2gps.train.latency import sampling_latency
for steps in (1, 10):
    print(json.dumps(sampling_latency('.heat_np/best', '.traindata/helsinki_prior.npz', n=256, frames=13, steps=steps)))
" > "$OUT/latency.log" 2>&1
timeout 240 python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/video_heat_noprior_r2.json'))" > "$OUT/heat_noprior_r2.log" 2>&1
tar czf "$OUT/runs4.tgz" out/*/log.jsonl out/*/config.json out/*/curves.png
tar cf - -C out/heat_noprior_r2 best | split -b 15M - "$OUT/heat_noprior_r2_best.tar."
