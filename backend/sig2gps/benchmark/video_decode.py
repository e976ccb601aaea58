"""`sig2gps bench --only video_decode`: how the video model is run at inference, from recorded GPU runs.

Two inference levers of methods/video.py, measured on the benchmark test set with
`python3 -m sig2gps.benchmark.video_bench` (nothing here measures):
- windows (`--chunk-m`): a long trace drawn in consecutive short windows, so every window has the
  metres-per-pixel of a short trace. docs/video_windows_gpu.json (all test traces, K=1) and
  docs/video_windows_sweep_gpu.json (window sizes, first 60 traces per scope); the one-window K=1
  baseline on all traces is the shipped model's rollout 0 in docs/video_bench_rl_gpu.json (same seeds:
  window 0 and rollout k keep a trace's noise).
- consensus (`--rollouts K --consensus`): per frame the geometric median of the K drawn dots.
  docs/video_bench_consensus_gpu.json (K=8, all traces, one window), docs/video_consensus_k_gpu.json
  (K=4..32, first 60 per scope), docs/video_consensus_windows_gpu.json (K=8 in 1500 m windows, 30 per scope).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..benchdata import REPO
from ._video_bench_render import cpu_rows, render
from .video_bench import row_label

ORDER = 54
TITLE = "Video model at inference: short windows and the consensus of K rollouts (GPU runs, benchmark test set)"

K8_JSON = REPO / "docs" / "video_bench_consensus_gpu.json"
K_JSON = REPO / "docs" / "video_consensus_k_gpu.json"
K1_JSON = REPO / "docs" / "video_bench_rl_gpu.json"
K1_MODEL, K1_FRAMES = "gdpo", 13  # the shipped model's rollout 0 of one sample, 13 frames, 10 steps, there
K1_LABEL = row_label(K1_MODEL, K1_FRAMES, "raw")
WIN_JSON = REPO / "docs" / "video_windows_gpu.json"
SWEEP_JSON = REPO / "docs" / "video_windows_sweep_gpu.json"
BOTH_JSON = REPO / "docs" / "video_consensus_windows_gpu.json"


def _overall(rows: list, label: str, scope: str = "overall") -> dict:
    return {r["city"]: r["mae_m"] for r in rows if r["label"] == label and r["scope"] == scope}


def _raw_label(run: dict, pick: str = "") -> str:
    """The raw rows' label of a recorded run's first model and frames (older runs record no chunk_m: one window)."""
    c = run["config"]
    return row_label(c["models"][0][0], c["frames"][0], "raw", c.get("rollouts", 1), c.get("chunk_m", 0.0), pick)


def _window_name(run: dict) -> str:
    w = run["config"].get("chunk_m", 0.0)
    return f"{w:g} m windows" if w else "one window"


def windows_table(runs: list, hmm: dict, towers_from: dict, names: list | None = None) -> list[str]:
    """Per city and scope MAE of each run (K=1; columns named by window setting unless `names`), with towers
    (same pool) and hmm (CPU table)."""
    cities = list(dict.fromkeys(r["city"] for run in runs for r in run["rows"]))
    names = names or [_window_name(r) for r in runs]
    out = ["| city | scope | towers | hmm (CPU) | " + " | ".join(names) + " | best ×hmm |",
           "|---|---|---|---|" + "---|" * len(runs) + "---|"]
    for city in cities:
        for sc in ("small", "medium", "large", "overall"):
            vals = [_overall(run["rows"], _raw_label(run), sc).get(city) for run in runs]
            tw = _overall(towers_from["rows"], "towers", sc).get(city)
            h = hmm.get(city, {}).get(sc, {}).get("mae_m")
            got = [v for v in vals if v is not None]
            best = f"{min(got) / h:.2f}" if got and h else "–"
            out.append(f"| {city} | {sc} | {'–' if tw is None else f'{tw:.0f}'} | {'–' if h is None else f'{h:.0f}'} | "
                       + " | ".join("–" if v is None else f"{v:.0f}" for v in vals) + f" | {best} |")
    return out


def sweep_table(runs: list) -> list[str]:
    cities = list(dict.fromkeys(r["city"] for run in runs for r in run["rows"]))
    out = ["| city | towers | " + " | ".join(_window_name(r) for r in runs) + " |", "|---|---|" + "---|" * len(runs)]
    for city in cities:
        tw = _overall(runs[0]["rows"], "towers").get(city)
        vals = [_overall(run["rows"], _raw_label(run)).get(city) for run in runs]
        out.append(f"| {city} | {'–' if tw is None else f'{tw:.0f}'} | "
                   + " | ".join("–" if v is None else f"{v:.0f}" for v in vals) + " |")
    return out


def both_table(run: dict, hmm: dict) -> list[str]:
    """K consensus in short windows: every row of the run, per city overall and per scope, ×towers and ×hmm."""
    labels = [x for x in dict.fromkeys(r["label"] for r in run["rows"]) if x != "towers"]
    out = ["| decode | city | small | medium | large | overall | ×towers | ×hmm |", "|---|---|---|---|---|---|---|---|"]
    for city in dict.fromkeys(r["city"] for r in run["rows"]):
        tw = _overall(run["rows"], "towers").get(city)
        h = hmm.get(city, {}).get("overall", {}).get("mae_m")
        out.append(f"| towers | {city} | " + " | ".join(
            f"{_overall(run['rows'], 'towers', sc).get(city, float('nan')):.0f}"
            for sc in ("small", "medium", "large", "overall")) + " | 1.00 | " + (f"{tw / h:.2f}" if tw and h else "–") + " |")
        for lab in labels:
            v = {sc: _overall(run["rows"], lab, sc).get(city) for sc in ("small", "medium", "large", "overall")}
            if v["overall"] is None:
                continue
            n = next(r["n"] for r in run["rows"] if r["label"] == lab and r["city"] == city and r["scope"] == "overall")
            out.append(f"| {lab} (n={n}) | {city} | " + " | ".join("–" if v[sc] is None else f"{v[sc]:.0f}"
                                                                  for sc in ("small", "medium", "large", "overall"))
                       + f" | {v['overall'] / tw:.2f} | " + (f"{v['overall'] / h:.2f}" if h else "–") + " |")
    return out


def k_table(runs: list) -> list[str]:
    """Overall MAE per city as K grows, consensus and best-scored single sample, with towers on the same pool."""
    cities = list(dict.fromkeys(r["city"] for run in runs for r in run["rows"]))
    ks = [run["config"]["rollouts"] for run in runs]
    out = ["| city | towers | " + " | ".join(f"K={k} consensus / best" for k in ks) + " |",
           "|---|---|" + "---|" * len(ks)]
    for city in cities:
        towers = next((v for run in runs for c, v in _overall(run["rows"], "towers").items() if c == city), None)
        cells = []
        for run in runs:
            con = _overall(run["rows"], _raw_label(run, " consensus")).get(city)
            best = _overall(run["rows"], _raw_label(run, " best")).get(city)
            cells.append("–" if con is None else f"{con:.0f} / {best:.0f}")
        out.append(f"| {city} | {'–' if towers is None else f'{towers:.0f}'} | " + " | ".join(cells) + " |")
    return out


def gains(k8: dict, k1: dict) -> list[str]:
    """K=8 consensus against the same model's single sample (K=1) on the full test set, per city."""
    k = k8["config"]["rollouts"]
    con = _overall(k8["rows"], _raw_label(k8, " consensus"))
    best = _overall(k8["rows"], _raw_label(k8, " best"))
    one = _overall(k1["rows"], K1_LABEL)
    towers = _overall(k8["rows"], "towers")
    out = [f"| city | K=1 rollout 0 | K={k} best-scored sample | K={k} consensus | consensus vs K=1 | towers |",
           "|---|---|---|---|---|---|"]
    for city in con:
        o = one.get(city)
        ch = "–" if not o else f"{100 * (con[city] / o - 1):+.0f}%"
        out.append(f"| {city} | {'–' if o is None else f'{o:.0f}'} | {best.get(city, float('nan')):.0f} | "
                   f"{con[city]:.0f} | {ch} | {towers.get(city, float('nan')):.0f} |")
    return out


def _one_window_k1(k1: dict) -> dict:
    """The shipped model's K=1 one-window rows of the RL evaluation, as a run of its own."""
    return {"config": {"models": [[K1_MODEL, ""]], "frames": [K1_FRAMES], "rollouts": 1, "chunk_m": 0.0},
            "rows": [r for r in k1["rows"] if r["label"] == K1_LABEL]}


def render_all(paths: dict | None = None, cpu_root: Path | None = None) -> str:
    p = {**dict(k8=K8_JSON, k=K_JSON, k1=K1_JSON, win=WIN_JSON, sweep=SWEEP_JSON, both=BOTH_JSON), **(paths or {})}
    got = {k: json.loads(Path(v).read_text()) for k, v in p.items() if Path(v).is_file()}
    if "k8" not in got and "win" not in got:
        return ("Not measured yet: no recorded run. On the GPU machine: `python3 -m sig2gps.benchmark.video_bench "
                "--test out/video_test --model NAME=DIR --frames 13 --steps 10 [--chunk-m M] [--rollouts 8 --consensus] "
                "--json OUT.json`, save the JSON under docs/ (see this module's doc).")
    first = got.get("k8") or got["win"]["runs"][0]
    cpu = cpu_rows(first["benchmark_key"], cpu_root)
    hmm = cpu.get("hmm", {})
    lines = ["Windows (`--chunk-m M`, default 1000): a trace whose window would be wider than M metres (half-width) is "
             "drawn in consecutive windows of at most M, neighbours sharing one signaling record, and the read-back "
             "pieces are joined in time (their shared record's dots averaged; routes keep the earlier piece's end). "
             "Consensus (`--rollouts K --consensus`): rollout 0 is, per frame, the geometric median of the K sampled "
             "videos' dots (raw); with `--snap`, the road route under the K videos' mean path probability, timed by "
             "those medians. 'best' rows are the best-scored single sample of the same K (the method's rollout 1 "
             "there). MAE in metres, rollout 0, scored with sig2gps.metrics; towers on the same traces; hmm from the "
             "CPU methods table on all test traces.", ""]
    if "win" in got:
        runs = ([_one_window_k1(got["k1"])] if "k1" in got else []) + got["win"]["runs"]
        lines += [f"### Short windows ({got['win'].get('note', '')})", "", *windows_table(runs, hmm, got["win"]["runs"][0]), ""]
    if "sweep" in got:
        lines += [f"Window size ({got['sweep'].get('note', '')}), overall MAE:", "", *sweep_table(got["sweep"]["runs"]), ""]
    if "both" in got:
        b = got["both"]
        lines += ["### Both: the consensus of K rollouts in short windows", "", f"`{b['command']}` ({b['machine']})", "",
                  *both_table(b, hmm), ""]
    if "k8" in got:
        k8 = got["k8"]
        lines += ["### Consensus of K rollouts, one window per trace", ""]
        if "k1" in got:
            lines += ["Against one sample (full test set, overall MAE):", "", *gains(k8, got["k1"]), ""]
        if "k" in got:
            lines += [f"As K grows (overall MAE; {got['k'].get('note', '')}):", "", *k_table(got["k"]["runs"]), ""]
        shown = str(Path(p["k8"]).relative_to(REPO)) if Path(p["k8"]).is_relative_to(REPO) else str(p["k8"])
        lines += ["<details><summary>The K = 8 one-window run in full</summary>", "",
                  render(k8, cpu, shown, section="video_decode"), "", "</details>"]
    return "\n".join(lines)


def run(args) -> str:
    return render_all()
