"""Cell sites whose density follows road density, each with several sector cells."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .config import TowerConfig


@dataclass
class Sites:
    xy: np.ndarray  # (S,2) site positions (m)
    cell_site: np.ndarray  # (C,) site index of each cell
    cell_azimuth: np.ndarray  # (C,) sector azimuth (radians, from +x counter-clockwise)
    cell_ids: list[str]


def place_sites(net, rng, cfg: TowerConfig) -> Sites:
    """Poisson-disc-like placement: candidates sampled along roads (plus some in the margin),
    accepted when farther than the local spacing from accepted sites; spacing shrinks with road density."""
    allxy = np.vstack(net.seg_xy)
    tree = cKDTree(allxy)
    x0, y0, x1, y1 = net.bounds_xy
    m = cfg.margin_m
    n_cand = int(max(2000, (x1 - x0 + 2 * m) * (y1 - y0 + 2 * m) / (cfg.spacing_dense_m ** 2) * 8))
    # Mostly near roads (where people are), the rest uniform over the box with margin.
    on_road = allxy[rng.integers(0, len(allxy), n_cand * 2 // 3)] + rng.normal(0, 60, (n_cand * 2 // 3, 2))
    uniform = np.column_stack([rng.uniform(x0 - m, x1 + m, n_cand // 3), rng.uniform(y0 - m, y1 + m, n_cand // 3)])
    cand = np.vstack([on_road, uniform])
    rng.shuffle(cand)
    # Road density: vertices within 500 m, normalised by the densest decile.
    dens = np.array([len(x) for x in tree.query_ball_point(cand, 500.0)], float)
    ref = max(np.percentile(dens, 90), 1.0)
    rel = np.clip(dens / ref, 0.0, 1.0)
    spacing = cfg.spacing_sparse_m + (cfg.spacing_dense_m - cfg.spacing_sparse_m) * np.sqrt(rel)
    accepted: list[np.ndarray] = []
    acc_tree = None
    batch: list[np.ndarray] = []
    for p, sp in zip(cand, spacing):
        if acc_tree is not None and acc_tree.query_ball_point(p, sp * 0.8, return_length=True) > 0:
            continue
        if any(np.hypot(*(p - q)) < sp * 0.8 for q in batch):
            continue
        batch.append(p)
        if len(batch) >= 64:
            accepted.extend(batch); batch = []
            acc_tree = cKDTree(np.array(accepted))
    accepted.extend(batch)
    site_xy = np.array(accepted)
    S = len(site_xy)
    per_site = cfg.sectors * cfg.carriers  # cell k of a site: sector k % sectors, carrier k // sectors
    cell_site = np.repeat(np.arange(S), per_site)
    base = rng.uniform(0, 2 * np.pi, S)
    sector = np.tile(np.arange(per_site) % cfg.sectors, S)
    az = (base[cell_site] + 2 * np.pi * sector / cfg.sectors) % (2 * np.pi)
    ids = [f"C{s:05d}-{k}" for s in range(S) for k in range(per_site)]
    return Sites(site_xy, cell_site, az, ids)
