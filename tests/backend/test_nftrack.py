"""NF-Track online stage: anchors against ping-pong, JS similarity picks the right path on a toy graph."""
import numpy as np
import pytest
from pyproj import CRS

from sig2gps.fingerprint import FingerprintMap, js_divergence, network_signature, similarity
from sig2gps.fingerprint.anchors import dbscan, extract_anchors
from sig2gps.fingerprint.similarity import fragment_distribution
from sig2gps.methods import MethodOptions, get_method
from sig2gps.network import RoadNetwork
from sig2gps.types import SignalingTrace

X0, Y0 = 500000.0, 5800000.0


def diamond():
    """S(0,0) -> T(500,300) or U(500,-300) -> E(1000,0): two equally long routes, all two-way.
    Segments: 0 S-T, 1 T-E, 2 S-U, 3 U-E."""
    xy = np.array([[0, 0], [500, 300], [500, -300], [1000, 0]], float) + [X0, Y0]
    pairs = [(0, 1), (1, 3), (0, 2), (2, 3)]
    segs = [xy[list(p)] for p in pairs]
    u = [a for a, b in pairs] + [b for a, b in pairs]
    v = [b for a, b in pairs] + [a for a, b in pairs]
    return RoadNetwork(xy, segs, ["residential"] * 4, u, v, list(range(4)) * 2, [True] * 4 + [False] * 4,
                       CRS.from_epsg(32633), name="diamond")


def toy_fingerprint(net):
    """Top route served by cell 'M-top', bottom route by 'M-bot' (two sectors of one middle site)."""
    sbs = {0: {"S": 0.5, "M-top": 0.5}, 1: {"M-top": 0.5, "E": 0.5},
           2: {"S": 0.5, "M-bot": 0.5}, 3: {"M-bot": 0.5, "E": 0.5}}
    segments = {k: {"n": 5, "sbs": {c: (w, w * 583.1, 5) for c, w in v.items()}} for k, v in sbs.items()}
    pos = {"S": (0, 0), "M-top": (500, 0), "M-bot": (500, 0), "E": (1000, 0)}
    cells = {c: tuple(float(a) for a in net.to_lonlat(X0 + p[0], Y0 + p[1])) for c, p in pos.items()}
    return FingerprintMap(network_signature(net), 0.375, 5, cells, segments, source="toy")


def trace_through(net, middle_cell):
    # Sites S, middle, E; the middle site's cell says which way the phone went.
    t = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    cells = ["S", "S", middle_cell, middle_cell, "E", "E"]
    px = {"S": 0, "M-top": 500, "M-bot": 500, "E": 1000}
    lon, lat = net.to_lonlat(np.array([X0 + px[c] for c in cells]), np.full(len(cells), Y0))
    return SignalingTrace("toy", t, cells, lon, lat)


@pytest.fixture
def fp_file(tmp_path):
    net = diamond()
    toy_fingerprint(net).save(tmp_path / "toy.json")
    return net, tmp_path / "toy.json"


@pytest.mark.parametrize("middle,expected", [("M-top", [0, 1]), ("M-bot", [2, 3])])
def test_js_similarity_picks_the_right_path(fp_file, middle, expected):
    net, fp = fp_file
    m = get_method("nftrack")(net, MethodOptions(fingerprint=str(fp), rollouts=2))
    rec = m.reconstruct(trace_through(net, middle))
    best = rec.rollouts[0]
    assert best.info["segments"] == expected
    assert best.info["known_cell_share"] == 1.0 and "toy" in best.info["fingerprint"]
    # The other route is the second rollout, with a lower score.
    assert len(rec.rollouts) == 2 and rec.rollouts[1].info["segments"] != expected
    assert rec.rollouts[1].score < best.score
    tr = best.track
    assert tr.t[0] == 0.0 and tr.t[-1] == 100.0 and np.all(np.diff(tr.t) > 0)


def test_without_matching_fingerprint_falls_back_and_says_so(tmp_path):
    net = diamond()
    other = toy_fingerprint(net)
    other.network = {"name": "elsewhere", "n_segments": 99, "total_m": 1.0}
    other.save(tmp_path / "other.json")
    m = get_method("nftrack")(net, MethodOptions(fingerprint=str(tmp_path / "other.json")))
    rec = m.reconstruct(trace_through(net, "M-top"))
    assert "nearest-road fallback" in rec.rollouts[0].info["fingerprint"]
    assert rec.rollouts[0].info["segments"][0] in (0, 2)


def test_cell_id_reused_elsewhere_is_not_trusted(fp_file):
    net, fp = fp_file
    m = get_method("nftrack")(net, MethodOptions(fingerprint=str(fp)))
    tr = trace_through(net, "M-top")
    moved = SignalingTrace("moved", tr.t, tr.cell_id, np.asarray(tr.lon) + 0.01, tr.lat)  # ~700 m east
    cells, share = m._trusted_cells(moved, *net.to_xy(moved.lon, moved.lat))
    assert share == 0.0 and all(c.startswith("?") for c in cells)


def test_js_divergence_bounds_and_similarity_support():
    assert js_divergence([1, 0], [1, 0]) == pytest.approx(0.0)
    assert js_divergence([1, 0], [0, 1]) == pytest.approx(1.0)
    frag = {"a": 0.5, "b": 0.5}
    # A path that also expects an unseen cell is penalised by "union", not by the paper's "fragment".
    path = {"a": 0.5, "b": 0.5, "c": 1.0}
    assert similarity(frag, path, "fragment") == pytest.approx(1.0)
    assert similarity(frag, path, "union") < 0.9
    assert similarity(frag, {}, "union") == 0.0


def test_fragment_distribution_is_connection_time_share():
    t = np.array([0.0, 10.0, 40.0, 50.0])
    d = fragment_distribution(t, ["a", "b", "a", "c"], 5.0, 45.0)
    assert d == pytest.approx({"a": 10 / 40, "b": 30 / 40})
    assert fragment_distribution(t, ["a", "b", "a", "c"], 12.0, 12.0) == {"b": 1.0}


def test_dbscan_anchors_absorb_ping_pong():
    # Ping-pong between two sites 200 m apart, then a third site 1 km away.
    t = np.arange(0.0, 100.0, 10.0)
    x = np.array([0, 200, 0, 200, 0, 200, 0, 1000, 1000, 1000], float)
    y = np.zeros(10)
    lab = dbscan(np.array([[0, 0], [200, 0], [1000, 0]], float), 300.0, 2)
    assert lab[0] == lab[1] >= 0 and lab[2] == -1
    a = extract_anchors(t, x, y, window_s=180.0)
    assert len(a) == 2
    assert a[0].x == pytest.approx(100.0) and a[0].n_sites == 2
    assert a[1].x == pytest.approx(1000.0) and a[1].t == pytest.approx(80.0)  # median of its record times
    assert a[0].t < a[1].t


def test_out_and_back_spur_is_cut_and_its_anchor_waits_at_the_junction():
    from sig2gps.fingerprint.online import Candidate, without_loops

    # 0 -> 1 -> 2 -> 1 -> 3: the spur to node 2 (matched to an anchor at t=20) goes.
    c = Candidate([0, 1, 2, 1, 3], [(0, 0.0), (2, 20.0), (4, 40.0)], 1.0, [0.5, 0.5])
    out = without_loops(c)
    assert out.nodes == [0, 1, 3]
    assert out.knots == [(0, 0.0), (1, 20.0), (2, 40.0)]


@pytest.mark.parametrize("support", ["union", "fragment"])
def test_dense_similarity_equals_the_dict_definition(support):
    from sig2gps.fingerprint.dense import DenseFingerprint

    rng = np.random.default_rng(4)
    net = diamond()
    cells = [f"c{i}" for i in range(8)]
    segments = {s: {"n": 3, "sbs": {c: (float(rng.uniform(0.1, 1)), 1.0, 3) for c in rng.choice(cells, 3, replace=False)}}
                for s in range(4)}
    fp = FingerprintMap(network_signature(net), 0.375, 3, {}, segments)
    dense = DenseFingerprint(fp)
    for _ in range(20):
        frag = {c: float(rng.uniform()) for c in rng.choice(cells + ["new1", "new2"], 4, replace=False)}
        tot = sum(frag.values())
        frag = {c: w / tot for c, w in frag.items()}
        segs = rng.choice(4, int(rng.integers(1, 4)), replace=False)
        lens = rng.uniform(50, 500, len(segs))
        want = similarity(frag, fp.path_fingerprint(segs, lens), support)
        p, unk = dense.fragment(frag)
        assert dense.similarity(p, unk, dense.path(segs, lens), support) == pytest.approx(want, abs=1e-9)


def test_far_cell_outlier_is_left_out_and_the_route_goes_on():
    # A 2 km road along x (nodes every 200 m) with a 3 km branch north from its middle.
    xs = np.arange(0, 2001, 200.0)
    xy = np.vstack([np.column_stack([xs, np.zeros_like(xs)]), [[1000.0, 3000.0]]]) + [X0, Y0]
    pairs = [(i, i + 1) for i in range(len(xs) - 1)] + [(5, len(xs))]
    segs = [xy[list(p)] for p in pairs]
    u = [a for a, b in pairs] + [b for a, b in pairs]
    v = [b for a, b in pairs] + [a for a, b in pairs]
    net = RoadNetwork(xy, segs, ["residential"] * len(pairs), u, v, list(range(len(pairs))) * 2,
                      [True] * len(pairs) + [False] * len(pairs), CRS.from_epsg(32633), name="branch")
    # Sites every 400 m beside the road, 100 m south; one record at a far site (3 km north) mid-way.
    t = np.arange(0.0, 200.0, 20.0)
    sx = np.array([0, 400, 400, 800, 1000, 1200, 1200, 1600, 2000, 2000], float)
    sy = np.full(len(t), -100.0)
    sy[4] = 3000.0  # the far-cell episode
    lon, lat = net.to_lonlat(X0 + sx, Y0 + sy)
    tr = SignalingTrace("o", t, [f"c{int(a)}_{int(b)}" for a, b in zip(sx, sy)], lon, lat)
    rec = get_method("nftrack")(net, MethodOptions()).reconstruct(tr)
    best = rec.rollouts[0]
    assert len(pairs) - 1 not in best.info["segments"]  # the branch is not driven
    ex, ey = net.to_xy(best.track.lon[-1], best.track.lat[-1])
    assert abs(ex - (X0 + 2000)) < 250 and abs(ey - Y0) < 1  # and the route reaches the far end


def test_rollouts_are_ordered_by_score(fp_file):
    net, fp = fp_file
    rec = get_method("nftrack")(net, MethodOptions(fingerprint=str(fp), rollouts=4)).reconstruct(trace_through(net, "M-bot"))
    scores = [r.score for r in rec.rollouts]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
    assert len({tuple(r.info["segments"]) for r in rec.rollouts}) == len(rec.rollouts)  # distinct routes


def test_class_speeds_spend_more_time_on_slower_roads():
    from sig2gps.fingerprint.online import Candidate, timed_polyline

    xy = np.array([[0, 0], [1000, 0], [2000, 0]], float) + [X0, Y0]
    net = RoadNetwork(xy, [xy[[0, 1]], xy[[1, 2]]], ["motorway", "residential"], [0, 1], [1, 2], [0, 1],
                      [True, True], CRS.from_epsg(32633), name="two")
    c = Candidate([0, 1, 2], [(0, 0.0), (2, 100.0)], 0.0, [])
    ts, pts = timed_polyline(net, c, 0.0, 100.0)
    assert np.interp(1000.0, pts[:, 0] - X0, ts) == pytest.approx(50.0)  # constant speed: half-way at half time
    ts, pts = timed_polyline(net, c, 0.0, 100.0, class_speeds=True)
    t_mid = ts[np.flatnonzero(np.isclose(pts[:, 0] - X0, 1000.0))[0]]
    v_fast, v_slow = net.speed[0], net.speed[1]
    assert t_mid == pytest.approx(100.0 * (1000 / v_fast) / (1000 / v_fast + 1000 / v_slow))
