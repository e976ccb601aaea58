"""Cross-city adaptation with LoRA (`sig2gps train adapt`): a few hundred pairs of a new city.

The model (default: the shipped one) gets a peft LoRA adapter; only the adapter trains, with the
same flow-matching loss and fresh samples as SFT (train/sft.py batch_loss, PairStream). Validation
before and after uses the SFT protocol (train/sft.py validate) on held-out pairs of that city with the
same noise, so the difference is the adaptation's gain. The adapter is fused into a copy of the model,
written in the shipped layout with the before/after figures in its JSON.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .jsonconfig import read_config_fields


@dataclass(frozen=True)
class AdaptConfig:
    pairs: str  # the new city's training pairs (.npz from `sig2gps train pairs`)
    val_pairs: str  # held-out pairs of the same city
    out: str = "out/train/adapt"
    init: str = ""  # model folder to adapt (default: the shipped model)
    rank: int = 16
    # as Traj-GDPO's adapter (train/rl.py): attention, feed-forwards and the output projection
    targets: tuple = ("to_q", "to_k", "to_v", "to_out.0", "ffn.net.0.proj", "ffn.net.2", "proj_out")
    steps: int = 200
    batch: int = 16
    frames: tuple = (13,)
    lr: float = 5e-4
    val_n: int = 64
    val_frames: int = 13
    val_steps: int = 8
    workers: int = 1
    seed: int = 0

    @classmethod
    def from_json(cls, path, **over) -> "AdaptConfig":
        d = read_config_fields(cls, path, **over)
        for k in ("targets", "frames"):
            if k in d:
                d[k] = tuple(np.atleast_1d(d[k]).tolist())
        return cls(**d)


def adapt(cfg: AdaptConfig) -> dict:
    """Train the adapter for `cfg.steps`; returns {"before", "after", ...} and writes OUT/model."""
    from ..model.store import LoraSettings, add_lora, load_video_model, save_video_model
    from .data import PairStream, reused
    from .pairs import PairSet
    from .sft import train_step, validate

    device = "cuda" if torch.cuda.is_available() else "cpu"
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)
    pipe, mcfg, meta = load_video_model(cfg.init or None, device)
    tr = pipe.transformer.float()
    val = PairSet.load(cfg.val_pairs)
    idx = np.arange(min(cfg.val_n, len(val)))

    def evaluate() -> dict:
        return validate(tr, pipe.codec, mcfg, val, idx, cfg.val_frames, cfg.val_steps, device, cfg.seed)

    before = evaluate()
    print("adapt: before " + json.dumps(before), flush=True)
    add_lora(tr, LoraSettings(rank=cfg.rank, alpha=cfg.rank, targets=tuple(cfg.targets)))
    params = [p for p in tr.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)
    stream = PairStream(cfg.pairs, mcfg.scene, cfg.frames, cfg.batch, cfg.seed)
    loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=cfg.workers,
                                         persistent_workers=cfg.workers > 0)
    gen = torch.Generator().manual_seed(cfg.seed)
    tr.train()
    t0, losses = time.time(), []
    for step, batch in enumerate(reused(loader, 1, device, cfg.seed), start=1):
        losses.append(train_step(tr, pipe.codec, mcfg, batch, opt, gen, device, device == "cuda"))
        if step % 25 == 0:
            print(f"adapt: step {step} loss {np.mean(losses[-25:]):.4f}", flush=True)
        if step >= cfg.steps:
            break
    seconds = time.time() - t0
    after = evaluate()
    print("adapt: after " + json.dumps(after), flush=True)
    tr.fuse_lora()
    tr.unload_lora()
    summary = {"adapt": {"from": str(cfg.init or "shipped"), "pairs": cfg.pairs, "steps": cfg.steps,
                         "seconds": seconds, "device": device, "before": before, "after": after,
                         "trained_parameters": sum(p.numel() for p in params)},
               "val": {**after, "val_set": cfg.val_pairs}}
    save_video_model(out / "model", tr, mcfg, summary)
    res = {"config": asdict(cfg), **summary["adapt"], "loss_first": float(np.mean(losses[:25])),
           "loss_last": float(np.mean(losses[-25:]))}
    (out / "adapt.json").write_text(json.dumps(res, indent=1))
    return res
