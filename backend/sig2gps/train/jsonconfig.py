"""Reading a training config dataclass from JSON, with errors that name the file and the field."""
from __future__ import annotations

import json
from dataclasses import MISSING, fields
from pathlib import Path

import numpy as np


def read_config_fields(cls, path, required=("pairs",), **over) -> dict:
    """The JSON object at `path` with non-None overrides applied, checked against `cls`'s fields."""
    d = json.loads(Path(path).read_text())
    d.update({k: v for k, v in over.items() if v is not None})
    known = {f.name for f in fields(cls)}
    bad = set(d) - known
    if bad:
        raise ValueError(f"{path}: unknown field(s) {', '.join(sorted(bad))}; known: {', '.join(sorted(known))}")
    for name in required:
        if name not in d:
            raise ValueError(f"{path}: field '{name}' is required")
    return d


class JsonConfig:
    """`from_json` for a frozen config dataclass: fields from a JSON file plus overrides; a field whose default is
    a tuple takes a JSON list or a single value; the config's own `check(where)`, if it has one, runs last."""

    REQUIRED = ("pairs",)  # fields the JSON file must give

    @classmethod
    def from_json(cls, path, **over):
        d = read_config_fields(cls, path, cls.REQUIRED, **over)
        tuples = {f.name for f in fields(cls) if f.default is not MISSING and isinstance(f.default, tuple)}
        for k in tuples & set(d):
            d[k] = tuple(np.atleast_1d(d[k]).tolist())
        cfg = cls(**d)
        if hasattr(cfg, "check"):
            cfg.check(str(path))
        return cfg
