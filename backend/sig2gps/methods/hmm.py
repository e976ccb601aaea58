"""`hmm`: the industrial Rule_sig pipeline (cleanup + HMM map matching + route inference), built to be fast.

Options: `--rollouts K` returns K distinct candidate routes, best first, scored by their mean
log-score per observation. The error settings (smoothing, emission, candidate radius) are scaled to
the spacing of the records given (mapmatch.scale: true site positions and positions estimated from
drives differ); `hmm-classic` keeps the settings as tuned. MethodOptions.extra may hold
{"config": MatchConfig} to override the tuned defaults (used by tests and tuning).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..types import GpsTrace, Reconstruction, Rollout
from .base import ReconstructionMethod
from .registry import register


@register
class HmmMethod(ReconstructionMethod):
    name = "hmm"
    description = ("Rule_sig: ping-pong cleanup + Kalman smoothing, HMM map matching with time/speed bounds, "
                   "shortest-path routes, monotone timestamps no faster than a car; error scale fitted to the "
                   "records' spacing; --rollouts K gives K distinct routes (CPU)")
    needs_network = True
    on_roads = True  # every output point lies on the matched route

    def __init__(self, network, options=None):
        super().__init__(network, options)
        from ..mapmatch import MapMatcher, MatchConfig

        if network is None:
            raise ValueError("hmm needs a road network (--network)")
        cfg = self.options.extra.get("config") or MatchConfig()
        if cfg.timing.max_speed_ms > 0:  # outputs must pass the plausibility check's limit, with a margin
            cfg = replace(cfg, timing=replace(cfg.timing, max_speed_ms=min(cfg.timing.max_speed_ms,
                                                                           0.95 * self.options.max_speed_mps)))
        self._cfg = cfg
        self._matcher_cls = MapMatcher
        self.matcher = None
        self._scale_info: dict = {}

    # A batch this large pays for the per-network cost table (about a second per 10k road nodes);
    # a handful of traces is faster with lazily cached Dijkstra rows. Results are identical.
    PRECOMPUTE_MIN_TRACES = 20

    def _fit(self, traces, precompute: bool) -> None:
        """Build the matcher, with the error settings scaled to these traces' own spacing (mapmatch.scale)
        unless the config says auto_scale=False."""
        from ..mapmatch.config import scaled
        from ..mapmatch.scale import fit_scale

        cfg, self._scale_info = self._cfg, {}
        if cfg.auto_scale:
            xy = [(tr.t, *map(np.asarray, self.network.to_xy(tr.lon, tr.lat))) for tr in traces]
            factor, self._scale_info = fit_scale(cfg, xy)
            cfg = scaled(cfg, factor)
        self.matcher = self._matcher_cls(self.network, cfg, precompute=precompute)

    def reconstruct_many(self, traces):
        if self.matcher is None:
            self._fit(traces, precompute=len(traces) >= self.PRECOMPUTE_MIN_TRACES)
        return super().reconstruct_many(traces)

    def reconstruct(self, trace):
        if self.matcher is None:
            self._fit([trace], precompute=False)
        x, y = self.network.to_xy(trace.lon, trace.lat)
        tracks = self.matcher.match(trace.t, np.asarray(x), np.asarray(y), k=max(1, self.options.rollouts))
        if not tracks:
            raise ValueError(f"trace {trace.trace_id}: no road route could be matched")
        rollouts = []
        for m in tracks:
            lon, lat = self.network.to_lonlat(m.x, m.y)
            info = dict(m.info, score=round(float(m.score), 4), **self._scale_info)
            rollouts.append(Rollout(GpsTrace(trace.trace_id, m.t, lon, lat), score=float(m.score), info=info))
        return Reconstruction(trace.trace_id, self.name, rollouts)


@register
class HmmClassicMethod(HmmMethod):
    name = "hmm-classic"
    description = "hmm with its settings as tuned on true site positions (no fit of the error scale to the data)"

    def __init__(self, network, options=None):
        super().__init__(network, options)
        self._cfg = replace(self._cfg, auto_scale=False)
