"""Export writes the kept rollouts' timestamped points beside their lines (Shapefile: a sibling
<name>_points.shp; GeoPackage: a second layer), asks before replacing either, and reads back intact."""
import time

import pytest
from qgis.PyQt.QtCore import Qt
from qgis.core import Qgis, QgsVectorLayer

from sig2gps_qgis.dock import Sig2GpsDock


@pytest.fixture(scope="module")
def done_dock(qgis_iface, qgis_app, backend, signaling_csv_module):
    d = Sig2GpsDock(qgis_iface, backend)
    assert d.load_csv(str(signaling_csv_module)) is not None
    d.method_box.setCurrentText("hmm")
    d.rollouts.setValue(2)
    assert d.run() is not None
    t0 = time.monotonic()
    while d.task is not None:
        qgis_app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() - t0 < 60
    assert d.last_message[1] == Qgis.Success, d.last_message
    d.keep_selected(False, rows=[0])
    yield d
    d.shutdown()
    d.deleteLater()


@pytest.fixture(scope="module")
def signaling_csv_module(sample_dir):
    return sample_dir / "signaling.csv"


def _key(f):
    return f["trace_id"], int(f["rollout"]), round(float(f["t"]), 3)


def _check_points(dock, layer, times_as_text):
    """Every kept rollout's points, and only those, with their time to the millisecond and position."""
    kept = {(r.trace_id, r.rollout) for r in dock.table.kept_rollouts()}
    src = {_key(f): f for f in dock.result_layers[1].getFeatures() if (f["trace_id"], f["rollout"]) in kept}
    assert layer.isValid() and layer.featureCount() == len(src) > 0
    back = {_key(f): f for f in layer.getFeatures()}
    assert set(back) == set(src)
    for k, f in list(back.items())[:50]:
        if times_as_text:  # Shapefile: ISO 8601 text, to the millisecond
            assert f["time"] == src[k]["time"].toString(Qt.ISODateWithMs)
        else:  # GeoPackage date-time: QGIS's writer keeps whole seconds; the exact time is in "t"
            assert abs(f["time"].toMSecsSinceEpoch() / 1000.0 - float(f["t"])) < 1.0
        assert f.geometry().asPoint().x() == pytest.approx(src[k].geometry().asPoint().x(), abs=1e-7)


def test_shapefile_export_writes_points_beside_lines(done_dock, tmp_path):
    out = done_dock.export(str(tmp_path / "kept.shp"))
    pts = tmp_path / "kept_points.shp"
    assert out is not None and pts.exists()
    _check_points(done_dock, QgsVectorLayer(str(pts), "p", "ogr"), times_as_text=True)
    assert str(pts) in done_dock.last_message[0]


def test_geopackage_export_holds_both_layers(done_dock, tmp_path):
    gpkg = tmp_path / "kept.gpkg"
    assert done_dock.export(str(gpkg)) == gpkg
    lines = QgsVectorLayer(f"{gpkg}|layername=kept", "l", "ogr")
    points = QgsVectorLayer(f"{gpkg}|layername=kept_points", "p", "ogr")
    assert lines.isValid() and lines.featureCount() == len(done_dock.table.kept_rollouts())
    _check_points(done_dock, points, times_as_text=False)


def test_overwrite_of_the_points_file_is_asked(done_dock, tmp_path):
    pts = tmp_path / "kept_points.shp"
    pts.write_bytes(b"not a shapefile")  # only the points file is in the way
    asked = []
    assert done_dock.export(str(tmp_path / "kept.shp"), confirm_overwrite=lambda p: asked.append(p) or False) is None
    assert asked and str(pts) in asked[0] and pts.read_bytes() == b"not a shapefile"
    assert not (tmp_path / "kept.shp").exists()
    out = done_dock.export(str(tmp_path / "kept.shp"), confirm_overwrite=lambda p: True)
    assert out is not None
    _check_points(done_dock, QgsVectorLayer(str(pts), "p", "ogr"), times_as_text=True)
