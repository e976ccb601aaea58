"""Fit candidate sequence timing models (mapmatch.seq_timing) on the TRAINING cities' cached matched drives.

    PYTHONPATH=backend python experiments/hmm-seqtiming/fit.py --name w16 --width 16 --epochs 30
Training drives: experiments/hmm-ends/harness.py cases of seeds 9001, 9501 and 9801 (120, 300, 600 a city), true and
estimated cell positions; the L1 (metres along the route, every grid step) is reported on them and on the tune
set (seed 7101, 50 a city). The model goes to out/hmm-seqtiming/<name>.json; `tune.py` scores it end to end.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "hmm-ends"))
from harness import CITIES, cases  # noqa: E402

TRAIN_SETS = ((120, 9001), (300, 9501), (600, 9801))
# More training cities (never campo-grande): the same simulator on other road networks (--extra)
EXTRA_CITIES = ("bellevue-wa", "helsinki", "north-bayreuth", "andorra", "hoyerswerda")
EXTRA_SET = (300, 9901)
TUNE_SET, HELDOUT_SET = (50, 7101), (40, 7201)
OUT = Path("out/hmm-seqtiming")


def samples(sets, osm_dir: str, step_s: float, cities=CITIES) -> list:
    """The sequence model's samples of the cached cases of the given (per-city, seed) sets (cached too)."""
    from sig2gps.mapmatch.seq_timing import FEATURES
    from sig2gps.train.seqtiming import trace_sample

    out = []
    for n, seed in sets:
        cache = OUT / f"samples-{n}-{seed}-{step_s:g}-{len(FEATURES)}{'-extra' if cities != CITIES else ''}.pkl"
        if not cache.exists():
            got = []
            for i, city in enumerate(cities):
                for c in cases(city, n, seed + i, osm_dir):
                    s = trace_sample(c.route, c.obs, c.t, c.x, c.y, c.cfg.timing, c.scale, c.gps_t, c.gps_xy, step_s)
                    if s is not None:
                        s.kind = c.kind
                        got.append(s)
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(got))
        out += pickle.loads(cache.read_bytes())
    return out


def main() -> None:
    from sig2gps.train.seqtiming import fit_seq, l1

    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--osm-dir", default="../shared/data/osm")
    ap.add_argument("--step", type=float, default=10.0)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--dilations", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32])
    ap.add_argument("--kernel", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extra", action="store_true", help="also train on EXTRA_CITIES")
    a = ap.parse_args()
    t0 = time.perf_counter()
    train = samples(TRAIN_SETS, a.osm_dir, a.step)
    if a.extra:
        train += samples([EXTRA_SET], a.osm_dir, a.step, EXTRA_CITIES)
    tune = samples([TUNE_SET], a.osm_dir, a.step)
    print(f"{len(train)} training traces, {len(tune)} tune traces ({time.perf_counter() - t0:.0f} s)", flush=True)
    model, _ = fit_seq(train, a.step, width=a.width, dilations=tuple(a.dilations), kernel=a.kernel, epochs=a.epochs,
                       lr=a.lr, seed=a.seed, log=print)
    res = {"args": vars(a), "seconds": round(time.perf_counter() - t0, 1)}
    for name, ss in (("train", train), ("tune", tune)):
        fit, zero = l1(model, ss)
        res[f"{name}_l1_m"], res[f"{name}_zero_l1_m"] = round(fit, 1), round(zero, 1)
    model.meta = {"cities": list(CITIES) + (list(EXTRA_CITIES) if a.extra else []),
                  "train_sets": [list(s) for s in TRAIN_SETS] + ([list(EXTRA_SET)] if a.extra else []), **res,
                  "command": "PYTHONPATH=backend python experiments/hmm-seqtiming/fit.py " + " ".join(sys.argv[1:])}
    OUT.mkdir(parents=True, exist_ok=True)
    model.save(OUT / f"{a.name}.json")
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
