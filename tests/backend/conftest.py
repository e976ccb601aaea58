"""Fixtures shared by the backend tests of the video model's training."""
from __future__ import annotations

import pytest


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
