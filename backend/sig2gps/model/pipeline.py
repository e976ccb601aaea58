"""Sig2GpsVideoPipeline: condition planes -> overlay video, by Euler integration of the learned flow.

Built the diffusers way (parts declared, check_inputs, prepare_latents, a small output dataclass),
inference only. No text encoder: the cross-attention sees a fixed zero embedding.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from diffusers.utils import BaseOutput

from .flow import sampling_sigmas, token_timesteps
from .scene import OVERLAY_CHANNELS


@dataclass
class VideoPipelineOutput(BaseOutput):
    overlay: np.ndarray  # (B, 2, T, S, S) float32 in [0,1]: path drawn so far, current-position dot


def null_embedding(transformer, batch: int, device, dtype) -> torch.Tensor:
    cfg = transformer.config
    length = getattr(cfg, "text_len", None) or 1
    return torch.zeros(batch, length, cfg.text_dim, device=device, dtype=dtype)


class Sig2GpsVideoPipeline:
    """Parts: a WanTransformer3DModel and a codec (model/codec.py)."""

    def __init__(self, transformer, codec, shift: float = 3.0):
        self.transformer = transformer
        self.codec = codec
        self.shift = shift

    @property
    def device(self):
        return next(self.transformer.parameters()).device

    @property
    def dtype(self):
        return next(self.transformer.parameters()).dtype

    @property
    def cond_channels(self) -> int:
        """Condition channels the model takes: its input channels less the generated ones (pixel codec), or
        the seven planes (a VAE codec composes them into RGB)."""
        from .codec import PixelCodec
        from .scene import COND_CHANNELS

        if isinstance(self.codec, PixelCodec):
            return self.transformer.config.in_channels - OVERLAY_CHANNELS
        return COND_CHANNELS

    def check_inputs(self, cond, frames: int, steps: int) -> None:
        c = self.cond_channels
        if cond.ndim != 5 or cond.shape[1] != c:
            raise ValueError(f"cond must be (B, {c}, T, S, S), got {tuple(cond.shape)}")
        if frames < 5 or (frames - 1) % 4:
            raise ValueError(f"frames must be 4k+1 and at least 5 (e.g. 13, 17, 21), got {frames}")
        if cond.shape[2] != frames:
            raise ValueError(f"cond has {cond.shape[2]} frames, expected {frames}")
        p = self.transformer.config.patch_size[-1]
        if cond.shape[-1] % p:
            raise ValueError(f"frame size {cond.shape[-1]} is not a multiple of the patch size {p}")
        if steps < 1:
            raise ValueError(f"steps must be at least 1, got {steps}")

    def prepare_latents(self, ctx: dict, cond: torch.Tensor, frames: int, generator) -> torch.Tensor:
        """Noise on every frame, the clean condition frame first (from the codec)."""
        first = self.codec.empty(cond[:, :, :1]).float()
        B, C = first.shape[:2]
        F = self.codec.latent_frames(frames)
        shape = (B, C, F) + tuple(first.shape[-2:])
        gens = generator if isinstance(generator, list) else [generator] * B
        noise = torch.stack([torch.randn(shape[1:], generator=g, device="cpu") for g in gens]).to(self.device)
        noise[:, :, :1] = first.to(self.device)
        return noise

    @torch.no_grad()
    def __call__(self, cond, frames: int, steps: int = 10, generator=None, init=None,
                 strength: float = 1.0, callback=None) -> VideoPipelineOutput:
        """Sample overlay videos. `init` (B, 2, T, S, S) overlay probabilities and `strength` < 1: SDEdit — start
        from `init` noised to that level and integrate only the rest of the schedule (with a prior: the prior's
        own drawing, which the model then corrects). `callback(step, steps)` after each sampler step (progress;
        it may raise to stop between steps)."""
        cond = torch.as_tensor(cond, dtype=torch.float32, device=self.device)
        self.check_inputs(cond, frames, steps)
        if not 0 < strength <= 1:
            raise ValueError(f"strength must be in (0, 1], got {strength}")
        ctx = self.codec.condition(cond)
        x = self.prepare_latents(ctx, cond, frames, generator)
        sig = sampling_sigmas(steps, self.shift, device=self.device)
        first = 0
        if init is not None and strength < 1:
            first = int(torch.nonzero(sig <= strength)[0])
            x0 = self.codec.encode(cond, torch.as_tensor(init, dtype=torch.float32, device=self.device)).float()
            s0 = sig[first]
            x[:, :, 1:] = (1 - s0) * x0[:, :, 1:] + s0 * x[:, :, 1:]
        emb = null_embedding(self.transformer, x.shape[0], self.device, self.dtype)
        patch = tuple(self.transformer.config.patch_size)
        for i in range(first, steps):
            s = sig[i].expand(x.shape[0])
            ts = token_timesteps(s, x.shape, patch)
            inp = self.codec.model_input(x, ctx).to(self.dtype)
            v = self.codec.anchored(self.transformer(inp, ts, emb, return_dict=False)[0].float(), x, ctx, s)
            x_next = x + (sig[i + 1] - sig[i]) * v
            x_next[:, :, :1] = x[:, :, :1]  # the condition frame never moves
            x = x_next
            if callback is not None:
                callback(i + 1, steps)
        return VideoPipelineOutput(overlay=self.codec.decode(x, ctx).cpu().numpy())
