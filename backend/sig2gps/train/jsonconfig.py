"""Reading a training config dataclass from JSON, with errors that name the file and the field."""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path


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
