"""Where the flow lives: pixel overlay channels (shipped model) or a Wan VAE's latents (--base).

Both codecs answer the same four questions, so the trainer and the pipeline have one code path:
  encode(cond, overlay) -> x0        the clean target in model space, frame 0 = condition frame
  condition(cond, frames) -> ctx     what the model sees besides x_t (clean, every step)
  model_input(x_t, ctx) -> tensor    what goes into WanTransformer3DModel
  decode(x0, ctx) -> overlay probs   (B, 2, T, S, S) in [0, 1]: path so far, current dot
  anchored(v, x_t, ctx, sigma) -> v  the network's output as the velocity (plus the prior anchor, if any)
cond is (B, COND_CHANNELS, T, S, S) from scene.condition_video; overlay is (B, 2, T, S, S).
"""
from __future__ import annotations

import torch


class PixelCodec:
    """Model space = the 2 overlay channels in [-1, 1]; the condition planes are extra input channels.

    Predicting only the overlay keeps the map out of the loss (the first measured run spent its
    capacity copying the map: the path is ~2% of the pixels).

    `anchor` (FlowConfig.prior_anchor): the velocity is anchored on the prior drawn in the condition's prior
    channels (see anchored)."""

    def __init__(self, anchor: bool = False):
        self.anchor = anchor

    def anchored(self, v: torch.Tensor, xt: torch.Tensor, ctx: dict, sigma: torch.Tensor) -> torch.Tensor:
        """The velocity from the network's output v at x_t, noise level sigma (B,): v itself, or with the anchor
        v + sigma (x_t - prior), prior = the prior channels in model space. At sigma = 1 (x_t = noise) the clean
        prediction x_t - velocity is then prior - v: zero output = the prior, exactly. The anchor fades to 0 at
        sigma = 0, so it is bounded everywhere (the multi-step sampler stays well posed)."""
        if not self.anchor:
            return v
        from .scene import COND_CHANNELS, OVERLAY_CHANNELS

        cond = ctx["cond"]
        if cond.shape[1] < COND_CHANNELS + OVERLAY_CHANNELS:
            raise ValueError("a prior-anchored model needs the prior channels in its condition (scene.prior)")
        prior = cond[:, COND_CHANNELS:COND_CHANNELS + OVERLAY_CHANNELS].float() * 2 - 1
        s = sigma.reshape(-1, 1, 1, 1, 1).float()
        return v.float() + s * (xt.float() - prior)

    def latent_frames(self, frames: int) -> int:
        return frames

    def encode(self, cond: torch.Tensor, overlay: torch.Tensor) -> torch.Tensor:
        return overlay * 2 - 1

    def condition(self, cond: torch.Tensor) -> dict:
        return {"cond": cond}

    def empty(self, cond: torch.Tensor) -> torch.Tensor:
        """The clean frame-0 target (no path drawn yet)."""
        B, _, F, S, _ = cond.shape
        return -torch.ones(B, 2, F, S, S, device=cond.device, dtype=cond.dtype)

    def model_input(self, xt: torch.Tensor, ctx: dict) -> torch.Tensor:
        return torch.cat([ctx["cond"].to(xt.dtype), xt], dim=1)

    def decode(self, x0: torch.Tensor, ctx: dict) -> torch.Tensor:
        return ((x0.float() + 1) / 2).clamp(0, 1)

    def weight(self, overlay: torch.Tensor, path_weight: float, pos_share: float = 0.0) -> torch.Tensor:
        """Per-element loss weight: `path_weight` where the path or dot is, 1 elsewhere; or with pos_share > 0
        the balanced weight (balanced_weight)."""
        if pos_share > 0:
            return balanced_weight(overlay, pos_share)
        return 1 + (path_weight - 1) * overlay.amax(dim=1, keepdim=True)


def balanced_weight(overlay: torch.Tensor, pos_share: float) -> torch.Tensor:
    """(B, C, F, S, S) weights under which every (sample, channel) has total weight 1 over frames 1.., `pos_share`
    of it spread over the pixels the channel draws (soft: a pixel of value v counts v drawn, 1 - v not).

    Why: under a plain MSE the dot, ~5 of 4,096 pixels, is ~0.1% of the loss, so the model can leave it faint
    and blurred at little cost; read-back depends on exactly that dot."""
    ov = overlay.float().clamp(0, 1)
    pos, neg = ov[:, :, 1:], 1 - ov[:, :, 1:]
    n_pos = pos.sum(dim=(2, 3, 4), keepdim=True).clamp_min(1e-6)
    n_neg = neg.sum(dim=(2, 3, 4), keepdim=True).clamp_min(1e-6)
    w = torch.zeros_like(ov)
    w[:, :, 1:] = pos_share * pos / n_pos + (1 - pos_share) * neg / n_neg
    return w


# RGB composition for the VAE codec: a plain map picture like the paper's frames.
_ROAD = torch.tensor([0.55, 0.55, 0.55])
_TRACE = torch.tensor([0.95, 0.25, 0.25])
_PATH = torch.tensor([0.10, 0.20, 1.00])
_DOT = torch.tensor([0.00, 0.75, 0.10])


def compose_rgb(cond: torch.Tensor, overlay: torch.Tensor | None) -> torch.Tensor:
    """(B, 3, T, S, S) in [-1, 1]: white paper, grey roads, red signaling, blue path, green dot."""
    B, _, F, S, _ = cond.shape
    img = torch.ones(B, 3, F, S, S, device=cond.device)

    def paint(alpha, color):
        nonlocal img
        a = alpha.clamp(0, 1)[:, None].float()
        img = img * (1 - a) + color.to(cond.device)[None, :, None, None, None] * a

    paint(cond[:, 0], _ROAD)
    paint(torch.maximum(cond[:, 1], cond[:, 3]), _TRACE)
    if overlay is not None:
        paint(overlay[:, 0], _PATH)
        paint(overlay[:, 1], _DOT)
    return img * 2 - 1


class VaeCodec:
    """Model space = normalised latents of a Wan VAE (AutoencoderKLWan) over the composed RGB video.

    The first latent frame encodes the condition picture only (causal VAE: it equals encoding
    frame 0 alone) and stays clean, exactly as WanImageToVideoPipeline with expand_timesteps."""

    def __init__(self, vae):
        self.vae = vae
        self.anchor = False
        cfg = vae.config
        z = cfg.z_dim
        self.mean = torch.tensor(cfg.latents_mean[:z]).view(1, z, 1, 1, 1)
        self.std = torch.tensor(cfg.latents_std[:z]).view(1, z, 1, 1, 1)
        self.t_scale = cfg.get("scale_factor_temporal", 4) or 4

    def latent_frames(self, frames: int) -> int:
        return (frames - 1) // self.t_scale + 1

    def _enc(self, rgb: torch.Tensor) -> torch.Tensor:
        dtype = next(self.vae.parameters()).dtype
        z = self.vae.encode(rgb.to(dtype)).latent_dist.mode().float()
        return (z - self.mean.to(z.device)) / self.std.to(z.device)

    def encode(self, cond: torch.Tensor, overlay: torch.Tensor) -> torch.Tensor:
        return self._enc(compose_rgb(cond, overlay))

    def condition(self, cond: torch.Tensor) -> dict:
        return {"first": self._enc(compose_rgb(cond[:, :, :1], None)), "frames": cond.shape[2]}

    def empty(self, cond: torch.Tensor) -> torch.Tensor:
        return self.condition(cond)["first"]

    def model_input(self, xt: torch.Tensor, ctx: dict) -> torch.Tensor:
        xt = xt.clone()
        xt[:, :, :1] = ctx["first"].to(xt.dtype)
        return xt

    def anchored(self, v: torch.Tensor, xt: torch.Tensor, ctx: dict, sigma: torch.Tensor) -> torch.Tensor:
        """No prior anchor in latent space: the network's output is the velocity."""
        return v

    def decode(self, x0: torch.Tensor, ctx: dict) -> torch.Tensor:
        dtype = next(self.vae.parameters()).dtype
        z = x0.float() * self.std.to(x0.device) + self.mean.to(x0.device)
        rgb = (self.vae.decode(z.to(dtype)).sample.float().clamp(-1, 1) + 1) / 2
        r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
        path = (b - torch.maximum(r, g)).clamp(0, 1) / 0.8
        dot = (g - torch.maximum(r, b)).clamp(0, 1) / 0.65
        return torch.stack([path, dot], 1).clamp(0, 1)

    def weight(self, overlay: torch.Tensor, path_weight: float, pos_share: float = 0.0):
        return None
