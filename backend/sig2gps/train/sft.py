"""Supervised flow matching of the video model (`sig2gps train sft --config CFG.json`).

Resumable: OUT/ckpt holds fp32 weights + optimizer + counters, so a 10-minute GPU command picks up
where the last stopped. OUT/best holds the best model by validation MAE in the shipped layout
(bf16 safetensors shards <= 15 MB). Validation samples videos with the real sampler and reads them
back (model/readback.py): MAE in metres against the truth, the towers floor on the same pairs,
share of one-piece paths, share of the path on roads. Curves go to OUT/curves.png.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from .base import STATE, Panel, Series, Trainer, write_config
from .base import plot_curves as plot_panels
from .jsonconfig import JsonConfig


# validation keys that pick OUT/best, first present wins: the method's decode (the posterior heat, along the
# prior's route when the model draws with one), else the one-window sample
_SCORE_KEYS = ("val_mae_win_heat_route_m", "val_mae_win_heat_m", "val_mae_m")


@dataclass(frozen=True)
class SftConfig(JsonConfig):
    pairs: str  # training pairs (.npz from train/pairs.py)
    out: str = "out/train/video"  # run folder (ckpt/, best/, log.jsonl, curves.png)
    val_pairs: str | None = None  # validation pairs (e.g. an unseen city); default: every 50th training pair
    preset: str = "small"  # transformer size (model/config.py PRESETS)
    init: str | None = None  # start from this model folder (e.g. the shipped model) instead of scratch
    base: str | None = None  # Wan2.2-TI2V diffusers folder: train a LoRA on it instead (VAE latent space)
    lora_rank: int = 16
    frames: tuple = (13,)  # frame counts T to train on, one drawn per batch
    batch: int = 64
    lr: float = 3e-4
    weight_decay: float = 0.01
    warmup: int = 200  # linear warm-up steps (counted from this invocation's first step)
    final_lr_frac: float = 1.0  # linear decay over this invocation's time budget to lr * this (1: constant)
    minutes: float = 8.0  # wall-clock budget of this invocation
    max_steps: int = 0  # stop at this total step count (0: only the time budget)
    val_every: int = 400
    val_first: bool = False  # also validate the starting model before the first step (a fresh run): the best kept
    # is then never worse than where the run began (an anchored run starts at the prior's own answer)
    val_n: int = 96  # validation pairs
    val_steps: int = 10  # sampler steps at validation
    val_chunk_m: float = 0.0  # also validate drawn in windows of this half-width, as the video method runs (0: off)
    val_rollouts: int = 1  # samples per window at validation; >= 2 also scores their consensus
    path_weight: float = 2.0  # loss weight on path/dot pixels (pixel model)
    chunk_m: float = 0.0  # train on random window-sized pieces of the traces (the video method's --chunk-m); 0: whole
    scene_size: int = 0  # canvas pixels per side; 0: the preset's or the init model's. Same patch, more pixels =
    # more tokens and fewer metres per pixel: an init model's weights carry over unchanged (RoPE is relative)
    reuse: int = 1  # optimizer steps per rendered batch (copies under square symmetries; CPU rendering is the limit)
    seed: int = 0
    workers: int = 4
    compile: bool = False
    session: str = ""  # label of this run in the best model's summary ("run"), as ship() records it
    # "none": the paper's setting. "hmm": draw with the pairs' prior tracks (the engineered route) as two more
    # condition channels; "truth": the true track there instead (the copy test: the pipeline must learn to copy it)
    prior: str = "none"
    pos_share: float = 0.0  # FlowConfig.pos_share: 0 = the path_weight MSE; > 0 = per-channel balanced loss
    top_share: float = -1.0  # FlowConfig.top_share: share of samples at noise level 1 (-1: keep the model's)
    dot_sigma: float = -1.0  # SceneConfig.dot_sigma to train with (-1: keep the model's)
    # anchor the velocity on the prior (FlowConfig.prior_anchor): from a model without it, its output layer is zeroed
    # so training starts at the prior's own answer and learns the correction
    prior_anchor: bool = False
    # draw the serving plane (SceneConfig.serving: which site served at each frame's time); from a model without
    # it, its input channel starts at zero weight
    serving: bool = False


def build_model(cfg: SftConfig, device: str):
    """(transformer, codec, model config, base) for a fresh, initialised, resumed or LoRA run."""
    from ..model.codec import PixelCodec
    from ..model.config import FlowConfig
    from ..model.store import (LoraSettings, add_lora, build_transformer, load_base, load_video_model, preset,
                               widen_inputs)

    ckpt = Path(cfg.out) / "ckpt"
    if cfg.base:
        tr, codec, mcfg = load_base(cfg.base, device)
        add_lora(tr, LoraSettings(rank=cfg.lora_rank, alpha=cfg.lora_rank))
        if (ckpt / "lora").is_dir():
            from peft import set_peft_model_state_dict
            from safetensors.torch import load_file

            set_peft_model_state_dict(tr, load_file(next((ckpt / "lora").glob("*.safetensors"))))
        return tr, codec, mcfg, cfg.base
    src = ckpt if (ckpt / "transformer").is_dir() else (Path(cfg.init) if cfg.init else None)
    if src is not None:
        pipe, mcfg, _ = load_video_model(src, device)
        tr = pipe.transformer
    else:
        mcfg = preset(cfg.preset)
        if cfg.prior != "none":
            mcfg = replace(mcfg, scene=replace(mcfg.scene, prior=True))
        tr = build_transformer(mcfg, cfg.seed).to(device)
    mcfg = replace(mcfg, flow=replace(mcfg.flow if mcfg.flow else FlowConfig(), path_weight=cfg.path_weight,
                                      pos_share=cfg.pos_share))
    if cfg.top_share >= 0:
        mcfg = replace(mcfg, flow=replace(mcfg.flow, top_share=cfg.top_share))
    if cfg.dot_sigma >= 0:
        mcfg = replace(mcfg, scene=replace(mcfg.scene, dot_sigma=cfg.dot_sigma))
    if cfg.prior != "none" and not mcfg.scene.prior:  # from a model drawn without a prior: zero-init its channels
        from ..model.scene import COND_CHANNELS, OVERLAY_CHANNELS

        widen_inputs(tr, COND_CHANNELS, OVERLAY_CHANNELS)
        mcfg = replace(mcfg, scene=replace(mcfg.scene, prior=True))
    if cfg.serving and not mcfg.scene.serving:  # from a model without the serving plane: zero-init it
        from ..model.scene import SERVING_CHANNELS, cond_channels

        widen_inputs(tr, cond_channels(mcfg.scene), SERVING_CHANNELS)
        mcfg = replace(mcfg, scene=replace(mcfg.scene, serving=True))
    if cfg.prior_anchor and not mcfg.flow.prior_anchor:
        anchor_on_prior(tr, mcfg)
        mcfg = replace(mcfg, flow=replace(mcfg.flow, prior_anchor=True))
    if cfg.scene_size:
        mcfg = mcfg.on_canvas(cfg.scene_size, "scene_size")
    return tr.float().train(), PixelCodec(anchor=mcfg.flow.prior_anchor), mcfg, None


def anchor_on_prior(tr, mcfg) -> None:
    """Turn a model into a prior-anchored one (FlowConfig.prior_anchor): its output layer is zeroed, so it starts
    out reproducing the prior exactly (at noise 1) and keeps every feature it has learnt."""
    if not mcfg.scene.prior:
        raise ValueError("prior_anchor needs a model drawn with a prior (prior: hmm or truth)")
    with torch.no_grad():
        tr.proj_out.weight.zero_()
        tr.proj_out.bias.zero_()


def batch_loss(tr, codec, mcfg, batch: dict, gen: torch.Generator, device: str, amp: bool,
               weight_sync=None) -> torch.Tensor:
    """Flow-matching loss of a batch; noise and sigmas come from `gen` (so a fixed seed = a fixed loss).

    A batch may carry its own "noise" and "sigma" (equivalence tests). `weight_sync` (data-parallel,
    train/ddp.py) maps this rank's loss-weight total to the mean total over ranks, so that the
    averaged gradients equal those of one process on the whole global batch.
    """
    from ..model.flow import add_noise, flow_loss, sample_train_sigmas, token_timesteps
    from ..model.pipeline import null_embedding

    cond = batch["cond"].to(device, non_blocking=True)
    overlay = batch["overlay"].to(device, non_blocking=True)
    with torch.no_grad():
        x0 = codec.encode(cond, overlay).float()
        ctx = codec.condition(cond)
        weight = codec.weight(overlay, mcfg.flow.path_weight, mcfg.flow.pos_share)
    B = x0.shape[0]
    noise = (batch["noise"] if "noise" in batch else torch.randn(x0.shape, generator=gen, device="cpu")).to(device)
    sigma = (batch["sigma"] if "sigma" in batch else
             sample_train_sigmas(B, mcfg.flow.train_logit_mean, mcfg.flow.train_logit_std, gen)).to(device)
    top = getattr(mcfg.flow, "top_share", 0.0)
    if top > 0 and "sigma" not in batch:
        sigma = torch.where(torch.rand(B, generator=gen).to(device) < top, torch.ones_like(sigma), sigma)
    xt = add_noise(x0, noise, sigma)
    core = getattr(tr, "module", tr)  # the transformer itself under DDP (its config, text width)
    ts = token_timesteps(sigma, x0.shape, tuple(core.config.patch_size))
    emb = null_embedding(core, B, device, torch.float32)
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
        v = codec.anchored(tr(codec.model_input(xt, ctx), ts, emb, return_dict=False)[0], xt, ctx, sigma)
    loss = flow_loss(v, noise, x0, weight)
    if weight_sync is not None:
        # flow_loss divides by this rank's weight total; rescale to the global batch's mean total
        w = torch.ones(()) if weight is None else weight[:, :, 1:].float()
        local = (w.sum() * (x0[:, :, 1:].numel() / w.numel())).to(loss.device)
        loss = loss * local / weight_sync(local)
    return loss


def train_step(tr, codec, mcfg, batch: dict, opt, gen: torch.Generator, device: str, amp: bool,
               weight_sync=None) -> float:
    """One optimizer step on a batch; returns the loss before the step."""
    loss = batch_loss(tr, codec, mcfg, batch, gen, device, amp, weight_sync)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in tr.parameters() if p.requires_grad], 1.0)
    opt.step()
    return float(loss.detach())


def validate(tr, codec, mcfg, pairs, idx, frames: int, steps: int, device: str, seed: int = 0,
             chunk_m: float = 0.0, prior: str = "hmm", rollouts: int = 1) -> dict:
    """Sample one video per validation pair and score what is read back, in metres (with `chunk_m`, also the
    windowed protocol of validate_windows, as the video method runs; the other keys stay the one-window one)."""
    from ..model.pipeline import Sig2GpsVideoPipeline
    from ..model.readback import errors_m, on_road_share, path_pieces, raw_track
    from .data import render_pair

    tr.eval()
    pipe = Sig2GpsVideoPipeline(tr, codec, mcfg.flow.shift)
    mae, floor, end_err, one, road = [], [], [], [], []
    for start in range(0, len(idx), 32):
        ss = [render_pair(pairs, int(i), mcfg.scene, frames, prior=prior) for i in idx[start:start + 32]]
        gens = [torch.Generator().manual_seed(seed + start + k) for k in range(len(ss))]
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
            ov = pipe(np.stack([s.cond for s in ss]), frames, steps, gens).overlay
        for s, o in zip(ss, ov):
            t, xy = raw_track(s.window, o, 0.0, s.t_end)
            mae.append(errors_m(t, xy, s.pos_t, s.pos_xy).mean())
            floor.append(errors_m(s.sig_t, s.sig_xy, s.pos_t, s.pos_xy).mean())
            end_err.append(float(np.hypot(*(xy[-1] - s.pos_xy[-1]))))
            one.append(path_pieces(o) == 1)
            road.append(on_road_share(o, s.cond[0, 0]))
    rec = {"val_mae_m": float(np.mean(mae)), "val_towers_mae_m": float(np.mean(floor)),
           "val_end_err_m": float(np.mean(end_err)), "val_connected": float(np.mean(one)),
           "val_on_road": float(np.mean(road)), "val_n": len(idx), "val_frames": frames, "val_steps": steps}
    if chunk_m > 0:
        from .val_windows import validate_windows

        rec.update(validate_windows(pipe, mcfg.scene, pairs, idx, frames, steps, device, chunk_m, seed, prior,
                                    rollouts))
        rec["val_chunk_m"] = chunk_m
        if rollouts > 1:
            rec["val_rollouts"] = rollouts
    tr.train()
    return rec


CURVES = (
    Panel("training loss (weighted flow MSE)", (Series("loss"),), lambda r: "loss" in r, log_y=True),
    Panel("validation MAE (m)", (Series("val_mae_m", "video (raw dots)", "o-"),
                                 Series("val_towers_mae_m", "towers floor", "--")), lambda r: "val_mae_m" in r),
    Panel("validation shares", (Series("val_connected", "one-piece path", "o-"),
                                Series("val_on_road", "path on roads", "s-")), lambda r: "val_mae_m" in r,
          ylim=(0, 1.02)),
)


def plot_curves(log: list[dict], path: Path) -> None:
    plot_panels(log, path, CURVES)


class SftTrainer(Trainer):
    """Flow matching on fresh rendered batches until the time or step budget; validates every `val_every` steps
    and at the end (rank 0 only), keeping OUT/best by the score the video method is judged by.

    `ddp`: a train/ddp.py DdpContext when this is one of several data-parallel processes (None: one)."""

    def __init__(self, cfg: SftConfig, ddp=None):
        from .pairs import PairSet, val_indices

        self.cfg, self.ddp = cfg, ddp
        self.multi = ddp is not None and ddp.world > 1
        self.main = not self.multi or ddp.is_main
        super().__init__(ddp.device if self.multi else None, ddp.world if self.multi else 1)
        self.amp = self.device == "cuda"
        self.out = Path(cfg.out)
        if self.main:
            self.out.mkdir(parents=True, exist_ok=True)
            write_config(self.out, cfg)
        torch.manual_seed(cfg.seed)
        self.tr, self.codec, self.mcfg, self.wan_base = build_model(cfg, self.device)
        self.set_optimizer(self.tr, cfg.lr, cfg.weight_decay, betas=(0.9, 0.98))
        self.samples = 0
        saved = self.load_state(self.out / "ckpt" / STATE)
        if saved:
            self.gpu_seconds, self.samples, self.best = saved["gpu_seconds"], saved["samples"], saved["best_mae"]
        if self.main:
            print(f"sft: {sum(p.numel() for p in self.tr.parameters()) / 1e6:.1f}M parameters "
                  f"({sum(p.numel() for p in self.params) / 1e6:.2f}M trained) on {self.device}"
                  f"{f' x {self.world} processes (DDP)' if self.multi else ''}, from step {self.step_no}", flush=True)
        self.val_set = PairSet.load(cfg.val_pairs) if cfg.val_pairs else PairSet.load(cfg.pairs)
        held = np.arange(0, len(self.val_set), 50)
        self.val_idx = val_indices(len(self.val_set), cfg.val_n) if cfg.val_pairs else held[:cfg.val_n]
        self.exclude = None if cfg.val_pairs else held
        model = ddp.wrap(self.tr) if self.multi else self.tr  # tr stays the plain module: validation and saving use it
        self.step_fn = torch.compile(model) if cfg.compile else model
        gen_seed = cfg.seed * 7919 + self.step_no
        self.gen = torch.Generator().manual_seed(ddp.rank_seed(gen_seed) if self.multi else gen_seed)  # per rank
        self.weight_sync = ddp.weight_sync if self.multi else None
        self.step0 = self.step_no
        self.last_val: dict = {}
        self._mark, self._losses = (time.time(), 0), []

    def batches(self):
        """Fresh rendered batches (this rank's share), each reused `reuse` times under square symmetries."""
        from .data import PairStream, reused

        cfg, ddp = self.cfg, self.ddp
        stream = PairStream(cfg.pairs, self.mcfg.scene, cfg.frames,
                            ddp.per_rank_batch(cfg.batch) if self.multi else cfg.batch, cfg.seed + self.step_no,
                            exclude=self.exclude, rank=ddp.rank if self.multi else None, chunk_m=cfg.chunk_m,
                            prior=cfg.prior)
        loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=cfg.workers,
                                             pin_memory=self.device == "cuda", persistent_workers=cfg.workers > 0,
                                             prefetch_factor=4 if cfg.workers else None)
        return reused(loader, max(1, cfg.reuse), self.device, cfg.seed * 31 + self.step_no)

    def train_step(self, batch) -> dict | None:
        cfg = self.cfg
        elapsed = self.minutes()
        if self.multi:  # rank 0's clock for every rank: same lr, same stopping step
            elapsed, _ = self.ddp.clock(elapsed, False)
        frac = min(1.0, elapsed / cfg.minutes)
        lr = (cfg.lr * min(1.0, (self.step_no - self.step0 + 1) / max(cfg.warmup, 1))
              * (1 - (1 - cfg.final_lr_frac) * frac))
        for g in self.opt.param_groups:
            g["lr"] = lr
        self._losses.append(train_step(self.step_fn, self.codec, self.mcfg, batch, self.opt, self.gen, self.device,
                                       self.amp, self.weight_sync))
        self.step_no += 1
        self.samples += len(batch["cond"]) * self.world
        t_mark, n_mark = self._mark
        self._mark = (t_mark, n_mark + len(batch["cond"]) * self.world)
        if self.step_no % 50 == 0:
            rec = {"step": self.step_no, "loss": float(np.mean(self._losses)), "lr": lr,
                   "samples_per_s": self._mark[1] / (time.time() - t_mark)}
            self.log.append(rec)
            if self.main:  # the loss shown is rank 0's share of the batch
                print(json.dumps(rec), flush=True)
            self._mark, self._losses = (time.time(), 0), []
            return rec
        return None

    def spent(self) -> bool:
        done = self.minutes() >= self.cfg.minutes or bool(self.cfg.max_steps and self.step_no >= self.cfg.max_steps)
        if self.multi:
            _, done = self.ddp.clock(0.0, bool(done))
        return done

    def after_step(self, rec, done: bool) -> None:
        if done or self.step_no % self.cfg.val_every == 0:
            if self.main:
                self.checkpoint()
            if self.multi:  # the others wait while rank 0 validates and saves
                self.ddp.barrier()

    def checkpoint(self) -> None:
        """Validate, then save the resumable checkpoint, the best model so far, the curves and the log."""
        from ..model import store

        cfg = self.cfg
        rec = validate(self.tr, self.codec, self.mcfg, self.val_set, self.val_idx, max(cfg.frames), cfg.val_steps,
                       self.device, cfg.seed, cfg.val_chunk_m, cfg.prior, cfg.val_rollouts)
        rec.update(step=self.step_no, samples=self.samples, gpu_minutes=self.gpu_minutes())
        self.log.append(rec)
        print("val " + json.dumps(rec), flush=True)
        # fp32 weights (or the adapter) + config: what build_model resumes from
        store.save_video_model(self.out / "ckpt", self.tr, self.mcfg, {"step": self.step_no}, dtype=torch.float32,
                               base=self.wan_base)
        # the best model is the one best as the video method runs it: drawn in windows when validated so, and
        # decoded along the prior's route when the model draws with one
        if self.improved(next(rec[k] for k in _SCORE_KEYS if k in rec)):
            store.save_video_model(self.out / "best", self.tr, self.mcfg, {"val": rec, "run": cfg.session},
                                   base=self.wan_base)
        self.save_state(self.out / "ckpt" / STATE, gpu_seconds=self.gpu_seconds_total(), samples=self.samples,
                        best_mae=self.best)
        self.write_outputs(self.out)
        self.last_val = rec

    def plot(self, path: Path) -> None:
        plot_curves(self.log, path)  # through the module's name: a caller may swap the plotter (tests do)


def train_sft(cfg: SftConfig, ddp=None) -> dict:
    """Train until the time or step budget; returns the last validation record (rank 0; {} on the others)."""
    trainer = SftTrainer(cfg, ddp)
    if cfg.val_first and trainer.step_no == 0:  # validate (and keep as best) the starting model
        t0 = time.time()
        trainer.after_step(None, done=True)
        if trainer.device == "cuda":  # fit() restarts the clock: count this validation's GPU time here
            trainer.gpu_seconds += (time.time() - t0) * trainer.world
    trainer.fit(trainer.batches(), check_first=False)
    return trainer.last_val
