"""Shared fixtures: paths to ../shared/data (skip with a reason when absent) and tiny inputs."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def shared_path(*parts) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data not available here: {p} (tests read ../shared/data when present)")
    return p


@pytest.fixture(scope="session", autouse=True)
def _setup_cache_dir(tmp_path_factory):
    """Tests keep the network setup cache (sig2gps.network.cache) in a folder of their own, not the user's."""
    import os

    old = os.environ.get("SIG2GPS_CACHE_DIR")
    os.environ["SIG2GPS_CACHE_DIR"] = str(tmp_path_factory.mktemp("setup-cache"))
    yield
    if old is None:
        os.environ.pop("SIG2GPS_CACHE_DIR", None)
    else:
        os.environ["SIG2GPS_CACHE_DIR"] = old


@pytest.fixture
def shared():
    return shared_path


@pytest.fixture(scope="session")
def helsinki_pairs(tmp_path_factory):
    """(n, seed) -> path of n simulated Helsinki training pairs (.npz), simulated once per session."""
    made = {}

    def make(n: int, seed: int):
        if (n, seed) not in made:
            from sig2gps.network.defaults import default_network
            from sig2gps.train.pairs import build_pairs

            path = tmp_path_factory.mktemp("pairs") / f"helsinki_{n}_{seed}.npz"
            build_pairs({"helsinki": default_network()}, n, seed=seed).save(path)
            made[(n, seed)] = path
        return made[(n, seed)]

    return make


def _experiments_runner():
    """experiments/render.py, loaded by path: the package never imports experiments/, and neither do tests by name."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("experiments_render", ROOT / "experiments" / "render.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def render_experiment():
    """(run, cpu_root=None, names=None, **records) -> the markdown of experiments/<run>/'s section, its records
    replaced by the given files (record name -> path) and the CPU methods table read from cpu_root."""
    runner = _experiments_runner()

    def render(run: str, cpu_root=None, names: dict | None = None, **records) -> str:
        folder = ROOT / "experiments" / run
        return runner.render(folder, cpu_root=str(cpu_root) if cpu_root else None,
                             records={k: str(v) for k, v in records.items()}, **(names or {}))

    return render
