"""The ship rule: the shipped model is replaced only when the chosen validation figure improves; history grows."""
from __future__ import annotations

import json

import pytest

from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import MODEL_JSON, build_transformer, read_meta, save_video_model
from sig2gps.train.ship import ship

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


def _model(path, seed, **val):
    save_video_model(path, build_transformer(TINY, seed), TINY, {"val": val, "run": f"run{seed}"})
    return path


def test_ships_only_on_improvement_and_keeps_the_history(tmp_path):
    dest = _model(tmp_path / "shipped", 0, val_mae_m=400.0)
    meta = read_meta(dest)
    meta["history"] = [{"session": "s1", "val_mae_m": 400.0, "shipped": True}]
    (dest / MODEL_JSON).write_text(json.dumps(meta))
    worse = _model(tmp_path / "worse", 1, val_mae_m=410.0)
    assert not ship(worse, {"session": "s2"}, dest)
    assert read_meta(dest)["summary"]["run"] == "run0"
    better = _model(tmp_path / "better", 2, val_mae_m=390.0, val_mae_win_m=300.0)
    assert ship(better, {"session": "s3"}, dest)
    m = read_meta(dest)
    assert m["summary"]["run"] == "run2"
    assert [(h["session"], h["shipped"]) for h in m["history"]] == [("s1", True), ("s2", False), ("s3", True)]


def test_windowed_key_needs_both_models_measured_that_way(tmp_path):
    dest = _model(tmp_path / "shipped", 0, val_mae_m=400.0)
    new = _model(tmp_path / "new", 1, val_mae_m=420.0, val_mae_win_m=300.0)
    with pytest.raises(ValueError, match="no 'val_mae_win_m'"):
        ship(new, {"session": "s"}, dest, key="val_mae_win_m")
    meta = read_meta(dest)
    meta["summary"]["val"]["val_mae_win_m"] = 310.0  # measured the same way
    (dest / MODEL_JSON).write_text(json.dumps(meta))
    assert ship(new, {"session": "s"}, dest, key="val_mae_win_m")  # better in windows, though not in one window
    assert read_meta(dest)["history"][-1] == {"session": "s", "val_mae_win_m": 300.0, "shipped": True}


def test_training_log_renders_sessions_validated_either_way():
    from sig2gps.benchmark.video import training_log

    meta = {"history": [
        {"session": "a", "runs": [{"run": "r1", "from": "scratch", "steps": 10, "samples": 640, "gpu_minutes": 1.0,
                                   "val_mae_m": 400.0}],
         "gpu_minutes": 1.0, "cumulative_gpu_minutes": 1.0, "val_mae_m": 400.0, "val_towers_mae_m": 268.0,
         "val_connected": 0.0, "val_on_road": 0.9, "shipped": True},
        {"session": "b", "runs": [{"run": "r2", "from": "r1", "steps": 5, "rollouts": 640, "gpu_minutes": 2.0,
                                   "val_mae_win_m": 312.1}],
         "gpu_minutes": 2.0, "cumulative_gpu_minutes": 3.0, "val_mae_win_m": 312.1, "val_towers_mae_m": 269.3,
         "shipped": False}]}
    md = training_log(meta)
    assert "| a | r1 from scratch: 10 steps, 640 samples, 1.0 min, val 400.0 m | 1.0 / 1.0 | 400 | - | 268 | 0% | 90% | yes |" in md
    assert "| b | r2 from r1: 5 steps, 640 rollouts, 2.0 min, val 312.1 m in windows | 2.0 / 3.0 | - | 312 | 269 | - | - | no |" in md
