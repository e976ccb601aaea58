"""Probe (CPU, tiny model): can a prior-anchored model learn to correct hmm's prior on pairs it never saw, and does
the serving plane help? The question the shipped-size runs of session 10 could not answer in their minutes.

PYTHONPATH=backend python experiments/video_prior/serving_probe.py OUT.json [--train 240] [--val 40] [--steps 600]
Helsinki pairs (seed 11 train, 12 validation) with hmm's priors, 1000 m windows on a 32 px canvas, 5 frames; per
arm a tiny anchored model (plain MSE, every sample at noise 1) trained from zero output; every 150 steps the
validation windows' one-step heat is read along the prior's route (model/heat.route_heat_track, at several
floors: the share of each frame's peak below which heat is ignored) and scored
against the truth at the frame times, beside the prior's own drawing read the same way.
"""
import argparse
import json
import time
from dataclasses import replace

import numpy as np
import torch

from sig2gps.model.codec import PixelCodec
from sig2gps.model.config import FlowConfig, TransformerConfig, VideoModelConfig
from sig2gps.model.heat import route_heat_track
from sig2gps.model.pipeline import Sig2GpsVideoPipeline
from sig2gps.model.readback import errors_m
from sig2gps.model.scene import COND_CHANNELS, SceneConfig
from sig2gps.model.store import build_transformer
from sig2gps.network.defaults import default_network
from sig2gps.train.data import render_pair
from sig2gps.train.pairs import add_priors, build_pairs
from sig2gps.train.sft import anchor_on_prior, train_step

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--train", type=int, default=240)
ap.add_argument("--val", type=int, default=40)
ap.add_argument("--steps", type=int, default=600)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--arms", default="anchor,anchor+serving")
a = ap.parse_args()
torch.set_num_threads(1)
net = {"helsinki": default_network()}
quiet = dict(log=lambda *_: None)
tr_pairs = add_priors(build_pairs(net, a.train, seed=11), net, **quiet)
va_pairs = add_priors(build_pairs(net, a.val, seed=12), net, **quiet)
FR = 5
FLOORS = (0.1, 0.3, 0.5, 0.8)
BASE = VideoModelConfig(scene=SceneConfig(size=32, prior=True, dot_sigma=1.0),
                        transformer=TransformerConfig(patch=4, dim=96, heads=3, layers=3, ffn=192, text_dim=8,
                                                      freq_dim=16),
                        flow=FlowConfig(pos_share=0.0, path_weight=1.0, prior_anchor=True, top_share=1.0))


def val_samples(scene):
    """Each validation pair whole, as drawn at inference (its times start at 0, as the pairs store them)."""
    return [render_pair(va_pairs, i, scene, FR, None, 0.0, prior="hmm") for i in range(len(va_pairs))]


def route_error(samples, overlays, floor=0.1):
    errs = []
    for i, (s, o) in enumerate(zip(samples, overlays)):
        t, xy = route_heat_track(s.window, o, 0.0, s.t_end, *va_pairs.prior(i), floor=floor)
        errs.append(errors_m(t, xy, s.pos_t, s.pos_xy).mean())
    return float(np.mean(errs))


rec = {"train_pairs": a.train, "val_pairs": a.val, "steps": a.steps, "batch": a.batch, "arms": {}}
for arm in a.arms.split(","):
    scene = replace(BASE.scene, serving="serving" in arm)
    mcfg = replace(BASE, scene=scene)
    val = val_samples(scene)
    cond = np.stack([s.cond for s in val])
    torch.manual_seed(0)
    tr = build_transformer(mcfg, 0)
    anchor_on_prior(tr, mcfg)
    codec = PixelCodec(anchor=True)
    opt = torch.optim.AdamW(tr.parameters(), lr=1e-3)
    gen, rng = torch.Generator().manual_seed(0), np.random.default_rng(0)
    curve, t_start = [], time.time()
    for step in range(a.steps + 1):
        if step % 150 == 0:
            tr.eval()
            with torch.no_grad():
                ov = Sig2GpsVideoPipeline(tr, codec, 3.0)(cond, FR, 1, [torch.Generator().manual_seed(k)
                                                                          for k in range(len(val))]).overlay
            tr.train()
            prior_ov = cond[:, COND_CHANNELS:COND_CHANNELS + 2]
            curve.append({"step": step, "prior_drawing_m": route_error(val, prior_ov),
                          **{f"heat_route_f{f:g}_m": route_error(val, ov, f) for f in FLOORS}})
            print(arm, curve[-1], f"{time.time() - t_start:.0f}s", flush=True)
        if step == a.steps:
            break
        idx = rng.integers(0, len(tr_pairs), a.batch)
        ss = [render_pair(tr_pairs, int(i), scene, FR, rng, 1000.0, prior="hmm") for i in idx]
        batch = {"cond": torch.from_numpy(np.stack([s.cond for s in ss])),
                 "overlay": torch.from_numpy(np.stack([s.overlay for s in ss]))}
        train_step(tr, codec, mcfg, batch, opt, gen, "cpu", False)
    rec["arms"][arm] = curve
with open(a.out, "w") as f:
    json.dump(rec, f, indent=1)
