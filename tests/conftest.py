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
