"""Cross-system linkage: pair signaling traces with GPS trajectories that share no ids.

The paper builds its training pairs this way (METHOD.md section 6): a signaling trace and a GPS
trajectory are the same trip when (i) the GPS shows sustained movement, (ii) the two overlap in time
long enough, and (iii) at the signaling records' times the GPS stays within a bound of the serving
towers. Only the best candidate of a trace is kept, and a trace whose best candidate is not clearly
better than its second (or whose GPS is claimed as clearly by another trace) is dropped as ambiguous:
a wrong pair poisons training more than a missing one.

Scale: the GPS pool is indexed by time buckets, so a signaling trace only meets the GPS trajectories
that overlap it in time; the spatial check is vectorised per candidate.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .metrics import LocalFrame
from .types import GpsTrace, SignalingTrace


@dataclass(frozen=True)
class PairingConfig:
    min_overlap_s: float = 300.0  # (ii) shortest time overlap that can support a pair
    min_overlap_share: float = 0.5  # (ii) ... also as a share of the signaling trace's own span
    min_records: int = 15  # (ii) ... and holding at least this many signaling records (evidence)
    min_moving_share: float = 0.3  # (i) share of the overlap the GPS moves faster than moving_ms
    moving_ms: float = 1.0
    min_extent_m: float = 500.0  # (i) the GPS must get this far from where the overlap starts
    max_tower_m: float = 3000.0  # (iii) GPS to serving tower bound at a record's time ...
    min_within_share: float = 0.8  # (iii) ... met by this share of the records (far cells happen)
    smooth_s: float = 120.0  # score: GPS mean and tower median over +-this many seconds around each record
    max_score_m: float = 400.0  # a best candidate scoring worse than this is no pair at all
    ambiguity_ratio: float = 1.2  # the second candidate's score must be this many times the best's
    ambiguity_floor_m: float = 50.0  # ... and at least this many metres worse
    min_rival_records: int = 8  # fewer records in the time overlap: too noisy to score (not even as a rival)
    bucket_s: float = 900.0  # time-index bucket length


@dataclass(frozen=True)
class Pair:
    signaling_id: str
    gps_id: str
    score_m: float  # mean distance of the smoothed GPS to the smoothed serving towers (lower is better)
    second_m: float  # the same for the runner-up candidate (inf when there was none)
    overlap_s: float
    records: int  # signaling records inside the overlap
    within_share: float


@dataclass
class PairingResult:
    pairs: list[Pair]
    rejected: dict[str, str] = field(default_factory=dict)  # signaling_id -> reason
    candidates_checked: int = 0


class GpsTimeIndex:
    """GPS trajectories by time bucket: which trajectories overlap [t0, t1]?"""

    def __init__(self, tracks: list[GpsTrace], bucket_s: float):
        self.bucket_s = bucket_s
        self.start = np.array([tr.t[0] for tr in tracks])
        self.end = np.array([tr.t[-1] for tr in tracks])
        self.buckets: dict[int, list[int]] = defaultdict(list)
        for i, (a, b) in enumerate(zip(self.start, self.end)):
            for k in range(int(a // bucket_s), int(b // bucket_s) + 1):
                self.buckets[k].append(i)

    def overlapping(self, t0: float, t1: float) -> np.ndarray:
        found = set()
        for k in range(int(t0 // self.bucket_s), int(t1 // self.bucket_s) + 1):
            found.update(self.buckets.get(k, ()))
        idx = np.array(sorted(found), dtype=np.int64)
        if len(idx) == 0:
            return idx
        return idx[(self.start[idx] < t1) & (self.end[idx] > t0)]


@dataclass
class _Track:
    t: np.ndarray
    xy: np.ndarray


def _moving_ok(tr: _Track, t0: float, t1: float, cfg: PairingConfig) -> bool:
    """(i) sustained movement of the GPS inside [t0, t1]."""
    m = (tr.t >= t0) & (tr.t <= t1)
    if m.sum() < 2:
        return False
    t, xy = tr.t[m], tr.xy[m]
    dt = np.diff(t)
    v = np.hypot(*np.diff(xy, axis=0).T) / np.maximum(dt, 1e-9)
    moving = dt[v > cfg.moving_ms].sum() / max(t[-1] - t[0], 1e-9)
    extent = np.hypot(*(xy - xy[0]).T).max()
    return bool(moving >= cfg.min_moving_share and extent >= cfg.min_extent_m)


def _window_mean(t: np.ndarray, v: np.ndarray, half: float) -> np.ndarray:
    """Mean of v over the rows within +-half seconds of each row (t sorted)."""
    c = np.vstack([np.zeros((1, v.shape[1])), np.cumsum(v, axis=0)])
    a = np.searchsorted(t, t - half, side="left")
    b = np.searchsorted(t, t + half, side="right")
    return (c[b] - c[a]) / (b - a)[:, None]


def _window_median(t: np.ndarray, v: np.ndarray, half: float) -> np.ndarray:
    """Coordinate-wise median of v over the rows within +-half seconds of each row (t sorted)."""
    a = np.searchsorted(t, t - half, side="left")
    b = np.searchsorted(t, t + half, side="right")
    return np.array([np.median(v[i:j], axis=0) for i, j in zip(a, b)])


def _spatial(tr: _Track, st: np.ndarray, sxy: np.ndarray, smooth: np.ndarray, t0: float, t1: float,
             cfg: PairingConfig):
    """(iii) at the records in [t0, t1]: raw GPS-to-serving-tower distances, and the score.

    The score compares the GPS, averaged over the same window, with the towers' moving median
    (`smooth`): a tower is hundreds of metres off the road and a far cell serves now and then, but the
    towers of a stretch of trip centre on it, while a different vehicle's trajectory stays apart."""
    m = (st >= t0) & (st <= t1)
    if m.sum() < 2:
        return None, np.inf
    g = np.column_stack([np.interp(st[m], tr.t, tr.xy[:, 0]), np.interp(st[m], tr.t, tr.xy[:, 1])])
    raw = np.hypot(*(g - sxy[m]).T)
    diff = _window_mean(st[m], g, cfg.smooth_s) - smooth[m]
    return raw, float(np.mean(np.hypot(*diff.T)))


def pair_traces(signaling: list[SignalingTrace], gps: list[GpsTrace], cfg: PairingConfig = PairingConfig()
                ) -> PairingResult:
    """Link each signaling trace to at most one GPS trajectory (and each trajectory to at most one trace)."""
    res = PairingResult([])
    gps = [g for g in gps if len(g) >= 2]
    if not signaling or not gps:
        for s in signaling:
            res.rejected[s.trace_id] = "no GPS trajectory to compare with"
        return res
    frame = LocalFrame(float(np.median(np.concatenate([g.lon for g in gps]))),
                       float(np.median(np.concatenate([g.lat for g in gps]))))
    tracks = [_Track(np.asarray(g.t, float), np.column_stack(frame.to_xy(g.lon, g.lat))) for g in gps]
    index = GpsTimeIndex(gps, cfg.bucket_s)
    best: list[Pair] = []
    for s in signaling:
        st = np.asarray(s.t, float)
        sxy = np.column_stack(frame.to_xy(s.lon, s.lat))
        smooth = _window_median(st, sxy, cfg.smooth_s)  # once per trace, shared by all its candidates
        span = max(st[-1] - st[0], 1.0)
        scored, rivals, reasons = [], [], set()
        for gi in index.overlapping(st[0], st[-1]):
            res.candidates_checked += 1
            tr = tracks[gi]
            t0, t1 = max(st[0], tr.t[0]), min(st[-1], tr.t[-1])
            ov = t1 - t0
            d, score = _spatial(tr, st, sxy, smooth, t0, t1, cfg)
            if d is None or len(d) < cfg.min_rival_records:
                reasons.add("too few records in the time overlap")
                continue
            # Every candidate with a score is a rival for the ambiguity test, even one that fails the
            # acceptance tests below: a cut-off partner that fits as well as a stranger makes the
            # stranger doubtful.
            rivals.append(score)
            if ov < cfg.min_overlap_s or ov < cfg.min_overlap_share * span or len(d) < cfg.min_records:
                reasons.add("time overlap too short (or too few records in it)")
                continue
            within = float(np.mean(d <= cfg.max_tower_m))
            if within < cfg.min_within_share:
                reasons.add("GPS too far from the serving towers")
                continue
            if not _moving_ok(tr, t0, t1, cfg):
                reasons.add("GPS not moving")
                continue
            scored.append((score, gi, ov, len(d), within))
        if not scored:
            res.rejected[s.trace_id] = "; ".join(sorted(reasons)) or "no GPS trajectory overlaps in time"
            continue
        scored.sort()
        score, gi, ov, n, within = scored[0]
        if score > cfg.max_score_m:
            res.rejected[s.trace_id] = f"best candidate {gps[gi].trace_id} too far from the towers ({score:.0f} m)"
            continue
        rivals.remove(score)
        second = min(rivals) if rivals else np.inf
        if second < max(score * cfg.ambiguity_ratio, score + cfg.ambiguity_floor_m):
            res.rejected[s.trace_id] = f"ambiguous: best {score:.0f} m ({gps[gi].trace_id}) vs second {second:.0f} m"
            continue
        best.append(Pair(s.trace_id, gps[gi].trace_id, score, second, float(ov), n, within))
    # One trajectory, one trace: when several traces claim the same GPS, keep a clear winner only.
    by_gps: dict[str, list[Pair]] = defaultdict(list)
    for p in best:
        by_gps[p.gps_id].append(p)
    for gid, ps in by_gps.items():
        ps.sort(key=lambda p: p.score_m)
        if len(ps) > 1 and ps[1].score_m < max(ps[0].score_m * cfg.ambiguity_ratio,
                                               ps[0].score_m + cfg.ambiguity_floor_m):
            for p in ps:
                res.rejected[p.signaling_id] = f"ambiguous: GPS {gid} fits {len(ps)} signaling traces"
            continue
        res.pairs.append(ps[0])
        for p in ps[1:]:
            res.rejected[p.signaling_id] = f"GPS {gid} fits signaling trace {ps[0].signaling_id} better"
    res.pairs.sort(key=lambda p: p.signaling_id)
    return res


def precision_recall(pairs: list[Pair], truth: dict[str, str]) -> dict[str, float]:
    """Pairing quality against known truth (signaling id -> GPS id, only for traces that have one)."""
    correct = sum(1 for p in pairs if truth.get(p.signaling_id) == p.gps_id)
    return {"accepted": len(pairs), "correct": correct, "pairable": len(truth),
            "precision": correct / len(pairs) if pairs else float("nan"),
            "recall": correct / len(truth) if truth else float("nan")}


def write_pairs(path, pairs: list[Pair]) -> None:
    import csv

    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["signaling_id", "gps_id", "score_m", "second_m", "overlap_s", "records", "within_share"])
        for p in pairs:
            w.writerow([p.signaling_id, p.gps_id, f"{p.score_m:.1f}",
                        "" if not np.isfinite(p.second_m) else f"{p.second_m:.1f}",
                        f"{p.overlap_s:.0f}", p.records, f"{p.within_share:.3f}"])
