"""Cross-city LoRA adaptation on a tiny seeded model: only the adapted layers move, figures before/after."""
from __future__ import annotations

import json

import pytest
import torch

from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import build_transformer, load_video_model, save_video_model
from sig2gps.train.adapt import AdaptConfig, adapt

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


@pytest.fixture(scope="module")
def setup(tmp_path_factory, helsinki_pairs):
    d = tmp_path_factory.mktemp("adapt")
    (d / "train.npz").symlink_to(helsinki_pairs(8, 11))
    (d / "val.npz").symlink_to(helsinki_pairs(3, 12))
    save_video_model(d / "init", build_transformer(TINY, seed=3), TINY, {"val": {}}, dtype=torch.float32)
    return d


def test_adapter_moves_only_its_layers_and_reports_before_after(setup, render_experiment):
    cfg = AdaptConfig(pairs=str(setup / "train.npz"), val_pairs=str(setup / "val.npz"), out=str(setup / "run"),
                      init=str(setup / "init"), rank=4, targets=("to_q", "to_v"), steps=3, batch=2,
                      frames=(5,), lr=5e-2, val_n=2, val_frames=5, val_steps=2, workers=0)
    res = adapt(cfg)
    saved = json.loads((setup / "run" / "adapt.json").read_text())
    assert saved["steps"] == 3 and saved["trained_parameters"] == res["trained_parameters"] > 0
    for k in ("before", "after"):
        assert saved[k]["val_n"] == 2 and saved[k]["val_mae_m"] > 0
    # the validation of the unchanged model is the same protocol both times: same floor
    assert saved["before"]["val_towers_mae_m"] == saved["after"]["val_towers_mae_m"]

    old = load_video_model(setup / "init")[0].transformer.state_dict()
    new = load_video_model(setup / "run" / "model")[0].transformer.state_dict()
    assert set(old) == set(new)  # fused: no adapter keys left in the shipped layout
    moved = {k for k in old if not torch.allclose(old[k].float(), new[k].float(), atol=1e-2)}
    assert moved, "the adapter did not change the model"
    assert all((".to_q." in k or ".to_v." in k) for k in moved), sorted(moved)[:5]

    text = render_experiment("adapt", res=setup / "run" / "adapt.json")  # its section (experiments/adapt)
    assert f"| {saved['before']['val_mae_m']:.0f} |" in text and f"| {saved['after']['val_mae_m']:.0f} |" in text
    gain = saved["before"]["val_mae_m"] - saved["after"]["val_mae_m"]
    assert ("It helps" in text) == (gain > 0)


def test_config_file_errors_name_the_field(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"pairs": "x.npz", "val_pairs": "y.npz", "stepz": 3}))
    with pytest.raises(ValueError, match="stepz"):
        AdaptConfig.from_json(p)
