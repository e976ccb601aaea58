"""Row-level parsing shared by the CSV readers."""
from __future__ import annotations

import csv
import math
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .errors import InputError


def parse_timestamp(text: str) -> float:
    """Unix seconds, or ISO 8601 with an explicit zone ('Z' or +hh:mm). Raises ValueError."""
    s = text.strip()
    if not s:
        raise ValueError("empty timestamp")
    try:
        v = float(s)
    except ValueError:
        try:
            d = datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(f"unparseable timestamp {text!r} (expected Unix seconds or ISO 8601 with zone)")
        if d.tzinfo is None:
            raise ValueError(f"timestamp {text!r} has no time zone (add 'Z' or an offset like +02:00)")
        return d.timestamp()
    if not math.isfinite(v):
        raise ValueError(f"timestamp {text!r} is not finite")
    return v


def parse_coord(text: str, kind: str) -> float:
    s = (text or "").strip()
    if not s:
        raise ValueError(f"empty {kind}")
    try:
        v = float(s)
    except ValueError:
        raise ValueError(f"{kind} {text!r} is not a number")
    lim = 180.0 if kind == "lon" else 90.0
    if not (-lim <= v <= lim):
        raise ValueError(f"{kind} {v} outside [-{lim:g}, {lim:g}]")
    return v


def iter_csv(path, required: list[str], optional: list[str] = ()) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row dict) for a CSV whose header must contain `required` columns.

    Column names are matched case-insensitively and stripped. Empty files and missing columns
    raise InputError naming the file (and the missing field).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    f = open(path, newline="", encoding="utf-8-sig")
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(path, "file is empty (expected a header: " + ",".join(required) + ")", line=1)
        norm = [h.strip().lower() for h in header]
        for col in required:
            if col not in norm:
                raise InputError(path, f"missing column (header is {','.join(header)}; need {','.join(required)})",
                                 line=1, field=col)
        idx = {c: norm.index(c) for c in list(required) + [c for c in optional if c in norm]}
        n_rows = 0
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            n_rows += 1
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
            yield line, {c: row[i] for c, i in idx.items()}
        if n_rows == 0:
            raise InputError(path, "file has a header but no data rows", line=2)
