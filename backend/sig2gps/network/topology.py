"""Graph topology and routing over plain arrays (numpy/scipy only).

Shared by RoadNetwork (network/graph.py, with shapely's spatial index and pyproj) and PlainNetwork
(dataset/plain.py, for GPU machines without those packages), so both route identically.
Subclasses set node_xy (N,2), seg_xy (list of (k,2)), seg_len, and per directed edge u, v, seg, fwd, length.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra


class GraphTopology:
    @property
    def n_nodes(self) -> int:
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        return len(self.u)

    @cached_property
    def bounds_xy(self) -> tuple[float, float, float, float]:
        allxy = np.vstack(self.seg_xy)
        return (*allxy.min(axis=0), *allxy.max(axis=0))

    def total_km(self) -> float:
        return float(self.seg_len.sum() / 1000.0)

    def edge_xy(self, e: int) -> np.ndarray:
        g = self.seg_xy[self.seg[e]]
        return g if self.fwd[e] else g[::-1]

    @cached_property
    def core_nodes(self) -> np.ndarray:
        """Boolean mask of the largest strongly connected part (all pairs mutually reachable)."""
        from scipy.sparse.csgraph import connected_components

        _, lab = connected_components(self.adjacency, directed=True, connection="strong")
        return lab == np.bincount(lab).argmax()

    @cached_property
    def adjacency(self) -> sparse.csr_matrix:
        """Node x node matrix of the shortest parallel edge length (for scipy's dijkstra)."""
        order = np.lexsort((self.length, self.v, self.u))
        u, v, w = self.u[order], self.v[order], self.length[order]
        first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
        return sparse.csr_matrix((np.maximum(w[first], 1e-3), (u[first], v[first])), shape=(self.n_nodes,) * 2)

    @cached_property
    def _edge_lookup(self) -> dict[tuple[int, int], int]:
        best: dict[tuple[int, int], int] = {}
        for e in np.argsort(-self.length):  # shortest last, so it wins
            best[(int(self.u[e]), int(self.v[e]))] = int(e)
        return best

    def edge_between(self, a: int, b: int) -> int:
        return self._edge_lookup[(a, b)]

    @cached_property
    def _edge_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted keys u * n_nodes + v, their edges): the same picks as edge_between (the last edge of each key
        in _edge_lookup's order, the shortest), as arrays, without building that dict."""
        order = np.argsort(-self.length)  # _edge_lookup's order: a later edge of the same key wins
        keys = self.u[order].astype(np.int64) * self.n_nodes + self.v[order]
        keys, last = np.unique(keys[::-1], return_index=True)  # the first in reverse: the last in order
        return keys, order[::-1][last].astype(np.int64)

    def edges_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """edge_between of many node pairs at once (KeyError where two nodes are not joined by an edge)."""
        keys, edges = self._edge_keys
        want = np.asarray(a, np.int64) * self.n_nodes + np.asarray(b, np.int64)
        if not len(want):
            return np.zeros(0, np.int64)
        i = np.minimum(np.searchsorted(keys, want), len(keys) - 1) if len(keys) else np.zeros(len(want), int)
        miss = np.flatnonzero(keys[i] != want) if len(keys) else np.zeros(1, int)
        if len(miss):
            raise KeyError((int(np.asarray(a)[miss[0]]), int(np.asarray(b)[miss[0]])))
        return edges[i]

    @cached_property
    def _seg_flat(self) -> tuple[np.ndarray, np.ndarray]:
        """(all segments' vertices in one (M, 2) array, each segment's first row, with M appended)."""
        sizes = np.array([len(g) for g in self.seg_xy], np.int64)
        flat = np.vstack(self.seg_xy) if len(sizes) else np.zeros((0, 2))
        return flat, np.r_[0, np.cumsum(sizes)]

    def edges_xy(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the vertices of consecutive edges without each edge's first, in order; the count per edge): the
        polyline of a node path after its first node, as edge_xy(e)[1:] of each edge stacked."""
        flat, off = self._seg_flat
        s = self.seg[edges]
        n = off[s + 1] - off[s] - 1
        within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # 0.. n_e - 1 inside each edge
        fwd = np.repeat(np.asarray(self.fwd[edges], bool), n)
        idx = np.where(fwd, np.repeat(off[s], n) + 1 + within, np.repeat(off[s + 1], n) - 2 - within)
        return flat[idx], n

    def shortest_paths_from(self, src, limit: float = np.inf):
        """(distances, predecessors) from one or more source nodes, up to `limit` metres."""
        return dijkstra(self.adjacency, directed=True, indices=src, limit=limit, return_predecessors=True)

    def node_path(self, pred_row: np.ndarray, src: int, dst: int) -> list[int] | None:
        if src == dst:
            return [src]
        if pred_row[dst] < 0:
            return None
        path = [dst]
        while path[-1] != src:
            p = int(pred_row[path[-1]])
            if p < 0:
                return None
            path.append(p)
        return path[::-1]

    def path_xy(self, nodes: list[int]) -> np.ndarray:
        """Polyline (metres) following the edges of a node path."""
        if len(nodes) == 1:
            return self.node_xy[nodes[:1]].copy()
        parts = [self.edge_xy(self.edge_between(a, b)) for a, b in zip(nodes, nodes[1:])]
        return np.vstack([parts[0]] + [p[1:] for p in parts[1:]])
