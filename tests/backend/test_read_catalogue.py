"""The catalogue of bad inputs (issue 19): each damaged file -> the clear error it must give (file, line,
field) and the exact number of traces still read. The base file holds 20 traces of 16 records each."""
from __future__ import annotations

import codecs
import csv

import pytest

from sig2gps.io import InputError, ReadOptions, read_cells, read_gps, read_signaling

N_TRACES, N_REC, T0 = 20, 16, 1_777_618_800  # 2026-05-01T07:00:00Z


def base_rows() -> list[str]:
    """Header + 320 records; trace ti's record k is on line 2 + i*16 + k."""
    rows = ["trace_id,timestamp,cell_id,lon,lat"]
    for i in range(N_TRACES):
        for k in range(N_REC):
            rows.append(f"t{i},{T0 + i * 3600 + k * 60},c{k},{24.9 + k * 0.001:.4f},60.1")
    return rows


def line_of(i: int, k: int) -> int:
    return 2 + i * N_REC + k


def write(tmp_path, rows: list[str] | bytes, name="s.csv"):
    p = tmp_path / name
    p.write_bytes(rows if isinstance(rows, bytes) else ("\n".join(rows) + "\n").encode())
    return p


def set_field(rows, i, k, col, value):
    rows = list(rows)
    parts = rows[line_of(i, k) - 1].split(",")
    parts[["trace_id", "timestamp", "cell_id", "lon", "lat"].index(col)] = value
    rows[line_of(i, k) - 1] = ",".join(parts)
    return rows


def read(p, **kw):
    traces, rep = read_signaling(p, options=ReadOptions(**kw) if kw else None)
    return traces, {e.trace_id: e.reason for e in rep.errors}, rep.warnings


def test_the_clean_base_file_reads_whole(tmp_path):
    traces, errs, warns = read(write(tmp_path, base_rows()))
    assert len(traces) == N_TRACES and not errs and not warns


# ---------------------------------------------------------------- encodings and damaged rows
def test_one_non_utf8_byte_costs_only_its_trace(tmp_path):
    data = ("\n".join(base_rows()) + "\n").encode()
    line = line_of(3, 5)
    start = sum(len(x) + 1 for x in base_rows()[:line - 1])
    pos = data.index(b",c5,", start) + 2  # inside the cell id of that record
    data = data[:pos] + b"\xe9" + data[pos:]
    traces, errs, _ = read(write(tmp_path, data))
    assert len(traces) == N_TRACES - 1 and list(errs) == ["t3"]
    r = errs["t3"]
    assert f"s.csv, line {line}, field 'cell_id'" in r and f"byte offset {pos}" in r and "0xe9" in r
    assert "--encoding" in r


def test_a_cp1252_file_reads_with_encoding(tmp_path):
    rows = base_rows()[:1] + [r.replace(",c", ",Café") for r in base_rows()[1:]]
    p = write(tmp_path, ("\n".join(rows) + "\n").encode("cp1252"))
    traces, errs, _ = read(p)
    assert len(traces) == 0 and len(errs) == N_TRACES and all("--encoding" in r for r in errs.values())
    traces, errs, _ = read(p, encoding="cp1252")
    assert len(traces) == N_TRACES and not errs and traces[0].cell_id[0] == "Café0"


@pytest.mark.parametrize("codec,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                       ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_a_byte_order_mark_selects_the_encoding(tmp_path, codec, bom):
    p = write(tmp_path, bom + ("\r\n".join(base_rows()) + "\r\n").encode(codec))
    traces, errs, _ = read(p)
    assert len(traces) == N_TRACES and not errs and traces[0].trace_id == "t0"


def test_an_undecodable_header_names_line_1_and_the_offset(tmp_path):
    rows = base_rows()
    p = write(tmp_path, b"trace_id,time\xffstamp,cell_id,lon,lat\n" + "\n".join(rows[1:]).encode())
    with pytest.raises(InputError) as e:
        read_signaling(p)
    assert "line 1" in str(e.value) and "byte offset 13" in str(e.value) and "--encoding" in str(e.value)


def test_a_bad_byte_in_an_unused_column_is_only_a_warning(tmp_path):
    rows = [base_rows()[0] + ",note"] + [r + ",ok" for r in base_rows()[1:]]
    data = ("\n".join(rows) + "\n").encode().replace(b",ok", b",\xff", 1)
    traces, errs, warns = read(write(tmp_path, data))
    assert len(traces) == N_TRACES and not errs and any("not read" in w for w in warns)


def test_an_over_long_field_costs_only_its_trace(tmp_path):
    rows = set_field(base_rows(), 7, 2, "cell_id", "x" * 200_000)
    traces, errs, _ = read(write(tmp_path, rows))
    assert len(traces) == N_TRACES - 1 and list(errs) == ["t7"]
    assert f"line {line_of(7, 2)}, field 'cell_id'" in errs["t7"] and len(errs["t7"]) < 300


def test_an_unterminated_quote_costs_only_its_trace(tmp_path):
    rows = list(base_rows())
    rows[13] = rows[13].replace(",c", ',"c', 1)  # line 14: a quote that never closes
    traces, errs, _ = read(write(tmp_path, rows))
    assert len(traces) == N_TRACES - 1 and list(errs) == ["t0"]
    assert "line 14, field 'cell_id'" in errs["t0"] and "quote" in errs["t0"] and len(errs["t0"]) < 300


def test_quoted_fields_that_close_are_fine(tmp_path):
    rows = base_rows()[:1] + [r.replace(",c", ',"c').replace(",24", '",24') for r in base_rows()[1:]]
    traces, errs, _ = read(write(tmp_path, rows))
    assert len(traces) == N_TRACES and not errs


@pytest.mark.parametrize("sep,name", [(";", "semicolons"), ("\t", "tabs")])
def test_other_delimiters_are_found_from_the_header(tmp_path, sep, name):
    traces, errs, warns = read(write(tmp_path, [r.replace(",", sep) for r in base_rows()]))
    assert len(traces) == N_TRACES and not errs and any(name in w for w in warns)


def test_a_semicolon_header_without_the_columns_gets_a_hint(tmp_path):
    p = write(tmp_path, ["id;time;cell;x;y", "a;1;c;1;1"])
    with pytest.raises(InputError) as e:
        read_signaling(p)
    assert "line 1" in str(e.value) and "'trace_id'" in str(e.value) and "semicolons" in str(e.value)


def test_a_decimal_comma_gets_a_hint(tmp_path):
    rows = [r.replace(",", ";") for r in base_rows()]
    rows[1] = rows[1].replace("24.9", "24,9")
    traces, errs, _ = read(write(tmp_path, rows))
    assert len(traces) == N_TRACES - 1 and "decimal comma" in errs["t0"] and "field 'lon'" in errs["t0"]


# ---------------------------------------------------------------- timestamps
def test_millisecond_timestamps_are_detected(tmp_path):
    rows = [base_rows()[0]] + [",".join([p[0], p[1] + "000", *p[2:]])
                               for p in (r.split(",") for r in base_rows()[1:])]
    traces, errs, warns = read(write(tmp_path, rows))
    assert len(traces) == N_TRACES and not errs and traces[0].t[0] == T0
    assert any("milliseconds" in w for w in warns)
    traces, errs, _ = read(write(tmp_path, rows), time_unit="s")
    assert len(traces) == 0 and "--time-unit ms" in errs["t0"] and "field 'timestamp'" in errs["t0"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "-5", "99999999999999999",
                                   "1900-01-01T00:00:00Z", "2999-01-01T00:00:00+02:00"])
def test_impossible_timestamps_cost_only_their_trace(tmp_path, value):
    traces, errs, _ = read(write(tmp_path, set_field(base_rows(), 4, 9, "timestamp", value)))
    assert len(traces) == N_TRACES - 1 and list(errs) == ["t4"]
    assert f"line {line_of(4, 9)}, field 'timestamp'" in errs["t4"]


def test_a_record_years_late_splits_the_trace(tmp_path):
    rows = set_field(base_rows(), 6, 15, "timestamp", str(T0 + 3 * 365 * 86400))
    traces, errs, warns = read(write(tmp_path, rows))
    ids = [t.trace_id for t in traces]
    assert len(traces) == N_TRACES and "t6#1" in ids and "t6" not in ids  # 19 whole traces + the first piece
    assert list(errs) == ["t6#2"] and "1 record" in errs["t6#2"] and f"line {line_of(6, 15)}" in errs["t6#2"]
    assert any("t6" in w and "2 pieces" in w for w in warns)
    assert max(len(t) for t in traces) == N_REC


def test_gap_limit_is_configurable(tmp_path):
    rows = list(base_rows())
    for k in range(8, N_REC):  # trace t6 falls silent for 50 minutes after its 8th record
        rows = set_field(rows, 6, k, "timestamp", str(T0 + 6 * 3600 + k * 60 + 3000))
    traces, errs, _ = read(write(tmp_path, rows))
    assert len(traces) == N_TRACES + 1 and not errs  # two pieces of 8 records each
    assert [len(t) for t in traces if t.trace_id.startswith("t6")] == [8, 8]
    traces, errs, _ = read(write(tmp_path, rows), max_gap_s=None)
    assert len(traces) == N_TRACES and not errs
    traces, errs, _ = read(write(tmp_path, rows), max_gap_s=3600)
    assert len(traces) == N_TRACES


# ---------------------------------------------------------------- the other readers
def test_cells_table_stops_at_a_bad_row_naming_it(tmp_path):
    p = write(tmp_path, b"cell_id,lon,lat\nc1,24.9,60.1\nc2,24.\xe9,60.1\n", "cells.csv")
    with pytest.raises(InputError) as e:
        read_cells(p)
    assert "cells.csv, line 3, field 'lon'" in str(e.value)


def test_gps_and_points_readers_keep_the_other_traces(tmp_path):
    rows = ["trace_id,rollout,timestamp,lon,lat"] + [f"g{i},0,{T0 + k},24.9,60.1" for i in range(5) for k in range(3)]
    rows[4] = rows[4].replace(",0,", ',"0,')
    rows[8] = rows[8].replace(f"{T0 + 1}", "1e300")
    tracks, rep = read_gps(write(tmp_path, rows, "p.csv"), rollout=0)
    assert [t.trace_id for t in tracks] == ["g0", "g3", "g4"]
    reasons = {e.trace_id: e.reason for e in rep.errors}
    assert "line 5" in reasons["g1"] and "line 9, field 'timestamp'" in reasons["g2"]


# ---------------------------------------------------------------- the CLI end to end
def test_cli_reports_every_bad_trace_and_keeps_the_rest(tmp_path, capsys):
    from sig2gps.cli import main

    rows = set_field(base_rows(), 2, 3, "timestamp", "nan")
    rows[line_of(9, 0) - 1] = rows[line_of(9, 0) - 1].replace(",c", ',"c', 1)
    data = ("\n".join(rows) + "\n").encode().replace(b"t5,", b"t\xe95,", 1)  # the bad byte is in the trace id
    p = write(tmp_path, data)
    assert main(["reconstruct", "--signaling", str(p), "--out", str(tmp_path / "out"), "--method", "towers"]) == 0
    with open(tmp_path / "out" / "errors.csv", newline="") as f:
        errs = {r["trace_id"]: r["reason"] for r in csv.DictReader(f)}
    assert set(errs) == {"t2", "t9", "t\ufffd5"}  # t5's other 15 records are a trace of their own
    assert "line 82, field 'trace_id'" in errs["t\ufffd5"] and "line 146, field 'cell_id'" in errs["t9"]
    with open(tmp_path / "out" / "points.csv", newline="") as f:
        assert len({r["trace_id"] for r in csv.DictReader(f)}) == N_TRACES - 2
    assert main(["reconstruct", "--signaling", str(p), "--out", str(tmp_path / "o2"), "--max-gap", "-1"]) == 2
    assert "--max-gap" in capsys.readouterr().err


def test_a_failed_write_leaves_the_old_outputs(tmp_path, monkeypatch):
    from sig2gps import pipeline
    from sig2gps.methods import MethodOptions

    p = write(tmp_path, base_rows())
    out = tmp_path / "out"
    res = pipeline.reconstruct_file(p, None, "towers", MethodOptions())
    pipeline.write_outputs(out, res)
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    res2 = pipeline.reconstruct_file(p, None, "towers", MethodOptions(), read_options=ReadOptions(max_gap_s=60))

    def broken(path, recons):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "write_trajectories", broken)
    with pytest.raises(ValueError, match="left as they were"):
        pipeline.write_outputs(out, res2)
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before  # nothing new, no staging folder left


# ---------------------------------------------------------------- sig2gps batch's readers
def test_batch_reads_with_the_same_options(tmp_path):
    pd = pytest.importorskip("pandas")
    from sig2gps.batch import BatchConfig
    from sig2gps.batch.inputs import read_records, split_pieces

    rows = base_rows()[:1] + [r.replace(",c", ",Café") for r in base_rows()[1:]]
    p = write(tmp_path, ("\n".join(rows) + "\n").encode("cp1252"))
    df, errors, _ = read_records(p)
    assert len(df) == 0 and len(errors) == N_TRACES and "--encoding" in errors[0].reason
    cfg = BatchConfig(input=str(p), out=str(tmp_path / "o"), encoding="cp1252")
    df, errors, _ = read_records(p, options=cfg.read_options)
    assert df["trace_id"].nunique() == N_TRACES and not errors
    # Parquet: millisecond times detected like in CSV; impossible ones cost their trace
    q = tmp_path / "s.parquet"
    pd.DataFrame({"trace_id": ["A", "A", "B", "B"], "timestamp": [T0 * 1000, T0 * 1000 + 60_000, T0, 1e300],
                  "cell_id": ["c"] * 4, "lon": [24.9] * 4, "lat": [60.1] * 4}).to_parquet(q)
    df, errors, _ = read_records(q)
    assert df["t"].tolist() == [T0, T0 + 60] and "row 4, field 'timestamp'" in errors[0].reason
    # whole traces (merged across files) are split at silences, like read_signaling does per file
    traces, _ = read_signaling(write(tmp_path, set_field(base_rows(), 6, 15, "timestamp", str(T0 + 10**8))),
                               options=ReadOptions(max_gap_s=None))
    errs, warns = [], []
    kept = split_pieces(traces, errs, warns, cfg.max_gap_s)
    assert len(kept) == N_TRACES and [e.trace_id for e in errs] == ["t6#2"] and "t6" in warns[0]
    with pytest.raises(ValueError, match="time unit"):
        BatchConfig(input="x", out="y", time_unit="minutes")
