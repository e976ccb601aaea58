"""hmm with the sequence timing against the timing before it, on the benchmark's unseen city, measured once.

    SIG2GPS_BENCH_ROOT=/work/bench PYTHONPATH=backend python experiments/hmm-seqtiming/measure.py --per-scope 40 \
        --osm-dir ../shared/data/osm --positions true --tag bench-true       # and --positions estimated
Uses experiments/hmm-timing/measure.py's scoring (MAE, L100, implausible share, per scope) on campo-grande only.
Rows: towers, hmm-classic, hmm with the learned handover timing (before), hmm with the sequence timing. Writes
<tag>.json here.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = {"towers": ("towers", {}), "hmm-classic": ("hmm-classic", {}),
        "hmm learned (before)": ("hmm", {"timing": "learned"}), "hmm sequence": ("hmm", {"timing": "sequence"})}


def main() -> None:
    """The harness of experiments/hmm-ends/measure.py with these rows."""
    spec = importlib.util.spec_from_file_location("hmm_ends_measure", HERE.parent / "hmm-ends" / "measure.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(ROWS, HERE)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
