"""Cell table: cell_id,lon,lat[,site_id] — the published position of each cell's site."""
from __future__ import annotations

import csv
from pathlib import Path

from ..types import Cell
from .errors import InputError
from .parse import iter_csv, parse_coord, show


def read_cells(path) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for line, row in iter_csv(path, ["cell_id", "lon", "lat"], ["site_id"]):
        cid = row["cell_id"].strip()
        if not cid:
            raise InputError(path, "empty cell id", line=line, field="cell_id")
        try:
            lon = parse_coord(row["lon"], "lon")
        except ValueError as e:
            raise InputError(path, str(e), line=line, field="lon")
        try:
            lat = parse_coord(row["lat"], "lat")
        except ValueError as e:
            raise InputError(path, str(e), line=line, field="lat")
        if cid in cells and (cells[cid].lon, cells[cid].lat) != (lon, lat):
            raise InputError(path, f"cell {show(cid)} listed twice with different positions", line=line, field="cell_id")
        cells[cid] = Cell(cid, lon, lat, row.get("site_id", "").strip())
    return cells


def write_cells(path, cells) -> None:
    with open(Path(path), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cell_id", "lon", "lat", "site_id"])
        for c in (cells.values() if isinstance(cells, dict) else cells):
            w.writerow([c.cell_id, f"{c.lon:.7f}", f"{c.lat:.7f}", c.site_id])
