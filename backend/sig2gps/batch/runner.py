"""run_batch(cfg): signaling files -> Parquet partitions of points/trajectories/errors, on Ray.

Stage 1: one Ray task per input file reads and validates it (sig2gps.io semantics) and writes its
records into hash partitions by trace id (shuffle.py). Stage 2: a pool of PartitionWorker actors,
each holding the road network (parsed once in the driver, cached as a pickle file) and one
method instance (one model load per actor); each actor takes whole partitions and calls the
method's reconstruct_many. CPU methods get one actor per CPU; with a cuda device the actors
each take a GPU and batch inside reconstruct_many. Faults: a bad trace is an `errors` row; a
dead worker is restarted by Ray and its partition retried (max_restarts / max_task_retries); a
partition that still fails reports all its traces in `errors` and stays out of the manifest, so
a rerun retries it; a rerun skips every partition the manifest lists.
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import time
from collections import deque
from math import ceil
from pathlib import Path

from ..io import InputError, read_cells
from ..methods import MethodOptions, get_method
from ..types import TraceError
from .config import MIB, BatchConfig
from .inputs import discover_inputs, fingerprint
from .outputs import (MANIFEST, SHUFFLE, SUMMARY, clear_outputs, errors_frame, load_manifest, part_path,
                      remove_partition, write_json_atomic)
from .progress import Progress
from .shuffle import atomic_parquet, bucket_trace_ids
from .worker import PartitionWorker, shard_file


def run_batch(cfg: BatchConfig) -> dict:
    """Run (or resume) one batch; returns the summary that is also written to OUT/summary.json."""
    import ray

    t_start = time.perf_counter()
    out = Path(cfg.out)
    files = discover_inputs(cfg.input)
    cls = get_method(cfg.method)
    try:
        options = MethodOptions(**cfg.options)
    except TypeError as e:
        raise ValueError(f"bad method options: {e}") from e
    opts = dataclasses.asdict(options)
    cells = read_cells(cfg.cells, cfg.read_options) if cfg.cells else None
    file_names = [str(f) for f in files]
    fp = fingerprint(files + [Path(p).resolve() for p in (cfg.network, cfg.cells) if p],
                     {"method": cfg.method, "options": opts, "read": dataclasses.asdict(cfg.read_options)})
    if cfg.overwrite:
        clear_outputs(out)
    manifest = _open_manifest(out, fp, files, cfg)
    n_parts = manifest["partitions_total"]
    shuffle_dir = out / SHUFFLE
    pending = [b for b in range(n_parts) if str(b) not in manifest["completed"]]
    progress = Progress(n_parts, enabled=cfg.progress)
    summary = {"method": cfg.method, "input_files": len(files), "partitions_total": n_parts,
               "partitions_skipped": n_parts - len(pending), "partitions_run": 0, "partitions_failed": [],
               "traces_ok": 0, "traces_failed": 0, "records": 0, "cpu_seconds": 0.0, "warnings": 0, "first_warnings": []}
    started = _start_ray(cfg) if pending else False
    try:
        if pending:
            summary["ray"] = cfg.ray_address or "local"
            t1 = time.perf_counter()
            summary["seconds_ray_start"] = t1 - t_start
            if not manifest.get("shuffle_done") or not shuffle_dir.exists():
                _stage_shuffle(ray, files, shuffle_dir, n_parts, cells, progress, summary, cfg.read_options)
                manifest["shuffle_done"] = True
                write_json_atomic(out / MANIFEST, manifest)
            t2 = time.perf_counter()
            summary["seconds_shuffle"] = t2 - t1
            _stage_reconstruct(ray, cfg, cls, opts, out, shuffle_dir, file_names, pending, manifest, progress, summary)
            summary["seconds_reconstruct_stage"] = time.perf_counter() - t2
    finally:
        progress.close()
        if started:
            ray.shutdown()
    if len(manifest["completed"]) == n_parts:
        manifest["complete"] = True
        write_json_atomic(out / MANIFEST, manifest)
        shutil.rmtree(shuffle_dir, ignore_errors=True)  # every partition is safe; the staging copy can go
    dt = time.perf_counter() - t_start
    n_tr = summary["traces_ok"] + summary["traces_failed"]
    summary.update(seconds_total=dt, traces_per_s=n_tr / dt if n_tr else 0.0,
                   records_per_s=summary["records"] / dt if n_tr else 0.0, complete=bool(manifest.get("complete")))
    if summary.get("seconds_partitions"):  # throughput of the running pool, without its start-up
        st = summary["seconds_partitions"]
        summary.update(traces_per_s_partitions=n_tr / st, records_per_s_partitions=summary["records"] / st)
    done = manifest["completed"].values()
    summary["all_runs"] = {"traces_ok": sum(p["traces_ok"] for p in done),
                           "traces_failed": sum(p["traces_failed"] for p in done),
                           "records": sum(p["records"] for p in done)}
    write_json_atomic(out / SUMMARY, summary)
    return summary


def _open_manifest(out: Path, fp: str, files: list[Path], cfg: BatchConfig) -> dict:
    manifest = load_manifest(out)
    if manifest is not None:
        if manifest.get("fingerprint") != fp:
            raise FileExistsError(f"{out}: holds a batch run of other input files or settings "
                                  f"(pass --overwrite to replace it, or choose another --out)")
        if cfg.partitions and cfg.partitions != manifest["partitions_total"]:
            raise ValueError(f"{out}: the run being resumed has {manifest['partitions_total']} partitions, "
                             f"not {cfg.partitions} (leave out --partitions, or pass --overwrite)")
        return manifest
    if any((out / n).exists() for n in ("points", "trajectories", "errors", SUMMARY)):
        raise FileExistsError(f"{out}: has batch outputs but no manifest (pass --overwrite to replace them)")
    total = sum(f.stat().st_size for f in files)
    n_parts = cfg.partitions or max(4, min(4096, ceil(total / cfg.bytes_per_partition)))
    manifest = {"fingerprint": fp, "partitions_total": n_parts, "method": cfg.method,
                "inputs": [str(f) for f in files], "completed": {}, "shuffle_done": False}
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out / MANIFEST, manifest)
    return manifest


def _start_ray(cfg: BatchConfig) -> bool:
    """Connect to a cluster, reuse a Ray already started in this process, or start a local one."""
    import ray

    if ray.is_initialized():
        return False
    common = dict(configure_logging=False, log_to_driver=False)
    if cfg.ray_address:
        ray.init(address=cfg.ray_address, **common)
    else:
        ray.init(num_cpus=cfg.workers or os.cpu_count(), include_dashboard=False,
                 object_store_memory=cfg.object_store_mb * MIB, **common)
    return True


def _stage_shuffle(ray, files, shuffle_dir: Path, n_parts: int, cells, progress: Progress, summary: dict,
                   read_options=None) -> None:
    shutil.rmtree(shuffle_dir, ignore_errors=True)  # a half-finished earlier shuffle is redone whole
    task = ray.remote(shard_file).options(num_cpus=1, max_retries=3)
    cells_ref = ray.put(cells) if cells is not None else None
    refs = {task.remote(str(f), i, str(shuffle_dir), n_parts, cells_ref, read_options): f for i, f in enumerate(files)}
    progress.set_stage("read files", len(files))
    while refs:
        ready, _ = ray.wait(list(refs), num_returns=1, timeout=1.0)
        if not ready:
            progress.show()
            continue
        f = refs.pop(ready[0])
        try:
            res = ray.get(ready[0])
        except ray.exceptions.RayTaskError as e:
            for r in refs:
                ray.cancel(r)
            raise RuntimeError(f"{f}: reading failed: {e.cause!r}") from e
        if "input_error" in res:  # a file that cannot be read stops the run, as in `reconstruct`
            for r in refs:
                ray.cancel(r)
            raise _input_error(res["input_error"])
        summary["warnings"] += res["n_warnings"]
        summary["first_warnings"] = (summary["first_warnings"] + res["warnings"])[:20]
        progress.add(parts=1)


def _input_error(d: dict) -> InputError:
    """Rebuild the worker's InputError with its original text (its constructor would prefix it again)."""
    err = InputError.__new__(InputError)
    ValueError.__init__(err, d["text"])
    err.path, err.line, err.field = d["path"], d["line"], d["field"]
    return err


def _stage_reconstruct(ray, cfg, cls, opts, out, shuffle_dir, file_names, pending, manifest, progress, summary):
    from ..network import load_network

    net_file = None
    if cfg.network:
        # Parsed once here and cached as a pickle beside the shuffle (a shared folder on a cluster):
        # each worker unpickles it once (milliseconds) when it starts, and again if Ray restarts it.
        net_file = shuffle_dir / "network.pickle"
        net_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = net_file.with_name(f".network.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(load_network(cfg.network), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, net_file)
    elif cls.needs_network:
        raise ValueError(f"method {cfg.method!r} needs a road network (--network)")
    resources = ray.cluster_resources()
    if cfg.use_gpu:
        gpw = cfg.gpus_per_worker or 1.0
        if resources.get("GPU", 0) < gpw:
            raise ValueError(f"method device {opts['device']!r} asks for GPUs but the Ray cluster has "
                             f"{resources.get('GPU', 0):g}")
        n_workers = cfg.workers or int(resources["GPU"] // gpw)
        opts = dict(opts, device="cuda" if opts["device"] == "auto" else opts["device"])
    else:
        gpw = 0.0
        # More CPU actors than the cluster has CPUs would wait forever for a slot.
        n_workers = min(cfg.workers or 10**9, max(1, int(resources.get("CPU", 1))))
    n_workers = max(1, min(n_workers, len(pending)))
    actor_cls = ray.remote(PartitionWorker).options(num_cpus=1, num_gpus=gpw, max_restarts=cfg.max_task_retries,
                                                    max_task_retries=cfg.max_task_retries)
    make = lambda: actor_cls.remote(cfg.method, opts, net_file and str(net_file), str(out), str(shuffle_dir), file_names,  # noqa: E731
                                    cfg.batch_traces, cfg.crash_once_marker, cfg.max_gap_s)
    t0 = time.perf_counter()
    actors = [make() for _ in range(n_workers)]
    info = ray.get([a.info.remote() for a in actors])  # all workers up: network and method loaded
    t_ready = time.perf_counter()
    summary.update(workers=n_workers, device=info[0]["device"], gpus_per_worker=gpw,
                   seconds_worker_start=t_ready - t0)
    progress.set_stage("partitions", len(pending))
    queue, inflight, replaced = deque(pending), {}, 0

    def submit(ai: int) -> None:
        if queue:
            b = queue.popleft()
            inflight[actors[ai].run_partition.remote(b)] = (ai, b)

    for ai in range(n_workers):
        submit(ai)
    while inflight:
        ready, _ = ray.wait(list(inflight), num_returns=1, timeout=1.0)
        if not ready:
            progress.show()
            continue
        ai, b = inflight.pop(ready[0])
        try:
            stats = ray.get(ready[0])
        except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as e:
            _fail_partition(out, shuffle_dir, b, e, summary, progress)
            if isinstance(e, ray.exceptions.RayActorError) and replaced < 2 * n_workers:
                actors[ai], replaced = make(), replaced + 1  # retries spent on this actor: start a fresh one
        else:
            manifest["completed"][str(b)] = {k: stats[k] for k in ("traces_ok", "traces_failed", "records")}
            write_json_atomic(out / MANIFEST, manifest)
            summary["partitions_run"] += 1
            for k in ("traces_ok", "traces_failed", "records", "cpu_seconds"):
                summary[k] += stats[k]
            summary["warnings"] += stats["n_warnings"]
            summary["first_warnings"] = (summary["first_warnings"] + stats["warnings"])[:20]
            progress.add(ok=stats["traces_ok"], failed=stats["traces_failed"], records=stats["records"])
        submit(ai)
    summary["seconds_partitions"] = time.perf_counter() - t_ready
    for a in actors:
        ray.kill(a)


def _fail_partition(out: Path, shuffle_dir: Path, b: int, exc: Exception, summary: dict, progress: Progress) -> None:
    """Nothing lost: every trace of a partition that could not be finished is named in `errors`."""
    remove_partition(out, b)
    reason = f"partition {b} failed after Ray's retries ({type(exc).__name__}: {str(exc).splitlines()[0][:300]}); " \
             f"rerun the same command to retry it"
    ids = bucket_trace_ids(shuffle_dir, b)
    atomic_parquet(errors_frame([TraceError(t, reason) for t in ids]), part_path(out, "errors", b))
    summary["partitions_failed"].append(b)
    summary["traces_failed"] += len(ids)
    progress.add(failed=len(ids))
