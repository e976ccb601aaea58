"""The benchmark's test set with ESTIMATED cell positions (issue 17 section 0), beside the true sites.

For each test city the simulation is run on, with the same seed, for `survey` more drives after the
benchmark's own (so the radio environment and cell sites are the same and the test traces are
identical, but the survey drives are disjoint from them); each cell is placed at the centroid of
where it served in those drives (sig2gps.simulate.estimate), as public cell databases place cells.
The test traces are re-written with those positions (records of cells the survey never saw are
dropped) into <benchmark>/test-estimated-<survey>/<city>/ (gps.csv, signaling.csv, cells.csv,
meta.json), cached.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from pathlib import Path

import numpy as np


def estimated_test_dirs(bench, survey: int = 200, log=print) -> dict[str, Path]:
    """{city: folder} of the test set with estimated cell positions (built once, then cached)."""
    from ..benchdata import _city_seed, network_path
    from ..io import read_signaling, write_cells, write_signaling
    from ..network import load_network
    from ..simulate import SimConfig, simulate
    from ..simulate.estimate import estimated_cells, with_positions

    cfg = bench.config
    out = {}
    for city, d in bench.test_dirs.items():
        dst = bench.root / f"test-estimated-{survey}" / city
        out[city] = dst
        if (dst / "meta.json").exists():
            continue
        t0 = time.perf_counter()
        net = load_network(network_path(cfg, city))
        n_train = cfg.train_per_city if city in cfg.train_cities else 0
        n_pool = int(np.ceil(cfg.pool_factor * cfg.test_per_scope))
        with contextlib.redirect_stdout(io.StringIO()):
            res = simulate(net, n_train + n_pool + survey, seed=_city_seed(cfg, city), cfg=SimConfig(),
                           id_prefix=f"{city}-")
        drives = [s for s in res.traces if int(s.gps.trace_id.rsplit("-", 1)[1]) >= n_train + n_pool]
        cells = estimated_cells(net, res.sites, drives)
        traces, _ = read_signaling(d / "signaling.csv")
        # The re-run must reproduce the benchmark's traces exactly, else the positions belong to other cells.
        same = {s.signaling.trace_id: s.signaling for s in res.traces}
        for tr in traces[:3]:
            if tr.trace_id not in same or not np.array_equal(same[tr.trace_id].cell_id, tr.cell_id):
                raise RuntimeError(f"{city}: re-simulation does not reproduce trace {tr.trace_id} of {d}; "
                                   "rebuild the benchmark (sig2gps benchmark --rebuild)")
        moved = [with_positions(tr, cells) for tr in traces]
        dst.mkdir(parents=True, exist_ok=True)
        write_signaling(dst / "signaling.csv", [m for m in moved if m is not None])
        write_cells(dst / "cells.csv", cells)
        shutil.copyfile(d / "gps.csv", dst / "gps.csv")
        dist = _median_offset(net, traces, res)
        dropped = sum(len(t) for t in traces) - sum(len(m) for m in moved if m is not None)
        meta = {"city": city, "survey_drives": len(drives), "cells_estimated": len(cells),
                "cells_total": len(res.sites.cell_ids), "records_dropped_unknown_cell": dropped,
                "traces_dropped": sum(m is None for m in moved),
                "median_phone_to_estimate_m": dist, "seconds": round(time.perf_counter() - t0, 1)}
        (dst / "meta.json").write_text(json.dumps(meta, indent=2))
        log(f"[estimated] {city}: {meta}")
    return out


def _median_offset(net, traces, res) -> dict:
    """Median distance from the phone (1 Hz truth at each record) to the true site and to the estimate."""
    from ..simulate.estimate import estimate_cell_positions

    drives = {s.signaling.trace_id: s for s in res.traces}
    est, n = estimate_cell_positions([s for s in res.traces if s.signaling.trace_id not in
                                      {t.trace_id for t in traces}], len(res.sites.cell_ids))
    d_true, d_est = [], []
    index = {c: i for i, c in enumerate(res.sites.cell_ids)}
    for tr in traces:
        s = drives.get(tr.trace_id)
        if s is None:
            continue
        k = np.clip(np.searchsorted(s.t_1hz, tr.t), 0, len(s.t_1hz) - 1)
        ci = np.array([index[c] for c in tr.cell_id])
        p = s.pos_1hz[k]
        d_true.append(np.hypot(*(res.sites.xy[res.sites.cell_site[ci]] - p).T))
        d_est.append(np.hypot(*(est[ci] - p).T))
    e = np.concatenate(d_est)
    return {"true_sites": round(float(np.median(np.concatenate(d_true))), 1),
            "estimated": round(float(np.nanmedian(e)), 1)}
