"""Run inside a real QGIS (qgis --code this_file): drive the Sig2GPS dock like a user would.

Opens the sample signaling through the dock, adds the road extract for context, reconstructs with
`hmm` (3 rollouts), draws a sketch from the sample's GPS, selects a rollout, then reports what the
window shows to $SIG2GPS_GUI_STATE/status.json and waits for a `quit` file there (the test takes
its screenshot in between). Never blocks the event loop: every wait is a QTimer.
"""
import csv
import json
import os
import time
import traceback
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, plugins

STATE = Path(os.environ["SIG2GPS_GUI_STATE"])
SAMPLE = Path(os.environ["SIG2GPS_GUI_SAMPLE"])
ROADS = os.environ.get("SIG2GPS_GUI_ROADS", "")
METHOD = os.environ.get("SIG2GPS_GUI_METHOD", "hmm")


def write_status(data: dict) -> None:
    tmp = STATE / "status.tmp"
    tmp.write_text(json.dumps(data, indent=2, default=str))
    tmp.replace(STATE / "status.json")


def sketch_from_gps(trace_id: str) -> QgsVectorLayer:
    """What a user would draw: the true route (sample gps.csv), as a line layer named 'my sketch'."""
    with open(SAMPLE / "gps.csv") as f:
        pts = [QgsPointXY(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f) if r["trace_id"] == trace_id]
    layer = QgsVectorLayer("LineString?crs=EPSG:4326", "my sketch", "memory")
    feat = QgsFeature()
    feat.setGeometry(QgsGeometry.fromPolylineXY(pts))
    layer.dataProvider().addFeatures([feat])
    layer.renderer().symbol().setColor(QColor("#000000"))
    layer.renderer().symbol().setWidth(0.6)
    QgsProject.instance().addMapLayer(layer)
    return layer


STARTED = {}


def start():
    STARTED["start"] = time.time()
    try:
        # Xvfb has no window manager to maximise the window: place it over the whole screen ourselves
        screen = iface.mainWindow().screen().geometry()
        iface.mainWindow().setGeometry(screen)
        browser = iface.mainWindow().findChild(QDockWidget, "Browser")
        if browser is not None:
            browser.hide()  # more room for the map in the screenshot
        plugin = plugins.get("sig2gps_qgis")
        if plugin is None:
            write_status({"error": "plugin sig2gps_qgis is not loaded", "plugins": sorted(plugins)})
            return
        if ROADS:
            roads = iface.addVectorLayer(f"{ROADS}|layername=lines|subset=\"highway\" IS NOT NULL", "OSM roads", "ogr")
            if roads is not None:
                roads.renderer().symbol().setColor(QColor("#b0b0b0"))
                roads.triggerRepaint()
                iface.layerTreeView().refreshLayerSymbology(roads.id())
        dock = plugin.show_dock(True)
        dock.load_csv(str(SAMPLE / "signaling.csv"))
        offered = [m["name"] for m in dock.backend.methods()]  # starts the backend (a test may wait here)
        dock.method_box.setCurrentText(METHOD if METHOD in offered else "towers")
        dock.rollouts.setValue(3)
        if dock.run() is None:
            write_status({"error": "run refused", "message": dock.last_message[0]})
            return
        QTimer.singleShot(200, lambda: wait_for_result(dock))
    except Exception:
        write_status({"error": traceback.format_exc()})


def wait_for_result(dock):
    if dock.task is not None:
        QTimer.singleShot(200, lambda: wait_for_result(dock))
        return
    try:
        status = {"method": dock.method_box.currentText(), "t_script": STARTED.get("start"), "t_result": time.time(), "message": dock.last_message[0],
                  "level": int(dock.last_message[1]), "rows": dock.table.rowCount(),
                  "layers": [lyr.name() for lyr in QgsProject.instance().mapLayers().values()]}
        if dock.result_layers is not None:
            lines, points = dock.result_layers
            first = dock.table.rollouts[0].trace_id
            sketch = sketch_from_gps(first)
            dock.sketch_box.setLayer(sketch)  # starts the comparison (a QgsTask); read when it ends
            status["trace_ids"] = sorted({r.trace_id for r in dock.table.rollouts})
            status["point_temporal"] = points.temporalProperties().isActive()
            dock.table.selectRow(0)
            QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))  # after the layers: no stretch
            canvas = iface.mapCanvas()
            extent = lines.extent()
            extent.scale(1.3)
            canvas.setExtent(iface.mapCanvas().mapSettings().layerExtentToOutputExtent(lines, extent))
            canvas.refresh()
            status["table_header"] = [dock.table.horizontalHeaderItem(i).text() for i in range(dock.table.columnCount())]
            status["groups"] = [g.name() for g in QgsProject.instance().layerTreeRoot().findGroups()]
            status["group_layers"] = [lyr.name() for lyr in dock.result_group.findLayers() for lyr in [lyr.layer()]]
            status["categories"] = [c.label() for c in lines.renderer().categories()]
            QTimer.singleShot(200, lambda: wait_for_distances(dock, status))
            return
        QTimer.singleShot(3000, lambda: (write_status(status), wait_for_quit()))  # let the canvas render
    except Exception:
        write_status({"error": traceback.format_exc()})


def wait_for_distances(dock, status):
    if dock.compare_task is not None or all(d is None for d in dock.table.distances):
        QTimer.singleShot(200, lambda: wait_for_distances(dock, status))
        return
    status["distances"] = dock.table.distances
    QTimer.singleShot(3000, lambda: (write_status(status), wait_for_quit()))  # let the canvas render


def wait_for_quit():
    if (STATE / "quit").exists():
        QgsProject.instance().removeAllMapLayers()  # no "scratch layers will be lost" question on the way out
        QgsProject.instance().setDirty(False)
        iface.actionExit().trigger()
        return
    QTimer.singleShot(200, wait_for_quit)


QTimer.singleShot(1000, start)
