"""Pairing precision and recall on simulated pools with known truth.

A pool: trips simulated in one city within a short time window (so many overlap in time and space),
each with signaling and GPS; ids replaced by two unrelated shuffled id sets; the GPS side cut to a
random contiguous part of the trip (the other system segments trips its own way); plus distractors:
GPS trajectories without signaling and signaling traces without GPS.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

ORDER = 15
TITLE = "Pairing signaling with GPS (precision / recall on simulated pools)"

T0 = 1777611600.0


@dataclass(frozen=True)
class PoolConfig:
    n_pairs: int = 200  # trips with both signaling and GPS
    n_gps_only: int = 100  # distractor GPS trajectories (no signaling)
    n_sig_only: int = 100  # signaling traces without GPS
    window_s: float = 3600.0  # all trips start within this window: heavy overlap in time
    gps_keep: tuple = (0.6, 1.0)  # share of the trip's GPS points the other system kept


def simulated_pool(net, cfg: PoolConfig, seed: int = 0):
    """(signaling traces, GPS trajectories, truth signaling_id -> gps_id), ids shuffled."""
    from ..simulate import SimConfig, simulate
    from ..types import GpsTrace, SignalingTrace

    sim_cfg = SimConfig()
    sim_cfg = replace(sim_cfg, trips=replace(sim_cfg.trips, t0_range=(T0, T0 + cfg.window_s)))
    n = cfg.n_pairs + cfg.n_gps_only + cfg.n_sig_only
    res = simulate(net, n, seed=seed, cfg=sim_cfg)
    rng = np.random.default_rng(seed + 1)
    traces = [res.traces[i] for i in rng.permutation(len(res.traces))]
    pairs, rest = traces[: cfg.n_pairs], traces[cfg.n_pairs:]
    gps_only, sig_only = rest[: cfg.n_gps_only], rest[cfg.n_gps_only:]
    with_gps = pairs + gps_only
    with_sig = pairs + sig_only
    gid = {s.gps.trace_id: f"G{k:05d}" for s, k in zip(with_gps, rng.permutation(len(with_gps)))}
    sid = {s.gps.trace_id: f"S{k:05d}" for s, k in zip(with_sig, rng.permutation(len(with_sig)))}
    gps = []
    for s in with_gps:
        g = s.gps
        keep = max(2, int(round(len(g) * rng.uniform(*cfg.gps_keep))))
        a = int(rng.integers(0, len(g) - keep + 1))
        gps.append(GpsTrace(gid[g.trace_id], g.t[a:a + keep], g.lon[a:a + keep], g.lat[a:a + keep]))
    sig = [SignalingTrace(sid[s.gps.trace_id], s.signaling.t, s.signaling.cell_id, s.signaling.lon,
                          s.signaling.lat) for s in with_sig]
    truth = {sid[s.gps.trace_id]: gid[s.gps.trace_id] for s in pairs}
    order_g, order_s = rng.permutation(len(gps)), rng.permutation(len(sig))
    return [sig[i] for i in order_s], [gps[i] for i in order_g], truth


def run(args) -> str:
    from ..benchdata import DEFAULT_OSM_DIR
    from ..network import load_network
    from ..pairing import PairingConfig, pair_traces, precision_recall
    from ..machine import machine_line
    from pathlib import Path

    quick = bool(getattr(args, "quick", False))
    shared = Path(DEFAULT_OSM_DIR)
    nets = [("helsinki (31 km of road)", None), ("baltimore (670 km)", shared / "baltimore.osm.pbf")]
    pool = PoolConfig(n_pairs=60, n_gps_only=30, n_sig_only=30) if quick else PoolConfig()
    rows = []
    pc = PairingConfig()
    for label, path in nets:
        if path is not None and not path.exists():
            continue
        if path is None:
            from ..network.defaults import default_network
            path = default_network()
        net = load_network(str(path))
        for window in (3600.0, 600.0):
            sig, gps, truth = simulated_pool(net, replace(pool, window_s=window), seed=7)
            t0 = time.perf_counter()
            res = pair_traces(sig, gps, pc)
            dt = time.perf_counter() - t0
            pr = precision_recall(res.pairs, truth)
            prec = f"{100 * pr['precision']:.1f}%" if pr["accepted"] else "- (none accepted)"
            rows.append(f"| {label} | {window / 60:.0f} min | {len(sig)} / {len(gps)} / {pr['pairable']} | "
                        f"{pr['accepted']} | {prec} | {100 * pr['recall']:.1f}% | "
                        f"{res.candidates_checked} | {dt:.2f} s |")
    cmd = "sig2gps bench --only pairing" + (" --quick" if quick else "")
    return "\n".join([
        machine_line(), "",
        f"Command: `{cmd}`. Pool per row: {pool.n_pairs} trips with signaling and GPS, {pool.n_gps_only} "
        f"GPS-only and {pool.n_sig_only} signaling-only distractors, all starting within the window; "
        f"GPS cut to a random {pool.gps_keep[0]:.0%}-{pool.gps_keep[1]:.0%} of its trip; ids shuffled (seed 7). "
        "Precision = correct / accepted pairs; recall = correct / traces that have a GPS partner. "
        f"Default `PairingConfig`: overlap >= {pc.min_overlap_s:.0f} s and >= {pc.min_overlap_share:.0%} of the "
        f"trace, holding >= {pc.min_records} records; GPS within {pc.max_tower_m:.0f} m of the serving tower "
        f"at >= {pc.min_within_share:.0%} of the records; GPS moving >= {pc.min_moving_share:.0%} of the time and >= {pc.min_extent_m:.0f} m from its "
        f"start; score = mean distance between the GPS (moving mean) and the towers (moving median) over "
        f"+-{pc.smooth_s:.0f} s, at most {pc.max_score_m:.0f} m, and {pc.ambiguity_ratio}x and {pc.ambiguity_floor_m:.0f} m "
        f"better than any other candidate with >= {pc.min_rival_records} records in its overlap (else dropped as "
        "ambiguous). Tuned on other seeds than the one reported here.", "",
        "| network | start window | signaling / GPS / pairable | accepted | precision | recall | "
        "candidates checked | pairing time |",
        "|---|---|---|---:|---:|---:|---:|---:|", *rows, "",
        "A shorter start window packs more simultaneous trips into the same streets, so more candidates "
        "fit and more traces are dropped as ambiguous: recall falls, precision is what the ambiguity margin "
        "protects. Helsinki's extract is about 3 km across with trips of a few minutes, against cells "
        "hundreds of metres wide: nearly every trace there has a stranger that fits as well as its partner, "
        "so nearly all are dropped, and the handful accepted are no better than a coin toss: pair only over "
        "city-sized areas (the real use: a city's signaling against its taxi fleet)."])
