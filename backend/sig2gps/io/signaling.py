"""Signaling CSV: trace_id,timestamp,cell_id,lon,lat (lon/lat may be empty when a cells table is given)."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..types import Cell, SignalingTrace
from .errors import row_problem
from .parse import DEFAULT_READ, ReadOptions, iter_rows, parse_coord, parse_time, show
from .report import ReadReport


def read_signaling(path, cells: dict[str, Cell] | None = None, min_records: int = 2,
                   options: ReadOptions | None = None) -> tuple[list[SignalingTrace], ReadReport]:
    """Read all traces of a signaling file; a bad row drops only its own trace (reported, not raised).

    File-level problems (missing file, empty file, missing columns, an undecodable header) raise InputError.
    Records out of time order are sorted (a warning); exact duplicate records are dropped (a warning);
    a trace is split into pieces `<id>#1`, `<id>#2`, ... where the phone was silent longer than
    `options.max_gap_s` (a warning); a trace or piece with fewer than `min_records` records is an error.
    The whole file is held in memory; io.stream.iter_signaling reads a file grouped by trace id trace by trace.
    """
    report = ReadReport()
    acc = TraceRows(path, cells, min_records, options, report)
    order: dict[str, None] = {}
    for row in acc.rows_of_file():
        tid = acc.add(row)
        if tid is not None:
            order.setdefault(tid)
    traces = [piece for tid in order for piece in acc.finish(tid)]
    acc.close()
    return traces, report


class TraceRows:
    """The rows of a signaling file gathered per trace: `add` checks one row (a bad row marks its trace bad),
    `finish` turns one trace's rows into its pieces (sorted, de-duplicated, split at long silences) and
    reports what it found. Shared by read_signaling (whole file) and io.stream.iter_signaling (trace by trace)."""

    def __init__(self, path, cells: dict[str, Cell] | None, min_records: int, options: ReadOptions | None,
                 report: ReadReport):
        self.path, self.cells, self.min_records = path, cells, min_records
        self.opt, self.report = options or DEFAULT_READ, report
        self.rows: dict[str, list] = defaultdict(list)
        self.bad: dict[str, str] = {}
        self.n_ms = 0

    def rows_of_file(self):
        required = ["trace_id", "timestamp", "cell_id"] + ([] if self.cells is not None else ["lon", "lat"])
        optional = ["lon", "lat"] if self.cells is not None else []
        return iter_rows(self.path, required, optional, self.opt.encoding, self.report.warnings)

    def add(self, row) -> str | None:
        """Check one row; returns its trace id (None for a row without one, reported and skipped)."""
        path, line, r, cells = self.path, row.line, row.values, self.cells
        tid = r.get("trace_id", "").strip()
        if not tid:
            self.report.error("", row_problem(path, line, row.problem[0] if row.problem else "trace_id",
                                              (row.problem[1] if row.problem else "empty trace id") + " (row skipped)"))
            return None
        if tid in self.bad:
            return tid
        try:
            if row.problem is not None:
                field = row.problem[0]
                raise ValueError(row.problem[1])
            field = "timestamp"
            t, ms = parse_time(r["timestamp"], self.opt.time_unit)
            self.n_ms += ms
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
                    raise ValueError(f"unknown cell id {show(cid)} (not in the cells table)")
                lon, lat = c.lon, c.lat
        except ValueError as e:
            self.bad[tid] = row_problem(path, line, field, str(e))
            self.rows.pop(tid, None)
            return tid
        self.rows[tid].append((t, cid, lon, lat, line))
        return tid

    def finish(self, tid: str) -> list[SignalingTrace]:
        """The pieces of trace `tid` (its rows are then forgotten); errors and warnings go to the report."""
        path, report, max_gap_s = self.path, self.report, self.opt.max_gap_s
        if tid in self.bad:
            report.error(tid, self.bad.pop(tid))
            return []
        recs = self.rows.pop(tid, [])
        ts = np.array([r[0] for r in recs])
        if np.any(np.diff(ts) < 0):
            report.warnings.append(f"{path}: trace {tid}: records not in time order (sorted)")
            recs = [recs[i] for i in np.argsort(ts, kind="stable")]
        dedup = [recs[0]] + [b for a, b in zip(recs, recs[1:]) if a[:4] != b[:4]]
        if len(dedup) < len(recs):
            report.warnings.append(f"{path}: trace {tid}: {len(recs) - len(dedup)} duplicate record(s) dropped")
        pieces = gap_pieces([r[0] for r in dedup], max_gap_s)
        if len(pieces) > 1:
            report.warnings.append(f"{path}: trace {tid}: split at {len(pieces) - 1} silence(s) longer than "
                                   f"{max_gap_s:g} s into {len(pieces)} pieces {tid}#1..{tid}#{len(pieces)}")
        out = []
        for k, (a, b) in enumerate(pieces):
            part, pid = dedup[a:b], (tid if len(pieces) == 1 else f"{tid}#{k + 1}")
            if len(part) < self.min_records:
                report.error(pid, f"{path}, line {part[0][4]}: {'trace' if len(pieces) == 1 else 'piece'} has "
                                  f"{len(part)} record(s); at least {self.min_records} are needed")
                continue
            out.append(SignalingTrace(pid, [r[0] for r in part], [r[1] for r in part],
                                      [r[2] for r in part], [r[3] for r in part]))
        return out

    def close(self) -> None:
        if self.n_ms:
            self.report.warnings.append(f"{self.path}: {self.n_ms} numeric timestamp(s) read as milliseconds (too "
                                        "large for seconds); pass --time-unit s or ms to fix the unit")


def gap_pieces(t, max_gap_s: float | None) -> list[tuple[int, int]]:
    """[start, end) index ranges of the pieces of a sorted time series cut where a gap exceeds max_gap_s.

    A phone silent for hours has no path to reconstruct in between: treated as one trace, a record three
    years late makes a method sample three years of positions.
    """
    n = len(t)
    if not max_gap_s or n < 2:
        return [(0, n)]
    cuts = (np.flatnonzero(np.diff(np.asarray(t, dtype=float)) > max_gap_s) + 1).tolist()
    bounds = [0, *cuts, n]
    return list(zip(bounds, bounds[1:]))


def split_trace(trace: SignalingTrace, max_gap_s: float | None) -> list[SignalingTrace]:
    """One trace as its gap pieces (itself when there is no long gap); piece ids are `<id>#1`, `<id>#2`, ..."""
    pieces = gap_pieces(trace.t, max_gap_s)
    if len(pieces) == 1:
        return [trace]
    return [SignalingTrace(f"{trace.trace_id}#{k + 1}", trace.t[a:b], trace.cell_id[a:b], trace.lon[a:b],
                           trace.lat[a:b]) for k, (a, b) in enumerate(pieces)]


def write_signaling(path, traces) -> None:
    with open(Path(path), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace_id", "timestamp", "cell_id", "lon", "lat"])
        for tr in traces:
            for t, c, lo, la in zip(tr.t, tr.cell_id, tr.lon, tr.lat):
                w.writerow([tr.trace_id, f"{t:.3f}", c, f"{lo:.7f}", f"{la:.7f}"])
