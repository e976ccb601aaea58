"""Training loop shared by the four models: a held-out validation split and early stopping.

The validation split is by trace (seeded); the kept weights are those of the epoch with the lowest
validation error, and training stops after `patience` epochs without improvement or `max_seconds`.
The reported errors are metres at the grid times, also for the floor (zero offset = smoothed towers),
so a model that learned nothing shows it.
"""
from __future__ import annotations

import copy
import logging
import time
from dataclasses import asdict, dataclass

import numpy as np

from .checkpoint import save_checkpoint
from .data import load_pairs
from .features import FeatureConfig
from .models import ModelConfig, build_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    max_epochs: int = 300
    batch: int = 32
    lr: float = 2e-3
    weight_decay: float = 1e-4
    val_share: float = 0.15  # share of traces held out for early stopping
    patience: int = 20  # epochs without validation improvement before stopping
    max_seconds: float = 120.0  # wall-clock cap (CPU budget)
    huber_m: float = 300.0  # Huber loss transition: cellular errors have a heavy tail
    seed: int = 0
    threads: int = 1  # torch CPU threads (1: the machine is shared; more threads spin under load)


def split(n: int, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.random.default_rng(seed).permutation(n)
    n_val = max(1, int(round(n * share))) if n > 1 else 0
    return idx[n_val:], idx[:n_val]


def _mean_err_m(pred, y, scale) -> float:
    return float(np.linalg.norm((pred - y) * scale, axis=-1).mean())


def train_model(kind: str, dirs, out, tcfg: TrainConfig = TrainConfig(), fcfg: FeatureConfig = FeatureConfig(),
                **model_kw) -> dict:
    import torch

    torch.manual_seed(tcfg.seed)
    torch.set_num_threads(tcfg.threads)
    data = load_pairs(dirs, fcfg)
    mcfg = ModelConfig(kind=kind, grid=fcfg.grid, n_features=fcfg.n_features, **model_kw)
    model = build_model(mcfg)
    tr, va = split(len(data.x), tcfg.val_share, tcfg.seed)
    if len(va) == 0:
        raise ValueError("need at least 2 training pairs (one is held out for validation)")
    X, Y = torch.from_numpy(data.x), torch.from_numpy(data.y)
    opt = torch.optim.AdamW(model.parameters(), lr=tcfg.lr, weight_decay=tcfg.weight_decay)
    delta = tcfg.huber_m / fcfg.pos_scale_m
    rng = np.random.default_rng(tcfg.seed)
    floor = _mean_err_m(np.zeros_like(data.y[va]), data.y[va], fcfg.pos_scale_m)
    # Epoch 0 is the untrained model, which outputs the floor: training never returns worse than it.
    best, best_state, best_epoch, history = floor, copy.deepcopy(model.state_dict()), 0, []
    t0 = time.perf_counter()
    epoch = 0
    for epoch in range(1, tcfg.max_epochs + 1):
        model.train()
        order = rng.permutation(tr)
        for i in range(0, len(order), tcfg.batch):
            b = order[i:i + tcfg.batch]
            loss = torch.nn.functional.huber_loss(model(X[b]), Y[b], delta=delta)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        model.eval()
        with torch.no_grad():
            val = _mean_err_m(model(X[va]).numpy(), data.y[va], fcfg.pos_scale_m)
        history.append(round(val, 2))
        if val < best:
            best, best_state, best_epoch = val, copy.deepcopy(model.state_dict()), epoch
        if epoch - best_epoch >= tcfg.patience or time.perf_counter() - t0 > tcfg.max_seconds:
            break
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        train_err = _mean_err_m(model(X[tr]).numpy(), data.y[tr], fcfg.pos_scale_m)
    summary = {"pairs": len(data.x), "train": len(tr), "val": len(va), "epochs": epoch, "best_epoch": best_epoch,
               "val_err_m": round(best, 2), "val_floor_err_m": round(floor, 2), "train_err_m": round(train_err, 2),
               "train_floor_err_m": round(_mean_err_m(np.zeros_like(data.y[tr]), data.y[tr], fcfg.pos_scale_m), 2),
               "seconds": round(time.perf_counter() - t0, 1), "dirs": [str(d) for d in dirs],
               "params": int(sum(p.numel() for p in model.parameters())), "train_config": asdict(tcfg),
               "val_history": history}
    save_checkpoint(out, model, mcfg, fcfg, summary)
    log.info("%s: val %.1f m (floor %.1f m) after %d epochs", kind, best, floor, epoch)
    return summary
