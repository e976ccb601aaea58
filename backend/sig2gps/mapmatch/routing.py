"""Bounded shortest-path distances between road nodes, computed once per node and kept per network.

FMM precomputes a whole upper-bounded origin-destination table (UBODT); our networks are small
(thousands of nodes), so rows are filled lazily (one bounded Dijkstra per source node, in batches)
and kept for the life of the network object: the same tower sites recur across a city's traces,
so after a warm-up most lookups are cache hits.
"""
from __future__ import annotations

import weakref
from collections import OrderedDict

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree


def cost_matrix(net, speed_gamma: float, ref_speed_ms: float = 12.5) -> sparse.csr_matrix:
    """Node x node edge costs in 'equivalent metres': length * (ref_speed / class speed) ** gamma.

    gamma = 0 is plain length (the network's own adjacency); gamma = 1 is travel time at the
    reference speed — drivers prefer main roads, so routes between matched points should too.
    """
    if speed_gamma == 0:
        return net.adjacency
    w = net.length * (ref_speed_ms / net.speed) ** speed_gamma
    order = np.lexsort((w, net.v, net.u))
    u, v, w = net.u[order], net.v[order], w[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
    return sparse.csr_matrix((np.maximum(w[first], 1e-3), (u[first], v[first])), shape=(net.n_nodes,) * 2)


class RouteTable:
    """Rows of bounded least-cost distances (float32, inf beyond the bound) and predecessors."""

    def __init__(self, net, limit_m: float, speed_gamma: float = 0.0, max_bytes: float = 768e6):
        self.net = net
        self.limit = float(limit_m)
        self.cost = cost_matrix(net, speed_gamma)
        n = net.n_nodes
        self.max_rows = max(256, int(max_bytes // (n * 8)))  # float32 distance + int32 predecessor
        self._rows: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        core = np.flatnonzero(net.core_nodes)
        self.core = core
        self.core_tree = cKDTree(net.node_xy[core])

    def ensure(self, nodes) -> None:
        """Compute (in one batched Dijkstra call) the rows of `nodes` that are not cached yet."""
        todo = [int(a) for a in dict.fromkeys(np.asarray(nodes).tolist()) if int(a) not in self._rows]
        if todo:
            d, p = dijkstra(self.cost, directed=True, indices=todo, limit=self.limit,
                            return_predecessors=True)
            for k, a in enumerate(todo):
                self._rows[a] = (d[k].astype(np.float32), p[k].astype(np.int32))
            while len(self._rows) > self.max_rows:
                self._rows.popitem(last=False)

    def row(self, a: int) -> tuple[np.ndarray, np.ndarray]:
        a = int(a)
        r = self._rows.get(a)
        if r is None:
            self.ensure([a])
            r = self._rows[a]
        else:
            self._rows.move_to_end(a)
        return r

    def matrix(self, src, dst) -> np.ndarray:
        """Distances (m) from every node of `src` to every node of `dst`; inf where beyond the bound."""
        self.ensure(src)
        return np.stack([self.row(a)[0][dst] for a in src]).astype(float)

    def path(self, a: int, b: int) -> list[int] | None:
        """Node path a -> b: from the cached row when within the bound, else one unbounded search."""
        d, p = self.row(a)
        if np.isfinite(d[b]):
            return self.net.node_path(p, int(a), int(b))
        _, pred = dijkstra(self.cost, directed=True, indices=int(a), return_predecessors=True)
        return self.net.node_path(pred, int(a), int(b))


_TABLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def route_table(net, limit_m: float, speed_gamma: float = 0.0) -> RouteTable:
    """The table of `net` for this bound and cost (one each per network, shared by all matchers)."""
    per_net = _TABLES.setdefault(net, {})
    key = (float(limit_m), float(speed_gamma))
    if key not in per_net:
        per_net[key] = RouteTable(net, limit_m, speed_gamma)
    return per_net[key]
