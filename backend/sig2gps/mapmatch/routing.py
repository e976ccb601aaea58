"""Bounded shortest-path costs between road nodes, precomputed per network and kept with it.

Two tiers. (1) As FMM does, an upper-bounded origin-destination table (UBODT): every core node to
every node within `ubodt_m`, one batched Dijkstra at start-up (about a second for our extracts),
stored sparse; most HMM steps (records a minute apart) are answered from it with one lookup.
(2) Rows for longer hops and for path reconstruction, computed lazily per source node at a few
bound levels and cached (LRU) for the life of the network object.
"""
from __future__ import annotations

import weakref
from collections import OrderedDict

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from .. import deadline


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
        self.speed_gamma = float(speed_gamma)
        self.cost = cost_matrix(net, speed_gamma)
        n = net.n_nodes
        self.max_rows = max(256, int(max_bytes // (n * 8)))  # float32 distance + int32 predecessor
        self._rows: OrderedDict[int, tuple[np.ndarray, np.ndarray, float]] = OrderedDict()
        core = np.flatnonzero(net.core_nodes)
        self.core = core
        self.core_tree = cKDTree(net.node_xy[core])
        self.ubodt: sparse.csr_matrix | None = None
        self.ubodt_m = 0.0
        self.ubodt_s = 0.0

    PREFETCH_STEP_M = 500.0  # a route's path searches go as far as their hops need, rounded up to this
    _EPS = 1e-3  # stored costs are offset by this, so a true zero (a node to itself) is not a missing entry

    def precompute(self, bound_m: float, chunk: int = 512, build: bool = True) -> None:
        """Build the UBODT: costs from every core node to every node within `bound_m` (sparse, float32).

        It is read from the network's setup cache when there, mapped from the file, not read (network.cache.
        npz_mapped: nothing is read until a trace looks a cost up, and then only the rows it needs; a copy into
        process memory cost more than its slightly faster lookups saved, experiments/hmm-speed);
        build=False: only then (a handful of traces is faster with lazily searched rows than with building it)."""
        import time

        if self.ubodt is not None and self.ubodt_m >= bound_m:
            return
        t0 = time.perf_counter()
        n = self.net.n_nodes
        cache = getattr(self.net, "setup_cache", None)  # network.cache: kept on disk beside the road file
        what = f"ubodt-{bound_m:g}-{self.speed_gamma:g}"
        hit = cache.load(what, mmap=True) if cache is not None else None
        if hit is not None and hit["indptr"].shape == (n + 1,) and hit["indptr"][-1] == len(hit["indices"]) \
                == len(hit["data"]):
            u = sparse.csr_matrix((hit["data"], hit["indices"], hit["indptr"]), shape=(n, n))
            u.has_sorted_indices = True  # saved sorted (_set_ubodt); checking would read the whole file
            self._set_ubodt(u, hit.get("fence"))
            self.ubodt_m, self.ubodt_s = float(bound_m), time.perf_counter() - t0
            return
        if not build:
            return
        rows, cols, vals = [], [], []
        for i in range(0, len(self.core), chunk):
            deadline.check()  # a cancel stops the build (its time is exempt from a trace's limit: methods/hmm.py)
            src = self.core[i:i + chunk]
            d = dijkstra(self.cost, directed=True, indices=src, limit=bound_m)
            r, c = np.nonzero(np.isfinite(d))
            rows.append(src[r].astype(np.int32))
            cols.append(c.astype(np.int32))
            vals.append((d[r, c] + self._EPS).astype(np.float32))
        self._set_ubodt(sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                          shape=(n, n)))
        self.ubodt_m = float(bound_m)
        self.ubodt_s = time.perf_counter() - t0
        if cache is not None:
            u = self.ubodt
            cache.save(what, {"data": u.data, "indices": u.indices, "indptr": u.indptr, "fence": self._fence})

    FENCE = 32  # every FENCE-th column of a row is kept apart (the fence), a small array searched first

    def _set_ubodt(self, u: sparse.csr_matrix, fence=None) -> None:
        """Keep the UBODT with each row's columns sorted, for the binary searches of `costs`, and its fence: the
        columns at 0, FENCE, 2 FENCE, ... of every row, in one array (an eighth of the columns' size at most, read
        into memory: the searches' first steps stay in it, the last ones in one block of the mapped file).
        fence: the saved one (the setup cache), else it is gathered here (reading every page of the columns)."""
        if not u.has_sorted_indices:
            u.sort_indices()
        self.ubodt = u
        self._u_ptr = u.indptr.astype(np.int64)
        self._u_len = np.diff(self._u_ptr).astype(np.int32 if len(u.indices) < 2 ** 31 else np.int64)
        longest = int(self._u_len.max()) if len(self._u_len) else 0
        self._u_steps = int(np.ceil(np.log2(longest))) if longest > 1 else 0  # halvings to one entry
        n_f = (self._u_len + (self.FENCE - 1)) // self.FENCE  # fence entries of each row
        self._f_ptr = np.r_[0, np.cumsum(n_f, dtype=np.int64)]
        self._f_len = n_f.astype(self._u_len.dtype)
        self._f_steps = int(np.ceil(np.log2(int(n_f.max())))) if len(n_f) and n_f.max() > 1 else 0
        if fence is None or len(fence) != self._f_ptr[-1]:
            rows = np.repeat(np.arange(len(n_f)), n_f)
            fence = u.indices[self._u_ptr[rows] + self.FENCE * (np.arange(len(rows)) - self._f_ptr[rows])]
        self._fence = np.array(fence, u.indices.dtype)  # (a copy in memory: small, and aligned)

    @staticmethod
    def _lower_bound(arr, base, n, b, steps: int, strict: bool = True):
        """For each k: base[k] + the number of entries of arr[base[k]: base[k] + n[k]] (sorted) below b[k]
        (strict=False: at most b[k]) after `steps` halvings (enough for the longest n), branch-free, all at once.
        base and n are changed in place; base[k] + n[k] must not pass the end of arr where n[k] > 0."""
        np.minimum(base, len(arr) - 1, out=base)  # (an empty row at the end would point past it)
        for _ in range(steps):  # the answer stays within [base, base + n]; n halves (rounded up)
            half = n >> 1
            n -= half
            half *= (arr[base + half] < b) if strict else (arr[base + half] <= b)  # (base + half: inside the row)
            base += half
        return base + ((arr[base] < b) if strict else (arr[base] <= b))

    def costs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """UBODT cost from a[k] to b[k] for every k (inf where b[k] is beyond the bound from a[k]): a branch-free
        binary search in each pair's row, all pairs at once (a trace's whole lattice in one go: scipy's sparse
        indexing, one call a step, cost mostly per-call overhead): first in the row's fence (the block that can
        hold b), then in that block of the row."""
        col, data = self.ubodt.indices, self.ubodt.data
        a = np.asarray(a, np.int64)
        if not len(col) or not len(a):
            return np.full(len(a), np.inf)
        b = np.asarray(b, col.dtype)
        dt = self._u_len.dtype
        f0 = self._f_ptr[a].astype(dt)
        blk = self._lower_bound(self._fence, f0.copy(), self._f_len[a], b, self._f_steps, strict=False) - f0 - 1
        row = self._u_len[a]
        inside = blk >= 0  # (else b lies before the row's first column)
        blk = np.maximum(blk, 0) * self.FENCE
        pos = self._lower_bound(col, self._u_ptr[a].astype(dt) + blk, np.minimum(row - blk, self.FENCE), b,
                                int(np.log2(self.FENCE)))
        pos = np.minimum(pos, len(col) - 1)  # the first entry >= b in b's block (lower bound)
        found = inside & (col[pos] == b) & (row > 0) & (pos < self._u_ptr[a + 1])
        return np.where(found, data[pos].astype(float), np.inf) - self._EPS

    def cost1(self, a: int, b: int) -> float | None:
        """UBODT cost from a to b, None beyond the bound (one pair: `costs` without its per-call overhead)."""
        s, e = int(self._u_ptr[a]), int(self._u_ptr[a + 1])
        row = self.ubodt.indices[s:e]
        j = int(row.searchsorted(b))
        return float(self.ubodt.data[s + j]) - self._EPS if j < e - s and row[j] == b else None

    def _limit_for(self, need: float) -> float:
        """Round a requested bound up to one of a few levels, so rows are reused across steps and traces."""
        for lvl in (self.limit / 4, self.limit / 2):
            if need <= lvl:
                return lvl
        return self.limit

    def ensure(self, nodes, need: float | None = None) -> None:
        """Compute (in one batched Dijkstra call) the rows of `nodes` not cached to at least bound `need`.

        Search cost grows with the square of the bound, so a step between two records a minute apart
        searches a few km, not the whole city.
        """
        lim = self.limit if need is None else self._limit_for(need)
        self._search([a for a in dict.fromkeys(int(a) for a in np.asarray(nodes).ravel())
                      if a not in self._rows or self._rows[a][2] < lim], lim)

    def _search(self, todo: list[int], lim: float) -> None:
        """One batched Dijkstra from every node of `todo` up to `lim`; the rows are cached (LRU)."""
        if todo:
            d, p = dijkstra(self.cost, directed=True, indices=todo, limit=lim, return_predecessors=True)
            for k, a in enumerate(todo):
                self._rows[a] = (d[k].astype(np.float32), p[k].astype(np.int32), lim)
                self._rows.move_to_end(a)
            while len(self._rows) > self.max_rows:
                self._rows.popitem(last=False)

    def prefetch_paths(self, nodes) -> None:
        """Compute, a few batched searches for the whole route, the rows `path` needs to join consecutive `nodes`
        instead of one search per hop: each searched as far as its hops' costs need, rounded up to PREFETCH_STEP_M
        (one search call per rounded bound)."""
        a, b = np.asarray(nodes[:-1], np.int64), np.asarray(nodes[1:], np.int64)
        a, b = a[a != b], b[a != b]
        if not len(a):
            return
        cost = self.costs(a, b) if self.ubodt is not None else np.full(len(a), np.inf)
        need: dict[int, float] = {}
        step = self.PREFETCH_STEP_M
        for src, c in zip(a.tolist(), cost.tolist()):  # the hop's cost, else any row or the full bound (as path())
            lim = min(np.ceil((c + 1.0) / step) * step, self.limit) if np.isfinite(c) else (
                0.0 if src in self._rows else self.limit)
            need[src] = max(need.get(src, 0.0), lim)
        by_lim: dict[float, list[int]] = {}
        for src, lim in need.items():
            if src not in self._rows or self._rows[src][2] < lim:
                by_lim.setdefault(lim, []).append(src)
        for lim, todo in by_lim.items():
            self._search(todo, lim)

    def row(self, a: int) -> tuple[np.ndarray, np.ndarray]:
        a = int(a)
        r = self._rows.get(a)
        if r is None:
            self.ensure([a])
            r = self._rows[a]
        else:
            self._rows.move_to_end(a)
        return r[0], r[1]

    def matrix(self, src, dst, need: float | None = None) -> np.ndarray:
        """Costs from every node of `src` to every node of `dst`; inf where beyond the bound.

        With `need`, entries beyond `need` may also be inf (the caller treats them as infeasible anyway).
        """
        if self.ubodt is not None and need is not None and need <= self.ubodt_m:
            src, dst = np.asarray(src), np.asarray(dst)
            return self.costs(np.repeat(src, len(dst)), np.tile(dst, len(src))).reshape(len(src), len(dst))
        self.ensure(src, need)
        return np.stack([self.row(a)[0][dst] for a in src]).astype(float)

    def step_costs(self, cand: list[np.ndarray], need: np.ndarray) -> list[np.ndarray]:
        """matrix(cand[i], cand[i + 1], need[i]) for every step i of a lattice; the steps the UBODT covers are
        looked up together."""
        out: list = [None] * (len(cand) - 1)
        fast = [i for i in range(len(out)) if self.ubodt is not None and need[i] <= self.ubodt_m]
        if fast:
            size = [len(cand[i]) * len(cand[i + 1]) for i in fast]
            a = np.concatenate([np.repeat(cand[i], len(cand[i + 1])) for i in fast])
            b = np.concatenate([np.tile(cand[i + 1], len(cand[i])) for i in fast])
            for i, c in zip(fast, np.split(self.costs(a, b), np.cumsum(size)[:-1])):
                out[i] = c.reshape(len(cand[i]), len(cand[i + 1]))
        for i, c in enumerate(out):
            if c is None:
                deadline.check()
                out[i] = self.matrix(cand[i], cand[i + 1], need=float(need[i]))
        return out

    def path(self, a: int, b: int, cost: float | None = None) -> list[int] | None:
        """Node path a -> b: from a cached row when within its bound, else one unbounded search.
        `cost` (known from the lattice) lets the row be searched only as far as needed."""
        if cost is None and self.ubodt is not None:
            cost = self.cost1(a, b)
        if cost is not None and np.isfinite(cost):
            r = self._rows.get(int(a))
            if r is None or r[2] < cost + 1.0:  # a row searched as far as the cost (prefetch_paths) will do
                self.ensure([a], need=cost + 1.0)
        d, p = self.row(a)
        if np.isfinite(d[b]):  # (any cached bound: a path found within a bound is a shortest path)
            return self.net.node_path(p, int(a), int(b))
        _, pred = dijkstra(self.cost, directed=True, indices=int(a), return_predecessors=True)
        return self.net.node_path(pred, int(a), int(b))


_TABLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def forget_rows(net) -> None:
    """Drop the cached shortest-path rows of every table of `net` (the per-network setup stays): a later trace
    pays its own searches, as a new trace in a long-running process does (the speed benchmark's warm calls)."""
    for table in _TABLES.get(net, {}).values():
        table._rows.clear()


def route_table(net, limit_m: float, speed_gamma: float = 0.0, ubodt_m: float = 0.0, cached_m: float = 0.0
                ) -> RouteTable:
    """The table of `net` for this bound and cost (one each per network, shared by all matchers), with its UBODT
    up to ubodt_m (built unless in the setup cache) or up to cached_m (only when in the setup cache)."""
    per_net = _TABLES.setdefault(net, {})
    key = (float(limit_m), float(speed_gamma))
    if key not in per_net:
        per_net[key] = RouteTable(net, limit_m, speed_gamma)
    if ubodt_m > 0:
        per_net[key].precompute(ubodt_m)
    elif cached_m > 0:
        per_net[key].precompute(cached_m, build=False)
    return per_net[key]
