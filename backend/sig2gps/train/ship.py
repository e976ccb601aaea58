"""Replace the shipped model only when validation improves; record every decision in the training history.

The shipped model's card (model/card.py) holds its config, the one validated summary that chose it and a
declared `ready`; the history of training sessions (GPU-minutes, validation figures, shipped or not) is a
record of past runs and lives in a JSON file the caller names (the project keeps it in
experiments/video_sft/history.json), so the package never carries its own lab notebook. A card of the
older layout, with the history inside, is migrated on the way: its entries move to the history file first.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..model.card import MODEL_JSON, ModelCard, read_card
from ..model.store import read_meta, shipped_model_dir

ABOUT = ("Training history of the shipped video model: one entry per training session, shipped or not "
         "(written by sig2gps.train.ship; the model card holds only the summary of the shipped model).")


def read_history(path) -> list[dict]:
    """The entries of a history file ([] when it does not exist yet)."""
    p = Path(path)
    if not p.is_file():
        return []
    d = json.loads(p.read_text())
    if not isinstance(d, dict) or not isinstance(d.get("history"), list):
        raise ValueError(f"{p}: a training history needs a 'history' list")
    return d["history"]


def write_history(path, entries: list[dict]) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps({"about": ABOUT, "history": entries}, indent=1) + "\n")


def migrate_card(model_dir, history) -> bool:
    """Move the "history" list of an older card in `model_dir` to the end of the history file `history`, and
    rewrite the card as config + summary + declared `ready` (readiness unchanged: the same rule decides).
    Returns whether there was anything to move; entries already in the file are not added twice."""
    meta = read_meta(model_dir)
    if "history" not in meta:
        return False
    entries = read_history(history)
    write_history(history, entries + [h for h in meta["history"] if h not in entries])
    card = read_card(model_dir)
    ModelCard(card.config, card.summary, card.ready, card.base).write(model_dir)
    return True


def ship(best_dir, session: dict, dest=None, force: bool = False, key: str = "val_mae_m", *, history) -> bool:
    """Copy `best_dir` over the shipped model if its validation `key` beats the shipped one's (same protocol),
    and append the decision (`session` + the figure + "shipped") to the history file `history`.

    key "val_mae_win_m": the pairs drawn in windows as the video method runs them (train validate --chunk-m);
    both models' summaries must carry it, measured the same way."""
    dest = Path(dest) if dest else shipped_model_dir()
    new = read_card(best_dir)
    if new is None:
        raise ValueError(f"{Path(best_dir) / MODEL_JSON}: no model card to ship")
    old = read_card(dest)
    new_mae = new.summary["val"][key]
    old_mae = (old.summary if old else {}).get("val", {}).get(key, float("inf"))
    if not force and old_mae == float("inf") and dest.exists():
        raise ValueError(f"{dest / MODEL_JSON}: the shipped model's summary has no '{key}' to compare with")
    if old is not None:
        migrate_card(dest, history)
    better = force or new_mae < old_mae
    write_history(history, read_history(history) + [{**session, key: new_mae, "shipped": bool(better)}])
    if better:
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(best_dir, dest)
        ModelCard.declare(new.config, new.summary, new.base).write(dest)
    return better
