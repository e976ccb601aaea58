"""Traj-GDPO on a tiny seeded model (CPU, seconds): SDE log-prob, advantages, ratio, KL, a learning run."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from sig2gps.model.codec import PixelCodec
from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.scene import COND_CHANNELS
from sig2gps.model.sde import gaussian_log_prob, kl_to_reference, sde_mask, sde_step
from sig2gps.model.store import build_transformer, save_video_model
from sig2gps.train.rl import RlConfig, RlTrainer, load_conditions, train_rl, trajectory_rewards
from sig2gps.train.rl_objective import advantages, clipped_policy_loss
from sig2gps.train.rl_rollout import RlCondition

TINY = VideoModelConfig(transformer=PRESETS["tiny"])
FRAMES = 5


def _conditions(n=2, size=16, seed=0):
    rng = np.random.default_rng(seed)
    return [RlCondition(f"c{k}", rng.random((COND_CHANNELS, FRAMES, size, size)).astype(np.float32))
            for k in range(n)]


def _trainer(reward_fn, **over):
    base = dict(pairs="-", group=4, frames=FRAMES, steps=3, conditions_per_step=2, lr=1e-3, seed=1)
    base.update(over)
    cfg = RlConfig(**base)
    cfg.check()
    return RlTrainer(build_transformer(TINY, seed=3), PixelCodec(), 3.0, cfg, _conditions(), reward_fn)


def _brightness(overlays, c):
    """Toy verifiable reward: how much path the last frame draws (mean of the path channel)."""
    return {"distance": overlays[:, 0, -1].mean(axis=(1, 2))}


def test_sde_log_prob_matches_a_hand_computed_gaussian():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 2, 3, 4, 4, generator=g)
    v = torch.randn(2, 2, 3, 4, 4, generator=g)
    s, s_next, a, cap = 0.6, 0.4, 0.7, 0.9
    x_next, lp, mean, std = sde_step(x, v, s, s_next, cap, a, [torch.Generator().manual_seed(k) for k in range(2)])
    std_t = a * math.sqrt(s / (1 - s))
    dt = s_next - s
    m = x * (1 + std_t ** 2 / (2 * s) * dt) + v * (1 + std_t ** 2 * (1 - s) / (2 * s)) * dt
    sd = std_t * math.sqrt(-dt)
    assert std == pytest.approx(sd)
    assert torch.allclose(mean, m, atol=1e-6)
    assert torch.equal(x_next[:, :, 0], x[:, :, 0])  # condition frame fixed
    ref = torch.distributions.Normal(m[:, :, 1:].double(), sd).log_prob(x_next[:, :, 1:].double()).flatten(1).mean(1)
    assert torch.allclose(lp, ref, atol=1e-9)
    # re-evaluating the same transition gives the same density; another one a lower density on average
    assert torch.equal(sde_step(x, v, s, s_next, cap, a, x_next=x_next)[1], lp)
    assert (gaussian_log_prob(x_next + 3 * sd, mean, sd) < lp).all()


def test_sde_noise_vanishes_to_the_ode_step_and_mask():
    x, v = torch.randn(1, 2, 3, 4, 4), torch.randn(1, 2, 3, 4, 4)
    _, _, mean, _ = sde_step(x, v, 0.5, 0.3, 0.9, 1e-8, torch.Generator())
    assert torch.allclose(mean, x + (0.3 - 0.5) * v, atol=1e-6)
    assert sde_mask(4) == [True] * 4 and sde_mask(4, (0, 2)) == [True, False, True, False]
    with pytest.raises(ValueError, match="outside"):
        sde_mask(3, (5,))
    assert float(kl_to_reference(mean, mean, 0.1).abs().max()) == 0.0


@pytest.mark.parametrize("kind", ["gdpo", "grpo"])
def test_advantages_have_zero_mean_within_each_group(kind):
    rng = np.random.default_rng(2)
    R = {"distance": rng.random((5, 8)), "direction": rng.uniform(-1, 1, (5, 8)) * 10,
         "continuity": (rng.random((5, 8)) > 0.5).astype(float)}
    R["continuity"][0] = 1.0  # a constant reward in a group adds nothing there
    A = advantages(kind, R)
    assert A.shape == (5, 8)
    assert np.allclose(A.mean(1), 0, atol=1e-9)
    assert A.std() > 0.5


def test_gdpo_is_not_dominated_by_a_large_reward_but_grpo_is():
    rng = np.random.default_rng(3)
    small, big = rng.random((1, 8)), rng.random((1, 8)) * 100
    R = {"distance": small, "direction": big}
    g, p = advantages("gdpo", R), advantages("grpo", R)
    assert abs(np.corrcoef(g[0], small[0])[0, 1]) > 0.5  # GDPO still hears the small reward
    assert np.corrcoef(p[0], big[0])[0, 1] > 0.99  # GRPO follows the big one


def test_clipped_loss_stops_pulling_past_the_clip():
    lp = torch.tensor([0.0, 0.5], requires_grad=True)
    loss, ratio = clipped_policy_loss(lp, torch.zeros(2), torch.tensor([1.0, 1.0]), 0.1)
    loss.sum().backward()
    assert ratio[0] == 1 and lp.grad[0] == -1.0 and lp.grad[1] == 0.0


def test_ratio_exactly_one_before_first_update_and_kl_zero_for_a_fresh_adapter():
    tr = _trainer(_brightness, groups_per_update=2)  # one update after both groups: all ratios pre-update
    rec = tr.step()
    assert all(np.array_equal(r, np.ones_like(r)) for r in tr.last_ratios)
    assert rec["ratio_min"] == 1.0 == rec["ratio_max"]
    assert rec["kl"] == 0.0  # LoRA B starts at zero: adapter on == adapter off


def test_kl_positive_after_updates_and_the_reference_is_the_adapter_off():
    tr = _trainer(_brightness, lr=1e-2)
    for _ in range(2):
        rec = tr.step()
    assert rec["kl"] > 0
    with torch.no_grad():
        p = next(p for n, p in tr.tr.named_parameters() if "lora_B" in n)
        assert p.abs().max() > 0  # the adapter moved, the frozen base did not get a gradient
    assert all(not p.requires_grad for n, p in tr.tr.named_parameters() if "lora" not in n)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_few_steps_on_a_toy_reward_raise_it(sign):
    """Either direction: the policy follows the reward, not a drift of the untrained model."""
    tr = _trainer(lambda o, c: {"distance": sign * _brightness(o, c)["distance"]}, lr=1e-2, kl="none", clip=0.2)
    before = tr.evaluate(tr.conditions)["distance_mean"]  # fixed conditions and noise
    for _ in range(6):
        tr.step()
    after = tr.evaluate(tr.conditions)["distance_mean"]
    assert after > before + 0.02, (before, after)


def test_config_errors_name_the_file_and_field(tmp_path):
    p = tmp_path / "rl.json"
    p.write_text('{"pairs": "x.npz", "kl": "previous"}')
    with pytest.raises(ValueError, match="rl.json.*'kl'"):
        RlConfig.from_json(p)
    p.write_text('{"pairs": "x.npz", "klbeta": 1}')
    with pytest.raises(ValueError, match="unknown field.*klbeta"):
        RlConfig.from_json(p)


@pytest.fixture(scope="module")
def pairs_file(helsinki_pairs):
    return helsinki_pairs(6, 5)


def test_real_rewards_score_the_truth_overlay_best(pairs_file):
    from sig2gps.model.scene import render_overlay
    from sig2gps.train.pairs import PairSet

    c = load_conditions(str(pairs_file), 3, TINY.scene, 9)[0]
    ps = PairSet.load(pairs_file)
    i = int(c.key.split(":")[1])
    _, sig_t, _, pos_t, pos_xy = ps.trace(i)
    truth = render_overlay(c.win, TINY.scene, pos_t, pos_xy, float(sig_t[-1]), 9)
    wrong = truth[:, :, ::-1].copy()  # mirrored rows: dots in the wrong place
    r = trajectory_rewards(np.stack([truth, wrong]), c)
    assert r["distance"][0] > 0.8 and r["distance"][0] > r["distance"][1]
    assert r["direction"][0] > 0.95
    assert set(r) == {"distance", "direction", "continuity", "path"} and r["path"][0] > r["path"][1]


def test_reward_weights_shape_the_advantages():
    def two(overlays, c):
        return {**_brightness(overlays, c), "direction": np.random.default_rng(len(c.key)).random(len(overlays))}

    t = _trainer(two, reward_weights={"direction": 0.0})
    t.step()
    # a weight of 0 leaves the advantage of the other reward alone; equal weights would not
    only = advantages("gdpo", {"distance": t.last_rewards["distance"]})
    assert np.allclose(t.last_advantages, only)
    assert not np.allclose(advantages("gdpo", t.last_rewards), only)
    for bad in ({"speed": 1.0}, {"continuity": -1.0}, {"distance": float("nan")}):
        with pytest.raises(ValueError, match="reward_weights"):
            RlConfig(pairs="-", reward_weights=bad).check()


def test_path_reward_forgives_a_late_dot_on_the_true_path(pairs_file):
    from sig2gps.model.scene import render_overlay
    from sig2gps.train.pairs import PairSet

    c = max(load_conditions(str(pairs_file), 6, TINY.scene, 9), key=lambda c: np.ptp(c.truth_xy, axis=0).sum())
    _, sig_t, _, pos_t, pos_xy = PairSet.load(pairs_file).trace(int(c.key.split(":")[1]))
    truth = render_overlay(c.win, TINY.scene, pos_t, pos_xy, float(sig_t[-1]), 9)
    late = truth.copy()
    late[1, 2:] = truth[1, 1:-1]  # every dot one frame behind: on the path, at the wrong time
    r = trajectory_rewards(np.stack([truth, late]), c, anchors=6)
    assert r["distance"][1] < r["distance"][0] - 0.02  # the distance reward sees the lag
    assert r["path"][1] == pytest.approx(r["path"][0], abs=0.03)  # the path reward does not
    assert RlConfig(pairs="-").rewards == ("distance", "direction", "continuity")  # the paper's three by default
    RlConfig(pairs="-", rewards=("distance", "path")).check()


def test_dense_distance_reward_scores_every_frame_the_anchors_skip(pairs_file):
    from sig2gps.model.scene import render_overlay
    from sig2gps.train.pairs import PairSet

    c = load_conditions(str(pairs_file), 3, TINY.scene, 9)[0]
    _, sig_t, _, pos_t, pos_xy = PairSet.load(pairs_file).trace(int(c.key.split(":")[1]))
    truth = render_overlay(c.win, TINY.scene, pos_t, pos_xy, float(sig_t[-1]), 9)
    off = truth.copy()
    # frame 2 is drawn dot 1 of 8: not one of the paper's five anchors (dots 0, 2, 4, 5, 7)
    off[1, 2] = np.roll(truth[1, 2], TINY.scene.size // 3, axis=(0, 1))
    sparse = trajectory_rewards(np.stack([truth, off]), c)
    dense = trajectory_rewards(np.stack([truth, off]), c, anchors=6)
    assert sparse["distance"][1] == pytest.approx(sparse["distance"][0])
    assert dense["distance"][1] < dense["distance"][0] - 0.05
    # the trainer scores with the config's anchors unless given another reward
    assert _trainer(None, reward_anchors=6).reward_fn.keywords == {"anchors": 6}
    with pytest.raises(ValueError, match="reward_anchors"):
        RlConfig(pairs="-", reward_anchors=-1).check()


def test_windowed_conditions_are_the_windows_the_method_draws(pairs_file):
    from sig2gps.model.scene import window_scenes
    from sig2gps.train.pairs import PairSet

    whole = load_conditions(str(pairs_file), 4, TINY.scene, 9)
    wins = load_conditions(str(pairs_file), 4, TINY.scene, 9, chunk_m=TINY.scene.min_half_m)
    assert len(wins) > len(whole)  # some of these traces are longer than one window
    # drawn when picked (a real pool would not fit in memory drawn), the same picture every time
    assert np.array_equal(wins[1].cond, wins[1].cond) and [c.key for c in wins[1:3]] == [wins[1].key, wins[2].key]
    ps = PairSet.load(pairs_file)
    for c in whole:
        i = int(c.key.split(":")[1])
        _, sig_t, sig_xy, pos_t, pos_xy = ps.trace(i)
        drawn = window_scenes(sig_t, sig_xy, ps.roads[0], TINY.scene, TINY.scene.min_half_m, 9)
        mine = [w for w in wins if w.key.split(":")[1] == str(i)]
        assert len(mine) == len(drawn)  # one condition per window the video method draws, same pictures
        for w, d in zip(mine, drawn):
            assert np.array_equal(w.cond, d.cond) and w.win == d.win
            # the truth of a window lies in its span of the trace: the frame times are the piece's
            t = np.linspace(sig_t[d.a], sig_t[d.b], 8)
            ref = np.c_[np.interp(t, pos_t, pos_xy[:, 0]), np.interp(t, pos_t, pos_xy[:, 1])]
            assert np.allclose(w.truth_xy, ref, atol=1e-6)


def test_train_rl_end_to_end_resumes_and_writes_model(pairs_file, tmp_path):
    save_video_model(tmp_path / "sft", build_transformer(TINY, seed=2), TINY, dtype=torch.float32)
    cfg = RlConfig(pairs=str(pairs_file), init=str(tmp_path / "sft"), out=str(tmp_path / "rl"), conditions=3,
                   conditions_per_step=2, group=2, frames=5, steps=2, max_steps=1, sde_steps=(0,))
    s1 = train_rl(cfg)
    assert s1["steps"] == 1 and (tmp_path / "rl" / "curves.png").is_file()
    s2 = train_rl(RlConfig(**{**cfg.__dict__, "max_steps": 2}))
    assert s2["steps"] == 2  # picked up at step 1
    from sig2gps.model.store import load_video_model

    pipe, _, meta = load_video_model(tmp_path / "rl" / "model")
    assert meta["summary"]["rl"]["steps"] == 2
    assert not any("lora" in n for n, _ in pipe.transformer.named_parameters())
    # a run cut short before it wrote model/ still fuses from its per-step checkpoint, to the same weights
    from sig2gps.train.rl_ablation import refuse

    refuse(tmp_path / "rl", str(tmp_path / "sft"), tmp_path / "refused")
    a = pipe.transformer.state_dict()
    b = load_video_model(tmp_path / "refused")[0].transformer.state_dict()
    assert all(torch.allclose(a[k], b[k], atol=1e-2) for k in a)
    assert load_video_model(tmp_path / "refused")[2]["summary"]["rl"]["steps"] == 2
    with pytest.raises(ValueError, match="neither adapter"):
        refuse(tmp_path / "sft", str(tmp_path / "sft"), tmp_path / "x")


def test_benchmark_report_is_computed_from_the_log():
    from sig2gps.benchmark.rl import _paired, report

    cfg = RlConfig(pairs="p.npz", max_steps=1)
    b = {"eval": True, "step": 0, "distance_mean": 0.2, "distance_per_condition": [0.1, 0.2, 0.3, 0.2]}
    a = {"eval": True, "step": 1, "distance_mean": 0.5, "distance_per_condition": [0.4, 0.52, 0.6, 0.48]}
    st = {"step": 1, "loss": 0.0, "kl": 1e-6, "ratio_min": 1.0, "ratio_max": 1.0, "clipped_frac": 0.0,
          "diversity_m": 10.0, "seconds": 3.0, "distance_mean": 0.3, "distance_std": 0.1, "direction_mean": 0.1,
          "direction_std": 0.2, "continuity_mean": 0.0, "continuity_std": 0.0}
    assert "(up)" in _paired(b, a, "distance", 3)
    assert "(within noise)" in _paired(b, {**a, "distance_per_condition": [0.3, 0.0, 0.5, 0.0]}, "distance", 3)
    md = report(cfg, [b, st, a], "Machine: test.")
    assert "| before (SFT) | 0 | 0.200 |" in md and "| after RL | 1 | 0.500 |" in md and "ablation" in md
    assert "No finished run" in report(cfg, [b], "Machine: test.")


@pytest.mark.parametrize("kl,advantage", [("step", "grpo"), ("none", "gdpo")])
def test_ablation_options_run_and_the_step_reference_is_the_rollout_policy(kl, advantage):
    one_update = _trainer(_brightness, kl=kl, advantage=advantage, groups_per_update=2, lr=1e-2)
    assert one_update.step()["kl"] == 0.0  # every group evaluated before the update: policy == rollout policy
    per_group = _trainer(_brightness, kl=kl, advantage=advantage, groups_per_update=1, lr=1e-2)
    rec = per_group.step()  # the second group sees the policy moved by the first group's update
    assert rec["kl"] > 0 if kl == "step" else rec["kl"] == 0.0


def test_rounds_keep_only_improvements_and_resume(pairs_file, tmp_path, capsys):
    import json as _json

    from sig2gps.cli import main
    from sig2gps.train.rl_rounds import STATE

    save_video_model(tmp_path / "sft", build_transformer(TINY, seed=2), TINY, dtype=torch.float32)
    rl = dict(pairs=str(pairs_file), conditions=3, conditions_per_step=2, group=2, frames=5, steps=2, max_steps=1,
              sde_steps=[0], chunk_m=1000.0)
    (tmp_path / "rl.json").write_text(_json.dumps(rl))
    cfg = dict(rl=str(tmp_path / "rl.json"), val_pairs=str(pairs_file), init=str(tmp_path / "sft"),
               out=str(tmp_path / "rounds"), rounds=1, val_n=2, val_frames=5, val_steps=1, rl_minutes=2.5)
    (tmp_path / "cfg.json").write_text(_json.dumps(cfg))
    assert main(["train", "rounds", "--config", str(tmp_path / "cfg.json")]) == 0
    st = _json.loads((tmp_path / "rounds" / STATE).read_text())
    assert [r["round"] for r in st["rounds"]] == [1] and st["rounds"][0]["init"] == str(tmp_path / "sft")
    r1, start = st["rounds"][0], st["start"]["val_mae_win_m"]
    # kept exactly when it beat the starting figure, and then it is the best
    assert r1["kept"] == (r1["val"]["val_mae_win_m"] < start)
    assert st["best"] == (r1["model"] if r1["kept"] else str(tmp_path / "sft"))
    assert st["best_val"] == min(start, r1["val"]["val_mae_win_m"])
    assert (tmp_path / "rounds" / "round1" / "model" / "sig2gps_video.json").is_file()
    assert _json.loads((tmp_path / "rounds" / "round1" / "config.json").read_text())["minutes"] == 2.5  # rl_minutes
    # killed after training but before the round was recorded: the rerun validates it, it does not train it again
    log1 = (tmp_path / "rounds" / "round1" / "log.jsonl").read_text()
    (tmp_path / "rounds" / STATE).write_text(_json.dumps({**st, "rounds": [], "best": st["start"]["model"],
                                                          "best_val": st["start"]["val_mae_win_m"]}))
    assert main(["train", "rounds", "--config", str(tmp_path / "cfg.json")]) == 0
    assert (tmp_path / "rounds" / "round1" / "log.jsonl").read_text() == log1
    assert _json.loads((tmp_path / "rounds" / STATE).read_text())["rounds"] == st["rounds"]
    # resuming with more rounds runs only the missing one, from the best model so far
    assert main(["train", "rounds", "--config", str(tmp_path / "cfg.json"), "--rounds", "2"]) == 0
    st2 = _json.loads((tmp_path / "rounds" / STATE).read_text())
    assert [r["round"] for r in st2["rounds"]] == [1, 2] and st2["rounds"][1]["init"] == st["best"]
    assert "done: 2/2 rounds" in capsys.readouterr().out
