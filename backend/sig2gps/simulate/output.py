"""Writing a simulation: gps.csv, signaling.csv, cells.csv, routes.csv, meta.json."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from ..io import write_cells, write_gps, write_signaling


def write_simulation(out_dir, result, net, meta: dict) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_gps(out / "gps.csv", [s.gps for s in result.traces])
    write_signaling(out / "signaling.csv", [s.signaling for s in result.traces])
    write_cells(out / "cells.csv", result.cells)
    with open(out / "routes.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace_id", "step", "segment"])  # segment ids of the network as loaded by sig2gps
        for s in result.traces:
            for k, seg in enumerate(s.route_segments):
                w.writerow([s.gps.trace_id, k, seg])
    (out / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
