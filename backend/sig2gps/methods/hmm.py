"""`hmm`: the industrial Rule_sig pipeline (cleanup + HMM map matching + route inference), built to be fast.

Options: `--rollouts K` returns K distinct candidate routes, best first, scored by their mean
log-score per observation. The error settings (smoothing, emission, candidate radius) are scaled to
the spacing of each trace's own records (mapmatch.scale: true site positions and positions estimated from
drives differ); `hmm-classic` keeps the settings as tuned and times the route from the tower track alone.
MethodOptions.extra may hold {"timing": "track" | "geometry" | "learned" | "sequence"}: the timing
(mapmatch.handover; MatchConfig.timing.handover holds the default), {"ends": bool}: place the trip's end from
the time after the last handover, extending the route there (mapmatch.ends; on by default), and
{"config": MatchConfig} to override
the tuned defaults (used by tests and tuning).
"""
from __future__ import annotations

import ctypes
import sys
from dataclasses import replace

import numpy as np

from .. import deadline
from ..types import GpsTrace, Reconstruction, Rollout
from .base import ReconstructionMethod
from .registry import register

_HEAP = {}  # keep_freed_memory's outcome, once per process
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)


def keep_freed_memory(mmap_mb: int = 32, trim_mb: int = 64) -> bool:
    """Let the C allocator (glibc) keep freed blocks of up to `mmap_mb` for reuse, and up to `trim_mb` of free heap,
    instead of handing each back to the system: hmm's per-trace numpy temporaries are a few hundred kB to a few MB,
    and by default each is given back when freed and the next trace's page faults zero it in again (most of a fresh
    process's system time on its first call: experiments/hmm-speed). Process-wide, once (mallopt); False where
    that is not glibc's allocator (nothing changes there)."""
    if "ok" not in _HEAP:
        _HEAP["ok"] = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None)
                _HEAP["ok"] = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_mb << 20)
                                   and libc.mallopt(M_TRIM_THRESHOLD, trim_mb << 20))
            except (AttributeError, OSError):
                pass
    return _HEAP["ok"]


@register
class HmmMethod(ReconstructionMethod):
    name = "hmm"
    description = ("Rule_sig: ping-pong cleanup + Kalman smoothing, HMM map matching with time/speed bounds, "
                   "shortest-path routes, monotone timestamps no faster than a car, shifted by a learned model "
                   "of where the handovers happened and corrected by a learned model of the whole trace's timing, "
                   "the trip's end placed from the time after the last one; "
                   "error scale fitted to the records' spacing; --rollouts K gives K distinct routes (CPU)")
    needs_network = True
    on_roads = True  # every output point lies on the matched route

    def __init__(self, network, options=None):
        super().__init__(network, options)
        from ..mapmatch import MapMatcher, MatchConfig

        if network is None:
            raise ValueError("hmm needs a road network (--network)")
        keep_freed_memory()
        cfg = self.options.extra.get("config") or MatchConfig()
        if self.options.extra.get("timing"):  # "track" | "geometry" | "learned" | "sequence": mapmatch.handover
            cfg = replace(cfg, timing=replace(cfg.timing, handover=str(self.options.extra["timing"])))
        if "ends" in self.options.extra:  # place the trip's end from the elapsed time (mapmatch.ends) or not
            cfg = replace(cfg, timing=replace(cfg.timing, ends=bool(self.options.extra["ends"])))
        if cfg.timing.max_speed_ms > 0:  # outputs must pass the plausibility check's limit, with a margin
            cfg = replace(cfg, timing=replace(cfg.timing, max_speed_ms=min(cfg.timing.max_speed_ms,
                                                                           0.95 * self.options.max_speed_mps)))
        self._cfg = cfg
        self._matcher_cls = MapMatcher
        self._matchers: dict = {}  # scale factor -> MapMatcher
        self._precompute = False

    # A batch this large pays for the per-network cost table (about a second per 10k road nodes);
    # a handful of traces is faster with lazily cached Dijkstra rows. Results are identical.
    PRECOMPUTE_MIN_TRACES = 20

    def _matcher_for(self, trace, x, y):
        """The matcher for this trace: its error settings scaled to the trace's own record spacing
        (mapmatch.scale), unless the config says auto_scale=False. Per trace, so a trace's output never
        depends on which other traces share its batch; matchers are kept per (rounded) factor."""
        from ..mapmatch.config import scaled
        from ..mapmatch.scale import fit_scale

        factor, info = 1.0, {}
        if self._cfg.auto_scale:
            factor, info = fit_scale(self._cfg, [(trace.t, x, y)])
            factor = round(factor / 0.05) * 0.05
        if factor not in self._matchers:
            cfg = scaled(self._cfg, factor) if factor != 1.0 else self._cfg
            with deadline.exempt():  # per-network setup: not charged to this trace's time limit
                self._matchers[factor] = self._matcher_cls(self.network, cfg, precompute=self._precompute,
                                                           scale=factor)
        return self._matchers[factor], info

    def reconstruct_many(self, traces):
        if not self._precompute and len(traces) >= self.PRECOMPUTE_MIN_TRACES:
            self._precompute, self._matchers = True, {}  # rebuilt with the per-network cost table
        return super().reconstruct_many(traces)

    def reconstruct(self, trace):
        x, y = (np.asarray(a) for a in self.network.to_xy(trace.lon, trace.lat))
        matcher, scale_info = self._matcher_for(trace, x, y)
        tracks = matcher.match(trace.t, x, y, k=max(1, self.options.rollouts))
        if not tracks:
            raise ValueError(f"trace {trace.trace_id}: no road route could be matched")
        rollouts = []
        for m in tracks:
            lon, lat = self.network.to_lonlat(m.x, m.y)
            info = dict(m.info, score=round(float(m.score), 4), **scale_info)
            segs = m.route.segments  # the roads it was drawn along (a one-node route: those leaving the node)
            if not len(segs):
                segs = self.network.seg[self.network.u == m.route.nodes[0]]
            rollouts.append(Rollout(GpsTrace(trace.trace_id, m.t, lon, lat), score=float(m.score), info=info,
                                    road_segments=segs))
        return Reconstruction(trace.trace_id, self.name, rollouts)


@register
class HmmClassicMethod(HmmMethod):
    name = "hmm-classic"
    description = ("hmm with its settings as tuned on true site positions (no fit of the error scale to the data) "
                   "and timed from the tower track alone (no handover timing, no placement of the trip's end)")

    def __init__(self, network, options=None):
        super().__init__(network, options)
        self._cfg = replace(self._cfg, auto_scale=False, timing=replace(self._cfg.timing, handover="track", ends=False))
