"""Probe: the read-back floor of a PERFECT drawing — the true track rendered as the overlay and read back —
in 1000 m windows fitted (a) to the serving sites alone, as the shipped model draws, (b) to the sites and the
hmm prior, as a prior model draws, (c) to the sites and the truth (the copy test's window).

    PYTHONPATH=backend python3 experiments/video_prior/window_floor.py .traindata/helsinki_prior.npz

Why: the copy test stalled at 88 m (session of issue 16); the floor in (a) is 66 m, because the phone can be
kilometres from its serving sites and a path outside the window cannot be drawn.
"""
import sys
from dataclasses import replace

import numpy as np

from sig2gps.model.readback import errors_m, raw_track, stitch_tracks
from sig2gps.model.scene import SceneConfig, cut_track, render_overlay, window_scenes
from sig2gps.train.pairs import PairSet, val_indices

ps = PairSet.load(sys.argv[1])
idx = val_indices(len(ps), 128)
sc = SceneConfig(dot_sigma=1.0)
for name in ("sites", "sites+hmm prior", "sites+truth"):
    mae = []
    for i in idx:
        c, st, sx, pt, px = ps.trace(int(i))
        prior = None if name == "sites" else (ps.prior(int(i)) if "hmm" in name else (pt, px))
        tracks = []
        for w in window_scenes(st, sx, ps.roads[c], replace(sc, prior=prior is not None), 1000.0, 13, prior):
            qt, qxy = cut_track(pt, px, st[w.a], st[w.b])
            ov = render_overlay(w.win, sc, qt, qxy, st[w.b] - st[w.a], 13)
            tracks.append(raw_track(w.win, ov, st[w.a], st[w.b]))
        mae.append(errors_m(*stitch_tracks(tracks, average=True), pt, px).mean())
    print(f"window fitted to {name}: a perfect drawing reads back at MAE {np.mean(mae):.1f} m")
