"""The conditions Traj-GDPO samples from: inference windows of training pairs, drawn when picked."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class ConditionPool(Sequence):
    """RL conditions drawn when picked, not all at load: a pool of windows runs to ~20 per pair (~1.5 MB each
    at 64 px, 13 frames), so 1,024 pairs held rendered would take ~30 GB. Indexing is deterministic."""

    def __init__(self, pairs, specs: list, scene, frames: int):
        self.pairs, self.specs, self.scene, self.frames = pairs, specs, scene, frames  # specs: (pair, a, b, whole)

    def __len__(self) -> int:
        return len(self.specs)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        from ..model.scene import draw_window, frame_fracs, positions_at
        from .data import cut_piece
        from .rl_rewards import WindowGeom
        from .rl_rollout import RlCondition

        i, a, b, whole = self.specs[k]
        city, *trace = self.pairs.trace(i)
        sig_t, sig_xy, pos_t, pos_xy = trace if whole else cut_piece(*trace, a, b)
        win, cond = draw_window(sig_t, sig_xy, self.pairs.roads[city], self.scene, self.frames)
        xy = positions_at(np.asarray(pos_t, float), pos_xy, frame_fracs(self.frames) * float(sig_t[-1]))
        lon, lat = WindowGeom(win).xy_to_lonlat(xy)
        name = f"{self.pairs.cities[city]}:{i}" + ("" if whole else f":{a}-{b}")
        return RlCondition(name, cond, win, lon, lat, xy)


def load_conditions(pairs_path: str, n: int, scene, frames: int, chunk_m: float = 0.0) -> ConditionPool:
    """Deterministic conditions (inference windows) of n pairs spread over the pair file.

    chunk_m > 0: every window the video method's --chunk-m draws of those pairs is a condition of its own
    (records a..b, the truth cut to their span), so RL rewards the drawings the method actually makes."""
    from ..model.scene import split_windows
    from .pairs import PairSet

    ps = PairSet.load(pairs_path)
    idx = np.unique(np.linspace(0, len(ps) - 1, min(n, len(ps))).astype(int))
    specs = []
    for i in idx:
        pieces = split_windows(ps.trace(int(i))[2], scene, chunk_m)
        specs += [(int(i), a, b, len(pieces) == 1) for a, b in pieces]
    return ConditionPool(ps, specs, scene, frames)
