"""Thin the prior tracks of a pairs file so that it fits a device command's 64 MiB carry.

python experiments/video_prior/thin_priors.py IN.npz OUT.npz [--tol-m 0.5] [--rounds 6] [--keep-share 1.0]
`--keep-share` f < 1 then keeps a seeded random share f of the pairs (when the tracked tree has grown and the
thinned file alone no longer fits the carry).
hmm's rollout is sampled every 2 s but is piecewise linear in (x, y, t) (route vertices, timing anchors): a point
that its kept neighbours interpolate within tol (time counted at 10 m/s) carries no information. Every other such
point is dropped per round (neighbours re-read after each round), so the thinned track stays within
rounds x tol of the original; the first and last point of each track are kept.
"""
import argparse

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("src")
ap.add_argument("dst")
ap.add_argument("--tol-m", type=float, default=0.5)
ap.add_argument("--rounds", type=int, default=6)
ap.add_argument("--keep-share", type=float, default=1.0)
a = ap.parse_args()

z = np.load(a.src, allow_pickle=False)
d = {k: z[k] for k in z.files}
off, t, xy = d["prior_off"], d["prior_t"].astype(np.float64), d["prior_xy"].astype(np.float64)
keep = np.ones(len(t), bool)
ends = np.zeros(len(t), bool)
ends[off[:-1][off[:-1] < len(t)]] = True
ends[np.maximum(off[1:] - 1, 0)] = True
for r in range(a.rounds):
    idx = np.flatnonzero(keep)
    prev, nxt, mid = idx[:-2], idx[2:], idx[1:-1]
    ok = ~ends[mid] & (t[nxt] > t[prev])
    w = np.where(ok, (t[mid] - t[prev]) / np.where(ok, t[nxt] - t[prev], 1.0), 0.0)
    p = xy[prev] + w[:, None] * (xy[nxt] - xy[prev])
    err = np.hypot(*(p - xy[mid]).T)
    cand = ok & (err <= a.tol_m) & (np.arange(len(mid)) % 2 == r % 2)
    keep[mid[cand]] = False
new_off = np.concatenate([[0], np.cumsum([keep[s:e].sum() for s, e in zip(off[:-1], off[1:])])])
d["prior_off"], d["prior_t"], d["prior_xy"] = new_off.astype(off.dtype), d["prior_t"][keep], d["prior_xy"][keep]
if a.keep_share < 1:
    n = len(d["city"])
    pick = np.sort(np.random.default_rng(0).choice(n, int(round(a.keep_share * n)), replace=False))
    for name in ("sig", "pos", "prior"):
        o = d[f"{name}_off"]
        rows = np.concatenate([np.arange(o[i], o[i + 1]) for i in pick])
        d[f"{name}_off"] = np.r_[0, np.cumsum(np.diff(o)[pick])].astype(o.dtype)
        d[f"{name}_t"], d[f"{name}_xy"] = d[f"{name}_t"][rows], d[f"{name}_xy"][rows]
    d["city"] = d["city"][pick]
np.savez_compressed(a.dst, **d)
print(f"{a.src}: {len(t)} -> {keep.sum()} prior points, {len(d['city'])} pairs -> {a.dst}")
