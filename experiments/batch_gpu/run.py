"""The batch benchmark on the GPU machine: Ray scaling over many cores, and the video GPU actor pool.

    python experiments/batch_gpu/run.py --workers 1 2 4 8 16 --traces 12000 --video-gpus 1 --json PATH

1. Simulates --traces trips on the embedded Helsinki network, split over --sim-procs processes
   (simulation is slower than `hmm`, so one process would dominate the run). Every chunk uses the
   same cell sites (same placement seed) and its own trip seed and id prefix; each chunk is one
   CSV file of the input.
2. For each --workers count: `run_batch` with `hmm` on a fresh local Ray (`ray.init(num_cpus=w)`),
   one row of throughput figures each. The points of --check-traces traces are compared with the
   single-process pipeline's (which also gives the no-Ray reference rate).
3. For each --video-gpus count G: the `video` method through the GPU actor pool (G actors, one GPU
   each, one model load per actor, --video-batch videos per forward pass) on --video-traces
   traces. G = 0 runs one CPU actor instead (for tests and machines without a GPU).

The JSON is rewritten after every row, so a run cut short keeps what it measured.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from math import ceil
from multiprocessing import get_context
from pathlib import Path

SITES_SEED, TRIP_SEED = 7, 1000
SUMMARY_KEYS = ("workers", "seconds_total", "seconds_ray_start", "seconds_shuffle", "seconds_worker_start",
                "seconds_partitions", "traces_per_s", "records_per_s", "traces_per_s_partitions",
                "records_per_s_partitions", "cpu_seconds", "traces_ok", "traces_failed", "records",
                "partitions_total", "device")


def log(msg: str) -> None:
    print(f"[batch-bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _simulate_chunk(job: tuple) -> tuple[int, int, float]:
    """One process: simulate `n` trips, write them as one CSV; returns (traces, records, seconds)."""
    net_path, k, n, out = job
    from sig2gps.io import write_signaling
    from sig2gps.network import load_network
    from sig2gps.simulate import SimConfig, simulate
    from sig2gps.simulate.towers import place_sites
    import numpy as np

    t0 = time.perf_counter()
    net, cfg = load_network(net_path), SimConfig()
    sites = place_sites(net, np.random.default_rng(SITES_SEED), cfg.towers)  # the same sites in every chunk
    sim = simulate(net, n, seed=TRIP_SEED + k, cfg=cfg, sites=sites, id_prefix=f"C{k:02d}T")
    write_signaling(out, [s.signaling for s in sim.traces])
    return len(sim.traces), int(sum(len(s.signaling) for s in sim.traces)), time.perf_counter() - t0


def simulate_inputs(net_path: str, n: int, procs: int, folder: Path) -> dict:
    """--traces trips as `procs` CSV files in `folder` (one per simulating process)."""
    folder.mkdir(parents=True, exist_ok=True)
    procs = max(1, min(procs, n))
    sizes = [n // procs + (1 if k < n % procs else 0) for k in range(procs)]
    jobs = [(net_path, k, sizes[k], str(folder / f"part-{k:02d}.csv")) for k in range(procs)]
    t0 = time.perf_counter()
    if procs == 1:
        res = [_simulate_chunk(jobs[0])]
    else:  # spawn: the parent may already hold threads (torch, Ray) that fork would copy badly
        with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as ex:
            res = list(ex.map(_simulate_chunk, jobs))
    dt = time.perf_counter() - t0
    traces, records = sum(r[0] for r in res), sum(r[1] for r in res)
    return {"traces": traces, "records": records, "files": procs, "processes": procs, "seconds": dt,
            "trips_per_s": traces / dt}


def read_first_traces(folder: Path, m: int) -> list:
    """The first `m` traces of the input files, in file order."""
    from sig2gps.io import read_signaling

    out = []
    for f in sorted(folder.glob("part-*.csv")):
        out += read_signaling(f)[0]
        if len(out) >= m:
            break
    return out[:m]


def _points(recons_or_out, ids: set | None = None):
    from sig2gps.batch import read_table
    from sig2gps.batch.outputs import points_frame

    df = points_frame(recons_or_out) if isinstance(recons_or_out, list) else read_table(recons_or_out, "points")
    if ids is not None:
        df = df[df["trace_id"].isin(ids)]
    return df.sort_values(["trace_id", "rollout", "timestamp"]).reset_index(drop=True)


def same_points(got, exp) -> bool:
    if len(got) != len(exp):
        return False
    if not (got[["trace_id", "rollout"]].values == exp[["trace_id", "rollout"]].values).all():
        return False
    d = abs(got[["timestamp", "lon", "lat"]].to_numpy(float) - exp[["timestamp", "lon", "lat"]].to_numpy(float))
    return bool(len(d) == 0 or d.max() < 1e-9)


def _guarded(rec: dict, what: str, fn):
    """One failing row (a CUDA error, a Ray start that fails) is recorded; the other rows still run."""
    import traceback

    try:
        return fn()
    except Exception as e:
        traceback.print_exc()
        rec["skipped"].append(f"{what}: failed ({type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''})")
        log(f"{what}: FAILED: {e!r}")
        try:  # a Ray left running by the failed row would be reused by the next one
            import ray

            ray.shutdown()
        except Exception:
            pass
        return None


def _row(summary: dict, **extra) -> dict:
    row = {k: summary.get(k) for k in SUMMARY_KEYS}
    row.update(extra)
    return row


def measure_hmm(parts: Path, net_path: str, workers: list[int], partitions: int, check, work: Path,
                rec: dict, save, deadline: float) -> None:
    """One fresh local Ray per worker count; appends rows to rec["hmm_rows"] (saved after each)."""
    from sig2gps.batch import BatchConfig, run_batch

    ref_points, ids = check
    for w in workers:
        if time.time() > deadline:
            rec["skipped"].append(f"hmm, {w} workers: time budget spent")
            log(f"skip hmm w={w}: time budget spent")
            save()
            continue
        out = work / f"hmm-w{w}"
        log(f"hmm: {w} workers ...")
        s = _guarded(rec, f"hmm, {w} workers", lambda: run_batch(BatchConfig(
            input=str(parts), out=str(out), method="hmm", network=net_path, workers=w, partitions=partitions,
            progress=False)))
        if s is None:
            save()
            continue
        row = _row(s, workers=w, same_points_as_pipeline=same_points(_points(out, ids), ref_points))
        rec["hmm_rows"].append(row)
        log(f"hmm: {w} workers: {s['traces_per_s']:.1f} traces/s end-to-end, "
            f"{s.get('traces_per_s_partitions', 0):.1f} traces/s pool, {s['seconds_total']:.1f} s, "
            f"same points {row['same_points_as_pipeline']}")
        save()


def measure_video(traces: list, net_path: str, gpu_counts: list[int], a, work: Path, rec: dict, save,
                  deadline: float) -> None:
    from sig2gps.batch import BatchConfig, run_batch
    from sig2gps.io import write_signaling

    vin = work / "video-in"
    vin.mkdir(parents=True, exist_ok=True)
    n_files = 4
    step = ceil(len(traces) / n_files)
    for i in range(n_files):
        if traces[i * step:(i + 1) * step]:
            write_signaling(vin / f"part-{i:02d}.csv", traces[i * step:(i + 1) * step])
    n_cuda = 0
    if any(g > 0 for g in gpu_counts):
        import torch

        n_cuda = torch.cuda.device_count() if torch.cuda.is_available() else 0
    for g in gpu_counts:
        if g > n_cuda:
            rec["skipped"].append(f"video, {g} GPUs: this machine has {n_cuda}")
            log(f"skip video g={g}: {n_cuda} GPUs here")
            continue
        if time.time() > deadline:
            rec["skipped"].append(f"video, {g} GPUs: time budget spent")
            continue
        opts = {"rollouts": 1, "frames": a.video_frames, "steps": a.video_steps, "seed": 0,
                "device": "cuda" if g else "cpu", "extra": {"batch": a.video_batch}}
        # About 4 batches per partition: enough partitions to keep every GPU busy to the end.
        parts = max(2 * max(g, 1), ceil(len(traces) / (4 * a.video_batch)))
        out = work / f"video-g{g}"
        log(f"video: {g} GPUs ({'cuda' if g else 'one CPU actor'}), {len(traces)} traces, {parts} partitions ...")
        s = _guarded(rec, f"video, {g} GPUs", lambda: run_batch(BatchConfig(
            input=str(vin), out=str(out), method="video", network=net_path, workers=max(g, 1),
            gpus_per_worker=1.0 if g else 0.0, options=opts, partitions=parts, batch_traces=a.video_batch,
            progress=False)))
        if s is None:
            save()
            continue
        rec["video_rows"].append(_row(s, gpus=g, frames=a.video_frames, steps=a.video_steps, rollouts=1,
                                      batch=a.video_batch))
        log(f"video: {g} GPUs: {s['traces_per_s']:.1f} traces/s end-to-end, "
            f"{s.get('traces_per_s_partitions', 0):.1f} traces/s pool, failed {s['traces_failed']}")
        save()


def device_name() -> str:
    try:
        import torch

        if torch.cuda.is_available():
            return f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}"
    except Exception:  # no torch / no driver: the machine line names no device
        pass
    return ""


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python experiments/batch_gpu/run.py",
                                 description="Batch (Ray) scaling for hmm over local cores + the video GPU actor pool.")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8, 16], help="hmm rows: local Ray workers")
    ap.add_argument("--traces", type=int, default=12000, help="simulated trips for the hmm rows")
    ap.add_argument("--sim-procs", type=int, default=0, help="simulating processes (0 = CPU count)")
    ap.add_argument("--partitions", type=int, default=0, help="hash partitions (0 = 4 x the largest worker count)")
    ap.add_argument("--check-traces", type=int, default=500, help="traces compared with the single-process pipeline")
    ap.add_argument("--video-gpus", type=int, nargs="*", default=[1], help="video rows: GPUs (0 = one CPU actor)")
    ap.add_argument("--video-traces", type=int, default=2000)
    ap.add_argument("--video-frames", type=int, default=13)
    ap.add_argument("--video-steps", type=int, default=20)
    ap.add_argument("--video-batch", type=int, default=64, help="traces per reconstruct_many call = videos per pass")
    ap.add_argument("--budget-s", type=float, default=400, help="start no new row after this many seconds")
    ap.add_argument("--json", required=True, help="write the result here (rewritten after every row)")
    ap.add_argument("--work", help="scratch folder (default: a temporary one, removed at the end)")
    a = ap.parse_args(argv)
    if min(a.workers) < 1 or a.traces < 1 or any(g < 0 for g in a.video_gpus):
        ap.error("--workers and --traces must be >= 1, --video-gpus >= 0")
    if a.video_frames < 5 or (a.video_frames - 1) % 4:
        ap.error(f"--video-frames must be 4k+1 (5, 9, 13, ...), got {a.video_frames}")
    return a


def main(argv=None) -> int:
    a = parse_args(argv)
    from sig2gps.methods import MethodOptions
    from sig2gps.network import load_network
    from sig2gps.network.defaults import default_network
    from sig2gps.pipeline import reconstruct_traces
    from sig2gps.machine import machine_line

    t_start = time.time()
    deadline = t_start + a.budget_s
    net_path = default_network()
    partitions = a.partitions or 4 * max(a.workers)
    rec = {"machine": machine_line(device_name()), "cpu_count": os.cpu_count(),
           "command": "python experiments/batch_gpu/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
           "method": "hmm", "partitions": partitions, "hmm_rows": [], "video_rows": [], "skipped": []}
    out_json = Path(a.json)
    out_json.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        rec["seconds_so_far"] = time.time() - t_start
        out_json.write_text(json.dumps(rec, indent=1))

    with tempfile.TemporaryDirectory(prefix="sig2gps-batch-dev-", dir=a.work) as tmp:
        work = Path(tmp)
        procs = a.sim_procs or os.cpu_count() or 1
        log(f"simulating {a.traces} trips on {procs} processes ...")
        rec["simulation"] = simulate_inputs(net_path, a.traces, procs, work / "parts")
        rec["records_per_trace"] = rec["simulation"]["records"] / max(rec["simulation"]["traces"], 1)
        log(f"simulated {rec['simulation']['traces']} trips, {rec['simulation']['records']} records "
            f"in {rec['simulation']['seconds']:.1f} s")
        save()
        sample = read_first_traces(work / "parts", a.check_traces)
        ref = reconstruct_traces(sample, "hmm", load_network(net_path), MethodOptions())
        n_rec = sum(len(t) for t in sample)
        rec["single_process"] = {"traces": len(sample), "records": n_rec, "seconds": ref.seconds_total,
                                 "traces_per_s": len(sample) / ref.seconds_total,
                                 "records_per_s": n_rec / ref.seconds_total, "failed": len(ref.errors)}
        log(f"single process on {len(sample)} traces: {rec['single_process']['traces_per_s']:.1f} traces/s")
        save()
        check = (_points(ref.reconstructions), {t.trace_id for t in sample})
        measure_hmm(work / "parts", net_path, a.workers, partitions, check, work, rec, save, deadline)
        if a.video_gpus:
            vtraces = read_first_traces(work / "parts", a.video_traces)
            measure_video(vtraces, net_path, a.video_gpus, a, work, rec, save, deadline)
    rec["seconds_total"] = time.time() - t_start
    save()
    log(f"done in {rec['seconds_total']:.0f} s; wrote {out_json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
