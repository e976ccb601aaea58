"""sig2gps dataset: render simulated pairs into the map-visual training store (shards + manifest),
or export road networks in plain form for machines without the GIS stack."""
from __future__ import annotations

from pathlib import Path

from ._common import add_overwrite


def add_parser(sub):
    p = sub.add_parser("dataset", help="build the map-visual training dataset from pairs folders")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--pairs", nargs="+", metavar="DIR", help="folders written by `sig2gps simulate` (several cities)")
    src.add_argument("--export-network", nargs="+", metavar="ROADS",
                     help="write each road network as a plain NAME.npz into --out (numpy-only simulation/rendering)")
    p.add_argument("--out", required=True, help="dataset folder (or, with --export-network, the folder for .npz files)")
    p.add_argument("--network", help="road network for all pairs folders (default: the one in each meta.json)")
    p.add_argument("--size", type=int, default=256, help="image size in pixels")
    p.add_argument("--frames", type=int, default=21, help="video frames, 4k+1")
    p.add_argument("--workers", type=int, default=0, help="rendering processes (0 = all cores)")
    p.add_argument("--shard-size", type=int, default=256, help="samples per shard file")
    p.add_argument("--no-compress", action="store_true", help="store shards uncompressed (bigger, faster to read)")
    p.add_argument("--require-in-view", action="store_true", help="drop pairs whose GPS path leaves the view")
    add_overwrite(p)
    return p


def run(args):
    if args.export_network:
        return _export(args)
    from ..dataset.build import BuildConfig, build_dataset
    from ..render.compose import RenderConfig

    out = Path(args.out)
    if (out / "manifest.json").exists() and not args.overwrite:
        raise FileExistsError(f"{out}: holds a dataset already (pass --overwrite to replace it)")
    if args.overwrite and out.exists():
        for f in list(out.glob("shard-*.npz")) + [out / "manifest.json", out / "errors.csv"]:
            if f.exists():
                f.unlink()
    cfg = BuildConfig(render=RenderConfig(size=args.size, frames=args.frames), shard_size=args.shard_size,
                      workers=args.workers, compress=not args.no_compress, require_in_view=args.require_in_view)
    m = build_dataset(args.pairs, out, cfg, network=args.network)
    print(f"dataset {out}: {m['n']} pairs in {len(m['shards'])} shards, {m['bytes'] / 2**20:.1f} MiB "
          f"({(m['bytes_per_pair'] or 0) / 1024:.0f} KiB/pair), {m['pairs_per_s'] or 0:.1f} pairs/s "
          f"on {m['workers']} workers; {m['errors']} errors (errors.csv), {m['dropped_out_of_view']} dropped")
    return 0


def _export(args):
    from ..dataset.plain import export_plain
    from ..network import load_network

    out = Path(args.out)
    for src in args.export_network:
        name = Path(src).name.split(".")[0]
        dst = out / f"{name}.npz"
        if dst.exists() and not args.overwrite:
            raise FileExistsError(f"{dst}: exists (pass --overwrite to replace it)")
        net = load_network(src)
        export_plain(net, dst)
        print(f"{src} -> {dst} ({net.n_nodes} nodes, {net.n_edges} edges, {dst.stat().st_size / 1024:.0f} KiB)")
    return 0
