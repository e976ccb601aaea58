"""Building, saving and loading the video model, shipped or on top of a Wan2.2-TI2V base with LoRA.

Layouts read here:
  shipped / trained from scratch:  DIR/sig2gps_video.json + DIR/transformer/ (diffusers save_pretrained)
  Wan2.2-TI2V base (diffusers):    DIR/model_index.json + DIR/transformer/ + DIR/vae/  (text encoder unused)
  LoRA run on a base:              DIR/sig2gps_video.json with "base": BASE_DIR, + DIR/lora/ (adapter)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from .card import MODEL_JSON, ModelCard
from .config import PRESETS, VideoModelConfig

SHARD = "14MB"  # the repository allows 15 MB per file; diffusers may overshoot a shard by one tensor


def shipped_model_dir() -> Path:
    """resources/models/video of this checkout (the model `make demo` uses)."""
    return Path(__file__).resolve().parents[3] / "resources" / "models" / "video"


def prior_model_dir() -> Path:
    """resources/models/video-prior: the model that draws with `hmm`'s route as a prior (SceneConfig.prior)."""
    return shipped_model_dir().parent / "video-prior"


def default_video_model_dir() -> Path:
    """The model `--method video` runs without --model: the route-prior model when it is shipped (it corrects
    the engineered route and is decoded along it: far closer on a city it never saw), else the pure one. Training
    starts from shipped_model_dir(), the pure model (RL and adaptation draw no prior)."""
    d = prior_model_dir()
    return d if (d / MODEL_JSON).is_file() else shipped_model_dir()


def is_model_dir(path) -> bool:
    p = Path(path)
    return (p / MODEL_JSON).is_file() or (p / "model_index.json").is_file()


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 16
    alpha: int = 16
    # the attention projections of every Wan block (self- and cross-attention), as the paper tunes
    targets: tuple = ("to_q", "to_k", "to_v", "to_out.0")


def build_transformer(cfg: VideoModelConfig, seed: int = 0):
    """A freshly initialised WanTransformer3DModel of the pixel-space model (seeded)."""
    from diffusers import WanTransformer3DModel

    torch.manual_seed(seed)
    return WanTransformer3DModel(**cfg.transformer.wan_kwargs(cfg.in_channels, cfg.out_channels))


def widen_inputs(transformer, at: int, extra: int) -> None:
    """Insert `extra` zero-initialised input channels at position `at` of the patch embedding, in place.

    A model trained without prior channels starts drawing with them exactly as before (their weights are 0)
    and learns to use them; the rest of the network carries over unchanged."""
    old = transformer.patch_embedding
    new = torch.nn.Conv3d(old.in_channels + extra, old.out_channels, old.kernel_size, old.stride,
                          bias=old.bias is not None).to(old.weight.device, old.weight.dtype)
    with torch.no_grad():
        new.weight.zero_()
        new.weight[:, :at] = old.weight[:, :at]
        new.weight[:, at + extra:] = old.weight[:, at:]
        if old.bias is not None:
            new.bias.copy_(old.bias)
    transformer.patch_embedding = new
    transformer.register_to_config(in_channels=old.in_channels + extra)


def preset(name: str, **over) -> VideoModelConfig:
    if name not in PRESETS:
        raise ValueError(f"unknown model preset {name!r}; choose from {', '.join(PRESETS)}")
    return VideoModelConfig(transformer=PRESETS[name], **over)


def add_lora(transformer, lora: LoraSettings) -> None:
    """Attach a peft LoRA adapter and freeze everything else."""
    from peft import LoraConfig

    transformer.requires_grad_(False)
    transformer.add_adapter(LoraConfig(r=lora.rank, lora_alpha=lora.alpha, target_modules=list(lora.targets),
                                       init_lora_weights=True))


def save_video_model(out_dir, transformer, cfg: VideoModelConfig, summary: dict | None = None,
                     dtype=torch.bfloat16, base: str | None = None) -> Path:
    """Write weights (safetensors shards <= 15 MB) and the model card (model/card.py: the config, the summary,
    `ready` declared by its rule); a LoRA run writes only its adapter."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    card = ModelCard.declare(cfg.to_dict(), summary, base)
    if base is not None:
        transformer.save_lora_adapter(out / "lora")
    else:
        orig = next(transformer.parameters()).dtype
        transformer.to(dtype).save_pretrained(out / "transformer", safe_serialization=True, max_shard_size=SHARD)
        transformer.to(orig)
    card.write(out)
    return out


def read_meta(model_dir) -> dict:
    p = Path(model_dir) / MODEL_JSON
    return json.loads(p.read_text()) if p.is_file() else {}


def load_base(base_dir, device="cpu", dtype=torch.float32, scene_size: int | None = None):
    """A Wan2.2-TI2V diffusers-layout directory -> (transformer, VaeCodec, config)."""
    from diffusers import AutoencoderKLWan, WanTransformer3DModel

    from .codec import VaeCodec
    from .scene import SceneConfig

    base = Path(base_dir)
    for sub in ("transformer", "vae"):
        if not (base / sub / "config.json").is_file():
            raise ValueError(f"{base}: not a Wan2.2 diffusers layout ({sub}/config.json missing)")
    tr = WanTransformer3DModel.from_pretrained(base / "transformer", torch_dtype=dtype).to(device)
    vae = AutoencoderKLWan.from_pretrained(base / "vae", torch_dtype=dtype).to(device)
    vae.requires_grad_(False)
    # frames must map to whole latent patches: VAE stride x transformer patch
    stride = (vae.config.get("scale_factor_spatial", 8) or 8) * tr.config.patch_size[-1]
    size = scene_size or max(stride, 128 // stride * stride)
    if size % stride:
        raise ValueError(f"scene size {size} is not a multiple of {stride} (VAE stride x patch)")
    cfg = VideoModelConfig(scene=SceneConfig(size=size), codec="vae")
    return tr, VaeCodec(vae), cfg


def load_video_model(model_dir=None, device="cpu", dtype=torch.float32):
    """Any of the three layouts -> (Sig2GpsVideoPipeline, VideoModelConfig, meta)."""
    from .codec import PixelCodec
    from .pipeline import Sig2GpsVideoPipeline

    d = Path(model_dir) if model_dir else shipped_model_dir()
    meta = read_meta(d)
    if (d / "model_index.json").is_file() and not meta:
        tr, codec, cfg = load_base(d, device, dtype)
    elif "base" in meta:
        tr, codec, _ = load_base(meta["base"], device, dtype)
        cfg = VideoModelConfig.from_dict(meta["config"])
        tr.load_lora_adapter(str(d / "lora"), prefix=None)
    elif meta:
        from diffusers import WanTransformer3DModel

        cfg = VideoModelConfig.from_dict(meta["config"])
        tr = WanTransformer3DModel.from_pretrained(d / "transformer", torch_dtype=dtype).to(device)
        codec = PixelCodec(anchor=cfg.flow.prior_anchor)
    else:
        raise ValueError(f"{d}: no video model here ({MODEL_JSON} or model_index.json missing)")
    tr.eval()
    return Sig2GpsVideoPipeline(tr, codec, cfg.flow.shift), cfg, meta
