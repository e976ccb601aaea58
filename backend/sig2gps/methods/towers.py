"""`towers`: serving-tower positions interpolated in time — the floor every method must beat."""
from __future__ import annotations

from ..types import GpsTrace, Reconstruction, Rollout
from .base import ReconstructionMethod, collapse_same_time
from .registry import register


@register
class TowersMethod(ReconstructionMethod):
    name = "towers"
    description = "serving tower positions interpolated in time (the floor; no road network used)"
    needs_network = False

    def reconstruct(self, trace):
        t, lon, lat = collapse_same_time(trace.t, trace.lon, trace.lat)
        track = GpsTrace(trace.trace_id, t, lon, lat)
        return Reconstruction(trace.trace_id, self.name, [Rollout(track, score=0.0)])
