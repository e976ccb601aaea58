"""Cell positions as users have them: estimated from drives, not the true site positions.

Public cell databases (OpenCelliD, Mozilla Location Service) place a cell at the centroid of the
positions where phones reported it serving. Those positions are on the roads, usually near the middle
of the cell's coverage, and hundreds of metres from the antenna; a method tuned to true site positions
(off the roads, at the centre of a sector's fan) misjudges them (issue 17, section 0). This builds
the same estimate from simulated drives (the 1 Hz positions and serving cells of SimTrace), and
re-writes signaling traces with it.
"""
from __future__ import annotations

import numpy as np

from ..types import Cell, SignalingTrace


def estimate_cell_positions(traces, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """(xy (C,2) metres, seconds served (C,)) per cell index: the centroid of the 1 Hz positions where the cell
    served in `traces` (SimTrace); NaN for cells never seen serving."""
    sx, sy, n = np.zeros(n_cells), np.zeros(n_cells), np.zeros(n_cells)
    for s in traces:
        c = np.asarray(s.serving_1hz, int)
        sx += np.bincount(c, s.pos_1hz[:, 0], n_cells)
        sy += np.bincount(c, s.pos_1hz[:, 1], n_cells)
        n += np.bincount(c, minlength=n_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.column_stack([sx / n, sy / n]), n


def estimated_cells(net, sites, traces) -> dict[str, Cell]:
    """{cell id: Cell at its estimated position} for the cells seen serving in `traces` (the survey drives)."""
    xy, n = estimate_cell_positions(traces, len(sites.cell_ids))
    seen = n > 0
    lon, lat = net.to_lonlat(xy[seen, 0], xy[seen, 1])
    ids = np.asarray(sites.cell_ids, object)[seen]
    site = sites.cell_site[seen]
    return {cid: Cell(cid, float(lo), float(la), f"S{s:05d}") for cid, lo, la, s in zip(ids, lon, lat, site)}


def with_positions(trace: SignalingTrace, cells: dict[str, Cell]) -> SignalingTrace | None:
    """The trace with each record at its cell's position in `cells`; records of cells not in `cells` are
    dropped (a database without the cell cannot place it). None when fewer than 2 records remain."""
    keep = np.array([c in cells for c in trace.cell_id], bool)
    if keep.sum() < 2:
        return None
    ids = trace.cell_id[keep]
    return SignalingTrace(trace.trace_id, trace.t[keep], ids, [cells[c].lon for c in ids], [cells[c].lat for c in ids])
