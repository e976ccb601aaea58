"""The trip's ends (mapmatch.ends): placed from the elapsed time before the first / after the last handover, the
route extended along the roads where that lies beyond it; outputs stay one connected path, no faster than a car."""
from dataclasses import replace

import numpy as np
import pytest

from sig2gps.mapmatch import MapMatcher, MatchConfig, TimingConfig
from sig2gps.mapmatch.ends import end_speed, extension, place_ends
from sig2gps.mapmatch.timing import route_from_path
from sig2gps.methods import MethodOptions, get_method
from sig2gps.plausibility import check_plausibility
from test_handover import diagonal_trace
from test_mapmatch import grid

N = 7  # a 7 x 7 grid of 200 m blocks: node (c, r) = r * N + c


def records(net, nodes, t):
    """Records (t, x, y) at the given nodes' positions (one cell per node)."""
    xy = net.node_xy[nodes]
    return np.asarray(t, float), xy[:, 0], xy[:, 1]


def straight_run(net, cfg):
    """The route along row 0 from node 0 to node 3 (600 m); handovers at 40 s (to node 2's cell) and 100 s (to
    node 3's); the track's progress 0 -> 600 m over the first 100 s, then parked at 600 m until 230 s."""
    route = route_from_path(net, [0, 1, 2, 3], [0, 2, 3])
    t, x, y = records(net, [0, 2, 3, 3], [0.0, 40.0, 100.0, 230.0])
    tq = np.arange(0.0, 231.0, 2.0)
    s = np.clip(tq * 6.0, 0.0, 600.0)
    return route, (t, x, y), tq, s, place_ends(net, route, t, x, y, tq, s, cfg)


END = TimingConfig(ends_at="end", ends_speed_factor=1.0, ends_park_s=30.0, ends_max_m=1000.0, ends_cell_pull=0.0,
                   ends_straight=1.0)


def test_end_is_placed_by_the_time_after_the_last_handover_and_the_route_extended():
    net = grid(N)
    route, _, tq, s, (new, s2) = straight_run(net, END)
    # the trace's speed between its handovers: 360 m in 60 s (closer in time: the whole trip's, 600 m in 230 s)
    assert end_speed(tq, s, np.array([40.0, 100.0]), END) == pytest.approx(6.0)
    assert end_speed(tq, s, np.array([50.0, 100.0]), END) == pytest.approx(600.0 / 230.0)
    # 130 s after the last handover, 30 of them parked: 100 s at 6 m/s = 600 m past the handover (600 m), so the
    # route runs on along row 0 to x = 1200 m (node 6), and the phone reaches it at 200 s and stays
    assert new.nodes == [0, 1, 2, 3, 4, 5, 6] and new.length == pytest.approx(1200.0)
    assert list(new.node_at) == list(route.node_at)
    assert np.interp(150.0, tq, s2) == pytest.approx(900.0, abs=1.0)
    assert s2[-1] == pytest.approx(1200.0) and np.interp(210.0, tq, s2) == pytest.approx(1200.0)
    assert np.array_equal(s2[tq <= 100.0], s[tq <= 100.0])  # before the last handover: untouched
    assert np.all(np.diff(s2) >= 0)


def test_extension_heads_to_the_last_cell_when_pulled():
    net = grid(N)
    route = route_from_path(net, [0, 1, 2, 3], [0, 2, 3])
    t, x, y = records(net, [0, 2, 3 + 3 * N, 3 + 3 * N], [0.0, 40.0, 100.0, 230.0])  # last cell 600 m north of node 3
    tq = np.arange(0.0, 231.0, 2.0)
    new, _ = place_ends(net, route, t, x, y, tq, np.clip(tq * 6.0, 0.0, 600.0), replace(END, ends_cell_pull=1.0))
    assert new.nodes[:4] == [0, 1, 2, 3] and new.nodes[-1] == 3 + 3 * N  # north, up column 3
    assert new.length == pytest.approx(1200.0)


def test_a_short_stay_after_the_last_handover_stops_the_phone_before_the_routes_end():
    net = grid(N)
    route = route_from_path(net, [0, 1, 2, 3, 4, 5, 6], [0, 3, 6])
    t, x, y = records(net, [0, 2, 4, 4], [0.0, 40.0, 100.0, 150.0])
    tq = np.arange(0.0, 151.0, 2.0)
    s = np.clip(tq * 8.0, 0.0, 1200.0)
    new, s2 = place_ends(net, route, t, x, y, tq, s, replace(END, ends_park_s=30.0))
    # the trace's speed between its handovers 8 m/s; 50 s after the last one, 30 parked: 160 m past 800 m
    assert new is route and s2[-1] == pytest.approx(960.0) and s2.max() == pytest.approx(960.0)


def test_start_is_placed_back_from_the_first_handover():
    net = grid(N)
    route = route_from_path(net, [3, 4, 5, 6], [0, 1, 3])
    t, x, y = records(net, [3, 4, 5, 6], [0.0, 130.0, 180.0, 230.0])
    tq = np.arange(0.0, 231.0, 2.0)
    s = np.clip((tq - 80.0) * 4.0, 0.0, 600.0)  # the track: at 200 m at the first handover, 4 m/s
    cfg = replace(END, ends_at="start", ends_park_s=30.0)
    new, s2 = place_ends(net, route, t, x, y, tq, s, cfg)
    # 100 s driven before the first handover at 4 m/s: 400 m back from 200 m, so 200 m before the route's start
    assert new.nodes == [2, 3, 4, 5, 6] and new.length == pytest.approx(800.0)
    assert list(new.node_at) == [1, 2, 4]
    assert s2[0] == pytest.approx(0.0) and np.interp(130.0, tq, s2) == pytest.approx(400.0, abs=1.0)
    assert np.interp(30.0, tq, s2) == pytest.approx(0.0, abs=1.0)  # parked at the placed start


def test_extension_is_bounded_and_follows_one_way_roads():
    net = grid(N)
    path = extension(net, 3, 400.0, np.array([1.0, 0.0]), forward=True)
    assert path == [3, 4, 5]
    back = extension(net, 3, 400.0, np.array([-1.0, 0.0]), forward=False)
    assert back == [1, 2, 3]  # a path that ENDS at node 3, on the roads
    assert extension(net, 3, 0.5, np.array([1.0, 0.0]), forward=True) == [3]
    route, _, tq, s, (new, _) = straight_run(net, replace(END, ends_max_m=200.0))
    assert new.length == pytest.approx(800.0)  # capped: 200 m added


def test_settings_are_checked():
    with pytest.raises(ValueError, match="ends_at"):
        TimingConfig(ends_at="middle")
    with pytest.raises(ValueError, match="trip-end"):
        TimingConfig(ends_speed_ms=(5.0, 1.0))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hmm_outputs_stay_one_path_on_the_roads_no_faster_than_a_car(seed):
    net = grid(N)
    rng = np.random.default_rng(seed)
    walk = [0]
    while len(walk) < 10:  # a random monotone walk north-east across the grid
        c, r = walk[-1] % N, walk[-1] // N
        walk.append(walk[-1] + (1 if (rng.random() < 0.5 and c < N - 1) or r == N - 1 else N))
    xy = net.node_xy[walk] + rng.normal(0, 80, (len(walk), 2))
    t = np.cumsum(rng.uniform(20, 60, len(walk)))
    t[-1] += 120.0  # a long stay after the last handover: the end is placed beyond the matched route
    m = MapMatcher(net, MatchConfig(auto_scale=False), precompute=False).match(t, xy[:, 0], xy[:, 1])[0]
    off = MapMatcher(net, replace(MatchConfig(auto_scale=False), timing=TimingConfig(ends=False)),
                     precompute=False).match(t, xy[:, 0], xy[:, 1])[0]
    assert m.route.nodes[:len(off.route.nodes)] == off.route.nodes  # the matched route, perhaps run on
    assert all((a, b) in net._edge_lookup for a, b in zip(m.route.nodes, m.route.nodes[1:]))  # one road path
    v = np.hypot(np.diff(m.x), np.diff(m.y)) / np.diff(m.t)
    assert np.all(np.diff(m.t) > 0) and v.max() <= MatchConfig().timing.max_speed_ms + 1e-6
    # every point on the route's polyline (the roads)
    from shapely.geometry import LineString, Point

    line = LineString(m.route.xy)
    assert max(line.distance(Point(p)) for p in zip(m.x, m.y)) < 1e-6
    assert m.t[0] == t[0] and m.t[-1] == t[-1]


def test_hmm_default_places_the_end_and_the_switch_turns_it_off():
    net = grid()
    tr = diagonal_trace(net)
    assert get_method("hmm")(net, MethodOptions())._cfg.timing.ends
    assert not get_method("hmm")(net, MethodOptions(extra={"ends": False}))._cfg.timing.ends
    assert not get_method("hmm-classic")(net, MethodOptions())._cfg.timing.ends
    ro = get_method("hmm")(net, MethodOptions()).reconstruct(tr).rollouts[0]
    p = check_plausibility(ro.track, net)
    assert p.ok, p.reasons
