"""The Traj-GDPO ablation driver on a tiny seeded model (CPU, seconds): files, ablation.json, re-fusing."""
from __future__ import annotations

import json

import pytest
import torch

from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import build_transformer, load_video_model, save_video_model
from sig2gps.train.rl import RlConfig
from sig2gps.train.rl_ablation import ARMS, AblationConfig, arm_config, main, run_ablation

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from sig2gps.commands._common import default_network
    from sig2gps.train.pairs import build_pairs

    d = tmp_path_factory.mktemp("abl")
    build_pairs({"helsinki": default_network()}, 6, seed=5).save(d / "p.npz")
    save_video_model(d / "sft", build_transformer(TINY, seed=2), TINY, dtype=torch.float32)
    # the GPU config's shape, shrunk; score_workers=1 runs the scoring process pool the GPU run uses
    (d / "rl.json").write_text(json.dumps({"pairs": "x", "conditions": 3, "conditions_per_step": 2,
                                           "groups_per_update": 2, "group": 2, "frames": 5, "steps": 2,
                                           "sde_steps": [0], "eval_conditions": 2, "score_workers": 1}))
    return d


def test_every_arm_differs_from_gdpo_in_one_field():
    base = RlConfig.from_json("backend/sig2gps/train/configs/rl_gpu.json")
    assert base.advantage == "gdpo" and base.kl == "sft" and len(base.rewards) == 3
    for arm in ARMS:
        cfg = arm_config(base, arm, __import__("pathlib").Path("o"))
        diff = {k for k in base.__dataclass_fields__ if getattr(cfg, k) != getattr(base, k)} - {"out"}
        assert len(diff) == (arm != "gdpo"), (arm, diff)
    with pytest.raises(ValueError, match="unknown arm"):
        arm_config(base, "no_rl", __import__("pathlib").Path("o"))


def test_two_arms_one_step_write_models_adapters_and_a_self_contained_json(setup, tmp_path):
    d = setup
    out = tmp_path / "abl"
    res = run_ablation(AblationConfig(init=str(d / "sft"), pairs=str(d / "p.npz"), eval_pairs=str(d / "p.npz"),
                                      out=str(out), arms=("gdpo", "no_kl"), config=str(d / "rl.json"), max_steps=1))
    j = json.loads((out / "ablation.json").read_text())
    assert j == json.loads(json.dumps(res))
    assert set(j["arms"]) == {"gdpo", "no_kl"} and j["machine"] and j["date"]
    for arm, s in j["arms"].items():
        for f in ("model/sig2gps_video.json", "adapter/adapter.safetensors", "adapter/lora.json", "log.jsonl",
                  "curves.png", "config.json"):
            assert (out / arm / f).is_file(), (arm, f)
        assert s["steps"] == 1 and s["rollouts"] == 2 * 2 and len(s["curve"]) == 1
        assert s["config"]["kl"] == ("none" if arm == "no_kl" else "sft")
        # the same SFT model, conditions and noise: both arms start from the same evaluation
        assert s["before"] == j["arms"]["gdpo"]["before"] and s["after"]["step"] == 1
        assert s["distance_mean_before"] == s["before"]["distance_mean"]
        assert s["mae_m_after"] == s["after"]["mae_m"] and s["collapse_steps"] >= 0
        log = [json.loads(x) for x in (out / arm / "log.jsonl").read_text().splitlines()]
        assert [r.get("eval", False) for r in log] == [True, False, True]
    # an arm's adapter fuses back into the SFT model to the weights the run saved (bf16 both)
    main(["--refuse", str(out / "gdpo"), "--init", str(d / "sft"), "--out", str(tmp_path / "re")])
    a = load_video_model(out / "gdpo" / "model")[0].transformer.state_dict()
    b = load_video_model(tmp_path / "re")[0].transformer.state_dict()
    sft = load_video_model(d / "sft")[0].transformer.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.allclose(a[k], b[k], atol=1e-2) for k in a)
    assert any(not torch.equal(a[k], sft[k].to(a[k].dtype)) for k in a)  # the step moved the model
