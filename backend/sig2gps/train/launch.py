"""Starting data-parallel SFT: one process per GPU (gloo on CPU) around train/sft.py.

Kept apart from train/ddp.py (process group, rank-aware data) so that sft.py can use ddp.py
without ddp.py needing sft.py back.
"""
from __future__ import annotations

import os

import torch

from .ddp import _no_multicast, free_port, setup, teardown


def _worker(rank: int, world: int, cfg, port: int, backend: str | None) -> None:
    from .sft import train_sft

    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    ctx = setup(rank, world, backend=backend)
    try:
        train_sft(cfg, ddp=ctx)
    finally:
        teardown()


def launch(cfg, n: int, backend: str | None = None) -> dict:
    """Train with n processes on this host (one per GPU; gloo on CPU); returns the last validation record."""
    from pathlib import Path

    from .base import read_log
    from .sft import train_sft

    if n <= 1:
        return train_sft(cfg)
    if torch.cuda.is_available() and backend != "gloo" and torch.cuda.device_count() < n:
        raise ValueError(f"--gpus {n}: only {torch.cuda.device_count()} GPU(s) visible")
    _no_multicast()
    import torch.multiprocessing as mp

    mp.spawn(_worker, args=(n, cfg, free_port(), backend), nprocs=n, join=True)
    vals = [r for r in read_log(Path(cfg.out) / "log.jsonl") if "val_mae_m" in r]
    return vals[-1] if vals else {}
