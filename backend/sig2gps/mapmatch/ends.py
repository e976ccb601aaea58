"""The trip's ends: where the phone was before its first handover and after its last one (issue 17, section 2).

The matched route starts and ends at the road candidates nearest the first and last smoothed observations:
near the first and last towers, not where the trip began and ended. Most of what timing alone cannot fix is
there (experiments/hmm-timing: the first and last tenth of a trip cost several times the middle). The records
carry one more clue: the elapsed time. Before the first handover the phone was parked and then drove inside the
first cell; after the last one it drove inside the last cell and then parked. So:

- the phone's progress at the trip's end is the last handover's progress plus a typical speed x the time it
  drove after it (the elapsed time less a typical parked time), and symmetrically at the start;
- where that lies beyond the route's end, the route is extended along the roads by the missing distance
  (bounded: the phone stays in the last cell's coverage), heading out of the route or towards the last
  cell (TimingConfig.ends_cell_pull): the path to the reachable road node nearest that point;
- where it lies inside the route, the phone stops there (and stays, parked).

The typical speed is the trace's own: its progress between its first and last handovers over that time.
Every extension is a path of road edges joined to the route, so the output stays one connected path on the
roads; the speed limit applies after (timing.timestamp_route). On the training cities' simulated drives only
the end's placement reliably helped (experiments/hmm-ends), so TimingConfig places only the end by default.
"""
from __future__ import annotations

import weakref
import numpy as np
from scipy.sparse.csgraph import dijkstra

from .handover import find_handovers, handover_progress
from .seq_timing import sequence_progress
from .timing import Route, route_from_path, timestamp_route, track_progress

_REVERSE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _reverse_adjacency(net):
    """The network's adjacency with every edge reversed (paths that END at a node), kept per network."""
    if net not in _REVERSE:
        _REVERSE[net] = net.adjacency.T.tocsr()
    return _REVERSE[net]


def end_speed(tq: np.ndarray, s: np.ndarray, ho_t: np.ndarray, cfg) -> float:
    """The trace's own typical speed (m/s): its progress between the first and last handover over that time
    (the whole trip's when they are too close in time), times cfg.ends_speed_factor, within cfg.ends_speed_ms."""
    lo, hi = cfg.ends_speed_ms
    if len(ho_t) >= 2 and ho_t[-1] - ho_t[0] >= 60.0:
        v = (np.interp(ho_t[-1], tq, s) - np.interp(ho_t[0], tq, s)) / (ho_t[-1] - ho_t[0])
    else:
        v = (s[-1] - s[0]) / max(tq[-1] - tq[0], 1e-9)
    return float(np.clip(v * cfg.ends_speed_factor, lo, hi))


def extension(net, node: int, want_m: float, toward: np.ndarray, forward: bool) -> list[int]:
    """A road path of about want_m from `node` (forward: starting there; else: ending there) towards the unit
    direction `toward`: the shortest path to the node, of those within 1.5 x want_m by road, nearest the point
    want_m along `toward` from `node`. [node] when nothing is reachable. The search is bounded, so it is cheap."""
    if want_m <= 1.0:
        return [node]
    graph = net.adjacency if forward else _reverse_adjacency(net)
    d, pred = dijkstra(graph, directed=True, indices=int(node), limit=1.5 * want_m, return_predecessors=True)
    reach = np.flatnonzero(np.isfinite(d))
    if len(reach) <= 1:
        return [node]
    target = net.node_xy[node] + want_m * toward
    gap = np.hypot(*(net.node_xy[reach] - target).T)
    best = int(reach[np.argmin(gap)])
    path = net.node_path(pred, int(node), best) or [node]  # node -> best in the graph searched
    return path if forward else path[::-1]  # the reverse graph's path node -> best is best -> node on the roads


def _unit(d: np.ndarray) -> np.ndarray:
    n = float(np.hypot(*d))
    return d / n if n > 1e-6 else np.zeros(2)


def _direction(xy: np.ndarray, cum: np.ndarray, at_start: bool, cell: np.ndarray, pull: float,
               span_m: float = 300.0) -> np.ndarray:
    """Unit vector out of the route's start (backwards) or its end (onwards), from its first / last span_m,
    turned by `pull` (0..1) towards the first / last serving cell's position `cell`."""
    L = cum[-1]
    if at_start:
        d = xy[0] - np.array([np.interp(min(span_m, L), cum, xy[:, 0]), np.interp(min(span_m, L), cum, xy[:, 1])])
    else:
        d = xy[-1] - np.array([np.interp(max(L - span_m, 0), cum, xy[:, 0]), np.interp(max(L - span_m, 0), cum,
                                                                                       xy[:, 1])])
    end = xy[0] if at_start else xy[-1]
    return _unit((1.0 - pull) * _unit(d) + pull * _unit(np.asarray(cell, float) - end))


def place_ends(net, route: Route, t, x, y, tq: np.ndarray, s: np.ndarray, cfg, scale: float = 1.0
               ) -> tuple[Route, np.ndarray]:
    """(route, s): the progress s (at times tq) with the trip's start and end placed from the elapsed time
    before the first and after the last handover, the route extended where that lies beyond its ends."""
    ho = find_handovers(t, x, y)
    if not len(ho) or route.length <= 0 or len(tq) < 2:
        return route, s
    s = np.asarray(s, float).copy()
    v = end_speed(tq, s, ho.t, cfg)
    park, w = cfg.ends_park_s, cfg.ends_weight
    t0, t1 = float(tq[0]), float(tq[-1])
    h0, h1 = float(ho.t[0]), float(ho.t[-1])
    s_h0, s_h1 = float(np.interp(h0, tq, s)), float(np.interp(h1, tq, s))
    start = s_h0 - v * max(h0 - t0 - park, 0.0)  # the phone's progress at the trip's start ...
    end = s_h1 + v * max(t1 - h1 - park, 0.0)  # ... and at its end (beyond [0, L]: off the route's ends)
    cap = cfg.ends_max_m * scale  # the cells' size scales with the records' spacing (mapmatch.scale)
    nodes, node_at = list(route.nodes), list(route.node_at)
    pre, post = [nodes[0]], [nodes[-1]]
    pull = cfg.ends_cell_pull
    if start < -cfg.ends_min_m and cfg.ends_extend and "start" in cfg.ends_at:
        u = _direction(route.xy, route.cum, True, (x[0], y[0]), pull)
        pre = extension(net, nodes[0], min(-start, cap) * cfg.ends_straight, u, False)
    if end > route.length + cfg.ends_min_m and cfg.ends_extend and "end" in cfg.ends_at:
        u = _direction(route.xy, route.cum, False, (x[-1], y[-1]), pull)
        post = extension(net, nodes[-1], min(end - route.length, cap) * cfg.ends_straight, u, True)
    if len(pre) > 1 or len(post) > 1:
        shift = len(pre) - 1
        new = route_from_path(net, pre[:-1] + nodes + post[1:], [k + shift for k in node_at])
        grow = float(new.node_s[shift])  # the length added before the route's start
        s, start, end, s_h0, s_h1 = s + grow, start + grow, end + grow, s_h0 + grow, s_h1 + grow
        route = new
    L = route.length
    start, end = min(max(start, 0.0), s_h0), max(min(end, L), s_h1)
    # Before the first handover: parked at `start`, then at speed v to the handover; after the last: symmetric.
    a = tq < (h0 if "start" in cfg.ends_at else t0)
    b = tq > (h1 if "end" in cfg.ends_at else t1)
    ramp = np.interp(tq[a], [t0, max(h0 - (s_h0 - start) / v, t0), h0], [start, start, s_h0])
    s[a] = w * ramp + (1.0 - w) * s[a]
    ramp = np.interp(tq[b], [h1, min(h1 + (end - s_h1) / v, t1), t1], [s_h1, end, end])
    s[b] = w * ramp + (1.0 - w) * s[b]
    return route, np.clip(np.maximum.accumulate(s), 0.0, L)


def progress_parts(tc, scale: float, route: Route, obs, t, x, y, t_start: float, t_end: float):
    """(tq, s_track, s): the sample times, the tower track's progress along the route and that progress shifted
    by the handovers (tc.handover: mapmatch.handover; s is s_track for "track"), before the trip's ends."""
    obs_xy = (obs.x, obs.y) if tc.anchors_from_sites else (obs.sx, obs.sy)
    tq, s_track = track_progress(route, obs.t, t_start, t_end, tc, obs_xy, obs.track)
    s = handover_progress(route, t, x, y, tq, s_track, tc, scale) if tc.handover != "track" else s_track
    return tq, s_track, s


def timed_route(net, tc, scale: float, route: Route, obs, t, x, y, t_start: float, t_end: float):
    """(route, (t, x, y)): the timing stage of hmm. The tower track's progress along the matched route, shifted
    by the handovers (mapmatch.handover) and corrected by the sequence model ("sequence": mapmatch.seq_timing),
    the trip's ends placed (place_ends, which may extend the route), then sampled no faster than a car
    (timing.timestamp_route). tc: TimingConfig; scale: the fitted error scale."""
    obs_xy = (obs.x, obs.y) if tc.anchors_from_sites else (obs.sx, obs.sy)
    if tc.handover == "track" and not tc.ends:
        return route, timestamp_route(route, obs.t, t_start, t_end, tc, obs_xy, obs.track)
    tq, s_track, s = progress_parts(tc, scale, route, obs, t, x, y, t_start, t_end)
    if tc.handover == "sequence":
        s = sequence_progress(route, t, x, y, tq, s, s_track, tc, scale)
    if tc.ends:
        route, s = place_ends(net, route, t, x, y, tq, s, tc, scale)
    return route, timestamp_route(route, obs.t, t_start, t_end, tc, obs_xy, obs.track, (tq, s))
