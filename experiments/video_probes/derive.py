"""Derived figures of the video_probes section: the shipped model's validation against the GPU-minutes spent (its
training history, kept in experiments/video_sft/history.json), as points, the shipped step line, the gain table and the
picture. experiments/render.py calls derive(ns) before rendering section.json.

Why: issue 5 asks, after about 4 GPU-hours, for the curves that show whether training still makes clear progress
toward its targets; every training run counts, shipped or not, with its cumulative GPU-minutes.
"""

from __future__ import annotations

from pathlib import Path

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
    out = [
        "| validation protocol | shipped at (cumulative GPU-min) | GPU-min since the previous shipped model | "
        "shipped figure (m) | gain (m) | m per GPU-min |",
        "|---|---|---|---|---|---|",
    ]
    total = max((float(h["cumulative_gpu_minutes"]) for h in history), default=0.0)
    for k, name in PROTOCOLS:
        prev = None
        for gpu, v in shipped_steps(progress_points(history)[k]):
            if prev is None:
                out.append(f"| {name} | {gpu:.1f} | – | {v:.1f} | – | – |")
            else:
                spent = gpu - prev[0]
                out.append(
                    f"| {name} | {gpu:.1f} | {spent:.1f} | {v:.1f} | {prev[1] - v:.1f} | "
                    f"{(prev[1] - v) / max(spent, 1e-9):.2f} |"
                )
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
        ax.scatter(
            [x for x, sh in zip(g, s) if sh],
            [y for y, sh in zip(v, s) if sh],
            color=colour,
            marker="o",
            label=f"{name}: shipped",
        )
        ax.scatter(
            [x for x, sh in zip(g, s) if not sh],
            [y for y, sh in zip(v, s) if not sh],
            color=colour,
            marker="x",
            label=f"{name}: not shipped",
        )
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


def derive(ns: dict) -> dict:
    """The names the section uses: `gain_lines` (the gain table) and `picture_name`; draws the picture."""
    history = ns["history"] if "history" in ns else (ns.get("log") or {}).get("history", [])
    picture = Path(ns["picture"])
    plot_progress(history, picture)
    return {"gain_lines": gain_table(history), "picture_name": picture.name}
