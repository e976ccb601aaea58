#!/usr/bin/env bash
# Session 9, device command 1: (1) the shipped and the prior model's heat read-out on Harrisburg validation pairs (a city
# no video model trained on, trips as long as the benchmark's: 1.2-2 km Helsinki pairs are shorter than any test
# scope); (2) the prior model's round 4 (configs/video_prior_hmm_r4.json), stopped at 430 s.
# Carry: .traindata .whl .heat_r4/prior_hmm_r3 (64 MiB with the tree: one extra model a call)
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
E=experiments/video_prior/eval_heat.py
V=.traindata/harrisburg_prior.npz
{ python3 $E resources/models/video $V "$OUT/hb_shipped.json" --n 96
  python3 $E .heat_r4/prior_hmm_r3/best $V "$OUT/hb_prior_r3.json" --n 96; } > "$OUT/evals.log" 2>&1
timeout 430 python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/video_prior_hmm_r4.json'))" > "$OUT/prior_hmm_r4.log" 2>&1
tar czf "$OUT/run6.tgz" out/prior_hmm_r4/log.jsonl out/prior_hmm_r4/config.json out/prior_hmm_r4/curves.png
tar cf - -C out/prior_hmm_r4 best | split -b 15M - "$OUT/prior_hmm_r4_best.tar."
