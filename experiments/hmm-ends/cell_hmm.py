"""A negative result kept for the next attempt: hmm's progress along its matched route from a 1-D HMM whose emission
is the serving cell (issue 17 section 2, idea (d) in a simple form), scored on the TRAINING cities' simulated drives.

States: distance along the route every dx metres; steps of dt seconds, the phone moving 0..vmax (a share p_stop
standing). Between records the serving cell is the last record's (one record per change of cell). Emission:
log P(serving c | s) = sum over the trace's other cell positions c' of log sigmoid((PL(c') - PL(c) + H) / tau),
PL = pl x log10(distance) (path loss, dB), H a hysteresis, tau the shadowing's spread; tempered by gamma; a share
eps of any cell. Output: the posterior median at every sample time. Compared with today's timing (Kalman track +
learned handover shifts), alone and blended half and half:

    PYTHONPATH=backend python experiments/hmm-ends/cell_hmm.py --per-city 50 --seed 7101 --every 4
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import log_expit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from harness import CITIES, cases  # noqa: E402


def cell_progress(route, t, x, y, tq, dx=20.0, dt=5.0, pl=35.0, H=10.0, tau=6.0, gamma=0.2, eps=0.02,
                  vmax=20.0, p_stop=0.3, out="median"):
    """Distance along the route at times tq: the posterior median (or mean) of the 1-D HMM (forward-backward)."""
    L = route.length
    S = max(int(np.ceil(L / dx)) + 1, 2)
    sg = np.linspace(0, L, S)
    px, py = np.interp(sg, route.cum, route.xy[:, 0]), np.interp(sg, route.cum, route.xy[:, 1])
    cxy, inv = np.unique(np.round(np.column_stack([x, y]), 1), axis=0, return_inverse=True)
    inv = inv.ravel()
    d = np.maximum(np.hypot(px[None] - cxy[:, :1], py[None] - cxy[:, 1:]), 30.0)  # (C, S)
    ld = pl * np.log10(d)  # path loss dB
    C = len(cxy)
    # log p(serving c | s) = sum_{c' != c} log sigma((PL_c' - PL_c + H)/tau)
    diff = (ld[None, :, :] - ld[:, None, :] + H) / tau  # [c, c', s]: PL_c' - PL_c
    lp = log_expit(diff)
    lp[np.arange(C), np.arange(C)] = 0.0
    E = lp.sum(1)  # (C, S)
    E = np.logaddexp(np.log(1 - eps) + E, np.log(eps))
    t0, t1 = float(t[0]), float(t[-1])
    n = max(int(np.ceil((t1 - t0) / dt)), 1) + 1
    tg = np.linspace(t0, t1, n)
    idx = np.searchsorted(t, tg, side="right") - 1
    ci = inv[np.clip(idx, 0, len(t) - 1)]
    step = tg[1] - tg[0] if n > 1 else dt
    K = max(int(np.ceil(vmax * step / dx)), 1)
    lt = np.full(K + 1, np.log((1 - p_stop) / K))
    lt[0] = np.log(p_stop)
    la = np.empty((n, S))
    a = -np.log(S) + gamma * E[ci[0]]
    a = a + np.log(np.exp(-sg / 300.0) + 1e-3)  # start prior: near the route's start
    la[0] = a
    for k in range(1, n):
        acc = np.full(S, -np.inf)
        for j in range(min(K, S - 1) + 1):
            acc[j:] = np.logaddexp(acc[j:], a[:S - j] + lt[j])
        a = acc + gamma * E[ci[k]]
        a -= a.max()
        la[k] = a
    b = np.zeros(S)
    b = b + np.log(np.exp(-(L - sg) / 300.0) + 1e-3)  # end prior: near the route's end
    post = np.empty((n, S))
    post[-1] = la[-1] + b
    for k in range(n - 2, -1, -1):
        bb = b + gamma * E[ci[k + 1]]
        nb = np.full(S, -np.inf)
        for j in range(min(K, S - 1) + 1):
            nb[:S - j] = np.logaddexp(nb[:S - j], bb[j:] + lt[j])
        b = nb - nb.max()
        post[k] = la[k] + b
    post -= post.max(1, keepdims=True)
    p = np.exp(post)
    p /= p.sum(1, keepdims=True)
    if out == "median":
        cdf = np.cumsum(p, 1)
        m = np.array([np.interp(0.5, c, sg) for c in cdf])
    else:
        m = p @ sg
    return np.interp(tq, tg, np.maximum.accumulate(m))


GRID = ({"gamma": 0.5}, {"gamma": 2.0, "tau": 10.0}, {"gamma": 2.0, "tau": 10.0, "H": 0.0},
        {"gamma": 2.0, "tau": 10.0, "H": 5.0}, {"gamma": 4.0, "tau": 10.0, "out": "mean"})


def main() -> None:
    from sig2gps.mapmatch import TimingConfig
    from sig2gps.mapmatch.handover import handover_progress
    from sig2gps.mapmatch.timing import timestamp_route, track_progress

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-city", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7101)
    ap.add_argument("--every", type=int, default=4, help="score every k-th matched drive")
    ap.add_argument("--osm-dir", default="../shared/data/osm")
    a = ap.parse_args()
    cs = [c for i, city in enumerate(CITIES) for c in cases(city, a.per_city, a.seed + i, a.osm_dir)][::a.every]
    tc = TimingConfig(ends=False, max_speed_ms=47.5)
    base = {}
    for c in cs:
        tq, s = track_progress(c.route, c.obs.t, c.t[0], c.t[-1], tc, (c.obs.x, c.obs.y), c.obs.track)
        base[id(c)] = (tq, handover_progress(c.route, c.t, c.x, c.y, tq, s, tc, c.scale))

    def report(name, f):
        res, t0 = {}, time.perf_counter()
        for c in cs:
            tq, sb = base[id(c)]
            t, x, y = timestamp_route(c.route, None, c.t[0], c.t[-1], tc, None, None, (tq, f(c, tq, sb)))
            e = np.hypot(np.interp(c.gps_t, t, x) - c.gps_xy[:, 0], np.interp(c.gps_t, t, y) - c.gps_xy[:, 1])
            for k in (c.kind, "all"):
                res.setdefault(k, []).append(e)
        print(f"{name:50s}", " ".join(f"{k}: {np.concatenate(v).mean():.1f}" for k, v in sorted(res.items())),
              f"({time.perf_counter() - t0:.1f} s)", flush=True)

    report("today (track + learned shifts)", lambda c, tq, sb: sb)
    for kw in GRID:
        report(f"cells {kw}", lambda c, tq, sb: cell_progress(c.route, c.t, c.x, c.y, tq, **kw))
        report(f"half and half {kw}", lambda c, tq, sb: 0.5 * sb + 0.5 * cell_progress(c.route, c.t, c.x, c.y, tq, **kw))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
