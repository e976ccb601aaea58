"""Tile geometry (exact both ways, same as mercantile) and the rendered layers."""
from __future__ import annotations

import numpy as np
import pytest

from sig2gps.render import (RenderConfig, RoadGeometry, TileGeometry, conditioning_image, dot_mask, fit_view,
                            frame_times, load_style, mercator_lonlat, mercator_xy, path_masks, road_mask,
                            target_video)


def test_mercator_matches_mercantile():
    mercantile = pytest.importorskip("mercantile")
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(-179, 179, 50), rng.uniform(-80, 80, 50)
    x, y = mercator_xy(lon, lat)
    for i in range(50):
        ex, ey = mercantile.xy(lon[i], lat[i])
        assert abs(x[i] - ex) < 1e-6 and abs(y[i] - ey) < 1e-6
    lo, la = mercator_lonlat(x, y)
    assert np.abs(lo - lon).max() < 1e-9 and np.abs(la - lat).max() < 1e-9


def test_integer_zoom_pixels_align_with_slippy_tiles():
    mercantile = pytest.importorskip("mercantile")
    g = TileGeometry.fit([24.93, 24.95], [60.16, 60.17], integer_zoom=True)
    assert g.zoom == int(g.zoom)
    tile = mercantile.tile(24.94, 60.165, int(g.zoom))
    b = mercantile.xy_bounds(tile)
    px0, py0 = g.xy_to_px(b.left, b.top)
    px1, py1 = g.xy_to_px(b.right, b.bottom)
    assert px1 - px0 == pytest.approx(256.0, abs=1e-6) and py1 - py0 == pytest.approx(256.0, abs=1e-6)


@pytest.mark.parametrize("size", [64, 256, 512])
def test_round_trip_under_a_tenth_of_a_pixel(size):
    rng = np.random.default_rng(size)
    for lat0 in (-33.9, 0.5, 60.17, 78.2):
        g = TileGeometry.fit([24.9, 24.97], [lat0, lat0 + 0.03], width=size)
        px, py = rng.uniform(-0.5, size - 0.5, 1000), rng.uniform(-0.5, size - 0.5, 1000)
        lon, lat = g.px_to_lonlat(px, py)
        qx, qy = g.lonlat_to_px(lon, lat)
        assert np.abs(qx - px).max() < 0.1 and np.abs(qy - py).max() < 0.1


def test_fit_contains_points_with_margin_and_north_up():
    lon = np.array([24.90, 24.95, 24.93])
    lat = np.array([60.15, 60.17, 60.19])
    g = TileGeometry.fit(lon, lat, width=256, margin=0.1)
    px, py = g.lonlat_to_px(lon, lat)
    assert g.contains_px(px, py, pad=10).all()
    assert py[2] < py[0]  # north is up
    # The larger side spans (1 + 2 * margin) of the view's inner part.
    span = max(px.max() - px.min(), py.max() - py.min())
    assert span == pytest.approx(256 / 1.2, rel=1e-6)
    mpp = g.metres_per_pixel()
    assert 5 < mpp < 50  # ~5 km view over 256 px


def test_min_extent_and_resized():
    g = TileGeometry.fit([24.93], [60.17], width=256, min_extent_m=600)
    assert g.metres_per_pixel() * 256 == pytest.approx(600, rel=1e-3)
    h = g.resized(512)
    assert h.metres_per_pixel() == pytest.approx(g.metres_per_pixel() / 2)
    assert h.bounds_xy == pytest.approx(g.bounds_xy)
    assert TileGeometry.from_dict(g.to_dict()) == g


def test_fit_rejects_no_points():
    with pytest.raises(ValueError, match="no finite"):
        TileGeometry.fit([np.nan], [np.nan])


def test_dot_mask_centroid_is_subpixel_exact():
    g = TileGeometry.fit([24.93], [60.17], width=64)
    for x, y in [(10.3, 20.7), (31.5, 31.5), (50.05, 8.9)]:
        m = dot_mask(g, x, y, 3.5)
        yy, xx = np.mgrid[:64, :64]
        assert (m * xx).sum() / m.sum() == pytest.approx(x, abs=0.02)
        assert (m * yy).sum() / m.sum() == pytest.approx(y, abs=0.02)


def _toy_roads():
    # A plus-shaped pair of roads around Helsinki centre, and one far away (outside any view here).
    lines = [np.array([[24.90, 60.17], [24.96, 60.17]]), np.array([[24.93, 60.15], [24.93, 60.19]]),
             np.array([[10.0, 50.0], [10.1, 50.0]])]
    return RoadGeometry.from_polylines(lines, ["primary", "residential", "motorway"])


def test_road_mask_draws_roads_where_they_are(tmp_path):
    roads = _toy_roads()
    g = TileGeometry.fit([24.90, 24.96], [60.15, 60.19], width=256)
    assert list(roads.in_view(g)) == [0, 1]
    m = road_mask(g, roads, load_style())
    px, py = g.lonlat_to_px(24.93, 60.17)
    assert m[int(round(float(py))), int(round(float(px)))] > 0.9
    qx, qy = g.lonlat_to_px(24.91, 60.18)  # away from both roads
    assert m[int(round(float(qy))), int(round(float(qx)))] == 0
    roads.save_npz(tmp_path / "r.npz")
    back = RoadGeometry.load_npz(tmp_path / "r.npz")
    np.testing.assert_array_equal(road_mask(g, back, load_style()), m)


def test_path_masks_grow_and_video_shape():
    roads = _toy_roads()
    t = np.array([0.0, 100.0, 200.0])
    lon, lat = np.array([24.90, 24.93, 24.93]), np.array([60.17, 60.17, 60.19])
    cfg = RenderConfig(size=64, frames=5)
    g = fit_view(lon, lat, cfg)
    times = frame_times(0, 200, 5)
    pm = path_masks(g, t, lon, lat, times, 3.0)
    areas = pm.sum(axis=(1, 2))
    assert np.all(np.diff(areas) > 0)
    assert np.all(pm[:-1] <= pm[1:] + 1e-6)  # the path only grows
    cond = conditioning_image(g, roads, lon, lat)
    vid = target_video(g, cond, t, lon, lat, 0.0, 200.0, cfg)
    assert vid.shape == (5, 64, 64, 3) and vid.dtype == np.uint8
    vid0 = target_video(g, cond, t, lon, lat, 0.0, 200.0, RenderConfig(size=64, frames=5, first_frame_is_condition=True))
    np.testing.assert_array_equal(vid0[0], cond)
    np.testing.assert_array_equal(vid0[1:], vid[1:])


def test_render_config_validates_frames():
    with pytest.raises(ValueError, match="4k"):
        RenderConfig(frames=20)


def test_video_from_layers_matches_frame_by_frame_painting():
    from sig2gps.render import paint, path_layers, to_uint8, video_from_layers
    from sig2gps.render.synthetic import grid_drive, grid_roads, towers_for

    t, lon, lat = grid_drive(4)
    st, slon, slat = towers_for(t, lon, lat, 4)
    cfg = RenderConfig(size=96, frames=9)
    style = load_style()
    g = fit_view(slon, slat, cfg)
    cond = conditioning_image(g, grid_roads(), slon, slat)
    times = frame_times(st[0], st[-1], 9)
    k = style.size_factor(96)
    alpha, reveal = path_layers(g, t, lon, lat, times, style.path_width_px * k)
    ex, ey = g.lonlat_to_px(np.interp(times, t, lon), np.interp(times, t, lat))
    vid = video_from_layers(cond, alpha, reveal, (ex[0], ey[0]), np.column_stack([ex, ey]), style)
    for i in range(9):  # the plain reference: one frame at a time, whole image
        img = cond.astype(np.float32)
        paint(img, np.where(reveal <= i, alpha / np.float32(255), 0).astype(np.float32), style.path_color)
        paint(img, dot_mask(g, ex[0], ey[0], style.start_radius_px * k), style.start_color)
        paint(img, dot_mask(g, ex[i], ey[i], style.end_radius_px * k), style.end_color)
        assert np.abs(to_uint8(img).astype(int) - vid[i]).max() <= 1


def test_cli_render_png_gif_and_read_back_scored_by_evaluate(tmp_path):
    import json

    from PIL import Image

    from sig2gps.cli import main
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate, write_simulation

    net = load_network(default_network())
    write_simulation(tmp_path / "sim", simulate(net, 2, seed=9), net, {})
    sim = tmp_path / "sim"
    rc = main(["render", "--signaling", str(sim / "signaling.csv"), "--trace", "T00001", "--gps", str(sim / "gps.csv"),
               "--out", str(tmp_path / "tile.png"), "--video", str(tmp_path / "v.gif"), "--frames", "13",
               "--read-back", str(tmp_path / "points.csv")])
    assert rc == 0
    assert Image.open(tmp_path / "tile.png").size == (256, 256)
    assert Image.open(tmp_path / "v.gif").n_frames == 13
    meta = json.loads((tmp_path / "tile.json").read_text())
    assert TileGeometry.from_dict(meta["geometry"]).width == 256
    assert main(["evaluate", "--truth", str(sim / "gps.csv"), "--pred", str(tmp_path / "points.csv"),
                 "--out", str(tmp_path / "m.json")]) == 0
    m = json.loads((tmp_path / "m.json").read_text())
    assert m["overall"]["n_traces"] == 1 and m["overall"]["mae_m"] < 2 * meta["metres_per_pixel"]
    # Refuses to overwrite, and a missing trace id is a clear error.
    assert main(["render", "--signaling", str(sim / "signaling.csv"), "--trace", "T00001",
                 "--out", str(tmp_path / "tile.png")]) != 0
    assert main(["render", "--signaling", str(sim / "signaling.csv"), "--trace", "NOPE",
                 "--out", str(tmp_path / "other.png")]) != 0


def test_condition_layers_compose_to_the_conditioning_image():
    from sig2gps.render import condition_layers, paint, to_uint8
    from sig2gps.render.synthetic import grid_drive, grid_roads, towers_for

    t, lon, lat = grid_drive(2)
    _, slon, slat = towers_for(t, lon, lat, 2)
    style = load_style()
    g = fit_view(slon, slat, RenderConfig(size=96))
    layers = condition_layers(g, grid_roads(), slon, slat)
    assert set(layers) == {"roads_minor", "roads_medium", "roads_major", "trace", "towers"}
    img = np.empty((96, 96, 3), np.float32)
    img[:] = style.background
    for grp in style.roads:
        paint(img, layers[f"roads_{grp.name}"], grp.color)
    paint(img, layers["trace"], style.trace_color)
    paint(img, layers["towers"], style.tower_color)
    np.testing.assert_array_equal(to_uint8(img), conditioning_image(g, grid_roads(), slon, slat))
