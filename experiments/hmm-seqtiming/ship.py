"""Write the shipped sequence timing model: the ensemble (mean prediction) of models fitted by fit.py.

    PYTHONPATH=backend python experiments/hmm-seqtiming/ship.py out/hmm-seqtiming/x32.json out/hmm-seqtiming/x48.json
Writes resources/models/timing/sequence.json (or --out), its meta listing each member's training cities, sets,
losses and the fit.py command that made it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    from sig2gps.mapmatch.seq_timing import SeqTimingModel, default_seq_model_path, ensemble

    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    models = [SeqTimingModel(json.loads(Path(p).read_text())) for p in a.models]
    cities = sorted({c for m in models for c in m.meta.get("cities", [])})
    if "campo-grande" in cities:
        raise SystemExit("a member was trained on the benchmark's unseen city")
    meta = {"cities": cities, "members": [m.meta for m in models],
            "command": "PYTHONPATH=backend python experiments/hmm-seqtiming/ship.py " + " ".join(sys.argv[1:])}
    out = Path(a.out) if a.out else default_seq_model_path()
    ensemble(models, meta).save(out)
    print(f"{out}: {len(models)} members, {out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
