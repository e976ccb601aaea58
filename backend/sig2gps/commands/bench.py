"""sig2gps bench: run the benchmarks and write their sections of docs/BENCHMARKS.md."""
from __future__ import annotations

import importlib
import pkgutil
import time
from pathlib import Path


def add_parser(sub):
    p = sub.add_parser("bench", help="run benchmarks and write docs/BENCHMARKS.md")
    p.add_argument("--out", default="docs/BENCHMARKS.md")
    p.add_argument("--only", nargs="*", help="run only these benchmark modules")
    p.add_argument("--list", action="store_true")
    p.add_argument("--quick", action="store_true", help="smaller sizes (for a smoke run)")
    return p


def discover():
    from .. import benchmark

    mods = []
    for m in pkgutil.iter_modules(benchmark.__path__):
        if not m.name.startswith("_"):
            mod = importlib.import_module(f"{benchmark.__name__}.{m.name}")
            if hasattr(mod, "TITLE") and hasattr(mod, "run"):  # a section; doc.py and tables.py are helpers
                mods.append(mod)
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 50))


def run(args):
    from ..benchmark.doc import write_section

    mods = discover()
    if args.list:
        for m in mods:
            print(f"{m.__name__.rsplit('.', 1)[1]}\t{m.TITLE}")
        return 0
    for m in mods:
        key = m.__name__.rsplit(".", 1)[1]
        if args.only and key not in args.only:
            continue
        t0 = time.perf_counter()
        print(f"[bench] {key}: {m.TITLE} ...", flush=True)
        body = m.run(args)
        write_section(Path(args.out), key, m.TITLE, body, getattr(m, "ORDER", 50))
        print(f"[bench] {key} done in {time.perf_counter() - t0:.0f} s", flush=True)
    return 0
