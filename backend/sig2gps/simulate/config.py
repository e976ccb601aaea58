"""Simulator settings. Defaults are calibrated against the Cork drive logs (docs/BENCHMARKS.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TripConfig:
    od_min_m: float = 800.0  # straight-line origin-destination distance range; spans Small/Medium/Large
    od_max_m: float = 6000.0
    od_pool_size: int = 0  # >0: trips reuse this many origin-destination pairs (either way round), as a
    # few drivers repeating their routes do; the calibration uses it to match the Cork logs' ~7x repetition
    detour_sigma: float = 0.35  # log-normal noise on edge costs: real drivers do not always take the shortest path
    speed_scale: float = 0.45  # urban traffic: class speeds scaled by this (Cork drives average ~21 km/h)
    speed_factor_sigma: float = 0.15  # per-driver speed factor spread
    accel_ms2: float = 1.5  # acceleration / deceleration limit
    junction_stop_prob: float = 0.5  # chance of a stop (light, give-way, queue) at a junction
    stop_s: tuple = (10.0, 70.0)  # stop duration range
    gps_interval_s: float = 15.0
    gps_noise_m: float = 4.0
    park_s: tuple = (0.0, 60.0)  # time parked at the start and at the end (device still on)
    t0_range: tuple = (1777611600.0, 1777611600.0 + 30 * 86400.0)  # May 2026 (Unix s)


@dataclass(frozen=True)
class TowerConfig:
    spacing_dense_m: float = 500.0  # inter-site distance where roads are dense
    spacing_sparse_m: float = 1600.0  # and where they are sparse
    sectors: int = 3  # sector antennas per site, sharing the site position
    carriers: int = 1  # frequency layers per sector, each its own cell id (multi-band sites)
    margin_m: float = 1500.0  # sites also placed this far beyond the road extent


@dataclass(frozen=True)
class RadioConfig:
    tx_dbm: float = 43.0
    pathloss_exp: float = 3.5
    sector_gain_db: float = 12.0  # front-to-side loss of a sector antenna
    shadow_sigma_db: float = 5.0  # slow, spatially correlated shadowing
    shadow_corr_m: float = 80.0
    fast_sigma_db: float = 3.0  # fast variation (multipath, load): drives ping-pong
    fast_tau_s: float = 3.0
    hysteresis_db: float = 10.0  # effective A3 offset + hysteresis: phones hold a cell long (Cork: ~1 real handover per km)
    ttt_s: float = 2.0  # time-to-trigger
    cell_bias_sigma_db: float = 6.0  # static per-cell power offset (band, tilt, load): irregular footprints
    early_return_prob: float = 0.55  # a handover that fails soon after (too early / link failure) ...
    early_return_mean_s: float = 6.0  # ... and re-establishes after about this long (exponential) ...
    early_return_margin_db: float = 15.0  # ... on a cell no more than this below the best
    reestablish_prev_bonus_db: float = 10.0  # ... favouring the previous cell by this: mostly A->B->A ping-pong,
    # sometimes a brief transit cell A->B->C (Cork: a quarter of non-returning dwells last <= 5 s)
    outlier_rate_per_h: float = 15.0  # far-cell episodes (overshooting sites), persistent for a while
    outlier_dur_s: tuple = (20.0, 90.0)


@dataclass(frozen=True)
class EventConfig:
    data_rate_per_min: float = 1.2  # data-session / paging records per minute besides handovers
    record_handovers: bool = True
    periodic_s: float = 600.0  # periodic location update


@dataclass(frozen=True)
class SimConfig:
    trips: TripConfig = TripConfig()
    towers: TowerConfig = TowerConfig()
    radio: RadioConfig = RadioConfig()
    events: EventConfig = EventConfig()
