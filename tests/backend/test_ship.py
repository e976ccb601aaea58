"""The ship rule: the shipped model is replaced only when the chosen validation figure improves; the history grows
in its own file (outside the card), and the card declares `ready` by the readiness rule."""
from __future__ import annotations

import json

import pytest

from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import MODEL_JSON, build_transformer, read_meta, save_video_model
from sig2gps.model.card import read_card
from sig2gps.train.ship import read_history, ship

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


def _model(path, seed, **val):
    save_video_model(path, build_transformer(TINY, seed), TINY, {"val": val, "run": f"run{seed}"})
    return path


def test_ships_only_on_improvement_and_keeps_the_history(tmp_path):
    dest = _model(tmp_path / "shipped", 0, val_mae_m=400.0)
    meta = read_meta(dest)
    meta["history"] = [{"session": "s1", "val_mae_m": 400.0, "shipped": True}]
    (dest / MODEL_JSON).write_text(json.dumps(meta))
    log = tmp_path / "history.json"
    worse = _model(tmp_path / "worse", 1, val_mae_m=410.0)
    assert not ship(worse, {"session": "s2"}, dest, history=log)
    assert read_meta(dest)["summary"]["run"] == "run0"
    better = _model(tmp_path / "better", 2, val_mae_m=390.0, val_mae_win_m=300.0)
    assert ship(better, {"session": "s3"}, dest, history=log)
    m = read_meta(dest)
    assert m["summary"]["run"] == "run2"
    # the card of the older layout had its history inside: it moved to the history file, first
    assert [(h["session"], h["shipped"]) for h in read_history(log)] == [("s1", True), ("s2", False), ("s3", True)]
    assert set(m) == {"config", "summary", "ready"}


def test_windowed_key_needs_both_models_measured_that_way(tmp_path):
    dest = _model(tmp_path / "shipped", 0, val_mae_m=400.0)
    new = _model(tmp_path / "new", 1, val_mae_m=420.0, val_mae_win_m=300.0)
    with pytest.raises(ValueError, match="no 'val_mae_win_m'"):
        ship(new, {"session": "s"}, dest, key="val_mae_win_m", history=tmp_path / "h.json")
    meta = read_meta(dest)
    meta["summary"]["val"]["val_mae_win_m"] = 310.0  # measured the same way
    (dest / MODEL_JSON).write_text(json.dumps(meta))
    assert ship(new, {"session": "s"}, dest, key="val_mae_win_m", history=tmp_path / "h.json")  # better in windows
    assert read_history(tmp_path / "h.json")[-1] == {"session": "s", "val_mae_win_m": 300.0, "shipped": True}


def test_the_card_declares_ready_by_the_towers_floor(tmp_path):
    below = _model(tmp_path / "below", 0, val_mae_m=250.0, val_towers_mae_m=268.0)
    above = _model(tmp_path / "above", 1, val_mae_m=250.0, val_mae_win_m=300.0, val_towers_mae_m=268.0)
    unvalidated = save_video_model(tmp_path / "none", build_transformer(TINY, 0), TINY)
    assert read_meta(below)["ready"] is True and read_card(below).ready
    assert read_meta(above)["ready"] is False  # the windowed figure counts when measured
    assert read_card(unvalidated).ready is False
    # an older card (no `ready`) gets it by the same rule; a declared one is read as declared
    meta = read_meta(above)
    del meta["ready"]
    (above / MODEL_JSON).write_text(json.dumps(meta))
    assert read_card(above).ready is False
    meta["ready"], meta["summary"]["val"]["val_mae_win_m"] = True, 400.0
    (above / MODEL_JSON).write_text(json.dumps(meta))
    assert read_card(above).ready is True
    meta["ready"] = "yes"
    (above / MODEL_JSON).write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="field 'ready'"):
        read_card(above)


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


def test_the_shipped_card_is_config_summary_and_declared_readiness():
    from sig2gps.model.card import beats_towers_floor
    from sig2gps.model.store import shipped_model_dir

    meta = read_meta(shipped_model_dir())
    assert meta, f"the shipped video model's card is missing from {shipped_model_dir()} (it is part of the checkout)"
    assert set(meta) <= {"config", "summary", "ready", "base"} and "history" not in meta
    assert meta["ready"] is beats_towers_floor(meta["summary"])  # declared by the rule, as at ship time
