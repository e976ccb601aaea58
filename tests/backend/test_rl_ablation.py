"""The Traj-GDPO ablation driver on a tiny seeded model (CPU, seconds): files, ablation.json, re-fusing; and the
section that renders such records (experiments/rl_ablation)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import build_transformer, load_video_model, save_video_model
from sig2gps.train.rl import RlConfig
from sig2gps.train.rl_ablation import ARMS, AblationConfig, arm_config, main, run_ablation

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


@pytest.fixture(scope="module")
def setup(tmp_path_factory, helsinki_pairs):
    d = tmp_path_factory.mktemp("abl")
    (d / "p.npz").symlink_to(helsinki_pairs(6, 5))
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


@pytest.fixture(scope="module")
def ablation(setup):
    d = setup
    out = d / "abl"
    res = run_ablation(AblationConfig(init=str(d / "sft"), pairs=str(d / "p.npz"), eval_pairs=str(d / "p.npz"),
                                      out=str(out), arms=("gdpo", "no_kl"), config=str(d / "rl.json"), max_steps=1))
    return out, res


def test_two_arms_one_step_write_models_adapters_and_a_self_contained_json(setup, ablation, tmp_path):
    d = setup
    out, res = ablation
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


# -- the benchmark section: video_bench rows (here computed by sig2gps.metrics) + ablation.json ------------
def _tracks(rng, n_per_len=2):
    """Straight east-bound traces of 1, 3 and 5 km (one per scope), 20 points each, near 60N 25E."""
    out = {}
    for k, km in enumerate((1.0, 3.0, 5.0)):
        for j in range(n_per_len):
            t = np.linspace(0, 600, 20)
            lon = 25.0 + j * 0.01 + np.linspace(0, km * 1000 / 55_800, 20)  # ~55.8 km per degree at 60N
            lat = np.full(20, 60.0 + k * 0.02) + rng.normal(0, 1e-5, 20)
            out[f"t{k}{j}"] = (t, lon, lat)
    return out


def _video_bench_rows(offset_m: dict, on_road: dict, seed=0, kind="raw"):
    """video_bench's JSON rows, made by its own score_rows (sig2gps.metrics inside) from predictions
    shifted north by offset_m[label] metres plus noise, per city; also the metrics over all traces."""
    from types import SimpleNamespace as NS

    from sig2gps.benchmark.video_bench import score_rows, video_row
    from sig2gps.metrics import evaluate_tracks, od_distance_m, scope_of

    rng = np.random.default_rng(seed)
    rows, truth_all, pred_all = [], {}, {lb: {} for lb in offset_m}
    for city in ("monaco", "helsinki"):
        truth = _tracks(rng)
        tc = NS(truth=truth, city=city, unseen=city == "helsinki",
                scope={k: scope_of(od_distance_m(lon, lat)) for k, (_, lon, lat) in truth.items()})
        traces = [NS(trace_id=k) for k in truth]
        for lb, off in offset_m.items():
            pred = {k: (t, lon, lat + (off + rng.normal(0, 20, len(t))) / 111_320) for k, (t, lon, lat) in truth.items()}
            recs = [NS(trace_id=k, rollouts=[NS(track=NS(t=t, lon=lon, lat=lat), info={"on_road": on_road[lb]})])
                    for k, (t, lon, lat) in pred.items()]
            if lb == "towers":
                fields = dict(label="towers", method="towers", model=None, frames=None, snap=False)
            else:
                fields = video_row(lb, 13, kind, 1, 0.0)
            rows += score_rows(fields, tc, traces, recs, 1.0)
            pred_all[lb].update({f"{city}{k}": v for k, v in pred.items()})
        truth_all.update({f"{city}{k}": v for k, v in truth.items()})
    return rows, {lb: evaluate_tracks(truth_all, p) for lb, p in pred_all.items()}


@pytest.fixture
def ablation_report(render_experiment, tmp_path):
    """The rl_ablation section (experiments/rl_ablation) of an ablation.json and video_bench rows."""
    def report(abl: dict, rows: list) -> str:
        (tmp_path / "abl.json").write_text(json.dumps(abl))
        (tmp_path / "vb.json").write_text(json.dumps({"rows": rows}))
        return render_experiment("rl_ablation", abl=tmp_path / "abl.json", vb=tmp_path / "vb.json")
    return report


def test_ablation_section_renders_the_table_summaries_and_target_check(ablation, ablation_report):
    from sig2gps.benchmark.tables import pool, select

    _, res = ablation
    good = {"sft": 300.0, "gdpo": 60.0, "no_kl": 200.0}
    rows, pooled = _video_bench_rows(good, {"sft": 0.9, "gdpo": 0.89, "no_kl": 0.7})
    assert {r["label"] for r in rows} == {"sft f13 raw", "gdpo f13 raw", "no_kl f13 raw"}
    tab = {(lb, sc): pool(select(rows, model=lb, scope=sc)) for lb in good for sc in ("small", "medium", "large", "overall")}
    for lb in good:  # cities pooled by traces == the metrics over all traces (equal points per trace)
        for sc in ("small", "medium", "large", "overall"):
            assert tab[lb, sc]["mae_m"] == pytest.approx(pooled[lb][sc]["mae_m"], rel=1e-9)
            assert tab[lb, sc]["rmse_m"] == pytest.approx(pooled[lb][sc]["rmse_m"], rel=1e-9)
            assert tab[lb, sc]["l100"] == pytest.approx(pooled[lb][sc]["l100"], rel=1e-9)
    abl = json.loads(json.dumps(res))
    abl["arms"]["gdpo"]["collapse_steps"] = 0  # the tiny model's diversity is whatever it is; test the logic
    md = ablation_report(abl, rows)
    row = next(x for x in md.splitlines() if x.startswith("| Traj-GDPO |"))
    assert f"| {pooled['gdpo']['overall']['mae_m']:.0f} | {pooled['gdpo']['overall']['rmse_m']:.0f} |" in row
    assert "| SFT only |" in md and "| w/o KL |" in md and "GRPO" not in md.split("Training")[0]
    assert "| method | monaco | helsinki (unseen) |" in md
    assert md.count("| 1 | 4 |") == 2  # both arms' training rows: 1 step, 4 rollouts
    assert "**Target check (Traj-GDPO vs SFT): met.**" in md
    # the same check fails when RL made things worse, or drew off the roads
    worse, _ = _video_bench_rows({"sft": 60.0, "gdpo": 300.0}, {"sft": 0.9, "gdpo": 0.9})
    assert "not met" in ablation_report(abl, worse) and "MAE small" in ablation_report(abl, worse)
    offroad, _ = _video_bench_rows(good, {"sft": 0.9, "gdpo": 0.8, "no_kl": 0.9})
    md2 = ablation_report(abl, offroad)
    assert "not met" in md2 and "(kept: at most 2 points lower): no" in md2
    # snapped rows get their own table; the target is judged on the raw decode
    snapped, _ = _video_bench_rows({"sft": 40.0, "gdpo": 500.0}, {"sft": 1.0, "gdpo": 1.0}, seed=1, kind="snap")
    md3 = ablation_report(abl, rows + snapped)
    assert "Map-constrained decode" in md3 and "**Target check (Traj-GDPO vs SFT): met.**" in md3
    abl["arms"]["gdpo"]["collapse_steps"] = 1
    assert "not met" in ablation_report(abl, rows)


def test_gpu_section_reads_the_recorded_files(ablation, tmp_path, render_experiment):
    def gpu_section(abl, vb):
        return render_experiment("rl_ablation", abl=abl, vb=vb)

    out, _ = ablation
    rows, pooled = _video_bench_rows({"sft": 250.0, "gdpo": 90.0}, {"sft": 0.9, "gdpo": 0.9}, seed=4)
    vb = tmp_path / "vb.json"
    assert "Not measured yet" in gpu_section(str(out / "ablation.json"), str(vb))  # nothing recorded yet: no table
    vb.write_text(json.dumps({"rows": rows}))
    md = gpu_section(str(out / "ablation.json"), str(vb))
    assert f"| Traj-GDPO | {pooled['gdpo']['small']['mae_m']:.0f} |" in md and str(vb) in md
