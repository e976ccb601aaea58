"""The dock's paths a user takes: load, reconstruct, compare to a sketch, keep/discard, export; and
what happens on bad input or a missing backend (clear message, and the dock works again after)."""
import time

import pytest
from qgis.PyQt.QtCore import Qt
from qgis.core import (Qgis, QgsFeature, QgsGeometry, QgsPointXY, QgsProject,
                       QgsVectorLayer)

from sig2gps_qgis.backend_service import Backend
from sig2gps_qgis.dock import Sig2GpsDock
from sig2gps_qgis.errors import InputError
from sig2gps_qgis.layers.signaling import FieldMapping


@pytest.fixture
def dock(qgis_iface, qgis_new_project, backend):
    d = Sig2GpsDock(qgis_iface, backend)
    yield d
    d.shutdown()
    d.deleteLater()


def wait_for(qgis_app, done, timeout=60, what="the task"):
    t0 = time.monotonic()
    while not done():
        qgis_app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() - t0 < timeout, f"{what} did not finish"


def wait(dock, qgis_app, timeout=60):
    wait_for(qgis_app, lambda: dock.task is None, timeout, "the reconstruction")


def reconstruct(dock, qgis_app, csv_path, rollouts=2):
    assert dock.load_csv(str(csv_path)) is not None
    dock.method_box.setCurrentText("hmm")
    dock.rollouts.setValue(rollouts)
    assert dock.run() is not None
    wait(dock, qgis_app)


def sketch_layer(coords):
    layer = QgsVectorLayer("LineString?crs=EPSG:4326", "sketch", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in coords]))
    layer.dataProvider().addFeatures([f])
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_reconstruct_compare_keep_and_export_round_trip(dock, qgis_app, signaling_csv, tmp_path):
    reconstruct(dock, qgis_app, signaling_csv)
    assert dock.last_message[1] == Qgis.Success, dock.last_message
    lines, points = dock.result_layers
    assert QgsProject.instance().mapLayer(lines.id()) is not None and points.temporalProperties().isActive()
    n = len(dock.result.rollouts)
    assert dock.table.rowCount() == n == lines.featureCount()

    # a sketch drawn exactly along rollout 0 of the first row's trace: distance 0 for it, more for others
    r0 = dock.table.rollouts[0]
    assert dock.compare_to_sketch(sketch_layer(r0.xy())) is not None  # a QgsTask: the GUI stays free
    wait_for(qgis_app, lambda: dock.compare_task is None)
    d = dock.table.distances
    assert d[0]["mean"] < 1.0 and d[0]["hausdorff"] < 1.0 and d[0]["frechet"] < 15.0
    assert dock.table.text(0, "mean_m") != ""
    other = [i for i, r in enumerate(dock.table.rollouts) if r.trace_id != r0.trace_id]
    assert other and max(d[i]["hausdorff"] for i in other) > 50.0

    dock.keep_selected(False, rows=[0])
    kept = dock.table.kept_rollouts()
    assert len(kept) == n - 1
    out = dock.export(str(tmp_path / "kept.shp"))
    assert out is not None and out.exists()
    back = QgsVectorLayer(str(out), "back", "ogr")
    assert back.isValid() and back.featureCount() == n - 1
    got = {(f["trace_id"], int(f["rollout"])) for f in back.getFeatures()}
    assert got == {(r.trace_id, r.rollout) for r in kept}
    f = next(back.getFeatures())
    src = next(lines.getFeatures(f"\"trace_id\" = '{f['trace_id']}' AND \"rollout\" = {int(f['rollout'])}"))
    assert f["length_m"] == pytest.approx(src["length_m"], rel=1e-6)
    assert f.geometry().vertexAt(0).x() == pytest.approx(src.geometry().vertexAt(0).x(), abs=1e-7)
    # Shapefile has no date-time type: times come back as ISO 8601 text, to the millisecond
    assert f["start_time"] == src["start_time"].toString(Qt.ISODateWithMs)

    # asked before overwriting: "no" leaves the file, "yes" replaces it
    dock.keep_selected(True, rows=[0])
    assert dock.export(str(out), confirm_overwrite=lambda p: False) is None
    assert QgsVectorLayer(str(out), "same", "ogr").featureCount() == n - 1
    assert dock.export(str(out), confirm_overwrite=lambda p: True) == out
    assert QgsVectorLayer(str(out), "new", "ogr").featureCount() == n
    gpkg = dock.export(str(tmp_path / "kept.gpkg"))
    assert QgsVectorLayer(str(gpkg), "g", "ogr").featureCount() == n


def test_wrong_csv_columns_message_and_recovery(dock, qgis_app, tmp_path, signaling_csv):
    bad = tmp_path / "wrong.csv"
    bad.write_text("who,when,where\nA,1,c\n")
    assert dock.load_csv(str(bad), mapping=FieldMapping()) is None
    text, level = dock.last_message
    assert level == Qgis.Warning and "wrong.csv, line 1" in text and "trace_id" in text
    reconstruct(dock, qgis_app, signaling_csv, rollouts=1)  # the dock still works
    assert dock.last_message[1] == Qgis.Success


def test_layer_without_time_field_is_refused(dock):
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=trace_id:string&field=cell_id:string", "no time", "memory")
    f = QgsFeature(layer.fields())
    f.setAttributes(["A", "c1"])
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(24.9, 60.2)))
    layer.dataProvider().addFeatures([f])
    QgsProject.instance().addMapLayer(layer)
    dock.layer_box.setLayer(layer)
    dock.time_field.setField("")
    assert dock.run() is None and dock.task is None
    text, level = dock.last_message
    assert "no time field" in text and level == Qgis.Warning
    assert dock.run_button.isEnabled()


def test_backend_not_running_then_fixed_in_settings(qgis_iface, qgis_new_project, qgis_app, signaling_csv, tmp_path,
                                                   backend_py):
    broken = Backend(python=str(tmp_path / "missing" / "python"))
    d = Sig2GpsDock(qgis_iface, broken)
    try:
        reconstruct(d, qgis_app, signaling_csv)
        text, level = d.last_message
        assert level == Qgis.Critical and "could not start" in text and "missing" in text
        assert d.run_button.isEnabled() and d.result_layers is None
        broken._python = backend_py  # what the settings dialog does: point at a real backend
        assert d.run() is not None
        wait(d, qgis_app)
        assert d.last_message[1] == Qgis.Success and d.result_layers is not None
    finally:
        broken.stop()
        d.deleteLater()


def test_conditioning_tile_preview_and_request(dock, qgis_iface, signaling_csv):
    dock.load_csv(str(signaling_csv))
    # a road layer shown on the canvas is drawn on the tile even when none is picked in the dock
    roads = sketch_layer([(24.90, 60.10), (25.00, 60.25)])
    qgis_iface.mapCanvas().setLayers([roads])
    assert dock.tile_roads() is roads
    image = dock.preview_tile(128)
    assert image is not None and image.width() == 128 and image.height() == 128
    colours = {image.pixelColor(x, y).name() for x in range(0, 128) for y in range(0, 128)}
    assert "#f5f5f5" in colours and any(_orange(c) for c in colours)
    assert any(_grey_below(c, 230) for c in colours)  # the road, in the style's neutral grey
    # one tile per trace: refused for several traces, sent (PNG + bounds) for one
    dock.send_tile.setChecked(True)
    with pytest.raises(InputError) as e:
        dock.build_request()
    assert "single trace" in e.value.message
    for i in range(1, dock.trace_list.count()):
        dock.trace_list.item(i).setCheckState(Qt.Unchecked)
    req = dock.build_request()
    assert len(req["traces"]) == 1 and req["conditioning"]["png_base64"]
    assert req["conditioning"]["bounds_lonlat"] == pytest.approx(list(dock.tile_bounds))


def _grey_below(name, level):
    r, g, b = int(name[1:3], 16), int(name[3:5], 16), int(name[5:7], 16)
    return r == g == b and r < level


def _orange(name):
    r, g, b = int(name[1:3], 16), int(name[3:5], 16), int(name[5:7], 16)
    return r > 200 and 90 < g < 190 and b < 90


def test_cancelled_job_keeps_its_partial_result(dock):
    from sig2gps_qgis.layers.results import RolloutResult
    from sig2gps_qgis.request import JobResult

    t = [1000.0, 1060.0]
    part = JobResult(rollouts=[RolloutResult("A", 0, "hmm", -1.0, t, [24.94, 24.95], [60.17, 60.171])],
                     complete=False, method="hmm", device="cpu", seconds_total=0.5)
    dock._on_done(part)
    text, level = dock.last_message
    assert text.startswith("Cancelled") and level == Qgis.Warning  # a cancelled job is never a success
    assert dock.table.rowCount() == 1 and dock.result_layers[0].featureCount() == 1
    assert dock.progress.value() == 0


def _rollout(tid, k, info, lon0=24.94):
    from sig2gps_qgis.layers.results import RolloutResult

    return RolloutResult(tid, k, "video", 0.5, [1000.0, 1030.0, 1060.0], [lon0, lon0 + 0.005, lon0 + 0.01],
                         [60.17, 60.171, 60.172], info=info)


def test_plausibility_in_the_table_and_failures_flagged(dock):
    from sig2gps_qgis.request import JobResult

    good = {"plausibility": {"ok": True, "max_speed_mps": 12.5, "n_fast_steps": 0, "length_ratio": 1.21,
                             "on_road_share": 0.97, "n_pieces": 1, "reasons": []}}
    bad = {"plausibility": {"ok": False, "max_speed_mps": 95.0, "n_fast_steps": 4, "length_ratio": 51.0,
                            "on_road_share": 0.4, "n_pieces": 7, "reasons": ["4 steps faster than 60 m/s"]},
           "failed": "implausible: 4 steps faster than 60 m/s"}
    dock._on_done(JobResult(rollouts=[_rollout("A", 0, good), _rollout("A", 1, bad), _rollout("B", 0, {})],
                            method="video", device="cpu", seconds_total=1.0))
    t = dock.table
    assert (t.text(0, "max_speed_kmh"), t.text(0, "length_ratio"), t.text(0, "on_road"), t.text(0, "check")) == \
        ("45", "1.21", "97%", "ok")
    assert t.text(1, "check").startswith("failed") and "60 m/s" in t.text(1, "check")
    assert {t.text(2, c) for c in ("max_speed_kmh", "length_ratio", "on_road", "check")} == {"–"}  # not sent
    assert t.failed_rows() == [1]
    text, level = dock.last_message
    assert level == Qgis.Warning and "1 rollout(s) failed the plausibility check" in text
    assert "implausible" in dock.log_view.toPlainText()
    # nothing about the failed rollout is green, on the map or in the table
    lines = dock.result_layers[0]
    f = next(lines.getFeatures("\"trace_id\" = 'A' AND \"rollout\" = 1"))
    assert f["status"] == "failed" and "60 m/s" in f["reason"]
    for colour in [t.item(1, c).background().color() for c in range(t.columnCount())] + \
            [c.symbol().color() for c in lines.renderer().categories() if "failed" in c.label()]:
        assert not _greenish(colour), colour.name()


def _greenish(c) -> bool:
    return c.green() > c.red() + 30 and c.green() > c.blue() + 30


def test_every_run_gets_its_own_named_group_coloured_by_trace(dock, qgis_iface):
    from sig2gps_qgis.request import JobResult

    rolls = [_rollout("A", 0, {}), _rollout("A", 1, {}), _rollout("B", 0, {}, lon0=24.96)]
    dock._on_done(JobResult(rollouts=rolls, method="hmm", device="cpu"))
    dock._on_done(JobResult(rollouts=rolls[:1], method="towers", device="cpu"))
    groups = [g.name() for g in QgsProject.instance().layerTreeRoot().findGroups()]
    assert groups[0].startswith("Sig2GPS #2 towers") and groups[1].startswith("Sig2GPS #1 hmm")
    assert "rollouts" in groups[1] and "seed" in groups[1]
    assert len(dock.runs) == 2
    first_lines = dock.runs[0].lines
    categories = first_lines.renderer().categories()  # a copy: keep it alive while its symbols are read
    cats = {c.label(): c.symbol().clone() for c in categories}
    a0, a1, b0 = cats["A, rollout 0"], cats["A, rollout 1"], cats["B, rollout 0"]
    assert a0.color().hue() == a1.color().hue() and a0.color() != a1.color()  # shades of the trace's colour
    assert a0.color().hue() != b0.color().hue() and a0.width() > a1.width()
    # the map shows the last run
    assert qgis_iface.mapCanvas().extent().intersects(dock.result_layers[0].extent())


def test_discarded_rollouts_leave_the_map(dock):
    from sig2gps_qgis.request import JobResult

    dock._on_done(JobResult(rollouts=[_rollout("A", 0, {}), _rollout("A", 1, {})], method="hmm"))
    lines, points = dock.result_layers

    def shown(layer):
        return [c.label() for c in layer.renderer().categories() if c.renderState()]

    dock.keep_selected(False, rows=[1])
    assert shown(lines) == shown(points) == ["A, rollout 0"]
    dock.keep_selected(True, rows=[1])
    assert shown(lines) == ["A, rollout 0", "A, rollout 1"]


def test_task_cancelled_before_it_ran_reports_calmly(qgis_new_project, backend):
    from sig2gps_qgis.tasks import ReconstructTask

    errs = []
    task = ReconstructTask(backend, {"method": "towers"}, on_error=errs.append)
    task.cancel()
    task.finished(False)  # what QGIS calls for a task cancelled before run()
    assert len(errs) == 1 and "cancelled" in errs[0].message and errs[0].level == Qgis.Info


class _KillsMidJob:
    """The real backend, except that right after the job is accepted its process is SIGKILLed."""

    def __init__(self, backend):
        self.backend = backend

    def client(self):
        import os
        import signal

        client, backend = self.backend.client(), self.backend

        class Client:
            def run(self, request, **kw):
                job = client.submit(request)
                os.kill(backend.pid, signal.SIGKILL)
                backend._proc._proc.wait(10)
                return client.wait(job["job_id"], **kw)

        return Client()

    def __getattr__(self, name):
        return getattr(self.backend, name)


def test_backend_killed_mid_job_from_the_dock(qgis_iface, qgis_new_project, qgis_app, signaling_csv, backend):
    d = Sig2GpsDock(qgis_iface, _KillsMidJob(backend))
    try:
        reconstruct(d, qgis_app, signaling_csv)
        text, level = d.last_message
        assert level == Qgis.Critical and "stopped answering" in text
        assert "starting the backend" in d.log_view.toPlainText()  # its log is shown
        assert d.run_button.isEnabled() and d.result_layers is None and backend.crashed()
        d.backend = backend  # the next run restarts the backend and succeeds
        assert d.run() is not None
        wait(d, qgis_app)
        assert d.last_message[1] == Qgis.Success and backend.is_running()
    finally:
        d.deleteLater()


def test_ask_backend_lists_its_methods_without_blocking(dock, qgis_app):
    task = dock.refresh_methods()
    t0 = time.monotonic()
    while dock.methods_task is not None:
        qgis_app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() - t0 < 60
    names = [dock.method_box.itemText(i) for i in range(dock.method_box.count())]
    assert task is not None and {"towers", "hmm"} <= set(names)
    assert "offers" in dock.last_message[0] and dock.method_box.currentText() in names


def test_consensus_box_reaches_the_request(dock, signaling_csv):
    assert dock.load_csv(str(signaling_csv)) is not None
    dock.rollouts.setValue(4)
    assert dock.build_request()["options"]["consensus"] is False
    dock.consensus.setChecked(True)
    req = dock.build_request()
    assert req["options"]["consensus"] is True and req["options"]["rollouts"] == 4


def test_save_runs_keeps_every_run_in_a_geopackage_in_its_group(dock, tmp_path):
    import sqlite3

    from sig2gps_qgis.request import JobResult

    dock._on_done(JobResult(rollouts=[_rollout("A", 0, {}), _rollout("A", 1, {})], method="hmm"))
    dock._on_done(JobResult(rollouts=[_rollout("B", 0, {}, lon0=24.96)], method="towers"))
    dock.keep_selected(False, rows=[0])  # the last run's only rollout: hidden, but saved all the same
    old_ids = [lyr.id() for run in dock.runs for lyr in (run.lines, run.points)]
    out = dock.save_runs(str(tmp_path / "runs"))
    assert out == tmp_path / "runs.gpkg" and dock.last_message[1] == Qgis.Success
    tables = {r[0]: r[1] for r in sqlite3.connect(str(out)).execute(
        "SELECT table_name, feature_count FROM gpkg_ogr_contents")}
    assert tables == {"run1_hmm_lines": 2, "run1_hmm_points": 6, "run2_towers_lines": 1, "run2_towers_points": 3}
    project = QgsProject.instance()
    assert all(project.mapLayer(i) is None for i in old_ids)  # the memory layers are gone
    for run in dock.runs:
        assert run.lines.providerType() == "ogr" and project.mapLayer(run.lines.id()) is not None
        assert [n.layer() for n in run.group.findLayers()] == [run.lines, run.points]
        assert run.points.temporalProperties().isActive()
        assert len(run.lines.renderer().categories()) == run.lines.dataProvider().featureCount()
    # the Rollouts tab now works on the saved layers, discarded rollouts still hidden
    assert dock.result_layers == (dock.runs[-1].lines, dock.runs[-1].points)
    assert not any(c.renderState() for c in dock.result_layers[0].renderer().categories())
    assert dock.save_runs(str(out), confirm_overwrite=lambda p: False) is None


def test_help_opens_the_user_guide(dock):
    opened = []
    url = dock.open_help(opener=opened.append)
    assert opened == [url] and url.isLocalFile()
    from pathlib import Path

    guide = Path(url.toLocalFile())
    assert guide.exists() and "Save runs" in guide.read_text(encoding="utf-8")


def test_rollouts_box_offers_the_declared_range(dock):
    from sig2gps_qgis.backend_client import option_schema

    spec = option_schema("rollouts")
    assert (dock.rollouts.minimum(), dock.rollouts.maximum()) == (spec["minimum"], spec["maximum"])
