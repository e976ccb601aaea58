"""Sampling latency of a video model at batch (what the benchmark reports for the GPU)."""
from __future__ import annotations

import time

import numpy as np
import torch

from .base import pick_device


def sampling_latency(model_dir, pairs_path: str, n: int = 64, frames: int = 21, steps: int = 10,
                     batch: int = 64, device: str | None = None) -> dict:
    """Seconds per trace to sample one video each for n validation pairs (rendering included)."""
    from ..model.store import load_video_model
    from .data import render_pair
    from .pairs import PairSet

    device = device or pick_device()
    pipe, cfg, _ = load_video_model(model_dir, device)
    pairs = PairSet.load(pairs_path)
    idx = np.arange(min(n, len(pairs)))

    def once():
        for a in range(0, len(idx), batch):
            cond = np.stack([render_pair(pairs, int(i), cfg.scene, frames).cond for i in idx[a:a + batch]])
            gens = [torch.Generator().manual_seed(int(i)) for i in idx[a:a + batch]]
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
                pipe(cond, frames, steps, gens)
        if device == "cuda":
            torch.cuda.synchronize()

    once()  # warm-up (kernels, allocator)
    t0 = time.perf_counter()
    once()
    sec = time.perf_counter() - t0
    name = torch.cuda.get_device_name() if device == "cuda" else "cpu"
    return {"device": name, "n": len(idx), "batch": batch, "frames": frames, "steps": steps,
            "s_per_trace": sec / len(idx)}


def frame_scaling(model_dir, pairs_path: str, frames=(13, 17, 21), steps: int = 10, n: int = 128,
                  device: str | None = None) -> list[dict]:
    """Validation metrics (raw read-back, metres) of one model at several frame counts: test-time scaling."""
    from ..model.store import load_video_model
    from .pairs import PairSet
    from .sft import validate

    device = device or pick_device()
    pipe, cfg, _ = load_video_model(model_dir, device)
    pairs = PairSet.load(pairs_path)
    idx = np.random.default_rng(12345).choice(len(pairs), min(n, len(pairs)), replace=False)  # = sft's val set
    return [validate(pipe.transformer, pipe.codec, cfg, pairs, idx, f, steps, device) for f in frames]
