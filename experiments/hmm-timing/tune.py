"""Choose the handover timing's settings on simulated drives of the TRAINING cities (never campo-grande).

    PYTHONPATH=backend python experiments/hmm-timing/tune.py --per-city 40 --seed 9001 --tag tune
geometry: a grid over the boundary offset c and the averaging (sigma, prior, gain), on all four cities.
learned: the timing model trained leave-one-city-out (trained on three cities, scored on the fourth), with
the same averaging grid. Scores: MAE (m) at the ground-truth GPS times on hmm's own matched routes,
against the tower track alone ("track"). Writes <tag>.json here.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from study import CITIES, gps_mae, matched  # noqa: E402


def score(ms, tc) -> float:
    from sig2gps.mapmatch.handover import handover_progress

    return float(np.concatenate([gps_mae(m, m.tq, handover_progress(m.route, m.t, m.x, m.y, m.tq, m.s_track, tc,
                                                                     m.scale)) for m in ms]).mean())


def main() -> None:
    from sig2gps.mapmatch import TimingConfig
    from sig2gps.train.timing import fit_mlp, handover_samples

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-city", type=int, default=40)
    ap.add_argument("--seed", type=int, default=9001)
    ap.add_argument("--osm-dir", default="../shared/data/osm")
    ap.add_argument("--tag", default="tune")
    a = ap.parse_args()
    data = {c: matched(c, a.per_city, a.seed + i, a.osm_dir) for i, c in enumerate(CITIES)}
    out = {"track": {}, "geometry": [], "learned": []}
    for kind in ("true", "estimated"):
        out["track"][kind] = score([m for c in CITIES for m in data[c][kind]], TimingConfig(handover="track"))
    print("track", out["track"], flush=True)
    avg = list(itertools.product((30.0, 60.0, 120.0), (1.0, 2.0, 4.0), (0.5, 1.0)))
    for c, (sig, prior, gain) in itertools.product((0.3, 0.6, 1.0), avg):
        tc = TimingConfig(handover="geometry", handover_c=c, handover_sigma_s=sig, handover_prior=prior,
                          handover_gain=gain)
        r = {"c": c, "sigma_s": sig, "prior": prior, "gain": gain}
        r.update({kind: score([m for cc in CITIES for m in data[cc][kind]], tc) for kind in ("true", "estimated")})
        out["geometry"].append(r)
    out["geometry"].sort(key=lambda r: r["true"] + r["estimated"])
    print("geometry best", out["geometry"][:3], flush=True)
    tmp = Path("out/hmm-timing")
    for hold in CITIES:
        samples = [handover_samples(m) for c in CITIES if c != hold for k in ("true", "estimated") for m in data[c][k]]
        model = fit_mlp(np.concatenate([s[0] for s in samples]), np.concatenate([s[1] for s in samples]))
        path = tmp / f"cv-{hold}.json"
        model.save(path)
        for sig, prior, gain in avg:
            tc = TimingConfig(handover="learned", handover_model=str(path), handover_sigma_s=sig,
                              handover_prior=prior, handover_gain=gain)
            r = {"held_out": hold, "sigma_s": sig, "prior": prior, "gain": gain}
            for kind in ("true", "estimated"):
                r[kind] = score(data[hold][kind], tc)
                r[kind + "_track"] = score(data[hold][kind], replace(tc, handover="track"))
            out["learned"].append(r)
    agg = {}
    for r in out["learned"]:
        key = (r["sigma_s"], r["prior"], r["gain"])
        agg.setdefault(key, []).append(r["true"] - r["true_track"] + r["estimated"] - r["estimated_track"])
    out["learned_mean_gain_m"] = sorted(({"sigma_s": k[0], "prior": k[1], "gain": k[2],
                                          "mean_change_m": float(np.mean(v) / 2)} for k, v in agg.items()),
                                        key=lambda r: r["mean_change_m"])
    print("learned best", out["learned_mean_gain_m"][:3], flush=True)
    (HERE / f"{a.tag}.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
