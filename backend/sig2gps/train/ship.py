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


def ship(best_dir, session: dict, dest=None, force: bool = False) -> bool:
    """Copy `best_dir` over the shipped model if its val MAE beats it (same validation set)."""
    dest = Path(dest) if dest else shipped_model_dir()
    new = read_meta(best_dir)
    old = read_meta(dest)
    history = list(old.get("history", []))
    new_mae = new["summary"]["val"]["val_mae_m"]
    old_mae = old.get("summary", {}).get("val", {}).get("val_mae_m", float("inf"))
    better = force or new_mae < old_mae
    history.append({**session, "val_mae_m": new_mae, "shipped": bool(better)})
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
