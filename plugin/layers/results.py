"""Results out: rollouts -> a LineString layer and a timestamped point layer (Trajectools' fields).

Each rollout is one line feature (trace_id, rollout, method, score, start/end time, duration,
length in metres, status and the reason of a failure) and a run of point features with a date-time
field; the point layer's temporal properties are set so QGIS's Temporal Controller animates it.
Colours follow the trace (rollout 0 solid, the others dashed shades of the trace's colour); a rollout
the backend flagged as failed or implausible is drawn grey and dotted, never in a colour.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qgis.core import (QgsCategorizedSymbolRenderer, QgsCoordinateReferenceSystem, QgsDistanceArea, QgsFeature,
                       QgsField, QgsFields, QgsGeometry,
                       QgsLineSymbol, QgsMarkerSymbol, QgsPointXY, QgsProject, QgsRendererCategory,
                       QgsUnitTypes, QgsVectorLayer, QgsVectorLayerTemporalProperties)
from qgis.PyQt.QtCore import QDateTime, QVariant, Qt
from qgis.PyQt.QtGui import QColor

from ..i18n import tr

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
TEXT_LEN = 100  # trace ids and method names; dBASE (Shapefile) caps text at 254
REASON_LEN = 254  # a failure's reason (the dBASE maximum)
# One colour per trace, none of them green (green reads as "fine") nor grey (grey is a failed rollout).
TRACE_COLOURS = ["#d7301f", "#2b8cbe", "#756bb1", "#e6550d", "#c51b8a", "#8c6d31", "#1c9099", "#dd3497",
                 "#3f007d", "#b35806"]
FAILED_COLOUR = "#9e9e9e"


@dataclass
class RolloutResult:
    """One candidate trajectory as the plugin keeps it (WGS84, Unix seconds)."""

    trace_id: str
    rollout: int
    method: str
    score: float
    t: list
    lon: list
    lat: list
    frames: list = field(default_factory=list)  # PNG bytes per frame (video method), else empty
    info: dict = field(default_factory=dict)

    def xy(self) -> list[tuple[float, float]]:
        return list(zip(self.lon, self.lat))

    @property
    def plausibility(self) -> dict:
        """The backend's plausibility check (ok, max_speed_mps, length_ratio, on_road_share, reasons, ...);
        {} from a backend that does not send one."""
        p = self.info.get("plausibility")
        return p if isinstance(p, dict) else {}

    @property
    def failure(self) -> str:
        """Why this rollout is not to be trusted ("" when nothing says so): the backend's info["failed"],
        else the reasons of a plausibility check that did not pass."""
        failed = self.info.get("failed")
        if failed:
            return str(failed)
        p = self.plausibility
        if p.get("ok") is False:
            reasons = p.get("reasons") or []
            text = "; ".join(str(r) for r in reasons) if isinstance(reasons, (list, tuple)) else str(reasons)
            return text or tr("implausible")
        return ""


def _utc(t: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(round(float(t) * 1000)), Qt.UTC)


# String lengths keep Shapefile exports clean (dBASE caps text at 254).
LINE_FIELDS = [("trace_id", QVariant.String), ("rollout", QVariant.Int), ("method", QVariant.String),
               ("score", QVariant.Double), ("start_time", QVariant.DateTime), ("end_time", QVariant.DateTime),
               ("duration_s", QVariant.Double), ("length_m", QVariant.Double), ("status", QVariant.String),
               ("reason", QVariant.String)]
POINT_FIELDS = [("trace_id", QVariant.String), ("rollout", QVariant.Int), ("method", QVariant.String),
                ("time", QVariant.DateTime), ("t", QVariant.Double)]


def _memory_layer(geom: str, name: str, fields) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{geom}?crs=EPSG:4326", name, "memory")
    layer.dataProvider().addAttributes(_fields(fields).toList())
    layer.updateFields()
    return layer


def geodesic_length_m(lon: list, lat: list) -> float:
    da = QgsDistanceArea()
    da.setEllipsoid("WGS84")
    da.setSourceCrs(WGS84, QgsProject.instance().transformContext())
    pts = [QgsPointXY(x, y) for x, y in zip(lon, lat)]
    if len(pts) < 2:
        return 0.0
    return da.convertLengthMeasurement(da.measureLine(pts), QgsUnitTypes.DistanceMeters)


def line_fields() -> QgsFields:
    return _fields(LINE_FIELDS)


def point_fields() -> QgsFields:
    return _fields(POINT_FIELDS)


def _fields(spec) -> QgsFields:
    out = QgsFields()
    for n, t in spec:
        length = REASON_LEN if n == "reason" else TEXT_LEN
        out.append(QgsField(n, t, len=length) if t == QVariant.String else QgsField(n, t))
    return out


def line_features(results: list[RolloutResult], fields: QgsFields) -> list[QgsFeature]:
    out = []
    for r in results:
        if len(r.t) < 2:
            continue
        f = QgsFeature(fields)
        f.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in r.xy()]))
        f.setAttributes([r.trace_id, int(r.rollout), r.method, float(r.score), _utc(r.t[0]), _utc(r.t[-1]),
                         float(r.t[-1] - r.t[0]), round(geodesic_length_m(r.lon, r.lat), 2),
                         "failed" if r.failure else "ok", r.failure[:REASON_LEN]])
        out.append(f)
    return out


def point_features(results: list[RolloutResult], fields: QgsFields) -> list[QgsFeature]:
    out = []
    for r in results:
        for t, x, y in zip(r.t, r.lon, r.lat):
            p = QgsFeature(fields)
            p.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
            p.setAttributes([r.trace_id, int(r.rollout), r.method, _utc(t), float(t)])
            out.append(p)
    return out


def rollout_layers(results: list[RolloutResult], name: str = "Sig2GPS") -> tuple[QgsVectorLayer, QgsVectorLayer]:
    """(lines, points) memory layers for the given rollouts, styled and with temporal properties."""
    lines = _memory_layer("LineString", tr("{0} trajectories").format(name), LINE_FIELDS)
    points = _memory_layer("Point", tr("{0} points").format(name), POINT_FIELDS)
    lines.dataProvider().addFeatures(line_features(results, lines.fields()))
    points.dataProvider().addFeatures(point_features(results, points.fields()))
    lines.updateExtents()
    points.updateExtents()
    set_temporal(points, lines)
    style_by_trace(lines, points, results)
    return lines, points


def set_temporal(points: QgsVectorLayer, lines: QgsVectorLayer | None = None) -> None:
    """Points appear at their instant; lines live from start_time to end_time (Temporal Controller)."""
    tp = points.temporalProperties()
    tp.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField)
    tp.setStartField("time")
    tp.setIsActive(True)
    if lines is not None:
        tl = lines.temporalProperties()
        tl.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
        tl.setStartField("start_time")
        tl.setEndField("end_time")
        tl.setIsActive(True)


def trace_colour(index: int) -> QColor:
    """The colour of the index-th trace of a run (never green, never grey)."""
    return QColor(TRACE_COLOURS[int(index) % len(TRACE_COLOURS)])


def rollout_colour(trace_index: int, rollout: int, failed: bool = False) -> QColor:
    """Rollout 0 in the trace's colour, the others lighter shades of it; a failed rollout grey."""
    if failed:
        return QColor(FAILED_COLOUR)
    return trace_colour(trace_index).lighter(100 + 25 * min(int(rollout), 4))


def style_key(trace_id: str, rollout: int) -> str:
    return f"{trace_id}\x1f{int(rollout)}"


STYLE_EXPRESSION = """concat("trace_id", char(31), to_string("rollout"))"""


def style_by_trace(lines: QgsVectorLayer, points: QgsVectorLayer, results: list[RolloutResult]) -> None:
    """One category per (trace, rollout): the trace's colour, rollout 0 solid and wider, the others dashed
    shades; failed rollouts grey and dotted. Legend entries name the trace, the rollout and a failure."""
    order = list(dict.fromkeys(r.trace_id for r in results))
    lcats, pcats = [], []
    for r in sorted(results, key=lambda r: (order.index(r.trace_id), r.rollout)):
        failed = bool(r.failure)
        colour = rollout_colour(order.index(r.trace_id), r.rollout, failed)
        style = "dot" if failed else ("solid" if r.rollout == 0 else "dash")
        ls = QgsLineSymbol.createSimple({"line_color": colour.name(), "line_width": "0.9" if r.rollout == 0 else "0.5",
                                         "line_style": style})
        label = tr("{0}, rollout {1}").format(r.trace_id, r.rollout) + (tr(" (failed)") if failed else "")
        lcats.append(QgsRendererCategory(style_key(r.trace_id, r.rollout), ls, label))
        ms = QgsMarkerSymbol.createSimple({"name": "circle", "color": colour.name(), "size": "1.2",
                                           "outline_style": "no"})
        pcats.append(QgsRendererCategory(style_key(r.trace_id, r.rollout), ms, label))
    lines.setRenderer(QgsCategorizedSymbolRenderer(STYLE_EXPRESSION, lcats))
    points.setRenderer(QgsCategorizedSymbolRenderer(STYLE_EXPRESSION, pcats))
