"""`sig2gps train validate`: score a model folder by the training runs' validation protocol, on any pairs.

Why a command: the ship rule and every comparison between models (a new canvas, an RL round) need the
same pairs, noise seeds and read-back as the runs' own validation, outside a training run too.
"""
from __future__ import annotations


def validate_model(model_dir, pairs_path: str, n: int = 128, frames: int = 13, steps: int = 10,
                   chunk_m: float = 1000.0, seed: int = 3, scene_size: int = 0, device: str | None = None) -> dict:
    """sft.validate of a saved model; `scene_size` draws on another canvas with the same weights (0: the model's)."""
    from ..model.store import load_video_model
    from .base import pick_device
    from .pairs import PairSet, val_indices
    from .sft import validate

    device = device or pick_device()
    pipe, mcfg, _ = load_video_model(model_dir, device)
    if scene_size:
        mcfg = mcfg.on_canvas(scene_size, "--scene-size")
    ps = PairSet.load(pairs_path)
    rec = validate(pipe.transformer, pipe.codec, mcfg, ps, val_indices(len(ps), n), frames, steps, device, seed, chunk_m)
    return {"model": str(model_dir), "pairs": str(pairs_path), "scene_size": mcfg.scene.size, "seed": seed, **rec}
