"""The matcher's position-error scale, fitted to the data it is given (unsupervised).

The defaults were tuned on records placed at the true cell sites (off the roads, hundreds of metres
from the phone, the sectors of a site sharing one position). Users mostly have positions estimated
from drives (public cell databases): on the roads, each sector at the middle of its own coverage, so
consecutive records lie closer together and the tuned smoothing and emission spread over-smooth them
(issue 17, section 0). The spacing of consecutive distinct record positions measures the scale of
the data's cells: every error setting is scaled by that spacing over the spacing of the tuning data,
per trace (so an output never depends on the other traces of its batch)
(mapmatch.config.scaled). No ground truth is used. (One step of hard EM on the record-to-track
residual was tried too: it moves less, as the residual is dominated by the cells' size, and
gained less; experiments/hmm-drivable.)
"""
from __future__ import annotations

import numpy as np

from .config import MatchConfig


def record_spacing(traces_xy) -> np.ndarray:
    """Distances (m) between consecutive records at different positions, over (t, x, y) traces."""
    out = [np.hypot(np.diff(x), np.diff(y)) for _, x, y in traces_xy if len(x) >= 2]
    d = np.concatenate(out) if out else np.zeros(0)
    return d[d > 1.0]


def fit_scale(cfg: MatchConfig, traces_xy) -> tuple[float, dict]:
    """(factor, info): the scale of cfg's error settings that fits these traces; 1 = they look like the
    tuning data. A short trace says little: the log-factor is shrunk towards 0 by n / (n + n0) (n position
    changes, n0 = cfg.scale_prior_steps); with fewer than cfg.scale_min_steps changes the factor is 1."""
    d = record_spacing(traces_xy)
    n = len(d)
    if n < cfg.scale_min_steps:
        return 1.0, {"scale": 1.0, "scale_steps": int(n)}
    med = float(np.median(d))
    w = n / (n + cfg.scale_prior_steps)
    factor = float(np.clip(np.exp(w * np.log(med / cfg.scale_reference_m)), *cfg.scale_bounds))
    return factor, {"scale": round(factor, 3), "scale_spacing_m": round(med, 1), "scale_steps": int(n)}
