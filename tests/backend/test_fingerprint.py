"""NF-Track's fingerprint map: exact weights on a hand-made example, files, routes, the measure."""
import numpy as np
import pytest
from pyproj import CRS

from sig2gps.cli import main
from sig2gps.fingerprint import (FingerprintConfig, build_fingerprint, find_fingerprint, load_fingerprint,
                                 nodes_from_segments, read_routes, segment_recall_precision, time_route)
from sig2gps.io import InputError
from sig2gps.network import RoadNetwork
from sig2gps.types import SignalingTrace

X0, Y0 = 500000.0, 5800000.0


def line_network(name="line"):
    """Nodes 0 -(100 m)- 1 -(200 m)- 2 on a straight east-west road, both directions."""
    xy = np.array([[X0, Y0], [X0 + 100, Y0], [X0 + 300, Y0]])
    segs = [xy[[0, 1]], xy[[1, 2]]]
    return RoadNetwork(xy, segs, ["residential"] * 2, [0, 1, 1, 2], [1, 0, 2, 1], [0, 0, 1, 1],
                       [True, False, True, False], CRS.from_epsg(32633), name=name)


def drive(net, tid, rec_t, rec_cells):
    """10 m/s from node 0 to node 2 (t = 0..30 s), GPS every 10 s; records at rec_t with rec_cells."""
    gt = np.array([0.0, 10.0, 20.0, 30.0])
    route = time_route(net, [0, 1, 2], gt, X0 + 10 * gt, np.full(4, Y0))
    lon, lat = net.to_lonlat(np.full(len(rec_t), X0), np.full(len(rec_t), Y0))
    return SignalingTrace(tid, rec_t, rec_cells, lon, lat), route


def test_exact_weights_on_hand_made_example():
    net = line_network()
    # Trace 1: A serves 0-50 m, B 50-150 m, C 150-300 m.  Trace 2: A 0-120 m, C 120-300 m.
    samples = [drive(net, "a", [0.0, 5.0, 15.0], ["A", "B", "C"]), drive(net, "b", [0.0, 12.0], ["A", "C"])]
    fp = build_fingerprint(net, samples, cfg=FingerprintConfig(theta=0.375))
    s0, s1 = fp.segments[0]["sbs"], fp.segments[1]["sbs"]
    assert fp.segments[0]["n"] == 2 and fp.segments[1]["n"] == 2
    # Weight = mean CMD over the sequences where the cell served on the segment / segment length.
    assert s0["A"][0] == pytest.approx((50 + 100) / 2 / 100) and s0["A"][2] == 2
    assert s0["B"][0] == pytest.approx(50 / 100) and s0["B"][2] == 1
    assert set(s0) == {"A", "B"}
    assert s1["B"][0] == pytest.approx(50 / 200)
    assert s1["C"][0] == pytest.approx((150 + 180) / 2 / 200)
    assert s1["A"][0] == pytest.approx(20 / 200)
    # theta = 0.5: a cell must be seen in more than 1 of the 2 sequences.
    strict = build_fingerprint(net, samples, cfg=FingerprintConfig(theta=0.5))
    assert set(strict.segments[0]["sbs"]) == {"A"} and set(strict.segments[1]["sbs"]) == {"C"}
    # Path fingerprint: length-weighted combination (100 m and 200 m).
    q = fp.path_fingerprint([0, 1], [100.0, 200.0])
    assert q["A"] == pytest.approx(0.75 / 3 + 0.1 * 2 / 3)
    assert q["C"] == pytest.approx(0.825 * 2 / 3)


def test_stopped_vehicle_still_sees_cell_but_moves_no_distance():
    net = line_network()
    gt = np.array([0.0, 10.0, 40.0, 60.0])  # stands at 100 m from t=10 to t=40
    s = np.array([0.0, 100.0, 100.0, 300.0])
    route = time_route(net, [0, 1, 2], gt, X0 + s, np.full(4, Y0))
    lon, lat = net.to_lonlat(np.full(3, X0), np.full(3, Y0))
    tr = SignalingTrace("s", [0.0, 20.0, 30.0], ["A", "S", "C"], lon, lat)
    fp = build_fingerprint(net, [(tr, route)], cfg=FingerprintConfig(theta=0.0))
    assert "S" in fp.segments[0]["sbs"] or "S" in fp.segments[1]["sbs"]
    assert all(fp.segments[k]["sbs"].get("S", (0, 0.0, 0))[1] == 0.0 for k in (0, 1))


def test_route_orientation_from_segments():
    net = line_network()
    assert nodes_from_segments(net, [0, 1]) == [0, 1, 2]
    assert nodes_from_segments(net, [1, 0]) == [2, 1, 0]
    with pytest.raises(ValueError):
        nodes_from_segments(net, [0])


def test_save_load_round_trip_and_network_check(tmp_path):
    net = line_network()
    fp = build_fingerprint(net, [drive(net, "a", [0.0, 5.0, 15.0], ["A", "B", "C"])])
    path = fp.save(tmp_path / "fp.json")
    back = load_fingerprint(path)
    assert back.segments.keys() == fp.segments.keys()
    for k in fp.segments:
        for c, v in fp.segments[k]["sbs"].items():
            assert back.segments[k]["sbs"][c] == pytest.approx(v, abs=1e-5)
    assert find_fingerprint(tmp_path, net)[0] is not None
    other = RoadNetwork(net.node_xy * [1, 1] + [0, 0], [net.seg_xy[0]], ["residential"], [0, 1], [1, 0], [0, 0],
                        [True, False], net.crs, name="other")
    found, why = find_fingerprint(tmp_path, other)
    assert found is None and "other" in why
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="bad.json"):
        load_fingerprint(tmp_path / "bad.json")


def test_segment_recall_precision_is_length_weighted():
    seg_len = [100.0, 200.0, 50.0]
    r, p = segment_recall_precision([0, 2], [0, 1], seg_len)
    assert r == pytest.approx(100 / 300) and p == pytest.approx(100 / 150)
    assert segment_recall_precision([0, 1, 1], [1, 0], seg_len) == (1.0, 1.0)


def test_read_routes_names_line_and_field(tmp_path):
    f = tmp_path / "routes.csv"
    f.write_text("trace_id,step,segment\nT1,1,7\nT1,0,5\nT2,0,x\n")
    with pytest.raises(InputError, match=r"line 4.*segment"):
        read_routes(f)
    f.write_text("trace_id,step,segment\nT1,1,7\nT1,0,5\n")
    assert read_routes(f) == {"T1": [5, 7]}


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    out = tmp_path_factory.mktemp("fpsim")
    assert main(["simulate", "--traces", "12", "--seed", "3", "--out", str(out)]) == 0
    return out


def test_fingerprint_command_with_routes_and_from_gps(sim, tmp_path, capsys):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["fingerprint", "--signaling", str(sim / "signaling.csv"), "--gps", str(sim / "gps.csv"),
                 "--routes", str(sim / "routes.csv"), "--out", str(a)]) == 0
    assert main(["fingerprint", "--signaling", str(sim / "signaling.csv"), "--gps", str(sim / "gps.csv"),
                 "--out", str(b)]) == 0
    fa, fb = load_fingerprint(a), load_fingerprint(b)
    assert fa.n_sequences == 12 and len(fa.segments) > 20
    # The GPS-derived routes cover mostly the same segments as the known routes.
    common = set(fa.segments) & set(fb.segments)
    assert len(common) >= 0.7 * len(fa.segments)
    assert main(["fingerprint", "--signaling", str(sim / "signaling.csv"), "--gps", str(sim / "gps.csv"),
                 "--out", str(a)]) == 2  # refuses to overwrite
    assert "overwrite" in capsys.readouterr().err


def test_prepare_for_benchmark_builds_one_fingerprint_per_city(sim, tmp_path):
    import json

    from sig2gps.io import read_signaling
    from sig2gps.methods import MethodOptions, get_method
    from sig2gps.network import load_network

    cls = get_method("nftrack")
    ov = cls.prepare_for_benchmark([sim], tmp_path, {})
    files = list((tmp_path / "nftrack_fingerprints").glob("*.json"))
    assert len(files) == 1 and ov == {"fingerprint": str(tmp_path / "nftrack_fingerprints")}
    net = load_network(json.loads((sim / "meta.json").read_text())["network"])
    traces, _ = read_signaling(sim / "signaling.csv")
    recs, errors = cls(net, MethodOptions(**ov)).reconstruct_many(traces[:3])
    assert not errors
    info = recs[0].rollouts[0].info
    assert info["known_cell_share"] > 0.5 and "fallback" not in info["fingerprint"] and info["segments"]
