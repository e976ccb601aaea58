"""Where a vehicle was along its known route, and when: the alignment the fingerprint map is built on.

A route is a node path of the road network. GPS points (seconds apart, a few metres of noise) are
projected onto the route polyline monotonically (a vehicle does not drive backwards along its own
route), which gives distance-along-route at the GPS times; in between it is interpolated in time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TimedRoute:
    nodes: list[int]
    seg: np.ndarray  # (k,) undirected segment id of each traversed edge, in driving order
    start_m: np.ndarray  # (k,) distance along the route where each edge begins
    end_m: np.ndarray  # (k,) and where it ends
    gps_t: np.ndarray  # (n,) GPS times
    gps_s: np.ndarray  # (n,) distance along the route at those times (non-decreasing)

    def s_at(self, t) -> np.ndarray:
        return np.interp(t, self.gps_t, self.gps_s)

    def t_at(self, s) -> np.ndarray:
        """First time the vehicle reached distance `s` along the route (s(t) may have plateaus: stops)."""
        s = np.atleast_1d(np.asarray(s, float))
        i = np.searchsorted(self.gps_s, s, side="left")
        i = np.clip(i, 1, len(self.gps_s) - 1)
        s0, s1 = self.gps_s[i - 1], self.gps_s[i]
        t0, t1 = self.gps_t[i - 1], self.gps_t[i]
        f = np.where(s1 > s0, (s - s0) / np.where(s1 > s0, s1 - s0, 1.0), 1.0)
        return np.clip(t0 + np.clip(f, 0, 1) * (t1 - t0), self.gps_t[0], self.gps_t[-1])


def nodes_from_segments(net, segments: list[int]) -> list[int]:
    """Node path of a route given as undirected segment ids in driving order (routes.csv).

    Each segment's direction follows from the node it shares with the next one; a one-segment
    route cannot be oriented this way and raises ValueError (the caller may orient it by GPS).
    """
    if not segments:
        raise ValueError("empty route")
    ends = [_seg_ends(net, s) for s in segments]
    if len(ends) == 1:
        raise ValueError("a one-segment route cannot be oriented from the route alone")
    a, b = ends[0]
    nxt = set(ends[1])
    nodes = [b, a] if (a in nxt and b not in nxt) else [a, b]
    for k, (a, b) in enumerate(ends[1:], start=1):
        cur = nodes[-1]
        if a == cur:
            nodes.append(b)
        elif b == cur:
            nodes.append(a)
        else:
            raise ValueError(f"route segments {segments[k - 1]} and {segments[k]} do not share a node")
    return nodes


def _seg_ends(net, seg: int) -> tuple[int, int]:
    if not 0 <= int(seg) < len(net.seg_xy):
        raise ValueError(f"segment {seg} is not in the road network {net.name!r} (it has {len(net.seg_xy)}; "
                         f"routes.csv must come from the same network)")
    edges = net.edges_of_segment(int(seg))
    if len(edges) == 0:
        raise ValueError(f"segment {seg} is not in the road network {net.name!r}")
    e = int(edges[0])
    u, v = int(net.u[e]), int(net.v[e])
    return (u, v) if net.fwd[e] else (v, u)


def time_route(net, nodes: list[int], gps_t, gps_x, gps_y, max_speed_ms: float = 45.0) -> TimedRoute:
    """Align GPS points to a node path: distance along the route at every GPS time."""
    if len(nodes) < 2:
        raise ValueError("a route needs at least two nodes")
    edges = [net.edge_between(a, b) for a, b in zip(nodes, nodes[1:])]
    lens = net.length[edges]
    end = np.cumsum(lens)
    start = end - lens
    xy = net.path_xy(nodes)
    gps_s = _project_monotone(xy, np.asarray(gps_t, float), np.asarray(gps_x, float), np.asarray(gps_y, float),
                              max_speed_ms)
    # The polyline length and the sum of edge lengths agree up to rounding; keep them consistent.
    gps_s = np.clip(gps_s * (end[-1] / max(_poly_len(xy), 1e-9)), 0.0, end[-1])
    return TimedRoute(list(nodes), net.seg[edges].copy(), start, end, np.asarray(gps_t, float), gps_s)


def _poly_len(xy: np.ndarray) -> float:
    return float(np.hypot(*np.diff(xy, axis=0).T).sum())


def _project_monotone(xy, t, x, y, vmax) -> np.ndarray:
    """Distance along the polyline for each point, never decreasing and never faster than vmax."""
    a, b = xy[:-1], xy[1:]
    d = b - a
    L = np.hypot(d[:, 0], d[:, 1])
    cum = np.r_[0.0, np.cumsum(L)]
    p = np.column_stack([x, y])
    # Projection of every point on every piece: (n, m).
    f = ((p[:, None, :] - a[None]) * d[None]).sum(-1) / np.maximum(L ** 2, 1e-12)[None]
    f = np.clip(f, 0.0, 1.0)
    proj = a[None] + f[..., None] * d[None]
    dist = np.hypot(*(p[:, None, :] - proj).transpose(2, 0, 1))
    along = cum[:-1][None] + f * L[None]
    out = np.empty(len(p))
    prev, tprev = 0.0, t[0]
    for i in range(len(p)):
        # Backwards only by GPS noise, forwards only as far as a fast car could go.
        ok = (along[i] >= prev - 30.0) & (along[i] <= prev + vmax * (t[i] - tprev) + 60.0)
        j = int(np.argmin(np.where(ok, dist[i], np.inf))) if ok.any() else int(np.argmin(dist[i]))
        s = max(prev, float(along[i, j]))
        out[i], prev, tprev = s, s, t[i]
    return out
