"""Fresh training samples every batch: random pair, random window jitter and square symmetry.

Runs in DataLoader workers with numpy + PIL only (what the GPU machine has). A batch shares its
frame count T, so a batch is one tensor; T is drawn per batch from the configured choices.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..model.scene import SceneConfig, draw_window, render_overlay, split_windows
from .pairs import PairSet


PRIOR_SOURCES = ("hmm", "truth")  # the pairs' stored prior tracks; the true track (the copy test)


@dataclass
class Sample:
    cond: np.ndarray  # (cond_channels(scene), T, S, S)
    overlay: np.ndarray  # (2, T, S, S)
    window: object
    t_end: float
    pos_t: np.ndarray
    pos_xy: np.ndarray
    sig_t: np.ndarray
    sig_xy: np.ndarray


def window_piece(sig_t, sig_xy, pos_t, pos_xy, scene: SceneConfig, chunk_m: float, rng):
    """One random piece of a trace as the video method draws it with `chunk_m` windows (methods/video.py):
    records a..b of split_windows, times shifted to start at 0, the truth cut to the piece's span."""
    return cut_piece(sig_t, sig_xy, pos_t, pos_xy, *_random_range(sig_xy, scene, chunk_m, rng))


def _random_range(sig_xy, scene: SceneConfig, chunk_m: float, rng) -> tuple[int, int]:
    parts = split_windows(sig_xy, scene, chunk_m)
    return parts[int(rng.integers(len(parts)))]


def cut_piece(sig_t, sig_xy, pos_t, pos_xy, a: int, b: int):
    """Records a..b (inclusive) of a pair, times shifted to start at 0, the truth cut to their span."""
    t0, t1 = float(sig_t[a]), float(sig_t[b])
    inside = (pos_t > t0) & (pos_t < t1)
    pt = np.r_[t0, pos_t[inside], t1]
    pxy = np.c_[np.interp(pt, pos_t, pos_xy[:, 0]), np.interp(pt, pos_t, pos_xy[:, 1])]
    return sig_t[a:b + 1] - t0, sig_xy[a:b + 1], pt - t0, pxy


def render_pair(pairs: PairSet, i: int, scene: SceneConfig, frames: int, rng=None, chunk_m: float = 0.0,
                prior: str = "hmm") -> Sample:
    """Pair i as model input and target; rng=None gives the deterministic inference window.

    chunk_m > 0 (training only, needs rng): a random window-sized piece of the trace instead of all of it,
    so the model trains on the scenes the video method draws at inference. A scene with prior channels draws
    the pair's stored prior track (`prior="hmm"`) or the truth itself (`"truth"`: the copy test)."""
    city, sig_t, sig_xy, pos_t, pos_xy = pairs.trace(i)
    track = None
    if scene.prior:
        if prior not in PRIOR_SOURCES:
            raise ValueError(f"prior source {prior!r}: choose from {', '.join(PRIOR_SOURCES)}")
        track = (pos_t, pos_xy) if prior == "truth" else pairs.prior(i)
    if chunk_m > 0 and rng is not None:
        a, b = _random_range(sig_xy, scene, chunk_m, rng)
        t0 = float(sig_t[a])
        sig_t, sig_xy, pos_t, pos_xy = cut_piece(sig_t, sig_xy, pos_t, pos_xy, a, b)
        if track is not None:  # on the piece's clock; draw_window cuts it to the piece's span
            track = (track[0] - t0, track[1])
    win, cond = draw_window(sig_t, sig_xy, pairs.roads[city], scene, frames, track, rng)
    t_end = float(sig_t[-1])
    ov = render_overlay(win, scene, pos_t, pos_xy, t_end, frames)
    return Sample(cond, ov, win, t_end, pos_t, pos_xy, sig_t, sig_xy)


def square_symmetry(x: torch.Tensor, k: int) -> torch.Tensor:
    """One of the 8 symmetries of the square on the last two (pixel) axes: k % 4 quarter turns, mirrored if k >= 4.

    Every channel is a raster of the same square window (the time plane is constant), so a symmetric
    copy of a rendered sample is exactly the sample of the mirrored/turned map: augmentation for free
    on the GPU, where rendering on the CPU is what limits training speed."""
    y = torch.rot90(x, k % 4, dims=(-2, -1))
    return torch.flip(y, dims=(-1,)) if k >= 4 else y


def reused(batches, reuse: int, device: str, seed: int):
    """Each batch from `batches` on `device`, then `reuse - 1` copies under random square symmetries.

    The model sees fresh noise and noise levels each time (batch_loss draws them), so one rendered
    batch feeds `reuse` optimizer steps."""
    g = torch.Generator().manual_seed(seed)
    for batch in batches:
        batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
        yield batch
        for _ in range(reuse - 1):
            k = int(torch.randint(1, 8, (1,), generator=g))
            yield {key: square_symmetry(v, k) for key, v in batch.items()}


class PairStream(torch.utils.data.IterableDataset):
    """Endless batches {"cond", "overlay"}; each worker has its own seeded generator (per rank with `rank`)."""

    def __init__(self, pairs_path: str, scene: SceneConfig, frames: tuple, batch: int, seed: int,
                 exclude: np.ndarray | None = None, rank: int | None = None, chunk_m: float = 0.0,
                 prior: str = "hmm"):
        self.pairs_path, self.scene, self.frames, self.batch, self.seed = pairs_path, scene, tuple(frames), batch, seed
        self.exclude, self.rank, self.chunk_m, self.prior = exclude, rank, chunk_m, prior

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info else 0
        # Data-parallel ranks (train/ddp.py) draw their own samples but the same frame count T per step:
        # DataLoader workers yield round-robin, so batch k of every rank is worker k % W's j-th draw and
        # seeding T by (seed, worker) alone keeps T equal across ranks. One process: one generator for both.
        t_rng = np.random.default_rng([self.seed, wid])
        rng = t_rng if self.rank is None else np.random.default_rng([self.seed, wid, self.rank + 1])
        pairs = PairSet.load(self.pairs_path)
        pool = np.setdiff1d(np.arange(len(pairs)), self.exclude if self.exclude is not None else [])
        while True:
            T = int(t_rng.choice(self.frames))
            idx = rng.choice(pool, self.batch)
            ss = [render_pair(pairs, int(i), self.scene, T, rng, self.chunk_m, self.prior) for i in idx]
            yield {"cond": torch.from_numpy(np.stack([s.cond for s in ss])),
                   "overlay": torch.from_numpy(np.stack([s.overlay for s in ss]))}
