"""Anchor points of NF-Track's online stage (its Algorithm 1): DBSCAN against the ping-pong effect.

Within each time window the distinct serving sites are clustered (DBSCAN, MinPts 2, eps 300 m:
neighbouring sites are usually closer than that); a cluster's anchor is the centre of its sites,
a site left alone is an anchor by itself. An anchor's timestamp comes from the cells' connection
periods: the mean of the midpoints of each site's longest connection period for a cluster, the
median record time for a lone site.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Anchor:
    x: float
    y: float
    t: float
    n_sites: int
    cells: tuple = ()  # the cell ids of the records it was built from


def dbscan(xy: np.ndarray, eps: float, min_pts: int) -> np.ndarray:
    """Cluster labels (-1 = noise) of a few points; plain DBSCAN (a window holds tens of sites)."""
    n = len(xy)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    nb = [np.flatnonzero(d[i] <= eps) for i in range(n)]
    core = np.array([len(x) >= min_pts for x in nb])
    lab = np.full(n, -1)
    c = 0
    for i in range(n):
        if lab[i] >= 0 or not core[i]:
            continue
        lab[i] = c
        stack = [i]
        while stack:
            j = stack.pop()
            if not core[j]:
                continue
            for k in nb[j]:
                if lab[k] < 0:
                    lab[k] = c
                    stack.append(k)
        c += 1
    return lab


def _longest_period(t: np.ndarray, end: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """Longest run of consecutive records on this site: (start, end) of its connection period."""
    best, cur = (0.0, -1.0), None
    for i in np.flatnonzero(mask):
        if cur is not None and cur[2] == i - 1:
            cur = (cur[0], end[i], i)
        else:
            cur = (t[i], end[i], i)
        if cur[1] - cur[0] > best[1] - best[0]:
            best = (cur[0], cur[1])
    return best


def extract_anchors(t, x, y, window_s: float = 180.0, eps_m: float = 300.0, min_pts: int = 2,
                    cells=None) -> list[Anchor]:
    """Anchors of a trace (positions in metres), sorted by time, with strictly increasing timestamps."""
    t, x, y = (np.asarray(a, float) for a in (t, x, y))
    cells = np.asarray(cells if cells is not None else [""] * len(t), object)
    end = np.r_[t[1:], t[-1]]
    out: list[Anchor] = []
    edges = np.arange(t[0], t[-1] + window_s, window_s)
    win = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, None)
    for w in np.unique(win):
        idx = np.flatnonzero(win == w)
        # A site is a position: the sector cells of one site share it.
        pos, site = np.unique(np.round(np.column_stack([x[idx], y[idx]]), 1), axis=0, return_inverse=True)
        site = site.ravel()
        lab = dbscan(pos, eps_m, min_pts)
        groups = [np.flatnonzero(lab == c) for c in range(lab.max() + 1)] + [[i] for i in np.flatnonzero(lab < 0)]
        tw, ew = t[idx], np.minimum(end[idx], edges[w] + window_s)
        for g in groups:
            g = np.asarray(g)
            if len(g) == 1:
                ts = float(np.median(tw[site == g[0]]))
            else:
                mids = [np.mean(_longest_period(tw, ew, site == s)) for s in g]
                ts = float(np.mean(mids))
            cx, cy = pos[g].mean(axis=0)
            cs = tuple(sorted({str(c) for c in cells[idx][np.isin(site, g)]}))
            out.append(Anchor(float(cx), float(cy), ts, len(g), cs))
    out.sort(key=lambda a: a.t)
    # Equal timestamps would give a zero-duration leg; nudge them apart by a millisecond.
    fixed: list[Anchor] = []
    for a in out:
        if fixed and a.t <= fixed[-1].t:
            a = Anchor(a.x, a.y, fixed[-1].t + 1e-3, a.n_sites, a.cells)
        fixed.append(a)
    return fixed
