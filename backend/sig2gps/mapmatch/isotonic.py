"""Increasing isotonic regression (pool adjacent violators) in plain numpy.

hmm makes progress along the route monotone with it, once or twice a trace. scipy.optimize's version is the
same least-squares fit, but importing scipy.optimize pulls in linalg, special and fft: a large share of a fresh
process's first call (experiments/hmm-speed/README.md)."""
from __future__ import annotations

import numpy as np


def increasing(y) -> np.ndarray:
    """The non-decreasing sequence closest to y in least squares (unit weights)."""
    y = np.asarray(y, float)
    if len(y) < 2 or bool(np.all(np.diff(y) >= 0)):
        return y.copy()
    means: list[float] = []
    sizes: list[int] = []
    for v in y.tolist():
        m, n = v, 1
        while means and means[-1] > m:  # pool the violating block into the new one
            k = sizes.pop()
            m = (means.pop() * k + m * n) / (k + n)
            n += k
        means.append(m)
        sizes.append(n)
    return np.repeat(np.asarray(means), sizes)
