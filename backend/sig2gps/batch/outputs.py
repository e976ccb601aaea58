"""The batch output folder: Parquet partitions, the manifest of finished partitions, the summary.

OUT/points/part-NNNNN.parquet        trace_id, rollout, timestamp, lon, lat (rollout 0 = best)
OUT/trajectories/part-NNNNN.parquet  GeoParquet, one LineString per trace and rollout (EPSG:4326)
OUT/errors/part-NNNNN.parquet        trace_id, reason (read errors and reconstruction errors)
OUT/manifest.json                    run fingerprint + the partitions whose three files are complete
OUT/summary.json                     counts and throughput of the last run
A partition is written file by file, each atomically, and only then entered in the manifest (by
the driver, the only writer), so a rerun trusts exactly the partitions the manifest lists.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..types import Reconstruction, TraceError
from .shuffle import atomic_parquet

TABLES = ("points", "trajectories", "errors")
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
SHUFFLE = "_shuffle"


def part_path(out: Path, table: str, b: int) -> Path:
    return Path(out) / table / f"part-{b:05d}.parquet"


def points_frame(recons: list[Reconstruction]) -> pd.DataFrame:
    tid, roll, t, lon, lat = [], [], [], [], []
    for rec in recons:
        for k, ro in enumerate(rec.rollouts):
            n = len(ro.track)
            tid.append(np.full(n, rec.trace_id, dtype=object))
            roll.append(np.full(n, k, dtype=np.int32))
            t.append(ro.track.t)
            lon.append(ro.track.lon)
            lat.append(ro.track.lat)
    cat = lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dt)  # noqa: E731
    return pd.DataFrame({"trace_id": cat(tid, object), "rollout": cat(roll, np.int32), "timestamp": cat(t, float),
                         "lon": cat(lon, float), "lat": cat(lat, float)})


def errors_frame(errors: list[TraceError]) -> pd.DataFrame:
    return pd.DataFrame({"trace_id": pd.Series([e.trace_id for e in errors], dtype=object),
                         "reason": pd.Series([e.reason for e in errors], dtype=object)})


def write_partition(out: Path, b: int, recons: list[Reconstruction], errors: list[TraceError]) -> None:
    from ..io.vector import trajectories_frame

    atomic_parquet(points_frame(recons), part_path(out, "points", b))
    traj = trajectories_frame(recons) if recons else _empty_trajectories()
    path = part_path(out, "trajectories", b)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    traj.to_parquet(tmp, index=False)  # geopandas writes GeoParquet metadata (WKB geometry, CRS)
    os.replace(tmp, path)
    atomic_parquet(errors_frame(errors), part_path(out, "errors", b))


def _empty_trajectories():
    """An empty partition with the columns and types of a full one, so partitions concatenate cleanly."""
    import geopandas as gpd

    cols = {"trace_id": object, "rollout": "int64", "method": object, "score": float, "start_time": object,
            "end_time": object, "duration_s": float, "length_m": float}
    return gpd.GeoDataFrame({c: pd.Series([], dtype=t) for c, t in cols.items()},
                            geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def remove_partition(out: Path, b: int) -> None:
    for table in TABLES:
        part_path(out, table, b).unlink(missing_ok=True)


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    os.replace(tmp, path)


def load_manifest(out: Path) -> dict | None:
    p = Path(out) / MANIFEST
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{p}: damaged manifest ({e}); pass --overwrite to start this output again") from e


def clear_outputs(out: Path) -> None:
    """--overwrite: remove what a previous batch run left (only the batch's own names)."""
    out = Path(out)
    for table in TABLES:
        shutil.rmtree(out / table, ignore_errors=True)
    shutil.rmtree(out / SHUFFLE, ignore_errors=True)
    for name in (MANIFEST, SUMMARY):
        (out / name).unlink(missing_ok=True)


def read_table(out: Path, table: str) -> pd.DataFrame:
    """All partitions of one output table (what tests and small users want)."""
    files = sorted((Path(out) / table).glob("part-*.parquet"))
    if table == "trajectories":
        import geopandas as gpd

        return pd.concat([gpd.read_parquet(f) for f in files], ignore_index=True) if files else gpd.GeoDataFrame()
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files else pd.DataFrame()
