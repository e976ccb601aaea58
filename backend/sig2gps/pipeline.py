"""Reconstruct a signaling file with one method and write the standard outputs.

Shared by `sig2gps reconstruct`, the demo, the server and the benchmark so they all behave alike.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from .io import read_cells, read_signaling
from .io.gps import write_points
from .io.report import write_errors
from .io.staging import write_staged
from .io.vector import write_trajectories
from .methods import MethodOptions, get_method
from .types import Reconstruction, TraceError

OUTPUT_FILES = ["points.csv", "trajectories.gpkg", "timing.json", "errors.csv"]


@dataclass
class RunResult:
    reconstructions: list[Reconstruction]
    errors: list[TraceError]
    warnings: list[str]
    seconds_total: float
    device: str
    method: str


def reconstruct_traces(traces, method_name: str, network, options: MethodOptions) -> RunResult:
    cls = get_method(method_name)
    t0 = time.perf_counter()
    method = cls(network, options)
    recs, errors = method.reconstruct_many(traces)
    return RunResult(recs, errors, [], time.perf_counter() - t0, method.device, method_name)


def reconstruct_file(signaling, network_path, method_name: str, options: MethodOptions, cells=None,
                     read_options=None) -> RunResult:
    from .network import load_network
    from .network.load import coverage_warning

    cell_table = read_cells(cells, read_options) if cells else None
    traces, report = read_signaling(signaling, cells=cell_table, options=read_options)
    cls = get_method(method_name)
    net = load_network(network_path) if (cls.needs_network or network_path) else None
    res = reconstruct_traces(traces, method_name, net, options)
    res.errors = report.errors + res.errors
    res.warnings = report.warnings + [w for w in [coverage_warning(net, traces)] if w]
    return res


def write_outputs(out_dir, res: RunResult, extra_vectors: tuple = ()) -> None:
    """All files or none: written into a staging folder, then moved into out_dir (io.staging)."""
    write_staged(out_dir, lambda out: _write_outputs(out, res, extra_vectors))


def _write_outputs(out: Path, res: RunResult, extra_vectors: tuple) -> None:
    write_points(out / "points.csv", res.reconstructions)
    write_trajectories(out / "trajectories.gpkg", res.reconstructions)
    for name in extra_vectors:
        write_trajectories(out / name, res.reconstructions)
    n = len(res.reconstructions)
    timing = {"method": res.method, "traces": n, "seconds_total": round(res.seconds_total, 4),
              "seconds_per_trace": round(res.seconds_total / n, 5) if n else None, "device": res.device,
              "failed": len(res.errors)}
    (out / "timing.json").write_text(json.dumps(timing, indent=2))
    write_errors(out / "errors.csv", res.errors)
