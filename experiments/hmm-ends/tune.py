"""Choose the trip-end settings of hmm's timing on simulated drives of the TRAINING cities (never campo-grande).

    PYTHONPATH=backend python experiments/hmm-ends/tune.py --per-city 50 --seed 7101 --tag tune
    PYTHONPATH=backend python experiments/hmm-ends/tune.py --per-city 40 --seed 7201 --tag heldout
Rows (`variants`): today's timing (learned handover shifts, no end placement), the new default and the grid it was
chosen from (on seed 7101; seed 7201 is a fresh set to check it on); MAE / L100 per kind of cell positions and
scope, and per tenth of the trip's time for the first two. Writes <tag>.json here.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from harness import CITIES, cases, score_row  # noqa: E402


def variants(base) -> dict:
    """name -> TimingConfig: today's timing (no ends), the new default, and the grid the default was chosen from
    (which end, cap, direction, straight-line share, speed factor)."""
    import itertools

    out = {"learned, no ends": replace(base, ends=False), "default": base}
    for at, cap, pull, straight, fac in itertools.product(("start", "end", "start+end"), (150.0, 300.0, 450.0, 600.0),
                                                          (0.0, 0.5, 1.0), (0.6, 1.0), (1.0, 1.5)):
        out[f"{at} cap={cap:g} pull={pull:g} straight={straight:g} speed={fac:g}"] = replace(
            base, ends_at=at, ends_max_m=cap, ends_cell_pull=pull, ends_straight=straight, ends_speed_factor=fac)
    for k, vals in (("ends_park_s", (0.0, 15.0, 45.0, 60.0)), ("ends_weight", (0.5,)), ("ends_extend", (False,))):
        for v in vals:
            out[f"default {k}={v}"] = replace(base, **{k: v})
    return out


def main() -> None:
    from sig2gps.mapmatch import TimingConfig

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-city", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7101)
    ap.add_argument("--osm-dir", default="../shared/data/osm")
    ap.add_argument("--only", nargs="*", help="names of VARIANTS rows to run")
    ap.add_argument("--tag", default="tune")
    a = ap.parse_args()
    cs = [c for i, city in enumerate(CITIES) for c in cases(city, a.per_city, a.seed + i, a.osm_dir)]
    res = {"command": "PYTHONPATH=backend python experiments/hmm-ends/tune.py " + " ".join(sys.argv[1:]),
           "traces": len(cs), "rows": {}}
    for name, tc in variants(TimingConfig(handover="learned")).items():  # the default of its time
        if a.only and name not in a.only:
            continue
        res["rows"][name] = score_row(cs, name, tc, a.osm_dir, deciles=name in ("learned, no ends", "default"))
    (HERE / f"{a.tag}.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
