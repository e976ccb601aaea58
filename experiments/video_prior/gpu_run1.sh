#!/usr/bin/env bash
# Device command of session 7's first run (one H200): the copy test in two arms (balanced loss + Gaussian dot vs
# today's loss and disc) and the hmm-prior model, side by side; what comes back: logs, run records, the best model.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
nvidia-smi -L
run() { python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('$1'))" > "$OUT/$2.log" 2>&1; }
run experiments/video_prior/configs/video_copy_truth_balanced.json copy_bal &
run experiments/video_prior/configs/video_copy_truth_plain.json copy_plain &
run experiments/video_prior/configs/video_prior_hmm_r1.json prior_hmm &
wait
tar czf "$OUT/runs.tgz" out/*/log.jsonl out/*/config.json out/*/curves.png
tar cf - -C out/prior_hmm best | split -b 15M - "$OUT/prior_best.tar."
ls -la "$OUT"
