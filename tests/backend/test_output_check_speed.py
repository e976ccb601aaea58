"""hmm's output check and setup fast paths (issue 17, section 4, second pass) give what the plain code gives: the
on-road share from the route's own segments, checked against GEOS on seeded curved roads."""
import numpy as np
import pytest
from pyproj import CRS
from shapely import LineString, STRtree, points

from sig2gps.network.graph import RoadNetwork
from sig2gps.plausibility import _near_segments, on_road_share
from test_mapmatch import X0, Y0

TOL = 30.0


def curvy(n_seg=40, seed=0):
    """A seeded network of curved roads: each segment a random walk of 2-9 vertices (5-150 m steps), its own two
    end nodes, one edge each way."""
    rng = np.random.default_rng(seed)
    segs, nodes = [], []
    for _ in range(n_seg):
        k = int(rng.integers(2, 10))
        start = rng.uniform(0, 3000, 2)
        steps = rng.uniform(5, 150, k - 1)[:, None] * np.column_stack([np.cos(a := rng.uniform(0, 6.3, k - 1)),
                                                                        np.sin(a)])
        g = np.vstack([start, start + np.cumsum(steps, axis=0)]) + [X0, Y0]
        segs.append(g)
        nodes += [g[0], g[-1]]
    m = len(segs)
    u = [2 * i for i in range(m)] + [2 * i + 1 for i in range(m)]
    v = [2 * i + 1 for i in range(m)] + [2 * i for i in range(m)]
    return RoadNetwork(np.array(nodes), segs, ["residential"] * m, u, v, list(range(m)) * 2, [True] * m + [False] * m,
                       CRS.from_epsg(32633), name=f"curvy{seed}")


def probe_points(net, segs, rng, n=400):
    """Points on the given segments, at distances just inside and outside the tolerance from them (along the
    normal of a piece), and anywhere."""
    out = []
    for _ in range(n):
        g = net.seg_xy[int(rng.choice(segs))]
        j = int(rng.integers(0, len(g) - 1))
        a, b = g[j], g[j + 1]
        p = a + rng.uniform(0, 1) * (b - a)
        nrm = np.array([a[1] - b[1], b[0] - a[0]]) / max(np.hypot(*(b - a)), 1e-9)
        off = rng.choice([0.0, 0.0, rng.uniform(0, TOL), TOL - 1e-7, TOL + 1e-7, rng.uniform(TOL, 3 * TOL)])
        out.append(p + off * nrm)
    out += list(rng.uniform(0, 3000, (n // 4, 2)) + [X0, Y0])
    return np.array(out)


def geos_hits(net, xy):
    tree = STRtree([LineString(g) for g in net.seg_xy])
    hit, _ = tree.query(points(xy), predicate="dwithin", distance=TOL)
    mask = np.zeros(len(xy), bool)
    mask[hit] = True
    return mask


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_points_proven_near_the_route_are_near_for_geos_too(seed):
    net = curvy(seed=seed)
    rng = np.random.default_rng(seed)
    segs = rng.choice(len(net.seg_xy), 12, replace=False)
    xy = probe_points(net, segs, rng)
    near = _near_segments(xy[:, 0], xy[:, 1], net, segs, TOL)
    truth = geos_hits(net, xy)
    assert not (near & ~truth).any()  # a proof is never wrong
    on = np.array([min(LineString(net.seg_xy[s]).distance(points(p)) for s in segs) for p in xy]) < 0.7 * TOL
    assert near[on].all()  # every point within 0.7 x the tolerance of the route is proven (no GEOS needed)
    assert (truth & ~near).any()  # the probe also has points left to the exact check


@pytest.mark.parametrize("seed", [0, 3])
def test_the_share_is_the_same_with_and_without_the_route(seed):
    net = curvy(seed=seed)
    rng = np.random.default_rng(10 + seed)
    for k in (1, 5, 40):
        segs = rng.choice(len(net.seg_xy), k, replace=False)
        xy = probe_points(net, segs, rng, n=300)
        plain = on_road_share(xy[:, 0], xy[:, 1], net, TOL)
        assert plain == geos_hits(net, xy).mean()
        assert on_road_share(xy[:, 0], xy[:, 1], net, TOL, segments=segs) == plain
        assert on_road_share(xy[:, 0], xy[:, 1], net, TOL, max_points=50, segments=segs) == \
            on_road_share(xy[:, 0], xy[:, 1], net, TOL, max_points=50)


def test_hmm_outputs_name_their_roads_and_the_verdict_is_the_plain_one():
    from sig2gps.methods import MethodOptions, get_method
    from sig2gps.plausibility import check_plausibility
    from sig2gps.types import SignalingTrace
    from test_mapmatch import grid

    net = grid()
    traces = []
    for k, nodes in enumerate(([0, 1, 2, 7, 12, 13], [12, 12, 12])):  # a drive, and a phone parked at one node
        xy = net.node_xy[nodes]
        lon, lat = net.to_lonlat(xy[:, 0], xy[:, 1])
        traces.append(SignalingTrace(f"t{k}", np.arange(len(nodes)) * 40.0, [f"c{i}" for i in nodes], lon, lat))
    recs, errors = get_method("hmm")(net, MethodOptions(rollouts=2)).reconstruct_many(traces)
    assert not errors
    for rec, tr in zip(recs, traces):
        for ro in rec.rollouts:
            assert ro.road_segments is not None and len(ro.road_segments)
            plain = check_plausibility(ro.track, net, span_lonlat=(tr.lon, tr.lat))
            assert ro.info["plausibility"] == plain.as_info() and plain.on_road_share == 1.0


def test_edge_keys_are_the_dict_picks_with_parallel_edges_and_ties():
    from sig2gps.network.topology import GraphTopology

    rng = np.random.default_rng(5)
    g = GraphTopology()
    g.node_xy = np.zeros((30, 2))
    g.u, g.v = rng.integers(0, 30, 2000), rng.integers(0, 30, 2000)  # many parallel edges per pair
    g.length = rng.choice([10.0, 20.0, 20.0, 35.5], 2000)  # and ties among them
    keys, edges = g._edge_keys
    lookup = g._edge_lookup
    assert np.array_equal(keys, np.sort([a * 30 + b for a, b in lookup]))
    assert [lookup[(int(k) // 30, int(k) % 30)] for k in keys] == edges.tolist()


def test_a_cached_network_has_its_vertex_arrays_filled_as_computed():
    from sig2gps.network.cache import network_arrays, network_from_arrays

    net = curvy(seed=4)
    back = network_from_arrays(network_arrays(net))
    assert {"_seg_flat", "bounds_xy"} <= set(back.__dict__)
    flat, off = back._seg_flat
    want_flat, want_off = net._seg_flat
    assert np.array_equal(flat, want_flat) and np.array_equal(off, want_off) and back.bounds_xy == net.bounds_xy
    assert all(np.array_equal(flat[off[i]:off[i + 1]], g) for i, g in enumerate(net.seg_xy))


def test_keeping_freed_memory_is_asked_once_and_hmm_asks_it():
    import sys

    from sig2gps.methods import MethodOptions, get_method
    from sig2gps.methods.hmm import _HEAP, keep_freed_memory
    from test_mapmatch import grid

    get_method("hmm")(grid(), MethodOptions())
    assert "ok" in _HEAP and keep_freed_memory() is _HEAP["ok"]
    assert _HEAP["ok"] or not sys.platform.startswith("linux") or "glibc" not in " ".join(__import__("platform").libc_ver())


@pytest.mark.parametrize("cfg", [dict(), dict(radius_m=450.0, grid_m=60.0), dict(max_candidates=5, grid_m=100.0),
                                 dict(grid_m=5.0, max_candidates=8)])  # (the last: too many cells for a key table)
def test_candidates_searched_near_first_are_the_full_searchs(cfg, monkeypatch):
    """The two-step search (the first radius, then the full one for points without enough cells in it) gives
    what one search to the full radius gives; the first step answers most points of a dense network."""
    from sig2gps.mapmatch import candidates as cand
    from sig2gps.mapmatch.config import CandidateConfig
    from sig2gps.mapmatch.routing import RouteTable
    from test_hmm_speed import _candidates_one
    from test_mapmatch import grid

    table = RouteTable(grid(n=40, step=35.0, name="grid40"), limit_m=2000.0)
    cc = CandidateConfig(**cfg)
    rng = np.random.default_rng(7)
    xs, ys = (o + np.r_[rng.uniform(0, 1400, 110), rng.uniform(-900, 2300, 40)] for o in (X0, Y0))  # in, edge, out
    searched = []
    orig = cand._select
    monkeypatch.setattr(cand, "_select", lambda t, p, c, r, nearest: searched.append(len(p)) or orig(t, p, c, r, nearest))
    nodes, dist = cand.candidates_many(table, xs, ys, cc)
    assert searched[0] == 150 and 0 < searched[1] < 75  # most points answered by the first step, not all
    monkeypatch.setattr(cand, "FIRST_RADIUS", 1.0)
    whole = cand.candidates_many(table, xs, ys, cc)
    for k, (x, y) in enumerate(zip(xs, ys)):
        wn, wd = _candidates_one(table, x, y, cc)
        assert np.array_equal(nodes[k], wn) and np.array_equal(dist[k], wd)
        assert np.array_equal(whole[0][k], wn) and np.array_equal(whole[1][k], wd)


@pytest.mark.parametrize("seed", [0, 1])
def test_ubodt_costs_with_empty_rows_and_long_rows(seed):
    """costs() against the dense table of a random sparse one: empty rows (the last one too), rows of one entry
    and rows of hundreds, targets before, between, after and on the stored columns."""
    from scipy import sparse

    from sig2gps.mapmatch.routing import RouteTable

    rng = np.random.default_rng(seed)
    n = 400
    dense = np.zeros((n, n), np.float32)
    for r in range(n - 1):
        k = int(rng.choice([0, 0, 1, 2, 7, 300]))
        dense[r, rng.choice(n, k, replace=False)] = rng.uniform(0.001, 900, k)
    t = RouteTable.__new__(RouteTable)
    t._set_ubodt(sparse.csr_matrix(dense))
    a, b = rng.integers(0, n, 20000), rng.integers(0, n, 20000)
    a[:50] = n - 1  # the empty last row
    want = np.where(dense[a, b] > 0, dense[a, b].astype(float), np.inf) - t._EPS
    assert np.array_equal(t.costs(a, b), want) and np.isfinite(want).sum() > 1000


def test_unique_rows_are_numpys_unique_rows():
    from sig2gps.mapmatch.cleanup import _unique_rows

    rng = np.random.default_rng(11)
    for n in (1, 2, 7, 300):
        xy = np.round(rng.choice([0.0, -0.0, 1.5, 3.0, 1e6 + 0.1], (n, 2)) + rng.choice([0, 0, 0.1], (n, 2)), 1)
        want, winv = np.unique(xy, axis=0, return_inverse=True)
        got, inv = _unique_rows(xy[:, 0].copy(), xy[:, 1].copy())
        assert np.array_equal(got, want) and np.array_equal(inv, winv.ravel())


def test_a_saved_fence_is_used_and_a_wrong_one_rebuilt():
    from scipy import sparse

    from sig2gps.mapmatch.routing import RouteTable

    rng = np.random.default_rng(3)
    dense = np.where(rng.random((300, 300)) < 0.3, rng.uniform(1, 900, (300, 300)), 0).astype(np.float32)
    t = RouteTable.__new__(RouteTable)
    t._set_ubodt(sparse.csr_matrix(dense))
    fence = t._fence.copy()
    assert np.array_equal(fence, np.concatenate([r.indices[::RouteTable.FENCE] for r in sparse.csr_matrix(dense)]))
    a, b = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    want = t.costs(a, b)
    t._set_ubodt(sparse.csr_matrix(dense), fence)  # as read from the setup cache
    assert np.array_equal(t.costs(a, b), want)
    t._set_ubodt(sparse.csr_matrix(dense), fence[:-3])  # (a fence of another table: gathered again)
    assert np.array_equal(t._fence, fence) and np.array_equal(t.costs(a, b), want)
