#!/usr/bin/env bash
# One device command: train `sig2gps train sft` from CONFIG (a JSON under configs/) for at most LIMIT seconds,
# then pack the log and the best model into $OUT (split in 15 MB parts). Time stamps in $OUT/stamps.log.
# Usage (device): CONFIG=experiments/video_prior/configs/X.json TAG=runN LIMIT=480 bash experiments/video_prior/gpu_train.sh
# Carry: .traindata .whl (the pairs and the diffusers wheels).
set -u
date +"%T start" > "$OUT/stamps.log"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD/backend || exit 1
export USE_FLAX=0 USE_TF=0 PYTHONUNBUFFERED=1
RUN=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['out'])" "$CONFIG")
date +"%T installed" >> "$OUT/stamps.log"
timeout "${LIMIT:-480}" python3 -c "import sys; from sig2gps.train.sft import SftConfig, train_sft; train_sft(SftConfig.from_json(sys.argv[1]))" "$CONFIG" 2>&1 | tee "$OUT/$TAG.log"
date +"%T trained" >> "$OUT/stamps.log"
tar czf "$OUT/$TAG.tgz" "$RUN/log.jsonl" "$RUN/config.json" "$RUN/curves.png"
[ -d "$RUN/best" ] && tar cf - -C "$RUN" best | split -b 15M - "$OUT/${TAG}_best.tar."
date +"%T packed" >> "$OUT/stamps.log"
