"""Data-parallel SFT (train/ddp.py) on CPU with gloo and 2 processes, on the tiny seeded model."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from sig2gps.model.codec import PixelCodec
from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import build_transformer
from sig2gps.train import ddp
from sig2gps.train.data import PairStream, render_pair
from sig2gps.train.pairs import PairSet
from sig2gps.train.sft import SftConfig, train_step

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


@pytest.fixture(scope="module")
def pairs_file(helsinki_pairs):
    return helsinki_pairs(10, 5)


def _fixed_batch(pairs_file, n=4, frames=5):
    """A batch with its own noise and sigmas, so every process sees the same numbers."""
    ps = PairSet.load(pairs_file)
    ss = [render_pair(ps, i, TINY.scene, frames, np.random.default_rng(i)) for i in range(n)]
    ov = torch.from_numpy(np.stack([s.overlay for s in ss]))
    g = torch.Generator().manual_seed(3)
    return {"cond": torch.from_numpy(np.stack([s.cond for s in ss])), "overlay": ov,
            "noise": torch.randn(ov.shape, generator=g), "sigma": torch.rand(n, generator=g) * 0.8 + 0.1}


def _step(model, batch, weight_sync=None):
    """One SGD step (Adam's first step is sign(g): it would magnify float noise) with the project's train_step."""
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.05)
    train_step(model, PixelCodec(), TINY, batch, opt, torch.Generator().manual_seed(0), "cpu", False, weight_sync)


def _env(port):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)


def _grad_check(ctx, batch_path, out_dir):
    """One DDP step on this rank's half of a fixed batch; saves the parameters and gradients."""
    full = torch.load(batch_path)
    half = len(full["cond"]) // ctx.world
    mine = {k: v[ctx.rank * half:(ctx.rank + 1) * half] for k, v in full.items()}
    tr = build_transformer(TINY, seed=1 + ctx.rank).float().train()  # different init: DDP must broadcast rank 0's
    _step(ctx.wrap(tr), mine, ctx.weight_sync)
    torch.save({"params": {n: p.detach().clone() for n, p in tr.named_parameters()},
                "grads": {n: p.grad.clone() for n, p in tr.named_parameters() if p.grad is not None}},
               f"{out_dir}/rank{ctx.rank}.pt")


def _train_run(ctx, cfg_path, out_dir):
    """train_sft as one DDP rank, recording which rank saves models or curves."""
    from sig2gps.model import store
    from sig2gps.train import sft

    real_save, real_plot = store.save_video_model, sft.plot_curves

    def record(what, real):
        def f(*a, **k):
            with open(f"{out_dir}/writes-rank{ctx.rank}.txt", "a") as fh:
                fh.write(what + "\n")
            return real(*a, **k)
        return f

    store.save_video_model = record("model", real_save)
    sft.plot_curves = record("curves", real_plot)
    rec = sft.train_sft(SftConfig.from_json(cfg_path), ddp=ctx)
    with open(f"{out_dir}/done-rank{ctx.rank}.json", "w") as fh:
        json.dump(rec, fh)


def _rank_main(rank, world, port, batch_path, cfg_path, out_dir):
    _env(port)
    ctx = ddp.setup(rank, world, backend="gloo")
    try:
        _grad_check(ctx, batch_path, out_dir)
        _train_run(ctx, cfg_path, out_dir)
    finally:
        ddp.teardown()


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory, pairs_file):
    """One 2-process gloo group (processes cost seconds to start): a fixed-batch step, then a short train_sft."""
    d = tmp_path_factory.mktemp("ddp")
    batch = _fixed_batch(pairs_file)
    torch.save(batch, d / "batch.pt")
    cfg = {"pairs": str(pairs_file), "out": str(d / "run"), "preset": "tiny", "batch": 4, "frames": [5],
           "val_every": 2, "val_n": 2, "val_steps": 1, "workers": 0, "max_steps": 2, "minutes": 5}
    (d / "cfg.json").write_text(json.dumps(cfg))
    mp.spawn(_rank_main, args=(2, ddp.free_port(), str(d / "batch.pt"), str(d / "cfg.json"), str(d)), nprocs=2)
    return d, batch


def test_two_ranks_with_half_batches_equal_one_process_with_the_full_batch(two_ranks):
    d, batch = two_ranks
    r0, r1 = (torch.load(d / f"rank{r}.pt") for r in (0, 1))
    # every rank holds the same gradients and parameters after the step
    assert r0["grads"].keys() == r1["grads"].keys() and len(r0["grads"]) > 10
    for n in r0["params"]:
        assert torch.equal(r0["params"][n], r1["params"][n]), n
    for n in r0["grads"]:
        assert torch.equal(r0["grads"][n], r1["grads"][n]), n
    # ... and they are those of one process that saw the whole batch
    tr = build_transformer(TINY, seed=1).float().train()
    before = {n: p.detach().clone() for n, p in tr.named_parameters()}
    _step(tr, batch)
    moved = 0
    for n, p in tr.named_parameters():
        assert torch.allclose(p.grad, r0["grads"][n], rtol=1e-4, atol=1e-7), n
        assert torch.allclose(p.detach(), r0["params"][n], rtol=1e-5, atol=1e-7), n
        moved += not torch.equal(before[n], p.detach())
    assert moved > 10  # the step did something to compare


def test_only_rank_zero_validates_and_writes_checkpoints(two_ranks):
    d, _ = two_ranks
    run = d / "run"
    writes0 = (d / "writes-rank0.txt").read_text().split()
    assert "model" in writes0 and "curves" in writes0
    assert not (d / "writes-rank1.txt").exists()
    rec0 = json.loads((d / "done-rank0.json").read_text())
    assert json.loads((d / "done-rank1.json").read_text()) == {}  # rank 1 never validated
    assert rec0["step"] == 2 and rec0["samples"] == 8 and np.isfinite(rec0["val_mae_m"])
    assert (run / "ckpt" / "state.pt").is_file() and (run / "best" / "sig2gps_video.json").is_file()


def test_rank_streams_share_frame_counts_but_not_samples(pairs_file):
    streams = [iter(PairStream(str(pairs_file), TINY.scene, (5, 9), 2, seed=4, rank=r)) for r in (0, 1)]
    same_t, differ = 0, 0
    for _ in range(4):
        a, b = next(streams[0]), next(streams[1])
        assert a["cond"].shape[2] == b["cond"].shape[2]  # one T per global step
        same_t += 1
        differ += not torch.equal(a["overlay"], b["overlay"])
    assert same_t == 4 and differ >= 3


def test_global_batch_must_split_evenly():
    ctx = ddp.DdpContext(rank=1, world=3, local_rank=1, device="cpu")
    assert ctx.per_rank_batch(96) == 32 and ctx.rank_seed(5) == 5 + ddp.RANK_SEED_STRIDE
    with pytest.raises(ValueError, match="batch 64 is not divisible by 3"):
        ctx.per_rank_batch(64)
