"""Rectified-flow pieces shared by training and sampling, with Wan 2.2 TI2V semantics.

`expand_timesteps`: every token carries its own timestep; the first frame's tokens carry 0 and
their values stay clean (the condition), every other token carries the sample's noise level.
Timesteps are sigma * 1000, as diffusers' Wan schedulers feed them.
"""
from __future__ import annotations

import torch


def token_timesteps(sigma: torch.Tensor, x_shape, patch: tuple) -> torch.Tensor:
    """(B, tokens) timesteps for x of shape (B, C, F, H, W): 0 on frame 0, sigma*1000 elsewhere."""
    B, _, F, H, W = x_shape
    pt, ph, pw = patch
    per_frame = (H // ph) * (W // pw)
    mask = torch.ones(F // pt, per_frame, device=sigma.device, dtype=sigma.dtype)
    mask[0] = 0.0
    return (mask.flatten()[None] * sigma.reshape(B, 1)) * 1000.0


def add_noise(x0: torch.Tensor, noise: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """x_t on every frame but the first, which stays x0 (the clean condition frame)."""
    s = sigma.reshape(-1, 1, 1, 1, 1).to(x0.dtype)
    xt = (1 - s) * x0 + s * noise
    xt[:, :, 0] = x0[:, :, 0]
    return xt


def sample_train_sigmas(n: int, mean: float, std: float, generator=None, device="cpu") -> torch.Tensor:
    """Logit-normal sigmas (SD3): most training at mid noise, where the route is decided."""
    z = torch.randn(n, generator=generator, device=device) * std + mean
    return torch.sigmoid(z)


def sampling_sigmas(steps: int, shift: float, device="cpu") -> torch.Tensor:
    """steps+1 decreasing sigmas from 1 to 0 with the Wan/SD3 shift."""
    s = torch.linspace(1.0, 0.0, steps + 1, device=device)
    return shift * s / (1 + (shift - 1) * s)


def flow_loss(v_pred: torch.Tensor, noise: torch.Tensor, x0: torch.Tensor, weight: torch.Tensor | None = None):
    """Weighted MSE to the velocity target, over every frame but the clean first one."""
    err = (v_pred.float() - (noise - x0).float())[:, :, 1:] ** 2
    if weight is None:
        return err.mean()
    w = weight[:, :, 1:].float().expand_as(err)
    return (err * w).sum() / w.sum()
