"""`sig2gps reconstruct` on files of any size: traces read, reconstructed and written one chunk at a time.

Memory stays bounded by a chunk of traces (plus the method's own caches), not by the file: a file grouped by
trace id (sorted, as exports usually are) is read trace by trace (io.stream). A file that is not grouped is read
whole, as before, with a warning that says so and how to sort it. Results are written as traces finish, into a
staging folder whose files move into the output folder only at the end (io.staging.staged): a run that fails or
is interrupted leaves the previous outputs as they were. Progress goes to stderr: a tqdm bar on a terminal (when
tqdm is installed), otherwise a line every `every_s` seconds.
"""
from __future__ import annotations

import csv
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .io.staging import OutputWriteError


@dataclass
class StreamResult:
    method: str
    device: str = "cpu"
    traces_ok: int = 0
    records: int = 0
    seconds_total: float = 0.0  # in the method (reconstruct_many), reading and writing excluded
    errors: list = field(default_factory=list)  # the first few TraceErrors (all of them are in errors.csv)
    n_errors: int = 0
    warnings: list[str] = field(default_factory=list)


class StreamOutputs:
    """points.csv, trajectories.gpkg, errors.csv and timing.json written as traces finish."""

    def __init__(self, stage: Path, flush_traces: int = 500):
        from .io.gps import POINTS_HEADER

        self.stage, self.flush_traces = stage, flush_traces
        self._points_f = open(stage / "points.csv", "w", newline="")
        self._points = csv.writer(self._points_f)
        self._points.writerow(POINTS_HEADER)
        self._errors_f = open(stage / "errors.csv", "w", newline="")
        self._errors = csv.writer(self._errors_f)
        self._errors.writerow(["trace_id", "reason"])
        self._pending: list = []  # reconstructions waiting for the next GeoPackage append
        self._gpkg_rows = 0

    def add(self, recs, errors) -> None:
        from .io.gps import point_rows

        try:
            for rec in recs:
                self._points.writerows(point_rows(rec))
            self._errors.writerows([e.trace_id, e.reason] for e in errors)
            self._pending += recs
            if len(self._pending) >= self.flush_traces:
                self._flush()
        except Exception as e:
            raise OutputWriteError(f"writing the outputs failed ({type(e).__name__}: {e}); nothing was moved "
                                   "into the output folder") from e

    def _flush(self) -> None:
        from .io.vector import trajectories_frame

        df = trajectories_frame(self._pending)
        if len(df) or not self._gpkg_rows:
            df.to_file(self.stage / "trajectories.gpkg", driver="GPKG", layer="trajectories", engine="pyogrio",
                       append=self._gpkg_rows > 0)
            self._gpkg_rows += len(df)
        self._pending = []

    def close(self, res: StreamResult) -> None:
        try:
            if self._pending or not self._gpkg_rows:
                self._flush()
            self._points_f.close()
            self._errors_f.close()
            n = res.traces_ok
            timing = {"method": res.method, "traces": n, "seconds_total": round(res.seconds_total, 4),
                      "seconds_per_trace": round(res.seconds_total / n, 5) if n else None, "device": res.device,
                      "failed": res.n_errors, "records": res.records}
            (self.stage / "timing.json").write_text(json.dumps(timing, indent=2))
        except Exception as e:
            raise OutputWriteError(f"writing the outputs failed ({type(e).__name__}: {e}); nothing was moved "
                                   "into the output folder") from e

    def abort(self) -> None:
        self._points_f.close()
        self._errors_f.close()


class Progress:
    """Records and traces done on stderr: tqdm on a terminal if available, else a plain line now and then."""

    def __init__(self, total_records: int, label: str, enabled: bool = True, stream=None, every_s: float = 30.0):
        self.stream = stream or sys.stderr
        self.enabled, self.every_s, self.label, self.total = enabled, every_s, label, total_records
        self.records = self.ok = self.failed = 0
        self.t0 = self._last = time.perf_counter()
        self.bar = None
        if enabled and getattr(self.stream, "isatty", lambda: False)():
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total_records, unit="rec", unit_scale=True, file=self.stream, desc=label,
                                delay=2.0, dynamic_ncols=True)

    def update(self, records: int, ok: int, failed: int) -> None:
        self.records += records
        self.ok += ok
        self.failed += failed
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(records)
            self.bar.set_postfix(traces=self.ok, failed=self.failed, refresh=False)
            return
        now = time.perf_counter()
        if now - self._last >= self.every_s:
            self._last = now
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        dt = max(time.perf_counter() - self.t0, 1e-9)
        share = f" ({self.records / self.total:.0%})" if self.total else ""
        return (f"[{self.label}] {self.records}/{self.total} records{share} | traces {self.ok} done, "
                f"{self.failed} failed | {self.records / dt:.0f} records/s | {dt:.0f} s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and time.perf_counter() - self.t0 >= self.every_s:
            self.stream.write(self.line() + "\n")


class PositionSample:
    """An even subsample (at most `cap` points) of every record position seen, for the network coverage check."""

    def __init__(self, cap: int = 20_000):
        self.cap, self.stride, self.seen = cap, 1, 0
        self.lon: list = []
        self.lat: list = []

    def add(self, lon, lat) -> None:
        take = (self.seen + np.arange(len(lon))) % self.stride == 0
        self.seen += len(lon)
        self.lon += list(np.asarray(lon, float)[take])
        self.lat += list(np.asarray(lat, float)[take])
        if len(self.lon) > self.cap:
            self.lon, self.lat, self.stride = self.lon[::2], self.lat[::2], self.stride * 2

    def warning(self, net) -> str | None:
        from .network.load import coverage_warning
        from .types import SignalingTrace

        if net is None or not self.lon:
            return None
        probe = SignalingTrace("sample", np.arange(len(self.lon), dtype=float), ["-"] * len(self.lon), self.lon,
                               self.lat)
        return coverage_warning(net, [probe], n_records=self.seen)


def reconstruct_stream(signaling, network, method_name: str, options, out, cells=None, read_options=None,
                       progress: bool = True, chunk_traces: int = 64, on_warning=None) -> StreamResult:
    """Reconstruct a signaling file into `out` chunk by chunk (see the module doc). `network`: a path, a
    RoadNetwork or None. on_warning(text) is called at once for a warning a user should see before the end
    (the network's coverage, checked after the first chunk)."""
    from .io import ReadReport, read_cells, read_signaling
    from .io.staging import staged
    from .io.stream import iter_signaling, scan_signaling
    from .methods import get_method
    from .network import load_network

    cls = get_method(method_name)
    cell_table = read_cells(cells, read_options) if cells else None
    scan = scan_signaling(signaling, read_options)
    report = ReadReport()
    if scan.grouped:
        traces = iter_signaling(signaling, cells=cell_table, options=read_options, report=report)
    else:
        traces, report = read_signaling(signaling, cells=cell_table, options=read_options)
        report.warnings.insert(0, f"{signaling}: the rows of a trace are not together (line {scan.regroup_line} "
                                  "continues a trace seen before), so the whole file was read into memory; sort it "
                                  "by trace_id to read it trace by trace (e.g. keep the header, then "
                                  "`sort -s -t, -k1,1` on the rest, trace_id being the first column)")
    net = (load_network(network) if isinstance(network, (str, Path)) else network) \
        if (cls.needs_network or network is not None) else None
    method = cls(net, options)
    res = StreamResult(method_name, method.device)
    sample, bar = PositionSample(), Progress(scan.records, method_name, progress)
    warned: list = []  # the early coverage warning (None: none was needed), given once

    def run_chunk(chunk, writer) -> None:
        t0 = time.perf_counter()
        recs, errs = method.reconstruct_many(chunk) if chunk else ([], [])
        res.seconds_total += time.perf_counter() - t0
        errs = report.errors + errs
        report.errors.clear()
        writer.add(recs, errs)
        res.traces_ok += len(recs)
        res.n_errors += len(errs)
        res.errors += errs[: max(0, 5 - len(res.errors))]
        n = sum(len(tr) for tr in chunk)
        res.records += n
        bar.update(n, len(recs), len(errs))
        if not warned and on_warning is not None:  # after the first chunk: say it now, not hours later
            warned.append(sample.warning(net))
            if warned[0]:
                on_warning(warned[0])

    with staged(out) as (stage, _):
        writer = StreamOutputs(Path(stage))
        try:
            chunk = []
            for tr in traces:
                sample.add(tr.lon, tr.lat)
                chunk.append(tr)
                if len(chunk) >= chunk_traces:
                    run_chunk(chunk, writer)
                    chunk = []
            run_chunk(chunk, writer)  # the last traces, and errors reported after the last trace
            final = None if warned and warned[0] else sample.warning(net)  # (said once: early, or now)
            res.warnings = list(report.warnings) + [w for w in [final] if w]
            writer.close(res)
        except BaseException:
            writer.abort()
            raise
        finally:
            bar.close()
    return res
