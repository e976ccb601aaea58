"""Is a reconstructed track something a car could have driven? One check, shared by every method.

A user sees each output as a line on a map. A line that jumps across city blocks in two seconds, or
zig-zags between towers, is not a trajectory however good its error statistics are. Every rollout
of every method goes through `check_plausibility` (in `methods.base`), carries the result in
`Rollout.info["plausibility"]`, and one that fails carries `info["failed"]` with the reasons.

What is checked, all in metres and seconds:
- speed: the fastest step between consecutive points, and how many steps exceed the limit;
- length: the track's length against a reference span (the straight-line span of the signaling
  trace when given, else the track's own), which catches zig-zags at legal speeds;
- roads: with a road network, the share of points within a tolerance of a road;
- pieces: a method that could not join its route (no road between two parts) reports where the new
  pieces start; the steps across those gaps are not drawn, so they are not counted as steps, but a
  track in pieces is not one drivable path and fails.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .metrics import LocalFrame
from .types import GpsTrace

MIN_SPAN_M = 1000.0  # a reference span shorter than this counts as this (a parked phone's span is ~0)


@dataclass(frozen=True)
class Plausibility:
    """The verdict on one track and the numbers behind it."""

    ok: bool
    max_speed_mps: float  # fastest step between consecutive points (inf: distance covered in zero time)
    n_fast_steps: int  # steps faster than the limit
    length_ratio: float  # track length / reference span (nan when there is no span to compare with)
    on_road_share: float | None  # share of points within the tolerance of a road (None: no network given)
    n_pieces: int  # connected pieces the track comes in (1: one path)
    reasons: tuple[str, ...]  # why it failed, one short sentence per failed check (empty when ok)

    def as_info(self) -> dict:
        """A json-serialisable dict for Rollout.info["plausibility"] (non-finite numbers become None)."""
        fin = lambda v: None if v is None or not np.isfinite(v) else round(float(v), 3)
        return {"ok": bool(self.ok), "max_speed_mps": fin(self.max_speed_mps), "n_fast_steps": int(self.n_fast_steps),
                "length_ratio": fin(self.length_ratio), "on_road_share": fin(self.on_road_share),
                "n_pieces": int(self.n_pieces), "reasons": list(self.reasons)}

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _xy(lon, lat, network):
    """Positions in metres: the network's own CRS when there is one, else a local frame at the first point."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if network is not None:
        x, y = network.to_xy(lon, lat)
        return np.asarray(x, float), np.asarray(y, float)
    return LocalFrame(float(lon[0]), float(lat[0])).to_xy(lon, lat)


def _span_m(span_lonlat, network) -> float | None:
    if span_lonlat is None:
        return None
    lon, lat = (span_lonlat.lon, span_lonlat.lat) if hasattr(span_lonlat, "lon") else span_lonlat
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if not len(lon):
        return None
    x, y = _xy(lon, lat, network)
    return float(np.hypot(x.max() - x.min(), y.max() - y.min()))


def on_road_share(x, y, network, tol_m: float, max_points: int = 1000, segments=None) -> float:
    """Share of the points (network metres) that lie within `tol_m` of a road segment of `network`.

    segments: ids of network segments the points were drawn along, when the caller knows them (a map matcher's
    route): a point proven within `tol_m` of one of them (`_near_segments`) counts without the network's index,
    which only sees the others. The share is the same with or without them."""
    if not len(x):
        return 1.0
    if len(x) > max_points:  # the share, from evenly spread points (within a few % of it; the check's cost stays flat)
        pick = np.linspace(0, len(x) - 1, max_points).round().astype(int)
        x, y = np.asarray(x)[pick], np.asarray(y)[pick]
    x, y = np.asarray(x, float), np.asarray(y, float)
    rest = np.arange(len(x))
    if segments is not None and len(segments) and tol_m >= 1.0:
        rest = np.flatnonzero(~_near_segments(x, y, network, segments, tol_m))
    return float((len(x) - len(rest) + _n_near_roads(x[rest], y[rest], network, tol_m)) / len(x))


def _n_near_roads(x, y, network, tol_m: float) -> int:
    """How many of the points lie within `tol_m` of a road segment of `network` (GEOS, its segment index)."""
    if not len(x):
        return 0
    from shapely import LineString, STRtree, points

    tree = getattr(network, "_tree", None)  # the network's own segment index (RoadNetwork), else one built here
    if tree is None:
        tree = STRtree([LineString(g) for g in network.seg_xy])
    hit, _ = tree.query(points(np.column_stack([x, y])), predicate="dwithin", distance=tol_m)
    return len(np.unique(hit))


PROOF_MARGIN_M = 1e-6  # a point counts as near a segment only this much inside the tolerance (float rounding)


def _near_segments(x, y, network, segments, tol_m: float) -> np.ndarray:
    """Which points are certainly within `tol_m` of one of the network segments `segments`: a point within
    tol_m - PROOF_MARGIN_M of a sample taken on a segment's pieces (samples at most 1.5 tol_m apart, so a point
    on a piece is at most 0.75 tol_m from one). A sample lies on the piece, so its distance bounds the piece's from
    above: a point found here is one GEOS finds too; one missed is left to the exact check."""
    from scipy.spatial import cKDTree

    flat, off = network._seg_flat  # every segment's vertices in one array (network.topology)
    s = np.unique(np.asarray(segments, np.int64))
    n = off[s + 1] - off[s]
    v = np.repeat(off[s] - (np.cumsum(n) - n), n) + np.arange(n.sum())  # the segments' vertices, in order
    a, b = flat[v[:-1]], flat[v[1:]]
    own = np.diff(np.repeat(np.arange(len(s)), n)) == 0  # consecutive vertices of one segment: a piece
    a, b = a[own], b[own]
    step = 1.5 * tol_m
    m = np.ceil(np.hypot(*(b - a).T) / step).astype(np.int64) + 1  # samples a piece, both ends included
    k = np.repeat(np.arange(len(a)), m)
    f = (np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)) / np.maximum(m - 1, 1)[k]
    pts = a[k] + f[:, None] * (b - a)[k]
    if not len(pts):
        return np.zeros(len(x), bool)
    d, _ = cKDTree(pts).query(np.column_stack([x, y]), distance_upper_bound=tol_m - PROOF_MARGIN_M)
    return d <= tol_m - PROOF_MARGIN_M


def check_plausibility(track: GpsTrace, network=None, *, max_speed_mps: float = 50.0, span_lonlat=None,
                       max_length_ratio: float = 4.0, road_tol_m: float = 30.0, min_on_road_share: float = 0.9,
                       piece_starts=(), road_segments=None) -> Plausibility:
    """Check one track (see the module doc). Fails on any step faster than `max_speed_mps`, a length above
    `max_length_ratio` x the reference span, fewer than `min_on_road_share` of the points on a road (only
    with a network), or more than one piece.

    span_lonlat: (lon, lat) arrays (or anything with .lon/.lat, e.g. the SignalingTrace) whose bounding-box
    diagonal is the reference span; piece_starts: indices of points that start a new piece (the method
    could not join the route there); road_segments: ids of the network segments the track was drawn along,
    when the method knows them (on_road_share: the same share, found faster).
    """
    n = len(track)
    reasons = []
    starts = sorted({int(i) for i in piece_starts if 0 < int(i) < n})
    n_pieces = len(starts) + 1
    if n < 2:
        return Plausibility(n == 1, 0.0, 0, float("nan"), None, n_pieces, () if n else ("empty track",))
    x, y = _xy(track.lon, track.lat, network)
    d = np.hypot(np.diff(x), np.diff(y))
    dt = np.diff(np.asarray(track.t, float))
    drawn = np.ones(n - 1, bool)
    drawn[np.asarray(starts, int) - 1] = False  # the gap before a new piece is not a step
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(d > 0.5, d / np.where(dt > 0, dt, 0.0), 0.0)  # moving in zero time: infinitely fast
    v = np.where(drawn, v, 0.0)
    fast = v > max_speed_mps
    vmax = float(v.max()) if len(v) else 0.0
    if fast.any():
        worst = int(np.argmax(v))
        reasons.append(f"{int(fast.sum())} step(s) faster than {max_speed_mps:g} m/s (worst {vmax:.0f} m/s: "
                       f"{d[worst]:.0f} m in {dt[worst]:g} s)")
    length = float(d[drawn].sum())
    span = _span_m(span_lonlat, network)
    if span is None:
        span = float(np.hypot(x.max() - x.min(), y.max() - y.min()))
    ratio = length / max(span, MIN_SPAN_M)
    if ratio > max_length_ratio:
        reasons.append(f"track length {length:.0f} m is {ratio:.1f}x the span {max(span, MIN_SPAN_M):.0f} m "
                       f"(more than {max_length_ratio:g}x: a zig-zag)")
    share = None
    if network is not None:
        share = on_road_share(x, y, network, road_tol_m, segments=road_segments)
        if share < min_on_road_share:
            reasons.append(f"only {100 * share:.0f}% of points within {road_tol_m:g} m of a road")
    if n_pieces > 1:
        reasons.append(f"in {n_pieces} pieces: no road route joins them")
    return Plausibility(not reasons, vmax, int(fast.sum()), ratio, share, n_pieces, tuple(reasons))
