"""Probe: a prior model sampled SDEdit-style from the prior's own drawing, at several strengths.

Run on the device: python3 experiments/video_prior/eval_sdedit.py MODEL PAIRS OUT.json [strength ...]
Scores val_windows.validate_windows (1000 m windows, 13 frames, 10 steps, K=4 consensus, route decode) on the
validation pairs train sft uses, for each strength (1.0 = plain sampling from noise).
"""
import json
import sys
import time

import torch

from sig2gps.model.store import load_video_model
from sig2gps.train.pairs import PairSet, val_indices
from sig2gps.train.val_windows import validate_windows

model, pairs, out = sys.argv[1:4]
strengths = [float(s) for s in sys.argv[4:]] or [1.0, 0.8, 0.6, 0.4, 0.2]
dev = "cuda" if torch.cuda.is_available() else "cpu"
pipe, mcfg, _ = load_video_model(model, dev)
ps = PairSet.load(pairs)
idx = val_indices(len(ps), 96)
rows = []
for st in strengths:
    t0 = time.time()
    rec = validate_windows(pipe, mcfg.scene, ps, idx, 13, 10, dev, 1000.0, seed=3, prior="hmm", rollouts=4,
                           strength=st)
    rows.append({"strength": st, "seconds": time.time() - t0, **rec})
    print(json.dumps(rows[-1]), flush=True)
    with open(out, "w") as f:
        json.dump({"model": model, "pairs": pairs, "n": len(idx), "rows": rows}, f, indent=1)
