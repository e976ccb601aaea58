"""The session-5 rounds section (experiments/rl_rounds) renders from its recorded JSON: the arms' own rounds.json
and the benchmark runs."""
from __future__ import annotations

import json

import pytest


@pytest.fixture
def render_all(render_experiment, tmp_path):
    return lambda path, cpu_root=None: render_experiment("rl_rounds", cpu_root=cpu_root or tmp_path / "none", rec=path)


def _fields(label: str) -> dict:
    """The typed fields of a toy row, written as its printed label ("towers", "gdpo f13 raw w1000 (snap samples)")."""
    if label == "towers":
        return {"label": label, "method": "towers", "model": None}
    model, frames, decode, window, *rest = label.split(" ")
    return {"label": label, "method": "video", "model": model, "frames": int(frames[1:]), "decode": decode,
            "rollouts": 1, "window": float(window[1:]), "pick": "", "samples": "snap" if rest else ""}


def _rows(label: str, mae: float, city: str = "campo-grande") -> list[dict]:
    return [{**_fields(label), "city": city, "scope": sc, "mae_m": mae + i}
            for i, sc in enumerate(("small", "medium", "large", "overall"))]


def _run(rows: list, command: str, **config) -> dict:
    cfg = {"models": [["gdpo", "x"]], "frames": [13], "rollouts": 1, "chunk_m": 1000.0, **config}
    return {"rows": rows, "command": command, "machine": "toy machine", "benchmark_key": "nokey", "config": cfg}


def _state(start: float, vals: list) -> dict:
    rounds, best = [], "m0"
    for k, v in enumerate(vals, 1):
        kept = v < min([start] + vals[:k - 1])
        rounds.append({"round": k, "init": best, "model": f"out/round{k}/model", "rl_steps": 10 * k,
                       "rl_eval_before": 500.0, "rl_eval_after": None, "val": {"val_mae_win_m": v}, "kept": kept})
        best = f"out/round{k}/model" if kept else best
    return {"start": {"model": "m0", "val_mae_win_m": start}, "rounds": rounds}


def test_section_from_a_recorded_json(tmp_path, render_all):
    fs = _run(_rows("towers", 450.0) + _rows("gdpo f13 raw w1000", 480.0) + _rows("gdpo f17 raw w1000", 470.0)
              + _rows("gdpo f13 snap w1000", 430.0) + _rows("gdpo f13 raw w1000 (snap samples)", 490.0), "cmd3",
              frames=[13, 17], snap_frames=[13], limit_per_scope=4, snap_limit_per_scope=2)
    rec = {"machine": "toy", "date": "today", "question": "q?",
           "arms": [{"name": "B: every frame", "config": "c.json", "note": "n", "gpu_minutes": [1.0, 2.0, 3.0],
                     "state": _state(400.0, [390.0, 395.0, 380.0])}],
           "test": {"note": "toy test", "names": ["before", "after"],
                    "runs": [_run(_rows("towers", 450.0) + _rows("gdpo f13 raw w1000", 500.0), "cmd1"),
                             _run(_rows("gdpo f13 raw w1000", 400.0), "cmd2")]},
           "frames_snap": fs,
           "cpu_check": {"machine": "cpu box", "what": "toy traces", "towers": 400.0, "hmm": 300.0, "verdict": "v",
                         "rows": [{"model": "old", "steps": 10, "raw": 450.04, "snap": 390.0}]}}
    p = tmp_path / "rec.json"
    p.write_text(json.dumps(rec))
    md = render_all(p, cpu_root=tmp_path)
    # rounds: change against the start, kept or not, and which model each round began from
    assert "| B | 2 | round 1 | 20 | 2.0 | 500.0 → – | 395.0 | -1.2% | no |" in md
    assert "| B | 3 | round 1 | 30 | 3.0 | 500.0 → – | 380.0 | -5.0% | yes |" in md
    assert "| campo-grande | overall | 453 | – | 503 | 403 | – |" in md and "campo-grande 503 → 403 m (-19.9%)" in md
    assert "| raw, 13 frames | raw, 17 frames | --snap, 13 frames | raw, same samples as --snap |" in md
    assert "| campo-grande | 453 | 483 | 473 | 433 | 493 | – |" in md  # overall rows; no cached CPU table
    assert "| old | 10 | 450.0 | 390.0 |" in md and "toy traces; towers 400 m, hmm 300 m." in md
    assert "Not measured yet" in render_all(tmp_path / "missing.json")
