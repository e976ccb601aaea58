#!/usr/bin/env bash
# Session 9, device command 2: the prior model's round 4 alone (then 6.5 GPU-min, 12 -> 6 workers), stopped at
# 470 s, with time stamps (command 1, gpu_run6.sh, ran its two evaluations, then lost the training to the 600 s
# limit before its first log line); LIMIT and TAG override the limit and the archive's name. RESULT: 500 steps, then the first validation on the long Harrisburg pairs ran
# past the limit (route_heat_track: ~0.2 s a window, fixed since) and the training was lost again. Carry: .traindata .whl .heat_r4/prior_hmm_r3
set -u
date +"%T start" > "$OUT/stamps.log"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
date +"%T installed" >> "$OUT/stamps.log"
timeout "${LIMIT:-470}" python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/video_prior_hmm_r4.json'))" > "$OUT/prior_hmm_r4.log" 2>&1
date +"%T trained rc=$?" >> "$OUT/stamps.log"
tar czf "$OUT/${TAG:-run7}.tgz" out/prior_hmm_r4/log.jsonl out/prior_hmm_r4/config.json out/prior_hmm_r4/curves.png
tar cf - -C out/prior_hmm_r4 best | split -b 15M - "$OUT/prior_hmm_r4_best.tar."
date +"%T packed" >> "$OUT/stamps.log"
