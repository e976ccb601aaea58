"""Do SFT, RL and adaptation train the same before and after the trainer base (train/base.py)?

Runs each algorithm on a tiny seeded model (CPU, about a minute in all) once with the package of each tree, in
its own process, and compares what the runs wrote: every run-log record (the timing fields left out), the saved
weights of every model folder, the adaptation's summary. Prints one line per comparison and exits 1 on any
difference.

    git archive 40c19de backend | tar -x -C /tmp/before
    python experiments/layout/trainer_equivalence.py --before /tmp/before/backend --after backend --work out/equiv
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

TIMING = {"samples_per_s", "gpu_minutes", "seconds", "sample_seconds", "score_wait_seconds"}


def _runs(work: Path) -> None:
    """The three runs, with the package on sys.path (run in a child process per tree)."""
    import torch

    from sig2gps.model.config import PRESETS, VideoModelConfig
    from sig2gps.model.store import build_transformer, save_video_model
    from sig2gps.network.defaults import default_network
    from sig2gps.train.adapt import AdaptConfig, adapt
    from sig2gps.train.pairs import build_pairs
    from sig2gps.train.rl import RlConfig, train_rl
    from sig2gps.train.sft import SftConfig, train_sft

    torch.set_num_threads(1)
    tiny = VideoModelConfig(transformer=PRESETS["tiny"])
    pairs, val = work / "pairs.npz", work / "val.npz"
    build_pairs({"helsinki": default_network()}, 12, seed=4).save(pairs)
    build_pairs({"helsinki": default_network()}, 3, seed=12).save(val)
    sft = SftConfig(pairs=str(pairs), out=str(work / "sft"), preset="tiny", batch=2, frames=(5,), val_every=2,
                    val_n=2, val_steps=1, workers=0, max_steps=2, minutes=5)
    train_sft(sft)
    train_sft(SftConfig(**{**sft.__dict__, "max_steps": 4}))  # resumed from ckpt/
    save_video_model(work / "init", build_transformer(tiny, seed=2), tiny, dtype=torch.float32)
    rl = RlConfig(pairs=str(pairs), init=str(work / "init"), out=str(work / "rl"), conditions=3,
                  conditions_per_step=2, group=2, frames=5, steps=2, max_steps=1, sde_steps=(0,), eval_conditions=2)
    train_rl(rl)
    train_rl(RlConfig(**{**rl.__dict__, "max_steps": 2}))  # resumed
    adapt(AdaptConfig(pairs=str(pairs), val_pairs=str(val), out=str(work / "adapt"), init=str(work / "init"), rank=4,
                      targets=("to_q", "to_v"), steps=3, batch=2, frames=(5,), lr=5e-2, val_n=2, val_frames=5,
                      val_steps=2, workers=0))


def _log(path: Path) -> list[dict]:
    return [{k: v for k, v in json.loads(x).items() if k not in TIMING} for x in path.read_text().splitlines()]


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    out = {}
    for f in sorted(folder.rglob("*.safetensors")):
        out.update(load_file(str(f)))
    return out


def compare(a: Path, b: Path) -> list[str]:
    """Lines 'same'/'DIFFERENT' per compared output of the two work folders."""
    import torch

    lines = []
    for run in ("sft/log.jsonl", "rl/log.jsonl"):
        same = _log(a / run) == _log(b / run)
        lines.append(f"{'same' if same else 'DIFFERENT'}: {run} ({len(_log(a / run))} records, timing fields left out)")
    for folder in ("sft/best", "sft/ckpt", "rl/model", "rl/ckpt", "adapt/model"):
        wa, wb = _weights(a / folder), _weights(b / folder)
        same = wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)
        lines.append(f"{'same' if same else 'DIFFERENT'}: {folder} weights ({len(wa)} tensors, bit for bit)")
    ra, rb = ({k: v for k, v in json.loads((w / "adapt" / "adapt.json").read_text().replace(str(w), "W")).items()
               if k != "seconds"} for w in (a, b))
    lines.append(f"{'same' if ra == rb else 'DIFFERENT'}: adapt/adapt.json (but its seconds and the work folder)")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", required=True, help="backend/ folder of the tree before")
    ap.add_argument("--after", required=True, help="backend/ folder of the tree after")
    ap.add_argument("--work", default="out/trainer_equivalence")
    ap.add_argument("--run", help=argparse.SUPPRESS)  # the child process: run into this folder
    a = ap.parse_args(argv)
    if a.run:
        _runs(Path(a.run))
        return 0
    for name, backend in (("before", a.before), ("after", a.after)):
        work = Path(a.work) / name
        shutil.rmtree(work, ignore_errors=True)  # a fresh run each time: a left-over ckpt/ would be resumed
        work.mkdir(parents=True)
        env = {**os.environ, "PYTHONPATH": str(Path(backend).resolve())}
        subprocess.run([sys.executable, __file__, "--before", a.before, "--after", a.after, "--run", str(work)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
    lines = compare(Path(a.work) / "before", Path(a.work) / "after")
    print("\n".join(lines))
    return 1 if any(x.startswith("DIFFERENT") for x in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
