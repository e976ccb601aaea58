"""Calibration statistics on crafted sequences (answers computed by hand), the Cork reader, and the
real-vs-simulated comparison."""
from __future__ import annotations

import numpy as np
import pytest

from sig2gps.calibration.cork import read_cork
from sig2gps.calibration.compare import compare, format_markdown, format_text
from sig2gps.calibration.stats import (Sequence, distinct_cells_per_piece, dwells, estimate_cell_positions,
                                       handover_rates, hold_fix, not_nearest_share, ping_pong_shares,
                                       serving_distances, summarize)


def line_seq(cells, speed=10.0, t0=0.0):
    """Rows one second apart, moving along x at `speed` m/s."""
    n = len(cells)
    t = t0 + np.arange(n, dtype=float)
    xy = np.column_stack([speed * np.arange(n, dtype=float), np.zeros(n)])
    return Sequence(t, xy, np.array(cells))


# x = 0,10,...,90; changes at rows 2 (1->2), 5 (2->1), 7 (1->3)
CRAFTED = [1, 1, 2, 2, 2, 1, 1, 3, 3, 3]


def test_handover_rates_by_hand():
    per_km, per_min = handover_rates([line_seq(CRAFTED)])
    assert per_km == pytest.approx(3 / 0.090)  # 3 changes over 90 m
    assert per_min == pytest.approx(3 / (9 / 60))  # over 9 s


def test_handover_rates_pool_sequences():
    a, b = line_seq(CRAFTED), line_seq([5, 5, 6, 6], t0=100)  # 3 + 1 changes, 90 + 30 m, 9 + 3 s
    per_km, per_min = handover_rates([a, b])
    assert per_km == pytest.approx(4 / 0.120)
    assert per_min == pytest.approx(4 / (12 / 60))


def test_dwells_leave_out_censored_runs():
    dt, dd = dwells(line_seq(CRAFTED))
    assert dt.tolist() == [3.0, 2.0]  # cell 2 from row 2 to 5, cell 1 from row 5 to 7
    assert dd.tolist() == pytest.approx([30.0, 20.0])
    assert dwells(line_seq([1, 1, 2, 2]))[0].size == 0  # one change: both runs censored


def test_ping_pong_windows():
    # 1->2 at t=2, 2->1 at t=5 (back after 3 s); 1->3 at t=7; 3->1 at t=20 (back after 13 s)
    cells = [1, 1, 2, 2, 2, 1, 1] + [3] * 13 + [1, 1]
    sh = ping_pong_shares([line_seq(cells)], windows=(10.0, 30.0))
    # change pairs: (1->2, 2->1) back 3 s; (2->1, 1->3) no; (1->3, 3->1) back 13 s
    assert sh["pingpong_10s"] == pytest.approx(1 / 3)
    assert sh["pingpong_30s"] == pytest.approx(2 / 3)
    assert sh["pingpong_any"] == pytest.approx(2 / 3)


def test_distinct_cells_per_piece_drops_incomplete_tail():
    # pieces of 30 m: rows 0-2, 3-5, 6-8 complete; row 9 (90 m) starts an incomplete piece
    assert distinct_cells_per_piece(line_seq(CRAFTED), piece_m=30.0) == [2, 2, 2]
    assert distinct_cells_per_piece(line_seq([1, 2]), piece_m=30.0) == []


def test_cell_positions_distances_and_nearest():
    seqs = [line_seq(CRAFTED)]
    pos = estimate_cell_positions(seqs)
    assert pos[1].tolist() == pytest.approx([30.0, 0.0])  # rows x=0,10,50,60
    assert pos[2].tolist() == pytest.approx([30.0, 0.0])  # x=20,30,40
    assert pos[3].tolist() == pytest.approx([80.0, 0.0])  # x=70,80,90
    d = serving_distances(seqs, pos)
    assert d.tolist() == pytest.approx([30, 20, 10, 0, 10, 20, 30, 10, 0, 10])
    # only the row at x=60 (cell 1 at 30 m, cell 3 at 20 m) is not served by the nearest; ties are nearest
    assert not_nearest_share(seqs, pos) == pytest.approx(0.1)


def test_hold_fix_reports_only_after_the_step():
    xy = np.column_stack([np.arange(0, 100, 10.0), np.zeros(10)])
    assert hold_fix(xy, 30.0)[:, 0].tolist() == [0, 0, 0, 30, 30, 30, 60, 60, 60, 90]


def test_summarize_with_true_positions_and_rejects_empty():
    seqs = [line_seq(CRAFTED)]
    st = summarize(seqs, true_positions={1: np.array([0.0, 0.0]), 2: np.array([0.0, 0.0]),
                                          3: np.array([100.0, 0.0])})
    assert st["handovers_per_km"] == pytest.approx(3 / 0.090)
    assert st["dwell_median_s"] == 2.5 and st["dwell_median_m"] == pytest.approx(25.0)
    assert st["dist_to_cell_median_m"] == pytest.approx(10.0)
    # true sites 0, 0, 100: only x=60 on cell 1 (60 m) has a nearer site (40 m); x=50 is a tie -> nearest
    assert st["not_nearest_site_share"] == pytest.approx(1 / 10)
    with pytest.raises(ValueError):
        summarize([line_seq([1])])


def test_sequence_rejects_mismatched_arrays():
    with pytest.raises(ValueError, match="differ in length"):
        Sequence(np.arange(3.0), np.zeros((2, 2)), np.zeros(3, int))


def _write_log(path, rows):
    head = "Timestamp,Longitude,Latitude,Speed,CellID,NetworkMode,RAWCELLID\n"
    path.write_text(head + "".join(f"{t},{lon},{lat},30,1,LTE,{c}\n" for t, lon, lat, c in rows))


def test_cork_reader_dedups_seconds_and_keys_raw_cell(tmp_path):
    d = tmp_path / "logs" / "Driving"
    d.mkdir(parents=True)
    _write_log(d / "a.csv", [("2019.11.25_15.34.34", -8.5, 51.9, 111), ("2019.11.25_15.34.34", -8.5, 51.9, 222),
                             ("2019.11.25_15.34.35", -8.499, 51.9, 222), ("2019.11.25_15.34.36", -8.498, 51.9, 111)])
    seqs, codes, names = read_cork(tmp_path / "logs")
    assert len(seqs) == 1 and set(codes) == {"111", "222"}
    s = seqs[0]
    assert len(s.t) == 3  # the repeated second keeps its last row
    assert [codes_k for codes_k in s.cell] == [codes["222"], codes["222"], codes["111"]]
    assert s.cumdist()[-1] == pytest.approx(2 * 0.001 * 111320 * np.cos(np.radians(51.9)), rel=0.01)


def test_cork_reader_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        read_cork(tmp_path / "missing")
    (tmp_path / "bad.csv").write_text("Timestamp,Longitude,Latitude\n2019.11.25_15.34.34,-8.5,51.9\n")
    with pytest.raises(ValueError, match=r"bad.csv.*RAWCELLID"):
        read_cork(tmp_path)


def test_real_cork_logs_are_in_the_expected_regime(shared):
    seqs, codes, _ = read_cork(shared("cellular", "ucc5g-cork-driving"))
    st = summarize(seqs)
    # Broad regime checks (the exact values are what the benchmark reports): a city drive with
    # a few cell changes per km and frequent ping-pong.
    assert 1.0 < st["handovers_per_km"] < 10.0
    assert 0.05 < st["pingpong_any"] < 0.8
    assert st["pingpong_10s"] <= st["pingpong_30s"] <= st["pingpong_60s"] <= st["pingpong_any"]
    assert 50.0 < st["dist_to_cell_median_m"] < st["dist_to_cell_p90_m"]


def test_compare_verdicts_and_tables():
    real = {"handovers_per_km": 4.0, "dwell_median_s": 10.0, "km": 5.0}
    sim = {"handovers_per_km": 4.9, "dwell_median_s": 13.0, "km": 50.0}
    rows = {r.key: r for r in compare(real, sim)}
    assert rows["handovers_per_km"].ok is True  # +22.5%
    assert rows["dwell_median_s"].ok is False  # +30%
    assert rows["km"].ok is None  # context row, not checked
    assert "| cell changes per km | 4.000 | 4.900 | 1.23 | yes |" in format_markdown(list(rows.values()))
    assert "OFF" in format_text(list(rows.values()))


def test_simulated_stats_cover_every_row_and_use_held_positions():
    import pyrosm
    from sig2gps.calibration.compare import ROWS, sim_sequences, simulated_stats
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    res = simulate(load_network(pyrosm.get_data("helsinki_pbf")), 6, seed=4)
    st = simulated_stats(res)
    assert all(k in st for k, _, _ in ROWS)
    # Helsinki trips are shorter than 2 km, so that one statistic has no complete piece here.
    assert all(np.isfinite(st[k]) for k, _, _ in ROWS if k != "distinct_cells_per_2km")
    held, true = sim_sequences(res)
    exact, _ = sim_sequences(res, 0.0)
    assert len(true) == len(res.sites.cell_ids)
    # held fixes lag the exact positions by less than the logger's step
    lag = np.hypot(*(held[0].xy - exact[0].xy).T)
    assert lag.max() < 100.0 and lag.max() > 0.0


def test_calibrate_command_prints_the_side_by_side_table(tmp_path, capsys):
    from sig2gps.cli import main

    rows, lon = [], -8.5
    for k in range(120):  # a 2-minute crafted drive east at ~7 m/s, cell changing every 20 s
        rows.append((f"2019.11.25_15.{34 + (34 + k) // 60:02d}.{(34 + k) % 60:02d}", lon + k * 1e-4, 51.9,
                     100 + (k // 20) % 3))
    _write_log(tmp_path / "drive.csv", rows)
    assert main(["calibrate", "--cork", str(tmp_path), "--traces", "3", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "cell changes per km" in out and "calibrated statistics within" in out
    assert main(["calibrate", "--cork", str(tmp_path / "nowhere"), "--traces", "3"]) == 2
    assert "not a folder" in capsys.readouterr().err
