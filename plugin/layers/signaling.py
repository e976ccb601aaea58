"""Signaling in: CSV files and point layers -> QGIS layers -> the traces the backend receives.

The request side of the plugin: a thin adapter (STYLE.md) that only reads, validates and groups;
every check that can fail names the file or layer, the line or feature, and the field.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsField,
                       QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QDateTime, QVariant, Qt

from ..errors import InputError
from ..i18n import tr
from .timeparse import parse_timestamp

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


@dataclass(frozen=True)
class FieldMapping:
    """Which column/field holds what; defaults are the project's signaling format."""

    trace_id: str = "trace_id"
    timestamp: str = "timestamp"
    cell_id: str = "cell_id"
    lon: str = "lon"  # CSVs, and layers without geometry (else positions come from the geometry)
    lat: str = "lat"

    def required(self, with_positions: bool) -> list[str]:
        base = [self.trace_id, self.timestamp, self.cell_id]
        return base + ([self.lon, self.lat] if with_positions else [])


# The fields of the layers this module builds (signaling_layer_from_csv): the project's CSV columns,
# trace_id, timestamp (a date-time field here) and cell_id.
LAYER_MAPPING = FieldMapping()


def _lonlat(f, lon_field: str, lat_field: str) -> tuple[float, float]:
    """A record's position from its lon/lat columns; ValueError naming the problem."""
    try:
        lon, lat = float(f[lon_field]), float(f[lat_field])
    except (TypeError, ValueError):
        raise ValueError(tr("no number in {0}/{1}").format(lon_field, lat_field)) from None
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(tr("position {0}, {1} is not a longitude/latitude").format(lon, lat))
    return lon, lat


@dataclass
class Trace:
    """One phone's records, time-sorted; positions are the serving sites (WGS84)."""

    trace_id: str
    t: list = field(default_factory=list)
    cell_id: list = field(default_factory=list)
    lon: list = field(default_factory=list)
    lat: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"trace_id": self.trace_id, "t": list(self.t), "cell_id": list(self.cell_id),
                "lon": list(self.lon), "lat": list(self.lat)}


def _utc(t: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(round(t * 1000)), Qt.UTC)


def read_cells_csv(path) -> dict:
    """cell_id,lon,lat -> {cell_id: (lon, lat)}; a bad row names its line and field."""
    path = Path(path)
    out = {}
    for line, row in _csv_rows(path, ["cell_id", "lon", "lat"]):
        cid = row["cell_id"].strip()
        out[cid] = (_coord(row["lon"], path, line, "lon", -180, 180), _coord(row["lat"], path, line, "lat", -90, 90))
    return out


def cells_from_layer(layer: QgsVectorLayer, cell_field: str = "cell_id", lon_field: str = "lon",
                     lat_field: str = "lat") -> dict:
    """A towers layer -> {cell_id: (lon, lat)}: positions from its geometry (reprojected to WGS84), or, for
    a table without geometry (a CSV opened as is), from its lon/lat columns."""
    names = layer.fields().names()
    if cell_field not in names:
        raise InputError(tr("Layer {0} has no field {1} for the cell id.").format(layer.name(), cell_field))
    out = {}
    if not layer.isSpatial():
        if lon_field not in names or lat_field not in names:
            raise InputError(tr("Towers layer {0} has no geometry and no {1}/{2} columns; its fields are {3}.")
                             .format(layer.name(), lon_field, lat_field, ", ".join(names)))
        for f in layer.getFeatures():
            try:
                out[str(f[cell_field])] = _lonlat(f, lon_field, lat_field)
            except ValueError as e:
                raise InputError(tr("Towers layer {0}, feature {1}: {2}").format(layer.name(), f.id(), str(e))) \
                    from None
        return out
    xf = QgsCoordinateTransform(layer.crs(), WGS84, QgsProject.instance())
    for f in layer.getFeatures():
        g = f.geometry()
        if g.isEmpty():
            continue
        p = xf.transform(g.centroid().asPoint())
        out[str(f[cell_field])] = (p.x(), p.y())
    return out


def _csv_rows(path: Path, required: list[str]):
    if not path.is_file():
        raise InputError(tr("File not found: {0}").format(str(path)))
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not header:
            raise InputError(tr("{0}, line 1: the file is empty (a header row is needed).").format(str(path)))
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(tr("{0}, line 1: missing column(s) {1}; the header has {2}. "
                                "Use the field mapping to name the columns.")
                             .format(str(path), ", ".join(missing), ", ".join(header)))
        reader.fieldnames = header
        for i, row in enumerate(reader, start=2):
            yield i, {k: (v or "") for k, v in row.items() if k is not None}


def _coord(text, path, line, name, lo, hi) -> float:
    try:
        v = float(str(text).strip())
    except ValueError:
        raise InputError(tr("{0}, line {1}, field {2}: not a number: {3!r}").format(str(path), line, name, text)) \
            from None
    if not lo <= v <= hi:
        raise InputError(tr("{0}, line {1}, field {2}: {3} is out of range").format(str(path), line, name, v))
    return v


def signaling_layer_from_csv(path, mapping: FieldMapping = FieldMapping(), cells: dict | None = None,
                             name: str | None = None) -> tuple[QgsVectorLayer, list[str]]:
    """Read a signaling CSV into a WGS84 point layer (fields trace_id, timestamp (date-time), t, cell_id).

    A file-level problem (missing file or column) raises InputError; a bad row drops only its own
    trace and is returned in the problem list (file, line, field), so one bad trace never loses the
    others. With a cells table, rows may leave lon/lat empty and positions come from the join.
    """
    path = Path(path)
    need_pos = cells is None
    if need_pos and not (mapping.lon and mapping.lat):
        raise InputError(tr("{0}: without longitude and latitude columns, load a towers table first to place "
                            "the cells.").format(str(path)))
    rows, problems, bad = [], [], set()
    for line, r in _csv_rows(path, mapping.required(need_pos)):
        tid = r[mapping.trace_id].strip()
        if not tid or tid in bad:
            continue
        fld = mapping.timestamp
        try:
            t = parse_timestamp(r[mapping.timestamp])
            fld = mapping.cell_id
            cid = r[mapping.cell_id].strip()
            if not cid:
                raise ValueError(tr("empty cell id"))
            lon_s, lat_s = r.get(mapping.lon, "").strip(), r.get(mapping.lat, "").strip()
            if lon_s and lat_s:
                fld = mapping.lon
                lon = _coord(lon_s, path, line, mapping.lon, -180, 180)
                fld = mapping.lat
                lat = _coord(lat_s, path, line, mapping.lat, -90, 90)
            elif cells is not None and cid in cells:
                lon, lat = cells[cid]
            else:
                raise ValueError(tr("no position: cell {0} is not in the towers table").format(cid))
        except (ValueError, InputError) as e:
            msg = getattr(e, "message", str(e))
            problems.append(tr("{0}, line {1}, field {2}: {3} (trace {4} skipped)")
                            .format(str(path), line, fld, msg, tid) if not isinstance(e, InputError)
                            else tr("{0} (trace {1} skipped)").format(msg, tid))
            bad.add(tid)
            continue
        rows.append((tid, t, cid, lon, lat))
    rows = [r for r in rows if r[0] not in bad]
    layer = new_signaling_layer(name or path.stem)
    _add_records(layer, rows)
    return layer, problems


def new_signaling_layer(name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:4326", name, "memory")
    layer.dataProvider().addAttributes([QgsField("trace_id", QVariant.String), QgsField("timestamp", QVariant.DateTime),
                                        QgsField("t", QVariant.Double), QgsField("cell_id", QVariant.String)])
    layer.updateFields()
    return layer


def _add_records(layer: QgsVectorLayer, rows) -> None:
    feats = []
    for tid, t, cid, lon, lat in rows:
        f = QgsFeature(layer.fields())
        f.setAttributes([tid, _utc(t), float(t), cid])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()


def time_field_candidates(layer: QgsVectorLayer) -> list[str]:
    """Fields that can hold a time: date-times, numbers (Unix seconds) and strings (ISO 8601)."""
    ok = (QVariant.DateTime, QVariant.Date, QVariant.Double, QVariant.Int, QVariant.LongLong, QVariant.String)
    return [f.name() for f in layer.fields() if f.type() in ok]


def _value_to_seconds(v) -> float:
    if isinstance(v, QDateTime):
        if not v.isValid():
            raise ValueError(tr("invalid date-time"))
        return v.toMSecsSinceEpoch() / 1000.0
    if v is None or (hasattr(v, "isNull") and v.isNull()):
        raise ValueError(tr("empty time"))
    return parse_timestamp(v)


def traces_from_layer(layer: QgsVectorLayer, mapping: FieldMapping = LAYER_MAPPING, cells: dict | None = None,
                      trace_ids: list[str] | None = None, window: tuple | None = None
                      ) -> tuple[list[Trace], list[str]]:
    """Group a point layer's features into time-sorted traces (the request's content).

    mapping.timestamp names the time field (date-time, Unix seconds, or ISO text). Positions come
    from the geometry (reprojected to WGS84), or from `cells` when the layer has no geometry.
    `trace_ids` and `window` (t0, t1 Unix seconds) pick what is sent. Returns (traces, problems).
    """
    if layer is None or not layer.isValid():
        raise InputError(tr("No valid signaling layer is selected."))
    names = layer.fields().names()
    for role, fname in ((tr("trace id"), mapping.trace_id), (tr("time"), mapping.timestamp),
                        (tr("cell id"), mapping.cell_id)):
        if fname not in names:
            raise InputError(tr("Layer {0} has no {1} field {2}; its fields are {3}.")
                             .format(layer.name(), role, fname or "''", ", ".join(names)))
    spatial = layer.geometryType() == QgsWkbTypes.PointGeometry
    columns = not spatial and mapping.lon in names and mapping.lat in names  # a CSV table with lon/lat
    if not spatial and cells is None and not columns:
        raise InputError(tr("Layer {0} has no point geometry and no {1}/{2} columns; give a towers table to "
                            "place its cells.").format(layer.name(), mapping.lon, mapping.lat))
    xf = QgsCoordinateTransform(layer.crs(), WGS84, QgsProject.instance()) if spatial else None
    want = set(trace_ids) if trace_ids else None
    by_id: dict[str, list] = {}
    problems, bad = [], set()
    for f in layer.getFeatures():
        tid = str(f[mapping.trace_id])
        if (want is not None and tid not in want) or tid in bad:
            continue
        try:
            t = _value_to_seconds(f[mapping.timestamp])
        except ValueError as e:
            problems.append(tr("Layer {0}, feature {1}, field {2}: {3} (trace {4} skipped)")
                            .format(layer.name(), f.id(), mapping.timestamp, str(e), tid))
            bad.add(tid)
            continue
        if window and not (window[0] <= t <= window[1]):
            continue
        cid = str(f[mapping.cell_id])
        g = f.geometry() if spatial else None
        if g is not None and not g.isEmpty():
            p = xf.transform(g.asPoint())
            lon, lat = p.x(), p.y()
        elif columns and f[mapping.lon] not in (None, ""):
            try:
                lon, lat = _lonlat(f, mapping.lon, mapping.lat)
            except ValueError as e:
                problems.append(tr("Layer {0}, feature {1}: {2} (trace {3} skipped)")
                                .format(layer.name(), f.id(), str(e), tid))
                bad.add(tid)
                continue
        elif cells is not None and cid in cells:
            lon, lat = cells[cid]
        else:
            problems.append(tr("Layer {0}, feature {1}, field {2}: no position for cell {3} (trace {4} skipped)")
                            .format(layer.name(), f.id(), mapping.cell_id, cid, tid))
            bad.add(tid)
            continue
        by_id.setdefault(tid, []).append((t, cid, lon, lat))
    traces = []
    for tid, recs in by_id.items():
        if tid in bad:
            continue
        recs.sort(key=lambda r: r[0])
        if len(recs) < 2:
            problems.append(tr("Trace {0}: {1} record(s) in the chosen window; at least 2 are needed (skipped)")
                            .format(tid, len(recs)))
            continue
        traces.append(Trace(tid, [r[0] for r in recs], [r[1] for r in recs], [r[2] for r in recs],
                            [r[3] for r in recs]))
    return traces, problems


def trace_ids_of(layer: QgsVectorLayer, id_field: str = "trace_id") -> list[str]:
    idx = layer.fields().indexOf(id_field)
    if idx < 0:
        return []
    return sorted(str(v) for v in layer.uniqueValues(idx))


def time_range_of(layer: QgsVectorLayer, time_field: str = "timestamp") -> tuple[float, float] | None:
    """(min, max) Unix seconds over the layer, or None when the field has no readable time."""
    ts = []
    for f in layer.getFeatures():
        try:
            ts.append(_value_to_seconds(f[time_field]))
        except (ValueError, KeyError):
            continue
    return (min(ts), max(ts)) if ts else None
