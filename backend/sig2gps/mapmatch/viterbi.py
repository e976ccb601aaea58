"""Viterbi over a lattice of candidates, re-starting where no transition is possible (a break)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import deadline


@dataclass
class ViterbiPath:
    states: list[int]  # chosen candidate index per step
    breaks: list[int]  # steps where a new chain started (the lattice had no feasible transition into it)
    logp: float  # total log-score of the chosen states (sum over chains)


def viterbi(emission: list[np.ndarray], transition: list[np.ndarray]) -> ViterbiPath:
    """emission[i]: (K_i,) log-scores; transition[i]: (K_i, K_{i+1}) log-scores, -inf = impossible."""
    n = len(emission)
    if n == 0:
        return ViterbiPath([], [], 0.0)
    back: list[np.ndarray | None] = [None] * n
    score = np.asarray(emission[0], float).copy()
    breaks, ends, total = [], [], 0.0
    for i in range(1, n):
        if not i % 256:
            deadline.check()  # bounded work per trace (sig2gps.deadline)
        cand = score[:, None] + transition[i - 1]
        best_prev = np.argmax(cand, axis=0)
        new = cand[best_prev, np.arange(cand.shape[1])] + emission[i]
        if not np.isfinite(new).any():  # break: close this chain, start the next one afresh
            ends.append((i - 1, int(np.argmax(score))))
            total += float(np.max(score))
            breaks.append(i)
            score = np.asarray(emission[i], float).copy()
            back[i] = None
            continue
        back[i] = best_prev
        score = new
    ends.append((n - 1, int(np.argmax(score))))
    total += float(np.max(score))
    states = [0] * n
    for end, s in ends:
        i = end
        states[i] = s
        while back[i] is not None:
            s = int(back[i][s])
            i -= 1
            states[i] = s
    return ViterbiPath(states, breaks, total)
