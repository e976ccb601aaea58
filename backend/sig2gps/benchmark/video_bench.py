"""The video model on the benchmark TEST set, measured where it is fast (the GPU), scored like every other row.

Device entry point (reads a folder written by `sig2gps benchmark --export-test DIR`):

    python3 -m sig2gps.benchmark.video_bench --test DIR --model sft=MODEL_DIR [--model rl=DIR2 ...]
        --frames 13 17 21 [--snap] [--rollouts 1] [--limit-per-scope K] --json PATH

For every test city: `towers` (the floor), then `video` for each model x frames through
sig2gps.pipeline.reconstruct_traces (the same method interface as the methods table), scored with
sig2gps.metrics.evaluate_tracks (the same functions). With --snap a second pass samples the same
seeds with the map-constrained decode; its raw rows come from info["raw"] of that very pass, so
raw and snap are compared on identical samples. The graph decode is CPU work (~0.3-1.5 s a trace
on one core, measured on the dev machine), so that pass runs in --workers processes.

Every row is typed (tables.ROW_FIELDS: method, model, frames, decode, rollouts, window, pick, samples, city,
scope) with the metrics of tables.METRICS; its `label` is only what a table prints. A run's JSON is a record:
the runs kept so far, with the sections that show them, are in experiments/ (outside the package).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..methods import MethodOptions
from .tables import row_label

SCOPE_ROWS = ("small", "medium", "large", "overall")
# graph_track measured on the dev machine (2 shared EPYC cores), 4 test traces per city with the real extracts:
# baltimore 0.35-1.33 s, campo-grande 0.76-1.26 s, liechtenstein 0.27-1.46 s a trace (its per-edge cost loop
# dominates). 1,053 traces ~ 15 core-minutes per snap setting: too slow for one process, hence --workers.
SNAP_DECODE_NOTE = ("--snap's graph decode costs ~0.3-1.5 s a trace on one CPU core (dev machine, real extracts), "
                    "~15 core-minutes for 1,053 traces per snap setting, so the snap pass runs in worker processes")
ROW_KEYS = ("label", "method", "model", "frames", "snap", "decode", "rollouts", "window", "pick", "samples", "city",
            "unseen", "scope", "n", "failed", "mae_m", "rmse_m", "l100", "g1000", "s_per_trace", "one_piece", "on_road")


@dataclass(frozen=True)
class RunConfig:
    test: str  # folder written by export_test
    json: str  # result path (rewritten after every pass: a killed run keeps what it finished)
    models: tuple = ()  # ((name, model_dir), ...)
    frames: tuple = (13, 17, 21)
    steps: int = MethodOptions.steps  # sampler steps
    snap: bool = False
    snap_frames: tuple = ()  # frames settings that also get the --snap pass (empty: all of `frames`)
    rollouts: int = 1
    chunk_m: float = MethodOptions.chunk_m  # draw long traces in windows of at most this half-width
    consensus: bool = False  # rollout 0 = consensus of the K rollouts; rows for it and for the best single sample
    limit_per_scope: int | None = None  # first K traces of each scope per city, for every row
    snap_limit_per_scope: int | None = None  # a smaller K for the (CPU-bound) snap pass only
    device: str = "auto"
    batch: int = 128  # videos per forward pass
    workers: int = 1  # processes for the snap pass (graph decode is CPU work); 1 = in this process
    seed: int = 0
    budget_s: float = 500.0  # skip passes not started before this (a device command has ~9 minutes)
    command: str = ""

    def __post_init__(self):
        for f in self.frames + self.snap_frames:
            MethodOptions(frames=f)  # the video method's declared check (4k+1): OptionError naming frames
        if not self.models:
            raise ValueError("give at least one --model NAME=DIR")
        if self.workers < 1 or self.batch < 1 or self.rollouts < 1:
            raise ValueError(f"--workers, --batch and --rollouts must be >= 1 ({self})")


def _limit(tc, k: int | None) -> list:
    """The first k traces of each scope (file order, deterministic); all when k is None."""
    if k is None:
        return list(tc.signaling)
    taken, out = {}, []
    for s in tc.signaling:
        sc = tc.scope.get(s.trace_id)
        if sc is not None and taken.get(sc, 0) < k:
            taken[sc] = taken.get(sc, 0) + 1
            out.append(s)
    return out


def video_row(model: str, frames: int, decode: str, rollouts: int, window: float, pick: str = "",
              samples: str = "") -> dict:
    """The fields of a video row (what was run), with its printed label."""
    return dict(label=row_label(model, frames, decode, rollouts, window, pick, samples), method="video", model=model,
                frames=frames, snap=decode == "snap", decode=decode, rollouts=rollouts, window=window, pick=pick,
                samples=samples)


def score_rows(base: dict, tc, traces, recs, s_per_trace, raw: bool = False, pick: int = 0) -> list[dict]:
    """One row per scope (+ overall) with sig2gps.metrics; rollout `pick` (0: the method's answer) is
    scored (raw: its info["raw"] track).

    n counts the traces attempted in the scope; a trace without a reconstruction counts as failed and
    stays out of the error pool, as in the methods table."""
    from ..metrics import evaluate_tracks

    ids = [s.trace_id for s in traces]
    truth = {i: tc.truth[i] for i in ids if i in tc.truth}
    pred, infos = {}, {}
    for r in recs:
        if not r.rollouts:
            continue
        ro = r.rollouts[min(pick, len(r.rollouts) - 1)]
        rw = ro.info.get("raw") if raw else None
        pred[r.trace_id] = (rw["t"], rw["lon"], rw["lat"]) if rw else (ro.track.t, ro.track.lon, ro.track.lat)
        infos[r.trace_id] = ro.info
    m = evaluate_tracks(truth, pred)
    rows = []
    for sc in SCOPE_ROWS:
        in_sc = [i for i in truth if sc == "overall" or tc.scope[i] == sc]
        inf = [infos[i] for i in in_sc if i in infos]
        pieces = [x["path_pieces"] for x in inf if "path_pieces" in x]
        road = [x["on_road"] for x in inf if "on_road" in x]
        mm = m[sc]
        rows.append(dict(base, city=tc.city, unseen=tc.unseen, scope=sc, n=len(in_sc),
                         failed=sum(1 for i in in_sc if i not in pred), mae_m=mm["mae_m"], rmse_m=mm["rmse_m"],
                         l100=mm["l100"], g1000=mm["g1000"], s_per_trace=s_per_trace,
                         one_piece=float(np.mean(np.asarray(pieces) == 1)) if pieces else None,
                         on_road=float(np.mean(road)) if road else None))
    return rows


# ---- the snap pass in worker processes: each keeps its network and its method (the model) loaded ----

_CACHE: dict = {}


def _worker_run(net_path: str, opts, traces):
    from ..methods import get_method
    from ..network import load_network

    if net_path not in _CACHE:
        _CACHE.clear()  # one city at a time: drop the previous city's network and model
        _CACHE[net_path] = {"net": load_network(net_path)}
    c = _CACHE[net_path]
    key = repr(opts)  # MethodOptions holds a dict (extra), so it is not hashable itself
    if key not in c:
        c[key] = get_method("video")(c["net"], opts)  # the model loads on first use, once per worker
    recs, errs = c[key].reconstruct_many(traces)
    for r in recs:  # frames are for the plugin's player; not needed here, costly to send back
        for ro in r.rollouts:
            ro.frames = None
    return recs, errs


def _run_pooled(pool, workers: int, net_path: str, opts, traces):
    size = max(1, -(-len(traces) // (2 * workers)))
    futs = [pool.submit(_worker_run, net_path, opts, traces[a:a + size]) for a in range(0, len(traces), size)]
    recs, errs = [], []
    for f in futs:
        r, e = f.result()
        recs += r
        errs += e
    return recs, errs


def _device_words(device: str) -> str:
    """"cuda" -> the GPU's name, for the machine line of the result."""
    if device.startswith("cuda"):
        import torch

        return f"{device} ({torch.cuda.get_device_name(0)}, torch {torch.__version__})"
    return device


def _run_here(net, opts, traces):
    from ..pipeline import reconstruct_traces

    res = reconstruct_traces(traces, "video", net, opts)
    return res.reconstructions, res.errors, res.device


def measure(cfg: RunConfig, log=print) -> dict:
    """Run every pass and return the result dict (also written to cfg.json after each pass)."""
    from ..benchdata import load_test_export
    from ..network import load_network
    from ..pipeline import reconstruct_traces
    from ..machine import machine_line

    t_start = time.perf_counter()
    man, cities = load_test_export(cfg.test)
    result = {"machine": "", "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": cfg.command, "benchmark_key": man["benchmark_key"], "rows": [], "notes": [],
              "config": {k: v for k, v in cfg.__dict__.items() if k not in ("command",)}}
    device_name = ""

    def save():
        result["machine"] = machine_line(device_name)
        Path(cfg.json).parent.mkdir(parents=True, exist_ok=True)
        Path(cfg.json).write_text(json.dumps(result, indent=1, default=str))

    def over_budget(what: str) -> bool:
        if time.perf_counter() - t_start > cfg.budget_s:
            result["notes"].append(f"skipped {what}: the run's budget of {cfg.budget_s:.0f} s was used up")
            log(f"[video_bench] skip {what} (budget)", flush=True)
            return True
        return False

    if cfg.snap:
        result["notes"].append(SNAP_DECODE_NOTE + f" (here: {cfg.workers})")
    pool = None
    snap_frames = set(cfg.snap_frames or cfg.frames)
    try:
        for city, tc in cities.items():
            net = load_network(tc.network_path)
            traces = _limit(tc, cfg.limit_per_scope)
            res = reconstruct_traces(traces, "towers", net, MethodOptions())
            result["rows"] += score_rows(dict(label="towers", method="towers", model=None, frames=None, snap=False,
                                              decode=None, rollouts=None, window=None, pick="", samples=""),
                                         tc, traces, res.reconstructions, res.seconds_total / max(len(traces), 1))
            log(f"[video_bench] {city}: towers on {len(traces)} traces", flush=True)
            for name, mdir in cfg.models:
                for f in cfg.frames:
                    opts = MethodOptions(model=mdir, frames=f, steps=cfg.steps, rollouts=cfg.rollouts, seed=cfg.seed,
                                         device=cfg.device, consensus=cfg.consensus, chunk_m=cfg.chunk_m, snap=False,
                                         extra={"batch": cfg.batch})  # the raw pass; --snap adds the decoded one
                    # with --consensus rollout 0 is the consensus and rollout 1 the best-scored single sample
                    both = [("", 0)] if not (cfg.consensus and cfg.rollouts > 1) else [("consensus", 0), ("best", 1)]

                    def fields(decode, pick, samples=""):
                        return video_row(name, f, decode, cfg.rollouts, cfg.chunk_m, pick, samples)

                    if not over_budget(f"{name} f{f} raw on {city}"):
                        t0 = time.perf_counter()
                        recs, errs, device_name = _run_here(net, opts, traces)
                        device_name = _device_words(device_name)
                        wall = time.perf_counter() - t0
                        # latency at batch: each trace's share of its batch (video.py's rec.seconds),
                        # without the one-off model load; the wall time incl. the load goes to the notes
                        spt = float(np.sum([r.seconds for r in recs])) / max(len(recs), 1)
                        for tag, pick in both:
                            result["rows"] += score_rows(fields("raw", tag), tc, traces, recs, spt, pick=pick)
                        result["notes"].append(f"{city} {name} f{f} raw: {len(traces)} traces, wall {wall:.1f} s "
                                               f"incl. model load, {len(errs)} failed on {device_name}")
                        log(f"[video_bench] {city}: {name} f{f} raw {len(recs)}/{len(traces)} in {wall:.1f} s",
                            flush=True)
                        save()
                    if not cfg.snap or f not in snap_frames or over_budget(f"{name} f{f} snap on {city}"):
                        continue
                    straces = _limit(tc, cfg.snap_limit_per_scope) if cfg.snap_limit_per_scope else traces
                    sopts = replace(opts, snap=True)
                    t0 = time.perf_counter()
                    if cfg.workers > 1:
                        if pool is None:
                            import multiprocessing as mp
                            from concurrent.futures import ProcessPoolExecutor

                            # spawn: CUDA is already initialised here, and forked CUDA state is unusable
                            pool = ProcessPoolExecutor(cfg.workers, mp_context=mp.get_context("spawn"))
                        recs, errs = _run_pooled(pool, cfg.workers, tc.network_path, sopts, straces)
                    else:
                        recs, errs, _ = _run_here(net, sopts, straces)
                    wall = time.perf_counter() - t0
                    spt = wall / max(len(straces), 1)
                    for tag, pick in both:
                        result["rows"] += score_rows(fields("snap", tag), tc, straces, recs, spt, pick=pick)
                        result["rows"] += score_rows(fields("raw", tag, "snap"), tc, straces, recs, spt, raw=True,
                                                     pick=pick)
                    n_graph = sum(1 for r in recs if r.rollouts and r.rollouts[0].info.get("decode") in ("graph", "consensus-graph"))
                    result["notes"].append(
                        f"{city} {name} f{f} snap: {len(straces)} traces"
                        + (f" (first {cfg.snap_limit_per_scope} per scope)" if cfg.snap_limit_per_scope else "")
                        + f", wall {wall:.1f} s on {cfg.workers} process(es) sharing the device (s/trace of snap "
                          f"rows = this wall / traces, incl. model loads), {n_graph} graph-decoded, "
                          f"{len(recs) - n_graph} kept raw (no route), {len(errs)} failed")
                    log(f"[video_bench] {city}: {name} f{f} snap {len(recs)}/{len(straces)} in {wall:.1f} s",
                        flush=True)
                    save()
            save()
    finally:
        if pool is not None:
            pool.shutdown()
    result["notes"].append(f"total wall {time.perf_counter() - t_start:.0f} s")
    save()
    return result


def _model_arg(text: str) -> tuple:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"--model wants NAME=DIR, got {text!r}")
    return name, path


def parse_args(argv=None) -> RunConfig:
    p = argparse.ArgumentParser(prog="python3 -m sig2gps.benchmark.video_bench", description=__doc__.split("\n")[0])
    p.add_argument("--test", required=True, help="folder written by `sig2gps benchmark --export-test DIR`")
    p.add_argument("--model", action="append", type=_model_arg, required=True, help="NAME=MODEL_DIR (repeatable)")
    p.add_argument("--frames", type=int, nargs="+", default=[13, 17, 21])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--snap", action="store_true", help="also the map-constrained decode (raw rows from the same samples)")
    p.add_argument("--snap-frames", type=int, nargs="*", default=[], help="frames that get the snap pass (default all)")
    p.add_argument("--rollouts", type=int, default=1)
    p.add_argument("--chunk-m", type=float, default=RunConfig.chunk_m,
                   help="windows of at most this half-width (m) per trace (MethodOptions.chunk_m; 0: one window)")
    p.add_argument("--consensus", action="store_true", help="rollout 0 = consensus of the K rollouts (rows for it "
                                                            "and for the best-scored single sample)")
    p.add_argument("--limit-per-scope", type=int)
    p.add_argument("--snap-limit-per-scope", type=int)
    p.add_argument("--device", default="auto")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--workers", type=int, default=min(16, os.cpu_count() or 1))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--budget-s", type=float, default=500.0)
    p.add_argument("--json", required=True, help="result file (rewritten after every pass)")
    a = p.parse_args(argv)
    cmd = "python3 -m sig2gps.benchmark.video_bench " + " ".join(sys.argv[1:] if argv is None else argv)
    return RunConfig(test=a.test, json=a.json, models=tuple(a.model), frames=tuple(a.frames), steps=a.steps,
                     snap=a.snap, snap_frames=tuple(a.snap_frames), rollouts=a.rollouts,
                     consensus=a.consensus, chunk_m=a.chunk_m,
                     limit_per_scope=a.limit_per_scope, snap_limit_per_scope=a.snap_limit_per_scope, device=a.device,
                     batch=a.batch, workers=a.workers, seed=a.seed, budget_s=a.budget_s, command=cmd)


def main(argv=None) -> int:
    cfg = parse_args(argv)
    res = measure(cfg)
    print(f"[video_bench] wrote {cfg.json}: {len(res['rows'])} rows", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
