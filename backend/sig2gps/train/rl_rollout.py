"""Group sampling for Traj-GDPO: G rollouts of each condition with the SDE sampler, transitions kept.

The groups of several conditions are sampled as ONE batch (`sample_batch`: n conditions x G rows),
so a GPU sees n*G videos per forward instead of G. Sampling and the training re-evaluation go
through the same `velocity` call on the same batch, so before any update the recomputed
log-probabilities equal the stored ones bit for bit and the policy ratio is exactly 1. On CUDA the
forward runs under bf16 autocast (as train/sft.py trains); densities are computed in float64.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch

from ..model.flow import sampling_sigmas, token_timesteps
from ..model.pipeline import null_embedding
from ..model.sde import kl_to_reference, sde_mask, sde_step


@dataclass
class RlCondition:
    """One training condition: the model input and what the rewards compare against."""

    key: str
    cond: np.ndarray  # (COND_CHANNELS, T, S, S)
    win: object = None  # model.scene.Window (real rewards)
    truth_lon: np.ndarray | None = None  # truth at the times of frames 1..T-1 (window tangent lon/lat)
    truth_lat: np.ndarray | None = None
    truth_xy: np.ndarray | None = None  # same, metres


@dataclass
class Group:
    """G rollouts of one condition: per stochastic step the transition and its rollout-policy terms."""

    cond: RlCondition
    ctx: dict
    steps: list = field(default_factory=list)  # (i, sigma, sigma_next, x, x_next, old_lp, old_mean)
    overlay: np.ndarray | None = None  # (G, 2, T, S, S) decoded frames
    rewards: dict = field(default_factory=dict)  # name -> (G,)
    adv: torch.Tensor | None = None  # (G,)


@dataclass
class Batch:
    """The groups of several conditions sampled together: transitions are (n*G, ...) tensors,
    rows g*G .. g*G+G-1 belong to groups[g]. `policy_terms` works on a Batch or a Group alike."""

    groups: list
    ctx: dict
    steps: list = field(default_factory=list)  # (i, sigma, sigma_next, x, x_next, old_lp, old_mean)


def velocity(tr, codec, ctx: dict, x: torch.Tensor, sigma: float) -> torch.Tensor:
    """The network's velocity at noise level sigma (the pipeline's exact call; bf16 autocast on CUDA)."""
    s = torch.full((x.shape[0],), float(sigma), device=x.device)
    ts = token_timesteps(s, x.shape, tuple(tr.config.patch_size))
    emb = null_embedding(tr, x.shape[0], x.device, next(tr.parameters()).dtype)
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=x.device.type == "cuda"):
        return codec.anchored(tr(codec.model_input(x, ctx), ts, emb, return_dict=False)[0].float(), x, ctx, s)


@contextmanager
def adapter_disabled(tr):
    """The SFT reference: the same network with its LoRA adapter switched off (no second copy)."""
    tr.disable_adapters()
    try:
        yield tr
    finally:
        tr.enable_adapters()


@torch.no_grad()
def sample_batch(tr, codec, conds: list, G: int, steps: int, shift: float, noise_level: float,
                 sde_steps: tuple, seeds: list) -> Batch:
    """G rollouts of each condition in one batch: ODE on deterministic steps, SDE (recorded) on the
    chosen ones; decoded frames go to each Group. Row noise depends only on (seed of its condition,
    rollout index), so a condition draws the same rollouts whatever batch it is sampled in."""
    device = next(tr.parameters()).device
    cond = torch.cat([torch.as_tensor(c.cond[None], dtype=torch.float32).expand(G, *c.cond.shape) for c in conds])
    cond = cond.to(device)
    ctx = codec.condition(cond)
    first = codec.empty(cond[:, :, :1]).float()
    shape = (first.shape[1], codec.latent_frames(cond.shape[2])) + tuple(first.shape[-2:])
    gens = [torch.Generator().manual_seed(sd * 1009 + g) for sd in seeds for g in range(G)]
    x = torch.stack([torch.randn(shape, generator=gg) for gg in gens]).to(device)
    x[:, :, :1] = first.to(device)
    sig = sampling_sigmas(steps, shift).tolist()
    cap = sig[1]  # Flow-GRPO: the std ratio at sigma = 1 is taken at the next sigma
    mask = sde_mask(steps, sde_steps)
    batch = Batch([Group(c, ctx) for c in conds], ctx)
    for i in range(steps):
        v = velocity(tr, codec, ctx, x, sig[i])
        if mask[i]:
            x_next, lp, mean, _ = sde_step(x, v, sig[i], sig[i + 1], cap, noise_level, gens)
            batch.steps.append((i, sig[i], sig[i + 1], x, x_next, lp, mean))
        else:
            x_next = x + (sig[i + 1] - sig[i]) * v
            x_next[:, :, :1] = x[:, :, :1]
        x = x_next
    overlay = codec.decode(x, ctx).cpu().numpy()  # the one host copy of a sampling round
    for k, g in enumerate(batch.groups):
        g.overlay = overlay[k * G:(k + 1) * G]
    return batch


def sample_group(tr, codec, c: RlCondition, G: int, steps: int, shift: float, noise_level: float,
                 sde_steps: tuple, seed: int) -> Group:
    """G rollouts of one condition (a batch of one group); the Group carries its transitions."""
    b = sample_batch(tr, codec, [c], G, steps, shift, noise_level, sde_steps, [seed])
    g = b.groups[0]
    g.steps = b.steps
    return g


def policy_terms(tr, codec, grp, k: int, cap: float, noise_level: float, kl: str):
    """Current log-prob (with grad), rollout log-prob, and the KL to the chosen reference at step k,
    for every row of a Batch (or Group)."""
    i, s, s_next, x, x_next, old_lp, old_mean = grp.steps[k]
    v = velocity(tr, codec, grp.ctx, x, s)
    _, lp, mean, std = sde_step(x, v, s, s_next, cap, noise_level, x_next=x_next)
    if kl == "sft":
        with torch.no_grad(), adapter_disabled(tr):
            ref_mean = sde_step(x, velocity(tr, codec, grp.ctx, x, s), s, s_next, cap, noise_level,
                                x_next=x_next)[2]
    elif kl == "step":
        ref_mean = old_mean  # the moving reference: the policy that sampled this batch
    elif kl == "none":
        ref_mean = None
    else:
        raise ValueError(f"kl must be 'sft', 'step' or 'none', got {kl!r}")
    kl_val = kl_to_reference(mean, ref_mean, std) if ref_mean is not None else torch.zeros_like(lp)
    return lp, old_lp, kl_val


def diversity_m(grp: Group) -> float:
    """Rollout diversity: mean pairwise distance (metres) between the G drawn tracks, over frames."""
    from ..model.readback import dot_px

    if grp.cond.win is None:
        return float("nan")
    tracks = np.stack([grp.cond.win.to_xy(dot_px(o[1, 1:])) for o in grp.overlay])  # (G, T-1, 2)
    d = np.hypot(*(tracks[:, None] - tracks[None]).transpose(3, 0, 1, 2))  # (G, G, T-1)
    G = len(tracks)
    return float(d.mean(2).sum() / max(G * (G - 1), 1))
