"""Plugin tests under Debian's QGIS (pytest-qgis, headless: QT_QPA_PLATFORM=offscreen).

The plugin folder is imported as `sig2gps_qgis`, its installed name. Sample signaling comes from
the backend's own simulator (SIG2GPS_BACKEND_PYTHON, set by `make test-plugin`), so tests use the
project's real format without committing data; it takes about a second.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCESSING_PLUGINS = "/usr/share/qgis/python/plugins"


def _import_plugin_package():
    if "sig2gps_qgis" in sys.modules:
        return sys.modules["sig2gps_qgis"]
    spec = importlib.util.spec_from_file_location("sig2gps_qgis", ROOT / "plugin" / "__init__.py",
                                                  submodule_search_locations=[str(ROOT / "plugin")])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["sig2gps_qgis"] = mod
    spec.loader.exec_module(mod)
    return mod


_import_plugin_package()
if PROCESSING_PLUGINS not in sys.path:
    sys.path.append(PROCESSING_PLUGINS)


def backend_python() -> str:
    py = os.environ.get("SIG2GPS_BACKEND_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
    if not Path(py).exists():
        pytest.skip(f"backend Python not found: {py} (set SIG2GPS_BACKEND_PYTHON; `make test-plugin` does)")
    return py


@pytest.fixture(scope="session")
def backend_py() -> str:
    """The backend venv's interpreter (skips with a reason when there is none)."""
    return backend_python()


def backend_env(*extra_paths) -> dict:
    """The backend processes run this checkout's backend package (not whatever the venv installed)."""
    return {"PYTHONPATH": os.pathsep.join([str(p) for p in extra_paths] + [str(ROOT / "backend")])}


@pytest.fixture(scope="session")
def backend(backend_py):
    """One real backend process for the whole run (each start costs seconds); tests that kill it
    leave it to be restarted by the next use, which is the behaviour under test anyway."""
    from sig2gps_qgis.backend_service import Backend

    b = Backend(python=backend_py, env=backend_env())
    yield b
    b.stop()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A small simulated scene on the Helsinki extract: signaling.csv, cells.csv, gps.csv."""
    out = tmp_path_factory.mktemp("sample") / "sim"
    cli = "import sys; from sig2gps.cli import main; sys.exit(main())"
    subprocess.run([backend_python(), "-c", cli, "simulate", "--traces", "3", "--seed", "7", "--out", str(out)],
                   check=True, capture_output=True, timeout=120, env=dict(os.environ, **backend_env()))
    return out


@pytest.fixture
def signaling_csv(sample_dir) -> Path:
    return sample_dir / "signaling.csv"


def missing_system_dep(what: str) -> None:
    """A Debian package a test needs is absent: the test fails, naming the package (`make test` installs it:
    APT_PKGS in the Makefile), so no run, CI or by hand, can pass such a test by skipping it."""
    pytest.fail(f"{what} — `make test` installs it (APT_PKGS in the Makefile)")
