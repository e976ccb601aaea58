"""Results out: rollouts -> a LineString layer and a timestamped point layer (Trajectools' fields).

Each rollout is one line feature (trace_id, rollout, method, score, start/end time, duration,
length in metres) and a run of point features with a date-time field; the point layer's temporal
properties are set so QGIS's Temporal Controller animates it, and rollouts get distinct styles.
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

# Rollout 0 (the method's best) is the strong colour; the others are distinct but quieter.
WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
TEXT_LEN = 100  # trace ids and method names; dBASE (Shapefile) caps text at 254
ROLLOUT_COLOURS = ["#d7301f", "#2b8cbe", "#31a354", "#756bb1", "#e6550d", "#636363", "#c51b8a", "#8c6d31"]


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


def _utc(t: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(round(float(t) * 1000)), Qt.UTC)


# String lengths keep Shapefile exports clean (dBASE caps text at 254).
LINE_FIELDS = [("trace_id", QVariant.String), ("rollout", QVariant.Int), ("method", QVariant.String),
               ("score", QVariant.Double), ("start_time", QVariant.DateTime), ("end_time", QVariant.DateTime),
               ("duration_s", QVariant.Double), ("length_m", QVariant.Double)]
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
        out.append(QgsField(n, t, len=TEXT_LEN) if t == QVariant.String else QgsField(n, t))
    return out


def line_features(results: list[RolloutResult], fields: QgsFields) -> list[QgsFeature]:
    out = []
    for r in results:
        if len(r.t) < 2:
            continue
        f = QgsFeature(fields)
        f.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in r.xy()]))
        f.setAttributes([r.trace_id, int(r.rollout), r.method, float(r.score), _utc(r.t[0]), _utc(r.t[-1]),
                         float(r.t[-1] - r.t[0]), round(geodesic_length_m(r.lon, r.lat), 2)])
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
    style_rollouts(lines, points, sorted({r.rollout for r in results}))
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


def rollout_colour(rollout: int) -> QColor:
    return QColor(ROLLOUT_COLOURS[int(rollout) % len(ROLLOUT_COLOURS)])


def style_rollouts(lines: QgsVectorLayer, points: QgsVectorLayer, rollouts: list[int]) -> None:
    """One category per rollout: distinct colours; the best (0) solid and wider, the others dashed."""
    lcats, pcats = [], []
    for r in rollouts or [0]:
        colour = rollout_colour(r)
        ls = QgsLineSymbol.createSimple({"line_color": colour.name(), "line_width": "0.9" if r == 0 else "0.5",
                                         "line_style": "solid" if r == 0 else "dash"})
        lcats.append(QgsRendererCategory(int(r), ls, tr("rollout {0}").format(r)))
        ms = QgsMarkerSymbol.createSimple({"name": "circle", "color": colour.name(), "size": "1.2",
                                           "outline_style": "no"})
        pcats.append(QgsRendererCategory(int(r), ms, tr("rollout {0}").format(r)))
    lines.setRenderer(QgsCategorizedSymbolRenderer("rollout", lcats))
    points.setRenderer(QgsCategorizedSymbolRenderer("rollout", pcats))
