"""Reading the generated overlay video back into timestamped positions (numpy/scipy only).

raw: the current-position dot of frames 1..T-1 at their known times (what the model drew).
map-constrained (`graph_track`): treat the drawn path as a probability over road pixels and take
the cheapest route along the road graph (cost = length * -log p) between the drawn start and end,
then place the frame times on that route by projecting each frame's dot onto it. The model
proposes, the map disposes: one connected, drivable path even when the drawing hedges.
"""
from __future__ import annotations

import weakref

import numpy as np
from scipy import ndimage

from .scene import Window, frame_fracs

PATH_THRESHOLD = 0.5


def dot_px(dot: np.ndarray) -> np.ndarray:
    """(F,S,S) dot probabilities -> (F,2) pixel centres (x=col, y=row): weighted centroid around the peak."""
    F, S, _ = dot.shape
    out = np.empty((F, 2))
    for k in range(F):
        d = dot[k]
        r, c = np.unravel_index(int(np.argmax(d)), d.shape)
        r0, r1, c0, c1 = max(r - 2, 0), min(r + 3, S), max(c - 2, 0), min(c + 3, S)
        w = d[r0:r1, c0:c1]
        rr, cc = np.mgrid[r0:r1, c0:c1]
        if w.sum() > 1e-6:
            r, c = (w * rr).sum() / w.sum(), (w * cc).sum() / w.sum()
        out[k] = (c + 0.5, r + 0.5)  # pixel centre, in the same units as Window.to_px
    return out


def raw_track(win: Window, overlay: np.ndarray, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """Times and metric positions of the dots of frames 1..T-1."""
    T = overlay.shape[1]
    times = t0 + frame_fracs(T) * (t1 - t0)
    return times, win.to_xy(dot_px(overlay[1, 1:]))


def geometric_median(tracks: np.ndarray, iters: int = 50) -> np.ndarray:
    """(K,F,2) tracks -> (F,2): per frame the point with the least summed distance to the K positions.

    The consensus of K rollouts (Weiszfeld's iteration from the coordinate median). Unlike the mean,
    one rollout that drew its dot on a far road moves it little; unlike the coordinate median, it
    does not depend on the window's orientation."""
    tracks = np.asarray(tracks, float)
    m = np.median(tracks, 0)
    for _ in range(iters):
        w = 1.0 / np.maximum(np.hypot(*(tracks - m).transpose(2, 0, 1)), 1e-6)  # (K,F)
        m = (w[..., None] * tracks).sum(0) / w.sum(0)[..., None]
    return m


def stitch_tracks(tracks: list, average: bool) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive pieces' (times, xy) joined in time. Neighbours share a boundary record: its position is
    the mean of the two pieces' (raw dots) or the earlier piece's (routes, which must stay on the road)."""
    T, XY = [np.asarray(tracks[0][0], float)], [np.asarray(tracks[0][1], float).reshape(-1, 2)]
    for tt, xy in tracks[1:]:
        tt, xy = np.asarray(tt, float), np.asarray(xy, float).reshape(-1, 2)
        if not len(tt):
            continue
        if average and len(T[-1]) and abs(tt[0] - T[-1][-1]) <= 1e-6:
            XY[-1] = XY[-1].copy()
            XY[-1][-1] = (XY[-1][-1] + xy[0]) / 2
        keep = tt > T[-1][-1] + 1e-6 if len(T[-1]) else np.ones(len(tt), bool)
        if keep.any():  # a piece wholly at or before the time reached (windows sharing a timestamp) adds nothing
            T.append(tt[keep])
            XY.append(xy[keep])
    return np.concatenate(T), np.concatenate(XY)


def path_pieces(overlay: np.ndarray, thr: float = PATH_THRESHOLD) -> int:
    """Number of 8-connected pieces of the drawn path in the last frame (1 = one connected path)."""
    _, n = ndimage.label(overlay[0, -1] > thr, structure=np.ones((3, 3)))
    return int(n)


def on_road_share(overlay: np.ndarray, roads: np.ndarray, thr: float = PATH_THRESHOLD) -> float:
    """Share of drawn path pixels within one pixel of a road."""
    drawn = overlay[0, -1] > thr
    if not drawn.any():
        return 0.0
    near = ndimage.binary_dilation(roads > 0.5, structure=np.ones((3, 3)))
    return float((drawn & near).mean() / drawn.mean())


def errors_m(pred_t, pred_xy, true_t, true_xy) -> np.ndarray:
    """Euclidean error in metres (local UTM) at each true time, prediction interpolated in time."""
    px = np.interp(true_t, pred_t, pred_xy[:, 0])
    py = np.interp(true_t, pred_t, pred_xy[:, 1])
    return np.hypot(px - true_xy[:, 0], py - true_xy[:, 1])


def _sample_prob(win: Window, prob: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Path probability at metric points (nearest pixel; 0 outside the window)."""
    px = win.to_px(xy)
    c, r = np.floor(px[:, 0]).astype(int), np.floor(px[:, 1]).astype(int)
    S = prob.shape[0]
    ok = (c >= 0) & (c < S) & (r >= 0) & (r < S)
    out = np.zeros(len(xy))
    out[ok] = prob[r[ok], c[ok]]
    return out


class _NetArrays:
    """Per-network flat arrays for the vectorised edge costs and graph build (built once per network).

    All segment polylines are laid end to end on one arc-length axis `D` (with a 1 m gap between
    segments, so no query can fall into a neighbour), so resampling every segment is one np.interp.
    """

    def __init__(self, net):
        geoms = [np.asarray(g, float).reshape(-1, 2) for g in net.seg_xy]
        nv = np.array([len(g) for g in geoms], np.int64)
        self.voff = np.r_[0, np.cumsum(nv)]  # segment s owns vertices voff[s]:voff[s+1]
        allxy = np.vstack(geoms) if len(geoms) else np.zeros((0, 2))
        self.vx, self.vy = allxy[:, 0].copy(), allxy[:, 1].copy()
        step = np.hypot(np.diff(self.vx), np.diff(self.vy))
        step[self.voff[1:-1] - 1] = 1.0  # the gap between one segment's last vertex and the next's first
        self.D = np.r_[0.0, np.cumsum(step)] if len(allxy) else np.zeros(0)
        first, last = self.voff[:-1], self.voff[1:] - 1
        self.seg_start = self.D[first]
        self.seg_arc = self.D[last] - self.D[first]  # the polyline's length on the D axis
        self.seg_len = np.asarray(net.seg_len, float)
        # parallel edges collapse to one graph entry (the cheapest); the csr layout is fixed per network
        u, v = np.asarray(net.u, np.int64), np.asarray(net.v, np.int64)
        self.uv_order = np.lexsort((v, u))
        su, sv = u[self.uv_order], v[self.uv_order]
        self.uv_starts = np.flatnonzero(np.r_[True, (np.diff(su) != 0) | (np.diff(sv) != 0)])
        self.csr_indices = sv[self.uv_starts].astype(np.int32)
        per_row = np.bincount(su[self.uv_starts], minlength=net.n_nodes)
        self.csr_indptr = np.r_[0, np.cumsum(per_row)].astype(np.int32)

    def near(self, win: Window) -> np.ndarray:
        """Segments not wholly outside the window: the same per-vertex test as the original loop."""
        heads = self.voff[:-1]
        dx = np.minimum.reduceat(np.abs(self.vx - win.cx), heads)
        dy = np.minimum.reduceat(np.abs(self.vy - win.cy), heads)
        return np.flatnonzero(np.maximum(dx, dy) <= 1.5 * win.half + self.seg_len)


_NET_ARRAYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # network -> _NetArrays


def _net_arrays(net) -> _NetArrays:
    """The cached _NetArrays of `net` (rebuilt if the network's edge or segment count changed)."""
    try:
        arr = _NET_ARRAYS.get(net)
    except TypeError:  # not weak-referenceable/hashable: no cache
        return _NetArrays(net)
    if arr is None or len(arr.seg_len) != len(net.seg_xy) or len(arr.uv_order) != len(net.u):
        arr = _NetArrays(net)
        _NET_ARRAYS[net] = arr
    return arr


def edge_costs(net, win: Window, prob: np.ndarray, eps: float = 0.02) -> np.ndarray:
    """Per directed edge: length * mean(-log p) over points every ~half pixel along it.

    Vectorised over all segments: each segment near the window is resampled at n = max(2, L/step + 1)
    evenly spaced points (both ends included), the path probability is read at each, and the mean of
    -log clip(p, eps, 1) is taken per segment; segments wholly outside the window cost -log(eps) per metre.
    """
    step = win.m_per_px / 2
    # the path is drawn 1 px wide: blur a little so a road one pixel off still counts
    p = np.maximum(ndimage.maximum_filter(prob, size=3) * 0.7, prob)
    far = float(-np.log(eps))
    arr = _net_arrays(net)
    seg_cost = np.full(len(arr.seg_len), far)
    near = arr.near(win)
    if len(near):
        L = arr.seg_arc[near]
        n = np.maximum(2, (L / step).astype(np.int64) + 1)
        rep = np.repeat(np.arange(len(near)), n)
        k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        q = np.minimum(k * (L / (n - 1))[rep], L[rep])  # np.linspace(0, L, n) per segment
        Q = arr.seg_start[near][rep] + q
        pts = np.c_[np.interp(Q, arr.D, arr.vx), np.interp(Q, arr.D, arr.vy)]
        val = -np.log(np.clip(_sample_prob(win, p, pts), eps, 1.0))
        seg_cost[near] = np.bincount(rep, weights=val, minlength=len(near)) / n
    return net.length * seg_cost[net.seg] + 1e-3


def _cost_graph(net, w: np.ndarray):
    """Node x node csr of per-edge costs w; parallel edges keep the cheapest (duplicates would add up)."""
    from scipy import sparse

    arr = _net_arrays(net)
    wmin = np.minimum.reduceat(w[arr.uv_order], arr.uv_starts)
    return sparse.csr_matrix((wmin, arr.csr_indices, arr.csr_indptr), shape=(net.n_nodes, net.n_nodes))


def graph_track(net, win: Window, overlay: np.ndarray, t0: float, t1: float, dots: np.ndarray | None = None):
    """Map-constrained decode -> (times, xy, route_xy); None when no route joins start and end.

    `dots`: the frames' positions (metres) to time the route by, instead of this overlay's own dots
    (the consensus decode passes the rollouts' median track with their mean overlay)."""
    from scipy.sparse.csgraph import dijkstra

    if dots is None:
        times, dots = raw_track(win, overlay, t0, t1)
    else:
        times, dots = t0 + frame_fracs(overlay.shape[1]) * (t1 - t0), np.asarray(dots, float)
    core = np.flatnonzero(net.core_nodes)
    nxy = net.node_xy[core]
    a = int(core[np.argmin(np.hypot(*(nxy - dots[0]).T))])
    b = int(core[np.argmin(np.hypot(*(nxy - dots[-1]).T))])
    if a == b:
        return times, np.repeat(net.node_xy[a][None], len(times), 0), net.node_xy[a][None]
    w = edge_costs(net, win, np.maximum(overlay[0, -1], overlay[1, 1:].max(0)))
    _, pred = dijkstra(_cost_graph(net, w), indices=a, return_predecessors=True)
    nodes = net.node_path(pred, a, b)
    if not nodes:
        return None
    route = net.path_xy(nodes)
    seg_len = np.hypot(*np.diff(route, axis=0).T)
    cum = np.r_[0, np.cumsum(seg_len)]
    # project each frame's dot onto the route; arc length must not go backwards in time
    s = np.array([_project(route, cum, p) for p in dots])
    s[0], s[-1] = 0.0, cum[-1]
    s = np.maximum.accumulate(s)
    # dense output: every route vertex, its time interpolated from the frames' (s, t)
    uniq_s, idx = np.unique(s, return_index=True)
    vt = np.interp(cum, uniq_s, times[idx])
    all_t = np.r_[times, vt]
    all_s = np.r_[s, cum]
    order = np.argsort(all_t, kind="stable")
    all_t, all_s = all_t[order], all_s[order]
    keep = np.r_[True, np.diff(all_t) > 1e-6]
    all_t, all_s = all_t[keep], all_s[keep]
    xy = np.c_[np.interp(all_s, cum, route[:, 0]), np.interp(all_s, cum, route[:, 1])]
    return all_t, xy, route


def _project(route: np.ndarray, cum: np.ndarray, p: np.ndarray) -> float:
    a, b = route[:-1], route[1:]
    ab = b - a
    L2 = np.maximum((ab ** 2).sum(1), 1e-9)
    u = np.clip(((p - a) * ab).sum(1) / L2, 0, 1)
    proj = a + u[:, None] * ab
    k = int(np.argmin(np.hypot(*(proj - p).T)))
    return float(cum[k] + u[k] * np.sqrt(L2[k]))


def route_track(route_t, route_xy, times, dots, max_speed_mps: float = 50.0, reach_s: float = 120.0):
    """Decode along a known route (the prior: `hmm`'s road route) -> (times, xy), one connected path on it.

    Each drawn dot is projected onto the part of the route the prior passes within `reach_s` seconds of the
    dot's time (a route that comes back near itself cannot pull a dot to the wrong pass), arc length is kept
    non-decreasing in time and no faster than `max_speed_mps`; the output holds the frame times and every route
    vertex between the first and last projected dot, timed by interpolation. The route's geometry is the
    prior's (drivable); the timing along it is the model's — the part of the prior's error the video corrects."""
    route_t, route_xy = np.asarray(route_t, float), np.asarray(route_xy, float)
    times, dots = np.asarray(times, float), np.asarray(dots, float)
    if len(route_xy) < 2:
        return times, np.repeat(route_xy[:1], len(times), 0)
    cum = np.r_[0, np.cumsum(np.hypot(*np.diff(route_xy, axis=0).T))]
    a, b = route_xy[:-1], route_xy[1:]
    ab = b - a
    L2 = np.maximum((ab ** 2).sum(1), 1e-9)
    s = np.empty(len(times))
    for k, (tk, p) in enumerate(zip(times, dots)):
        near = (route_t[1:] >= tk - reach_s) & (route_t[:-1] <= tk + reach_s)
        if not near.any():  # beyond the prior's span: its nearest end in time
            near[np.argmin(np.minimum(np.abs(route_t[1:] - tk), np.abs(route_t[:-1] - tk)))] = True
        seg = np.flatnonzero(near)
        u = np.clip(((p - a[seg]) * ab[seg]).sum(1) / L2[seg], 0, 1)
        d = np.hypot(*(a[seg] + u[:, None] * ab[seg] - p).T)
        j = int(np.argmin(d))
        s[k] = cum[seg[j]] + u[j] * np.sqrt(L2[seg[j]])
    s = np.maximum.accumulate(s)
    for k in range(1, len(s)):  # no step faster than a car drives
        s[k] = min(s[k], s[k - 1] + max_speed_mps * max(times[k] - times[k - 1], 0.0))
    inner = (cum > s[0]) & (cum < s[-1])
    # a vertex is passed between the last frame before it and the first one past it: timed on that step (where
    # the phone stood still at one arc length, the step starts when it leaves, or the path would run ahead and back)
    k = np.clip(np.searchsorted(s, cum[inner], side="right"), 1, len(s) - 1)
    frac = (cum[inner] - s[k - 1]) / np.maximum(s[k] - s[k - 1], 1e-12)
    vt = times[k - 1] + np.clip(frac, 0, 1) * (times[k] - times[k - 1])
    all_t, all_s = np.r_[times, vt], np.r_[s, cum[inner]]
    order = np.lexsort((all_s, all_t))
    all_t, all_s = all_t[order], all_s[order]
    keep = np.r_[True, np.diff(all_t) > 1e-6]
    all_t, all_s = all_t[keep], all_s[keep]
    return all_t, np.c_[np.interp(all_s, cum, route_xy[:, 0]), np.interp(all_s, cum, route_xy[:, 1])]
