"""One trainer base for SFT (train/sft.py), Traj-GDPO (train/rl.py) and LoRA adaptation (train/adapt.py).

What every run shares is written once, here: the device, the trained parameters and their AdamW optimizer,
the step loop with its budget and GPU-minute accounting, the run log (records kept in memory and written
as OUT/log.jsonl), the resumable checkpoint (counters, log and optimizer in ckpt/state.pt), keeping the
best model by a validation score, the curve plotter (OUT/curves.png from panel specs), the run folder's
config.json, and fusing a LoRA adapter into a model folder of the shipped layout.

An algorithm module subclasses `Trainer`: `train_step(item)` is its one step (the loss and the data are
its own), `spent()` its budget, `after_step(rec, done)` its validation and saving. This is the shape of
flow_grpo's refactor (a base trainer plus one small module per algorithm).
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

STATE = "state.pt"  # the resumable checkpoint's counters, log and optimizer, in a run's ckpt/ folder


def pick_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def write_config(out: Path, cfg) -> None:
    """OUT/config.json: the run's config dataclass, as it ran (overrides applied)."""
    (Path(out) / "config.json").write_text(json.dumps(asdict(cfg), indent=1))


def write_log(records: list[dict], path: Path) -> None:
    """The run log as JSON lines, one record a line (training steps, validations, evaluations)."""
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in records))


def read_log(path: Path) -> list[dict]:
    """The records of a run log ([] when the run wrote none yet)."""
    p = Path(path)
    return [json.loads(x) for x in p.read_text().splitlines()] if p.is_file() else []


# -- curves -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Series:
    key: str  # the record field drawn against the step
    label: str = ""  # legend entry ("": none)
    style: str = "-"
    band: str = ""  # a field drawn as a +- band around this one (e.g. the within-group spread)
    optional: bool = False  # drawn only when the panel's first record has the field


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple  # Series, drawn in order
    rows: Callable[[dict], bool]  # which records of the log this panel draws
    xlabel: str = "step"
    log_y: bool = False
    ylim: tuple | None = None
    legend_size: float | None = None  # a legend, at this font size (None: the default size) when labelled


def plot_curves(log: list[dict], path: Path, panels: tuple) -> None:
    """One row of panels, each its series against the step, saved as a PNG (missing values: gaps)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(13, 3.6))
    for ax, panel in zip(np.atleast_1d(axes), panels):
        rows = [r for r in log if panel.rows(r)]
        labelled = False
        for s in panel.series if rows else ():
            if s.optional and s.key not in rows[0]:
                continue
            x = [r["step"] for r in rows]
            y = np.array([np.nan if r.get(s.key) is None else r[s.key] for r in rows], float)
            ax.plot(x, y, s.style, label=s.label or None)
            labelled |= bool(s.label)
            if s.band:
                sd = np.array([r[s.band] for r in rows], float)
                ax.fill_between(x, y - sd, y + sd, alpha=0.2)
        if rows and panel.log_y:
            ax.set_yscale("log")
        ax.set(title=panel.title, xlabel=panel.xlabel, **({"ylim": panel.ylim} if panel.ylim else {}))
        if labelled:
            ax.legend(**({"fontsize": panel.legend_size} if panel.legend_size else {}))
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def save_fused(tr, out: Path, mcfg, summary: dict) -> Path:
    """Fuse the LoRA adapter of `tr` into its weights, drop the adapter, and write the model (shipped layout)."""
    from ..model.store import save_video_model

    tr.fuse_lora()
    tr.unload_lora()
    return save_video_model(out, tr, mcfg, summary)


# -- the trainer --------------------------------------------------------------------------------------------------
class Trainer:
    """The state and loop every run has. `log` and `step_no` are the run's; `fit` drives the steps."""

    curves: tuple = ()  # the Panel specs of OUT/curves.png

    def __init__(self, device: str | None = None, world: int = 1):
        self.device = device or pick_device()
        self.world = world  # processes training together (data-parallel): GPU time counts once for each
        self.step_no = 0
        self.log: list[dict] = []
        self.params: list = []
        self.opt = None
        self.best = math.inf  # the best validation score so far (lower is better)
        self.gpu_seconds = 0.0  # GPU time of the earlier invocations of a resumed run
        self._t0 = time.time()

    # -- set-up ----------------------------------------------------------------------------------------------
    def set_optimizer(self, model, lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999)):
        """AdamW over the parameters of `model` that train (all, or a LoRA adapter's)."""
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(self.params, lr=lr, weight_decay=weight_decay, betas=betas)
        return self.opt

    # -- clock ----------------------------------------------------------------------------------------------------
    def minutes(self) -> float:
        """Wall-clock minutes of this invocation's step loop."""
        return (time.time() - self._t0) / 60

    def gpu_seconds_total(self) -> float:
        """GPU-seconds of the whole run, earlier invocations included (0 on a CPU: only GPU time is counted)."""
        now = (time.time() - self._t0) * self.world if self.device == "cuda" else 0.0
        return self.gpu_seconds + now

    def gpu_minutes(self) -> float:
        return self.gpu_seconds_total() / 60 if self.device == "cuda" else 0.0

    # -- the loop -------------------------------------------------------------------------------------------------
    def train_step(self, item) -> dict | None:
        """One step on `item` (a batch, or None for algorithms that draw their own data); a record or None."""
        raise NotImplementedError

    def spent(self) -> bool:
        """Whether the budget (steps, minutes) is spent."""
        raise NotImplementedError

    def after_step(self, rec: dict | None, done: bool) -> None:
        """Logging, validation and checkpoints after a step (`done`: it was the last)."""

    def fit(self, items: Iterable, check_first: bool = True) -> None:
        """`train_step` over `items` until `spent()`, `after_step` after each. `check_first`: a budget spent
        before the first step (a finished run resumed) takes no step; otherwise at least one step runs."""
        self._t0 = time.time()
        done = check_first and self.spent()
        for item in items:
            if done:
                break
            rec = self.train_step(item)
            done = bool(self.spent())
            self.after_step(rec, done)

    # -- validation and checkpoints -------------------------------------------------------------------------------
    def improved(self, score: float) -> bool:
        """Whether a validation score beats the best so far (and is then the best)."""
        if score < self.best:
            self.best = score
            return True
        return False

    def save_state(self, path: Path, **extra) -> None:
        """The counters, the log and the optimizer (plus `extra` counters) to resume from."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        torch.save({"step": self.step_no, "log": self.log, **extra, "opt": self.opt.state_dict()}, path)

    def load_state(self, path: Path) -> dict | None:
        """Resume from `save_state`'s file: the step, log and optimizer; returns the other counters (None: none)."""
        if not Path(path).is_file():
            return None
        st = torch.load(path, map_location=self.device, weights_only=False)
        self.opt.load_state_dict(st.pop("opt"))
        self.step_no, self.log = st.pop("step"), st.pop("log")
        return st

    def plot(self, path: Path) -> None:
        plot_curves(self.log, path, self.curves)

    def write_outputs(self, out: Path) -> None:
        """OUT/curves.png and OUT/log.jsonl of the log so far."""
        self.plot(Path(out) / "curves.png")
        write_log(self.log, Path(out) / "log.jsonl")
