"""Large files: read trace by trace (io.stream), reconstructed and written chunk by chunk (sig2gps.streaming), with
the same results as reading the whole file, bounded memory, outputs that appear only at the end."""
from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from sig2gps.io import ReadOptions, read_signaling
from sig2gps.io.stream import iter_signaling, scan_signaling
from sig2gps.io.report import ReadReport
from sig2gps.methods import MethodOptions
from sig2gps.methods.towers import TowersMethod
from sig2gps.streaming import Progress, reconstruct_stream

HEADER = "trace_id,timestamp,cell_id,lon,lat\n"


def grouped_rows(n_traces: int, per: int = 5, t0: float = 1_777_000_000.0) -> list[str]:
    rows = []
    for k in range(n_traces):
        for i in range(per):
            rows.append(f"tr{k:05d},{t0 + 60 * i + k},c{i % 3},{24.90 + 0.001 * i:.4f},{60.16 + 0.0005 * k % 0.02:.4f}\n")
    return rows


@pytest.fixture
def messy(tmp_path) -> Path:
    """Grouped by trace, with what read_signaling reports: a bad row, records out of order, a duplicate, a long
    silence (two pieces), a trace of one record, a row without a trace id."""
    rows = grouped_rows(4)
    rows += ["bad,1777000000,c1,24.9,60.17\n", "bad,1777000060,c1,not-a-number,60.17\n", "bad,1777000120,c1,24.9,60.17\n"]
    rows += ["unsorted,1777000120,c1,24.91,60.17\n", "unsorted,1777000000,c2,24.90,60.17\n",
             "unsorted,1777000000,c2,24.90,60.17\n", "unsorted,1777000060,c3,24.92,60.17\n"]
    rows += ["gappy,1777000000,c1,24.9,60.17\n", "gappy,1777000060,c1,24.9,60.17\n",
             "gappy,1777009000,c1,24.9,60.17\n", "gappy,1777009060,c2,24.9,60.17\n"]
    rows += ["single,1777000000,c1,24.9,60.17\n", ",1777000000,c1,24.9,60.17\n"]
    rows += grouped_rows(2, t0=1_777_100_000.0)[:3]
    p = tmp_path / "messy.csv"
    p.write_text(HEADER + "".join(rows).replace("tr00000,1777100000", "last,1777100000")
                 .replace("tr00000,1777100060", "last,1777100060").replace("tr00000,1777100120", "last,1777100120"))
    return p


def as_tuples(traces):
    return [(t.trace_id, t.t.tolist(), list(t.cell_id), t.lon.tolist(), t.lat.tolist()) for t in traces]


def test_trace_by_trace_gives_what_the_whole_file_gives(messy):
    whole, rep = read_signaling(messy)
    stream_rep = ReadReport()
    streamed = list(iter_signaling(messy, report=stream_rep))
    assert as_tuples(streamed) == as_tuples(whole)
    assert {t.trace_id for t in whole} >= {"unsorted", "gappy#1", "gappy#2", "last", "tr00003"}
    assert sorted((e.trace_id, e.reason) for e in stream_rep.errors) == sorted((e.trace_id, e.reason) for e in rep.errors)
    assert sorted(stream_rep.warnings) == sorted(rep.warnings)
    assert {e.trace_id for e in rep.errors} == {"bad", "single", ""}


def test_scan_counts_and_checks_grouping(messy, tmp_path):
    s = scan_signaling(messy)
    assert (s.records, s.grouped, s.regroup_line) == (len(messy.read_text().splitlines()) - 1, True, None)
    assert s.traces == 10  # tr00000..tr00003, bad, unsorted, gappy, single, "" and last
    p = tmp_path / "ungrouped.csv"
    p.write_text(HEADER + "a,1777000000,c1,24.9,60.17\nb,1777000000,c1,24.9,60.17\na,1777000060,c1,24.9,60.17\n")
    s = scan_signaling(p)
    assert (s.records, s.traces, s.grouped, s.regroup_line) == (3, 2, False, 4)
    p.write_text("lon;lat;trace_id\n24.9;60.1;x\n24.9;60.1;\"x\"\n")  # another delimiter, a quoted id
    assert scan_signaling(p).grouped and scan_signaling(p).traces == 1
    assert scan_signaling(tmp_path / "missing.csv").records == 0  # the reader says what is wrong, not the scan


def test_rows_coming_back_after_other_traces_are_reported_not_merged(tmp_path):
    p = tmp_path / "ungrouped.csv"
    p.write_text(HEADER + "a,1777000000,c1,24.9,60.17\na,1777000060,c1,24.9,60.17\nb,1777000000,c1,24.9,60.17\n"
                 "b,1777000060,c2,24.9,60.17\na,1777000120,c2,24.9,60.17\n")
    rep = ReadReport()
    got = list(iter_signaling(p, report=rep))
    assert [(t.trace_id, len(t)) for t in got] == [("a", 2), ("b", 2)]
    assert [e.trace_id for e in rep.errors] == ["a"]
    assert "line 6" in rep.errors[0].reason and "not grouped by trace_id" in rep.errors[0].reason


def test_memory_of_the_reader_does_not_grow_with_the_file(tmp_path):
    peaks = []
    for n in (150, 1500):
        p = tmp_path / f"f{n}.csv"
        p.write_text(HEADER + "".join(grouped_rows(n)))
        tracemalloc.start()
        count = sum(1 for _ in iter_signaling(p))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == n
    whole = tracemalloc.start() or (read_signaling(tmp_path / "f1500.csv"), tracemalloc.get_traced_memory()[1])[1]
    tracemalloc.stop()
    # 10x the rows: the streaming reader's peak grows by the set of trace ids seen only (tens of bytes per
    # trace), reading the whole file by every record (hundreds of bytes per record)
    assert peaks[1] < 2.0 * peaks[0] + 1_000_000, peaks
    assert peaks[1] < 0.5 * whole, (peaks, whole)


# ---------------------------------------------------------------- reconstruct_stream
def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="") as f:
        return list(csv.reader(f))


def run_whole(signaling, out: Path, **kw):
    from sig2gps.pipeline import reconstruct_file, write_outputs

    res = reconstruct_file(signaling, None, "towers", MethodOptions(), **kw)
    write_outputs(out, res)
    return res


@pytest.mark.parametrize("chunk", [1, 3, 64])
def test_streamed_outputs_equal_the_whole_file_outputs(messy, tmp_path, chunk):
    import geopandas as gpd

    run_whole(messy, tmp_path / "whole")
    res = reconstruct_stream(messy, None, "towers", MethodOptions(), tmp_path / "stream", progress=False,
                             chunk_traces=chunk)
    a, b = tmp_path / "whole", tmp_path / "stream"
    assert read_csv(a / "points.csv") == read_csv(b / "points.csv")
    assert sorted(read_csv(a / "errors.csv")) == sorted(read_csv(b / "errors.csv"))
    ga, gb = (gpd.read_file(d / "trajectories.gpkg") for d in (a, b))
    assert list(ga["trace_id"]) == list(gb["trace_id"]) and ga.geometry.geom_equals(gb.geometry).all()
    assert res.traces_ok == len(ga) and res.n_errors == len(read_csv(a / "errors.csv")) - 1
    assert not list(b.glob(".sig2gps-staging-*"))


def test_a_file_not_grouped_is_read_whole_and_said_so(tmp_path):
    rows = grouped_rows(6)
    order = np.random.default_rng(0).permutation(len(rows))
    p = tmp_path / "shuffled.csv"
    p.write_text(HEADER + "".join(rows[i] for i in order))
    res = reconstruct_stream(p, None, "towers", MethodOptions(), tmp_path / "out", progress=False, chunk_traces=2)
    assert res.traces_ok == 6 and res.n_errors == 0
    assert any("not together" in w and "sort it by trace_id" in w for w in res.warnings)


class _Interrupt(TowersMethod):
    name = "_test_interrupt"

    def reconstruct(self, trace):
        if trace.trace_id == "tr00005":
            raise KeyboardInterrupt  # the user's Ctrl-C in the middle of a long run
        return super().reconstruct(trace)


def test_an_interrupted_run_leaves_the_old_outputs_untouched(tmp_path):
    from servertools import registered

    p = tmp_path / "s.csv"
    p.write_text(HEADER + "".join(grouped_rows(8)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "points.csv").write_text("old\n")
    with registered(_Interrupt), pytest.raises(KeyboardInterrupt):
        reconstruct_stream(p, None, "_test_interrupt", MethodOptions(), out, progress=False, chunk_traces=2)
    assert sorted(x.name for x in out.iterdir()) == ["points.csv"] and (out / "points.csv").read_text() == "old\n"


def test_coverage_is_warned_after_the_first_chunk(tmp_path):
    from sig2gps.commands._common import default_network

    p = tmp_path / "far.csv"  # Helsinki network, records near Tallinn: no road within 1 km
    p.write_text(HEADER + "".join(r.replace("24.9", "24.7").replace("60.1", "59.4") for r in grouped_rows(5)))
    early = []
    res = reconstruct_stream(p, default_network(), "towers", MethodOptions(), tmp_path / "out", progress=False,
                             chunk_traces=2, on_warning=early.append)
    assert len(early) == 1 and "within 1000 m of one of its roads" in early[0]
    assert not any("roads" in w for w in res.warnings)  # said once


def test_progress_lines_without_a_terminal():
    s = io.StringIO()
    bar = Progress(100, "hmm", stream=s, every_s=0.0)
    bar.update(40, 2, 1)
    bar.close()
    assert "[hmm] 40/100 records (40%) | traces 2 done, 1 failed" in s.getvalue()


def test_progress_bar_on_a_terminal():
    import tqdm  # noqa: F401  (pinned in requirements.lock: the bar must be there)

    class Tty(io.StringIO):
        def isatty(self):
            return True

    s = Tty()
    bar = Progress(100, "hmm", stream=s)
    assert bar.bar is not None
    bar.bar.delay = 0
    bar.update(100, 5, 0)
    bar.close()
    assert "100/100" in s.getvalue()


def test_cli_streams_and_reads_options(tmp_path, capsys):
    from sig2gps.cli import main

    p = tmp_path / "s.csv"
    p.write_text(HEADER + "".join(grouped_rows(3)))
    assert main(["reconstruct", "--signaling", str(p), "--out", str(tmp_path / "o"), "--no-progress",
                 "--max-gap", "0"]) == 0
    assert "towers: reconstructed 3 trace(s)" in capsys.readouterr().out
    assert len(read_csv(tmp_path / "o" / "points.csv")) > 3
    assert ReadOptions().max_gap_s  # (the default splits; --max-gap 0 did not)
