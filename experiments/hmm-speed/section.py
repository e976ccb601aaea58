"""The `hmm_speed` bench section (sig2gps.benchmark.hmm_speed) run on the session's benchmark subset instead of the
full benchmark, written to experiments/hmm-speed/section.md and bench_record.json (what `make bench` will report, on
the subset's 120 test traces a city).

Usage (from the repository root):
    SIG2GPS_BENCH_ROOT=/work/bench SIG2GPS_OSM_DIR=../shared/data/osm PYTHONPATH=backend \
        python experiments/hmm-speed/section.py [--per-scope 40] [--name s10]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # experiments/: bench_subset


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-scope", type=int, default=40)
    ap.add_argument("--name", default="", help="write section-NAME.md and bench_record-NAME.json (keeps older records)")
    a = ap.parse_args()
    from bench_subset import test_benchmark

    import sig2gps.benchdata as benchdata
    from sig2gps.benchmark import hmm_speed

    from dataclasses import replace

    bench = test_benchmark(a.per_scope)
    name = bench.root.name
    bench = replace(bench, root=Path("out") / "hmm-speed-bench")  # its record goes here, not into the shared root
    bench.root.mkdir(parents=True, exist_ok=True)
    benchdata.build_benchmark = lambda *args, **kw: bench  # the section builds the full benchmark otherwise
    md = hmm_speed.run(argparse.Namespace(quick=False, osm_dir=None))
    tag = f"-{a.name}" if a.name else ""
    (HERE / f"section{tag}.md").write_text(f"# {hmm_speed.TITLE}\n\nBenchmark subset: {a.per_scope} test traces per scope "
                                     f"per city ({name}).\n\n{md}")
    shutil.copy(bench.root / "hmm_speed.json", HERE / f"bench_record{tag}.json")
    print(md)
    print(json.dumps(json.loads((HERE / f"bench_record{tag}.json").read_text())["records"][0]))


if __name__ == "__main__":
    main()
