"""A signaling file trace by trace, so a file of millions of rows is read with bounded memory.

`scan_signaling` reads only the trace-id column (a quick pass over the raw lines): how many records and traces
the file holds (the progress bar's total) and whether each trace's rows are together (grouped, as a file sorted
by trace id is). `iter_signaling` then yields each trace as soon as its last row has been read, with exactly the
checks, warnings and errors of `read_signaling` (io.signaling.TraceRows).

A file that is not grouped cannot be read this way without holding it all: the caller reads it whole
(read_signaling) and says so. Should rows of a trace still come back after other traces (the quick pass splits
lines plainly, so a quoted trace id holding the delimiter could fool it), those later rows are left out and
reported in the errors, never merged silently into a trace already reconstructed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..types import Cell, SignalingTrace
from .errors import row_problem
from .parse import DEFAULT_READ, ReadOptions, _closing, _open_lines, _sniff
from .report import ReadReport
from .signaling import TraceRows


@dataclass(frozen=True)
class Scan:
    records: int  # data lines (blank lines not counted)
    traces: int  # distinct trace ids
    grouped: bool  # every trace's rows are consecutive
    regroup_line: int | None = None  # the first line whose trace id appeared before, other traces between


def scan_signaling(path, options: ReadOptions | None = None) -> Scan:
    """Count records and traces and check grouping from the raw lines (no row is parsed; problems in rows are
    read_signaling's to report, and so are a missing file or column: the scan then counts nothing)."""
    opt = options or DEFAULT_READ
    path = Path(path)
    unknown = Scan(0, 0, True)  # what the reader will refuse, with the full message (missing file or column)
    if not path.is_file():
        return unknown
    src, _ = _open_lines(path, opt.encoding, None)
    with _closing(src.raw) as raw:
        first = next(raw, None)
        if first is None:
            return unknown
        text = first if isinstance(first, str) else first.decode(src.encoding, "replace")
        delimiter, header = _sniff(text.lstrip("\ufeff"), ["trace_id"])
        norm = [h.strip().lower() for h in header]
        if "trace_id" not in norm:
            return unknown
        col = norm.index("trace_id")
        sep = delimiter if isinstance(first, str) else delimiter.encode()
        quote = '"' if isinstance(first, str) else b'"'
        seen: set = set()
        prev = None
        records, regroup = 0, None
        for line_no, line in enumerate(raw, start=2):
            parts = line.split(sep, col + 1)
            if len(parts) <= col:
                if line.strip():
                    records += 1
                continue
            records += 1
            tid = parts[col].strip().strip(quote).strip()
            if tid == prev:
                continue
            if tid in seen and regroup is None:
                regroup = line_no
            seen.add(tid)
            prev = tid
    return Scan(records, len(seen), regroup is None, regroup)


def iter_signaling(path, cells: dict[str, Cell] | None = None, min_records: int = 2,
                   options: ReadOptions | None = None, report: ReadReport | None = None) -> Iterator[SignalingTrace]:
    """Yield the traces (gap pieces) of a file grouped by trace id, each once its rows are read.

    Errors and warnings accumulate in `report` as they are found (a caller may drain report.errors between
    traces). File-level problems raise InputError, as read_signaling does."""
    report = report if report is not None else ReadReport()
    acc = TraceRows(path, cells, min_records, options, report)
    current, done, late = None, set(), set()
    for row in acc.rows_of_file():
        tid = row.values.get("trace_id", "").strip()
        if tid and tid in done:  # a trace already yielded: its later rows cannot join it any more
            if tid not in late:
                late.add(tid)
                report.error(tid, row_problem(path, row.line, "trace_id", f"more records of trace {tid} after "
                                              "other traces' records (the file is not grouped by trace_id); these "
                                              "later records were left out: sort the file by trace_id"))
            continue
        tid = acc.add(row)
        if tid is None or tid == current:
            continue
        if current is not None:
            yield from acc.finish(current)
            done.add(current)
        current = tid
    if current is not None:
        yield from acc.finish(current)
    acc.close()
