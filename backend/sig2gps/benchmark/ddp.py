"""Data-parallel SFT throughput: samples/s of the video model's training step on 1 vs 2 GPUs (DDP, bf16).

On a host with 2+ GPUs, `sig2gps bench --only ddp` measures; elsewhere it renders the run recorded in
docs/ddp_gpu_run.json (written by `python -m sig2gps.benchmark.ddp ... --json docs/ddp_gpu_run.json`
on the GPU machine), saying so. Each setting trains for a fixed wall time from the same config. The
trainer logs samples/s every 50 steps; the first window holds data-loader start-up and CUDA/NCCL
warm-up, so two figures are kept: that first window (comparable between runs, not a steady rate) and
the mean of the later windows (steady state; needs a run longer than 100 steps).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ORDER = 52
TITLE = "Data-parallel training (video model SFT, DDP)"
RECORDED = Path("docs/ddp_gpu_run.json")
CONFIG = "backend/sig2gps/train/configs/video_small_h100.json"


def measure(config: str, runs: list[tuple[int, int]], minutes: float, pairs=None, val_pairs=None,
            rows: list | None = None) -> list[dict]:
    """runs: (processes, global batch); appends one row per run to `rows` (kept if a later run fails)."""
    from ..train.launch import launch
    from ..train.sft import SftConfig

    rows = [] if rows is None else rows
    for n, batch in runs:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = SftConfig.from_json(config, pairs=pairs, val_pairs=val_pairs)
            cfg = replace(cfg, out=str(Path(tmp) / "run"), init=None, batch=batch, minutes=minutes, max_steps=0,
                          val_every=10**9, val_n=8, val_steps=2)
            t0 = time.time()
            launch(cfg, n)
            wall = time.time() - t0
            log = [json.loads(x) for x in (Path(cfg.out) / "log.jsonl").read_text().splitlines()]
        steps = [r for r in log if "samples_per_s" in r]
        later = [r["samples_per_s"] for r in steps[1:]]
        vals = [r for r in log if "samples" in r and "val_mae_m" in r]
        rows.append({"gpus": n, "global_batch": batch, "per_gpu_batch": batch // n,
                     "first_window_sps": steps[0]["samples_per_s"] if steps else None,
                     "steady_sps": sum(later) / len(later) if later else None,
                     # every sample of the run over the training budget: start-up included, comparable
                     "run_avg_sps": vals[-1]["samples"] / (minutes * 60) if vals else None,
                     "steps": vals[-1]["step"] if vals else None,
                     "windows": [{"step": r["step"], "samples_per_s": r["samples_per_s"], "loss": r["loss"]} for r in steps],
                     "train_minutes": minutes, "wall_s": wall})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.0f}"


def render(rows: list[dict], machine: str, command: str, note: str = "") -> str:
    one = next((r for r in rows if r["gpus"] == 1), None)
    lines = [machine, "", f"Command: `{command}`", ""]
    if note:
        lines += [note, ""]
    lines += ["| GPUs | global batch | batch per GPU | samples/s, whole run | vs 1 GPU | samples/s, steps 1-50 "
              "(with start-up) | vs 1 GPU | samples/s, after step 50 (steady) | vs 1 GPU | steps run |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        cells = []
        for key in ("run_avg_sps", "first_window_sps", "steady_sps"):
            ref = one.get(key) if one else None
            cells += [_fmt(r.get(key)), f"{r[key] / ref:.2f}x" if r.get(key) and ref else "-"]
        lines.append(f"| {r['gpus']} | {r['global_batch']} | {r['per_gpu_batch']} | " + " | ".join(cells)
                     + f" | {r.get('steps', '-')} |")
    lines += ["", "Each setting: the same config (`video_small_h100.json`: small preset, frames 13/17/21, bf16 "
              "autocast, 14 data-loader workers per GPU), trained from scratch for the stated minutes; `-` = that "
              "run did not reach a second 50-step window."]
    return "\n".join(lines)


def run(args) -> str:
    import torch

    from ._doc import machine_line

    if torch.cuda.is_available() and torch.cuda.device_count() >= 2:
        rows = measure(CONFIG, [(1, 96), (2, 96), (2, 192)], 1.5)
        return render(rows, machine_line(f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}"),
                      "sig2gps bench --only ddp")
    if not RECORDED.is_file():
        return "Not measured: this needs a host with 2 GPUs (see `python -m sig2gps.benchmark.ddp --help`)."
    rec = json.loads(RECORDED.read_text())
    return render(rec["rows"], rec["machine"], rec["command"],
                  note="Recorded on the GPU machine (docs/ddp_gpu_run.json); this machine has fewer than 2 GPUs, "
                       "so `sig2gps bench --only ddp` shows that run." + ("\n\n" + rec["notes"] if rec.get("notes") else ""))


def main(argv=None) -> int:
    from ._doc import machine_line

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=CONFIG)
    ap.add_argument("--pairs")
    ap.add_argument("--val-pairs")
    ap.add_argument("--runs", nargs="+", default=["1x96", "2x96", "2x192"], help="PROCESSESxGLOBAL_BATCH")
    ap.add_argument("--minutes", type=float, default=1.5, help="training minutes per run (>= 1.5: steady windows)")
    ap.add_argument("--json", help="write rows + machine + command here")
    a = ap.parse_args(argv)
    import sys

    import torch

    runs = [tuple(int(x) for x in r.split("x")) for r in a.runs]
    rows = []
    try:
        measure(a.config, runs, a.minutes, a.pairs, a.val_pairs, rows)
    finally:  # keep what was measured even if a later run fails
        dev = f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "CPU"
        rec = {"rows": rows, "machine": machine_line(dev), "command": "python -m sig2gps.benchmark.ddp " + " ".join(sys.argv[1:])}
        if a.json:
            Path(a.json).write_text(json.dumps(rec, indent=1))
        print(render(rows, rec["machine"], rec["command"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
