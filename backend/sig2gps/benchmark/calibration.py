"""Simulator calibration: serving-cell statistics of the simulator vs the real Cork drive logs."""
from __future__ import annotations

import time
from pathlib import Path

from ..benchdata import DEFAULT_DATA_DIR

ORDER = 10
TITLE = "Signaling simulator calibration (real Cork drive logs vs simulated)"

SHARED = Path(DEFAULT_DATA_DIR)  # ../shared/data from the checkout's root


def run(args) -> str:
    from ..calibration.compare import (CORK_FIX_STEP_M, CORK_ROUTE_REPEAT, TOLERANCE, compare, cork_like_config,
                                       format_markdown, simulated_stats)
    from ..calibration.cork import read_cork
    from ..calibration.stats import summarize
    from ..network import load_network
    from ..simulate import simulate
    from ..machine import machine_line

    cork = SHARED / "cellular" / "ucc5g-cork-driving"
    if not cork.exists():
        return f"Skipped: the Cork drive logs are not available here ({cork})."
    quick = bool(getattr(args, "quick", False))
    n = 60 if quick else 300
    seqs, codes, _ = read_cork(cork)
    real = summarize(seqs)
    parts = [machine_line(), ""]
    cmd = f"sig2gps calibrate --cork {cork} --network NETWORK --traces {n} --seed 1"
    tables = []
    for name in ("baltimore.osm.pbf", "liechtenstein.osm.pbf"):
        path = SHARED / "osm" / name
        if not path.exists():
            continue
        net = load_network(str(path))
        t0 = time.perf_counter()
        res = simulate(net, n, seed=1, cfg=cork_like_config(n))
        dt = time.perf_counter() - t0
        rows = compare(real, simulated_stats(res))
        ok = sum(1 for r in rows if r.ok)
        chk = sum(1 for r in rows if r.checked)
        tables += [f"### {name}: {ok}/{chk} statistics within +-{TOLERANCE:.0%}", "",
                   f"{len(res.traces)} trips, {len(res.cells)} cells; simulation took {dt:.1f} s "
                   f"({len(res.traces) / dt:.0f} trips/s on one core).", "", format_markdown(rows), ""]
    parts += [f"Command (per network): `{cmd}`; this section: `sig2gps bench --only calibration`. "
              f"Cork: {len(seqs)} drives, {len(codes)} cells (keyed by RAWCELLID), one row per second. "
              f"The Cork logger only updates the position after ~{CORK_FIX_STEP_M:.0f} m of movement, so the "
              "simulated positions go through the same rule before any statistic is computed; cell positions "
              "are estimated the same way on both sides (mean of the positions where the cell served). "
              f"Cork drives each road about {CORK_ROUTE_REPEAT} times, so the simulated trips reuse "
              f"{n} / {CORK_ROUTE_REPEAT} origin-destination pairs (detours still vary); everything else is the "
              "simulator's defaults. "
              "Definitions: `backend/sig2gps/calibration/stats.py`.", ""] + tables
    return "\n".join(parts)
