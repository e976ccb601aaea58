"""The plugin's conditioning tile and the backend's renderer draw the same roads in the same place.

Same scene on both sides: the backend fits the view to a simulated trace and renders the roads with
backend/sig2gps/render; it also hands over the road polylines and classes it drew, which the
plugin renders through QGIS with the style generated from resources/styles/conditioning.json.
Road pixels must overlap (within one pixel, both ways) for at least 90 %.
"""
import json
import subprocess

import numpy as np
import pytest
from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QVariant
from qgis.PyQt.QtGui import QImage

from sig2gps_qgis.tile import load_spec, render_tile, write_road_qml


BACKEND_SIDE = r"""
import json, sys
import numpy as np
from PIL import Image
from sig2gps.io import read_signaling
from sig2gps.commands._common import default_network
from sig2gps.network import load_network
from sig2gps.render.compose import fit_view, map_image, to_uint8
from sig2gps.render.roads import RoadGeometry

sig, out = sys.argv[1], sys.argv[2]
traces, _ = read_signaling(sig)
net = load_network(default_network())  # what the simulator used
geom = fit_view(traces[0].lon, traces[0].lat)
roads = RoadGeometry.from_network(net)
Image.fromarray(to_uint8(map_image(geom, roads))).save(out + "/backend.png")
lines = [(roads.xy[roads.offsets[s]:roads.offsets[s + 1]], str(roads.road_class[s])) for s in roads.in_view(geom, 8)]
from sig2gps.render.geometry import mercator_lonlat
feats = []
for xy, cls in lines:
    lon, lat = mercator_lonlat(xy[:, 0], xy[:, 1])
    feats.append({"highway": cls, "coords": np.column_stack([lon, lat]).tolist()})
json.dump({"bounds_lonlat": list(geom.bounds_lonlat), "size": geom.width, "roads": feats,
           "trace": {"lon": traces[0].lon.tolist(), "lat": traces[0].lat.tolist()}}, open(out + "/scene.json", "w"))
"""


def road_mask(rgb: np.ndarray, background) -> np.ndarray:
    return np.abs(rgb.astype(int) - np.asarray(background)).max(axis=2) > 12


def dilate(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            out |= np.roll(np.roll(mask, dy, 0), dx, 1)
    return out


def qimage_rgb(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format_RGB888)
    ptr = img.constBits()
    ptr.setsize(img.byteCount())
    return np.frombuffer(ptr, np.uint8).reshape(img.height(), img.bytesPerLine())[:, :img.width() * 3] \
        .reshape(img.height(), img.width(), 3).copy()


@pytest.fixture(scope="module")
def scene(tmp_path_factory, sample_dir, backend_py):
    out = tmp_path_factory.mktemp("tile")
    done = subprocess.run([backend_py, "-c", BACKEND_SIDE, str(sample_dir / "signaling.csv"), str(out)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return out, json.loads((out / "scene.json").read_text())


def test_plugin_tile_matches_backend_rendering(qgis_new_project, scene):
    out, sc = scene
    layer = QgsVectorLayer("LineString?crs=EPSG:4326", "roads", "memory")
    layer.dataProvider().addAttributes([QgsField("highway", QVariant.String)])
    layer.updateFields()
    feats = []
    for r in sc["roads"]:
        f = QgsFeature(layer.fields())
        f.setAttributes([r["highway"]])
        f.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in r["coords"]]))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    spec = load_spec()
    ours = qimage_rgb(render_tile(layer, [], sc["bounds_lonlat"], sc["size"], spec=spec, draw_trace=False))
    theirs = qimage_rgb(QImage(str(out / "backend.png")))
    assert ours.shape == theirs.shape == (sc["size"], sc["size"], 3)
    a, b = road_mask(ours, spec["background"]), road_mask(theirs, spec["background"])
    assert a.sum() > 500 and b.sum() > 500  # a real street scene on both sides
    a_in_b = (a & dilate(b)).sum() / a.sum()
    b_in_a = (b & dilate(a)).sum() / b.sum()
    print(f"road-pixel overlap: plugin in backend {a_in_b:.3f}, backend in plugin {b_in_a:.3f}, "
          f"exact IoU {(a & b).sum() / (a | b).sum():.3f}")
    assert min(a_in_b, b_in_a) >= 0.9, (a_in_b, b_in_a)
    # the background is the spec's, exactly
    assert tuple(ours[0, 0]) == tuple(spec["background"]) or tuple(ours[-1, -1]) == tuple(spec["background"])


def test_plugin_fits_the_same_view_as_the_backend(qgis_new_project, scene):
    from types import SimpleNamespace

    from sig2gps_qgis.tile import fit_bounds

    _, sc = scene
    ours = fit_bounds([SimpleNamespace(**sc["trace"])])
    assert ours == pytest.approx(sc["bounds_lonlat"], abs=1e-7)  # ~1 cm


def test_road_style_saves_as_qml(tmp_path, qgis_new_project):
    p = tmp_path / "conditioning_roads.qml"
    write_road_qml(p)
    layer = QgsVectorLayer("LineString?crs=EPSG:4326&field=highway:string", "r", "memory")
    msg, ok = layer.loadNamedStyle(str(p))
    assert ok, msg
    rules = [r.label() for r in layer.renderer().rootRule().children()]
    assert [g["name"] for g in load_spec()["roads"]] == [r for r in rules if "(other)" not in r]
