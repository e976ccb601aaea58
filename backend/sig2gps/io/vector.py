"""Trajectories as vector files (GeoPackage, Shapefile): one LineString per trace and rollout."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np


def _iso(t: float) -> str:
    return datetime.fromtimestamp(float(t), tz=timezone.utc).isoformat().replace("+00:00", "Z")


def trajectories_frame(recons):
    import geopandas as gpd
    from shapely import LineString, Point

    from ..metrics import geodesic_m

    rows = []
    for rec in recons:
        for k, ro in enumerate(rec.rollouts):
            tr = ro.track
            geom = LineString(np.column_stack([tr.lon, tr.lat])) if len(tr) > 1 else Point(tr.lon[0], tr.lat[0])
            length = float(geodesic_m(tr.lon[:-1], tr.lat[:-1], tr.lon[1:], tr.lat[1:]).sum()) if len(tr) > 1 else 0.0
            rows.append({"trace_id": rec.trace_id, "rollout": k, "method": rec.method, "score": float(ro.score),
                         "start_time": _iso(tr.t[0]), "end_time": _iso(tr.t[-1]),
                         "duration_s": float(tr.t[-1] - tr.t[0]), "length_m": length, "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326") if rows else \
        gpd.GeoDataFrame({"trace_id": [], "rollout": [], "geometry": []}, geometry="geometry", crs="EPSG:4326")


def write_trajectories(path, recons) -> None:
    """GeoPackage (.gpkg) or Shapefile (.shp) by suffix; Shapefile field names are cut to 10 chars."""
    path = Path(path)
    df = trajectories_frame(recons)
    if path.suffix.lower() == ".shp":
        df = df.rename(columns={"start_time": "start_t", "end_time": "end_t", "duration_s": "dur_s"})
        df.to_file(path, driver="ESRI Shapefile", engine="pyogrio")
    else:
        df.to_file(path, driver="GPKG", layer="trajectories", engine="pyogrio")
