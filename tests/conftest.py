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
