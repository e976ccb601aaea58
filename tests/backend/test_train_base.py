"""The trainer base (train/base.py) SFT, RL and adaptation share: the step loop and its budget, the checkpoint,
the run log, the curves; and the JSON config reader they share (train/jsonconfig.py)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import torch

from sig2gps.train.base import Panel, Series, Trainer, plot_curves, read_log, write_log
from sig2gps.train.jsonconfig import JsonConfig


class Counting(Trainer):
    """Fits y = 3x with one weight; a step budget; records what the loop asked of it."""

    def __init__(self, steps: int):
        super().__init__("cpu")
        self.w = torch.nn.Linear(1, 1, bias=False)
        self.set_optimizer(self.w, lr=0.1)
        self.steps, self.calls = steps, []

    def train_step(self, item):
        x = torch.tensor([[float(item)]])
        loss = ((self.w(x) - 3 * x) ** 2).mean()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.step_no += 1
        rec = {"step": self.step_no, "loss": float(loss.detach())}
        self.log.append(rec)
        return rec

    def spent(self):
        return self.step_no >= self.steps

    def after_step(self, rec, done):
        self.calls.append((rec["step"], done))


def test_fit_stops_on_the_budget_and_says_which_step_was_the_last():
    t = Counting(3)
    t.fit(iter(range(1, 100)))
    assert t.step_no == 3 and t.calls == [(1, False), (2, False), (3, True)]
    t.fit(iter(range(1, 100)))  # a finished run resumed takes no step ...
    assert t.step_no == 3
    t.fit(iter(range(1, 100)), check_first=False)  # ... unless the algorithm always takes one (SFT, adapt)
    assert t.step_no == 4 and t.calls[-1] == (4, True)
    short = Counting(10)
    short.fit(iter([1, 2]))  # the items can run out first
    assert short.step_no == 2 and short.calls[-1] == (2, False)


def test_checkpoint_resumes_counters_log_and_optimizer(tmp_path):
    a = Counting(4)
    a.fit(iter(range(1, 100)))
    assert a.improved(5.0) and not a.improved(6.0) and a.best == 5.0
    a.save_state(tmp_path / "ckpt" / "state.pt", samples=40, best_mae=a.best)
    b, fresh = Counting(5), Counting(5)
    for t in (b, fresh):
        t.w.load_state_dict(a.w.state_dict())
    assert b.load_state(tmp_path / "nothing.pt") is None and b.step_no == 0
    assert b.load_state(tmp_path / "ckpt" / "state.pt") == {"samples": 40, "best_mae": 5.0}
    assert b.step_no == 4 and b.log == a.log
    # the optimizer's moments came back: the next step is the one the first trainer takes, not a fresh Adam's
    a.steps, fresh.step_no = 5, 4
    for t in (a, b, fresh):
        t.fit(iter([7]))
    assert b.step_no == 5 and torch.equal(a.w.weight, b.w.weight) and b.log[-1] == a.log[-1]
    assert not torch.equal(fresh.w.weight, a.w.weight)
    assert a.gpu_minutes() == 0.0  # only GPU time is counted


def test_run_log_round_trip_and_curves(tmp_path):
    log = [{"step": 1, "loss": 0.5, "r_mean": 0.1, "r_std": 0.05}, {"step": 1, "eval": True, "mae_m": 300.0},
           {"step": 2, "loss": 0.25, "r_mean": 0.2, "r_std": 0.05, "div": None}]
    write_log(log, tmp_path / "log.jsonl")
    assert read_log(tmp_path / "log.jsonl") == log and read_log(tmp_path / "missing.jsonl") == []
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 3
    panels = (Panel("loss", (Series("loss"),), lambda r: "loss" in r, log_y=True),
              Panel("rewards", (Series("r_mean", "r", band="r_std"), Series("absent", "x", optional=True)),
                    lambda r: not r.get("eval"), legend_size=8),
              Panel("diversity", (Series("div", style="o-"),), lambda r: not r.get("eval"), ylim=(0, 1)),
              Panel("nothing yet", (Series("val_mae_m"),), lambda r: "val_mae_m" in r))
    plot_curves(log, tmp_path / "curves.png", panels)
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"


@dataclass(frozen=True)
class ToyConfig(JsonConfig):
    pairs: str
    frames: tuple = (13,)
    names: tuple = ("a",)
    lr: float = 1e-3

    def check(self, where: str = "ToyConfig") -> None:
        if self.lr <= 0:
            raise ValueError(f"{where}: field 'lr' must be positive")


def test_json_config_reads_tuples_overrides_and_checks(tmp_path):
    p = tmp_path / "toy.json"
    p.write_text(json.dumps({"pairs": "x.npz", "frames": [9, 13], "names": "b"}))
    cfg = ToyConfig.from_json(p, lr=0.5, frames=None)
    assert cfg == ToyConfig("x.npz", (9, 13), ("b",), 0.5) and type(cfg.frames[0]) is int
    with pytest.raises(ValueError, match="toy.json: field 'lr' must be positive"):
        ToyConfig.from_json(p, lr=-1.0)
    p.write_text(json.dumps({"frames": 5}))
    with pytest.raises(ValueError, match="toy.json: field 'pairs' is required"):
        ToyConfig.from_json(p)
