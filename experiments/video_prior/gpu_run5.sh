#!/usr/bin/env bash
# The next sessions' device command (planned, not yet run): the prior model trained for its heat read-out
# (top_share 0.5) from the shipped model. To continue a later session, unpack the returned best/ into
# .prior_heat/best, carry it (with .traindata .whl) and pass init=.prior_heat/best (the fp32 checkpoint with its
# optimizer state is too large to carry back). Stopped at 540 s.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
INIT=${INIT:-resources/models/video}
timeout 540 python3 -c "from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json('experiments/video_prior/configs/video_prior_hmm_heat_long.json', init='$INIT'))" > "$OUT/prior_hmm_heat.log" 2>&1
tar czf "$OUT/run.tgz" out/prior_hmm_heat/log.jsonl out/prior_hmm_heat/config.json out/prior_hmm_heat/curves.png
tar cf - -C out/prior_hmm_heat best | split -b 15M - "$OUT/prior_hmm_heat_best.tar."
