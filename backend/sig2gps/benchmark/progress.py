"""`sig2gps bench --only progress`: the video model's validation against the GPU-minutes spent, and the probes of
session 6 (two more reward levers for the Traj-GDPO rounds; a larger transformer trained from scratch).

Why a section: issue 5 asks, after about 4 GPU-hours, for the curves that show whether training still makes clear
progress toward its targets. The curve is drawn from the shipped model's own history (every training run, shipped
or not, with its cumulative GPU-minutes); the probes from the recorded runs (docs/video_probes_gpu.json; nothing
here measures).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..benchdata import REPO
from .rl_rounds import rounds_table

ORDER = 58
TITLE = "Video model: validation against GPU-minutes, and the probes of session 6"
JSON = REPO / "docs" / "video_probes_gpu.json"
PICTURE = REPO / "docs" / "pictures" / "video_progress.png"
# the two validation protocols of the history: one window at 21 frames (sessions 1-3), 1000 m windows at 13 frames
PROTOCOLS = (("val_mae_m", "one window, 21 frames"), ("val_mae_win_m", "1000 m windows, 13 frames"))


def _entry_val(h: dict, key: str) -> float | None:
    """A history entry's figure: its own, else the best of its runs' (entries of unshipped arms list only runs)."""
    if h.get(key) is not None:
        return float(h[key])
    vals = [r[key] for r in h.get("runs", []) if r.get(key) is not None]
    return min(vals) if vals else None


def progress_points(history: list) -> dict:
    """{protocol key: [(cumulative GPU-min, figure, shipped), ...]} in the history's order."""
    out = {k: [] for k, _ in PROTOCOLS}
    for h in history:
        for k, _ in PROTOCOLS:
            v = _entry_val(h, k)
            if v is not None:
                out[k].append((float(h["cumulative_gpu_minutes"]), v, bool(h["shipped"])))
    return out


def shipped_steps(points: list) -> list:
    """[(cumulative GPU-min, figure)] of the shipped entries that lowered the shipped figure: the step line."""
    out = []
    for gpu, v, shipped in points:
        if shipped and (not out or v < out[-1][1]):
            out.append((gpu, v))
    return out


def gain_table(history: list) -> list[str]:
    """Per protocol, each shipped improvement: the GPU-minutes spent since the one before (unshipped runs
    included), the metres it gained, and what was spent after the last one without shipping anything."""
    out = ["| validation protocol | shipped at (cumulative GPU-min) | GPU-min since the previous shipped model | "
           "shipped figure (m) | gain (m) | m per GPU-min |", "|---|---|---|---|---|---|"]
    total = max((float(h["cumulative_gpu_minutes"]) for h in history), default=0.0)
    for k, name in PROTOCOLS:
        prev = None
        for gpu, v in shipped_steps(progress_points(history)[k]):
            if prev is None:
                out.append(f"| {name} | {gpu:.1f} | – | {v:.1f} | – | – |")
            else:
                spent = gpu - prev[0]
                out.append(f"| {name} | {gpu:.1f} | {spent:.1f} | {v:.1f} | {prev[1] - v:.1f} | "
                           f"{(prev[1] - v) / max(spent, 1e-9):.2f} |")
            prev = (gpu, v)
    last = max((float(h["cumulative_gpu_minutes"]) for h in history if h["shipped"]), default=total)
    if total > last:
        out.append(f"| since the last shipped model | – | {total - last:.1f} | – | 0 | 0 |")
    return out


def plot_progress(history: list, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = progress_points(history)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for (k, name), colour in zip(PROTOCOLS, ("tab:blue", "tab:orange")):
        if not pts[k]:
            continue
        g, v, s = zip(*pts[k])
        ax.scatter([x for x, sh in zip(g, s) if sh], [y for y, sh in zip(v, s) if sh], color=colour, marker="o",
                   label=f"{name}: shipped")
        ax.scatter([x for x, sh in zip(g, s) if not sh], [y for y, sh in zip(v, s) if not sh], color=colour,
                   marker="x", label=f"{name}: not shipped")
        line = shipped_steps(pts[k])
        if line:  # the shipped figure holds until now, whatever was spent after it
            line.append((max(float(h["cumulative_gpu_minutes"]) for h in history), line[-1][1]))
            ax.step(*zip(*line), where="post", color=colour, alpha=0.6)
    towers = [h.get("val_towers_mae_m") for h in history if h.get("val_towers_mae_m") is not None]
    if towers:
        ax.axhline(towers[-1], color="grey", ls="--", label=f"towers floor on the same pairs ({towers[-1]:.0f} m)")
    ax.set_xlabel("cumulative GPU-minutes (every training run, shipped or not)")
    ax.set_ylabel("validation MAE, 128 Helsinki pairs (m)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _loss(v) -> str:
    return "–" if v is None else f"{v:.4f}"


def capacity_table(cap: dict) -> list[str]:
    """Each size's in-run validation points (same protocol, same data, seed and recipe) and its training loss."""
    out = ["| model | parameters | GPU-min | samples | samples/s | train loss (last 50 steps) | val MAE, one window, "
           "21 frames (m) | path on roads |", "|---|---|---|---|---|---|---|---|"]
    for r in cap["runs"]:
        for p in r["points"]:
            out.append(f"| {r['name']} | {r['params_m']:.1f}M | {p['gpu_minutes']:.2f} | {p['samples']:,} | "
                       f"{r['samples_per_s']:.0f} | {_loss(p.get('loss'))} | "
                       f"{p['val_mae_m']:.1f} | {100 * p['val_on_road']:.0f}% |")
    return out


def windows_table(cap: dict) -> list[str]:
    """The final models of the capacity probe scored the way the method runs (`sig2gps train validate`)."""
    out = ["| model | val MAE, 1000 m windows, 13 frames (m) | one window, 13 frames (m) | towers (m) | path on roads |",
           "|---|---|---|---|---|"]
    for r in cap["windows"]:
        v = r["val"]
        out.append(f"| {r['name']} | {v['val_mae_win_m']:.1f} | {v['val_mae_m']:.1f} | {v['val_towers_mae_m']:.0f} | "
                   f"{100 * v['val_on_road']:.0f}% |")
    return out


def render_all(path: Path | None = None, meta: dict | None = None, picture: Path | None = None) -> str:
    """The section: the curve and gain table from the shipped model's history, then the recorded probes."""
    if meta is None:
        from ..model.store import read_meta, shipped_model_dir

        meta = read_meta(shipped_model_dir())
    history = meta.get("history", [])
    picture = picture or PICTURE
    plot_progress(history, picture)
    out = ["Every training run since session 1, from the shipped model's history (`resources/models/video/"
           "sig2gps_video.json`): its validation figure against the GPU-minutes spent so far, in the two protocols "
           "the sessions used (one window at 21 frames until session 3; 1000 m windows at 13 frames, as the method "
           "runs, since session 4; sessions 4 and 5 on two different 128-pair subsets of the same 400 pairs, see the "
           "training log). The step line is the shipped model.", "",
           f"![validation against GPU-minutes](pictures/{picture.name})", "", *gain_table(history)]
    p = Path(path or JSON)
    if not p.is_file():
        return "\n".join(out + ["", f"Probes: not recorded ({p.name})."])
    rec = json.loads(p.read_text())
    cap = rec["capacity"]
    arms = "\n".join(f"- {a['name']}: `{a['config']}`; {a['note']}." for a in rec["arms"])
    out += ["", f"### Probes of session 6 ({rec['machine']}, {rec['date']})", "", f"Question 1: {rec['question']}", "",
            arms, "", *rounds_table(rec["arms"]), "", f"Reading: {rec['verdict']}.", "",
            f"Question 2: {cap['question']}", "", *capacity_table(cap), "",
            f"The last models of both, scored as the method runs ({cap['windows_machine']}; "
            f"`{cap['windows_command']}`):", "", *windows_table(cap), "", f"Reading: {cap['verdict']}."]
    return "\n".join(out)


def run(args) -> str:
    return render_all()
