"""The installed package stands alone: it never imports experiments/, never reads the records in docs/ or
experiments/, and does not know where it is checked out (no path climbing out of backend/sig2gps from __file__).

experiments/ may import the package; the package reads a record only when a caller hands it one. Checked
statically over every .py file of backend/sig2gps."""

import ast
import re
from pathlib import Path

from test_import_boundary import imported_roots

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "backend" / "sig2gps"
# Finding resources/ beside the checkout: owned by the model, server and render modules (other work in progress),
# to become package data; nothing else may climb out of the package.
CLIMB_ALLOWED = {
    "model/store.py",
    "server/wire.py",
    "server/paths.py",
    "render/style.py",
    "mapmatch/timing_model.py",  # hmm's shipped timing model, without model/store's torch import
}
RECORD_PATH = re.compile(r"(^|/)(docs|experiments)/[^\s`'\"]*\.json")


def _files():
    files = sorted(PACKAGE.rglob("*.py"))
    assert files, "backend package not found"
    return files


def _strings(tree):
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def climbs_out(path: Path, rel: str) -> list[str]:
    """`Path(__file__)...parents[k]` / `.parent` chains of the file at `rel` (in the package) that reach above it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    top = len(Path(rel).parts) - 1  # parents[top] is the package folder itself
    out = []
    for n in ast.walk(tree):
        if (
            isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Attribute)
            and n.value.attr == "parents"
            and isinstance(n.slice, ast.Constant)
            and isinstance(n.slice.value, int)
            and n.slice.value > top
        ):
            out.append(f"line {n.lineno}: parents[{n.slice.value}]")
        if isinstance(n, ast.Attribute) and n.attr == "parent":
            depth, x = 0, n
            while isinstance(x, ast.Attribute) and x.attr == "parent":
                depth, x = depth + 1, x.value
            if isinstance(x, ast.Call) and "__file__" in ast.dump(x) and depth - 1 > top:
                out.append(f"line {n.lineno}: .parent x{depth}")
    return out


def test_the_package_never_imports_experiments():
    bad = [str(f.relative_to(ROOT)) for f in _files() if "experiments" in imported_roots(f)]
    assert bad == []


def test_the_package_reads_no_recorded_json():
    bad = []
    for f in _files():
        tree = ast.parse(f.read_text(), filename=str(f))
        doc = {
            ast.get_docstring(n, clean=False)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        }
        for s in _strings(tree):
            if s not in doc and RECORD_PATH.search(s):
                bad.append(f"{f.relative_to(ROOT)}: {s[:80]!r}")
            if s in ("docs", "experiments") and s not in doc:  # Path(...) / "docs" / NAME
                bad.append(f"{f.relative_to(ROOT)}: a path through {s!r}")
    assert bad == []


def test_the_package_does_not_know_its_checkout():
    bad = {}
    for f in _files():
        rel = f.relative_to(PACKAGE).as_posix()
        got = climbs_out(f, rel)
        if got and rel not in CLIMB_ALLOWED:
            bad[rel] = got
        assert "REPO =" not in f.read_text(), f"{rel} names the checkout"
    assert bad == {}


def test_the_checks_catch_a_violation(tmp_path):
    f = tmp_path / "x.py"
    f.write_text(
        "from pathlib import Path\nREPO = Path(__file__).resolve().parents[3]\nimport experiments.render\n"
        "UP = Path(__file__).parent.parent.parent\n"
    )
    assert "experiments" in imported_roots(f)
    assert climbs_out(f, "benchmark/x.py") == ["line 2: parents[3]", "line 4: .parent x3"]
    assert climbs_out(f, "a/b/c/x.py") == []  # deep enough: both stay inside the package
    assert RECORD_PATH.search("docs/video_bench_gpu.json") and RECORD_PATH.search("experiments/ddp/record.json")
    assert not RECORD_PATH.search("docs/BENCHMARKS.md")
