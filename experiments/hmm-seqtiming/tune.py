"""Score hmm's timing with the sequence model on simulated drives of the TRAINING cities (never campo-grande).

    PYTHONPATH=backend python experiments/hmm-seqtiming/tune.py --set tune --models out/hmm-seqtiming/w16.json
    PYTHONPATH=backend python experiments/hmm-seqtiming/tune.py --set heldout --tag heldout
Rows: today's hmm timing (learned handover shifts, end placement) and the sequence timing for each model and
share of its correction applied (with the end placement, without it, and placing the start too); with no --models, the shipped model at
the default share. End to end through experiments/hmm-ends/harness.py (the speed limit included): MAE / L100
per kind of cell positions and scope. Writes <tag>.json here.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "hmm-ends"))
sys.path.insert(0, str(HERE))
from fit import HELDOUT_SET, TUNE_SET  # noqa: E402
from harness import CITIES, cases, score_row  # noqa: E402


def variants(base, models: list[str], gains: list[float]) -> dict:
    out = {"learned (before)": replace(base, handover="learned")}
    if not models:
        out["sequence (default)" if base.handover == "sequence" else "sequence"] = replace(base, handover="sequence")
    for m in models:
        for g in gains:
            tc = replace(base, handover="sequence", sequence_model=m, sequence_gain=g)
            out[f"{Path(m).stem} gain={g:g}"] = tc
            out[f"{Path(m).stem} gain={g:g} no ends"] = replace(tc, ends=False)
            out[f"{Path(m).stem} gain={g:g} start+end"] = replace(tc, ends_at="start+end")
    return out


def main() -> None:
    from sig2gps.mapmatch import TimingConfig

    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="tune", choices=("tune", "heldout"))
    ap.add_argument("--osm-dir", default="../shared/data/osm")
    ap.add_argument("--models", nargs="*", default=[])
    ap.add_argument("--gains", type=float, nargs="+", default=[1.0])
    ap.add_argument("--tag")
    a = ap.parse_args()
    n, seed = TUNE_SET if a.set == "tune" else HELDOUT_SET
    cs = [c for i, city in enumerate(CITIES) for c in cases(city, n, seed + i, a.osm_dir)]
    res = {"command": "PYTHONPATH=backend python experiments/hmm-seqtiming/tune.py " + " ".join(sys.argv[1:]),
           "set": a.set, "per_city": n, "seed": seed, "traces": len(cs), "rows": {}}
    for name, tc in variants(TimingConfig(), a.models, a.gains).items():
        res["rows"][name] = score_row(cs, name, tc, a.osm_dir, deciles=True, width=34)
    if a.tag:
        (HERE / f"{a.tag}.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
