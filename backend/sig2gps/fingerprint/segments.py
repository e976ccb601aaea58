"""Segment-level recall and precision (NF-Track's measure) and reading routes.csv (the truth)."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..io.errors import InputError
from ..io.parse import iter_csv


def segment_recall_precision(pred_segments, true_segments, seg_len) -> tuple[float, float]:
    """Length-weighted recall |X∩Y|/|Y| and precision |X∩Y|/|X| over the road segments of the
    estimated (X) and true (Y) routes, each counted once, as in the paper."""
    x, y = {int(s) for s in pred_segments}, {int(s) for s in true_segments}
    L = np.asarray(seg_len, float)

    def length(s):
        return float(L[list(s)].sum()) if s else 0.0

    inter = length(x & y)
    recall = inter / length(y) if y else float("nan")
    precision = inter / length(x) if x else 0.0
    return recall, precision


def read_routes(path) -> dict[str, list[int]]:
    """routes.csv (trace_id,step,segment) -> {trace_id: segment ids in driving order}."""
    rows = defaultdict(list)
    for line, r in iter_csv(path, ["trace_id", "step", "segment"]):
        try:
            rows[r["trace_id"].strip()].append((int(r["step"]), int(r["segment"])))
        except ValueError:
            field = "step" if not r["step"].strip().lstrip("-").isdigit() else "segment"
            raise InputError(path, f"not an integer: {r[field]!r}", line=line, field=field)
    return {tid: [s for _, s in sorted(v)] for tid, v in rows.items()}
