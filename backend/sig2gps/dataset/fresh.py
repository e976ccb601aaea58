"""Fresh training samples on the fly: simulate trips on plain networks and render them, in worker
processes. Needs numpy, scipy and PIL only, so it runs on the GPU machine that trains the model:

    python -m sig2gps.dataset.fresh --network nets/*.npz --samples 2000 --workers 16 [--out DS]

(with backend/ on PYTHONPATH). Every sample is a new trip (seeds never repeat within a run), the
same sample dicts as the stored dataset (sig2gps.dataset.sample), so a trainer can mix both.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..render.compose import RenderConfig
from ..render.roads import RoadGeometry
from ..render.style import load_style
from .plain import load_plain
from .sample import make_sample


@dataclass(frozen=True)
class FreshConfig:
    render: RenderConfig = RenderConfig()
    trips_per_task: int = 8  # trips simulated together (they share the towers of one simulate() call)
    require_in_view: bool = True  # skip trips whose GPS leaves the view (the model cannot draw them)


_NETS: list = []  # (PlainNetwork, RoadGeometry) per network, inherited by forked workers


def _task(args):
    net_i, seed, cfg = args
    from ..simulate import simulate

    net, roads = _NETS[net_i]
    res = simulate(net, cfg.trips_per_task, seed=seed, id_prefix=f"N{net_i}S{seed}-")
    style = load_style()
    out = []
    for tr in res.traces:
        s, g = tr.signaling, tr.gps
        smp = make_sample(s.t, s.lon, s.lat, g.t, g.lon, g.lat, roads, cfg.render, style)
        if cfg.require_in_view and not smp["gps_in_view"]:
            continue
        out.append((s.trace_id, smp))
    return out


def fresh_samples(network_paths, n: int, seed: int = 0, workers: int = 0, cfg: FreshConfig = FreshConfig()):
    """Yield (trace_id, sample) until n samples, simulating and rendering in `workers` processes."""
    _NETS.clear()
    for p in network_paths:
        net = load_plain(p)
        _NETS.append((net, RoadGeometry.from_network(net)))
    rng = np.random.default_rng(seed)
    workers = workers or mp.cpu_count()

    def tasks():
        k = 0
        while True:  # seeds never repeat: every trip is new
            yield int(rng.integers(len(_NETS))), seed * 1_000_003 + k, cfg
            k += 1

    done = 0
    pool = mp.get_context("fork").Pool(workers)
    try:
        for batch in pool.imap_unordered(_task, tasks(), chunksize=1):
            for item in batch:
                yield item
                done += 1
                if done >= n:
                    return
    finally:
        pool.terminate()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sig2gps.dataset.fresh", description=__doc__.split("\n\n")[0])
    ap.add_argument("--network", nargs="+", required=True, help="plain networks (.npz from `sig2gps dataset --export-network`)")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frames", type=int, default=21)
    ap.add_argument("--out", help="also write the samples as a dataset folder (shards)")
    ap.add_argument("--report", help="write the measured rate as JSON here (for docs/BENCHMARKS.md)")
    a = ap.parse_args(argv)
    cfg = FreshConfig(render=RenderConfig(size=a.size, frames=a.frames))
    writer = None
    if a.out:
        from .store import ShardWriter

        writer = ShardWriter(Path(a.out))
    t0 = time.perf_counter()
    n = 0
    for tid, smp in fresh_samples(a.network, a.samples, a.seed, a.workers, cfg):
        n += 1
        if writer:
            writer.add(smp, tid, "fresh")
    dt = time.perf_counter() - t0
    if writer:
        writer.close({"render": {"size": a.size, "frames": a.frames}, "sources": [str(p) for p in a.network]})
    if a.report:
        import json
        import platform
        from datetime import datetime, timezone

        from ..machine import machine_line

        Path(a.report).write_text(json.dumps({
            "device": machine_line().split(". Date")[0].removeprefix("Machine: "), "host": platform.node(),
            "samples": n, "seconds": dt, "samples_per_s": n / dt, "workers": a.workers or mp.cpu_count(),
            "networks": ", ".join(Path(p).name for p in a.network), "size": a.size, "frames": a.frames,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python -m sig2gps.dataset.fresh " + " ".join(sys.argv[1:] if argv is None else argv)}, indent=2))
    print(f"{n} fresh samples in {dt:.1f} s: {n / dt:.1f} samples/s on {a.workers or mp.cpu_count()} workers "
          f"({a.size} px, {a.frames} frames)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
