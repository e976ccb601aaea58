"""sig2gps benchmark: every method on the multi-city benchmark -> the paper-style table in docs/BENCHMARKS.md."""
from __future__ import annotations

import time
from pathlib import Path


def add_parser(sub):
    p = sub.add_parser("benchmark", help="build the multi-city benchmark and write the methods table")
    p.add_argument("--methods", nargs="*", help="only these methods (default: every registered method; "
                                                "towers is always included as the floor)")
    p.add_argument("--quick", action="store_true", help="small sizes (30 test traces per city) for a smoke run")
    p.add_argument("--rebuild", action="store_true", help="re-simulate the benchmark even if cached")
    p.add_argument("--osm-dir", help="folder with the cities' road extracts (default: ../shared/data/osm)")
    p.add_argument("--budget-s", type=float, help="seconds per method and city before a method is cut short")
    p.add_argument("--out", default="docs/BENCHMARKS.md", help="markdown file to write the section into")
    p.add_argument("--export-test", metavar="DIR",
                   help="only write the benchmark's test set (+ the test cities' road extracts) to DIR for the "
                        "GPU run of sig2gps.benchmark.video_bench; no methods are run")
    p.add_argument("--export-per-scope", type=int, help="with --export-test: only the first N traces per scope")
    return p


def run(args):
    from ..benchmark import methods_table
    from ..benchmark.doc import write_section
    from ..methods import available_methods

    if args.methods:
        unknown = [m for m in args.methods if m not in available_methods()]
        if unknown:
            raise ValueError(f"--methods: unknown {', '.join(unknown)}; available: {', '.join(available_methods())}")
    if getattr(args, "export_test", None):
        return _export(args)
    t0 = time.perf_counter()
    body = methods_table.run(args)
    key = "methods_table_quick" if args.quick else "methods_table"
    title = methods_table.TITLE + (" (quick smoke run)" if args.quick else "")
    write_section(Path(args.out), key, title, body, methods_table.ORDER)
    print(body)
    print(f"[benchmark] wrote section {key!r} of {args.out} in {time.perf_counter() - t0:.0f} s")
    return 0


def _export(args) -> int:
    from dataclasses import replace

    from ..benchdata import QUICK, BenchConfig, build_benchmark, export_test

    cfg = QUICK if args.quick else BenchConfig()
    if args.osm_dir:
        cfg = replace(cfg, osm_dir=args.osm_dir)
    bench = build_benchmark(cfg, rebuild=args.rebuild)  # cached: reuses out/benchmark/<key>/
    export_test(bench, args.export_test, per_scope=args.export_per_scope)
    return 0
