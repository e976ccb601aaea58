"""Configs of the video model: the Wan transformer's size and how a trace becomes its input."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from .scene import OVERLAY_CHANNELS, SceneConfig, cond_channels


@dataclass(frozen=True)
class TransformerConfig:
    """The WanTransformer3DModel of the shipped (pixel-space) model; presets below."""

    patch: int = 8  # spatial patch (1 x patch x patch): 64 px -> 8 x 8 tokens per frame
    dim: int = 256  # inner width = heads * head_dim
    heads: int = 4
    layers: int = 8
    ffn: int = 1024
    text_dim: int = 32  # width of the fixed (zero) conditioning embedding; no text encoder is used
    text_len: int = 1
    freq_dim: int = 64  # sinusoidal timestep features

    def wan_kwargs(self, in_channels: int, out_channels: int) -> dict:
        return dict(patch_size=(1, self.patch, self.patch), num_attention_heads=self.heads,
                    attention_head_dim=self.dim // self.heads, in_channels=in_channels,
                    out_channels=out_channels, text_dim=self.text_dim, freq_dim=self.freq_dim,
                    ffn_dim=self.ffn, num_layers=self.layers, cross_attn_norm=True,
                    qk_norm="rms_norm_across_heads", rope_max_seq_len=256)


PRESETS = {
    # seconds-fast on a CPU, for tests
    "tiny": TransformerConfig(patch=8, dim=32, heads=2, layers=2, ffn=64, text_dim=8, freq_dim=16),
    # ~7M parameters: a demo trace on 2 CPU cores in a few seconds, trains fast on one GPU
    "small": TransformerConfig(),
    # ~20M: the size the throughput figure was measured at
    "medium": TransformerConfig(dim=384, heads=6, layers=8, ffn=1536),
}


@dataclass(frozen=True)
class FlowConfig:
    """Rectified flow: x_t = (1 - s) x0 + s eps, the network predicts v = eps - x0."""

    shift: float = 3.0  # timestep shift of the sampler schedule (SD3/Wan style): more steps at high noise
    train_logit_mean: float = 0.0  # logit-normal training sigmas
    train_logit_std: float = 1.0
    path_weight: float = 2.0  # loss weight on pixels the path or dot occupies (modest: commitment, not recall)
    # 0: the path_weight MSE above. > 0: each overlay channel counts equally, and this share of a channel's loss
    # is the mean over the pixels it draws (the dot is ~5 of 4,096 pixels, ~0.1% of a plain MSE), the rest the
    # mean over the others
    pos_share: float = 0.0
    # share of training samples at noise level 1, where the prediction is the posterior mean of the overlay (the
    # heat model/heat.py decodes); logit-normal sigmas almost never reach it
    top_share: float = 0.0
    # with a prior (scene.prior): the velocity is the network's output plus sigma * (x_t - the prior's overlay),
    # so at noise 1 the prediction of the clean video is the prior minus the network's output: a network that
    # outputs zeros reproduces the prior exactly and training learns only the correction (codec.anchored)
    prior_anchor: bool = False


@dataclass(frozen=True)
class VideoModelConfig:
    """Everything needed to rebuild a trained model next to its weights (sig2gps_video.json)."""

    scene: SceneConfig = field(default_factory=SceneConfig)
    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    flow: FlowConfig = field(default_factory=FlowConfig)
    frames: int = 13  # default frame count T at inference (4k+1)
    codec: str = "pixel"  # "pixel" (shipped model) or "vae" (a Wan2.2 base model with its VAE)

    @property
    def in_channels(self) -> int:
        return cond_channels(self.scene) + OVERLAY_CHANNELS

    @property
    def out_channels(self) -> int:
        return OVERLAY_CHANNELS

    def to_dict(self) -> dict:
        return asdict(self)

    def on_canvas(self, size: int, what: str = "canvas size") -> "VideoModelConfig":
        """The same model drawing on a size x size canvas (same patch: more tokens, fewer metres a pixel; the
        weights carry over since RoPE is relative). `what` names the setting in the error."""
        if size % self.transformer.patch:
            raise ValueError(f"{what} {size} is not a multiple of the model's patch {self.transformer.patch} (a canvas "
                             "not a multiple of the patch cannot be cut into tokens)")
        return replace(self, scene=replace(self.scene, size=size))

    @classmethod
    def from_dict(cls, d: dict) -> "VideoModelConfig":
        return cls(scene=SceneConfig(**d.get("scene", {})), transformer=TransformerConfig(**d.get("transformer", {})),
                   flow=FlowConfig(**d.get("flow", {})), frames=int(d.get("frames", 13)),
                   codec=d.get("codec", "pixel"))
