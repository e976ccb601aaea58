"""Calibration statistics of a serving-cell sequence: pure functions, identical for real logs and simulation.

Input everywhere is a list of `Sequence`s: one contiguous ~1 Hz recording of (time, device position in a
local metric frame, serving cell code). The real Cork logs and the simulator's 1 Hz serving sequence are
both turned into this one shape, so every number in the calibration table comes from the same code.

Definitions (the denominators matter for comparability):
- cell change: row i whose cell differs from row i-1 (within one sequence);
- handovers per km / per minute: all changes / all distance (or time) travelled, pooled over sequences;
- dwell: a run of rows on one cell that starts and ends with a change (first and last runs are censored
  and left out); its time and distance run from its first row to the first row of the next run;
- ping-pong: of consecutive change pairs A->B, B->C, the share with C == A (returning within W seconds
  of leaving A, for each window W, and at any time);
- distinct cells per 2 km: the sequence is cut into consecutive 2 km pieces of distance travelled (the
  incomplete tail is dropped); mean of the number of distinct cells seen in each piece;
- serving distance: per row, device to the serving cell's position (estimated: the mean of the positions
  where the cell served, pooled over all sequences; or the true site when known);
- not nearest: share of rows whose serving cell is not the one with the nearest (estimated) position.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

PING_PONG_WINDOWS_S = (10.0, 30.0, 60.0)
PIECE_M = 2000.0


@dataclass(frozen=True)
class Sequence:
    t: np.ndarray  # (n,) seconds, increasing
    xy: np.ndarray  # (n,2) metres in one local metric frame shared by all sequences of a data set
    cell: np.ndarray  # (n,) integer cell codes, shared by all sequences of a data set

    def __post_init__(self):
        if not (len(self.t) == len(self.xy) == len(self.cell)):
            raise ValueError(f"sequence arrays differ in length: t {len(self.t)}, xy {len(self.xy)}, "
                             f"cell {len(self.cell)}")

    def cumdist(self) -> np.ndarray:
        """Distance travelled since the first row (m)."""
        if len(self.t) < 2:
            return np.zeros(len(self.t))
        return np.r_[0.0, np.cumsum(np.hypot(*np.diff(self.xy, axis=0).T))]


def hold_fix(xy: np.ndarray, step_m: float) -> np.ndarray:
    """Positions as a logger that reports a new fix only after moving `step_m` from the last one.

    The Cork logs update the GPS position only once the phone has moved about 100 m (99% of the
    position updates are 100-123 m apart); the simulator's exact positions go through the same rule
    so that distance-based statistics are measured with the same instrument on both sides.
    """
    xy = np.asarray(xy, float)
    out = np.empty_like(xy)
    if len(xy) == 0:
        return out
    last = xy[0]
    for i, p in enumerate(xy):  # a plain loop: the held fix depends on the previous decision
        if (p[0] - last[0]) ** 2 + (p[1] - last[1]) ** 2 >= step_m * step_m:
            last = p
        out[i] = last
    return out


def change_index(cell: np.ndarray) -> np.ndarray:
    """Rows where the serving cell differs from the previous row."""
    return np.flatnonzero(np.asarray(cell)[1:] != np.asarray(cell)[:-1]) + 1


def handover_rates(seqs: list[Sequence]) -> tuple[float, float]:
    """(changes per km, changes per minute), pooled over all sequences."""
    n = sum(len(change_index(s.cell)) for s in seqs)
    km = sum(s.cumdist()[-1] for s in seqs if len(s.t)) / 1000.0
    minutes = sum(s.t[-1] - s.t[0] for s in seqs if len(s.t)) / 60.0
    return (n / km if km > 0 else float("nan")), (n / minutes if minutes > 0 else float("nan"))


def dwells(seq: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Time (s) and distance (m) of every uncensored run on one cell."""
    ch = change_index(seq.cell)
    if len(ch) < 2:
        return np.zeros(0), np.zeros(0)
    d = seq.cumdist()
    return np.diff(seq.t[ch]), np.diff(d[ch])


def ping_pong_counts(seq: Sequence, windows=PING_PONG_WINDOWS_S) -> tuple[int, np.ndarray, int]:
    """(consecutive change pairs, A->B->A returns within each window, A->B->A returns at any time)."""
    ch = change_index(seq.cell)
    if len(ch) < 2:
        return 0, np.zeros(len(windows), int), 0
    before = seq.cell[ch - 1]  # A of each change A->B
    after = seq.cell[ch]  # B
    back = after[1:] == before[:-1]  # the next change returns to A (its A is B, so C == A)
    gap = seq.t[ch[1:]] - seq.t[ch[:-1]]  # time spent on B before returning
    within = np.array([int(np.sum(back & (gap <= w))) for w in windows])
    return len(ch) - 1, within, int(back.sum())


def ping_pong_shares(seqs: list[Sequence], windows=PING_PONG_WINDOWS_S) -> dict[str, float]:
    pairs, within, anytime = 0, np.zeros(len(windows), int), 0
    for s in seqs:
        p, w, a = ping_pong_counts(s, windows)
        pairs, within, anytime = pairs + p, within + w, anytime + a
    out = {f"pingpong_{int(w)}s": (within[k] / pairs if pairs else float("nan")) for k, w in enumerate(windows)}
    out["pingpong_any"] = anytime / pairs if pairs else float("nan")
    return out


def distinct_cells_per_piece(seq: Sequence, piece_m: float = PIECE_M) -> list[int]:
    """Distinct cells in each complete `piece_m` piece of distance travelled."""
    d = seq.cumdist()
    if len(d) == 0 or d[-1] < piece_m:
        return []
    k = (d // piece_m).astype(int)
    full = int(d[-1] // piece_m)  # pieces 0..full-1 are complete
    return [len(np.unique(seq.cell[k == j])) for j in range(full)]


def estimate_cell_positions(seqs: list[Sequence]) -> dict[int, np.ndarray]:
    """Each cell's position estimated as the mean device position over the rows it served."""
    cells = np.concatenate([s.cell for s in seqs])
    xy = np.vstack([s.xy for s in seqs])
    codes, inv = np.unique(cells, return_inverse=True)
    cnt = np.bincount(inv)
    mx = np.bincount(inv, xy[:, 0]) / cnt
    my = np.bincount(inv, xy[:, 1]) / cnt
    return {int(c): np.array([x, y]) for c, x, y in zip(codes, mx, my)}


def _lookup(positions: dict[int, np.ndarray], cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of rows whose cell has a position, their positions), vectorised over rows."""
    codes = np.array(sorted(positions), dtype=np.int64)
    xy = np.array([positions[int(c)] for c in codes]).reshape(-1, 2)
    cell = np.asarray(cell, dtype=np.int64)
    i = np.clip(np.searchsorted(codes, cell), 0, max(len(codes) - 1, 0))
    ok = codes[i] == cell if len(codes) else np.zeros(len(cell), bool)
    return ok, xy[i[ok]]


def serving_distances(seqs: list[Sequence], positions: dict[int, np.ndarray]) -> np.ndarray:
    """Per row: device to its serving cell's position (rows whose cell has no position are skipped)."""
    out = []
    for s in seqs:
        ok, p = _lookup(positions, s.cell)
        out.append(np.hypot(*(s.xy[ok] - p).T))
    return np.concatenate(out) if out else np.zeros(0)


def not_nearest_share(seqs: list[Sequence], positions: dict[int, np.ndarray]) -> float:
    """Share of rows whose serving cell is farther than the nearest cell position (ties count as nearest:
    sectors of one site share its position)."""
    tree = cKDTree(np.array([positions[c] for c in sorted(positions)]))
    far = total = 0
    for s in seqs:
        ok, p = _lookup(positions, s.cell)
        if not ok.any():
            continue
        dmin, _ = tree.query(s.xy[ok])
        far += int(np.sum(np.hypot(*(s.xy[ok] - p).T) > dmin + 1e-6))
        total += int(ok.sum())
    return far / total if total else float("nan")


def _median(a) -> float:
    return float(np.median(a)) if len(a) else float("nan")


def summarize(seqs: list[Sequence], true_positions: dict[int, np.ndarray] | None = None) -> dict[str, float]:
    """All calibration statistics of a data set (see the module docstring for definitions)."""
    seqs = [s for s in seqs if len(s.t) >= 2]
    if not seqs:
        raise ValueError("no sequence with at least two rows to compute calibration statistics from")
    per_km, per_min = handover_rates(seqs)
    dt, dd = (np.concatenate(x) for x in zip(*(dwells(s) for s in seqs)))
    pieces = [c for s in seqs for c in distinct_cells_per_piece(s)]
    est = estimate_cell_positions(seqs)
    dist = serving_distances(seqs, est)
    out = {
        "rows": float(sum(len(s.t) for s in seqs)),
        "km": sum(s.cumdist()[-1] for s in seqs) / 1000.0,
        "hours": sum(s.t[-1] - s.t[0] for s in seqs) / 3600.0,
        "handovers_per_km": per_km,
        "handovers_per_min": per_min,
        "dwell_median_s": _median(dt),
        "dwell_median_m": _median(dd),
        **ping_pong_shares(seqs),
        "distinct_cells_per_2km": float(np.mean(pieces)) if pieces else float("nan"),
        "dist_to_cell_median_m": _median(dist),
        "dist_to_cell_p90_m": float(np.percentile(dist, 90)) if len(dist) else float("nan"),
        "not_nearest_share": not_nearest_share(seqs, est),
    }
    if true_positions is not None:
        true = serving_distances(seqs, true_positions)
        out["dist_to_site_median_m"] = _median(true)
        out["dist_to_site_p90_m"] = float(np.percentile(true, 90)) if len(true) else float("nan")
        out["not_nearest_site_share"] = not_nearest_share(seqs, true_positions)
    return out
