"""sig2gps pair: link signaling traces to GPS trajectories from another system (no shared ids)."""
from __future__ import annotations

import csv
import time


def add_parser(sub):
    p = sub.add_parser("pair", help="pair signaling traces with GPS trajectories by spatio-temporal consistency")
    p.add_argument("--signaling", required=True, help="signaling CSV: trace_id,timestamp,cell_id,lon,lat")
    p.add_argument("--cells", help="cells CSV (cell_id,lon,lat) when the signaling file has no positions")
    p.add_argument("--gps", required=True, help="GPS CSV: trace_id,timestamp,lon,lat")
    p.add_argument("--out", required=True, help="pairs CSV: signaling_id,gps_id,score_m,second_m,...")
    p.add_argument("--rejected", help="also write why each unpaired signaling trace was left out (CSV)")
    p.add_argument("--max-tower-m", type=float, help="GPS-to-serving-tower bound in metres (default 3000)")
    p.add_argument("--min-overlap-s", type=float, help="shortest time overlap (default 300)")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    return p


def run(args):
    from dataclasses import replace
    from pathlib import Path

    from ..io import read_cells, read_gps, read_signaling
    from ..pairing import PairingConfig, pair_traces, write_pairs

    outs = [Path(args.out)] + ([Path(args.rejected)] if args.rejected else [])
    existing = [str(p) for p in outs if p.exists()]
    if existing and not args.overwrite:
        raise FileExistsError(f"would overwrite {', '.join(existing)} (pass --overwrite to replace)")
    cfg = PairingConfig()
    if args.max_tower_m is not None:
        cfg = replace(cfg, max_tower_m=args.max_tower_m)
    if args.min_overlap_s is not None:
        cfg = replace(cfg, min_overlap_s=args.min_overlap_s)
    cells = read_cells(args.cells) if args.cells else None
    sig, rs = read_signaling(args.signaling, cells=cells)
    gps, rg = read_gps(args.gps, min_points=2)
    for w in rs.warnings + rg.warnings:
        print(f"warning: {w}")
    for e in rs.errors + rg.errors:
        print(f"skipped: {e.reason}")
    if not sig:
        raise ValueError(f"{args.signaling}: no usable signaling trace")
    if not gps:
        raise ValueError(f"{args.gps}: no usable GPS trajectory")
    t0 = time.perf_counter()
    res = pair_traces(sig, gps, cfg)
    for p in outs:
        p.parent.mkdir(parents=True, exist_ok=True)
    write_pairs(args.out, res.pairs)
    if args.rejected:
        with open(args.rejected, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["signaling_id", "reason"])
            for tid, why in sorted(res.rejected.items()):
                w.writerow([tid, why])
    print(f"paired {len(res.pairs)} of {len(sig)} signaling traces with {len(gps)} GPS trajectories "
          f"({res.candidates_checked} candidates checked, {time.perf_counter() - t0:.1f} s) -> {args.out}")
    return 0
