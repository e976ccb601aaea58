"""Comparing a signaling fragment with a path's fingerprint (Jensen-Shannon, as NF-Track does)."""
from __future__ import annotations

import numpy as np


def js_divergence(p, q) -> float:
    """Jensen-Shannon divergence in bits (0 = same distribution, 1 = disjoint support)."""
    p = np.asarray(p, float)
    q = np.asarray(q, float)
    p = p / p.sum() if p.sum() > 0 else p
    q = q / q.sum() if q.sum() > 0 else q
    m = 0.5 * (p + q)

    def kl(a, b):
        nz = a > 0
        return float((a[nz] * np.log2(a[nz] / b[nz])).sum())

    return max(0.0, min(1.0, 0.5 * kl(p, m) + 0.5 * kl(q, m)))


def similarity(frag: dict[str, float], path_fp: dict[str, float], support: str = "union") -> float:
    """1 - JS(p, q) in [0, 1]; 0 when the path has no fingerprint for any cell.

    support="fragment" is the paper's Algorithm 2: q only over the fragment's cells, so a path's
    weight on cells the device never saw is ignored. "union" (default) keeps those cells, so a path
    that should have shown other cells is penalised: it separates parallel streets better.
    """
    keys = list(frag) if support == "fragment" else list(dict.fromkeys([*frag, *path_fp]))
    q = np.array([path_fp.get(k, 0.0) for k in keys])
    if q.sum() <= 0:
        return 0.0
    p = np.array([frag.get(k, 0.0) for k in keys])
    return 1.0 - js_divergence(p, q)


def fragment_distribution(t, cells, t_f: float, t_l: float) -> dict[str, float]:
    """Share of connection time of each cell between the two anchor times (the paper's R(Seq_F)).

    At constant speed, connection time is proportional to the distance moved while connected, so
    this is comparable with the fingerprint's CMD shares. With t_l <= t_f the cell serving at t_f
    gets everything.
    """
    t = np.asarray(t, float)
    end = np.r_[t[1:], t[-1]]
    ov = np.clip(np.minimum(end, t_l) - np.maximum(t, t_f), 0, None)
    out: dict[str, float] = {}
    if ov.sum() <= 0:
        k = max(int(np.searchsorted(t, t_f, side="right")) - 1, 0)
        return {str(cells[k]): 1.0}
    for c, w in zip(cells, ov):
        if w > 0:
            out[str(c)] = out.get(str(c), 0.0) + float(w)
    s = sum(out.values())
    return {c: w / s for c, w in out.items()}
