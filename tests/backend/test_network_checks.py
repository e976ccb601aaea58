"""The road network loader's sanity checks: files named in their errors, and a warning when the records
lie far from every road of the network (a network of another area, or a two-street extract)."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from sig2gps.network import NetworkError, load_network
from sig2gps.network.graph import Segment
from sig2gps.network.load import build_network, coverage_warning, road_share
from sig2gps.types import SignalingTrace


def _two_streets():
    a = np.array([[24.930, 60.170], [24.940, 60.170]])
    b = np.array([[24.940, 60.170], [24.940, 60.175]])
    return build_network([Segment(1, 2, a, "residential", 0), Segment(2, 3, b, "residential", 0)], name="two.geojson")


def _trace(lon, lat):
    n = len(lon)
    return SignalingTrace("a", 1_777_618_800 + 60 * np.arange(n), [f"c{i}" for i in range(n)], lon, lat)


def test_records_near_the_roads_give_no_warning():
    net = _two_streets()
    tr = _trace(np.linspace(24.931, 24.939, 10), np.full(10, 60.171))
    assert road_share(net, tr.lon, tr.lat) == 1.0 and coverage_warning(net, [tr]) is None


def test_records_far_from_every_road_are_warned_about():
    net = _two_streets()
    far = _trace(np.linspace(25.2, 25.3, 10), np.full(10, 60.3))  # ~20 km away
    near = _trace(np.array([24.935, 24.936]), np.array([60.170, 60.170]))
    w = coverage_warning(net, [far, near])
    assert w and "two.geojson" in w and "17%" in w and "12 signaling records" in w


def _lines_gdf(coords, crs):
    import geopandas as gpd
    from shapely import LineString

    return gpd.GeoDataFrame({"highway": ["primary"] * len(coords)}, geometry=[LineString(c) for c in coords], crs=crs)


def test_shapefile_without_prj_in_metres_names_the_file(tmp_path):
    gdf = _lines_gdf([[(385000, 6672000), (386000, 6672000)]], "EPSG:3067")
    p = tmp_path / "roads.shp"
    gdf.to_file(p, engine="pyogrio")
    p.with_suffix(".prj").unlink()
    with pytest.raises(NetworkError) as e:
        load_network(p)
    assert "roads.shp" in str(e.value) and ".prj" in str(e.value)


def test_shapefile_without_prj_in_degrees_loads_with_a_warning(tmp_path, caplog):
    gdf = _lines_gdf([[(24.93, 60.17), (24.94, 60.17)], [(24.94, 60.17), (24.94, 60.175)]], "EPSG:4326")
    p = tmp_path / "deg.shp"
    gdf.to_file(p, engine="pyogrio")
    p.with_suffix(".prj").unlink()
    with caplog.at_level(logging.WARNING, logger="sig2gps.network.load"):
        net = load_network(p)
    assert net.n_nodes >= 2 and any("deg.shp" in r.getMessage() and "lon/lat" in r.getMessage() for r in caplog.records)


def test_nan_coordinates_name_the_file_and_feature(tmp_path):
    gdf = _lines_gdf([[(24.93, 60.17), (24.94, 60.17)], [(24.94, 60.17), (float("nan"), 60.175)]], "EPSG:4326")
    p = tmp_path / "nan.gpkg"
    gdf.to_file(p, engine="pyogrio")
    with pytest.raises(NetworkError) as e:
        load_network(p)
    assert "nan.gpkg" in str(e.value) and "feature 2" in str(e.value) and "NaN" in str(e.value)
