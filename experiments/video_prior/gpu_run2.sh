#!/usr/bin/env bash
# Device command of session 7's second run: SDEdit strengths on round 1's best prior model, and round 2 of its
# training (lower lr) side by side.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/video_prior_hmm_r2.json'))" > "$OUT/prior_hmm_r2.log" 2>&1 &
python3 experiments/video_prior/eval_sdedit.py .prior_r1/best .traindata/helsinki_prior.npz "$OUT/sdedit.json" 1.0 0.8 0.6 0.4 0.2 > "$OUT/sdedit.log" 2>&1
wait
tar czf "$OUT/runs2.tgz" out/*/log.jsonl out/*/config.json out/*/curves.png
tar cf - -C out/prior_hmm_r2 best | split -b 15M - "$OUT/prior_r2_best.tar."
