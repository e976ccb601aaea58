"""Vehicle trips on the road graph: OD choice, a not-always-shortest route, a speed profile."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from .config import TripConfig


@dataclass
class Trip:
    nodes: list[int]  # node path
    edges: list[int]  # directed edges along it
    xy: np.ndarray  # (k,2) route polyline (m)
    t: np.ndarray  # (n,) 1 Hz times (relative, s)
    pos: np.ndarray  # (n,2) positions at those times (m)
    dist: np.ndarray  # (n,) distance along the route (m)


def pick_od(net, rng, cfg: TripConfig) -> tuple[int, int]:
    core = np.flatnonzero(net.core_nodes)
    for _ in range(200):
        a = int(rng.choice(core))
        want = rng.uniform(cfg.od_min_m, cfg.od_max_m)
        d = np.hypot(*(net.node_xy[core] - net.node_xy[a]).T)
        ok = np.flatnonzero(np.abs(d - want) < 0.15 * want)
        if len(ok):
            return a, int(core[rng.choice(ok)])
    # Small networks: take the farthest reachable node instead.
    d = np.hypot(*(net.node_xy[core] - net.node_xy[a]).T)
    return a, int(core[np.argmax(d)])


def route(net, a: int, b: int, rng, cfg: TripConfig) -> list[int] | None:
    """Shortest travel-time path under per-trip random edge costs: a driver's own idea of best."""
    noise = np.exp(rng.normal(0.0, cfg.detour_sigma, net.n_edges))
    w = net.length / net.speed * noise
    m = sparse.csr_matrix((np.maximum(w, 1e-3), (net.u, net.v)), shape=(net.n_nodes,) * 2)
    _, pred = dijkstra(m, indices=a, return_predecessors=True)
    return net.node_path(pred, a, b)


def drive(net, nodes: list[int], rng, cfg: TripConfig) -> Trip:
    """1 Hz kinematics along the route: class speeds, acceleration limits, stops at junctions."""
    edges = [net.edge_between(p, q) for p, q in zip(nodes, nodes[1:])]
    xy = net.path_xy(nodes)
    seglen = np.hypot(*np.diff(xy, axis=0).T)
    cum = np.r_[0.0, np.cumsum(seglen)]
    total = cum[-1]
    factor = cfg.speed_scale * float(np.exp(rng.normal(0, cfg.speed_factor_sigma)))
    # Target speed and stop plan per edge, by distance along the route.
    ends = np.cumsum([net.length[e] for e in edges])
    vmax = [net.speed[e] * factor for e in edges]
    stops = {}
    out_degree = np.bincount(net.u, minlength=net.n_nodes)
    for i, d in enumerate(ends[:-1]):
        if out_degree[nodes[i + 1]] > 2 and rng.random() < cfg.junction_stop_prob:
            stops[i] = rng.uniform(*cfg.stop_s)
    t, s, v = [0.0], [0.0], 0.0
    park0 = rng.uniform(*cfg.park_s)
    for _ in range(int(park0)):
        t.append(t[-1] + 1.0); s.append(0.0)
    k = 0
    while s[-1] < total - 0.5 and len(t) < 20000:
        while k < len(ends) - 1 and s[-1] >= ends[k]:
            k += 1
        target = vmax[k]
        # Slow down ahead of a planned stop so we reach it at ~0.
        if k in stops:
            gap = ends[k] - s[-1]
            target = min(target, np.sqrt(max(2 * cfg.accel_ms2 * max(gap - 2, 0), 0)))
            if gap < 3 and v < 1.5:
                for _ in range(int(stops.pop(k))):
                    t.append(t[-1] + 1.0); s.append(s[-1])
                v = 0.0
                continue
        v = min(max(float(target), v - cfg.accel_ms2), v + cfg.accel_ms2)  # plain floats: this loop is hot
        v = max(v, 0.5)
        t.append(t[-1] + 1.0)
        s.append(min(s[-1] + v, total))
    for _ in range(int(rng.uniform(*cfg.park_s))):
        t.append(t[-1] + 1.0); s.append(total)
    s = np.array(s)
    pos = np.column_stack([np.interp(s, cum, xy[:, 0]), np.interp(s, cum, xy[:, 1])])
    return Trip(nodes, edges, xy, np.array(t), pos, s)
