"""Vectorised map-constrained read-back (`edge_costs`, `graph_track`) against the original per-edge loop.

The loop below is the implementation `edge_costs` had before it was vectorised; it is the reference.
Costs must match it on every directed edge within REL_TOL, and the decoded route must be the same.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from sig2gps.model import readback
from sig2gps.model.readback import _cost_graph, _sample_prob, edge_costs, graph_track, raw_track
from sig2gps.model.scene import SceneConfig, Window, render_overlay, window_for

REL_TOL = 1e-6  # the resampling is the same; only float round-off in the arc-length axis differs


def _edge_costs_loop(net, win, prob, eps=0.02):
    """Reference: the original Python loop over every directed edge."""
    step = win.m_per_px / 2
    p = np.maximum(ndimage.maximum_filter(prob, size=3) * 0.7, prob)
    far = float(-np.log(eps))
    cost = np.empty(len(net.u))
    seg_cost = {}
    for e in range(len(net.u)):
        s = int(net.seg[e])
        if s not in seg_cost:
            xy = net.seg_xy[s]
            if np.abs(xy - (win.cx, win.cy)).min(0).max() > 1.5 * win.half + net.seg_len[s]:
                seg_cost[s] = far
                cost[e] = net.length[e] * far + 1e-3
                continue
            d = np.r_[0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
            n = max(2, int(d[-1] / step) + 1)
            q = np.linspace(0, d[-1], n)
            pts = np.c_[np.interp(q, d, xy[:, 0]), np.interp(q, d, xy[:, 1])]
            seg_cost[s] = float(np.mean(-np.log(np.clip(_sample_prob(win, p, pts), eps, 1.0))))
        cost[e] = net.length[e] * seg_cost[s] + 1e-3
    return cost


def _cost_graph_loop(net, w):
    """Reference graph build: lexsort, keep the cheapest of parallel edges, csr from coo."""
    from scipy import sparse

    order = np.lexsort((w, net.v, net.u))
    u, v, w = net.u[order], net.v[order], w[order]
    first = np.r_[True, (np.diff(u) != 0) | (np.diff(v) != 0)]
    return sparse.csr_matrix((w[first], (u[first], v[first])), shape=(net.n_nodes, net.n_nodes))


def _route_loop(net, win, overlay):
    """Reference route: the original graph build (lexsort, keep the cheapest parallel edge) on loop costs."""
    from scipy.sparse.csgraph import dijkstra

    _, dots = raw_track(win, overlay, 0.0, 1.0)
    core = np.flatnonzero(net.core_nodes)
    nxy = net.node_xy[core]
    a = int(core[np.argmin(np.hypot(*(nxy - dots[0]).T))])
    b = int(core[np.argmin(np.hypot(*(nxy - dots[-1]).T))])
    if a == b:
        return net.node_xy[a][None]
    w = _edge_costs_loop(net, win, np.maximum(overlay[0, -1], overlay[1, 1:].max(0)))
    _, pred = dijkstra(_cost_graph_loop(net, w), indices=a, return_predecessors=True)
    nodes = net.node_path(pred, a, b)
    return None if not nodes else net.path_xy(nodes)


@pytest.fixture(scope="module")
def helsinki():
    from sig2gps.network import load_network
    from sig2gps.network.defaults import default_network
    from sig2gps.simulate import simulate

    net = load_network(default_network())
    cfg = SceneConfig()
    cases = []  # (window, overlay) of simulated traces: the truth drawn as the model would draw it
    for st in simulate(net, 4, seed=21).traces:
        x, y = net.to_xy(st.signaling.lon, st.signaling.lat)
        win = window_for(np.c_[x, y], cfg)
        gx, gy = net.to_xy(st.gps.lon, st.gps.lat)
        t = st.gps.t - st.gps.t[0]
        cases.append((win, render_overlay(win, cfg, t, np.c_[gx, gy], float(t[-1]), 13)))
    return net, cases


@pytest.fixture(scope="module")
def curvy():
    """A small grid whose roads are bent polylines (the extracts split roads into straight pieces),
    with one pair of parallel roads between the same two nodes."""
    from pyproj import CRS

    from sig2gps.network.graph import RoadNetwork

    rng = np.random.default_rng(5)
    k, sp = 6, 400.0
    node_xy = np.array([(i * sp, j * sp) for j in range(k) for i in range(k)])
    segs, eu, ev, es, ef = [], [], [], [], []

    def add(a, b, bend):
        p, q = node_xy[a], node_xy[b]
        f = np.linspace(0, 1, 5)[1:-1, None]
        mid = p + f * (q - p) + rng.normal(0, bend, (3, 2))
        mid[1] = mid[0]  # a zero-length piece inside the polyline
        segs.append(np.vstack([p, mid, q]))
        s = len(segs) - 1
        eu.extend([a, b]), ev.extend([b, a]), es.extend([s, s]), ef.extend([True, False])

    for j in range(k):
        for i in range(k):
            n = j * k + i
            if i + 1 < k:
                add(n, n + 1, 40.0)
            if j + 1 < k:
                add(n, n + k, 40.0)
    add(0, 1, 120.0)  # parallel to the first road, a different way round
    net = RoadNetwork(node_xy, segs, ["residential"] * len(segs), eu, ev, es, ef, CRS.from_epsg(32635))
    return net


def _windows(rng, cx, cy, n):
    out = []
    for i in range(n):
        half = float(rng.uniform(600, 3000))
        out.append(Window(cx + float(rng.normal(0, half / 2)), cy + float(rng.normal(0, half / 2)), half, 64, i % 8))
    return out


def _probs(rng):
    rand = rng.random((64, 64)).astype(np.float32)
    sparse = (rng.random((64, 64)) < 0.05).astype(np.float32)
    return [rand, sparse, np.zeros((64, 64), np.float32)]


def _check(net, win, prob):
    new, ref = edge_costs(net, win, prob), _edge_costs_loop(net, win, prob)
    assert new.shape == ref.shape
    rel = np.abs(new - ref) / ref
    assert rel.max() <= REL_TOL, f"edge {int(rel.argmax())}: {new[rel.argmax()]} vs {ref[rel.argmax()]}"
    return ref


def test_edge_costs_match_loop_on_drawn_paths(helsinki):
    net, cases = helsinki
    for win, ov in cases:
        prob = np.maximum(ov[0, -1], ov[1, 1:].max(0))
        ref = _check(net, win, prob)
        far = -np.log(0.02)
        # the comparison means something: many edges are cheaper than the "no drawing" cost
        assert (ref < 0.9 * net.length * far).sum() > 10


def test_edge_costs_match_loop_on_random_images_and_windows(helsinki, curvy):
    rng = np.random.default_rng(7)
    for net in (helsinki[0], curvy):
        lo, hi = net.node_xy.min(0), net.node_xy.max(0)
        c = (lo + hi) / 2
        for win in _windows(rng, float(c[0]), float(c[1]), 4):
            for prob in _probs(rng):
                _check(net, win, prob)
        # a window off the network: every edge gets the far cost
        off = Window(float(hi[0]) + 50_000, float(hi[1]) + 50_000, 1000.0, 64)
        ref = _check(net, off, rng.random((64, 64)).astype(np.float32))
        assert np.allclose(ref, net.length * -np.log(0.02) + 1e-3)


def test_cache_is_per_network_and_reused(helsinki, curvy):
    a, b = readback._net_arrays(helsinki[0]), readback._net_arrays(curvy)
    assert a is readback._net_arrays(helsinki[0]) and a is not b
    assert len(a.seg_len) == len(helsinki[0].seg_xy) and len(b.seg_len) == len(curvy.seg_xy)


def test_cost_graph_matches_loop_and_keeps_cheapest_parallel_edge(helsinki, curvy):
    rng = np.random.default_rng(3)
    for net in (helsinki[0], curvy):
        for _ in range(3):
            w = rng.uniform(1e-3, 100.0, len(net.u))
            got, ref = _cost_graph(net, w), _cost_graph_loop(net, w)
            assert got.shape == ref.shape and got.nnz == ref.nnz and abs(got - ref).max() == 0
    # the parallel pair 0 -> 1 in `curvy`: its entry is the cheaper of the two, whichever that is
    pair = np.flatnonzero((curvy.u == 0) & (curvy.v == 1))
    assert len(pair) == 2
    for cheap in pair:
        w = np.full(len(curvy.u), 50.0)
        w[pair] = 9.0
        w[cheap] = 2.0
        assert _cost_graph(curvy, w)[0, 1] == 2.0


def test_graph_track_same_route_as_loop(helsinki):
    net, cases = helsinki
    for win, ov in cases:
        ref = _route_loop(net, win, ov)
        got = graph_track(net, win, ov, 0.0, 600.0)
        assert (ref is None) == (got is None)
        if ref is None:
            continue
        route = got[2]
        assert route.shape == ref.shape and np.allclose(route, ref, atol=1e-6)
        assert len(route) > 2  # a real route, not start == end


def test_graph_track_same_route_on_bent_and_parallel_roads(curvy):
    """Bent polylines and a parallel pair: the graph build (cheapest parallel edge) matches the original."""
    net = curvy
    cfg = SceneConfig()
    win = Window(float(net.node_xy[:, 0].mean()), float(net.node_xy[:, 1].mean()), 1200.0, 64)
    # drives along road 0->1, its bent twin, and an L over several bent roads
    paths = [net.seg_xy[0], net.seg_xy[-1], net.path_xy([0, 1, 2, 8, 14])]
    for path in paths:
        t = np.r_[0, np.cumsum(np.hypot(*np.diff(path, axis=0).T))] / 10.0
        ov = render_overlay(win, cfg, t, path, float(t[-1]), 13)
        ref = _route_loop(net, win, ov)
        got = graph_track(net, win, ov, 0.0, float(t[-1]))
        assert got is not None and ref is not None
        assert got[2].shape == ref.shape and np.allclose(got[2], ref, atol=1e-6)
        assert np.hypot(*(got[2][-1] - path[-1])) < 1e-6  # ends where the drive ended
