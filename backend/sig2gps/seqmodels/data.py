"""Training pairs from simulation folders (signaling.csv + gps.csv with shared trace ids)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io import read_gps, read_signaling
from .features import FeatureConfig, trace_features, trace_targets

log = logging.getLogger(__name__)


@dataclass
class PairSet:
    x: np.ndarray  # (N, L, F) features
    y: np.ndarray  # (N, L, 2) scaled offsets from the base
    ids: list[str]  # "folder:trace_id", for the record
    groups: np.ndarray  # (N,) index of the folder each pair came from


def load_pairs(dirs, fcfg: FeatureConfig) -> PairSet:
    xs, ys, ids, groups = [], [], [], []
    for gi, d in enumerate(map(Path, dirs)):
        for name in ("signaling.csv", "gps.csv"):
            if not (d / name).is_file():
                raise ValueError(f"{d}: not a pairs folder ({name} missing; expected the output of `sig2gps simulate`)")
        traces, rep = read_signaling(d / "signaling.csv")
        gps, grep = read_gps(d / "gps.csv", min_points=2)
        by_id = {g.trace_id: g for g in gps}
        skipped = len(rep.errors) + len(grep.errors)
        for tr in traces:
            g = by_id.get(tr.trace_id)
            if g is None or tr.t[-1] <= tr.t[0]:
                skipped += 1
                continue
            grid, f, base, frame = trace_features(tr, fcfg)
            xs.append(f)
            ys.append(trace_targets(g, grid, base, frame, fcfg))
            ids.append(f"{d.name}:{tr.trace_id}")
            groups.append(gi)
        if skipped:
            log.warning("%s: %d trace(s) without a usable pair skipped", d, skipped)
    if not xs:
        raise ValueError(f"no training pairs found in {', '.join(map(str, dirs))}")
    return PairSet(np.stack(xs), np.stack(ys), ids, np.array(groups))
