"""Replace the shipped model only when validation improves; keep the training history with it.

The shipped model's sig2gps_video.json carries "history": one record per training session
(GPU-minutes, validation MAE, one-piece share), so the log in docs/BENCHMARKS.md is rebuilt
from the model itself and grows only with real progress.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..model.store import MODEL_JSON, read_meta, shipped_model_dir


def ship(best_dir, session: dict, dest=None, force: bool = False, key: str = "val_mae_m") -> bool:
    """Copy `best_dir` over the shipped model if its validation `key` beats the shipped one's (same protocol).

    key "val_mae_win_m": the pairs drawn in windows as the video method runs them (train validate --chunk-m);
    both models' summaries must carry it, measured the same way."""
    dest = Path(dest) if dest else shipped_model_dir()
    new = read_meta(best_dir)
    old = read_meta(dest)
    history = list(old.get("history", []))
    new_mae = new["summary"]["val"][key]
    old_mae = old.get("summary", {}).get("val", {}).get(key, float("inf"))
    if not force and old_mae == float("inf") and dest.exists():
        raise ValueError(f"{dest / MODEL_JSON}: the shipped model's summary has no '{key}' to compare with")
    better = force or new_mae < old_mae
    history.append({**session, key: new_mae, "shipped": bool(better)})
    if better:
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(best_dir, dest)
        new["history"] = history
        (dest / MODEL_JSON).write_text(json.dumps(new, indent=1))
    else:
        old["history"] = history
        (dest / MODEL_JSON).write_text(json.dumps(old, indent=1))
    return better
