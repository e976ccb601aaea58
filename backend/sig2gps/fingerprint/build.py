"""Offline stage of NF-Track: the segment-granularity fingerprint map from historical pairs.

For every road segment E passed by n historical sequences:
- a cell is a Stable impacting Base Station (SBS) of E when it served the device while on E in
  more than theta * n of those sequences (theta = 0.375, the paper's sensitivity analysis);
- its Cumulative Moving Distance CMD(E, c) is the distance moved on E while served by c, averaged
  over the sequences in which c served on E;
- its weight R(E, c) = CMD(E, c) / L(E): the share of the segment it covers, so segments of any
  length compare, and a path's fingerprint is the length-weighted combination of its segments'.
The serving cell between two records is the earlier record's (handovers are recorded events).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..types import SignalingTrace
from .route_timing import TimedRoute
from .store import FingerprintMap, network_signature


@dataclass(frozen=True)
class FingerprintConfig:
    theta: float = 0.375  # SBS threshold: seen in more than theta * n of the sequences passing a segment
    min_sequences: int = 1  # segments passed by fewer sequences get no fingerprint (too little history)


def serving_intervals(trace: SignalingTrace, t_end: float | None = None):
    """(start, end, cell) of each record's serving period: until the next record, the last one until t_end."""
    t = np.asarray(trace.t, float)
    end = np.r_[t[1:], max(t[-1], t_end if t_end is not None else t[-1])]
    return t, end, np.asarray(trace.cell_id, object)


def sequence_cmd(trace: SignalingTrace, route: TimedRoute) -> dict[int, dict[str, tuple[float, bool]]]:
    """Per segment of one sequence: {cell: (metres moved while served, seen)}; repeated passes add up."""
    t0, t1, cells = serving_intervals(trace, route.gps_t[-1])
    s0, s1 = route.s_at(t0), route.s_at(t1)
    # Distance overlap of each serving period (rows) with each traversed edge (columns).
    dist = np.clip(np.minimum(s1[:, None], route.end_m[None]) - np.maximum(s0[:, None], route.start_m[None]), 0, None)
    # Time overlap too: a cell that served while the car stood on the segment was seen there.
    e_in, e_out = route.t_at(route.start_m), route.t_at(route.end_m)
    tov = np.minimum(t1[:, None], e_out[None]) - np.maximum(t0[:, None], e_in[None])
    seen = (dist > 0) | (tov > 0)
    out: dict[int, dict[str, tuple[float, bool]]] = defaultdict(dict)
    for j, seg in enumerate(route.seg):
        for r in np.flatnonzero(seen[:, j]):
            c = str(cells[r])
            out[int(seg)][c] = (out[int(seg)].get(c, (0.0, True))[0] + float(dist[r, j]), True)
    return dict(out)


def build_fingerprint(net, samples, cells: dict | None = None, cfg: FingerprintConfig = FingerprintConfig(),
                      source: str = "") -> FingerprintMap:
    """samples: iterable of (SignalingTrace, TimedRoute). cells: {cell_id: Cell} to record positions
    (otherwise taken from the traces), so that cells are only trusted where they still stand."""
    n_pass: dict[int, int] = defaultdict(int)
    tau: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cmd_sum: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    pos: dict[str, tuple[float, float]] = {}
    n_seq = 0
    for trace, route in samples:
        n_seq += 1
        for c, lo, la in zip(trace.cell_id, trace.lon, trace.lat):
            pos.setdefault(str(c), (float(lo), float(la)))
        for seg, by_cell in sequence_cmd(trace, route).items():
            n_pass[seg] += 1
            for c, (d, _) in by_cell.items():
                tau[seg][c] += 1
                cmd_sum[seg][c] += d
    if cells:
        pos.update({cid: (c.lon, c.lat) for cid, c in cells.items() if cid in pos})
    segments = {}
    for seg, n in n_pass.items():
        if n < cfg.min_sequences:
            continue
        seg_len = max(float(net.seg_len[seg]), 1.0)
        sbs = {}
        for c, k in tau[seg].items():
            if k > cfg.theta * n:
                cmd = cmd_sum[seg][c] / k  # mean over the sequences in which c served on this segment
                sbs[c] = (cmd / seg_len, cmd, k)
        if sbs:
            segments[seg] = {"n": n, "sbs": sbs}
    used = {c for s in segments.values() for c in s["sbs"]}
    return FingerprintMap(network=network_signature(net), theta=cfg.theta, n_sequences=n_seq,
                          cells={c: pos[c] for c in sorted(used)}, segments=segments, source=source)
