"""Serving cell over time: path loss + sector pattern + correlated shadowing + a static per-cell
offset + fast variation; handover with hysteresis and time-to-trigger; handover failures that
re-establish (ping-pong and brief transit cells); persistent far-cell episodes.

The parameters are calibrated against the Cork drive logs (sig2gps.calibration, docs/BENCHMARKS.md)."""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter
from scipy.spatial import cKDTree

from .config import RadioConfig
from .towers import Sites

N_WAVES = 12


class ShadowField:
    """Per-site spatially correlated shadowing: a sum of random plane waves (cheap, smooth, stationary)."""

    def __init__(self, n_sites: int, rng, cfg: RadioConfig):
        k = 1.0 / cfg.shadow_corr_m
        ang = rng.uniform(0, 2 * np.pi, (n_sites, N_WAVES))
        mag = k * np.sqrt(rng.chisquare(2, (n_sites, N_WAVES)) / 2)
        self.kx, self.ky = mag * np.cos(ang), mag * np.sin(ang)
        self.phase = rng.uniform(0, 2 * np.pi, (n_sites, N_WAVES))
        self.sigma = cfg.shadow_sigma_db

    def __call__(self, sites: np.ndarray, xy: np.ndarray) -> np.ndarray:
        """Shadowing (dB) of `sites` (k,) seen at points `xy` (n,2) -> (n,k)."""
        arg = (xy[:, None, None, 0] * self.kx[sites][None] + xy[:, None, None, 1] * self.ky[sites][None]
               + self.phase[sites][None])
        return self.sigma * np.sqrt(2.0 / N_WAVES) * np.cos(arg).sum(-1)


def serving_cells(pos: np.ndarray, t: np.ndarray, sites: Sites, shadow: ShadowField, rng, cfg: RadioConfig,
                  n_candidates: int = 8) -> np.ndarray:
    """Index of the serving cell at each 1 Hz position."""
    tree = cKDTree(sites.xy)
    kq = min(n_candidates, len(sites.xy))
    _, near = tree.query(pos, k=kq)
    near = np.atleast_2d(near).reshape(len(pos), kq)
    cand_sites = np.unique(near)
    # Received power of every sector of the candidate sites at every time step.
    nsec = len(sites.cell_ids) // len(sites.xy)
    cells = (cand_sites[:, None] * nsec + np.arange(nsec)[None]).ravel()
    site_of = sites.cell_site[cells]
    d = np.hypot(*(pos[:, None, :] - sites.xy[site_of][None]).transpose(2, 0, 1))
    d = np.maximum(d, 30.0)
    bearing = np.arctan2(pos[:, None, 1] - sites.xy[site_of][None, :, 1], pos[:, None, 0] - sites.xy[site_of][None, :, 0])
    off = np.angle(np.exp(1j * (bearing - sites.cell_azimuth[cells][None])))
    gain = -cfg.sector_gain_db * np.minimum((off / (np.pi / 3)) ** 2, 1.0)
    site_idx = np.searchsorted(cand_sites, site_of)
    shad = shadow(cand_sites, pos)[:, site_idx]
    p = cfg.tx_dbm - 10 * cfg.pathloss_exp * np.log10(d) + gain + shad + cell_bias(cells, cfg)
    # Fast variation: AR(1) per cell in time.
    rho = np.exp(-1.0 / cfg.fast_tau_s)
    first = rng.normal(0, cfg.fast_sigma_db, p.shape[1])
    innov = rng.normal(0, cfg.fast_sigma_db * np.sqrt(1 - rho ** 2), p.shape)
    innov[0] = first  # stationary start; then fast[i] = rho * fast[i-1] + innov[i], as one filter call
    p = p + lfilter([1.0], [1.0, -rho], innov, axis=0)
    # Far-cell episodes: an overshooting distant cell gets a boost for a while.
    n = len(t)
    boost = np.zeros_like(p)
    dur_h = (t[-1] - t[0]) / 3600.0
    for _ in range(rng.poisson(cfg.outlier_rate_per_h * dur_h)):
        i0 = rng.integers(0, n)
        i1 = min(n, i0 + int(rng.uniform(*cfg.outlier_dur_s)))
        far = np.argsort(-d[i0])[: max(1, p.shape[1] // 3)]
        boost[i0:i1, rng.choice(far)] = 40.0
    p = p + boost
    return cells[handover(p, t, rng, cfg)]


def cell_bias(cells: np.ndarray, cfg: RadioConfig) -> np.ndarray:
    """Static per-cell offset (dB), a fixed function of the cell index (not of the trip's random
    stream) so that every trace of one simulation sees the same network: a strong cell stays strong."""
    if cfg.cell_bias_sigma_db <= 0 or len(cells) == 0:
        return np.zeros(len(cells))
    table = np.random.default_rng(7919).standard_normal(int(cells.max()) + 1)
    return cfg.cell_bias_sigma_db * table[cells]


def handover(p: np.ndarray, t: np.ndarray, rng, cfg: RadioConfig) -> np.ndarray:
    """Serving column per time step from received powers p (n, cells).

    A neighbour takes over when it beats the serving cell by the hysteresis for the time-to-trigger.
    With probability early_return_prob a handover fails soon after (the textbook cause of ping-pong:
    too-early handover, link failure, re-establishment) and after an exponential delay the phone
    re-establishes on the strongest other cell, the previous one favoured by reestablish_prev_bonus_db,
    if that cell is within early_return_margin_db of the best: mostly A->B->A, sometimes A->B->C.
    """
    n = len(p)
    serving = np.empty(n, np.int64)
    cur = int(np.argmax(p[0]))
    cand, since = -1, 0.0
    back_to, back_at = -1, np.inf
    for i in range(n):
        row = p[i]
        if back_to >= 0 and t[i] >= back_at:
            # Re-establishment: on the strongest cell other than the failed one, the previous cell
            # favoured (the phone still holds its context), so most failures return and some move on.
            other = row.copy()
            other[cur] = -np.inf
            other[back_to] += cfg.reestablish_prev_bonus_db
            target = int(np.argmax(other))
            if row[target] >= row.max() - cfg.early_return_margin_db:
                cur = target
            back_to, back_at, cand = -1, np.inf, -1
        best = int(np.argmax(row))
        if best != cur and row[best] > row[cur] + cfg.hysteresis_db:
            if best != cand:
                cand, since = best, t[i]
            if t[i] - since >= cfg.ttt_s:
                if cfg.early_return_prob > 0 and back_to < 0 and rng.random() < cfg.early_return_prob:
                    back_to, back_at = cur, t[i] + max(1.0, rng.exponential(cfg.early_return_mean_s))
                else:
                    back_to, back_at = -1, np.inf
                cur, cand = best, -1
        else:
            cand = -1
        serving[i] = cur
    return serving
