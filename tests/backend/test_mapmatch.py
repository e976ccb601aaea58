"""mapmatch: Viterbi, cleanup, routes and timestamps on toy graphs with known answers."""
from dataclasses import replace

import numpy as np
import pytest
from pyproj import CRS

from sig2gps.mapmatch import GPS_MATCH, MapMatcher, MatchConfig, viterbi
from sig2gps.mapmatch.cleanup import clean_observations, collapse_runs, kalman_smooth, remove_pingpong
from sig2gps.mapmatch.config import CleanupConfig, HmmConfig
from sig2gps.mapmatch.timing import overlap_share
from sig2gps.network import RoadNetwork

X0, Y0 = 500000.0, 5800000.0


def grid(n=5, step=200.0, name="grid"):
    """n x n two-way grid, node id = row * n + col, node (c, r) at (X0 + c*step, Y0 + r*step)."""
    xy = np.array([[c * step, r * step] for r in range(n) for c in range(n)], float) + [X0, Y0]
    pairs = [(r * n + c, r * n + c + 1) for r in range(n) for c in range(n - 1)]
    pairs += [(r * n + c, (r + 1) * n + c) for r in range(n - 1) for c in range(n)]
    segs = [xy[list(p)] for p in pairs]
    m = len(pairs)
    u = [a for a, b in pairs] + [b for a, b in pairs]
    v = [b for a, b in pairs] + [a for a, b in pairs]
    return RoadNetwork(xy, segs, ["residential"] * m, u, v, list(range(m)) * 2, [True] * m + [False] * m,
                       CRS.from_epsg(32633), name=name)


# -- Viterbi -------------------------------------------------------------------------------------
def test_viterbi_exact_states():
    emis = [np.log([0.6, 0.4]), np.log([0.5, 0.5]), np.log([0.1, 0.9])]
    stay = np.log([[0.9, 0.1], [0.1, 0.9]])
    vp = viterbi(emis, [stay, stay])
    # Brute force over the 8 sequences gives the same answer.
    best = max(((a, b, c) for a in range(2) for b in range(2) for c in range(2)),
               key=lambda s: emis[0][s[0]] + stay[s[0], s[1]] + emis[1][s[1]] + stay[s[1], s[2]] + emis[2][s[2]])
    assert tuple(vp.states) == best == (1, 1, 1)
    assert vp.breaks == []


def test_viterbi_restarts_at_break():
    emis = [np.log([0.9, 0.1]), np.log([0.2, 0.8]), np.log([0.7, 0.3])]
    ok = np.zeros((2, 2))
    blocked = np.full((2, 2), -np.inf)
    vp = viterbi(emis, [blocked, ok])
    assert vp.breaks == [1]
    assert vp.states == [0, 1, 0]  # each chain optimal on its own
    assert np.isfinite(vp.logp)


# -- cleanup -------------------------------------------------------------------------------------
def test_collapse_runs_mean_time_and_counts():
    site = np.array([0, 0, 0, 1, 1, 0])
    obs = collapse_runs([0, 10, 20, 30, 50, 60], [0, 0, 0, 5, 5, 0], [0, 0, 0, 5, 5, 0], site)
    assert list(obs.site) == [0, 1, 0]
    assert np.allclose(obs.t, [10, 40, 60]) and list(obs.n) == [3, 2, 1]
    assert list(obs.t_first) == [0, 30, 60] and list(obs.t_last) == [20, 50, 60]


def test_pingpong_flip_removed_but_long_visit_kept():
    site = np.array([0, 1, 0, 2])
    t = np.array([0.0, 10.0, 20.0, 100.0])
    obs = remove_pingpong(collapse_runs(t, site * 500.0, 0 * t, site), max_s=30)
    assert list(obs.site) == [0, 2]  # A->B->A within 20 s: one visit of A
    slow = remove_pingpong(collapse_runs([0, 100, 200, 300], [0, 500, 0, 1000], [0] * 4, np.array([0, 1, 0, 2])), 30)
    assert list(slow.site) == [0, 1, 0, 2]  # B served for 200 s: a real visit


def test_outlier_and_kalman_smoothing_reduce_error():
    rng = np.random.default_rng(3)
    t = np.arange(0, 600, 20.0)
    truth = np.column_stack([10.0 * t, 2.0 * t])
    noisy = truth + rng.normal(0, 300, truth.shape)
    noisy[10] += [4000, 0]  # an overshooting far cell
    obs = clean_observations(t, noisy[:, 0], noisy[:, 1], CleanupConfig(pingpong_s=0, cluster_m=0, outlier_m=1800))
    assert len(obs) == len(t) - 1  # the overshoot is gone
    keep = np.r_[0:10, 11:len(t)]
    err_raw = np.hypot(*(noisy[keep] - truth[keep]).T).mean()
    err_smooth = np.hypot(obs.sx - truth[keep, 0], obs.sy - truth[keep, 1]).mean()
    assert err_smooth < 0.6 * err_raw


def test_kalman_single_observation():
    obs = collapse_runs([5.0], [1.0], [2.0], np.array([0]))
    x, y = kalman_smooth(obs, 400, 0.1)
    assert (x[0], y[0]) == (1.0, 2.0)


# -- matching on toy graphs ----------------------------------------------------------------------
def node_xy(net, ids):
    return net.node_xy[ids]


def test_exact_path_on_grid_from_gps_like_points():
    net = grid()
    path = [0, 1, 2, 3, 4, 9, 14, 19, 24]  # east along the bottom row, then north up the right column
    xy = node_xy(net, path) + np.random.default_rng(0).normal(0, 5, (len(path), 2))
    t = np.arange(len(path)) * 15.0
    m = MapMatcher(net, GPS_MATCH).match(t, xy[:, 0], xy[:, 1])[0]
    assert m.route.nodes == path
    assert m.breaks == 0


def test_route_follows_observations_not_shortest_path():
    net = grid()
    # Bottom-left (0) to top-right (24) via the top-left corner (20): not the only shortest path,
    # observations along the left column then the top row must pull the route there.
    path = [0, 5, 10, 15, 20, 21, 22, 23, 24]
    xy = node_xy(net, path)
    m = MapMatcher(net, GPS_MATCH).match(np.arange(len(path)) * 15.0, xy[:, 0], xy[:, 1])[0]
    assert m.route.nodes == path


def test_timestamps_monotone_and_cover_the_trace():
    from shapely import LineString, points

    net = grid()
    rng = np.random.default_rng(1)
    path = [0, 1, 6, 7, 12, 13, 18, 19, 24]
    xy = node_xy(net, path) + rng.normal(0, 150, (len(path), 2))
    t = np.sort(rng.uniform(0, 600, len(path)))
    learned = replace(MatchConfig(), timing=replace(MatchConfig().timing, handover="learned"))
    for cfg in (MatchConfig(), learned):
        for m in MapMatcher(net, cfg).match(t, xy[:, 0], xy[:, 1], k=3):
            assert m.t[0] == t[0] and m.t[-1] == t[-1]
            assert np.all(np.diff(m.t) > 0)
            line = LineString(m.route.xy)
            assert np.all(line.distance(points(np.column_stack([m.x, m.y]))) < 1e-6)  # on the road route
            # Never backwards: the chords add up to at most the route length
            assert np.hypot(np.diff(m.x), np.diff(m.y)).sum() <= m.route.length + 1e-6
            if cfg is learned:  # ... and the track timing runs from the route's start to its end (the sequence
                # timing may place the phone a little along the route at the first record: mapmatch.seq_timing)
                assert np.allclose([m.x[-1], m.y[-1]], m.route.xy[-1]) and np.allclose([m.x[0], m.y[0]],
                                                                                        m.route.xy[0])


def test_break_restarts_and_still_answers_every_time():
    net = grid()
    xy = node_xy(net, [0, 1, 2, 24, 23])
    t = np.array([0.0, 15.0, 30.0, 31.0, 46.0])  # 2 -> 24 is 800+ m of road in one second: impossible
    cfg = replace(GPS_MATCH, hmm=replace(GPS_MATCH.hmm, slack_m=10.0))
    m = MapMatcher(net, cfg).match(t, xy[:, 0], xy[:, 1])[0]
    assert m.breaks == 1
    assert m.route.nodes[:3] == [0, 1, 2] and m.route.nodes[-2:] == [24, 23]
    assert m.t[0] == 0.0 and m.t[-1] == 46.0


def test_k_best_routes_are_distinct_and_sorted():
    net = grid()
    rng = np.random.default_rng(4)
    path = [0, 6, 12, 18, 24]  # diagonal: many staircase routes fit equally well
    xy = node_xy(net, path) + rng.normal(0, 60, (5, 2))
    t = np.arange(5) * 60.0
    cfg = MatchConfig()
    tracks = MapMatcher(net, cfg).match(t, xy[:, 0], xy[:, 1], k=3)
    assert len(tracks) == 3
    scores = [m.score for m in tracks]
    assert scores == sorted(scores, reverse=True)
    for i in range(3):
        for j in range(i):
            assert overlap_share(tracks[i].route, tracks[j].route) <= cfg.hmm.kbest_max_overlap
            assert tracks[i].route.nodes != tracks[j].route.nodes


def test_config_validation():
    with pytest.raises(ValueError):
        HmmConfig(sigma_m=0)
    with pytest.raises(ValueError):
        CleanupConfig(pingpong_s=-1)


def test_precomputed_table_agrees_with_dijkstra_rows():
    from scipy.sparse.csgraph import dijkstra

    from sig2gps.mapmatch.routing import RouteTable

    net = grid(n=6, step=150.0, name="grid6")
    table = RouteTable(net, limit_m=5000.0, speed_gamma=0.0)
    table.precompute(400.0)
    src, dst = np.arange(0, 36, 5), np.arange(36)
    full = dijkstra(net.adjacency, directed=True, indices=src)[:, dst]
    got = table.matrix(src, dst, need=400.0)
    within = full <= 400.0
    assert np.allclose(got[within], full[within], atol=1e-2)  # exact inside the bound (incl. zeros)
    assert np.all(np.isinf(got[~within]))  # and nothing beyond it
    assert np.allclose(table.matrix(src, dst), full)  # lazy rows: the full bound
    assert table.path(0, 35) is not None and table.path(0, 35)[-1] == 35


def test_precompute_changes_speed_not_results():
    path = [0, 1, 2, 7, 12, 17, 22, 23, 24]
    runs = []
    for pre in (True, False):
        net = grid(name=f"grid-{pre}")  # a fresh network: tables are cached per network object
        xy = net.node_xy[path] + np.random.default_rng(7).normal(0, 120, (len(path), 2))
        m = MapMatcher(net, MatchConfig(), precompute=pre)
        assert (m.table.ubodt is not None) == pre
        runs.append(m.match(np.arange(len(path)) * 40.0, xy[:, 0], xy[:, 1], k=2))
    for a, b in zip(*runs):
        assert a.route.nodes == b.route.nodes and np.allclose(a.x, b.x) and a.score == pytest.approx(b.score)
