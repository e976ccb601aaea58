"""Cross-city adaptation with LoRA (`sig2gps train adapt`): a few hundred pairs of a new city.

The model (default: the shipped one) gets a peft LoRA adapter; only the adapter trains, with the
same flow-matching loss and fresh samples as SFT (train/sft.py batch_loss, PairStream). Validation
before and after uses the SFT protocol (train/sft.py validate) on held-out pairs of that city with the
same noise, so the difference is the adaptation's gain. The adapter is fused into a copy of the model,
written in the shipped layout with the before/after figures in its JSON.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .base import Trainer, save_fused
from .jsonconfig import JsonConfig


@dataclass(frozen=True)
class AdaptConfig(JsonConfig):
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


class AdaptTrainer(Trainer):
    """`cfg.steps` flow-matching steps (train/sft.py train_step) on the adapter of the model `tr`."""

    def __init__(self, tr, codec, mcfg, cfg: AdaptConfig, device: str):
        from ..model.store import LoraSettings, add_lora

        super().__init__(device)
        self.tr, self.codec, self.mcfg, self.cfg = tr, codec, mcfg, cfg
        add_lora(tr, LoraSettings(rank=cfg.rank, alpha=cfg.rank, targets=tuple(cfg.targets)))
        self.set_optimizer(tr, cfg.lr, weight_decay=0.0)
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.losses: list[float] = []

    def batches(self):
        from .data import PairStream, reused

        cfg = self.cfg
        stream = PairStream(cfg.pairs, self.mcfg.scene, cfg.frames, cfg.batch, cfg.seed)
        loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=cfg.workers,
                                             persistent_workers=cfg.workers > 0)
        return reused(loader, 1, self.device, cfg.seed)

    def train_step(self, batch) -> None:
        from .sft import train_step

        self.losses.append(train_step(self.tr, self.codec, self.mcfg, batch, self.opt, self.gen, self.device,
                                      self.device == "cuda"))
        self.step_no += 1
        if self.step_no % 25 == 0:
            print(f"adapt: step {self.step_no} loss {np.mean(self.losses[-25:]):.4f}", flush=True)

    def spent(self) -> bool:
        return self.step_no >= self.cfg.steps


def adapt(cfg: AdaptConfig) -> dict:
    """Train the adapter for `cfg.steps`; returns {"before", "after", ...} and writes OUT/model."""
    from ..model.store import load_video_model
    from .base import pick_device
    from .pairs import PairSet
    from .sft import validate

    device = pick_device()
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
    trainer = AdaptTrainer(tr, pipe.codec, mcfg, cfg, device)
    batches = trainer.batches()
    tr.train()
    trainer.fit(batches, check_first=False)
    seconds = trainer.minutes() * 60
    after = evaluate()
    print("adapt: after " + json.dumps(after), flush=True)
    summary = {"adapt": {"from": str(cfg.init or "shipped"), "pairs": cfg.pairs, "steps": cfg.steps,
                         "seconds": seconds, "device": device, "before": before, "after": after,
                         "trained_parameters": sum(p.numel() for p in trainer.params)},
               "val": {**after, "val_set": cfg.val_pairs}}
    save_fused(tr, out / "model", mcfg, summary)
    losses = trainer.losses
    res = {"config": asdict(cfg), **summary["adapt"], "loss_first": float(np.mean(losses[:25])),
           "loss_last": float(np.mean(losses[-25:]))}
    (out / "adapt.json").write_text(json.dumps(res, indent=1))
    return res
