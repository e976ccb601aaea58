"""The training store: build from pairs folders, exact decode, streaming read, plain networks,
and fresh samples on a machine without the GIS stack."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sig2gps.dataset import MapVisualDataset, decode_video, make_sample, sample_geometry
from sig2gps.dataset.build import BuildConfig, build_dataset
from sig2gps.dataset.plain import export_plain, load_plain, utm_to_lonlat
from sig2gps.extract import OK_READING, read_frames
from sig2gps.metrics import point_errors
from sig2gps.render import RenderConfig, RoadGeometry, conditioning_image, target_video

SMALL = RenderConfig(size=128, frames=13)


@pytest.fixture(scope="module")
def helsinki():
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network

    return load_network(default_network())


@pytest.fixture(scope="module")
def pairs_dir(helsinki, tmp_path_factory):
    from sig2gps.simulate import simulate, write_simulation

    d = tmp_path_factory.mktemp("pairs")
    res = simulate(helsinki, 6, seed=21)
    write_simulation(d, res, helsinki, {"network": "helsinki-default"})
    # One signaling trace without GPS: must be reported, not fatal.
    with open(d / "signaling.csv", "a", newline="") as f:
        csv.writer(f).writerows([["ORPHAN", "1777611600", "X", "24.94", "60.17"],
                                 ["ORPHAN", "1777611660", "X", "24.94", "60.17"]])
    return d, res


def test_decoded_sample_equals_rendered_video(helsinki, pairs_dir):
    _, res = pairs_dir
    roads = RoadGeometry.from_network(helsinki)
    tr = res.traces[0]
    s, g = tr.signaling, tr.gps
    smp = make_sample(s.t, s.lon, s.lat, g.t, g.lon, g.lat, roads, SMALL)
    geom = sample_geometry(smp)
    cond = conditioning_image(geom, roads, s.lon, s.lat)
    np.testing.assert_array_equal(smp["condition"], cond)
    vid = target_video(geom, cond, g.t, g.lon, g.lat, s.t[0], s.t[-1], SMALL)
    np.testing.assert_array_equal(decode_video(smp), vid)
    assert smp["end_px"].shape == (13, 2) and smp["truth_lonlat"].shape == (13, 2)


def test_build_read_back_and_extract(helsinki, pairs_dir, tmp_path):
    d, res = pairs_dir
    from sig2gps.dataset import build as build_mod

    # The pairs' meta names a network key; register the loaded network under it (no file parse).
    build_mod._ROADS["helsinki-default"] = RoadGeometry.from_network(helsinki)
    m = build_dataset([d], tmp_path / "ds", BuildConfig(render=SMALL, shard_size=4, workers=1), log=None)
    assert m["n"] == len(res.traces) and len(m["shards"]) == 2 and m["bytes_per_pair"] < 100_000
    errs = list(csv.DictReader(open(tmp_path / "ds" / "errors.csv")))
    assert [e["trace_id"] for e in errs] == ["ORPHAN"] and "gps.csv" in errs[0]["reason"]
    ds = MapVisualDataset(tmp_path / "ds")
    assert len(ds) == m["n"] and json.loads((tmp_path / "ds" / "manifest.json").read_text())["render"]["frames"] == 13
    truth = {t.gps.trace_id: t.gps for t in res.traces}
    seen = []
    for smp, tid, src in ds.iter_samples(shuffle=True, seed=1):
        seen.append(tid)
        g = truth[tid]
        r = read_frames(decode_video(smp), sample_geometry(smp), *smp["span"])
        if smp["gps_in_view"]:
            assert r.quality == OK_READING
            e = point_errors(g.t, g.lon, g.lat, r.t, r.lon, r.lat)
            assert np.median(e) < 2 * sample_geometry(smp).metres_per_pixel()
    assert sorted(seen) == sorted(truth)


def test_pairs_folder_without_gps_is_a_clear_error(tmp_path):
    (tmp_path / "signaling.csv").write_text("trace_id,timestamp,cell_id,lon,lat\n")
    with pytest.raises(FileNotFoundError, match="gps.csv"):
        build_dataset([tmp_path], tmp_path / "ds", BuildConfig(workers=1), network="x", log=None)


def test_plain_network_simulates_the_same_trips(helsinki, tmp_path):
    from pyproj import Transformer
    from sig2gps.simulate import simulate

    pn = load_plain(export_plain(helsinki, tmp_path / "hel.npz"))
    assert (pn.n_nodes, pn.n_edges) == (helsinki.n_nodes, helsinki.n_edges)
    x, y = helsinki.node_xy.T
    tf = Transformer.from_crs(helsinki.crs, 4326, always_xy=True)
    lo, la = tf.transform(x + 20000, y - 30000)  # also well away from the network
    plo, pla = utm_to_lonlat(x + 20000, y - 30000, pn.utm_zone, pn.south)
    assert np.abs(plo - lo).max() < 1e-8 and np.abs(pla - la).max() < 1e-8
    a, b = simulate(helsinki, 3, seed=5), simulate(pn, 3, seed=5)
    for ta, tb in zip(a.traces, b.traces):
        np.testing.assert_allclose(ta.gps.lon, tb.gps.lon, atol=1e-8)
        assert list(ta.signaling.cell_id) == list(tb.signaling.cell_id)


def test_fresh_samples_need_no_gis_packages(helsinki, tmp_path):
    npz = export_plain(helsinki, tmp_path / "hel.npz")
    backend = Path(__file__).resolve().parents[2] / "backend"
    code = (
        "import sys\n"
        "for m in ('shapely', 'pyproj', 'mercantile', 'pyrosm', 'geopandas', 'pyogrio', 'osmnx'):\n"
        "    sys.modules[m] = None  # any import of them now fails\n"
        "from sig2gps.dataset.fresh import main\n"
        f"sys.exit(main(['--network', {str(npz)!r}, '--samples', '3', '--workers', '1', '--size', '64',"
        f" '--frames', '5', '--out', {str(tmp_path / 'fresh')!r}]))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={"PYTHONPATH": str(backend), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr[-2000:]
    assert "3 fresh samples" in p.stdout
    ds = MapVisualDataset(tmp_path / "fresh")
    assert len(ds) == 3
    smp, _, _ = next(ds.iter_samples())
    assert decode_video(smp).shape == (5, 64, 64, 3)


def test_cli_dataset_refuses_to_overwrite(tmp_path, capsys):
    from sig2gps.cli import main

    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "manifest.json").write_text("{}")
    assert main(["dataset", "--pairs", str(tmp_path), "--out", str(tmp_path / "ds")]) != 0
    assert "pass --overwrite" in capsys.readouterr().err
