"""Reading the Cork drive logs (uccmisl/5Gdataset, G-NetTrack Pro CSVs) into calibration sequences.

Each CSV is one drive: about one row per second with Timestamp (local time, `2019.11.25_15.34.34`),
Longitude, Latitude and the serving cell. Cells are keyed by RAWCELLID, because the logger splits the
other id columns differently per radio mode. GPS rows repeat while the fix is unchanged; that is kept as
it is (distances are still right over a few seconds). Rows sharing a second keep the last one, so the
sequence is at most 1 Hz like the simulator's.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from ..io.errors import InputError
from ..network.graph import utm_crs_for
from .stats import Sequence

COLUMNS = ("Timestamp", "Longitude", "Latitude", "RAWCELLID")
TIME_FORMAT = "%Y.%m.%d_%H.%M.%S"
MAX_GAP_S = 10.0  # a longer logging gap splits a drive into separate sequences


def find_logs(folder) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "not a folder of drive-log CSV files")
    files = sorted(p for p in folder.rglob("*.csv") if p.is_file())
    if not files:
        raise InputError(folder, "no .csv drive logs found under this folder")
    return files


def _read_one(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype={"RAWCELLID": str}, low_memory=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read as CSV: {e}") from e
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1, field=missing[0])
    t = pd.to_datetime(df["Timestamp"], format=TIME_FORMAT, errors="coerce")
    lon = pd.to_numeric(df["Longitude"], errors="coerce")
    lat = pd.to_numeric(df["Latitude"], errors="coerce")
    cell = df["RAWCELLID"].astype(str).str.strip()
    ok = t.notna() & lon.between(-180, 180) & lat.between(-90, 90) & (lon != 0) & (lat != 0)
    ok &= ~cell.isin(["", "-", "nan", "0"])
    out = pd.DataFrame({"t": (t - pd.Timestamp("1970-01-01")).dt.total_seconds(), "lon": lon, "lat": lat,
                        "cell": cell})[ok]
    # Stable sort, then one row per second (the last), like the simulator's 1 Hz sequence.
    out = out.sort_values("t", kind="stable").drop_duplicates("t", keep="last")
    return out.reset_index(drop=True)


def read_cork(folder) -> tuple[list[Sequence], dict[str, int], list[str]]:
    """All drives under `folder` -> (sequences in one local UTM frame, cell key -> code, file per sequence)."""
    frames = [(p, _read_one(p)) for p in find_logs(folder)]
    frames = [(p, f) for p, f in frames if len(f) >= 2]
    if not frames:
        raise InputError(folder, "no drive log with at least two usable rows")
    allp = pd.concat([f for _, f in frames])
    crs = utm_crs_for(float(allp["lon"].mean()), float(allp["lat"].mean()))
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    codes: dict[str, int] = {}
    seqs, names = [], []
    for path, f in frames:
        x, y = tr.transform(f["lon"].to_numpy(), f["lat"].to_numpy())
        xy = np.column_stack([x, y])
        cell = np.array([codes.setdefault(c, len(codes)) for c in f["cell"]], np.int64)
        t = f["t"].to_numpy(float)
        cuts = np.flatnonzero(np.diff(t) > MAX_GAP_S) + 1
        for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(t)]):
            if b - a >= 2:
                seqs.append(Sequence(t[a:b], xy[a:b], cell[a:b]))
                names.append(str(path))
    return seqs, codes, names
