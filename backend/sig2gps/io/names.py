"""Trace ids as parts of file names: whatever a user's file calls a trace, it never names a path."""
from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(trace_id: str, max_len: int = 80) -> str:
    """A file-name part for `trace_id`: letters, digits, '.', '_' and '-' kept, every other run of characters
    (a '/', '..', NUL, spaces) made '_', no leading dot, at most max_len characters. When anything had to
    change, a short hash of the original id is appended, so two ids never share a file name."""
    s = str(trace_id)
    clean = _UNSAFE.sub("_", s).lstrip(".") or "_"
    if clean == s and len(s) <= max_len:
        return s
    tag = hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{clean[: max_len - 9]}-{tag}"
