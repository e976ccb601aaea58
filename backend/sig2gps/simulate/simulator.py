"""simulate(): trips, GPS and the signaling their phones produce, on one road network."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..types import Cell, GpsTrace, SignalingTrace
from .config import SimConfig
from .events import record_times
from .radio import ShadowField, serving_cells
from .towers import Sites, place_sites
from .trips import drive, pick_od, route


@dataclass
class SimTrace:
    gps: GpsTrace
    signaling: SignalingTrace
    route_segments: list[int]  # undirected segment ids along the driven route (NF-Track truth)
    serving_1hz: np.ndarray  # serving cell index per second (calibration)
    t_1hz: np.ndarray
    pos_1hz: np.ndarray  # (n,2) metres


@dataclass
class SimResult:
    traces: list[SimTrace]
    cells: dict[str, Cell]
    sites: Sites
    failed: list[str] = field(default_factory=list)


def simulate(net, n_traces: int, seed: int = 0, cfg: SimConfig = SimConfig(), sites: Sites | None = None,
             id_prefix: str = "T") -> SimResult:
    """Simulate `n_traces` trips with GPS at cfg.trips.gps_interval_s and event-driven signaling."""
    rng = np.random.default_rng(seed)
    if sites is None:
        sites = place_sites(net, rng, cfg.towers)
    shadow = ShadowField(len(sites.xy), rng, cfg.radio)
    lon_s, lat_s = net.to_lonlat(sites.xy[:, 0], sites.xy[:, 1])
    cells = {cid: Cell(cid, float(lon_s[s]), float(lat_s[s]), f"S{s:05d}")
             for cid, s in zip(sites.cell_ids, sites.cell_site)}
    out, failed = [], []
    od_pool: list[tuple[int, int]] = []
    for i in range(n_traces):
        tid = f"{id_prefix}{i:05d}"
        trip = None
        for _ in range(20):
            if cfg.trips.od_pool_size > 0:  # drivers repeating their own few routes (like the Cork logs)
                if len(od_pool) < cfg.trips.od_pool_size:
                    od_pool.append(pick_od(net, rng, cfg.trips))
                    a, b = od_pool[-1]
                else:
                    a, b = od_pool[int(rng.integers(len(od_pool)))]
                    if rng.random() < 0.5:
                        a, b = b, a
            else:
                a, b = pick_od(net, rng, cfg.trips)
            nodes = route(net, a, b, rng, cfg.trips)
            if nodes and len(nodes) > 2:
                trip = drive(net, nodes, rng, cfg.trips)
                break
        if trip is None:
            failed.append(tid)
            continue
        t0 = float(rng.uniform(*cfg.trips.t0_range))
        t = trip.t + t0
        serving = serving_cells(trip.pos, t, sites, shadow, rng, cfg.radio)
        # GPS: fixed interval from the start, a few metres of noise.
        gi = np.arange(0, len(t), int(round(cfg.trips.gps_interval_s)))
        if gi[-1] != len(t) - 1:
            gi = np.r_[gi, len(t) - 1]
        gxy = trip.pos[gi] + rng.normal(0, cfg.trips.gps_noise_m / np.sqrt(2), (len(gi), 2))
        glon, glat = net.to_lonlat(gxy[:, 0], gxy[:, 1])
        ri = record_times(t, serving, rng, cfg.events)
        site = sites.cell_site[serving[ri]]
        sig = SignalingTrace(tid, t[ri], [sites.cell_ids[c] for c in serving[ri]], lon_s[site], lat_s[site])
        segs = [int(net.seg[e]) for e in trip.edges]
        out.append(SimTrace(GpsTrace(tid, t[gi], glon, glat), sig, segs, serving, t, trip.pos))
    return SimResult(out, cells, sites, failed)
