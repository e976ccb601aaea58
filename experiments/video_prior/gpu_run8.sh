#!/usr/bin/env bash
# Session 9, device command 3: the prior model's round 4 (configs/video_prior_hmm_r4.json: 2.0 GPU-min), stopped at 200 s,
# after the fix of route_heat_track (command 2, gpu_run7.sh, spent 370 s in its first validation on the long
# Harrisburg pairs and lost its training). Carry: .traindata .whl .heat_r4/prior_hmm_r3
set -u
date +"%T start" > "$OUT/stamps.log"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
date +"%T installed" >> "$OUT/stamps.log"
timeout 200 python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/video_prior_hmm_r4.json'))" > "$OUT/prior_hmm_r4.log" 2>&1
date +"%T trained rc=$?" >> "$OUT/stamps.log"
tar czf "$OUT/run8.tgz" out/prior_hmm_r4/log.jsonl out/prior_hmm_r4/config.json out/prior_hmm_r4/curves.png
tar cf - -C out/prior_hmm_r4 best | split -b 15M - "$OUT/prior_hmm_r4_best.tar."
date +"%T packed" >> "$OUT/stamps.log"
