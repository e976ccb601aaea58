"""What the export files hold: a GeoPackage stores date-times as UTC with milliseconds (the GeoPackage
standard's ISO 8601 text with Z), and a Shapefile export writes every number whole, without GDAL's
field-width warnings."""
import sqlite3

import pytest

from sig2gps_qgis.layers.export import export_layer
from sig2gps_qgis.layers.results import RolloutResult, rollout_layers

T = [1700000000.123, 1700000010.0, 1700000020.5]


@pytest.fixture
def layers(qgis_new_project):
    rs = [RolloutResult("A", k, "hmm", 0.123456789 * k, T, [24.94, 24.945, 24.95], [60.17, 60.171, 60.172])
          for k in range(3)]
    return rollout_layers(rs)


def test_geopackage_times_are_utc_with_milliseconds(layers, tmp_path):
    lines, points = layers
    path = export_layer(lines, tmp_path / "run.gpkg")
    export_layer(points, path, layer_name="run_points", add_to_file=True)
    con = sqlite3.connect(str(path))
    assert set(con.execute("SELECT start_time, end_time FROM run").fetchall()) == \
        {("2023-11-14T22:13:20.123Z", "2023-11-14T22:13:40.500Z")}
    rows = con.execute("SELECT time, t FROM run_points ORDER BY fid LIMIT 3").fetchall()
    assert rows == [("2023-11-14T22:13:20.123Z", 1700000000.123), ("2023-11-14T22:13:30.000Z", 1700000010.0),
                    ("2023-11-14T22:13:40.500Z", 1700000020.5)]


def test_shapefile_export_writes_numbers_without_width_warnings(layers, tmp_path):
    from osgeo import gdal
    from qgis.core import QgsVectorLayer

    warnings = []
    gdal.PushErrorHandler(lambda cls, no, msg: warnings.append(msg))
    try:
        export_layer(layers[1], tmp_path / "points.shp")
        export_layer(layers[0], tmp_path / "lines.shp")
    finally:
        gdal.PopErrorHandler()
    assert warnings == []
    back = QgsVectorLayer(str(tmp_path / "points.shp"), "p", "ogr")
    assert sorted({round(float(f["t"]), 3) for f in back.getFeatures()}) == T
    lines = QgsVectorLayer(str(tmp_path / "lines.shp"), "l", "ogr")
    assert sorted(round(float(f["score"]), 6) for f in lines.getFeatures()) == [0.0, 0.123457, 0.246914]
