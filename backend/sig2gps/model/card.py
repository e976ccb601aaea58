"""The model card: what a saved video model declares about itself (DIR/sig2gps_video.json).

A card holds the model's config, ONE validated summary (the figures of the validation that chose this model)
and a declared `ready` field: whether `make demo` may pick the model. `ready` is decided once, when the card
is written (by the rule `beats_towers_floor`), so the method reads a field at run time instead of
re-interpreting validation numbers. The history of training sessions is not part of a card: it is a record
of past runs, kept outside the package by whoever ships models (train/ship.py writes it where it is told).

Cards written before `ready` was declared (and with a "history" list inside) still load: `ready` is then
derived by the same rule, and the history is ignored here (train/ship.py moves it out when it ships).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MODEL_JSON = "sig2gps_video.json"
OLD_KEYS = ("history",)  # keys older cards carried that are no longer part of a card


def beats_towers_floor(summary: dict) -> bool:
    """The readiness rule: the recorded validation beats the towers floor measured on the same pairs.

    The windowed figure (pairs drawn in windows, as the method runs) counts when it was measured, else the
    one-window figure. A model worse than the floor must not be picked over `hmm` by `make demo`."""
    val = (summary or {}).get("val", {})
    mae = val.get("val_mae_win_m", val.get("val_mae_m", float("inf")))
    return bool(val) and mae < val.get("val_towers_mae_m", 0.0)


@dataclass(frozen=True)
class ModelCard:
    config: dict  # VideoModelConfig.to_dict(): what builds the transformer and draws the scenes
    summary: dict = field(default_factory=dict)  # one validated summary: {"val": {...}, "run": ..., ...}
    ready: bool = False  # declared when written: the model may be picked by `make demo` (beats_towers_floor)
    base: str | None = None  # a LoRA run on a Wan2.2 base: the base's folder (the weights are DIR/lora/)

    @classmethod
    def declare(cls, config: dict, summary: dict | None = None, base: str | None = None) -> "ModelCard":
        """A new card whose `ready` is the readiness rule applied to its summary."""
        summary = summary or {}
        return cls(config, summary, beats_towers_floor(summary), None if base is None else str(base))

    @classmethod
    def from_dict(cls, d: dict, where: str = MODEL_JSON) -> "ModelCard":
        """A card from its JSON object; an older card (no `ready`) gets it by the rule."""
        if not isinstance(d, dict) or not isinstance(d.get("config"), dict):
            raise ValueError(f"{where}: a model card needs a 'config' object")
        unknown = set(d) - {"config", "summary", "ready", "base", *OLD_KEYS}
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} in the model card")
        summary = d.get("summary") or {}
        if "ready" not in d:
            return cls.declare(d["config"], summary, d.get("base"))
        if not isinstance(d["ready"], bool):
            raise ValueError(f"{where}: field 'ready' must be true or false, got {d['ready']!r}")
        return cls(d["config"], summary, d["ready"], d.get("base"))

    def to_dict(self) -> dict:
        out = {"config": self.config, "summary": self.summary, "ready": self.ready}
        if self.base is not None:
            out["base"] = self.base
        return out

    def write(self, model_dir) -> Path:
        p = Path(model_dir) / MODEL_JSON
        p.write_text(json.dumps(self.to_dict(), indent=1))
        return p


def read_card(model_dir) -> ModelCard | None:
    """The card of a model folder, or None when it has none (e.g. a bare Wan2.2 base)."""
    p = Path(model_dir) / MODEL_JSON
    return ModelCard.from_dict(json.loads(p.read_text()), str(p)) if p.is_file() else None
