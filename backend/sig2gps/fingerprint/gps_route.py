"""A known route from GPS alone (when no routes.csv is given): chain the nearest road segments.

Historical GPS for a fingerprint map is dense and accurate (metres), so the nearest segment of each
point is right nearly everywhere; what remains is to orient each segment and join consecutive ones
by shortest paths, which a two-state Viterbi (each segment driven one way or the other) does.
"""
from __future__ import annotations

import numpy as np


def route_from_gps(net, x, y, max_offroad_m: float = 50.0, junction_m: float = 20.0) -> list[int]:
    """Node path that follows the GPS points. Raises ValueError when the GPS is off the network.

    Points within `junction_m` of a segment's end are not used to pick segments: there the nearest
    segment is often a cross street, and the shortest-path stitching fills the gap correctly.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    segs = np.asarray(net.nearest_segment(x, y))
    keep = []
    for i in range(len(x)):
        d, off = net.project(int(segs[i]), x[i], y[i])
        L = net.seg_len[int(segs[i])]
        if d <= max_offroad_m and (junction_m <= off <= L - junction_m or i in (0, len(x) - 1)):
            keep.append(i)
    if len(keep) < 2:
        raise ValueError(f"GPS track is off the road network {net.name!r} (fewer than 2 points within "
                         f"{max_offroad_m:g} m of a road)")
    seq = [int(segs[keep[0]])]
    for i in keep[1:]:
        if int(segs[i]) != seq[-1]:
            seq.append(int(segs[i]))
    if len(seq) == 1:
        e = int(net.edges_of_segment(seq[0])[0])
        return [int(net.u[e]), int(net.v[e])]
    # States: segment k driven (a->b) or (b->a), only where a directed edge exists.
    dirs = []
    for s in seq:
        dirs.append([(int(net.u[e]), int(net.v[e])) for e in net.edges_of_segment(s)])
    INF = np.inf
    cost = [np.array([net.seg_len[seq[0]]] * len(dirs[0]))]
    back = [None]
    for k in range(1, len(seq)):
        exits = sorted({d[1] for d in dirs[k - 1]})
        dist, pred = net.shortest_paths_from(exits, limit=5000.0)
        dist = np.atleast_2d(dist)
        c = np.full(len(dirs[k]), INF)
        b = np.zeros(len(dirs[k]), int)
        for j, (a, _) in enumerate(dirs[k]):
            for i, (_, ex) in enumerate(dirs[k - 1]):
                v = cost[-1][i] + dist[exits.index(ex), a] + net.seg_len[seq[k]]
                if v < c[j]:
                    c[j], b[j] = v, i
        if not np.isfinite(c).any():
            raise ValueError(f"GPS track jumps between unconnected roads near point {keep[min(k, len(keep) - 1)]}")
        cost.append(c)
        back.append(b)
    # Backtrack the orientations, then stitch with shortest paths.
    j = int(np.argmin(cost[-1]))
    choice = [j]
    for k in range(len(seq) - 1, 0, -1):
        j = int(back[k][j])
        choice.append(j)
    choice = choice[::-1]
    nodes = list(dirs[0][choice[0]])
    for k in range(1, len(seq)):
        a, b = dirs[k][choice[k]]
        if a != nodes[-1]:
            _, pred = net.shortest_paths_from(nodes[-1], limit=5000.0)
            link = net.node_path(pred, nodes[-1], a)
            nodes.extend(link[1:])
        nodes.append(b)
    return nodes
