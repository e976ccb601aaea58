"""Signaling in (CSV, field mapping, towers join, point layers) and rollouts out (lines, points, temporal)."""
import csv
import math

import pytest
from qgis.core import QgsVectorLayer, QgsVectorLayerTemporalProperties

from sig2gps_qgis.errors import InputError
from sig2gps_qgis.layers.results import RolloutResult, rollout_layers
from sig2gps_qgis.layers.signaling import (FieldMapping, read_cells_csv, signaling_layer_from_csv,
                                           traces_from_layer, trace_ids_of, time_range_of)


def _rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_csv_to_layer_to_traces_keeps_every_record(qgis_new_project, signaling_csv):
    rows = _rows(signaling_csv)
    layer, problems = signaling_layer_from_csv(signaling_csv)
    assert problems == []
    assert layer.featureCount() == len(rows)
    traces, problems = traces_from_layer(layer)
    assert problems == []
    assert sorted(t.trace_id for t in traces) == sorted({r["trace_id"] for r in rows})
    first = [r for r in rows if r["trace_id"] == traces[0].trace_id]
    assert len(traces[0].t) == len(first)
    assert traces[0].t == sorted(traces[0].t)
    assert traces[0].t[0] == pytest.approx(min(float(r["timestamp"]) for r in first), abs=1e-3)
    assert traces[0].lon[0] == pytest.approx(float(first[0]["lon"]), abs=1e-7)


def test_field_mapping_and_towers_join(tmp_path, qgis_new_project, sample_dir):
    # Other column names and no positions: the mapping names the columns, the towers table places cells.
    rows = _rows(sample_dir / "signaling.csv")
    other = tmp_path / "other.csv"
    with open(other, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["imsi", "when", "cgi"])
        for r in rows:
            w.writerow([r["trace_id"], r["timestamp"], r["cell_id"]])
    cells = read_cells_csv(sample_dir / "cells.csv")
    layer, problems = signaling_layer_from_csv(other, FieldMapping(trace_id="imsi", timestamp="when", cell_id="cgi"),
                                               cells=cells)
    assert problems == [] and layer.featureCount() == len(rows)
    traces, _ = traces_from_layer(layer)
    lon, lat = cells[traces[0].cell_id[0]]
    assert (traces[0].lon[0], traces[0].lat[0]) == pytest.approx((lon, lat))


def test_no_positions_and_no_towers_table_is_explained(tmp_path, qgis_new_project):
    p = tmp_path / "cells_only.csv"
    p.write_text("trace_id,timestamp,cell_id\nA,1,c1\nA,2,c2\n")
    with pytest.raises(InputError) as e:
        signaling_layer_from_csv(p, FieldMapping(lon="", lat=""))
    assert "cells_only.csv" in e.value.message and "towers table" in e.value.message


def test_wrong_csv_columns_name_file_line_and_columns(tmp_path, qgis_new_project):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,time,cell\nA,1,c1\n")
    with pytest.raises(InputError) as e:
        signaling_layer_from_csv(bad)
    assert "bad.csv, line 1" in e.value.message and "trace_id" in e.value.message and "id, time, cell" in e.value.message


def test_bad_row_drops_only_its_trace(tmp_path, qgis_new_project, signaling_csv):
    lines = signaling_csv.read_text().splitlines()
    victim = lines[1].split(",")
    victim[1] = "yesterday"
    lines[1] = ",".join(victim)
    p = tmp_path / "one_bad.csv"
    p.write_text("\n".join(lines) + "\n")
    layer, problems = signaling_layer_from_csv(p)
    assert len(problems) == 1 and "line 2" in problems[0] and "timestamp" in problems[0]
    ids = trace_ids_of(layer)
    assert victim[0] not in ids and len(ids) == len({r["trace_id"] for r in _rows(signaling_csv)}) - 1


def test_layer_without_time_field_is_refused_clearly(qgis_new_project):
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=trace_id:string&field=cell_id:string", "no time", "memory")
    with pytest.raises(InputError) as e:
        traces_from_layer(layer)
    assert "no time" in e.value.message and "time" in e.value.message


def test_trace_and_window_selection(qgis_new_project, signaling_csv):
    layer, _ = signaling_layer_from_csv(signaling_csv)
    ids = trace_ids_of(layer)
    t0, t1 = time_range_of(layer)
    traces, _ = traces_from_layer(layer, trace_ids=[ids[0]])
    assert [t.trace_id for t in traces] == [ids[0]]
    tr = traces[0]
    mid = (tr.t[0] + tr.t[-1]) / 2
    windowed, _ = traces_from_layer(layer, trace_ids=[ids[0]], window=(tr.t[0], mid))
    assert 2 <= len(windowed[0].t) < len(tr.t) and max(windowed[0].t) <= mid
    assert t0 <= tr.t[0] and tr.t[-1] <= t1


def _haversine_len(lon, lat):
    r, out = 6371008.8, 0.0
    for i in range(len(lon) - 1):
        p1, p2 = math.radians(lat[i]), math.radians(lat[i + 1])
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon[i + 1] - lon[i]) / 2) ** 2
        out += 2 * r * math.asin(math.sqrt(a))
    return out


def _two_rollouts():
    t = [1000.0, 1010.0, 1020.0]
    return [RolloutResult("A", 0, "towers", 0.9, t, [24.94, 24.945, 24.95], [60.17, 60.171, 60.172]),
            RolloutResult("A", 1, "towers", 0.4, t, [24.94, 24.944, 24.951], [60.17, 60.172, 60.173])]


def test_rollouts_become_lines_and_timestamped_points(qgis_new_project):
    lines, points = rollout_layers(_two_rollouts())
    assert lines.featureCount() == 2 and points.featureCount() == 6
    f = next(lines.getFeatures("rollout = 1"))
    assert f["method"] == "towers" and f["score"] == pytest.approx(0.4)
    assert f["start_time"].toMSecsSinceEpoch() == 1_000_000 and f["end_time"].toMSecsSinceEpoch() == 1_020_000
    assert f["length_m"] == pytest.approx(_haversine_len([24.94, 24.944, 24.951], [60.17, 60.172, 60.173]), rel=5e-3)
    assert f.geometry().asPolyline()[2].x() == pytest.approx(24.951)


def test_temporal_properties_and_distinct_styles(qgis_new_project):
    lines, points = rollout_layers(_two_rollouts())
    tp = points.temporalProperties()
    assert tp.isActive() and tp.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField
    assert tp.startField() == "time"
    assert lines.temporalProperties().isActive() and lines.temporalProperties().endField() == "end_time"
    cats = lines.renderer().categories()
    assert [c.label() for c in cats] == ["A, rollout 0", "A, rollout 1"]
    # every feature falls in a category (the renderer's expression gives its value)
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(lines))
    expr = QgsExpression(lines.renderer().classAttribute())
    values = set()
    for f in lines.getFeatures():
        ctx.setFeature(f)
        values.add(expr.evaluate(ctx))
    assert values == {c.value() for c in cats}
    assert cats[0].symbol().color() != cats[1].symbol().color()
    assert cats[0].symbol().width() > cats[1].symbol().width()
