"""Which moments of the 1 Hz serving-cell sequence become signaling records."""
from __future__ import annotations

import numpy as np

from .config import EventConfig


def record_times(t: np.ndarray, serving: np.ndarray, rng, cfg: EventConfig) -> np.ndarray:
    """Indices into the 1 Hz sequence: handovers, Poisson data-session records, periodic updates."""
    idx = {0, len(t) - 1}
    if cfg.record_handovers:
        idx.update((np.flatnonzero(np.diff(serving) != 0) + 1).tolist())
    dur = t[-1] - t[0]
    n_data = rng.poisson(cfg.data_rate_per_min * dur / 60.0)
    idx.update(rng.integers(0, len(t), n_data).tolist())
    if cfg.periodic_s > 0:
        idx.update(np.searchsorted(t, np.arange(t[0] + cfg.periodic_s, t[-1], cfg.periodic_s)).tolist())
    return np.array(sorted(i for i in idx if 0 <= i < len(t)))
