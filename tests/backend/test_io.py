"""Reading signaling/GPS/cells files: good input, and every kind of bad input the issue lists."""
import pytest

from sig2gps.io import InputError, read_cells, read_gps, read_signaling
from sig2gps.io.parse import parse_timestamp


def w(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_iso_and_unix_timestamps_agree():
    assert parse_timestamp("2026-05-01T07:00:00Z") == parse_timestamp("1777618800")
    assert parse_timestamp("2026-05-01T09:00:00+02:00") == 1777618800.0
    with pytest.raises(ValueError, match="no time zone"):
        parse_timestamp("2026-05-01T07:00:00")


def test_good_file_reads(tmp_path):
    p = w(tmp_path, "s.csv", "trace_id,timestamp,cell_id,lon,lat\na,10,c1,24.9,60.1\na,20,c2,24.91,60.11\n")
    traces, rep = read_signaling(p)
    assert len(traces) == 1 and list(traces[0].t) == [10, 20] and not rep.errors


def test_missing_column_names_file_line_field(tmp_path):
    p = w(tmp_path, "s.csv", "trace_id,time,cell_id,lon,lat\na,10,c1,24.9,60.1\n")
    with pytest.raises(InputError) as e:
        read_signaling(p)
    assert "s.csv" in str(e.value) and "line 1" in str(e.value) and "'timestamp'" in str(e.value)


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_signaling(w(tmp_path, "e.csv", ""))


def test_bad_row_drops_only_its_trace(tmp_path):
    p = w(tmp_path, "s.csv", "trace_id,timestamp,cell_id,lon,lat\n"
                             "a,10,c1,24.9,60.1\na,yesterday,c2,24.91,60.11\n"
                             "b,10,c1,24.9,60.1\nb,20,c2,24.91,60.11\n"
                             "c,10,c1,24.9,95.0\nc,20,c1,24.9,60.0\n")
    traces, rep = read_signaling(p)
    assert [t.trace_id for t in traces] == ["b"]
    reasons = {e.trace_id: e.reason for e in rep.errors}
    assert "line 3" in reasons["a"] and "'timestamp'" in reasons["a"] and "s.csv" in reasons["a"]
    assert "line 6" in reasons["c"] and "'lat'" in reasons["c"]


def test_single_record_trace_is_an_error(tmp_path):
    p = w(tmp_path, "s.csv", "trace_id,timestamp,cell_id,lon,lat\na,10,c1,24.9,60.1\nb,1,c,1,1\nb,2,c,1,1\n")
    traces, rep = read_signaling(p)
    assert [t.trace_id for t in traces] == ["b"] and "1 record" in rep.errors[0].reason


def test_unordered_sorted_duplicates_dropped(tmp_path):
    p = w(tmp_path, "s.csv", "trace_id,timestamp,cell_id,lon,lat\na,30,c3,1,1\na,10,c1,1,1\na,10,c1,1,1\na,20,c2,1,1\n")
    traces, rep = read_signaling(p)
    assert list(traces[0].t) == [10, 20, 30] and list(traces[0].cell_id) == ["c1", "c2", "c3"]
    assert any("time order" in x for x in rep.warnings) and any("duplicate" in x for x in rep.warnings)


def test_cells_table_fills_positions_and_unknown_cell_is_reported(tmp_path):
    cells = read_cells(w(tmp_path, "cells.csv", "cell_id,lon,lat\nc1,24.9,60.1\nc2,24.95,60.12\n"))
    p = w(tmp_path, "s.csv", "trace_id,timestamp,cell_id\na,10,c1\na,20,c2\nb,10,c1\nb,20,c9\n")
    traces, rep = read_signaling(p, cells=cells)
    assert [t.trace_id for t in traces] == ["a"] and traces[0].lon[1] == 24.95
    assert "unknown cell id 'c9'" in rep.errors[0].reason and "line 5" in rep.errors[0].reason


def test_gps_rollout_filter_and_repeated_timestamps(tmp_path):
    p = w(tmp_path, "p.csv", "trace_id,rollout,timestamp,lon,lat\na,0,1,1,1\na,1,1,2,2\na,0,2,1,1\na,0,2,3,3\n")
    tr, rep = read_gps(p, rollout=0)
    assert list(tr[0].t) == [1, 2] and tr[0].lon[1] == 1 and rep.warnings
