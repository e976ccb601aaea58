"""`sig2gps bench --only rl_windows`: Traj-GDPO on the windows the video method draws, and the 128-px canvas arm.

Renders the recorded GPU runs of session 4 (docs/rl_windows_gpu.json; nothing here measures):
- three Traj-GDPO rounds with `RlConfig.chunk_m` 1000 (every window the method draws is an RL condition),
  each from the previous round's fused model, selected by validation drawn in those windows;
- the benchmark test set before and after (`python3 -m sig2gps.benchmark.video_bench ... --chunk-m 1000`);
- the 128-px canvas arm (same weights on 4x the tokens, fine-tuned there), which was not shipped.
"""
from __future__ import annotations

from pathlib import Path

from ..benchdata import REPO
from ._video_bench_render import render_test_runs
from .video_decode import _overall, _raw_label, windows_table

ORDER = 56
TITLE = "Traj-GDPO on the windows the method draws (session 4), and a finer canvas"
JSON = REPO / "docs" / "rl_windows_gpu.json"


def _m(v) -> str:
    return "–" if v is None else f"{v:.1f}"


def rounds_table(rec: dict) -> list[str]:
    out = ["| round | from | RL steps | rollouts | windows in the pool | GPU-min | RL eval MAE before → after (m) | note |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rec["rounds"]:
        b, a = r["rl_eval_mae_m"]
        out.append(f"| {r['round']} | {r['init']} | {r['steps']} | {r['rollouts']:,} | {r['conditions']:,} | "
                   f"{r['gpu_minutes']} | {_m(b)} → {_m(a)} ({r['eval_conditions']} windows) | {r.get('note', '')} |")
    return out


def validation_table(rec: dict) -> list[str]:
    v = rec["validation"]
    first = v["rows"][0]["val_mae_win_m"]
    out = ["| model | val MAE in 1000 m windows (m) | vs before | note |", "|---|---|---|---|"]
    for r in v["rows"]:
        out.append(f"| {r['model']} | {r['val_mae_win_m']:.1f} | {100 * (r['val_mae_win_m'] / first - 1):+.1f}% | "
                   f"{r.get('note', '')} |")
    return out


def canvas_table(rec: dict) -> list[str]:
    c = rec["canvas128"]
    out = ["| model | GPU-min at 128 px | 1000 m windows | 2000 m windows | note |", "|---|---|---|---|---|"]
    for r in c["rows"]:
        out.append(f"| {r['model']} | {r['gpu_minutes']} | {_m(r.get('win1000'))} | {_m(r.get('win2000'))} | "
                   f"{r.get('note', '')} |")
    return out


def change_line(test: dict) -> str:
    """Overall MAE per city, first run -> last run, in metres and per cent (computed from the rows)."""
    a, b = (_overall(run["rows"], _raw_label(run)) for run in (test["runs"][0], test["runs"][-1]))
    return "; ".join(f"{c} {a[c]:.0f} → {b[c]:.0f} m ({100 * (b[c] / a[c] - 1):+.1f}%)" for c in b if c in a)


HOW = ("`sig2gps train rl --config backend/sig2gps/train/configs/rl_windows_gpu.json`, then `sig2gps train validate "
       "--chunk-m 1000` and `python3 -m sig2gps.benchmark.video_bench --chunk-m 1000`")


def render_all(path: Path | None = None, cpu_root: Path | None = None) -> str:
    return render_test_runs(path or JSON, HOW, _body, cpu_root)


def _body(rec: dict, runs: list, hmm: dict) -> str:
    test, last = rec["test"], runs[-1]
    return "\n".join([
        f"Recorded on {rec['machine']}. RL config: {rec['rl_config']}.", "",
        "Why: the video method draws a trace in 1000 m windows (`--chunk-m`), but the shipped model's Traj-GDPO ran on "
        "whole traces. With `RlConfig.chunk_m` every window the method draws is a condition, so the rewards score the "
        "drawings the method actually makes. Each round starts from the previous round's fused model (a fresh LoRA "
        "adapter each time).", "",
        "### Rounds", "", *rounds_table(rec), "",
        f"### Validation (model selection): {rec['validation']['protocol']}", "", *validation_table(rec), "",
        "### Benchmark test set", "", f"{test['note']}.", "",
        f"`{last['command']}` ({last['machine']})", "",
        *windows_table(runs, hmm, runs[0], test["names"]), "",
        f"Overall MAE, before → shipped: {change_line(test)}.", "",
        "### The 128-px canvas arm (not shipped)", "",
        f"Question: {rec['canvas128']['question']} Validation as above (1000 m / 2000 m windows).", "",
        *canvas_table(rec), "",
        f"Verdict: {rec['canvas128']['verdict']}.",
    ])


def run(args) -> str:
    return render_all()
