"""hmm with and without the trip-end placement on the benchmark's unseen city (issue 17 section 2), measured once.

    SIG2GPS_BENCH_ROOT=/work/bench PYTHONPATH=backend python experiments/hmm-ends/measure.py --per-scope 40 \
        --osm-dir ../shared/data/osm --positions true --tag bench-true       # and --positions estimated
Uses experiments/hmm-timing/measure.py's scoring (MAE, L100, implausible share, per scope) on campo-grande only.
Rows: hmm-classic, hmm as before (learned handover timing, no end placement), hmm (the new default). Writes
<tag>.json here.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = {"hmm-classic": ("hmm-classic", {}), "hmm learned, no ends": ("hmm", {"timing": "learned", "ends": False}),
        "hmm": ("hmm", {"timing": "learned"})}  # the timing of its time (the default is "sequence" since)


def main(rows: dict = ROWS, here: Path = HERE) -> None:
    """Measure `rows` (name -> (method, extra)); the record goes to here/TAG.json (hmm-seqtiming reuses this)."""
    sys.path.insert(0, str(HERE.parent))  # experiments/: bench_subset
    sys.path.insert(0, str(HERE.parent / "hmm-timing"))
    from bench_subset import test_benchmark
    from measure import run

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-scope", type=int, default=40)
    ap.add_argument("--osm-dir", help="road extracts (default: the benchmark's, ../shared/data/osm)")
    ap.add_argument("--positions", default="true", help="true | estimated")
    ap.add_argument("--city", default="campo-grande")
    ap.add_argument("--rows", nargs="+", help="subset of the rows (names as in the record)")
    ap.add_argument("--tag", required=True)
    a = ap.parse_args()
    bench = test_benchmark(a.per_scope, a.osm_dir, a.positions)
    bench = replace(bench, test_dirs={a.city: bench.test_dirs[a.city]})
    rec = {"command": f"PYTHONPATH=backend python experiments/{here.name}/measure.py " + " ".join(sys.argv[1:]),
           "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
           "benchmark": bench.root.name, "per_scope": a.per_scope, "positions": a.positions, "rows": {}}
    for name, (method, extra) in rows.items():
        if a.rows and name not in a.rows:
            continue
        rec["rows"][name] = run(bench, method, extra)
        print(name, json.dumps(rec["rows"][name]), flush=True)
    (here / f"{a.tag}.json").write_text(json.dumps(rec, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1] / "backend"))
    main()
