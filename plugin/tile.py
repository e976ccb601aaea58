"""The conditioning tile, rendered in QGIS with the backend's drawing style.

resources/styles/conditioning.json is the one style spec; here it becomes a rule-based road
renderer (saved as QML when asked), and QgsMapSettings renders roads plus the signaling trace in
web mercator, so the user sees, before sending, the picture the video model is conditioned on.
"""
from __future__ import annotations

import json
import math

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsGeometry,
                       QgsLineSymbol, QgsMapRendererSequentialJob, QgsMapSettings, QgsPointXY, QgsProject,
                       QgsRectangle, QgsRuleBasedRenderer, QgsSingleSymbolRenderer, QgsUnitTypes,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

from .paths import styles_dir

MERCATOR = QgsCoordinateReferenceSystem("EPSG:3857")
WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def load_spec(path=None) -> dict:
    p = path or styles_dir() / "conditioning.json"
    return json.loads(open(p).read())


def _rgb(c) -> str:
    return QColor(*c).name()


def _line(colour, width_px: float) -> QgsLineSymbol:
    sym = QgsLineSymbol.createSimple({"line_color": _rgb(colour), "line_width": str(width_px),
                                      "capstyle": "round", "joinstyle": "round"})
    sym.setOutputUnit(QgsUnitTypes.RenderPixels)
    return sym


def road_renderer(spec: dict, size_px: int) -> QgsRuleBasedRenderer:
    """Roads by OSM `highway`, one rule per group (unknown or missing class: the default group).

    Symbol levels follow the spec's group order, so later (major) groups are drawn on top.
    """
    scale = size_px / float(spec["reference_size_px"])
    root = QgsRuleBasedRenderer.Rule(None)
    for level, g in enumerate(spec["roads"]):
        sym = _line(g["color"], g["width_px"] * scale)
        sym.symbolLayer(0).setRenderingPass(level)
        quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in g["classes"])
        root.appendChild(QgsRuleBasedRenderer.Rule(sym, 0, 0, f'"highway" IN ({quoted})', g["name"]))
        if g["name"] == spec["default_road_group"]:
            default = _line(g["color"], g["width_px"] * scale)
            default.symbolLayer(0).setRenderingPass(level)
            root.appendChild(QgsRuleBasedRenderer.Rule(default, 0, 0, "ELSE", g["name"] + " (other)"))
    r = QgsRuleBasedRenderer(root)
    r.setUsingSymbolLevels(True)
    return r


def write_road_qml(path, spec: dict | None = None, size_px: int = 256) -> None:
    """Save the road style as a .qml a user can apply to any OSM line layer (`make package` ships one)."""
    layer = QgsVectorLayer("LineString?crs=EPSG:4326&field=highway:string", "roads", "memory")
    layer.setRenderer(road_renderer(spec or load_spec(), size_px))
    msg, ok = layer.saveNamedStyle(str(path))
    if not ok:
        raise OSError(f"cannot write {path}: {msg}")


def trace_layer(traces, spec: dict, size_px: int) -> QgsVectorLayer:
    """The signaling traces as orange polylines (serving sites in time order), as the backend draws them."""
    layer = QgsVectorLayer("LineString?crs=EPSG:4326", "signaling trace", "memory")
    feats = []
    for tr_ in traces:
        pts = [QgsPointXY(x, y) for x, y in zip(tr_.lon, tr_.lat)]
        if len(pts) >= 2:
            f = QgsFeature()
            f.setGeometry(QgsGeometry.fromPolylineXY(pts))
            feats.append(f)
    layer.dataProvider().addFeatures(feats)
    st = spec["signaling_trace"]
    layer.setRenderer(QgsSingleSymbolRenderer(_line(st["color"], st["width_px"] * size_px / spec["reference_size_px"])))
    return layer


def fit_bounds(traces, margin: float = 0.1, margin_m: float = 500.0, min_extent_m: float = 600.0
               ) -> tuple[float, float, float, float]:
    """The backend's view of a trace (render.compose.fit_view / TileGeometry.fit, same defaults):
    a web-mercator square centred on the towers' box, with `margin` of its larger side plus
    `margin_m` ground metres on every side, at least `min_extent_m` across. (west, south, east, north)."""
    xf = QgsCoordinateTransform(WGS84, MERCATOR, QgsProject.instance())
    pts = [xf.transform(QgsPointXY(x, y)) for t in traces for x, y in zip(t.lon, t.lat)]
    if not pts:
        raise ValueError("no records to fit")
    x0, x1 = min(p.x() for p in pts), max(p.x() for p in pts)
    y0, y1 = min(p.y() for p in pts), max(p.y() for p in pts)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    back = QgsCoordinateTransform(MERCATOR, WGS84, QgsProject.instance())
    k = 1.0 / math.cos(math.radians(back.transform(QgsPointXY(cx, cy)).y()))  # ground -> mercator metres
    span = max(max(x1 - x0, y1 - y0) * (1 + 2 * margin) + 2 * margin_m * k, min_extent_m * k)
    sw = back.transform(QgsPointXY(cx - span / 2, cy - span / 2))
    ne = back.transform(QgsPointXY(cx + span / 2, cy + span / 2))
    return sw.x(), sw.y(), ne.x(), ne.y()


def render_tile(roads: QgsVectorLayer | None, traces, bounds_lonlat, size_px: int = 256, spec: dict | None = None,
                base_settings: QgsMapSettings | None = None, draw_trace: bool = True):
    """Render roads (+ trace) over `bounds_lonlat` to a size_px square QImage in web mercator.

    base_settings: the canvas's map settings, so the render shares the project's transform context.
    """
    spec = spec or load_spec()
    ms = QgsMapSettings(base_settings) if base_settings is not None else QgsMapSettings()
    ms.setDestinationCrs(MERCATOR)
    ms.setTransformContext(QgsProject.instance().transformContext())
    w, s, e, n = bounds_lonlat
    xf = QgsCoordinateTransform(WGS84, MERCATOR, QgsProject.instance())
    ms.setExtent(xf.transformBoundingBox(QgsRectangle(w, s, e, n)))
    ms.setOutputSize(QSize(size_px, size_px))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor(*spec["background"]))
    ms.setFlag(QgsMapSettings.Antialiasing, True)
    ms.setRotation(0)
    layers = []
    keep = []  # the render job does not own these layers: keep them alive until it is done
    if draw_trace and traces:
        tl = trace_layer(traces, spec, size_px)
        keep.append(tl)
        layers.append(tl)
    if roads is not None:
        styled = roads.clone()
        styled.setRenderer(road_renderer(spec, size_px))
        keep.append(styled)
        layers.append(styled)
    ms.setLayers(layers)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def png_bytes(image) -> bytes:
    from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data)


def mercator_square_ok(bounds_lonlat) -> bool:
    """Sanity check used by tests and the dock: the bounds are a square in web mercator (within 1%)."""
    xf = QgsCoordinateTransform(WGS84, MERCATOR, QgsProject.instance())
    r = xf.transformBoundingBox(QgsRectangle(*bounds_lonlat))
    return math.isclose(r.width(), r.height(), rel_tol=0.01)
