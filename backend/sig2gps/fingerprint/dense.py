"""A vectorised view of a fingerprint map for the online stage's inner loop.

Scoring a candidate path is the hot spot of NF-Track (hundreds of paths per anchor): with every
cell given an index, a path's fingerprint is one bincount over its segments' (cell, weight) arrays
and the Jensen-Shannon divergence a few array operations. Gives the same numbers as
similarity.similarity(frag, fp.path_fingerprint(...)), which the tests check.
"""
from __future__ import annotations

import numpy as np


class DenseFingerprint:
    def __init__(self, fp):
        cells = sorted({c for v in fp.segments.values() for c in v["sbs"]})
        self.index = {c: i for i, c in enumerate(cells)}
        self.n = len(cells)
        # CSR over segment ids: segment s holds entries ptr[s]:ptr[s+1] of (cell, weight).
        n_seg = max([int(fp.network.get("n_segments", 0))] + [int(k) + 1 for k in fp.segments])
        counts = np.zeros(n_seg, np.int64)
        for s_, v in fp.segments.items():
            counts[int(s_)] = len(v["sbs"])
        self.ptr = np.r_[0, np.cumsum(counts)]
        self.cell = np.zeros(self.ptr[-1], np.int64)
        self.w = np.zeros(self.ptr[-1])
        for s_, v in fp.segments.items():
            a = self.ptr[int(s_)]
            self.cell[a:a + len(v["sbs"])] = [self.index[c] for c in v["sbs"]]
            self.w[a:a + len(v["sbs"])] = [w[0] for w in v["sbs"].values()]

    def fragment(self, frag: dict[str, float]) -> tuple[np.ndarray, float]:
        """(dense shares of the known cells, share of cells the map does not know)."""
        p = np.zeros(self.n)
        unknown = 0.0
        for c, w in frag.items():
            i = self.index.get(c)
            if i is None:
                unknown += w
            else:
                p[i] += w
        return p, unknown

    def path(self, segs, lengths) -> np.ndarray:
        lengths = np.asarray(lengths, float)
        total = float(lengths.sum())
        if total <= 0 or self.n == 0:
            return np.zeros(self.n)
        segs = np.asarray(segs, np.int64)
        segs_ok = segs < len(self.ptr) - 1
        segs, lengths = segs[segs_ok], lengths[segs_ok]
        start, cnt = self.ptr[segs], self.ptr[segs + 1] - self.ptr[segs]
        n = int(cnt.sum())
        if n == 0:
            return np.zeros(self.n)
        # Positions of every (cell, weight) entry of the path's segments, without a Python loop.
        pos = np.repeat(start - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(n)
        return np.bincount(self.cell[pos], self.w[pos] * np.repeat(lengths, cnt) / total, minlength=self.n)

    @staticmethod
    def similarity(p: np.ndarray, unknown: float, q: np.ndarray, support: str = "union") -> float:
        """1 - JS(p, q) in bits; p (with `unknown` mass outside the map) and q as from fragment()/path()."""
        if support == "fragment":
            q = np.where(p > 0, q, 0.0)
        s = q.sum()
        if s <= 0:
            return 0.0
        q = q / s
        tot = p.sum() + unknown
        if tot <= 0:
            return 0.0
        p, unknown = p / tot, unknown / tot
        nz = np.flatnonzero((p > 0) | (q > 0))
        pp, qq = p[nz], q[nz]
        m = 0.5 * (pp + qq)
        kp = pp > 0
        kq = qq > 0
        js = 0.5 * float((pp[kp] * np.log2(pp[kp] / m[kp])).sum()) + 0.5 * float((qq[kq] * np.log2(qq[kq] / m[kq])).sum())
        js += 0.5 * unknown  # cells the path cannot show: p log2(p / (p/2)) = p, halved
        return 1.0 - max(0.0, min(1.0, js))
