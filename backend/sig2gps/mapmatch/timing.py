"""From matched nodes to a road route with timestamps that never run backwards.

The route joins the matched nodes by shortest paths. Each matched node is an anchor (its
observation's time, its distance along the route); the vehicle's distance-time curve is a blend of
the curve through those anchors and constant speed over the whole trip — both monotone, so the
blend is too. Points are then sampled at a fixed interval, so every GPS timestamp has an answer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import deadline
from .config import TimingConfig
from .drivable import limit_speed, with_vertices


@dataclass
class Route:
    nodes: list[int]  # node path
    xy: np.ndarray  # (k,2) polyline, metres
    cum: np.ndarray  # (k,) distance along the polyline
    node_at: list[int]  # for each observation: index into `nodes` of its matched node
    segments: np.ndarray  # undirected segment ids, in order (with repeats where the route returns)
    seg_len: np.ndarray  # their lengths
    node_s: np.ndarray  # distance along the polyline at each node of `nodes`
    cum_time: np.ndarray  # (k,) free-flow travel time along the polyline (road-class speeds), seconds

    @property
    def length(self) -> float:
        return float(self.cum[-1])


def build_route(net, table, matched: list[int]) -> Route:
    """Join the matched nodes (one per observation, in time order) by shortest paths."""
    nodes = [int(matched[0])]
    node_at = [0]
    for a, b in zip(matched, matched[1:]):
        if a != b:
            deadline.check()  # routing a gap may search far (sig2gps.deadline)
            p = table.path(int(a), int(b))
            if p is None:  # cannot happen inside the strongly connected core; guard anyway
                raise ValueError(f"no road route between nodes {a} and {b}")
            nodes.extend(p[1:])
        node_at.append(len(nodes) - 1)
    return route_from_path(net, nodes, node_at)


def route_from_path(net, nodes: list[int], node_at: list[int]) -> Route:
    """The Route of a node path (consecutive nodes joined by an edge) with each observation's index into it."""
    deadline.check()
    arr = np.asarray(nodes, np.int64)
    edges = net.edges_between(arr[:-1], arr[1:])  # one lookup and one gather for the whole path
    tail, n = net.edges_xy(edges)
    xy = np.vstack([net.node_xy[nodes[:1]], tail])
    speed = np.repeat(np.asarray(net.speed[edges], float), n)
    vert_of_node = np.r_[0, np.cumsum(n)]
    piece = np.hypot(*np.diff(xy, axis=0).T)
    cum = np.r_[0.0, np.cumsum(piece)]
    cum_time = np.r_[0.0, np.cumsum(piece / speed)]
    segs = np.asarray(net.seg[edges], np.int64)
    return Route(nodes, xy, cum, node_at, segs, net.seg_len[segs] if len(segs) else np.zeros(0),
                 cum[vert_of_node], cum_time)


def _pieces(route: Route):
    """(start, direction, squared length) of each piece of the route's polyline."""
    a = route.xy[:-1]
    d = route.xy[1:] - a
    return a, d, np.maximum((d ** 2).sum(1), 1e-12)


def _nearest_in_windows(route: Route, px, py, j0: np.ndarray, j1: np.ndarray, max_pairs: int = 1 << 20):
    """Distance along the route of the nearest point to (px[i], py[i]) among the pieces j0[i] <= j < j1[i]
    (each window non-empty), the first such piece on ties: every point against its own window's pieces only,
    all points at once (a ragged batch of pairs), so the cost is the windows' total size."""
    a, d, l2 = _pieces(route)
    ax, ay, dx, dy = a[:, 0].copy(), a[:, 1].copy(), d[:, 0].copy(), d[:, 1].copy()  # contiguous, for np.take
    out = np.empty(len(px))
    cnt = (j1 - j0).astype(np.int64)
    ends = np.cumsum(cnt)
    k = 0
    while k < len(px):  # batches of points with at most max_pairs pairs (or one point)
        deadline.check()
        k1 = max(int(np.searchsorted(ends, (ends[k - 1] if k else 0) + max_pairs, side="right")), k + 1)
        c = cnt[k:k1]
        first = np.cumsum(c) - c
        j = np.repeat(j0[k:k1] - first, c) + np.arange(c.sum())
        x, y = np.repeat(px[k:k1], c), np.repeat(py[k:k1], c)
        aax, aay, ddx, ddy, ll = ax.take(j), ay.take(j), dx.take(j), dy.take(j), l2.take(j)
        u = np.clip(((x - aax) * ddx + (y - aay) * ddy) / ll, 0.0, 1.0)
        dist = np.hypot(aax + u * ddx - x, aay + u * ddy - y)
        best = np.repeat(np.minimum.reduceat(dist, first), c)
        hit = np.flatnonzero(dist == best)  # the first hit of each point is its argmin
        pick = hit[np.searchsorted(hit, first)]
        out[k:k1] = route.cum.take(j[pick]) + u[pick] * np.sqrt(ll[pick])
        k = k1
    return out


def project_on_route(route: Route, ox: np.ndarray, oy: np.ndarray) -> np.ndarray:
    """Distance along the route nearest to each observation, searched only between the matched nodes of its
    neighbours (a route may pass the same place twice), then made monotone (isotonic regression)."""
    s_node = route.node_s[np.asarray(route.node_at)]
    n = len(s_node)
    out = s_node.copy()
    if len(route.xy) < 2:
        return out
    # The pieces with cum[k + 1] >= lo and cum[k] <= hi are one run [j0, j1) (cum never decreases): found by
    # bisection, so the cost per observation is its window's, not the whole route's (linear in the records).
    lo, hi = s_node[np.maximum(np.arange(n) - 1, 0)], s_node[np.minimum(np.arange(n) + 1, n - 1)]
    j0s = np.searchsorted(route.cum[1:], lo, side="left")
    j1s = np.searchsorted(route.cum[:-1], hi, side="right")
    has = j1s > j0s  # an observation whose window holds no piece keeps its node's distance
    out[has] = _nearest_in_windows(route, np.asarray(ox, float)[has], np.asarray(oy, float)[has], j0s[has],
                                   j1s[has])
    from .isotonic import increasing

    return increasing(out)


def project_points(route: Route, px: np.ndarray, py: np.ndarray, lo: np.ndarray | None = None,
                   hi: np.ndarray | None = None, chunk_cells: float = 4e6) -> np.ndarray:
    """Distance along the route of the nearest route point to each (px, py), vectorised over points and route
    pieces (the cost is linear in the points for a given route). With lo/hi, point i only looks at the part
    of the route between distances lo[i] and hi[i] (a route may pass the same place twice)."""
    if len(route.xy) < 2:
        return np.zeros(len(px))
    a, d, l2 = _pieces(route)
    c0, c1 = route.cum[:-1], route.cum[1:]
    if lo is not None:  # each point against its own window's pieces (the same answer as the chunks below)
        j0, j1 = np.searchsorted(c1, lo, side="left"), np.searchsorted(c0, hi, side="right")
        if (j1 > j0).all():  # a window off the route's ends: the chunks' fallback (the whole chunk's pieces)
            return _nearest_in_windows(route, np.asarray(px, float), np.asarray(py, float), j0, j1)
    out = np.empty(len(px))
    # With a window, a chunk of consecutive points only needs the route pieces its windows overlap, so the
    # cost stays linear in the points on long traces; without one every piece is searched.
    step = 256 if lo is not None else max(1, int(chunk_cells // len(a)))
    for k in range(0, len(px), step):
        deadline.check()
        j0, j1 = 0, len(a)
        if lo is not None:
            j0 = int(np.searchsorted(c1, lo[k:k + step].min(), side="left"))
            j1 = max(int(np.searchsorted(c0, hi[k:k + step].max(), side="right")), j0 + 1)
            j0 = min(j0, len(a) - 1)
        aa, dd, ll, s0, s1 = a[j0:j1], d[j0:j1], l2[j0:j1], c0[j0:j1], c1[j0:j1]
        x, y = px[k:k + step, None], py[k:k + step, None]
        u = np.clip(((x - aa[:, 0]) * dd[:, 0] + (y - aa[:, 1]) * dd[:, 1]) / ll, 0.0, 1.0)
        dist = np.hypot(aa[:, 0] + u * dd[:, 0] - x, aa[:, 1] + u * dd[:, 1] - y)
        if lo is not None:
            outside = (s1 < lo[k:k + step, None]) | (s0 > hi[k:k + step, None])
            dist = np.where(outside & ~outside.all(1, keepdims=True), np.inf, dist)
        j = np.argmin(dist, axis=1)
        r = np.arange(len(j))
        out[k:k + step] = s0[j] + u[r, j] * np.sqrt(ll[j])
    return out


def project_track(route: Route, tq: np.ndarray, track: tuple, around: np.ndarray | None = None,
                  window_m: float = 0.0) -> np.ndarray:
    """Distance along the route of the smoothed track at every query time, made monotone.

    The route fixes where across the road the vehicle is; the smoothed tower track says how far
    along it has got. Isotonic regression keeps it from ever running backwards. With `around` (a
    distance per query time, e.g. the anchors' curve) and window_m > 0, each point is projected only
    onto the route within window_m of it: where the route passes a place twice, the track is not
    snapped to the far pass (a jump of kilometres in one sample).
    """
    from .isotonic import increasing

    t, x, y = track
    if route.length <= 0:
        return np.zeros(len(tq))
    px, py = np.interp(tq, t, x), np.interp(tq, t, y)
    if around is not None and window_m > 0:
        s = project_points(route, px, py, around - window_m, around + window_m)
    else:
        s = project_points(route, px, py)
    return np.clip(increasing(s), 0.0, route.length)


def track_progress(route: Route, obs_t: np.ndarray, t_start: float, t_end: float, cfg: TimingConfig,
                   obs_xy: tuple | None = None, track: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(tq, s): the sample times and the distance along the route at each, non-decreasing, from the towers:
    the smoothed track projected on the route (follow_track) or the observations as anchors, blended with
    the free-flow travel-time prior. No speed limit yet (timestamp_route applies it)."""
    if cfg.project_anchors and obs_xy is not None:
        s_obs = project_on_route(route, *obs_xy)
    else:
        s_obs = np.maximum.accumulate(route.node_s[np.asarray(route.node_at)])  # monotone by construction
    ta, sa = np.asarray(obs_t, float), s_obs
    if cfg.endpoint_pull:
        ta = np.r_[t_start, ta, t_end]
        sa = np.r_[0.0, sa, route.length]
    ta = np.maximum.accumulate(ta)
    span = max(t_end - t_start, 1e-9)
    n = max(int(np.ceil(span / cfg.sample_s)), 1)
    tq = np.r_[t_start + np.arange(n) * cfg.sample_s, t_end]
    tq = tq[np.r_[np.diff(tq) > 0, True]]
    s_anchor = np.interp(tq, ta, sa)
    if cfg.follow_track and track is not None and len(track[0]) >= 2:
        s_anchor = project_track(route, tq, track, s_anchor, cfg.track_window_m)
    # Prior: the trip's driving time is spread over the route in proportion to free-flow travel time
    # (fast roads take less of it), after a stationary moment at each end.
    ta0, tb0 = t_start + cfg.end_dwell_s, t_end - cfg.end_dwell_s
    if tb0 <= ta0:
        ta0, tb0 = t_start, t_end
    frac = np.clip((tq - ta0) / max(tb0 - ta0, 1e-9), 0.0, 1.0)
    if cfg.travel_time_prior and route.cum_time[-1] > 0:
        s_const = np.interp(frac * route.cum_time[-1], route.cum_time, route.cum)
    else:
        s_const = route.length * frac
    w = cfg.anchor_weight
    return tq, np.maximum.accumulate(w * s_anchor + (1.0 - w) * s_const)


def timestamp_route(route: Route, obs_t: np.ndarray, t_start: float, t_end: float, cfg: TimingConfig,
                    obs_xy: tuple | None = None, track: tuple | None = None, progress=None):
    """(times, x, y) sampled along the route; distance along the route is non-decreasing in time, never faster
    than cfg.max_speed_ms (unless the route is too long for the trip's time), with the route's vertices between.

    track: (t, x, y) of the smoothed observations; with cfg.follow_track the vehicle's progress along
    the route follows it at every sample time, otherwise only at the observations (anchors).
    progress: (tq, s) to use instead of track_progress's (e.g. mapmatch.handover's timing)."""
    tq, s = progress if progress is not None else track_progress(route, obs_t, t_start, t_end, cfg, obs_xy, track)
    s = np.maximum.accumulate(np.asarray(s, float))
    if cfg.max_speed_ms > 0:  # drivable: no step faster than a car, joined along the road (mapmatch.drivable)
        s, _ = limit_speed(tq, s, cfg.max_speed_ms)
        tq, s = with_vertices(tq, s, route.cum)
    x = np.interp(s, route.cum, route.xy[:, 0])
    y = np.interp(s, route.cum, route.xy[:, 1])
    return tq, x, y


def overlap_share(a: Route, b: Route) -> float:
    """Share of route a's length on segments that route b also uses."""
    if a.length <= 0 or not len(a.segments):
        return 1.0
    common = np.isin(a.segments, b.segments)
    return float(a.seg_len[common].sum() / max(a.seg_len.sum(), 1e-9))
