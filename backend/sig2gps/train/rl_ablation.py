"""The Traj-GDPO ablation in one command: each arm is the `gdpo` config with ONE field changed.

    python3 -m sig2gps.train.rl_ablation --init SFT_DIR --pairs TRAIN.npz --eval-pairs HELD_OUT.npz \\
        --out DIR --minutes-per-arm 1.2 [--arms gdpo grpo no_direction no_kl step_kl] [--config rl_gpu.json]

Every arm starts from the same SFT model with the same seed and the same training/evaluation
conditions (rendered once), so arms differ only by their one field. The held-out "before"
evaluation is the SFT model with fixed noise: it is computed once and shared (a fresh adapter is
exactly the SFT model). Writes, per arm, DIR/<arm>/model (fused, shipped layout), DIR/<arm>/adapter
(the LoRA weights alone, a few MB: `--refuse DIR/<arm> --init SFT_DIR --out MODEL_DIR` fuses them
again), DIR/<arm>/log.jsonl and curves.png; and DIR/ablation.json, self-contained (configs, per-step
curves, before/after evaluations, summaries), which `sig2gps bench --only rl` renders.

Why configs/rl_gpu.json looks as it does (the reasoning, from the runs it was made for):
experiments/rl_ablation/NOTES.md.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch

from .base import STATE, pick_device, save_fused, write_config
from .rl import REWARDS, RlConfig, RlTrainer, load_conditions, run_steps, write_run

GPU_CONFIG = str(Path(__file__).parent / "configs" / "rl_gpu.json")
# the one field each arm changes from `gdpo` (the paper's ablations, METHOD.md section 4)
ARMS = {
    "gdpo": {},
    "grpo": {"advantage": "grpo"},
    "no_direction": {"rewards": ("distance", "continuity")},
    "no_kl": {"kl": "none"},
    "step_kl": {"kl": "step"},
}
ADAPTER = "adapter.safetensors"
LORA_JSON = "lora.json"


@dataclass(frozen=True)
class AblationConfig:
    init: str  # SFT model folder
    pairs: str  # training pairs (.npz)
    out: str
    eval_pairs: str = ""  # held-out pairs (default: the first training conditions)
    minutes_per_arm: float = 1.2  # RL steps' wall-clock per arm (evaluation and saving come on top)
    arms: tuple = tuple(ARMS)
    config: str = GPU_CONFIG  # the `gdpo` arm's RlConfig
    max_steps: int = 0  # > 0: cap on RL steps per arm (tests, dry runs)
    save_models: bool = True  # fused model per arm (the adapter is always written)


def arm_config(base: RlConfig, arm: str, out: Path) -> RlConfig:
    if arm not in ARMS:
        raise ValueError(f"unknown arm {arm!r}; choose from {', '.join(ARMS)}")
    cfg = replace(base, out=str(out / arm), **ARMS[arm])
    cfg.check(f"arm {arm}")
    return cfg


def save_adapter(trainer: RlTrainer, folder: Path) -> None:
    """The LoRA weights alone (bf16, as the fused models are stored: five arms stay under 10 MB) plus the
    settings needed to attach them again."""
    from peft.utils import get_peft_model_state_dict
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.bfloat16).contiguous() for k, v in get_peft_model_state_dict(trainer.tr).items()},
              str(folder / ADAPTER))
    c = trainer.cfg
    (folder / LORA_JSON).write_text(json.dumps({"rank": c.lora_rank, "alpha": c.lora_rank,
                                                "targets": list(c.lora_targets), "steps": trainer.step_no}))


def refuse(arm_dir, init: str, out) -> Path:
    """Fuse an arm's adapter into the SFT model again -> a model folder in the shipped layout."""
    from peft.utils import set_peft_model_state_dict
    from safetensors.torch import load_file

    from ..model.store import LoraSettings, add_lora, load_video_model

    folder = Path(arm_dir) / "adapter"
    if folder.is_dir():
        lo = json.loads((folder / LORA_JSON).read_text())
    else:  # a `sig2gps train rl` run folder: the adapter saved after every step, even when the run was cut short
        folder = Path(arm_dir) / "ckpt"
        if not (folder / ADAPTER).is_file():
            raise ValueError(f"{arm_dir}: neither adapter/{ADAPTER} (ablation arm) nor ckpt/{ADAPTER} (rl run)")
        cfg = json.loads((Path(arm_dir) / "config.json").read_text())
        st = folder / STATE
        lo = {"rank": cfg["lora_rank"], "alpha": cfg["lora_rank"], "targets": cfg["lora_targets"],
              "steps": torch.load(st, weights_only=False)["step"] if st.is_file() else None}
    pipe, mcfg, _ = load_video_model(init or None, "cpu")
    tr = pipe.transformer
    add_lora(tr, LoraSettings(rank=lo["rank"], alpha=lo["alpha"], targets=tuple(lo["targets"])))
    res = set_peft_model_state_dict(tr, {k: v.float() for k, v in load_file(str(folder / ADAPTER)).items()})
    if getattr(res, "unexpected_keys", None):
        raise ValueError(f"{folder}: adapter keys do not fit the model: {res.unexpected_keys[:3]}")
    return save_fused(tr, out, mcfg, {"rl": {"steps": lo["steps"], "refused_from": str(arm_dir)}})


def _compact(rec: dict) -> dict:
    """A training step's record without the bulky fields (ablation.json stays small)."""
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in rec.items() if not k.endswith("per_condition")}


def arm_summary(arm: str, cfg: RlConfig, log: list[dict], before: dict, after: dict, minutes: float) -> dict:
    steps = [r for r in log if not r.get("eval")]
    div = [r["diversity_m"] for r in steps if r.get("diversity_m") is not None]
    out = {"arm": arm, "changes": {k: list(v) if isinstance(v, tuple) else v for k, v in ARMS[arm].items()},
           "steps": len(steps), "rollouts": len(steps) * cfg.conditions_per_step * cfg.group,
           "minutes": minutes, "train_seconds": float(sum(r["seconds"] for r in steps)),
           "sample_seconds": float(sum(r.get("sample_seconds", 0) for r in steps)),
           "score_wait_seconds": float(sum(r.get("score_wait_seconds", 0) for r in steps)),
           "kl_mean": float(np.mean([r["kl"] for r in steps])) if steps else None,
           "kl_last": steps[-1]["kl"] if steps else None,
           "diversity_first_m": div[0] if div else None, "diversity_last_m": div[-1] if div else None,
           "diversity_min_m": min(div) if div else None, "diversity_floor_m": cfg.min_diversity_m,
           "collapse_steps": sum(bool(r.get("collapsed")) for r in steps),
           "on_road_last": steps[-1].get("on_road") if steps else None,
           "before": before, "after": after, "curve": [_compact(r) for r in steps], "config": asdict(cfg)}
    for key in [f"{k}_mean" for k in REWARDS] + ["mae_m", "diversity_m", "on_road"]:
        if before.get(key) is not None:
            out[f"{key}_before"], out[f"{key}_after"] = before[key], after.get(key)
    return out


def run_ablation(acfg: AblationConfig, command: str = "") -> dict:
    from ..machine import machine_line
    from ..model.store import load_video_model

    device = pick_device()
    over = {"init": acfg.init, "pairs": acfg.pairs, "eval_pairs": acfg.eval_pairs, "minutes": acfg.minutes_per_arm}
    if acfg.max_steps:
        over["max_steps"] = acfg.max_steps
    base = RlConfig.from_json(acfg.config, **over)
    for arm in acfg.arms:
        arm_config(base, arm, Path(acfg.out))  # fail on a bad arm before any work
    out = Path(acfg.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    _, mcfg, _ = load_video_model(acfg.init or None, "cpu")
    if mcfg.codec != "pixel":
        raise ValueError(f"{acfg.init}: RL rewards read the pixel model's overlay; codec {mcfg.codec!r} not supported")
    conds = load_conditions(base.pairs, base.conditions, mcfg.scene, base.frames)
    eval_conds = (load_conditions(base.eval_pairs, base.eval_conditions, mcfg.scene, base.frames) if base.eval_pairs
                  else conds[: min(len(conds), base.eval_conditions)])
    print(f"ablation: {len(conds)} training conditions, {len(eval_conds)} held-out, arms {list(acfg.arms)}, "
          f"device {device}, set-up {time.time() - t0:.1f} s", flush=True)
    gpu = torch.cuda.get_device_name(0) if device == "cuda" else "CPU only"
    res = {"machine": machine_line(f"{gpu} (torch {torch.__version__})"),
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": command,
           "device": device, "init": acfg.init, "pairs": base.pairs, "eval_pairs": base.eval_pairs or base.pairs,
           "n_conditions": len(conds), "n_eval_conditions": len(eval_conds),
           "minutes_per_arm": acfg.minutes_per_arm, "base_config": asdict(base), "arms": {}}
    before, pool = None, None
    for arm in acfg.arms:
        cfg = arm_config(base, arm, out)
        arm_dir = Path(cfg.out)
        arm_dir.mkdir(parents=True, exist_ok=True)
        write_config(arm_dir, cfg)
        torch.manual_seed(cfg.seed)
        pipe, _, _ = load_video_model(acfg.init or None, device)  # a fresh SFT model per arm
        trainer = RlTrainer(pipe.transformer, pipe.codec, mcfg.flow.shift, cfg, conds)
        trainer._pool = pool  # the scoring processes are shared by the arms (spawned once)
        if before is None:
            before = trainer.evaluate(eval_conds)  # adapter B = 0: this is the SFT model itself
            print("before (SFT) " + json.dumps(_compact(before)), flush=True)
        trainer.log.append(dict(before))
        t_arm = time.time()
        after = run_steps(trainer, eval_conds, None, tag=f"[{arm}] ")
        minutes = (time.time() - t_arm) / 60
        pool, trainer._pool = trainer._pool, None
        save_adapter(trainer, arm_dir / "adapter")
        if acfg.save_models:
            write_run(trainer, arm_dir, mcfg, after)
        else:
            trainer.write_outputs(arm_dir)
        res["arms"][arm] = arm_summary(arm, cfg, trainer.log, before, after, minutes)
        s = res["arms"][arm]
        print(f"[{arm}] done: {s['steps']} steps, {s['rollouts']} rollouts, {minutes:.2f} min; held-out distance "
              f"{before.get('distance_mean', float('nan')):.3f} -> {after.get('distance_mean', float('nan')):.3f}, "
              f"MAE {before.get('mae_m', float('nan')):.0f} -> {after.get('mae_m', float('nan')):.0f} m, "
              f"collapse steps {s['collapse_steps']}", flush=True)
        del trainer, pipe
        if device == "cuda":
            torch.cuda.empty_cache()
        (out / "ablation.json").write_text(json.dumps(res, indent=1))  # after every arm: a cut-off run keeps its arms
    if pool is not None:
        pool.shutdown()
    res["total_minutes"] = (time.time() - t0) / 60
    (out / "ablation.json").write_text(json.dumps(res, indent=1))
    print(f"ablation: {res['total_minutes']:.2f} min in all -> {out / 'ablation.json'}", flush=True)
    return res


def main(argv=None) -> None:
    import shlex
    import sys

    p = argparse.ArgumentParser(prog="python3 -m sig2gps.train.rl_ablation", description=__doc__.split("\n")[0])
    p.add_argument("--init", default="", help="SFT model folder (default: the shipped model)")
    p.add_argument("--pairs", help="training pairs .npz")
    p.add_argument("--eval-pairs", default="", help="held-out pairs .npz")
    p.add_argument("--out", required=True)
    p.add_argument("--minutes-per-arm", type=float, default=AblationConfig.minutes_per_arm)
    p.add_argument("--arms", nargs="+", default=list(ARMS), choices=list(ARMS))
    p.add_argument("--config", default=GPU_CONFIG, help="the gdpo arm's RlConfig JSON")
    p.add_argument("--max-steps", type=int, default=0, help="cap on RL steps per arm (0: time-bound)")
    p.add_argument("--no-models", action="store_true", help="write adapters only, no fused models")
    p.add_argument("--refuse", metavar="ARM_DIR", help="instead: fuse ARM_DIR/adapter into --init, write --out")
    a = p.parse_args(argv)
    if a.refuse:
        print(refuse(a.refuse, a.init, a.out), flush=True)
        return
    if not a.pairs:
        p.error("--pairs is required")
    run_ablation(AblationConfig(init=a.init, pairs=a.pairs, out=a.out, eval_pairs=a.eval_pairs,
                                minutes_per_arm=a.minutes_per_arm, arms=tuple(a.arms), config=a.config,
                                max_steps=a.max_steps, save_models=not a.no_models),
                 command="python3 -m sig2gps.train.rl_ablation " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:])))


if __name__ == "__main__":
    main()
