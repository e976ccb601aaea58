"""Map-visual data: read-back accuracy on rendered truth, rendering throughput and bytes per pair,
reading speed, and fresh numpy-only samples per second.

Trips are simulated on the embedded Helsinki extract and, when ../shared/data is present, on
Paris and Monaco; every trace is rendered at the default size and frame count, read back with
sig2gps.extract and scored with sig2gps.metrics.evaluate_tracks (the evaluate command's code).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
from pathlib import Path

import numpy as np

ORDER = 40
TITLE = "Map-visual data (render, extract, rewards, dataset)"
SHARED_NETS = ("paris.osm.pbf", "monaco.osm.pbf")
N_ACC, N_ACC_QUICK = 40, 8  # traces per network for accuracy
N_BUILD, N_BUILD_QUICK = 150, 20  # pairs per network for throughput
N_FRESH, N_FRESH_QUICK = 150, 20


def _networks() -> list[str]:
    from ..benchdata import DEFAULT_OSM_DIR
    from ..network.defaults import default_network

    shared = Path(DEFAULT_OSM_DIR)
    return [default_network()] + [str(shared / n) for n in SHARED_NETS if (shared / n).exists()]


def _accuracy(net, n: int, seed: int) -> dict:
    from ..extract import OK_READING, read_frames
    from ..metrics import evaluate_tracks, point_errors
    from ..render import RenderConfig, RoadGeometry, conditioning_image, fit_view, target_video
    from ..rewards import frame_rewards, truth_at_frames
    from ..simulate import simulate

    cfg = RenderConfig()
    roads = RoadGeometry.from_network(net)
    res = simulate(net, n, seed=seed)
    truth, pred, px_err, mpp, ok, inview, rw, t_read = {}, {}, [], [], 0, 0, [], 0.0
    for tr in res.traces:
        s, g = tr.signaling, tr.gps
        geom = fit_view(s.lon, s.lat, cfg)
        cond = conditioning_image(geom, roads, s.lon, s.lat)
        vid = target_video(geom, cond, g.t, g.lon, g.lat, s.t[0], s.t[-1], cfg)
        t0 = time.perf_counter()
        r = read_frames(vid, geom, s.t[0], s.t[-1])
        t_read += time.perf_counter() - t0
        gx, gy = geom.lonlat_to_px(g.lon, g.lat)
        inview += bool(geom.contains_px(gx, gy).all())
        ok += r.quality == OK_READING
        mpp.append(geom.metres_per_pixel())
        truth[g.trace_id] = (g.t, g.lon, g.lat)
        if len(r.t):
            pred[g.trace_id] = (r.t, r.lon, r.lat)
            px_err.append(point_errors(g.t, g.lon, g.lat, r.t, r.lon, r.lat) / mpp[-1])
        tl, ta = truth_at_frames(g.t, g.lon, g.lat, s.t[0], s.t[-1], cfg.frames)
        rw.append(list(frame_rewards(vid, geom, tl, ta).values()))
    m = evaluate_tracks(truth, pred)
    errs_m = np.concatenate([px * w for px, w in zip(px_err, mpp)]) if px_err else np.array([np.nan])
    return {"n": len(res.traces), "ok": ok, "in_view": inview, "mpp_median": float(np.median(mpp)),
            "mpp_range": (float(np.min(mpp)), float(np.max(mpp))), "median_m": float(np.median(errs_m)),
            "median_px": float(np.median(np.concatenate(px_err))), "p90_px": float(np.percentile(np.concatenate(px_err), 90)),
            "overall": m["overall"], "missing": len(m["missing"]), "rewards": np.mean(rw, axis=0).tolist(),
            "continuity_all": float(np.mean([x[2] for x in rw])), "read_s": t_read / max(len(res.traces), 1)}


def run(args) -> str:
    from ..machine import machine_line
    from ..dataset import MapVisualDataset, decode_video
    from ..dataset.build import BuildConfig, build_dataset
    from ..dataset.fresh import fresh_samples
    from ..dataset.plain import export_plain
    from ..network import load_network
    from ..simulate import simulate, write_simulation

    quick = getattr(args, "quick", False)
    n_acc, n_build, n_fresh = (N_ACC_QUICK, N_BUILD_QUICK, N_FRESH_QUICK) if quick else (N_ACC, N_BUILD, N_FRESH)
    nets = {p: load_network(p) for p in _networks()}
    cores = mp.cpu_count()
    load = os.getloadavg()[0]
    lines = [machine_line() + f" Load average at the start: {load:.1f} on {cores} cores"
             + (" (other jobs were sharing them: throughput figures here are lower bounds)." if load > cores else "."), "",
             f"Command: `sig2gps bench --only render{' --quick' if quick else ''}` "
             f"(networks: {', '.join(Path(p).name for p in nets)}; default render config: 256x256 px, 21 frames).", ""]

    # 1. Read-back accuracy on rendered ground truth.
    lines += ["### Reading rendered ground truth back",
              "",
              f"{n_acc} simulated trips per network, rendered (view from the signaling towers only, as at inference), "
              "read back by `sig2gps.extract.read_frames`, scored with `metrics.evaluate_tracks` (what "
              "`sig2gps evaluate` runs) at every GPS timestamp. Pixel errors divide each trace's errors by its own "
              "ground metres per pixel. Rewards are those of `sig2gps.rewards` on the true videos (ideal: 1, 1, 1).",
              "",
              "| network | traces | m/px median (range) | median error m | median px | p90 px | MAE m | read `ok` | GPS in view | rewards dist / dir / cont | read s/trace |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    accs = {}
    for p, net in nets.items():
        a = _accuracy(net, n_acc, seed=1)
        accs[p] = a
        o = a["overall"]
        r = a["rewards"]
        lines.append(f"| {Path(p).name} | {a['n']} | {a['mpp_median']:.1f} ({a['mpp_range'][0]:.1f}-{a['mpp_range'][1]:.1f}) "
                     f"| {a['median_m']:.1f} | {a['median_px']:.2f} | {a['p90_px']:.2f} | {o['mae_m']:.1f} | "
                     f"{a['ok']}/{a['n']} | {a['in_view']}/{a['n']} | {r[0]:.3f} / {r[1]:.3f} / {r[2]:.2f} | {a['read_s']:.3f} |")
    lines += ["", "The target (issue 4): median error within 1 pixel-equivalent metres. Errors between frames come "
              "from assuming a constant speed along the drawn path between two frame times (stops at junctions); "
              "the dots themselves are read to ~0.05 px.", ""]

    # 2. Dataset build throughput and size.
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dirs = []
        for i, (p, net) in enumerate(nets.items()):
            d = tmp / f"pairs{i}"
            res = simulate(net, n_build, seed=100 + i)
            write_simulation(d, res, net, {"network": p})
            dirs.append(str(d))
        t0 = time.perf_counter()
        m = build_dataset(dirs, tmp / "ds", BuildConfig(workers=cores), log=None)
        wall = time.perf_counter() - t0
        ds = MapVisualDataset(tmp / "ds")
        t0 = time.perf_counter()
        k = 0
        for smp, _, _ in ds.iter_samples():
            decode_video(smp)
            k += 1
        t_dec = time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(ds.n_shards):
            ds.load_shard(i)
        t_load = time.perf_counter() - t0
        raw = 256 * 256 * 3 * 21
        lines += ["### Building the dataset (`sig2gps dataset`)", "",
                  f"{m['n']} pairs from {len(dirs)} cities ({n_build} each), {cores} worker processes: "
                  f"**{m['pairs_per_s']:.1f} pairs/s** rendering ({wall:.1f} s wall including reading the CSVs and "
                  f"loading networks); **{m['bytes_per_pair'] / 1024:.1f} KiB per pair** on disk "
                  f"(compressed shards: conditioning image, two path layers, dot positions; the decoded 21-frame "
                  f"video is {raw / 2**20:.1f} MiB). Projection: 10,000 pairs in "
                  f"{10000 / m['pairs_per_s'] / 60:.1f} min and {10000 * m['bytes_per_pair'] / 2**20:.0f} MiB on this machine.",
                  "",
                  f"Reading back: loading all {ds.n_shards} shards takes {t_load:.2f} s "
                  f"({m['n'] / t_load:.0f} samples/s, one core); decoding samples to 21 RGB frames with numpy: "
                  f"{k / t_dec:.0f} samples/s (one core). Errors: {m['errors']}.",
                  "",
                  "Command: `sig2gps simulate --network CITY --traces N --out pairs/CITY` per city, then "
                  "`sig2gps dataset --pairs pairs/* --out DS`.", ""]

        # 3. Fresh samples from plain networks (numpy/scipy/PIL only).
        npzs = [export_plain(net, tmp / f"{Path(p).name.split('.')[0]}.npz") for p, net in nets.items()]
        t0 = time.perf_counter()
        n = sum(1 for _ in fresh_samples(npzs, n_fresh, seed=3, workers=cores))
        dt = time.perf_counter() - t0
        lines += ["### Fresh samples for training (numpy/scipy/PIL only)", "",
                  f"`python -m sig2gps.dataset.fresh --network NETS.npz --samples {n_fresh} --workers {cores}` "
                  f"(simulate a new trip and render it, trips leaving the view skipped): **{n / dt:.1f} samples/s** "
                  f"on {cores} cores here (including starting the workers). Plain networks come from "
                  "`sig2gps dataset --export-network ROADS --out nets/` "
                  f"({', '.join(f'{q.name} {q.stat().st_size / 1024:.0f} KiB' for q in npzs)}).", ""]
    return "\n".join(lines)
