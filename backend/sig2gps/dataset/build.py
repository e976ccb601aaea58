"""Build a dataset from simulated (or real) pairs folders: render in worker processes, write shards.

A pairs folder is what `sig2gps simulate` writes: signaling.csv, gps.csv (same trace ids),
optionally cells.csv, and meta.json naming the road network it was made on.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..render.compose import RenderConfig
from ..render.roads import RoadGeometry
from ..render.style import STYLE_PATH, load_style
from .sample import make_sample
from .store import ShardWriter


@dataclass(frozen=True)
class BuildConfig:
    render: RenderConfig = RenderConfig()
    shard_size: int = 256  # samples per shard file (~10-20 MB compressed at 256 px)
    workers: int = 0  # rendering processes; 0 = all cores
    chunk: int = 16  # pairs per task sent to a worker
    compress: bool = True  # zlib shards: ~10x smaller, ~1000 samples/s to read back on one core
    require_in_view: bool = False  # drop pairs whose GPS path leaves the view (else kept, flagged)


def read_pairs(folder) -> tuple[list[tuple], str | None, list[tuple[str, str]]]:
    """[(trace_id, sig_t, sig_lon, sig_lat, gps_t, gps_lon, gps_lat)], network path from meta.json,
    and [(trace_id, reason)] for traces that cannot be paired."""
    from ..io import read_cells, read_gps, read_signaling

    folder = Path(folder)
    for name in ("signaling.csv", "gps.csv"):
        if not (folder / name).exists():
            raise FileNotFoundError(f"{folder / name}: missing (a pairs folder holds signaling.csv and gps.csv)")
    cells = read_cells(folder / "cells.csv") if (folder / "cells.csv").exists() else None
    sigs, rs = read_signaling(folder / "signaling.csv", cells)
    gps, rg = read_gps(folder / "gps.csv", min_points=2)
    by_id = {g.trace_id: g for g in gps}
    errors = [(e.trace_id, e.reason) for e in rs.errors + rg.errors]
    pairs = []
    for s in sigs:
        g = by_id.get(s.trace_id)
        if g is None:
            errors.append((s.trace_id, f"{folder / 'gps.csv'}: no GPS for this trace"))
            continue
        pairs.append((s.trace_id, s.t, s.lon, s.lat, g.t, g.lon, g.lat))
    network = None
    if (folder / "meta.json").exists():
        try:
            network = json.loads((folder / "meta.json").read_text()).get("network")
        except json.JSONDecodeError as e:
            raise ValueError(f"{folder / 'meta.json'}: line {e.lineno}: not JSON ({e.msg})") from None
    return pairs, network, errors


# Worker state, inherited through fork: road geometry per network key, the render config.
_ROADS: dict[str, RoadGeometry] = {}
_CFG: RenderConfig | None = None


def _render_chunk(task):
    key, source, chunk = task
    style = load_style()
    out = []
    for tid, st, slon, slat, gt, glon, glat in chunk:
        try:
            out.append((tid, source, make_sample(st, slon, slat, gt, glon, glat, _ROADS[key], _CFG, style), None))
        except Exception as e:  # one bad pair never stops the others
            out.append((tid, source, None, f"{type(e).__name__}: {e}"))
    return out


def build_dataset(pair_dirs, out, cfg: BuildConfig = BuildConfig(), network: str | None = None,
                  log=print) -> dict:
    """Render every pair of every folder into shards under `out`; returns the manifest."""
    global _CFG
    from ..network import load_network

    t_start = time.perf_counter()
    tasks, errors, sources = [], [], []
    for d in pair_dirs:
        pairs, net_path, errs = read_pairs(d)
        errors += [(str(d), t, r) for t, r in errs]
        net_path = network or net_path
        if not net_path:
            raise ValueError(f"{Path(d) / 'meta.json'}: no 'network' field; pass --network")
        if net_path not in _ROADS:
            net = load_network(net_path) if not str(net_path).endswith(".npz") else _load_plain(net_path)
            _ROADS[net_path] = RoadGeometry.from_network(net)
        sources.append({"pairs": str(d), "network": str(net_path), "n": len(pairs)})
        tasks += [(net_path, str(d), pairs[i:i + cfg.chunk]) for i in range(0, len(pairs), cfg.chunk)]
    _CFG = cfg.render
    t_read = time.perf_counter() - t_start
    writer = ShardWriter(Path(out), cfg.shard_size, cfg.compress)
    n_done = n_dropped = 0
    next_log = 1000
    workers = cfg.workers or mp.cpu_count()
    t0 = time.perf_counter()
    ctx = mp.get_context("fork")
    with ctx.Pool(workers) if workers > 1 else _Serial() as pool:
        for results in pool.imap(_render_chunk, tasks):
            for tid, src, sample, err in results:
                if err is not None:
                    errors.append((src, tid, err))
                elif cfg.require_in_view and not sample["gps_in_view"]:
                    n_dropped += 1
                else:
                    writer.add(sample, tid, src)
                    n_done += 1
            if log and n_done >= next_log:
                next_log += 1000
                log(f"  {n_done} pairs rendered ({n_done / (time.perf_counter() - t0):.1f}/s)")
    t_render = time.perf_counter() - t0
    _write_errors(Path(out) / "errors.csv", errors)
    style = json.loads(STYLE_PATH.read_text()) if STYLE_PATH.exists() else None
    return writer.close({"render": asdict(cfg.render), "sources": sources, "errors": len(errors),
                         "dropped_out_of_view": n_dropped, "workers": workers, "seconds_read": t_read,
                         "seconds_render": t_render, "pairs_per_s": n_done / t_render if t_render else None,
                         "style": style})


def _load_plain(path):
    from .plain import load_plain

    return load_plain(path)


def _write_errors(path: Path, errors) -> None:
    import csv

    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "trace_id", "reason"])
        w.writerows(errors)


class _Serial:
    """Pool stand-in for workers=1 (no processes: easier to debug and to test)."""

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    @staticmethod
    def imap(f, it):
        return map(f, it)
