"""Probe: blend the heat's arc length along the prior's route with the prior's own (route_heat_track's
prior_weight), on validation pairs; the heat is computed once and cached.

python experiments/video_prior/eval_blend.py MODEL PAIRS CACHE.npz OUT.json [--n 64] [--weights 0 0.25 0.5 ...]
MODEL draws with a prior (SceneConfig.prior). Scored as eval_heat.py's heat_route: per pair, the windows'
route_heat_track stitched, then readback.route_track; the mean of the pairs' MAE (m).
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from sig2gps.model.heat import route_heat_track
from sig2gps.model.readback import errors_m, route_track, stitch_tracks
from sig2gps.model.scene import window_scenes
from sig2gps.model.store import load_video_model
from sig2gps.train.pairs import PairSet, val_indices

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("pairs")
ap.add_argument("cache")
ap.add_argument("out")
ap.add_argument("--n", type=int, default=64)
ap.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0])
a = ap.parse_args()

dev = "cuda" if torch.cuda.is_available() else "cpu"
pipe, mcfg, _ = load_video_model(a.model, dev)
if not mcfg.scene.prior:
    raise SystemExit(f"{a.model}: the model draws no prior")
ps = PairSet.load(a.pairs)
idx = val_indices(len(ps), a.n)
jobs, priors = [], []
for n, i in enumerate(idx):
    city, sig_t, sig_xy, pos_t, pos_xy = ps.trace(int(i))
    priors.append(ps.prior(int(i)))
    jobs += [(n, sig_t, w) for w in window_scenes(sig_t, sig_xy, ps.roads[city], mcfg.scene, 1000.0, 13, priors[-1])]
if os.path.exists(a.cache):
    heat = np.load(a.cache)["heat"].astype(np.float32)
else:
    out, t0 = [], time.time()
    for start in range(0, len(jobs), 64):
        part = jobs[start:start + 64]
        gens = [torch.Generator().manual_seed(3 + start + j) for j in range(len(part))]
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=dev == "cuda"):
            out += list(pipe(np.stack([w.cond for _, _, w in part]), 13, 1, gens).overlay)
    heat = np.stack(out).astype(np.float16)
    np.savez_compressed(a.cache, heat=heat)
    print(f"heat of {len(jobs)} windows in {time.time() - t0:.0f} s on {dev}", flush=True)
rec = {"model": a.model, "pairs": a.pairs, "n": len(idx), "windows": len(jobs), "device": dev,
       "prior": float(np.mean([errors_m(*priors[n], *ps.trace(int(i))[3:]).mean() for n, i in enumerate(idx)])),
       "heat_route_by_prior_weight": {}}
for w in a.weights:
    pieces = [[] for _ in idx]
    for j, (n, sig_t, win) in enumerate(jobs):
        pieces[n].append(route_heat_track(win.win, heat[j].astype(float), float(sig_t[win.a]), float(sig_t[win.b]),
                                          *priors[n], prior_weight=w))
    errs = [errors_m(*route_track(*priors[n], *stitch_tracks(pieces[n], average=True)), *ps.trace(int(i))[3:]).mean()
            for n, i in enumerate(idx)]
    rec["heat_route_by_prior_weight"][str(w)] = float(np.mean(errs))
    print(w, round(float(np.mean(errs)), 1), "prior", round(rec["prior"], 1), flush=True)
with open(a.out, "w") as f:
    json.dump(rec, f, indent=1)
