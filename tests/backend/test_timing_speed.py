"""The timing stage's fast paths (issue 17, section 4) give what the straightforward code gives: the route of a
node path built from whole-path arrays (edges_between, edges_xy) and the windowed projections of points on a
route (one ragged batch instead of a loop or chunks). Each is checked against a plain reference on seeded
inputs."""
import numpy as np
import pytest
from pyproj import CRS

from sig2gps.mapmatch.timing import Route, project_on_route, project_points, route_from_path
from sig2gps.network.graph import RoadNetwork


def bent_grid(n=6, step=150.0, seed=0):
    """n x n two-way grid whose segments bend (1-3 inner vertices), so reversed edges differ from forward ones."""
    rng = np.random.default_rng(seed)
    xy = np.array([[c * step, r * step] for r in range(n) for c in range(n)], float)
    pairs = [(r * n + c, r * n + c + 1) for r in range(n) for c in range(n - 1)]
    pairs += [(r * n + c, (r + 1) * n + c) for r in range(n - 1) for c in range(n)]
    segs = []
    for a, b in pairs:
        k = int(rng.integers(1, 4))
        f = np.sort(rng.uniform(0.1, 0.9, k))[:, None]
        inner = xy[a] + f * (xy[b] - xy[a]) + rng.normal(0, 15, (k, 2))
        segs.append(np.vstack([xy[a], inner, xy[b]]))
    m = len(pairs)
    cls = list(rng.choice(["residential", "primary", "secondary"], m))
    u = [a for a, b in pairs] + [b for a, b in pairs]
    v = [b for a, b in pairs] + [a for a, b in pairs]
    return RoadNetwork(xy, segs, cls, u, v, list(range(m)) * 2, [True] * m + [False] * m, CRS.from_epsg(32633))


def walk(net, n_steps, rng):
    """A random node path (consecutive nodes joined by an edge)."""
    nbr = {}
    for a, b in zip(net.u, net.v):
        nbr.setdefault(int(a), []).append(int(b))
    path = [int(rng.integers(0, net.n_nodes))]
    for _ in range(n_steps):
        path.append(int(rng.choice(nbr[path[-1]])))
    return path


def reference_route(net, nodes, node_at):
    """route_from_path as a loop: one edge lookup and one small array per edge."""
    parts, vert, segs, speed = [net.node_xy[nodes[:1]]], [0], [], [1.0]
    for a, b in zip(nodes, nodes[1:]):
        e = net.edge_between(a, b)
        g = net.edge_xy(e)
        parts.append(g[1:])
        speed.extend([float(net.speed[e])] * (len(g) - 1))
        vert.append(vert[-1] + len(g) - 1)
        segs.append(int(net.seg[e]))
    xy = np.vstack(parts)
    piece = np.hypot(*np.diff(xy, axis=0).T)
    cum = np.r_[0.0, np.cumsum(piece)]
    return xy, cum, np.r_[0.0, np.cumsum(piece / np.asarray(speed[1:]))], np.asarray(segs, int), cum[vert]


@pytest.mark.parametrize("steps", [0, 1, 7, 60])
def test_route_from_path_matches_the_edge_loop(steps):
    net, rng = bent_grid(), np.random.default_rng(steps)
    nodes = walk(net, steps, rng)
    r = route_from_path(net, nodes, [0, len(nodes) - 1])
    xy, cum, cum_time, segs, node_s = reference_route(net, nodes, [0, len(nodes) - 1])
    assert np.array_equal(r.xy, xy) and np.array_equal(r.cum, cum) and np.array_equal(r.cum_time, cum_time)
    assert np.array_equal(r.segments, segs) and np.array_equal(r.node_s, node_s)
    if steps:
        assert len(r.xy) > len(nodes)  # the bends are in the polyline


def test_edges_between_names_a_missing_edge():
    net = bent_grid()
    with pytest.raises(KeyError):
        net.edges_between(np.array([0, 0]), np.array([1, 14]))  # 0 -> 14: no edge


def reference_nearest(route, px, py, j0, j1):
    """Per point: the nearest point of its window's pieces, first piece on ties (a plain loop)."""
    out = np.empty(len(px))
    for i in range(len(px)):
        best = (np.inf, 0.0)
        for j in range(j0[i], j1[i]):
            a, d = route.xy[j], route.xy[j + 1] - route.xy[j]
            l2 = max(float((d ** 2).sum()), 1e-12)
            u = min(max(((px[i] - a[0]) * d[0] + (py[i] - a[1]) * d[1]) / l2, 0.0), 1.0)
            dist = np.hypot(a[0] + u * d[0] - px[i], a[1] + u * d[1] - py[i])
            if dist < best[0]:
                best = (dist, route.cum[j] + u * np.sqrt(l2))
        out[i] = best[1]
    return out


def test_windowed_projections_match_a_plain_loop():
    net, rng = bent_grid(), np.random.default_rng(3)
    nodes = walk(net, 80, rng)  # a random walk returns to places it passed: windows matter
    route = route_from_path(net, nodes, list(range(len(nodes))))
    s = np.sort(rng.uniform(0, route.length, 700))
    px = np.interp(s, route.cum, route.xy[:, 0]) + rng.normal(0, 80, len(s))
    py = np.interp(s, route.cum, route.xy[:, 1]) + rng.normal(0, 80, len(s))
    lo, hi = s - 300.0, s + 300.0
    j0, j1 = np.searchsorted(route.cum[1:], lo, side="left"), np.searchsorted(route.cum[:-1], hi, side="right")
    want = reference_nearest(route, px, py, j0, j1)
    assert np.allclose(project_points(route, px, py, lo, hi), want, rtol=0, atol=1e-9)
    everywhere = project_points(route, px, py)  # without windows: the nearest pass, wherever it is
    assert (np.abs(everywhere - want) > 1.0).any()
    # Observations at the matched nodes' positions: each projected between its neighbours' nodes.
    ox, oy = route.xy[np.searchsorted(route.cum, route.node_s)].T + rng.normal(0, 20, (2, len(nodes)))
    got = project_on_route(route, ox, oy)
    sn = route.node_s
    lo2, hi2 = sn[np.maximum(np.arange(len(sn)) - 1, 0)], sn[np.minimum(np.arange(len(sn)) + 1, len(sn) - 1)]
    k0, k1 = np.searchsorted(route.cum[1:], lo2, side="left"), np.searchsorted(route.cum[:-1], hi2, side="right")
    from scipy.optimize import isotonic_regression

    raw = np.where(k1 > k0, reference_nearest(route, ox, oy, k0, np.maximum(k1, k0)), sn)
    assert np.allclose(got, isotonic_regression(raw).x, rtol=0, atol=1e-9)
    assert isinstance(route, Route) and np.all(np.diff(got) >= 0)
