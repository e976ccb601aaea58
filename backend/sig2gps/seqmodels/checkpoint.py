"""Checkpoints: a folder with model.pt (torch state dict) and config.json (what built it, how it trained)."""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from .features import FeatureConfig
from .models import ModelConfig, build_model

FORMAT = "sig2gps-seqmodel"


def save_checkpoint(out, model, mcfg: ModelConfig, fcfg: FeatureConfig, summary: dict) -> Path:
    import torch

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out / "model.pt")
    doc = {"format": FORMAT, "model": asdict(mcfg), "features": asdict(fcfg), "training": summary}
    (out / "config.json").write_text(json.dumps(doc, indent=2, default=str))
    return out


def _from_dict(cls, d: dict, where: str):
    names = {f.name for f in fields(cls)}
    unknown = set(d) - names
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return cls(**d)


def load_checkpoint(path, expect_kind: str | None = None):
    """(model in eval mode, ModelConfig, FeatureConfig, config doc). `path` is the folder or its config.json."""
    import torch

    p = Path(path)
    folder = p.parent if p.name in ("config.json", "model.pt") else p
    cfg_file = folder / "config.json"
    if not cfg_file.is_file():
        raise ValueError(f"{folder}: not a sequence-model checkpoint (config.json missing; train one with "
                         f"`sig2gps train-baseline`)")
    try:
        doc = json.loads(cfg_file.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{cfg_file}: not valid JSON ({e})") from e
    if doc.get("format") != FORMAT:
        raise ValueError(f"{cfg_file}: field 'format' should be {FORMAT!r}")
    mcfg = _from_dict(ModelConfig, doc["model"], f"{cfg_file}, field 'model'")
    fcfg = _from_dict(FeatureConfig, doc["features"], f"{cfg_file}, field 'features'")
    if expect_kind and mcfg.kind != expect_kind:
        raise ValueError(f"{cfg_file}: this checkpoint is a {mcfg.kind!r} model, not {expect_kind!r} "
                         f"(use --method {mcfg.kind})")
    model = build_model(mcfg)
    try:
        model.load_state_dict(torch.load(folder / "model.pt", map_location="cpu", weights_only=True))
    except (OSError, RuntimeError) as e:
        raise ValueError(f"{folder / 'model.pt'}: cannot load the weights ({e})") from e
    model.eval()
    return model, mcfg, fcfg, doc
