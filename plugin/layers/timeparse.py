"""Timestamps as the project's files write them: Unix seconds, or ISO 8601 with a zone.

Pure Python (no Qt) so the same rules as the backend's parser hold and can be tested anywhere.
"""
from __future__ import annotations

from datetime import datetime, timezone


def parse_timestamp(text) -> float:
    """Unix seconds (float) from '1700000000.5', '2023-11-14T22:13:20Z' or '2023-11-14 22:13:20+02:00'.

    A naive ISO time (no zone) is refused: guessing the zone silently shifts every point.
    """
    if isinstance(text, (int, float)):
        return float(text)
    s = str(text).strip()
    if not s:
        raise ValueError("empty timestamp")
    try:
        return float(s)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a timestamp: {s!r} (Unix seconds or ISO 8601 with a zone)") from None
    if dt.tzinfo is None:
        raise ValueError(f"timestamp {s!r} has no time zone (add Z or +hh:mm)")
    return dt.timestamp()


def iso_utc(t: float) -> str:
    return datetime.fromtimestamp(float(t), tz=timezone.utc).isoformat().replace("+00:00", "Z")
