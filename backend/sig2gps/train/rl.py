"""Traj-GDPO: RL from verifiable trajectory rewards on top of the SFT video model (`sig2gps train rl`).

One RL step: pick `conditions_per_step` training conditions, sample a group of G videos for each
with the SDE sampler (model/sde.py), read the frames back and score them with the three rewards
(train/rl_rewards.py -> sig2gps.rewards), turn rewards into advantages (GDPO, or GRPO for the
ablation; train/rl_objective.py), then minimise the clipped ratio loss against the rollout policy
plus beta * KL to the reference, over the recorded SDE transitions, one optimizer step per
`groups_per_update` groups (so later groups of a batch see a moved policy and the clip matters).

Efficiency (one GPU): the `groups_per_update` groups of an update are sampled as one batch of
groups_per_update * G videos (rl_rollout.sample_batch) and re-evaluated as that same batch, so the
ratio is exactly 1 before the first update and the GPU sees large batches; losses, KLs and ratios
stay on the device until the end of a step (one host sync); the CPU reward scoring (read-back,
skeleton, geodesics) can run in `score_workers` processes, each batch scored while the next one
samples, since on a GPU it would otherwise cost as much as sampling (measured split of a step:
experiments/rl_ablation/NOTES.md).

The policy is a LoRA adapter on the SFT transformer; the KL reference "sft" is the same network
with the adapter disabled (no second copy), "step" is the policy that sampled the batch, "none"
drops the KL. Resumable: OUT/ckpt holds the adapter, the optimizer and the log; OUT/curves.png
plots each reward's mean and spread, the KL and the rollout diversity; OUT/model is the SFT model
with the adapter fused in, in the shipped layout.
"""
from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .base import STATE, Panel, Series, Trainer, pick_device, save_fused, write_config
from .base import plot_curves as plot_panels
from .jsonconfig import JsonConfig
from .rl_conditions import load_conditions

PAPER_REWARDS = ("distance", "direction", "continuity")
REWARDS = PAPER_REWARDS + ("path",)  # every reward scored and logged; `RlConfig.rewards` picks those trained on


@dataclass(frozen=True)
class RlConfig(JsonConfig):
    pairs: str  # training pairs (.npz from `sig2gps train pairs`)
    init: str = ""  # SFT model folder (default: the shipped model)
    out: str = "out/train/rl"
    conditions: int = 32  # size of the condition pool (every k-th pair, deterministic windows)
    conditions_per_step: int = 4
    group: int = 8  # G rollouts per condition
    frames: int = 13
    steps: int = 10  # sampler steps
    sde_steps: tuple = ()  # stochastic (trained) steps; empty = all (Flow-GRPO's SDE window otherwise)
    noise_level: float = 0.7  # SDE noise level a (Flow-GRPO's default)
    advantage: str = "gdpo"  # "gdpo" | "grpo"
    rewards: tuple = PAPER_REWARDS  # which rewards count ("without direction" drops one; "path" adds the on-path one)
    # frames between the first and last the distance reward scores (RewardConfig.n_intermediate): 3 is the
    # paper's five anchors; frames - 3 or more scores every drawn frame, as the reported MAE does
    reward_anchors: int = 3
    # weight of each reward's group z-score in the advantage (missing: 1), e.g. {"continuity": 2.0} to push the
    # one-piece share harder than GDPO's equal weights do
    reward_weights: dict = field(default_factory=dict)
    adv_clip: float = 5.0
    clip: float = 1e-3  # ratio clip; log-probs are per-element means, so ratios move little per update
    kl: str = "sft"  # "sft" (adapter off) | "step" (rollout policy) | "none"
    beta: float = 0.04  # KL weight
    lora_rank: int = 16
    # the paper's attention projections, plus the feed-forwards and the output projection: with no text
    # encoder the cross-attention sees a constant, so attention-only adapters move the drawing slowly
    lora_targets: tuple = ("to_q", "to_k", "to_v", "to_out.0", "ffn.net.0.proj", "ffn.net.2", "proj_out")
    lr: float = 1e-4
    groups_per_update: int = 1
    max_steps: int = 20  # RL steps (sampling rounds) in total
    minutes: float = 5.0  # wall-clock budget of this invocation
    min_diversity_m: float = 50.0  # collapse floor: rollouts of one condition closer than this (mean pairwise)
    eval_every: int = 0  # 0: evaluate only before and after
    eval_pairs: str = ""  # held-out pairs to evaluate on (default: the first conditions of the pool)
    eval_conditions: int = 8
    score_workers: int = 0  # processes scoring rollouts (0: in this process)
    # RL on the windows the video method draws with this --chunk-m (0: whole traces). Each pair then gives one
    # condition per window (1,024 training pairs at 1000 m -> 19,932 conditions), drawn when picked
    chunk_m: float = 0.0
    seed: int = 0

    def check(self, where: str = "RlConfig") -> None:
        if self.advantage not in ("gdpo", "grpo"):
            raise ValueError(f"{where}: field 'advantage' must be gdpo or grpo, got {self.advantage!r}")
        if self.kl not in ("sft", "step", "none"):
            raise ValueError(f"{where}: field 'kl' must be sft, step or none, got {self.kl!r}")
        if set(self.rewards) - set(REWARDS) or not self.rewards:
            raise ValueError(f"{where}: field 'rewards' must be a non-empty subset of {REWARDS}")
        if self.groups_per_update < 1:
            raise ValueError(f"{where}: field 'groups_per_update' must be at least 1")
        bad = {k: w for k, w in self.reward_weights.items()
               if k not in REWARDS or not isinstance(w, (int, float)) or not np.isfinite(w) or w < 0}
        if bad:
            raise ValueError(f"{where}: field 'reward_weights' takes {REWARDS} with finite weights >= 0, got {bad}")
        if self.reward_anchors < 0:
            raise ValueError(f"{where}: field 'reward_anchors' must be 0 or more, got {self.reward_anchors}")
        if self.group < 2:
            raise ValueError(f"{where}: field 'group' must be at least 2 (advantages are relative)")


def trajectory_rewards(overlays: np.ndarray, c, anchors: int = 3) -> dict[str, np.ndarray]:
    """Every reward (REWARDS) of each of the G rollouts (distance at `anchors` frames between the first and last)."""
    from ..rewards import RewardConfig
    from .rl_rewards import overlay_rewards

    rcfg = RewardConfig(n_intermediate=anchors)
    rs = [overlay_rewards(o, c.win, c.truth_lon, c.truth_lat, rcfg) for o in overlays]
    return {k: np.array([r[k] for r in rs]) for k in REWARDS}


def track_mae_m(overlays: np.ndarray, c) -> float:
    """Mean over rollouts of the raw read-back error at the frame times (metres): the reported metric."""
    from ..model.readback import dot_px

    return float(np.mean([np.hypot(*(c.win.to_xy(dot_px(o[1, 1:])) - c.truth_xy).T).mean() for o in overlays]))


def on_road(groups: list) -> float:
    """Share of drawn path pixels on a road (condition channel 0), over every rollout: RL must not
    buy reward by drawing off the map."""
    from ..model.readback import on_road_share

    return float(np.mean([on_road_share(o, g.cond.cond[0, 0]) for g in groups for o in g.overlay]))


def _rl_step(rec: dict) -> bool:
    """A training step's record (not an evaluation's): what the curves draw."""
    return not rec.get("eval")


class RlTrainer(Trainer):
    """Holds the LoRA policy, optimizer and log; `step()` is one sampling round + its updates."""

    curves = (
        Panel("rewards (mean, within-group spread)",
              tuple(Series(f"{k}_mean", k, band=f"{k}_std", optional=True) for k in REWARDS), _rl_step,
              xlabel="RL step", legend_size=8),
        Panel("KL to reference (per element)", (Series("kl", style="o-"),), _rl_step, xlabel="RL step"),
        Panel("rollout diversity (mean pairwise m)", (Series("diversity_m", style="o-"),), _rl_step,
              xlabel="RL step"),
    )

    def __init__(self, tr, codec, shift: float, cfg: RlConfig, conditions: list, reward_fn=None):
        from functools import partial

        from ..model.store import LoraSettings, add_lora

        # a partial of a module-level function pickles, so scoring processes can run it
        reward_fn = reward_fn or partial(trajectory_rewards, anchors=cfg.reward_anchors)
        self.cfg, self.codec, self.shift, self.conditions, self.reward_fn = cfg, codec, shift, conditions, reward_fn
        if not getattr(tr, "peft_config", None):
            add_lora(tr, LoraSettings(rank=cfg.lora_rank, alpha=cfg.lora_rank, targets=tuple(cfg.lora_targets)))
        super().__init__(next(tr.parameters()).device.type)
        self.tr = tr.float().eval()  # no dropout anywhere: rollout and re-evaluation must agree exactly
        self.set_optimizer(tr, cfg.lr, weight_decay=0.0)
        self.cap = None
        self.last_ratios = []  # ratios of the last step, in update order (tests and diagnostics)
        self._pool = None
        self.score_wait = 0.0

    def _cap(self) -> float:
        from ..model.flow import sampling_sigmas

        return float(sampling_sigmas(self.cfg.steps, self.shift)[1])

    def sample(self, conds: list, seed: int) -> tuple[list, list]:
        """Batches of `groups_per_update` conditions x G rollouts (condition k seeded seed*7919+k) and the
        rewards of every group. With scoring processes, a batch is scored while the next one samples."""
        from .rl_rollout import sample_batch

        cfg, n = self.cfg, self.cfg.groups_per_update
        batches, pending = [], []
        for j in range(0, len(conds), n):
            b = sample_batch(self.tr, self.codec, conds[j:j + n], cfg.group, cfg.steps, self.shift, cfg.noise_level,
                             cfg.sde_steps, [seed * 7919 + k for k in range(j, min(j + n, len(conds)))])
            batches.append(b)
            pending += [self._submit(g) for g in b.groups]
        t = time.time()
        rewards = [p.result() if hasattr(p, "result") else p for p in pending]
        self.score_wait = time.time() - t  # > 0 only while scoring lags behind sampling: the bottleneck sign
        return batches, rewards

    def _submit(self, g):
        """reward_fn of one group: a future in `score_workers` processes (spawned once, reused), else the value."""
        if self.cfg.score_workers <= 0:
            return self.reward_fn(g.overlay, g.cond)
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: the parent holds CUDA and OpenMP state that a forked child must not inherit
            self._pool = ProcessPoolExecutor(self.cfg.score_workers, mp_context=mp.get_context("spawn"))
        return self._pool.submit(self.reward_fn, g.overlay, g.cond)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    # -- the base trainer's loop: RL steps until max_steps (total) or `minutes` of this call ---------------------
    def train_step(self, item=None) -> dict:
        return self.step()

    def spent(self) -> bool:
        return self.step_no >= self.cfg.max_steps or self.minutes() >= self.cfg.minutes

    def run(self, eval_conds: list, ckpt: Path | None = None, tag: str = "") -> dict:
        """RL steps until the budget is spent, then the final evaluation (returned, also appended to the log).
        Saves a resumable checkpoint after every step when `ckpt` is given."""
        self._run = (eval_conds, ckpt, tag)
        self.fit(itertools.repeat(None))
        ev = self.evaluate(eval_conds)
        self.log.append(ev)
        print(tag + "eval " + json.dumps(ev), flush=True)
        if ckpt is not None:
            self.save(ckpt)
        return ev

    def after_step(self, rec: dict, done: bool) -> None:
        eval_conds, ckpt, tag = self._run
        if rec["diversity_m"] is not None and rec["diversity_m"] < self.cfg.min_diversity_m:
            rec["collapsed"] = True  # the report counts these; the run goes on so the log shows what follows
            print(f"{tag}warning: rollout diversity {rec['diversity_m']:.0f} m below the floor "
                  f"{self.cfg.min_diversity_m} m", flush=True)
        print(tag + json.dumps(rec), flush=True)
        if self.cfg.eval_every and self.step_no % self.cfg.eval_every == 0:
            self.log.append(self.evaluate(eval_conds))
        if ckpt is not None:
            self.save(ckpt)

    def step(self) -> dict:
        from .rl_objective import advantages, clipped_policy_loss
        from .rl_rollout import diversity_m, policy_terms

        cfg = self.cfg
        t0 = time.time()
        rng = np.random.default_rng([cfg.seed, self.step_no])
        pick = rng.choice(len(self.conditions), min(cfg.conditions_per_step, len(self.conditions)), replace=False)
        batches, rewards = self.sample([self.conditions[i] for i in pick], cfg.seed + 100_003 * (self.step_no + 1))
        groups = [g for b in batches for g in b.groups]
        for g, r in zip(groups, rewards):
            g.rewards = r
        t_sample = time.time() - t0  # sampling and scoring (they overlap with scoring processes)
        names = [k for k in cfg.rewards if k in groups[0].rewards]
        R = {k: np.stack([g.rewards[k] for g in groups]) for k in names}
        A = advantages(cfg.advantage, R, cfg.reward_weights, clip=cfg.adv_clip)
        self.last_rewards, self.last_advantages = R, A  # tests and diagnostics

        losses, kls, ratios = [], [], []  # device tensors: one host sync at the end of the step
        row = 0
        for b in batches:
            dev = b.steps[0][3].device
            adv = torch.as_tensor(A.reshape(-1)[row:row + len(b.groups) * cfg.group], dtype=torch.float64, device=dev)
            row += len(b.groups) * cfg.group
            for k in range(len(b.steps)):
                lp, old_lp, kl = policy_terms(self.tr, self.codec, b, k, self._cap(), cfg.noise_level, cfg.kl)
                pg, ratio = clipped_policy_loss(lp, old_lp, adv, cfg.clip)
                # a batch of n groups weighs n times one group, as n per-group updates summed would
                loss = (pg + cfg.beta * kl).mean() * len(b.groups) / (cfg.groups_per_update * len(b.steps))
                loss.backward()
                losses.append(loss.detach() * cfg.groups_per_update * len(b.steps) / len(b.groups))
                kls.append(kl.detach().mean())
                ratios.append(ratio.detach())
            torch.nn.utils.clip_grad_norm_(self.params, 1.0)
            self.opt.step()
            self.opt.zero_grad(set_to_none=True)
        self.last_ratios = [r.cpu().numpy() for r in ratios]
        self.step_no += 1
        rat = np.concatenate(self.last_ratios)
        rec = {"step": self.step_no, "loss": float(torch.stack(losses).mean()), "kl": float(torch.stack(kls).mean()),
               "ratio_min": float(rat.min()), "ratio_max": float(rat.max()),
               "clipped_frac": float((np.abs(rat - 1) > cfg.clip).mean()),
               "diversity_m": float(np.nanmean([diversity_m(g) for g in groups])) if groups[0].cond.win else None,
               "on_road": on_road(groups),
               "seconds": time.time() - t0, "sample_seconds": t_sample, "score_wait_seconds": self.score_wait}
        for k in groups[0].rewards:
            v = np.stack([g.rewards[k] for g in groups])
            rec[f"{k}_mean"], rec[f"{k}_std"] = float(v.mean()), float(v.std(1).mean())
        self.log.append(rec)
        return rec

    @torch.no_grad()
    def evaluate(self, conds: list, seed: int = 12345) -> dict:
        """Rewards, read-back MAE and diversity on fixed conditions and fixed noise (comparable over time)."""
        from .rl_rollout import diversity_m

        batches, rs = self.sample(conds, seed)
        groups = [g for b in batches for g in b.groups]
        out = {"step": self.step_no, "eval": True}
        for k in rs[0]:
            out[f"{k}_mean"] = float(np.mean([r[k].mean() for r in rs]))
            out[f"{k}_per_condition"] = [float(r[k].mean()) for r in rs]  # for paired before/after tests
        if groups[0].cond.win is not None:
            maes = [track_mae_m(g.overlay, g.cond) for g in groups]
            out["mae_m"], out["mae_m_per_condition"] = float(np.mean(maes)), maes
            out["diversity_m"] = float(np.mean([diversity_m(g) for g in groups]))
            out["on_road"] = on_road(groups)
        return out

    # -- checkpoints --------------------------------------------------------------------------
    def save(self, ckpt: Path) -> None:
        from peft.utils import get_peft_model_state_dict
        from safetensors.torch import save_file

        ckpt.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in get_peft_model_state_dict(self.tr).items()},
                  str(ckpt / "adapter.safetensors"))
        self.save_state(ckpt / STATE)

    def load(self, ckpt: Path) -> bool:
        from peft.utils import set_peft_model_state_dict
        from safetensors.torch import load_file

        if not (ckpt / STATE).is_file():
            return False
        set_peft_model_state_dict(self.tr, load_file(str(ckpt / "adapter.safetensors")))
        self.load_state(ckpt / STATE)
        return True


def plot_curves(log: list[dict], path: Path) -> None:
    plot_panels(log, path, RlTrainer.curves)


def run_steps(trainer: RlTrainer, eval_conds: list, ckpt: Path | None = None, tag: str = "") -> dict:
    """RlTrainer.run: RL steps until max_steps (total) or `minutes` of this call, then the final evaluation."""
    return trainer.run(eval_conds, ckpt, tag)


def write_run(trainer: RlTrainer, out: Path, mcfg, ev: dict) -> None:
    """curves.png, log.jsonl, and OUT/model: the SFT model with the adapter fused in, in the shipped
    layout (the adapter itself stays in ckpt/ or wherever the caller saved it). Unloads the adapter."""
    trainer.write_outputs(out)
    save_fused(trainer.tr, out / "model", mcfg, {"rl": {"steps": trainer.step_no, "eval": ev}})


def train_rl(cfg: RlConfig) -> dict:
    """Run until max_steps (total, over resumptions) or the time budget; returns a summary."""
    from ..model.store import load_video_model

    cfg.check()
    torch.manual_seed(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(out, cfg)
    pipe, mcfg, _ = load_video_model(cfg.init or None, pick_device())
    if mcfg.codec != "pixel":
        raise ValueError(f"{cfg.init}: RL rewards read the pixel model's overlay; codec {mcfg.codec!r} not supported yet")
    conds = load_conditions(cfg.pairs, cfg.conditions, mcfg.scene, cfg.frames, cfg.chunk_m)
    trainer = RlTrainer(pipe.transformer, pipe.codec, mcfg.flow.shift, cfg, conds)
    resumed = trainer.load(out / "ckpt")
    eval_conds = (load_conditions(cfg.eval_pairs, cfg.eval_conditions, mcfg.scene, cfg.frames, cfg.chunk_m)
                  if cfg.eval_pairs
                  else conds[: min(len(conds), cfg.eval_conditions)])
    if not resumed:
        trainer.log.append(trainer.evaluate(eval_conds))
        print("eval " + json.dumps(trainer.log[-1]), flush=True)
    ev = run_steps(trainer, eval_conds, out / "ckpt")
    trainer.close()
    write_run(trainer, out, mcfg, ev)
    first = next(r for r in trainer.log if r.get("eval"))
    return {"before": first, "after": ev, "steps": trainer.step_no, "out": str(out)}
