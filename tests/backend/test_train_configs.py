"""Every training config the repository keeps reads into its dataclass (a typo in a field fails here, not on the
GPU machine ten minutes into a lease)."""
from __future__ import annotations

from pathlib import Path

import pytest

from sig2gps.model.config import PRESETS
from sig2gps.train.rl import RlConfig
from sig2gps.train.rl_rounds import RoundsConfig
from sig2gps.train.sft import SftConfig

ROOT = Path(__file__).resolve().parents[2]
# the package's defaults, and the configs of the recorded runs (experiments/<run>/configs/)
CONFIGS = sorted([*(ROOT / "backend/sig2gps/train/configs").glob("*.json"), *ROOT.glob("experiments/*/configs/*.json")])
KIND = {"rl_": RlConfig, "rounds_": RoundsConfig, "video_": SftConfig}


def _kind(path: Path):
    return next(cls for prefix, cls in KIND.items() if path.name.startswith(prefix))


def test_every_config_has_a_kind():
    assert len(CONFIGS) >= 10
    for p in CONFIGS:
        assert any(p.name.startswith(k) for k in KIND), f"{p.name}: name it rl_*, rounds_* or video_*"


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_config_reads(path):
    cfg = _kind(path).from_json(path)
    if isinstance(cfg, RlConfig):
        cfg.check(path.name)
    elif isinstance(cfg, SftConfig):
        assert cfg.preset in PRESETS
    else:  # a rounds config names an RL config of the repository, which must read too
        assert Path(cfg.rl).name in {p.name for p in CONFIGS}
        RlConfig.from_json(Path(__file__).resolve().parents[2] / cfg.rl).check(cfg.rl)
