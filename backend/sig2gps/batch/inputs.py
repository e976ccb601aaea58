"""Finding the input files and reading one of them into validated signaling records.

CSV files go through sig2gps.io.read_signaling, so a batch run reports exactly what `sig2gps
reconstruct` reports (file, line, field). Parquet files get the same checks, row by row, with
"row N" in place of "line N". Reading stops at records: sorting, de-duplicating and the
minimum length are decided per trace once all its files are known (a trace may span files).
"""
from __future__ import annotations

import dataclasses
import glob
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import InputError, ReadOptions, read_signaling
from ..io.parse import check_time, parse_coord, parse_timestamp
from ..io.signaling import split_trace
from ..types import SignalingTrace, TraceError

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq", ".geoparquet")
RECORD_COLUMNS = ["trace_id", "t", "cell_id", "lon", "lat"]


def discover_inputs(spec: str) -> list[Path]:
    """A file, a folder (recursive; names starting with '.' or '_' are skipped, e.g. _SUCCESS) or a glob."""
    p = Path(spec)
    if any(ch in spec for ch in "*?["):
        files = [Path(f) for f in glob.glob(spec, recursive=True)]
    elif p.is_dir():
        files = [f for f in p.rglob("*") if f.is_file() and not any(part.startswith((".", "_"))
                                                                   for part in f.relative_to(p).parts)]
    elif p.exists():
        return [p.resolve()]
    else:
        raise InputError(spec, "input not found (give a file, a folder or a glob of .csv/.parquet files)")
    files = sorted(f.resolve() for f in files if f.is_file() and f.name.lower().endswith(CSV_SUFFIXES + PARQUET_SUFFIXES))
    if not files:
        raise InputError(spec, "no .csv or .parquet signaling files found")
    return files


def fingerprint(files: list[Path], extra: dict) -> str:
    """Identifies a run's input and settings, so a resume never mixes two different runs."""
    h = hashlib.sha256()
    for f in files:
        st = f.stat()
        h.update(f"{f}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def read_records(path: Path, cells=None, options: ReadOptions | None = None
                 ) -> tuple[pd.DataFrame, list[TraceError], list[str]]:
    """One input file -> (records of its valid traces, per-trace errors, warnings).

    File-level problems (missing, empty, missing column) raise InputError naming the file. `options`:
    encoding and time unit (its gap limit is applied later, per whole trace: see split_pieces).
    """
    options = options or ReadOptions()
    if path.name.lower().endswith(PARQUET_SUFFIXES):
        return _read_parquet(path, cells, options.time_unit)
    if _header_only(path):  # partitioned exports often hold empty parts: skip them, say so
        return pd.DataFrame({c: [] for c in RECORD_COLUMNS}), [], [f"{path}: no data rows (file skipped)"]
    # no gap splitting here: a trace may continue in another file, so pieces are decided per whole trace
    traces, report = read_signaling(path, cells=cells, min_records=1,
                                    options=dataclasses.replace(options, max_gap_s=None))
    n = [len(tr) for tr in traces]
    df = pd.DataFrame({
        "trace_id": np.repeat(np.array([tr.trace_id for tr in traces], dtype=object), n),
        "t": np.concatenate([tr.t for tr in traces]) if traces else np.zeros(0),
        "cell_id": np.concatenate([tr.cell_id for tr in traces]) if traces else np.zeros(0, object),
        "lon": np.concatenate([tr.lon for tr in traces]) if traces else np.zeros(0),
        "lat": np.concatenate([tr.lat for tr in traces]) if traces else np.zeros(0),
    })
    return df, list(report.errors), list(report.warnings)


def _header_only(path: Path) -> bool:
    """A CSV with a header line and nothing else (a file that is empty even of a header stays an error)."""
    try:
        with open(path, "rb") as f:  # bytes: an undecodable byte is read_signaling's to report, with its line
            first = f.readline()
            return bool(first.strip()) and not any(line.strip() for line in f)
    except OSError:
        return False  # read_signaling reports it with the file name


def _row_problem(path, row: int, field: str, message: str) -> str:
    return f"{path}, row {row}, field '{field}': {message}"


def _read_parquet(path: Path, cells, time_unit: str = "auto") -> tuple[pd.DataFrame, list[TraceError], list[str]]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as e:  # pyarrow raises several types for a damaged file
        raise InputError(path, f"cannot read Parquet file: {e}")
    names = {n.strip().lower(): n for n in table.column_names}
    has_geom = "geometry" in names
    need = ["trace_id", "timestamp", "cell_id"] + ([] if cells is not None or has_geom else ["lon", "lat"])
    for col in need:
        if col not in names:
            raise InputError(path, f"missing column (columns are {','.join(table.column_names)}; "
                                   f"need {','.join(need)})", field=col)
    if table.num_rows == 0:
        return pd.DataFrame({c: [] for c in RECORD_COLUMNS}), [], [f"{path}: no rows (file skipped)"]
    col = lambda c: table.column(names[c])  # noqa: E731
    tids = [("" if v is None else str(v).strip()) for v in col("trace_id").to_pylist()]
    cids = [("" if v is None else str(v).strip()) for v in col("cell_id").to_pylist()]
    n = table.num_rows
    ts_col = col("timestamp")
    ts_numeric = None
    ts_is_datetime = pa.types.is_timestamp(ts_col.type)
    if ts_is_datetime:
        if ts_col.type.tz is None:
            raise InputError(path, "timestamp column has no time zone (store UTC timestamps or Unix seconds)",
                             field="timestamp")
        ts_numeric = pc.cast(ts_col.cast(pa.timestamp("us", tz="UTC")), pa.int64()).to_numpy(zero_copy_only=False) / 1e6
        ts_null = ts_col.is_null().to_numpy(zero_copy_only=False)
    elif pa.types.is_integer(ts_col.type) or pa.types.is_floating(ts_col.type):
        ts_numeric = ts_col.to_numpy(zero_copy_only=False).astype(float)
        ts_null = ts_col.is_null().to_numpy(zero_copy_only=False)
    ts_text = None if ts_numeric is not None else ts_col.to_pylist()
    lon = lat = None
    if "lon" in names and "lat" in names:
        lon = col("lon").to_pylist()
        lat = col("lat").to_pylist()
    elif has_geom:
        lon, lat = _points_from_wkb(path, col("geometry").to_pylist())
    errors, bad, keep = [], {}, np.zeros(n, bool)
    t = np.zeros(n)
    lo = np.zeros(n)
    la = np.zeros(n)
    for i in range(n):
        tid = tids[i]
        if not tid:
            errors.append(TraceError("", _row_problem(path, i + 1, "trace_id", "empty trace id (row skipped)")))
            continue
        if tid in bad:
            continue
        field = "timestamp"
        try:
            if ts_numeric is not None:
                if ts_null[i]:
                    raise ValueError("empty timestamp")
                t[i] = check_time(float(ts_numeric[i]), "s" if ts_is_datetime else time_unit)[0]
            else:
                t[i] = parse_timestamp("" if ts_text[i] is None else str(ts_text[i]), time_unit)
            field = "cell_id"
            if not cids[i]:
                raise ValueError("empty cell id")
            x = None if lon is None else lon[i]
            y = None if lat is None else lat[i]
            if x is not None or y is not None or cells is None:
                field = "lon"
                lo[i] = parse_coord("" if x is None else repr(float(x)), "lon")
                field = "lat"
                la[i] = parse_coord("" if y is None else repr(float(y)), "lat")
            else:
                field = "cell_id"
                c = cells.get(cids[i])
                if c is None:
                    raise ValueError(f"unknown cell id {cids[i]!r} (not in the cells table)")
                lo[i], la[i] = c.lon, c.lat
        except (ValueError, TypeError) as e:
            bad[tid] = _row_problem(path, i + 1, field, str(e))
            continue
        keep[i] = True
    errors += [TraceError(tid, reason) for tid, reason in bad.items()]
    if bad:  # a bad row drops its whole trace, as in the CSV reader
        keep &= ~np.isin(np.array(tids, dtype=object), list(bad))
    df = pd.DataFrame({"trace_id": np.array(tids, dtype=object)[keep], "t": t[keep],
                       "cell_id": np.array(cids, dtype=object)[keep], "lon": lo[keep], "lat": la[keep]})
    return df, errors, []


def _points_from_wkb(path, values) -> tuple[list, list]:
    """GeoParquet: a WKB Point geometry column in place of lon/lat (lon/lat order, EPSG:4326)."""
    import shapely

    lon, lat = [], []
    for i, v in enumerate(values):
        if v is None:
            lon.append(None)
            lat.append(None)
            continue
        try:
            g = shapely.from_wkb(v)
        except Exception as e:
            raise InputError(path, f"geometry is not WKB: {e}", line=None, field="geometry") from e
        if g.geom_type != "Point":
            raise InputError(path, f"row {i + 1}: geometry is a {g.geom_type}, expected Point", field="geometry")
        lon.append(g.x)
        lat.append(g.y)
    return lon, lat


def split_pieces(traces: list[SignalingTrace], errors: list[TraceError], warnings: list[str],
                 max_gap_s: float | None, min_records: int = 2) -> list[SignalingTrace]:
    """Whole traces (merged across files) cut into pieces `<id>#k` at silences longer than max_gap_s, as
    read_signaling does for one file; a piece too short is an error of its own (appended to `errors`)."""
    if not max_gap_s:
        return traces
    out = []
    for tr in traces:
        pieces = split_trace(tr, max_gap_s)
        if len(pieces) > 1:
            warnings.append(f"trace {tr.trace_id}: split at {len(pieces) - 1} silence(s) longer than "
                            f"{max_gap_s:g} s into {len(pieces)} pieces")
        for p in pieces:
            if len(p) < min_records:
                errors.append(TraceError(p.trace_id, f"piece of trace {tr.trace_id} has {len(p)} record(s); "
                                                     f"at least {min_records} are needed"))
            else:
                out.append(p)
    return out
