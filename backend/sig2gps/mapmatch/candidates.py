"""Candidate road nodes for each observation, from a KD-tree over the network's strongly connected core.

Candidates are graph nodes (junctions and way ends), not projected points: at cellular accuracy
(hundreds of metres) a junction is as good a hypothesis as a point mid-block, and node candidates
make every transition one lookup in the cached shortest-path rows.
"""
from __future__ import annotations

from itertools import chain

import numpy as np

from .config import CandidateConfig


def candidates_for(table, x: float, y: float, cfg: CandidateConfig) -> tuple[np.ndarray, np.ndarray]:
    """(node ids, distances in m) near (x, y): within the radius, thinned to a grid, nearest first."""
    nodes, d = candidates_many(table, np.array([x], float), np.array([y], float), cfg)
    return nodes[0], d[0]


FIRST_RADIUS = 0.6  # candidates_many looks this share of the radius out first (a third of the nodes to sort)
MARGIN_M = 1e-6  # a candidate this close to that first radius sends its point to the full search (float rounding)


def candidates_many(table, xs: np.ndarray, ys: np.ndarray, cfg: CandidateConfig
                    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """candidates_for of every point (xs[i], ys[i]) at once: one KD-tree query and one sort for all of them
    (the per-point numpy calls were most of the matcher's cost on traces of a few dozen records).

    With grid thinning, every point is first searched to FIRST_RADIUS of the radius: a point whose nearest
    max_candidates cells' nodes all lie inside it has its answer (each cell's nearest node inside it is the cell's
    nearest, and any node outside is farther than all of them); only the others are searched to the full radius."""
    pts = np.column_stack([np.asarray(xs, float), np.asarray(ys, float)])
    n = len(pts)
    r1 = cfg.radius_m * FIRST_RADIUS
    if not (cfg.grid_m > 0 and 0 < FIRST_RADIUS < 1 and n and np.pi * r1 ** 2 >= cfg.max_candidates * cfg.grid_m ** 2):
        # (no first search where its disc is smaller than max_candidates cells: it would seldom answer a point)
        return _split(*_select(table, pts, cfg, cfg.radius_m, nearest=True)[:3])
    idx, d, counts, size = _select(table, pts, cfg, r1, nearest=False)
    ends = np.cumsum(counts)
    full = counts == cfg.max_candidates
    full[full] = d[ends[full] - 1] < r1 - MARGIN_M
    done = full & (size > cfg.max_candidates)  # (thinned within the first radius: then also within the full one)
    if done.all():
        return _split(idx, d, counts)
    redo = np.flatnonzero(~done)
    idx2, d2, counts2, _ = _select(table, pts[redo], cfg, cfg.radius_m, nearest=True)
    first, second = _split(idx, d, counts), _split(idx2, d2, counts2)
    for part, i in enumerate(redo):
        first[0][i], first[1][i] = second[0][part], second[1][part]
    return first


def _split(idx, d, counts):
    cut = np.cumsum(counts)[:-1]
    return np.split(idx, cut), np.split(d, cut)


def _select(table, pts, cfg: CandidateConfig, radius: float, nearest: bool):
    """(core node ids, distances, count per point, nodes within `radius` per point) of each point's candidates
    within `radius`: thinned to a grid, nearest first; nearest: a point with fewer than min_candidates within it
    takes its min_candidates nearest instead (no dead ends)."""
    tree, core = table.core_tree, table.core
    n = len(pts)
    hits = list(tree.query_ball_point(pts, radius, return_sorted=False))  # each point's, in tree order
    size0 = np.fromiter(map(len, hits), np.int64, n)
    few = np.flatnonzero(size0 < cfg.min_candidates) if nearest else []
    if len(few):  # too few within the radius: the k nearest instead (no dead ends)
        k = min(cfg.min_candidates, len(core))
        _, near = tree.query(pts[few], k=k)
        near = np.asarray(near, np.int64).reshape(len(few), -1)
        for j, i in enumerate(few):
            hits[i] = near[j].tolist()
    size = np.fromiter(map(len, hits), np.int64, n)
    g = np.repeat(np.arange(n), size)  # the point each hit belongs to
    idx = np.fromiter(chain.from_iterable(hits), np.int64, int(size.sum()))
    xy = tree.data[idx]
    d = np.hypot(xy[:, 0] - pts[g, 0], xy[:, 1] - pts[g, 1])
    order = np.lexsort((d, g))  # by point, then nearest first, ties in tree order (lexsort is stable)
    idx, d, xy = idx[order], d[order], xy[order]
    start = np.r_[0, np.cumsum(size)[:-1]]
    keep = np.ones(len(idx), bool)
    thin = np.repeat(size > cfg.max_candidates, size) if cfg.grid_m > 0 else np.zeros(len(idx), bool)
    if thin.any():  # one node per grid cell (the nearest: the first in this order), for crowded points only
        cell = np.floor(xy[thin] / cfg.grid_m).astype(np.int64)
        gt = g[thin]  # (sorted: each point's hits are one run)
        run = np.flatnonzero(np.r_[True, gt[1:] != gt[:-1]])
        cell -= np.repeat(np.minimum.reduceat(cell, run, axis=0), np.diff(np.r_[run, len(gt)]), axis=0)
        # (each point's cells counted from its own lowest: a point's nodes lie within the radius, few cells)
        span = cell.max(axis=0) + 1
        key = (gt * span[0] + cell[:, 0]) * span[1] + cell[:, 1]
        pos = np.arange(len(key))
        if n * span[0] * span[1] <= 8 * len(key) + 4096:  # each (point, cell)'s first hit, in a table of keys
            first = np.full(n * span[0] * span[1], len(key))
            np.minimum.at(first, key, pos)
            keep[thin] = first[key] == pos
        else:  # (too many keys for a table: sorted)
            keep[thin] = np.isin(pos, np.unique(key, return_index=True)[1])
    kept = np.r_[0, np.cumsum(keep)]  # kept[j]: hits kept before position j
    rank = kept[1:] - 1 - np.repeat(kept[start], size)  # rank of a kept hit among its point's kept hits
    keep &= rank < cfg.max_candidates
    counts = np.bincount(g[keep], minlength=n)
    return core[idx[keep]], d[keep], counts, size0
