"""Data-parallel SFT throughput: samples/s of the video model's training step on 1 vs 2 GPUs (DDP, bf16).

On a host with 2+ GPUs: `python experiments/ddp/run.py --pairs P --val-pairs V --json experiments/ddp/record.json`;
`python experiments/render.py --only ddp` renders the record. Each setting trains for a fixed wall time from the
same config. The trainer logs samples/s every 50 steps; the first window holds data-loader start-up and CUDA/NCCL
warm-up, so two figures are kept: that first window (comparable between runs, not a steady rate) and the mean of
the later windows (steady state; needs a run longer than 100 steps).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

CONFIG = str(Path(__file__).resolve().parents[1] / "video_sft" / "configs" / "video_small_h100.json")


def measure(config: str, runs: list[tuple[int, int]], minutes: float, pairs=None, val_pairs=None,
            rows: list | None = None) -> list[dict]:
    """runs: (processes, global batch); appends one row per run to `rows` (kept if a later run fails)."""
    from sig2gps.train.launch import launch
    from sig2gps.train.sft import SftConfig

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


def main(argv=None) -> int:
    from sig2gps.machine import machine_line

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
        rec = {"rows": rows, "machine": machine_line(dev),
               "command": "python experiments/ddp/run.py " + " ".join(sys.argv[1:])}
        if a.json:
            Path(a.json).write_text(json.dumps(rec, indent=1))
        print(json.dumps(rec, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
