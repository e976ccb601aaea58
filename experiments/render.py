"""Render the sections of docs/BENCHMARKS.md that show recorded runs and probes (`make bench` runs this after
`sig2gps bench`).

Each `experiments/<run>/section.json` is a spec: key, order, title, the records it reads (files of its own folder,
or of another run's), and blocks rendered by the package's one renderer (sig2gps.benchmark.tables). Specs in
experiments/_specs/ are shared blocks a section can include. Nothing here measures. A run whose figures need more
than a spec expression (a picture, a running minimum) has a `derive.py` whose derive(ns) returns extra names.

    python experiments/render.py [--out docs/BENCHMARKS.md] [--only KEY ...] [--list] [--stdout]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from sig2gps.benchmark.doc import write_section
from sig2gps.benchmark.methods_table import cached_rows
from sig2gps.benchmark.tables import SCOPES, render_spec

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def specs() -> list[tuple[Path, dict]]:
    out = [(p.parent, json.loads(p.read_text())) for p in sorted(HERE.glob("*/section.json"))]
    return sorted(out, key=lambda x: (x[1]["order"], x[1]["key"]))


def _include(name: str) -> list:
    return json.loads((HERE / "_specs" / f"{name}.json").read_text())["blocks"]


def _rows(rec):
    """The rows of a record, its runs' rows (each tagged with its run index), or []."""
    if isinstance(rec, dict) and "rows" in rec:
        return rec["rows"]
    if isinstance(rec, dict) and "runs" in rec:
        return [dict(r, run=i) for i, run in enumerate(rec["runs"]) for r in run.get("rows", [])]
    return []


def _shown(p: Path) -> str:
    return p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else p.as_posix()


def namespace(folder: Path, spec: dict, cpu_root: str | None = None, records: dict | None = None) -> dict:
    """The names a spec's expressions see: each record by name (and `paths`, `rows_of`), the CPU methods table's
    cached rows of the records' benchmark (`cpu`; [] when not run here), `scopes`, `key`, `picture`.
    `records` ({name: path}) replaces the spec's files (tests render toy records this way)."""
    ns = {"key": spec["key"], "scopes": list(SCOPES), "paths": {}, "missing": [], "rows_of": {}}
    if spec.get("picture"):
        ns["picture"] = str(ROOT / spec["picture"])
    for name, rel in {**spec.get("records", {}), **(records or {})}.items():
        p = (folder / rel).resolve()
        ns["paths"][name] = _shown(p)
        if p.is_file():
            ns[name] = json.loads(p.read_text())
            ns["rows_of"][name] = _rows(ns[name])
        else:
            ns[name] = None
            ns["missing"].append(name)
    keys = [r.get("benchmark_key") for r in ns.values() if isinstance(r, dict) and r.get("benchmark_key")]
    keys += [
        run.get("benchmark_key")
        for r in ns.values()
        if isinstance(r, dict)
        for run in (r.get("runs") or (r.get("test") or {}).get("runs") or [])
        if isinstance(run, dict)
    ]
    keys = [k for k in keys if k]
    ns["cpu"] = cached_rows(keys[0], cpu_root) if keys else []
    return ns


def load_derive(folder: Path):
    """The run's derive.py as a module, or None."""
    p = folder / "derive.py"
    if not p.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"experiments_{folder.name}_derive", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def render(
    folder: Path, spec: dict | None = None, cpu_root: str | None = None, records: dict | None = None, **names
) -> str:
    """The markdown body of one run's section (`names` override the namespace, e.g. picture=PATH)."""
    spec = spec or json.loads((folder / "section.json").read_text())
    ns = {**namespace(folder, spec, cpu_root, records), **names}
    derive = load_derive(folder)
    if derive is not None:
        ns.update(derive.derive(ns))
    return render_spec(spec, ns, _include)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--stdout", action="store_true", help="print the sections instead of writing --out")
    ap.add_argument("--cpu-root", help="where the CPU methods table's cache is (default out/benchmark)")
    a = ap.parse_args(argv)
    for folder, spec in specs():
        if a.list:
            print(f"{spec['key']}\t{folder.name}\t{spec['title']}")
            continue
        if a.only and spec["key"] not in a.only:
            continue
        body = render(folder, spec, a.cpu_root)
        if a.stdout:
            print(f"## {spec['title']}\n\n{body}\n")
        else:
            write_section(Path(a.out), spec["key"], spec["title"], body, spec["order"])
            print(f"[experiments] {spec['key']} ({folder.name}) written", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
