"""`sig2gps train rounds`: Traj-GDPO in rounds, each from the best model so far, kept only if validation improves.

Why rounds: one LoRA adapter of rank 16 moves the model a limited way; fusing it and starting a fresh adapter
from the fused model went further (session 4's rounds: experiments/rl_ablation/NOTES.md). The device runs commands of at most 10 minutes, so the loop is resumable: OUT/rounds.json records
every finished round, and a round cut short resumes from its own per-step checkpoint (train_rl).

Each round: `train_rl` with the round's config (init = the best model so far, out = OUT/round<k>, seed + k),
then `validate_model` of OUT/round<k>/model on the validation pairs (drawn in windows as the method runs);
the round is kept when its validation figure beats the best so far.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .base import read_log
from .jsonconfig import JsonConfig

STATE = "rounds.json"


@dataclass(frozen=True)
class RoundsConfig(JsonConfig):
    rl: str  # RlConfig JSON: every round's settings (its init, out and seed are set per round)
    val_pairs: str  # held-out pairs to select by (e.g. an unseen city)
    out: str = "out/train/rounds"
    init: str = ""  # the first round's model (default: the shipped model)
    rounds: int = 3  # rounds in total, over resumptions
    val_n: int = 128
    val_frames: int = 13
    val_steps: int = 10
    val_chunk_m: float = 1000.0  # select by the pairs drawn in windows (0: one window per trace)
    val_seed: int = 3
    minutes: float = 0.0  # do not start a round after this many minutes of this invocation (0: no limit)
    rl_minutes: float = 0.0  # each round's RL time budget (0: the RL config's), so a round fits one device command

    REQUIRED = ("rl", "val_pairs")

    @property
    def key(self) -> str:
        return "val_mae_win_m" if self.val_chunk_m > 0 else "val_mae_m"


def _validate(cfg: RoundsConfig, model) -> dict:
    from .validate import validate_model

    return validate_model(model, cfg.val_pairs, cfg.val_n, cfg.val_frames, cfg.val_steps, cfg.val_chunk_m,
                          cfg.val_seed)


def _finished(run: Path) -> dict | None:
    """train_rl's summary of a round that already wrote its model (killed while validating): read back, so a
    resumed loop validates it instead of training it for another `minutes`."""
    from ..model.store import MODEL_JSON, read_meta

    if not (run / "model" / MODEL_JSON).is_file():
        return None
    evals = [r for r in read_log(run / "log.jsonl") if r.get("eval")]
    return {"before": evals[0], "after": evals[-1], "steps": read_meta(run / "model")["summary"]["rl"]["steps"],
            "out": str(run)}


def run_rounds(cfg: RoundsConfig) -> dict:
    """Run the remaining rounds (within `minutes`); returns the state: every round, the best model and its figure."""
    from ..model.store import shipped_model_dir
    from .rl import RlConfig, train_rl

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / STATE
    if path.is_file():
        state = json.loads(path.read_text())
    else:
        init = str(cfg.init or shipped_model_dir())
        start = _validate(cfg, init)[cfg.key]  # the figure the first round must beat
        state = {"config": asdict(cfg), "start": {"model": init, cfg.key: start}, "best": init, "best_val": start,
                 "rounds": []}
        print(f"rounds: start {init}: {cfg.key} {state['best_val']:.1f}", flush=True)
        path.write_text(json.dumps(state, indent=1))
    t0 = time.time()
    base = RlConfig.from_json(cfg.rl)
    if cfg.rl_minutes > 0:
        base = replace(base, minutes=cfg.rl_minutes)
    while len(state["rounds"]) < cfg.rounds:
        if cfg.minutes and (time.time() - t0) / 60 >= cfg.minutes:
            print(f"rounds: {cfg.minutes} min spent, {len(state['rounds'])}/{cfg.rounds} rounds done", flush=True)
            break
        k = len(state["rounds"]) + 1
        run = out / f"round{k}"
        res = _finished(run) or train_rl(replace(base, init=state["best"], out=str(run), seed=base.seed + k))
        model = str(Path(res["out"]) / "model")
        rec = _validate(cfg, model)
        kept = rec[cfg.key] < state["best_val"]
        state["rounds"].append({"round": k, "init": state["best"], "model": model, "rl_steps": res["steps"],
                                "rl_eval_before": res["before"].get("mae_m"), "rl_eval_after": res["after"].get("mae_m"),
                                "val": rec, "kept": bool(kept)})
        if kept:
            state["best"], state["best_val"] = model, rec[cfg.key]
        print(f"rounds: round {k}: {cfg.key} {rec[cfg.key]:.1f} ({'kept' if kept else 'not kept'}; best "
              f"{state['best_val']:.1f})", flush=True)
        path.write_text(json.dumps(state, indent=1))
    return state
