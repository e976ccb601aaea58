"""The session-4 RL-on-windows section (experiments/rl_windows) renders from its recorded JSON: tables and changes
computed from the typed rows."""
from __future__ import annotations

import json

import pytest

TOWERS = {"label": "towers", "method": "towers", "model": None}
GDPO = {"label": "gdpo f13 raw w1000", "method": "video", "model": "gdpo", "frames": 13, "decode": "raw",
        "rollouts": 1, "window": 1000.0, "pick": "", "samples": ""}


@pytest.fixture
def render_all(render_experiment, tmp_path):
    return lambda path, cpu_root=None: render_experiment("rl_windows", cpu_root=cpu_root or tmp_path / "none", rec=path)


def _run(mae: float, command: str) -> dict:
    rows = [{**TOWERS, "city": "campo-grande", "scope": sc, "mae_m": 450.0}
            for sc in ("small", "medium", "large", "overall")]
    rows += [{**GDPO, "city": "campo-grande", "scope": sc, "mae_m": mae + i}
             for i, sc in enumerate(("small", "medium", "large", "overall"))]
    return {"rows": rows, "command": command, "machine": "toy machine", "benchmark_key": "nokey",
            "config": {"models": [["gdpo", "x"]], "frames": [13], "rollouts": 1, "chunk_m": 1000.0}}


def test_section_from_a_recorded_json(tmp_path, render_all):
    rec = {"machine": "toy", "rl_config": "cfg.json",
           "rounds": [{"round": 1, "init": "a", "steps": 5, "rollouts": 640, "gpu_minutes": 1.0, "conditions": 99,
                       "eval_conditions": 7, "rl_eval_mae_m": [500.0, None]}],
           "validation": {"protocol": "toy protocol", "rows": [{"model": "before", "val_mae_win_m": 400.0},
                                                               {"model": "after", "val_mae_win_m": 300.0}]},
           "canvas128": {"question": "q?", "verdict": "v", "rows": [{"model": "m", "gpu_minutes": 2, "win1000": 1.5}]},
           "test": {"note": "toy test", "names": ["before", "after"],
                    "runs": [_run(500.0, "cmd1"), _run(400.0, "cmd2")]}}
    p = tmp_path / "rec.json"
    p.write_text(json.dumps(rec))
    md = render_all(p, cpu_root=tmp_path)
    assert "| before | after | best ×hmm |" in md and "`cmd2` (toy machine)" in md
    assert "| campo-grande | overall | 450 | – | 503 | 403 | – |" in md  # no cached CPU table: hmm unknown
    assert "campo-grande 503 → 403 m (-19.9%)" in md
    assert "| after | 300.0 | -25.0% |" in md and "500.0 → – (7 windows)" in md and "| m | 2 | 1.5 | – |" in md
    assert "Not measured yet" in render_all(tmp_path / "missing.json")
