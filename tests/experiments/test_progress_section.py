"""The progress section (experiments/video_probes): the curve and gain table come from the model's history, the
probes from their record."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "video_probes_derive", Path(__file__).resolve().parents[2] / "experiments" / "video_probes" / "derive.py")
derive = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(derive)
gain_table, progress_points, shipped_steps = derive.gain_table, derive.progress_points, derive.shipped_steps


@pytest.fixture
def render_all(render_experiment):
    def render(path, meta, picture):
        return render_experiment("video_probes", names={"history": meta["history"], "picture": str(picture)}, rec=path)
    return render


def _h(cum: float, shipped: bool, **vals) -> dict:
    return {"session": f"s{cum}", "runs": [], "gpu_minutes": 1.0, "cumulative_gpu_minutes": cum, "shipped": shipped,
            "val_towers_mae_m": 268.0, **vals}


HISTORY = [_h(10, True, val_mae_m=450.0), _h(20, True, val_mae_m=400.0), _h(25, False, val_mae_m=380.0),
           _h(40, True, val_mae_win_m=330.0), _h(50, False, val_mae_win_m=335.0), _h(60, True, val_mae_win_m=300.0),
           # an unshipped entry that lists only its runs' figures: the best of them stands for it
           {"session": "arms", "gpu_minutes": 2.0, "cumulative_gpu_minutes": 62.0, "shipped": False,
            "runs": [{"run": "a", "val_mae_win_m": 310.0}, {"run": "b", "val_mae_win_m": 305.0}]}]


def test_points_and_the_shipped_step_line():
    pts = progress_points(HISTORY)
    assert pts["val_mae_m"] == [(10.0, 450.0, True), (20.0, 400.0, True), (25.0, 380.0, False)]
    assert pts["val_mae_win_m"][-1] == (62.0, 305.0, False)
    # an unshipped figure never lowers the shipped line, even when it is lower
    assert shipped_steps(pts["val_mae_m"]) == [(10.0, 450.0), (20.0, 400.0)]
    assert shipped_steps(pts["val_mae_win_m"]) == [(40.0, 330.0), (60.0, 300.0)]


def test_gain_table_counts_what_each_shipped_model_cost_since_the_one_before():
    md = "\n".join(gain_table(HISTORY))
    assert "| one window, 21 frames | 10.0 | – | 450.0 | – | – |" in md
    assert "| one window, 21 frames | 20.0 | 10.0 | 400.0 | 50.0 | 5.00 |" in md
    # the unshipped run at 50 GPU-min counts in what the next shipped model cost
    assert "| 1000 m windows, 13 frames | 60.0 | 20.0 | 300.0 | 30.0 | 1.50 |" in md
    assert md.endswith("| since the last shipped model | – | 2.0 | – | 0 | 0 |")


def _state(start: float, val: float) -> dict:
    return {"start": {"model": "m0", "val_mae_win_m": start},
            "rounds": [{"round": 1, "init": "m0", "model": "r1", "rl_steps": 40, "rl_eval_before": 485.0,
                        "rl_eval_after": 487.0, "val": {"val_mae_win_m": val}, "kept": val < start}]}


def test_section_from_a_recorded_json(tmp_path, render_all):
    val = {"val_mae_win_m": 320.04, "val_mae_m": 380.0, "val_towers_mae_m": 268.0, "val_on_road": 0.9}
    rec = {"machine": "toy gpu", "date": "today", "question": "q1?", "verdict": "v1",
           "arms": [{"name": "P: path", "config": "p.json", "note": "n", "gpu_minutes": [4.6],
                     "state": _state(297.7, 301.6)}],
           "capacity": {"question": "q2?", "verdict": "v2", "windows_machine": "cpu", "windows_command": "cmd",
                        "runs": [{"name": "small", "params_m": 9.17, "samples_per_s": 320.4, "points": [
                            {"gpu_minutes": 7.45, "samples": 144000, "loss": 0.038, "val_mae_m": 450.7,
                             "val_on_road": 0.83}]},
                                 {"name": "medium", "params_m": 20.44, "samples_per_s": 251.6, "points": [
                                     {"gpu_minutes": 7.57, "samples": 110784, "loss": None, "val_mae_m": 430.7,
                                      "val_on_road": 0.92}]}],
                        "windows": [{"name": "medium", "val": val}]}}
    p = tmp_path / "rec.json"
    p.write_text(json.dumps(rec))
    pic = tmp_path / "progress.png"
    md = render_all(p, meta={"history": HISTORY}, picture=pic)
    assert pic.stat().st_size > 0 and "![validation against GPU-minutes](pictures/progress.png)" in md
    assert "| P | 1 | start | 40 | 4.6 | 485.0 → 487.0 | 301.6 | +1.3% | no |" in md
    assert "| small | 9.2M | 7.45 | 144,000 | 320 | 0.0380 | 450.7 | 83% |" in md
    assert "| medium | 20.4M | 7.57 | 110,784 | 252 | – | 430.7 | 92% |" in md
    assert "| medium | 320.0 | 380.0 | 268 | 90% |" in md and "Reading: v2." in md
    assert "Probes: not recorded (missing.json)." in render_all(tmp_path / "missing.json", meta={"history": HISTORY},
                                                                 picture=pic)
