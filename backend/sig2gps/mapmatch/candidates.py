"""Candidate road nodes for each observation, from a KD-tree over the network's strongly connected core.

Candidates are graph nodes (junctions and way ends), not projected points: at cellular accuracy
(hundreds of metres) a junction is as good a hypothesis as a point mid-block, and node candidates
make every transition one lookup in the cached shortest-path rows.
"""
from __future__ import annotations

import numpy as np

from .config import CandidateConfig


def candidates_for(table, x: float, y: float, cfg: CandidateConfig) -> tuple[np.ndarray, np.ndarray]:
    """(node ids, distances in m) near (x, y): within the radius, thinned to a grid, nearest first."""
    tree, core = table.core_tree, table.core
    idx = np.asarray(tree.query_ball_point([x, y], cfg.radius_m), int)
    if len(idx) < cfg.min_candidates:
        k = min(cfg.min_candidates, len(core))
        _, idx = tree.query([x, y], k=k)
        idx = np.atleast_1d(idx)
    xy = tree.data[idx]
    d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    order = np.argsort(d, kind="stable")
    idx, d, xy = idx[order], d[order], xy[order]
    if cfg.grid_m > 0 and len(idx) > cfg.max_candidates:
        cell = np.floor(xy / cfg.grid_m).astype(np.int64)
        _, first = np.unique(cell, axis=0, return_index=True)  # the nearest node of each grid cell
        first = np.sort(first)
        idx, d = idx[first], d[first]
    return core[idx[: cfg.max_candidates]], d[: cfg.max_candidates]
