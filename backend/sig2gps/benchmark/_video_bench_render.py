"""Markdown for `sig2gps bench --only video_bench`: the recorded GPU rows of the video model next to the
CPU rows of the methods table (same benchmark key, same metrics), the issue-5 targets, and test-time scaling.

Nothing here measures; every figure is read from the recorded JSON or the cached methods-table results.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..benchdata import REPO

DEFAULT_JSON = REPO / "docs" / "video_bench_gpu.json"
SCOPES = ("small", "medium", "large")
CPU_METHODS = ("towers", "hmm", "nftrack", "gru", "tcn", "mlp", "transformer")  # rows taken from the methods table
TARGET_SNAP = 0.9  # issue 5: video --snap at least 10% below hmm's MAE
TARGET_ONE_PIECE = 0.9  # issue 5: at least 90% of rollouts one connected path


def _cell(r: dict | None) -> str:
    if not r or r.get("mae_m") is None:
        return "–"
    return f"{r['mae_m']:.0f} / {r['rmse_m']:.0f} / {100 * r['l100']:.1f}% / {100 * r['g1000']:.1f}%"


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


def cpu_rows(key: str, root: Path | None = None) -> dict:
    """{method: {city: {scope: metrics, "s_per_trace", "failed"}}} from the cached methods-table run, or {}."""
    p = (root or REPO / "out" / "benchmark") / key / "results.json"
    if not p.is_file():
        return {}
    res = json.loads(p.read_text())
    return {m: res[m] for m in CPU_METHODS if m in res and "error" not in res[m]}


def render_test_runs(path: Path, how: str, body, cpu_root: Path | None = None) -> str:
    """body(record, its test runs, the CPU table's hmm rows for their benchmark) of a recorded JSON that keeps
    video_bench runs under "test" (the sessions' training records), or the 'not measured yet' line saying how."""
    p = Path(path)
    if not p.is_file():
        return f"Not measured yet: no recorded run ({p.name}). On the GPU machine: {how}."
    rec = json.loads(p.read_text())
    runs = rec["test"]["runs"]
    return body(rec, runs, cpu_rows(runs[0]["benchmark_key"], cpu_root).get("hmm", {}))


def _index(rows: list) -> dict:
    """{(label, city): {scope: row}} in first-seen order."""
    out = {}
    for r in rows:
        out.setdefault((r["label"], r["city"]), {})[r["scope"]] = r
    return out


def render(data: dict, cpu: dict, json_path: str = "", section: str = "video_bench") -> str:
    rows = data["rows"]
    idx = _index(rows)
    cities = list(dict.fromkeys(r["city"] for r in rows))
    unseen = {r["city"] for r in rows if r["unseen"]}
    lines = [f"Recorded run: {data['machine']} Recorded {data['date']} in `{json_path or 'docs/video_bench_gpu.json'}`.",
             "", f"Command: `{data['command']}` (test set exported by `sig2gps benchmark --export-test DIR`). "
             f"Benchmark {data['benchmark_key']}. Rendered by `sig2gps bench --only {section}`.", "",
             "Cells: MAE / RMSE (m) / L100 / G1000, rollout 0, scored with sig2gps.metrics (the functions of the "
             "methods table). `video` rows are from the GPU run (s/trace: each trace's share of its batch); the "
             "other rows are the CPU methods-table run on the same benchmark key (s/trace on one core)"
             + ("" if cpu else " — **not found here** (run `sig2gps benchmark` to cache it), so only the recorded "
                "rows are shown") + ". ×hmm = overall MAE / hmm's overall MAE on that city.", ""]
    for city in cities:
        hmm = cpu.get("hmm", {}).get(city, {}).get("overall", {}).get("mae_m")
        tag = " — UNSEEN city" if city in unseen else " (training city; test traces held out)"
        lines += [f"### {city}{tag}", ""]
        n_rec = max((r["n"] for r in rows if r["city"] == city and r["scope"] == "overall"), default=0)
        n_cpu = {c.get(city, {}).get("of") for c in cpu.values()} - {None}
        if n_cpu and max(n_cpu) != n_rec:
            lines += [f"**Recorded rows cover {n_rec} traces of this city, the CPU rows {max(n_cpu)}: not the same "
                      "pool (a --limit-per-scope run); compare with care.**", ""]
        lines += ["| method | Small | Medium | Large | overall MAE | ×hmm | s/trace | failed "
                  "| one-piece | on road |", "|---|---|---|---|---|---|---|---|---|---|"]
        for m, res in cpu.items():
            c = res.get(city)
            if not c:
                continue
            mae = c["overall"]["mae_m"]
            ratio = f"{mae / hmm:.2f}" if mae is not None and hmm else "–"
            part = "" if c.get("traces") == c.get("of") else f" (partial {c.get('traces')}/{c.get('of')})"
            lines.append(f"| {m} (CPU){part} | {_cell(c['small'])} | {_cell(c['medium'])} | {_cell(c['large'])} | "
                         f"{mae or float('nan'):.0f} | {ratio} | {c['s_per_trace']:.3f} | {c['failed']} | – | – |")
        for (label, c2), sc in idx.items():
            if c2 != city:
                continue
            o = sc.get("overall", {})
            mae = o.get("mae_m")
            ratio = f"{mae / hmm:.2f}" if mae is not None and hmm else "–"
            spt = o.get("s_per_trace")
            lines.append(f"| {label}{' (GPU run)' if label == 'towers' else ''} | {_cell(sc.get('small'))} | "
                         f"{_cell(sc.get('medium'))} | {_cell(sc.get('large'))} | "
                         f"{'–' if mae is None else f'{mae:.0f}'} | {ratio} | "
                         f"{'–' if spt is None else f'{spt:.3f}'} | {o.get('failed', '–')}/{o.get('n', '–')} | "
                         f"{_pct(o.get('one_piece'))} | {_pct(o.get('on_road'))} |")
        lines.append("")
    lines += targets(rows, cpu, unseen) + scaling(rows, cities)
    if data.get("notes"):
        lines += ["<details><summary>Run notes</summary>", ""] + [f"- {n}" for n in data["notes"]] + ["", "</details>"]
    return "\n".join(lines)


def targets(rows: list, cpu: dict, unseen: set) -> list[str]:
    """Issue-5 targets, checked against the measured figures (met / NOT met), on the unseen city."""
    out = ["**Issue 5 targets on the unseen city** (raw rollout 0 <= hmm's MAE in every scope; >= "
           f"{100 * TARGET_ONE_PIECE:.0f}% one-piece rollouts; --snap <= {TARGET_SNAP:.1f}x hmm's MAE in every scope):", ""]
    idx = _index(rows)
    any_line = False
    for (label, city), sc in idx.items():
        if city not in unseen or label == "towers":
            continue
        h = cpu.get("hmm", {}).get(city)
        snap = sc["overall"].get("snap")
        parts = []
        if h:
            lim = TARGET_SNAP if snap else 1.0
            ok = True
            for s in SCOPES:
                v, hv = sc.get(s, {}).get("mae_m"), h[s]["mae_m"]
                if v is None or hv is None:
                    ok = False
                    parts.append(f"{s} not measured")
                    continue
                ok &= v <= lim * hv
                parts.append(f"{s} {v / hv:.2f}x")
            verdict = "met" if ok else "NOT met"
        else:
            verdict = "not checked (no cached hmm row)"
        op = sc["overall"].get("one_piece")
        if not snap:
            parts.append(f"one-piece {_pct(op)} ({'met' if op is not None and op >= TARGET_ONE_PIECE else 'NOT met'})")
        out.append(f"- {label} on {city}: MAE vs hmm {', '.join(parts)} — {verdict}")
        any_line = True
    return (out + [""]) if any_line else []


def scaling(rows: list, cities: list) -> list[str]:
    """Test-time scaling: overall MAE per model and decode as the frame count grows (paper: falls)."""
    vids = [r for r in rows if r["method"] == "video" and r["scope"] == "overall"]
    if not vids:
        return []
    keys = list(dict.fromkeys((r["model"], r["label"].split(" ", 2)[-1]) for r in vids))  # (model, decode)
    frames = sorted({r["frames"] for r in vids})
    out = ["**Test-time scaling** (overall MAE in m per city; frames = 4k+1):", "",
           "| model | decode | city | " + " | ".join(f"{f} frames" for f in frames) + " |",
           "|---|---|---|" + "---|" * len(frames)]
    for model, dec in keys:
        for city in cities:
            got = {r["frames"]: r["mae_m"] for r in vids if r["model"] == model and r["city"] == city
                   and r["label"].split(" ", 2)[-1] == dec}
            if got:
                out.append(f"| {model} | {dec} | {city} | " + " | ".join(
                    "–" if got.get(f) is None else f"{got[f]:.0f}" for f in frames) + " |")
    return out + [""]


def render_recorded(json_path=None, cpu_root: Path | None = None) -> str:
    p = Path(json_path) if json_path else DEFAULT_JSON
    if not p.is_file():
        shown = p.relative_to(REPO) if p.is_absolute() and p.is_relative_to(REPO) else p
        return (f"Not measured yet: no recorded GPU result at `{shown}`. Export the test set with `sig2gps benchmark "
                "--export-test out/video_test`, run `python3 -m sig2gps.benchmark.video_bench --test out/video_test "
                "--model NAME=MODEL_DIR --frames 13 17 21 --snap --json OUT.json` on the GPU machine, save the "
                "JSON there, then rerun `sig2gps bench --only video_bench`.")
    data = json.loads(p.read_text())
    try:
        shown = str(p.resolve().relative_to(REPO))
    except ValueError:
        shown = str(p)
    return render(data, cpu_rows(data["benchmark_key"], cpu_root), shown)
