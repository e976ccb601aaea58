"""Advantages and the clipped policy loss of Traj-GDPO (METHOD.md section 4), as small pure functions.

GDPO (group-decoupled): each reward is z-scored within its group on its own, the z-scores are
summed, then the sum is normalised over the whole batch. A reward on a much larger scale (distance
in [0,1] vs direction in [-1,1] vs a 0/1 continuity) therefore cannot drown the others, and a reward
that is constant within a group contributes nothing there (its z-score is 0, not noise).
GRPO (the ablation): sum the raw rewards first, then z-score the sum within each group.
"""
from __future__ import annotations

import numpy as np
import torch

EPS = 1e-6


def _group_z(x: np.ndarray) -> np.ndarray:
    """(n_groups, G) -> z-scores within each row; a constant row gives zeros."""
    mu = x.mean(1, keepdims=True)
    sd = x.std(1, keepdims=True)
    return np.where(sd > EPS, (x - mu) / np.maximum(sd, EPS), 0.0)


def gdpo_advantages(rewards: dict[str, np.ndarray], weights: dict[str, float] | None = None) -> np.ndarray:
    """rewards: name -> (n_groups, G). Per-reward group z-score, weighted sum, then batch z-score."""
    names = list(rewards)
    s = sum((weights or {}).get(k, 1.0) * _group_z(np.asarray(rewards[k], float)) for k in names)
    sd = s.std()
    # the batch normalisation keeps each group's zero mean (every group's sum already has mean 0)
    return (s - s.mean()) / sd if sd > EPS else np.zeros_like(s)


def grpo_advantages(rewards: dict[str, np.ndarray], weights: dict[str, float] | None = None) -> np.ndarray:
    """Plain GRPO: weighted sum of the raw rewards, z-scored within each group."""
    s = sum((weights or {}).get(k, 1.0) * np.asarray(v, float) for k, v in rewards.items())
    return _group_z(s)


def advantages(kind: str, rewards: dict[str, np.ndarray], weights=None, clip: float = 5.0) -> np.ndarray:
    if kind == "gdpo":
        a = gdpo_advantages(rewards, weights)
    elif kind == "grpo":
        a = grpo_advantages(rewards, weights)
    else:
        raise ValueError(f"advantage must be 'gdpo' or 'grpo', got {kind!r}")
    return np.clip(a, -clip, clip)


def clipped_policy_loss(log_prob: torch.Tensor, old_log_prob: torch.Tensor, adv: torch.Tensor,
                        clip: float) -> tuple[torch.Tensor, torch.Tensor]:
    """PPO-style loss against the rollout policy -> (loss (B,), ratio (B,)).

    max(-A r, -A clip(r, 1-c, 1+c)): the update stops pulling once the policy has moved c away
    from the one that sampled the rollouts, in the direction the advantage asks for."""
    ratio = torch.exp(log_prob - old_log_prob)
    loss = torch.maximum(-adv * ratio, -adv * torch.clamp(ratio, 1 - clip, 1 + clip))
    return loss, ratio
