"""Signaling CSV: trace_id,timestamp,cell_id,lon,lat (lon/lat may be empty when a cells table is given)."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..types import Cell, SignalingTrace
from .errors import row_problem
from .parse import iter_csv, parse_coord, parse_timestamp
from .report import ReadReport


def read_signaling(path, cells: dict[str, Cell] | None = None, min_records: int = 2
                   ) -> tuple[list[SignalingTrace], ReadReport]:
    """Read all traces of a signaling file; a bad row drops only its own trace (reported, not raised).

    File-level problems (missing file, empty file, missing columns) raise InputError.
    Records out of time order are sorted (a warning); exact duplicate records are dropped (a warning);
    a trace with fewer than `min_records` records is an error.
    """
    required = ["trace_id", "timestamp", "cell_id"] + ([] if cells is not None else ["lon", "lat"])
    optional = ["lon", "lat"] if cells is not None else []
    rows = defaultdict(list)
    order: list[str] = []
    report = ReadReport()
    bad: dict[str, str] = {}
    for line, r in iter_csv(path, required, optional):
        tid = r["trace_id"].strip()
        if not tid:
            report.error("", row_problem(path, line, "trace_id", "empty trace id (row skipped)"))
            continue
        if tid not in rows and tid not in bad:
            order.append(tid)
        if tid in bad:
            continue
        try:
            field = "timestamp"
            t = parse_timestamp(r["timestamp"])
            field = "cell_id"
            cid = r["cell_id"].strip()
            if not cid:
                raise ValueError("empty cell id")
            lon_s, lat_s = r.get("lon", "").strip(), r.get("lat", "").strip()
            if lon_s or lat_s or cells is None:
                field = "lon"
                lon = parse_coord(lon_s, "lon")
                field = "lat"
                lat = parse_coord(lat_s, "lat")
            else:
                field = "cell_id"
                c = cells.get(cid)
                if c is None:
                    raise ValueError(f"unknown cell id {cid!r} (not in the cells table)")
                lon, lat = c.lon, c.lat
        except ValueError as e:
            bad[tid] = row_problem(path, line, field, str(e))
            rows.pop(tid, None)
            continue
        rows[tid].append((t, cid, lon, lat, line))
    traces = []
    for tid in order:
        if tid in bad:
            report.error(tid, bad[tid])
            continue
        recs = rows[tid]
        ts = np.array([r[0] for r in recs])
        if np.any(np.diff(ts) < 0):
            report.warnings.append(f"{path}: trace {tid}: records not in time order (sorted)")
            recs = [recs[i] for i in np.argsort(ts, kind="stable")]
        dedup = [recs[0]] + [b for a, b in zip(recs, recs[1:]) if a[:4] != b[:4]]
        if len(dedup) < len(recs):
            report.warnings.append(f"{path}: trace {tid}: {len(recs) - len(dedup)} duplicate record(s) dropped")
        if len(dedup) < min_records:
            report.error(tid, f"{path}, line {dedup[0][4]}: trace has {len(dedup)} record(s); "
                              f"at least {min_records} are needed")
            continue
        traces.append(SignalingTrace(tid, [r[0] for r in dedup], [r[1] for r in dedup],
                                     [r[2] for r in dedup], [r[3] for r in dedup]))
    return traces, report


def write_signaling(path, traces) -> None:
    with open(Path(path), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace_id", "timestamp", "cell_id", "lon", "lat"])
        for tr in traces:
            for t, c, lo, la in zip(tr.t, tr.cell_id, tr.lon, tr.lat):
                w.writerow([tr.trace_id, f"{t:.3f}", c, f"{lo:.7f}", f"{la:.7f}"])
