"""mapmatch.drivable: outputs with no step faster than a car, drawn along the roads (issue 17 section 1)."""
from dataclasses import replace

import numpy as np
import pytest

from sig2gps.mapmatch import MapMatcher, MatchConfig
from sig2gps.mapmatch.drivable import limit_speed, timed_polyline_drivable, with_vertices
from sig2gps.plausibility import check_plausibility
from sig2gps.types import GpsTrace
from test_mapmatch import grid


def test_limit_speed_spreads_a_jump_and_keeps_the_ends():
    t = np.arange(0.0, 200.0, 2.0)
    s = np.where(t < 100, 3.0 * t, 3.0 * t + 1500.0)  # 1.5 km in one 2 s step
    out, v = limit_speed(t, s, 40.0)
    assert v == 40.0 and out[0] == s[0] and out[-1] == s[-1]
    assert np.all(np.diff(out) >= -1e-9) and np.max(np.diff(out) / np.diff(t)) <= 40.0 + 1e-6
    # Spread evenly around the jump: half of it before, half after (the mean of a lagging and a leading pass).
    k = np.searchsorted(t, 100.0)
    assert out[k - 1] > s[k - 1] + 500 and out[k] < s[k] - 500
    # A curve that is already drivable is left alone.
    same, _ = limit_speed(t, 3.0 * t, 40.0)
    assert np.allclose(same, 3.0 * t)


def test_limit_speed_on_a_route_too_long_for_its_time_reports_the_speed_it_needs():
    t = np.array([0.0, 10.0, 20.0])
    out, v = limit_speed(t, np.array([0.0, 0.0, 2000.0]), 40.0)
    assert v == pytest.approx(100.0) and np.allclose(out, [0.0, 1000.0, 2000.0])


def test_with_vertices_puts_every_corner_in_the_line():
    cum = np.array([0.0, 100.0, 250.0, 400.0])  # route vertices (corners) along the route
    t, s = np.array([0.0, 10.0, 20.0]), np.array([0.0, 50.0, 400.0])
    tt, ss = with_vertices(t, s, cum)
    assert set(cum[1:-1]) <= set(ss) and np.all(np.diff(tt) > 0) and np.all(np.diff(ss) >= 0)
    assert tt[list(ss).index(250.0)] == pytest.approx(10.0 + 200.0 / 350.0 * 10.0)
    # Stationary stretches get no vertices (a vertex is inserted only where the curve moves past it).
    tt, ss = with_vertices(np.array([0.0, 10.0]), np.array([100.0, 100.0]), cum)
    assert list(ss) == [100.0, 100.0]
    # A vertex a hair past a sample (here 0.2 ms of driving) is not a second point at the same millisecond.
    tt, ss = with_vertices(np.array([0.0, 10.0]), np.array([99.998, 200.0]), cum)
    assert list(ss) == [99.998, 200.0] and np.all(np.diff(tt) >= 1e-3)


def test_a_trace_that_used_to_jump_is_now_drivable_on_the_same_route():
    """A U-shaped trip on a grid: the smoothed tower track projects onto the far leg of the U, and the old
    timing jumped 169 m in 2 s there (seed found by search, kept fixed). Now: no fast step, same route, on roads."""
    net = grid(8)
    rng = np.random.default_rng(3)
    nodes = [0, 1, 2, 3, 11, 19, 18, 17, 16, 24, 32]
    xy = net.node_xy[nodes] + rng.normal(0, 150, (len(nodes), 2))
    t = np.cumsum(rng.uniform(10, 40, len(nodes)))
    base = MatchConfig()
    old = replace(base, timing=replace(base.timing, handover="learned", max_speed_ms=0.0, track_window_m=0.0))
    verdict = {}
    for name, cfg in (("old", old), ("new", base)):
        m = MapMatcher(net, cfg, precompute=False).match(t, xy[:, 0], xy[:, 1])[0]
        lon, lat = net.to_lonlat(m.x, m.y)
        verdict[name] = (m, check_plausibility(GpsTrace("u", m.t, lon, lat), net, max_speed_mps=50.0))
    (mo, po), (mn, pn) = verdict["old"], verdict["new"]
    assert po.n_fast_steps >= 1, "the crafted trace no longer jumps with the old timing: the test lost its point"
    assert pn.ok and pn.n_fast_steps == 0 and pn.on_road_share == 1.0 and pn.max_speed_mps <= 45.0 + 1e-6
    assert mn.route.nodes == mo.route.nodes and mn.t[0] == mo.t[0] and mn.t[-1] == mo.t[-1]
    assert np.all(np.diff(mn.t) > 0)


def test_nftrack_polyline_with_a_zero_time_leg_is_spread():
    xy = np.array([[0.0, 0.0], [0.0, 500.0], [500.0, 500.0], [500.0, 600.0]])
    ts = np.array([0.0, 100.0, 100.0, 200.0])  # the 500 m leg between two anchors at the same time
    t, x, y, v = timed_polyline_drivable(xy, ts, 40.0, sample_s=2.0)
    step = np.hypot(np.diff(x), np.diff(y)) / np.diff(t)
    assert v == 40.0 and step.max() <= 40.0 + 1e-6 and t[0] == 0.0 and t[-1] == 200.0
    assert (x[-1], y[-1]) == (500.0, 600.0) and any((a, b) == (0.0, 500.0) for a, b in zip(x, y))  # the corner


def test_vectorised_projection_matches_shapely_and_respects_its_window():
    from shapely import LineString, points

    from sig2gps.mapmatch.timing import build_route, project_points
    from sig2gps.mapmatch.routing import route_table

    net = grid(8)
    table = route_table(net, 6000.0)
    route = build_route(net, table, [0, 3, 27, 24, 56])  # east, north, back west, north: passes near itself
    rng = np.random.default_rng(0)
    lo_xy, hi_xy = net.node_xy.min(0) - 100, net.node_xy.max(0) + 100
    px, py = rng.uniform(lo_xy, hi_xy, (200, 2)).T
    want = LineString(route.xy).project(points(np.column_stack([px, py])))
    got = project_points(route, px, py, chunk_cells=1000)  # small chunks: the chunking is exercised too
    line = LineString(route.xy)
    d_got = [line.interpolate(s).distance(points(a, b)) for s, a, b in zip(got, px, py)]
    d_want = [line.interpolate(s).distance(points(a, b)) for s, a, b in zip(want, px, py)]
    assert np.allclose(d_got, d_want, atol=1e-6)  # equally near (ties may pick another pass)
    lo, hi = np.full(200, 1000.0), np.full(200, 1600.0)
    win = project_points(route, px, py, lo, hi)
    # only route pieces (200 m grid edges here) that overlap the window are searched
    assert np.all((win >= 800.0 - 1e-6) & (win <= 1800.0 + 1e-6)) and np.ptp(win) > 0


def test_kalman_smoother_shares_its_gains_between_axes_exactly():
    """The smoother computes covariances once for x and y; it must equal a textbook per-axis RTS smoother."""
    from sig2gps.mapmatch.cleanup import Observations, kalman_smooth

    def reference(t, z, r, q):
        n = len(t)
        m, P, mp, Pp, F = (np.zeros((n, 2)), np.zeros((n, 2, 2)), np.zeros((n, 2)), np.zeros((n, 2, 2)),
                           np.zeros((n, 2, 2)))
        m_prev, P_prev = np.array([z[0], 0.0]), np.diag([r, 15.0 ** 2])
        for k in range(n):
            dt = 0.0 if k == 0 else max(t[k] - t[k - 1], 0.0)
            Fk = np.array([[1.0, dt], [0.0, 1.0]])
            Q = q * np.array([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]])
            mpk = Fk @ m_prev if k else m_prev
            Ppk = Fk @ P_prev @ Fk.T + Q if k else P_prev
            K = Ppk[:, 0] / (Ppk[0, 0] + r)
            m[k], P[k] = mpk + K * (z[k] - mpk[0]), Ppk - np.outer(K, Ppk[0, :])
            mp[k], Pp[k], F[k] = mpk, Ppk, Fk
            m_prev, P_prev = m[k], P[k]
        ms = m.copy()
        for k in range(n - 2, -1, -1):
            G = P[k] @ F[k + 1].T @ np.linalg.inv(Pp[k + 1])
            ms[k] = m[k] + G @ (ms[k + 1] - mp[k + 1])
        return ms[:, 0]

    rng = np.random.default_rng(0)
    n = 60
    t = np.cumsum(rng.uniform(0, 60, n))
    x, y = np.cumsum(rng.normal(0, 300, n)), np.cumsum(rng.normal(0, 300, n))
    obs = Observations(t, t, t, x, y, np.ones(n), np.arange(n))
    sx, sy = kalman_smooth(obs, 700.0, 0.2)
    assert np.allclose(sx, reference(t, x, 700.0 ** 2, 0.2), atol=1e-6)
    assert np.allclose(sy, reference(t, y, 700.0 ** 2, 0.2), atol=1e-6)
