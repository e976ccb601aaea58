"""Probe: the prior-anchored tiny model against the plain one on one batch of Helsinki windows drawn with hmm's
prior; the one-step read-back error (pixels) every 40 steps (session 10: anchor 3.79 -> 2.07 at 120 steps,
plain 22.2 -> 2.7 at 120, 2.55 at 240; prior 3.79).

PYTHONPATH=backend python experiments/video_prior/anchor_probe.py anchor:3e-3 plain:3e-3 anchor:1e-3
"""
import sys, numpy as np, torch
from dataclasses import replace
sys.path.insert(0, "tests/backend")
import test_video_anchor as T
from sig2gps.model.codec import PixelCodec
from sig2gps.model.pipeline import Sig2GpsVideoPipeline
from sig2gps.model.store import build_transformer
from sig2gps.model.scene import COND_CHANNELS as C
from sig2gps.train.data import render_pair
from sig2gps.train.pairs import add_priors, build_pairs
from sig2gps.train.sft import train_step, anchor_on_prior
from sig2gps.network.defaults import default_network
torch.set_num_threads(1)
net = {"helsinki": default_network()}
ps = add_priors(build_pairs(net, 12, seed=4), net, log=lambda *_: None)
frames = 5
ss = [render_pair(ps, i, T.ANCHORED.scene, frames, np.random.default_rng(i), 1000.0, prior="hmm") for i in range(8)]
cond = np.stack([s.cond for s in ss])
batch = {"cond": torch.from_numpy(cond), "overlay": torch.from_numpy(np.stack([s.overlay for s in ss]))}
print("prior err", T._dot_error_px(ss, cond[:, C:C + 2]))
for name in sys.argv[1:]:
    anchor = name.startswith("anchor")
    lr = float(name.split(":")[1])
    cfg = replace(T.ANCHORED, flow=replace(T.ANCHORED.flow, prior_anchor=anchor))
    torch.manual_seed(0)
    tr = build_transformer(cfg, 0)
    if anchor:
        anchor_on_prior(tr, cfg)
    codec = PixelCodec(anchor=anchor)
    opt = torch.optim.AdamW(tr.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(0)
    out = []
    for k in range(241):
        if k % 40 == 0:
            tr.eval()
            ov = Sig2GpsVideoPipeline(tr, codec, 3.0)(cond, frames, 1, [torch.Generator().manual_seed(j) for j in range(8)]).overlay
            tr.train(); out.append(round(T._dot_error_px(ss, ov), 2))
        train_step(tr, codec, cfg, batch, opt, gen, "cpu", False)
    print(name, out, flush=True)
