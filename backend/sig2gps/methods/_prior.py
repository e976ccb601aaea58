"""The engineered route as the video model's prior: `hmm`'s rollout 0 of each trace, in the network's metres.

One function serves the video method at inference and the training pairs (train/pairs.py), so the model
trains on the very prior it is given when it runs. Where `hmm` cannot match a trace, the prior is the
serving sites interpolated in time (the `towers` floor), recorded as such, so a trace never goes without.
"""
from __future__ import annotations

import numpy as np

from ..types import SignalingTrace

PRIOR_METHOD = "hmm"


def route_priors(network, traces: list[SignalingTrace], seed: int = 0) -> dict:
    """{trace_id: (t, xy, source)}: the prior track of each trace on its own clock; source "hmm" or "towers"."""
    from .base import MethodOptions, collapse_same_time
    from .registry import get_method

    method = get_method(PRIOR_METHOD)(network, MethodOptions(seed=seed))
    recs, _ = method.reconstruct_many(traces)
    out = {}
    for r in recs:
        tr = r.rollouts[0].track
        x, y = network.to_xy(tr.lon, tr.lat)
        if len(tr) >= 2:
            out[r.trace_id] = (np.asarray(tr.t, float), np.c_[x, y], PRIOR_METHOD)
    for tr in traces:
        if tr.trace_id not in out:
            t, lon, lat = collapse_same_time(tr.t, tr.lon, tr.lat)
            x, y = network.to_xy(lon, lat)
            out[tr.trace_id] = (t, np.c_[x, y], "towers")
    return out
