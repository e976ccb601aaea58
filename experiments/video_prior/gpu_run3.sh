#!/usr/bin/env bash
# Device command of session 8's second run (the first also ran eval_heat.py on .prior_r1/best and the shipped model
# and lost its trainings to the 600 s limit): two trainings with 30% of samples at noise 1 side by side, each
# stopped at 530 s: the prior model (round 3) and the pure video model.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
for c in video_prior_hmm_r3 video_heat_noprior; do
  timeout 530 python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/$c.json'))" > "$OUT/$c.log" 2>&1 &  # killed at 530 s: the results still come back
done
wait
tar czf "$OUT/runs3.tgz" out/*/log.jsonl out/*/config.json out/*/curves.png
for r in prior_hmm_r3 heat_noprior; do tar cf - -C out/$r best | split -b 15M - "$OUT/${r}_best.tar."; done
