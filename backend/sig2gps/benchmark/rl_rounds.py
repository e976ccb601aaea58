"""`sig2gps bench --only rl_rounds`: Traj-GDPO rounds run by `sig2gps train rounds` (session 5).

Renders the recorded GPU runs (docs/rl_rounds_gpu.json; nothing here measures): each arm's own
`OUT/rounds.json` as `train rounds` wrote it (every round, its validation, kept or not), the benchmark test
set before and after (`python3 -m sig2gps.benchmark.video_bench ... --chunk-m 1000`), and the shipped model at
13/17/21 frames and with `--snap` on part of the test set.
"""
from __future__ import annotations

from pathlib import Path

from ..benchdata import REPO
from ._video_bench_render import render_test_runs
from .rl_windows import _m, change_line
from .video_bench import row_label
from .video_decode import _overall, windows_table

ORDER = 57
TITLE = "Traj-GDPO rounds: a distance reward at every drawn frame (session 5)"
JSON = REPO / "docs" / "rl_rounds_gpu.json"
KEY = "val_mae_win_m"


def rounds_table(arms: list) -> list[str]:
    """One row per round of every arm, from the arms' rounds.json; the start row is the model they began from."""
    out = ["| arm | round | from | RL steps | GPU-min | RL eval MAE before → after (m) | val MAE, 1000 m windows (m) | "
           "vs start | kept |", "|---|---|---|---|---|---|---|---|---|"]
    for arm in arms:
        st, name = arm["state"], arm["name"].split(":")[0]
        start = st["start"][KEY]
        out.append(f"| {name} | start | shipped model | – | – | – | {start:.1f} | – | – |")
        made_by = {r["model"]: f"round {r['round']}" for r in st["rounds"]}  # each round began from the best so far
        for r, gpu in zip(st["rounds"], arm["gpu_minutes"]):
            v = r["val"][KEY]
            src = made_by.get(r["init"], "start")
            out.append(f"| {name} | {r['round']} | {src} | {r['rl_steps']} | {gpu:.1f} | {_m(r['rl_eval_before'])} → "
                       f"{_m(r['rl_eval_after'])} | {v:.1f} | {100 * (v / start - 1):+.1f}% | "
                       f"{'yes' if r['kept'] else 'no'} |")
    return out


def frames_snap_table(run: dict, hmm: dict) -> list[str]:
    """Overall MAE per city: raw at each frame count, --snap and the raw rows of the same (fewer) samples."""
    c = run["config"]
    model, w = c["models"][0][0], c.get("chunk_m", 0.0)
    cols = [(f"raw, {f} frames", row_label(model, f, "raw", 1, w)) for f in c["frames"]]
    for f in c.get("snap_frames") or c["frames"]:
        cols += [(f"--snap, {f} frames", row_label(model, f, "snap", 1, w)),
                 (f"raw, same samples as --snap", row_label(model, f, "raw", 1, w, " (snap samples)"))]
    vals = [_overall(run["rows"], label) for _, label in cols]
    towers = _overall(run["rows"], "towers")
    out = ["| city | towers | " + " | ".join(n for n, _ in cols) + " | hmm (CPU, all traces) |",
           "|---|---|" + "---|" * len(cols) + "---|"]
    for city in towers:
        h = hmm.get(city, {}).get("overall", {}).get("mae_m")
        out.append(f"| {city} | {towers[city]:.0f} | " + " | ".join(
            "–" if v.get(city) is None else f"{v[city]:.0f}" for v in vals) + f" | {'–' if h is None else f'{h:.0f}'} |")
    return out


def cpu_check(c: dict) -> list[str]:
    """The paired CPU check of the old and new model, as recorded."""
    out = [f"### A paired check on the CPU ({c['machine']})", "", f"{c['what']}; towers {c['towers']:.0f} m, hmm "
           f"{c['hmm']:.0f} m.", "", "| model | sampler steps | raw MAE (m) | --snap MAE (m) |", "|---|---|---|---|"]
    out += [f"| {r['model']} | {r['steps']} | {r['raw']:.1f} | {r['snap']:.1f} |" for r in c["rows"]]
    return out + ["", f"Reading: {c['verdict']}."]


HOW = ("`sig2gps train rounds --config backend/sig2gps/train/configs/rounds_windows_dense_gpu.json`, then "
       "`python3 -m sig2gps.benchmark.video_bench --chunk-m 1000`")


def render_all(path: Path | None = None, cpu_root: Path | None = None) -> str:
    return render_test_runs(path or JSON, HOW, _body, cpu_root)


def _body(rec: dict, runs: list, hmm: dict) -> str:
    test, fs = rec["test"], rec.get("frames_snap")
    arms = "\n".join(f"- {a['name']}: `{a['config']}`; {a['note']}." for a in rec["arms"])
    out = [f"Recorded on {rec['machine']}, {rec['date']}.", "", f"Question: {rec['question']}", "", arms, "",
           "### Rounds (validation: `sig2gps train validate`'s 128 Helsinki pairs, drawn in 1000 m windows, 13 frames, "
           "10 steps, seed 3; a round is kept only when it beats the best so far)", "", *rounds_table(rec["arms"]), "",
           "### Benchmark test set", "", f"{test['note']}.", "", f"`{runs[-1]['command']}` ({runs[-1]['machine']})", "",
           *windows_table(runs, hmm, runs[0], test["names"]), "",
           f"Overall MAE, first → last: {change_line(test)}."]
    if fs:
        c = fs["config"]
        out += ["", f"### The shipped model at {'/'.join(map(str, c['frames']))} frames, and `--snap` "
                f"({c['limit_per_scope']} test traces a scope; `--snap` on {c['snap_limit_per_scope']} of them)", "",
                f"`{fs['command']}` ({fs['machine']})", "", *frames_snap_table(fs, hmm)]
    if rec.get("cpu_check"):
        out += ["", *cpu_check(rec["cpu_check"])]
    return "\n".join(out)


def run(args) -> str:
    return render_all()
