"""GPS CSV: trace_id,timestamp,lon,lat (truth files) and points CSV: trace_id,rollout,timestamp,lon,lat."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..types import GpsTrace
from .errors import row_problem
from .parse import DEFAULT_READ, ReadOptions, iter_rows, parse_coord, parse_timestamp, show
from .report import ReadReport


def read_gps(path, rollout: int | None = None, min_points: int = 1, options: ReadOptions | None = None
             ) -> tuple[list[GpsTrace], ReadReport]:
    """Read a GPS or points file. With `rollout`, keep only that rollout's rows (points files).

    Out-of-order points are sorted and duplicate timestamps keep their first point (warnings);
    a malformed row drops its trace (an error naming file, line and field).
    """
    opt = options or DEFAULT_READ
    optional = ["rollout"]
    rows = defaultdict(list)
    order, bad, report = [], {}, ReadReport()
    for row in iter_rows(path, ["trace_id", "timestamp", "lon", "lat"], optional, opt.encoding, report.warnings):
        line, r = row.line, row.values
        tid = r.get("trace_id", "").strip()
        if not tid:
            report.error("", row_problem(path, line, row.problem[0] if row.problem else "trace_id",
                                         (row.problem[1] if row.problem else "empty trace id") + " (row skipped)"))
            continue
        if row.problem is not None:
            if tid not in rows and tid not in bad:
                order.append(tid)
            bad.setdefault(tid, row_problem(path, line, row.problem[0], row.problem[1]))
            rows.pop(tid, None)
            continue
        if rollout is not None and "rollout" in r:
            try:
                if int(r["rollout"]) != rollout:
                    continue
            except ValueError:
                if tid not in rows and tid not in bad:
                    order.append(tid)
                bad.setdefault(tid, row_problem(path, line, "rollout", f"not an integer: {show(r['rollout'])}"))
                continue
        if tid not in rows and tid not in bad:
            order.append(tid)
        if tid in bad:
            continue
        field = "timestamp"
        try:
            t = parse_timestamp(r["timestamp"], opt.time_unit)
            field = "lon"
            lon = parse_coord(r["lon"], "lon")
            field = "lat"
            lat = parse_coord(r["lat"], "lat")
        except ValueError as e:
            bad[tid] = row_problem(path, line, field, str(e))
            rows.pop(tid, None)
            continue
        rows[tid].append((t, lon, lat))
    out = []
    for tid in order:
        if tid in bad:
            report.error(tid, bad[tid])
            continue
        a = np.array(rows[tid], dtype=float)
        if np.any(np.diff(a[:, 0]) < 0):
            report.warnings.append(f"{path}: trace {tid}: points not in time order (sorted)")
            a = a[np.argsort(a[:, 0], kind="stable")]
        keep = np.r_[True, np.diff(a[:, 0]) > 0]
        if not keep.all():
            report.warnings.append(f"{path}: trace {tid}: {int((~keep).sum())} point(s) with a repeated timestamp dropped")
            a = a[keep]
        if len(a) < min_points:
            report.error(tid, f"{path}: trace has {len(a)} point(s); at least {min_points} needed")
            continue
        out.append(GpsTrace(tid, a[:, 0], a[:, 1], a[:, 2]))
    return out, report


def write_gps(path, traces) -> None:
    with open(Path(path), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace_id", "timestamp", "lon", "lat"])
        for tr in traces:
            for t, lo, la in zip(tr.t, tr.lon, tr.lat):
                w.writerow([tr.trace_id, f"{t:.3f}", f"{lo:.7f}", f"{la:.7f}"])


POINTS_HEADER = ["trace_id", "rollout", "timestamp", "lon", "lat"]


def write_points(path, recons) -> None:
    """points.csv of `reconstruct`: trace_id,rollout,timestamp,lon,lat (rollout 0 = the best)."""
    with open(Path(path), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(POINTS_HEADER)
        for rec in recons:
            w.writerows(point_rows(rec))


def point_rows(rec):
    """The points.csv rows of one reconstruction (also written trace by trace: sig2gps.streaming)."""
    for k, ro in enumerate(rec.rollouts):
        tr = ro.track
        for t, lo, la in zip(tr.t, tr.lon, tr.lat):
            yield [rec.trace_id, k, f"{t:.3f}", f"{lo:.7f}", f"{la:.7f}"]
