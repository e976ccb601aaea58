"""Probe: decode the posterior heat (one step from pure noise) instead of one sample, with and without a prior.

python experiments/video_prior/eval_heat.py MODEL PAIRS OUT.json [--n 96] [--samples K] [--steps 10]
On the validation pairs `train sft` uses (1000 m windows, 13 frames), per pair, stitched over windows:
  heat_raw     the weighted geometric median of the one-step heat per frame (model/heat.heat_track)
  heat_route   with a prior: the weighted median along the prior's route, then readback.route_track
  samp_*       with --samples K: K sampled videos (steps), their geometric-median consensus (raw / route) and
               the heat of the samples' mean overlay (route)
  prior        the prior track itself
  --prior-drawing: heat_* read the prior's own drawing instead of a model's output
  heat_*_rR_fF with --calib: the heat de-inflated by odds divisor R, read at floor F
"""
import argparse
import json
import time

import numpy as np
import torch

from sig2gps.model.heat import heat_of_samples, heat_track, route_heat_track
from sig2gps.model.readback import errors_m, geometric_median, raw_track, route_track, stitch_tracks
from sig2gps.model.scene import window_scenes
from sig2gps.model.store import load_video_model
from sig2gps.train.pairs import PairSet, val_indices

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("pairs")
ap.add_argument("out")
ap.add_argument("--n", type=int, default=96)
ap.add_argument("--samples", type=int, default=0)
ap.add_argument("--steps", type=int, default=10)
ap.add_argument("--floor", type=float, default=0.1)
ap.add_argument("--prior", default="hmm")
ap.add_argument("--calib", default="", help="comma-separated odds divisors r: also decode the heat de-inflated, "
                "p = o / (o + r (1 - o)) (a class-balanced loss inflates the dot's faint pixels), at each floor of "
                "--calib-floors")
ap.add_argument("--calib-floors", default="0.1")
ap.add_argument("--prior-drawing", action="store_true", help="no model call: decode the prior's own drawing (its "
                "condition channels) as the heat, the answer a prior-anchored model starts from")
a = ap.parse_args()

dev = "cuda" if torch.cuda.is_available() else "cpu"
pipe, mcfg, _ = load_video_model(a.model, dev)
scene = mcfg.scene
ps = PairSet.load(a.pairs)
idx = val_indices(len(ps), a.n)
jobs, priors = [], []
for n, i in enumerate(idx):
    city, sig_t, sig_xy, pos_t, pos_xy = ps.trace(int(i))
    track = None
    if scene.prior:
        track = (pos_t, pos_xy) if a.prior == "truth" else ps.prior(int(i))
    priors.append(track)
    jobs += [(n, sig_t, w) for w in window_scenes(sig_t, sig_xy, ps.roads[city], scene, 1000.0, 13, track)]


def run(steps, k):
    out = []
    for start in range(0, len(jobs), 64):
        part = jobs[start:start + 64]
        gens = [torch.Generator().manual_seed(3 + start + j + 100_003 * k) for j in range(len(part))]
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=dev == "cuda"):
            out += list(pipe(np.stack([w.cond for _, _, w in part]), 13, steps, gens).overlay)
    return out


def score(pieces):
    return float(np.mean([errors_m(*stitch_tracks(pieces[n], average=True), *ps.trace(int(i))[3:]).mean()
                          for n, i in enumerate(idx)]))


def score_route(pieces):
    errs = []
    for n, i in enumerate(idx):
        t, xy = stitch_tracks(pieces[n], average=True)
        errs.append(errors_m(*route_track(*priors[n], t, xy), *ps.trace(int(i))[3:]).mean())
    return float(np.mean(errs))


def per_pair(fn):
    pieces = [[] for _ in idx]
    for j, (n, sig_t, w) in enumerate(jobs):
        pieces[n].append(fn(j, n, float(sig_t[w.a]), float(sig_t[w.b]), w.win))
    return pieces


rec = {"model": a.model, "pairs": a.pairs, "n": len(idx), "windows": len(jobs), "device": dev, "floor": a.floor}
t0 = time.time()
if a.prior_drawing:
    from sig2gps.model.scene import COND_CHANNELS

    heat = [np.asarray(w.cond[COND_CHANNELS:COND_CHANNELS + 2], np.float32) for _, _, w in jobs]
else:
    heat = run(1, 0)
rec["heat_seconds"] = time.time() - t0
rec["heat_raw"] = score(per_pair(lambda j, n, t0, t1, win: heat_track(win, heat[j], t0, t1, a.floor)))
if scene.prior:
    rec["prior"] = float(np.mean([errors_m(*priors[n], *ps.trace(int(i))[3:]).mean() for n, i in enumerate(idx)]))
    rec["heat_route"] = score_route(per_pair(
        lambda j, n, t0, t1, win: route_heat_track(win, heat[j], t0, t1, *priors[n], floor=a.floor)))
print(json.dumps(rec), flush=True)
for r in [float(v) for v in a.calib.split(",") if v]:
    cal = [np.stack([h[0], h[1] / (h[1] + r * (1 - h[1]) + 1e-12)]) for h in heat]
    for fl in [float(v) for v in a.calib_floors.split(",")]:
        key = f"r{r:g}_f{fl:g}"
        rec[f"heat_raw_{key}"] = score(per_pair(lambda j, n, t0, t1, win: heat_track(win, cal[j], t0, t1, fl)))
        if scene.prior:
            rec[f"heat_route_{key}"] = score_route(per_pair(
                lambda j, n, t0, t1, win: route_heat_track(win, cal[j], t0, t1, *priors[n], floor=fl)))
        print(key, rec[f"heat_raw_{key}"], rec.get(f"heat_route_{key}"), flush=True)
if a.samples:
    t0 = time.time()
    samp = [run(a.steps, k) for k in range(a.samples)]
    rec["samp_seconds"] = time.time() - t0
    rec["samp_k"], rec["samp_steps"] = a.samples, a.steps
    dots = [[raw_track(w.win, samp[k][j], float(sig_t[w.a]), float(sig_t[w.b])) for k in range(a.samples)]
            for j, (n, sig_t, w) in enumerate(jobs)]
    rec["samp_raw1"] = score(per_pair(lambda j, *_: dots[j][0]))
    cons = per_pair(lambda j, *_: (dots[j][0][0], geometric_median(np.stack([d[1] for d in dots[j]]))))
    rec["samp_cons"] = score(cons)
    mean_ov = [heat_of_samples([samp[k][j] for k in range(a.samples)]) for j in range(len(jobs))]
    rec["samp_heat_raw"] = score(per_pair(lambda j, n, t0, t1, win: heat_track(win, mean_ov[j], t0, t1, a.floor)))
    if scene.prior:
        rec["samp_cons_route"] = score_route(cons)
        rec["samp_heat_route"] = score_route(per_pair(
            lambda j, n, t0, t1, win: route_heat_track(win, mean_ov[j], t0, t1, *priors[n], floor=a.floor)))
print(json.dumps(rec), flush=True)
with open(a.out, "w") as f:
    json.dump(rec, f, indent=1)
