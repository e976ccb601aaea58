"""Handover timing on simulated drives of the TRAINING cities (never campo-grande): how far the boundary
crossings land from the truth (on hmm's matched route and on the true driven path), and the MAE at the GPS
times of the tower track's timing, of perfect handover anchors, and of perfect timing on hmm's route.

    PYTHONPATH=backend python experiments/hmm-timing/study.py --per-city 120 --seed 9001 --tag study
Caches the matched simulations under out/hmm-timing/ (pickle; tune.py reuses them) and writes <tag>.json here.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CITIES = ("baltimore", "liechtenstein", "harrisburg", "krems")


def matched(city: str, n: int, seed: int, osm_dir: str) -> dict:
    from sig2gps.benchdata import CITY_FILES
    from sig2gps.network import load_network
    from sig2gps.train.timing import match_sims, simulate_city

    cache = Path("out/hmm-timing") / f"{city}-{n}-{seed}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    net = load_network(str(Path(osm_dir) / CITY_FILES[city]))
    sims, true_cells, est_cells = simulate_city(net, n, seed)
    out = {"true": match_sims(net, sims, true_cells), "estimated": match_sims(net, sims, est_cells)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def gps_mae(m, tq, s) -> np.ndarray:
    """Errors (m) at the ground-truth GPS times of the progress curve (tq, s) on m's route."""
    from sig2gps.mapmatch.drivable import limit_speed

    s, _ = limit_speed(tq, np.maximum.accumulate(s), 45.0)
    sg = np.interp(m.gps_t, tq, s)
    px, py = np.interp(sg, m.route.cum, m.route.xy[:, 0]), np.interp(sg, m.route.cum, m.route.xy[:, 1])
    return np.hypot(px - m.gps_xy[:, 0], py - m.gps_xy[:, 1])


def anchor_rows(m, window: float = 600.0) -> np.ndarray:
    """Per handover on the matched route: s_guess (track), s_true, crossing c=0, crossing c=0.6."""
    from sig2gps.mapmatch.handover import crossings, find_handovers
    from sig2gps.train.timing import true_progress

    ho = find_handovers(m.t, m.x, m.y)
    if not len(ho):
        return np.zeros((0, 4))
    sg = np.interp(ho.t, m.tq, m.s_track)
    return np.column_stack([sg, true_progress(m, ho.t, sg), crossings(m.route.xy, m.route.cum, ho, sg, window, 0.0),
                            crossings(m.route.xy, m.route.cum, ho, sg, window, 0.6)])


def true_route_crossings(m, c: float) -> np.ndarray:
    """Crossing minus truth (m) of each handover on the TRUE driven path, searched around the truth itself."""
    from sig2gps.mapmatch.handover import crossings, find_handovers

    xy = m.truth_xy
    cum = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
    ho = find_handovers(m.t, m.x, m.y)
    st = np.interp(ho.t, m.truth_t, cum)
    return crossings(xy, cum, ho, st, 600.0, c) - st


def anchored_progress(tq, s_guess, route_cum, route_time, t_anchor, s_anchor, weight, t_start, t_end
                      ) -> np.ndarray:
    """Distance along the route at times tq through the anchors (t, s), monotone, moving between anchors at the
    route's free-flow speed profile (cum_time: free-flow seconds at each vertex distance) scaled to meet
    them; the ends are the trip's ends. Anchors are first made monotone (weighted isotonic regression)."""
    from scipy.optimize import isotonic_regression

    L = route_cum[-1]
    if not len(t_anchor):
        return np.asarray(s_guess, float)
    order = np.argsort(t_anchor, kind="stable")
    ta, sa, wa = np.asarray(t_anchor)[order], np.asarray(s_anchor)[order], np.asarray(weight)[order]
    sa = np.clip(np.asarray(isotonic_regression(sa, weights=wa).x), 0.0, L)
    ta = np.r_[t_start, ta, t_end]
    sa = np.r_[0.0, sa, L]
    ta = np.maximum.accumulate(ta)
    if route_time[-1] > 0:  # interpolate free-flow time, not distance: slower roads take a larger share
        tau = np.interp(sa, route_cum, route_time)
        return np.interp(np.interp(tq, ta, tau), route_time, route_cum)
    return np.interp(tq, ta, sa)


def deciles(v: np.ndarray, frac: np.ndarray) -> list:
    b = np.minimum((frac * 10).astype(int), 9)
    return [round(float(v[b == i].mean()), 1) for i in range(10)]


def study(ms) -> dict:
    from sig2gps.train.timing import true_progress

    rows = np.concatenate([anchor_rows(m) for m in ms])
    sg, st = rows[:, 0], rows[:, 1]
    r = {"traces": len(ms), "handovers": len(rows), "track_abs_err_at_handovers_m": float(np.abs(sg - st).mean())}
    for col, c in ((2, 0.0), (3, 0.6)):
        ok = np.isfinite(rows[:, col])
        e = rows[ok, col] - st[ok]
        tr = np.concatenate([true_route_crossings(m, c) for m in ms])
        r[f"crossing_c{c}"] = {"found": float(ok.mean()), "abs_err_m": float(np.abs(e).mean()),
                               "corr_with_track_error": float(np.corrcoef(rows[ok, col] - sg[ok], st[ok] - sg[ok])[0, 1]),
                               "true_route_found": float(np.isfinite(tr).mean()),
                               "true_route_abs_err_m": float(np.nanmean(np.abs(tr))),
                               "true_route_median_abs_m": float(np.nanmedian(np.abs(tr)))}
    e_track, e_route, e_anchor, frac = [], [], [], []
    for m in ms:
        e_track.append(gps_mae(m, m.tq, m.s_track))
        e_route.append(gps_mae(m, m.tq, true_progress(m, m.tq, m.s_track)))  # perfect timing on the matched route
        a = anchor_rows(m)
        # the handovers placed exactly where the phone was (on the matched route), constant free-flow speed between
        e_anchor.append(gps_mae(m, m.tq, anchored_progress(m.tq, m.s_track, m.route.cum, m.route.cum_time,
                                                           _ho_times(m), a[:, 1], np.ones(len(a)), m.tq[0],
                                                           m.tq[-1])))
        frac.append((m.gps_t - m.gps_t[0]) / max(m.gps_t[-1] - m.gps_t[0], 1e-9))
    e_track, e_route, e_anchor, frac = map(np.concatenate, (e_track, e_route, e_anchor, frac))
    r.update({"mae_track_m": float(e_track.mean()), "mae_perfect_timing_on_route_m": float(e_route.mean()),
              "mae_perfect_handover_anchors_m": float(e_anchor.mean()),
              "by_decile_of_trip_time": {"track": deciles(e_track, frac), "perfect_timing": deciles(e_route, frac)}})
    return r


def _ho_times(m) -> np.ndarray:
    from sig2gps.mapmatch.handover import find_handovers

    return find_handovers(m.t, m.x, m.y).t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-city", type=int, default=40)
    ap.add_argument("--seed", type=int, default=9001)
    ap.add_argument("--osm-dir", default="../shared/data/osm")
    ap.add_argument("--tag", default="study")
    a = ap.parse_args()
    res = {}
    for kind in ("true", "estimated"):
        ms = [m for i, city in enumerate(CITIES) for m in matched(city, a.per_city, a.seed + i, a.osm_dir)[kind]]
        res[kind] = study(ms)
        print(kind, json.dumps(res[kind], indent=1), flush=True)
    (HERE / f"{a.tag}.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
