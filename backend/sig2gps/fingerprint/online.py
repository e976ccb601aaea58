"""NF-Track's online stage: anchors -> candidate paths -> fingerprint similarity -> joined route.

Anchors come from DBSCAN over the serving sites (anchors.py), placed at the time-smoothed tower
position. From each matched anchor, the candidate paths to the next one are the shortest paths to
road nodes near it (with a fingerprint: the nodes where the anchor's cells are known to serve);
each is scored by the Jensen-Shannon similarity between the signaling fragment since the last
matched anchor and the path's fingerprint. The paper keeps the single best path (beam=1); a beam
keeps the `beam` best partial routes, which also gives the K alternatives of `--rollouts K`. Paths
a car could not drive in the time available are not candidates, and an anchor may be left out at
a cost (far-cell outliers). Without a fingerprint every similarity is 0 and the distance to the
anchor decides: the paper's NearRd ablation (nearest road, shortest paths).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import deadline
from .anchors import Anchor, extract_anchors
from .dense import DenseFingerprint
from .similarity import fragment_distribution


@dataclass(frozen=True)
class NFTrackConfig:
    window_s: float = 180.0  # anchor clustering time span w (the paper's best update span)
    eps_m: float = 300.0  # DBSCAN radius: neighbouring sites are usually closer than this
    min_pts: int = 2  # DBSCAN MinPts
    radius_m: float = 600.0  # search radius for an anchor's candidate road positions
    fp_radius_m: float = 1200.0  # with a fingerprint: candidates are the nodes within this radius where
    # the anchor's cells are known to serve (the map says where a cell reaches, better than its tower's position)
    max_candidates: int = 30  # candidate nodes per anchor (spread over distance when there are more)
    beam: int = 8  # partial routes kept (1 = the paper's greedy matching)
    remove_loops: bool = True  # cut out-and-back spurs and loops of the joined route (anchor-order noise)
    vmax_ms: float = 30.0  # fastest plausible average speed between anchors
    support: str = "union"  # JS support: "union" or the paper's "fragment" (see similarity.py)
    skip_cost: float | None = 1.0  # score lost by leaving an anchor unmatched (None: every anchor is matched)
    smooth_anchors_s: float = 120.0  # anchor positions: dwell-weighted tower positions smoothed over this time
    # scale around the anchor's time, local-linear (0 = the paper's cluster centres). Chosen on dev splits
    # of Paris and Harrisburg (not benchmark test cities): with a fingerprint MAE 181 -> 162 and
    # 422 -> 299 m; without one (NearRd) 329 -> 307 and 491 -> 420 m.
    len_per_km: float = 0.1  # score lost per km of candidate path; the paper has none (0), but with
    # simulated sites ~450 m apart neighbouring streets share fingerprints and a mild preference for
    # shorter paths cut detours (Paris dev split: MAE 263 -> 251 m, precision 0.38 -> 0.40)
    tie_m: float = 1e-4  # score lost per metre from the anchor: a mild preference for nearer candidates
    # Without a fingerprint (NearRd) the anchor distance is what decides: one point per radius_m.
    class_speeds: bool = False  # time along a leg by road-class speeds instead of constant speed
    cell_match_m: float = 150.0  # a cell is trusted only if it stands within this of its fingerprint position


@dataclass
class Candidate:
    nodes: list[int]  # node path
    knots: list[tuple[int, float]]  # (index into nodes, timestamp) of every matched anchor
    score: float  # sum of similarities minus the distance, length and skip penalties
    sims: list[float]


def serving_nodes(net, fp) -> dict[str, np.ndarray]:
    """{cell: nodes at either end of a segment where the fingerprint has it as a stable cell}."""
    out: dict[str, set] = {}
    ends = {}
    for e in range(net.n_edges):
        ends.setdefault(int(net.seg[e]), set()).update((int(net.u[e]), int(net.v[e])))
    for seg, v in fp.segments.items():
        for c in v["sbs"]:
            out.setdefault(c, set()).update(ends.get(seg, ()))
    return {c: np.array(sorted(n)) for c, n in out.items()}


def candidate_nodes(net, a: Anchor, cfg: NFTrackConfig, served: dict | None = None) -> np.ndarray:
    d = np.hypot(net.node_xy[:, 0] - a.x, net.node_xy[:, 1] - a.y)
    ok = np.flatnonzero((d <= cfg.radius_m) & net.core_nodes)
    if served:
        known = [served[c] for c in a.cells if c in served]
        if known:
            m = np.zeros(net.n_nodes, bool)
            m[np.concatenate(known)] = True
            fp_ok = np.flatnonzero(m & (d <= cfg.fp_radius_m) & net.core_nodes)
            if len(fp_ok):
                ok = fp_ok
    if len(ok) == 0:
        ok = np.flatnonzero(net.core_nodes)
        ok = ok[np.argsort(d[ok])[:1]]
    ok = ok[np.argsort(d[ok])]
    if len(ok) > cfg.max_candidates:  # keep near and far ones alike: the anchor may be off by the radius
        ok = ok[np.unique(np.linspace(0, len(ok) - 1, cfg.max_candidates).round().astype(int))]
    return ok


def track(net, fp, t, cells, x, y, cfg: NFTrackConfig, k: int = 1, served: dict | None = None,
          dense_fp=None) -> tuple[list[Candidate], list[Anchor]]:
    """Up to k distinct routes for one trace (cells already renamed when not trusted), best first.

    served: serving_nodes(net, fp), computed once per fingerprint by the caller (None: radius only);
    dense_fp: DenseFingerprint(fp), likewise (built here when not given).
    """
    anchors = extract_anchors(t, x, y, cfg.window_s, cfg.eps_m, cfg.min_pts, cells=cells)
    if cfg.smooth_anchors_s > 0:  # ping-pong and far-cell records pull a lone site's anchor off the road
        anchors = smoothed_anchors(anchors, t, x, y, cfg.smooth_anchors_s)
    dense = None if fp is None else (dense_fp if dense_fp is not None else DenseFingerprint(fp))
    beam_w = max(cfg.beam, k)
    first = anchors[0]
    start = candidate_nodes(net, first, cfg, served)
    d0 = np.hypot(net.node_xy[start, 0] - first.x, net.node_xy[start, 1] - first.y)
    # Where the trip starts: the roads whose fingerprint matches the cells seen up to the first anchor.
    p0 = dense.fragment(fragment_distribution(t, cells, float(t[0]), first.t)) if dense is not None else None
    near = cfg.tie_m if dense is not None else 1.0 / cfg.radius_m
    beam = [Candidate([int(n)], [(0, first.t)], -near * float(dd)
                      + (_path_similarity(net, dense, [int(n)], p0, cfg) if dense is not None else 0.0), [])
            for n, dd in zip(start, d0)]
    beam = sorted(beam, key=lambda c: -c.score)[:beam_w]
    frags: dict[float, tuple] = {}
    for a in anchors[1:]:
        cand = candidate_nodes(net, a, cfg, served)
        dist_a = np.hypot(net.node_xy[cand, 0] - a.x, net.node_xy[cand, 1] - a.y)
        grown = []
        for c in beam:
            deadline.check()  # bounded work per trace (sig2gps.deadline)
            # Time and fragment run from this route's last matched anchor (earlier ones may have been skipped).
            t_prev = c.knots[-1][1]
            if dense is not None and t_prev not in frags:
                frags[t_prev] = dense.fragment(fragment_distribution(t, cells, t_prev, a.t))
            pvec = frags.get(t_prev)
            src = c.nodes[-1]
            dist, pred = net.shortest_paths_from(src, limit=cfg.vmax_ms * (a.t - t_prev) + cfg.radius_m)
            for n, da in zip(cand, dist_a):
                if not np.isfinite(dist[n]):
                    continue
                path = net.node_path(pred, src, int(n))
                sim = _path_similarity(net, dense, path, pvec, cfg) if dense is not None else 0.0
                gain = sim - near * float(da) - cfg.len_per_km * float(dist[n]) / 1000.0
                grown.append(Candidate(c.nodes + path[1:], c.knots + [(len(c.nodes) + len(path) - 2, a.t)],
                                       c.score + gain, c.sims + [sim]))
            if cfg.skip_cost is not None:  # or leave this anchor out (a far-cell outlier)
                grown.append(Candidate(c.nodes, c.knots, c.score - cfg.skip_cost, c.sims))
        if not grown:  # nothing reachable in time: skip this anchor
            continue
        grown.sort(key=lambda c: -c.score)
        beam, seen = [], set()
        for c in grown:  # one partial route per end state: the rest can never overtake it
            key = (c.nodes[-1], c.knots[-1][1])
            if key not in seen:
                seen.add(key)
                beam.append(c)
            if len(beam) == beam_w:
                break
    if cfg.remove_loops:
        beam = [without_loops(c) for c in beam]
    out, keys = [], set()
    for c in beam:
        key = tuple(sorted(set(_segments(net, c.nodes))))
        if key not in keys:
            keys.add(key)
            out.append(c)
    return out[:k], anchors


def smoothed_anchors(anchors, t, x, y, sigma_s: float) -> list[Anchor]:
    """Anchors moved to the tower positions smoothed around their timestamps: a dwell- and
    Gaussian-weighted local linear fit in time, so the first and last anchors are not pulled inwards."""
    t, x, y = (np.asarray(a, float) for a in (t, x, y))
    dur = np.maximum(np.r_[np.diff(t), 1.0], 1.0)
    out = []
    for a in anchors:
        w = dur * np.exp(-0.5 * ((t - a.t) / sigma_s) ** 2) + 1e-12
        d = t - a.t
        sw, swd, swdd = w.sum(), (w * d).sum(), (w * d * d).sum()
        det = sw * swdd - swd ** 2
        if det <= 1e-9 * sw * max(swdd, 1.0):  # one record in reach: weighted mean
            px, py = (w * x).sum() / sw, (w * y).sum() / sw
        else:  # intercept of the weighted least-squares line at the anchor's time
            px = (swdd * (w * x).sum() - swd * (w * d * x).sum()) / det
            py = (swdd * (w * y).sum() - swd * (w * d * y).sum()) / det
        out.append(Anchor(float(px), float(py), a.t, a.n_sites, a.cells))
    return out


def without_loops(c: Candidate) -> Candidate:
    """The route with every return to an already visited node cut out; anchors matched inside a cut
    piece are moved to the node where it began (the vehicle is taken to have waited there)."""
    out: list[int] = []
    pos: dict[int, int] = {}
    redirect: dict[int, int] = {}
    for n in c.nodes:
        if n in pos:
            j = pos[n]
            for r in out[j + 1:]:
                redirect[r] = n
                del pos[r]
            out = out[:j + 1]
        else:
            pos[n] = len(out)
            out.append(n)

    def final(n):
        while n not in pos:
            n = redirect[n]
        return pos[n]

    idx = np.maximum.accumulate([final(c.nodes[i]) for i, _ in c.knots])
    return Candidate(out, [(int(i), tk) for i, (_, tk) in zip(idx, c.knots)], c.score, c.sims)


def _path_similarity(net, dense, path, pvec, cfg) -> float:
    if len(path) < 2:
        # Standing still: compare with the fingerprint of the segments at this node.
        segs = np.unique(net.seg[(net.u == path[0]) | (net.v == path[0])])
        q = dense.path(segs, net.seg_len[segs])
    else:
        edges = [net.edge_between(a, b) for a, b in zip(path, path[1:])]
        q = dense.path(net.seg[edges], net.length[edges])
    return dense.similarity(pvec[0], pvec[1], q, cfg.support)


def _segments(net, nodes) -> list[int]:
    out: list[int] = []
    for a, b in zip(nodes, nodes[1:]):
        s = int(net.seg[net.edge_between(a, b)])
        if not out or out[-1] != s:
            out.append(s)
    return out


def route_segments(net, nodes) -> list[int]:
    """Undirected segment ids along a node path, in driving order."""
    return _segments(net, nodes)


def timed_polyline(net, c: Candidate, t_start: float, t_end: float, class_speeds: bool = False
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(times, xy) along the route: anchors at their timestamps, holding still before the first and
    after the last anchor; in between at constant speed, or with class_speeds at speeds in the
    proportion of the road classes' (faster on arterials, slower in side streets)."""
    ts, pts = [t_start], [net.node_xy[c.nodes[c.knots[0][0]]]]
    for (i0, t0), (i1, t1) in zip(c.knots, c.knots[1:]):
        if i1 == i0:
            ts.append(t1)
            pts.append(net.node_xy[c.nodes[i1]])
            continue
        xy, cost = _leg(net, c.nodes[i0:i1 + 1], class_speeds)
        f = cost / cost[-1] if cost[-1] > 0 else np.linspace(0, 1, len(cost))
        ts.extend((t0 + f * (t1 - t0)).tolist())
        pts.extend(xy)
    ts.append(max(t_end, ts[-1]))
    pts.append(pts[-1])
    return np.asarray(ts), np.asarray(pts)


def _leg(net, nodes, class_speeds: bool) -> tuple[np.ndarray, np.ndarray]:
    """Polyline of a node path and the cumulative cost (metres, or seconds at class speeds) at its vertices."""
    parts, costs, acc = [], [], 0.0
    for k, (a, b) in enumerate(zip(nodes, nodes[1:])):
        e = net.edge_between(a, b)
        g = net.edge_xy(e)
        d = np.r_[0.0, np.cumsum(np.hypot(*np.diff(g, axis=0).T))]
        step = d / net.speed[e] if class_speeds else d
        if k:
            g, step = g[1:], step[1:]
        parts.append(g)
        costs.append(acc + step)
        acc += float(step[-1]) if len(step) else 0.0
    return np.vstack(parts), np.concatenate(costs)
