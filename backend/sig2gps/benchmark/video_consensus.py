"""`sig2gps bench --only video_consensus`: the video model's consensus decode, rendered from recorded GPU runs.

One sampled video hedges between candidate roads, so its dots scatter; `--rollouts K --consensus`
takes per frame the geometric median of the K drawn dots (methods/video.py). Two recorded runs of
`python3 -m sig2gps.benchmark.video_bench ... --consensus` on the benchmark test set:
  docs/video_bench_consensus_gpu.json  K = 8 on all test traces (raw, and --snap on a subset)
  docs/video_consensus_k_gpu.json      K = 4, 8, 16, 32 on the first 60 traces per scope and city
and, for K = 1, the rollout 0 of the same shipped model in docs/video_bench_rl_gpu.json (same seeds:
rollout k of a trace has the same noise whatever K is). Nothing here measures.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..benchdata import REPO
from ._video_bench_render import cpu_rows, render

ORDER = 54
TITLE = "Video model: consensus of K rollouts (GPU run, benchmark test set)"

K8_JSON = REPO / "docs" / "video_bench_consensus_gpu.json"
K_JSON = REPO / "docs" / "video_consensus_k_gpu.json"
K1_JSON = REPO / "docs" / "video_bench_rl_gpu.json"
K1_LABEL = "gdpo f13 raw"  # the shipped model's rollout 0 of one sample, 13 frames, 10 steps


def _overall(rows: list, label: str) -> dict:
    return {r["city"]: r["mae_m"] for r in rows if r["label"] == label and r["scope"] == "overall"}


def k_table(runs: list) -> list[str]:
    """Overall MAE per city as K grows, consensus and best-scored single sample, with towers on the same pool."""
    cities = list(dict.fromkeys(r["city"] for run in runs for r in run["rows"]))
    ks = [run["config"]["rollouts"] for run in runs]
    out = ["| city | towers | " + " | ".join(f"K={k} consensus / best" for k in ks) + " |",
           "|---|---|" + "---|" * len(ks)]
    for city in cities:
        towers = next((v for run in runs for c, v in _overall(run["rows"], "towers").items() if c == city), None)
        cells = []
        for run, k in zip(runs, ks):
            model = run["config"]["models"][0][0]
            f = run["config"]["frames"][0]
            con = _overall(run["rows"], f"{model} f{f} raw K{k} consensus").get(city)
            best = _overall(run["rows"], f"{model} f{f} raw K{k} best").get(city)
            cells.append("–" if con is None else f"{con:.0f} / {best:.0f}")
        out.append(f"| {city} | {'–' if towers is None else f'{towers:.0f}'} | " + " | ".join(cells) + " |")
    return out


def gains(k8: dict, k1: dict) -> list[str]:
    """K=8 consensus against the same model's single sample (K=1) on the full test set, per city."""
    model = k8["config"]["models"][0][0]
    f = k8["config"]["frames"][0]
    k = k8["config"]["rollouts"]
    con = _overall(k8["rows"], f"{model} f{f} raw K{k} consensus")
    best = _overall(k8["rows"], f"{model} f{f} raw K{k} best")
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


def render_all(k8_path: Path = K8_JSON, k_path: Path = K_JSON, k1_path: Path = K1_JSON,
               cpu_root: Path | None = None) -> str:
    if not k8_path.is_file():
        return (f"Not measured yet: no recorded run at `{k8_path.name}`. On the GPU machine: `python3 -m "
                "sig2gps.benchmark.video_bench --test out/video_test --model NAME=DIR --frames 13 --steps 10 "
                "--rollouts 8 --consensus --snap --json OUT.json`, save the JSON as docs/video_bench_consensus_gpu.json.")
    k8 = json.loads(k8_path.read_text())
    lines = ["Consensus decode (`--rollouts K --consensus`): rollout 0 is, per frame, the geometric median of the K "
             "sampled videos' dots (raw); with `--snap`, the road route under the K videos' mean path probability, "
             "timed by those medians. 'best' rows are the best-scored single sample of the same K (the method's "
             "rollout 1 here; its rollout 0 without --consensus).", ""]
    if k1_path.is_file():
        lines += ["**Consensus against one sample** (full test set, overall MAE in m):", "",
                  *gains(k8, json.loads(k1_path.read_text())), ""]
    if k_path.is_file():
        kd = json.loads(k_path.read_text())
        lines += [f"**As K grows** (overall MAE in m; {kd.get('note', '')}):", "", *k_table(kd["runs"]), ""]
    lines += ["### The K = 8 run in full", "", render(k8, cpu_rows(k8["benchmark_key"], cpu_root),
                                                       str(k8_path.relative_to(REPO)) if k8_path.is_relative_to(REPO)
                                                       else str(k8_path), section="video_consensus")]
    return "\n".join(lines)


def run(args) -> str:
    return render_all()
