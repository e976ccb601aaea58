"""Building a fingerprint map from files: signaling.csv + gps.csv (+ routes.csv when known)."""
from __future__ import annotations

import logging


from ..io import read_gps, read_signaling
from .build import FingerprintConfig, build_fingerprint
from .gps_route import route_from_gps
from .route_timing import nodes_from_segments, time_route
from .segments import read_routes

log = logging.getLogger(__name__)


def samples_from_files(net, signaling, gps, routes=None, cells=None):
    """(SignalingTrace, TimedRoute) for every trace present in both files, and the problems met.

    Returns (samples, problems): a trace that cannot be aligned is reported and skipped, the others go on.
    """
    traces, rep = read_signaling(signaling, cells=cells)
    tracks, grep = read_gps(gps, min_points=2)
    by_id = {g.trace_id: g for g in tracks}
    route_segs = read_routes(routes) if routes else {}
    problems = [f"{e.trace_id}: {e.reason}" for e in rep.errors + grep.errors]
    samples = []
    for tr in traces:
        g = by_id.get(tr.trace_id)
        if g is None:
            problems.append(f"{tr.trace_id}: no GPS track with this trace id in {gps}")
            continue
        try:
            x, y = net.to_xy(g.lon, g.lat)
            segs = route_segs.get(tr.trace_id)
            if routes and segs is None:
                raise ValueError(f"not in {routes}")
            try:
                nodes = nodes_from_segments(net, segs) if segs else route_from_gps(net, x, y)
            except ValueError:
                if not segs or len(segs) != 1:
                    raise
                nodes = route_from_gps(net, x, y)  # a one-segment route: orient it by GPS
            samples.append((tr, time_route(net, nodes, g.t, x, y)))
        except (ValueError, KeyError) as e:
            problems.append(f"{tr.trace_id}: cannot align with the road network: {e}")
    return samples, problems


def build_from_files(net, signaling, gps, routes=None, cells=None, cfg: FingerprintConfig = FingerprintConfig()):
    samples, problems = samples_from_files(net, signaling, gps, routes, cells)
    if not samples:
        raise ValueError(f"{signaling}: no trace could be aligned with {gps} on {net.name!r}"
                         + (f" (first problem: {problems[0]})" if problems else ""))
    fp = build_fingerprint(net, samples, cells=cells, cfg=cfg, source=str(signaling))
    return fp, problems
