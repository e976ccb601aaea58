"""The plugin never imports torch/diffusers/peft; the backend never imports Qt or QGIS.

Checked statically over every .py file (imports inside functions count too)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BACKEND_FORBIDDEN = {"PyQt5", "PyQt6", "PySide2", "PySide6", "qgis", "sip"}
PLUGIN_FORBIDDEN = {"torch", "diffusers", "peft", "transformers", "accelerate", "ray"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def _violations(folder: Path, forbidden: set[str]) -> list[str]:
    bad = []
    for f in sorted(folder.rglob("*.py")):
        hit = imported_roots(f) & forbidden
        if hit:
            bad.append(f"{f.relative_to(ROOT)} imports {sorted(hit)}")
    return bad


def test_backend_never_imports_qt_or_qgis():
    files = list((ROOT / "backend" / "sig2gps").rglob("*.py"))
    assert files, "backend package not found"
    assert _violations(ROOT / "backend" / "sig2gps", BACKEND_FORBIDDEN) == []


def test_plugin_never_imports_torch():
    assert _violations(ROOT / "plugin", PLUGIN_FORBIDDEN) == []


def test_checker_catches_a_violation(tmp_path):
    (tmp_path / "m.py").write_text("def f():\n    import torch.nn as nn\n    from PyQt5 import QtCore\n")
    assert imported_roots(tmp_path / "m.py") >= {"torch", "PyQt5"}
