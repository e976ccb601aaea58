"""sig2gps batch on a local Ray: same points as the single-process pipeline, faults, resume.

One local Ray (2 CPUs, 200 MB object store) serves the whole module and is shut down at the end.
The input is 300 simulated traces cut into four files (three CSV, one Parquet) at row positions,
so traces straddle files and must be regrouped.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

ray = pytest.importorskip("ray")

from sig2gps.batch import BatchConfig, read_table, run_batch  # noqa: E402
from sig2gps.batch.inputs import read_records  # noqa: E402
from sig2gps.io import read_signaling, write_signaling  # noqa: E402
from sig2gps.methods import MethodOptions  # noqa: E402
from sig2gps.pipeline import reconstruct_traces  # noqa: E402

N_TRACES = 300


@pytest.fixture(scope="module")
def network_path():
    from sig2gps.commands._common import default_network

    return default_network()


@pytest.fixture(scope="module")
def local_ray():
    # One declared (not real) GPU lets the GPU actor-pool path be scheduled on a CPU-only machine.
    ray.init(num_cpus=2, num_gpus=1, include_dashboard=False, object_store_memory=200 * 2**20,
             configure_logging=False, log_to_driver=False)
    yield
    ray.shutdown()
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, network_path):
    """reference.csv (one file) and parts/ (the same rows in 4 files), plus two broken traces."""
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate
    from sig2gps.simulate.config import SimConfig

    d = tmp_path_factory.mktemp("batch_in")
    sim = simulate(load_network(network_path), N_TRACES, seed=11, cfg=SimConfig())
    write_signaling(d / "sim.csv", [s.signaling for s in sim.traces])
    lines = (d / "sim.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    # BAD has good rows in the first file and an unparseable timestamp in the third: all of it must go.
    # FAR lies far outside the road network: the method's check rejects it.
    rows = ["BAD,1000.0,c1,24.94,60.17", "BAD,1010.0,c1,24.94,60.17"] + rows
    rows += ["FAR,1000.0,c9,10.0,10.0", "FAR,1030.0,c9,10.001,10.0"]
    cut = [0, len(rows) // 4 + 7, len(rows) // 2 + 3, 3 * len(rows) // 4 - 5, len(rows)]
    parts = d / "parts"
    parts.mkdir()
    chunks = [rows[a:b] for a, b in zip(cut, cut[1:])]
    chunks[2] = chunks[2] + ["BAD,notatime,c1,24.94,60.17"]
    for i, chunk in enumerate(chunks):
        text = "\n".join([header] + chunk) + "\n"
        if i == 1:  # one Parquet part, with the same values the CSV reader would parse
            rec = [r.split(",") for r in chunk]
            pd.DataFrame({"trace_id": [r[0] for r in rec], "timestamp": [float(r[1]) for r in rec],
                          "cell_id": [r[2] for r in rec], "lon": [float(r[3]) for r in rec],
                          "lat": [float(r[4]) for r in rec]}).to_parquet(parts / f"part-{i}.parquet")
        else:
            (parts / f"part-{i}.csv").write_text(text)
    (d / "reference.csv").write_text("\n".join([header] + [r for c in chunks for r in c]) + "\n")
    return d


def _cfg(inputs, out, network_path, **kw):
    base = dict(input=str(inputs / "parts"), out=str(out), method="towers", network=network_path,
                partitions=6, workers=2, progress=False)
    base.update(kw)
    return BatchConfig(**base)


def _sorted_points(df):
    return df.sort_values(["trace_id", "rollout", "timestamp"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def first_run(local_ray, inputs, network_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch_out")
    return out, run_batch(_cfg(inputs, out, network_path))


def test_same_points_as_single_process_pipeline(first_run, inputs, network_path):
    from sig2gps.batch.outputs import points_frame
    from sig2gps.network import load_network

    out, summary = first_run
    traces, report = read_signaling(inputs / "reference.csv")
    ref = reconstruct_traces(traces, "towers", load_network(network_path), MethodOptions())
    expected = _sorted_points(points_frame(ref.reconstructions))
    got = _sorted_points(read_table(out, "points"))
    assert summary["traces_ok"] == len(ref.reconstructions) == N_TRACES
    assert summary["complete"] and summary["partitions_run"] == 6 and not summary["partitions_failed"]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    traj = read_table(out, "trajectories")
    assert len(traj) == N_TRACES and traj.crs.to_epsg() == 4326 and set(traj.geom_type) == {"LineString"}
    assert summary["records"] == sum(len(t) for t in traces) and summary["records_per_s"] > 0


def test_broken_traces_land_in_errors_and_the_rest_finish(first_run, inputs):
    out, summary = first_run
    errs = dict(zip(*read_table(out, "errors")[["trace_id", "reason"]].T.values))
    assert set(errs) == {"BAD", "FAR"} and summary["traces_failed"] == 2
    assert "part-2.csv" in errs["BAD"] and "field 'timestamp'" in errs["BAD"] and "line" in errs["BAD"]
    assert "outside the road network" in errs["FAR"]
    assert not set(read_table(out, "points")["trace_id"]) & {"BAD", "FAR"}


def test_resume_skips_finished_partitions(first_run, inputs, network_path):
    out, _ = first_run
    stamp = {p: p.stat().st_mtime_ns for p in (out / "points").iterdir()}
    again = run_batch(_cfg(inputs, out, network_path))
    assert again["partitions_skipped"] == 6 and again["partitions_run"] == 0
    assert {p: p.stat().st_mtime_ns for p in (out / "points").iterdir()} == stamp
    # An interrupted run: two partitions never reached the manifest. Only those are redone.
    man = json.loads((out / "manifest.json").read_text())
    lost = sorted(man["completed"])[:2]
    for b in lost:
        del man["completed"][b]
    (out / "manifest.json").write_text(json.dumps(man))
    resumed = run_batch(_cfg(inputs, out, network_path))
    assert resumed["partitions_run"] == 2 and resumed["partitions_skipped"] == 4 and resumed["complete"]
    changed = {p.name for p in (out / "points").iterdir() if p.stat().st_mtime_ns != stamp.get(p)}
    assert changed == {f"part-{int(b):05d}.parquet" for b in lost}
    assert resumed["all_runs"]["traces_ok"] == N_TRACES


def test_other_input_is_refused_without_overwrite(first_run, inputs, network_path):
    out, _ = first_run
    with pytest.raises(FileExistsError, match="--overwrite"):
        run_batch(_cfg(inputs, out, network_path, input=str(inputs / "reference.csv")))


def test_dead_worker_loses_nothing_and_is_retried(local_ray, inputs, network_path, tmp_path):
    out = tmp_path / "out"
    # No retries allowed: the worker that dies takes its partition down; every trace of it is
    # named in `errors`, the other partitions finish, and the run is not complete.
    s = run_batch(_cfg(inputs, out, network_path, crash_once_marker=str(tmp_path / "crash1"), partitions=4,
                       max_task_retries=0))
    assert (tmp_path / "crash1").exists() and len(s["partitions_failed"]) == 1 and not s["complete"]
    b = s["partitions_failed"][0]
    lost = pd.read_parquet(out / "errors" / f"part-{b:05d}.parquet")
    assert len(lost) > 0 and lost["reason"].str.contains(f"partition {b} failed").all()
    lost_ids = set(lost["trace_id"]) - {"BAD", "FAR"}  # those two fail anyway, when their partition runs
    assert s["traces_ok"] + len(lost_ids) == N_TRACES
    # The rerun does only that partition; its worker is killed again, and Ray restarts it and retries.
    r = run_batch(_cfg(inputs, out, network_path, crash_once_marker=str(tmp_path / "crash2"), partitions=4))
    assert (tmp_path / "crash2").exists() and r["partitions_run"] == 1 and r["partitions_skipped"] == 3
    assert r["complete"] and not r["partitions_failed"] and r["all_runs"]["traces_ok"] == N_TRACES
    assert set(read_table(out, "points")["trace_id"]) >= lost_ids


def test_gpu_actor_pool_path(local_ray, inputs, network_path, tmp_path):
    """device cuda -> one actor per (declared) GPU holding the method; towers ignores the device."""
    s = run_batch(_cfg(inputs, tmp_path / "gpu", network_path, options={"device": "cuda"}, workers=None,
                       partitions=3, batch_traces=16))
    assert s["gpus_per_worker"] == 1.0 and s["workers"] == 1 and s["complete"] and s["traces_ok"] == N_TRACES


def test_cli_batch_with_glob_input(local_ray, inputs, tmp_path, capsys):
    from sig2gps.cli import main

    out = tmp_path / "cli"
    args = ["batch", "--input", str(inputs / "parts" / "*.csv"), "--out", str(out), "--method", "towers",
            "--partitions", "3", "--no-progress"]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["input_files"] == 3 and summary["partitions_total"] == 3
    assert "traces/s" in capsys.readouterr().out
    assert main(args + ["--partitions", "5"]) == 2  # a resume cannot change the partitioning


def test_parquet_rows_are_validated_like_csv(tmp_path):
    p = tmp_path / "s.parquet"
    pd.DataFrame({"trace_id": ["A", "A", "B", "B", ""], "timestamp": [1.0, 2.0, 1.0, 2.0, 3.0],
                  "cell_id": ["c", "c", "c", "c", "c"], "lon": [24.9, 24.9, 24.9, 500.0, 24.9],
                  "lat": [60.1] * 5}).to_parquet(p)
    df, errors, _ = read_records(p)
    assert sorted(df["trace_id"].unique()) == ["A"]
    reasons = {e.trace_id: e.reason for e in errors}
    assert "row 4, field 'lon'" in reasons["B"] and str(p) in reasons["B"]
    assert "empty trace id" in reasons[""]
    # GeoParquet: a Point geometry in place of lon/lat.
    import geopandas as gpd
    from shapely import Point

    g = tmp_path / "g.parquet"
    gpd.GeoDataFrame({"trace_id": ["G", "G"], "timestamp": [5.0, 9.0], "cell_id": ["c", "d"]},
                     geometry=[Point(24.91, 60.11), Point(24.92, 60.12)], crs="EPSG:4326").to_parquet(g)
    df, errors, _ = read_records(g)
    assert not errors and df["lon"].tolist() == [24.91, 24.92] and df["lat"].tolist() == [60.11, 60.12]
    # Empty parts of a partitioned export are skipped with a warning, not fatal.
    (tmp_path / "empty.csv").write_text("trace_id,timestamp,cell_id,lon,lat\n")
    df, errors, warnings = read_records(tmp_path / "empty.csv")
    assert len(df) == 0 and not errors and "no data rows" in warnings[0]


def test_missing_column_stops_with_file_and_field(local_ray, tmp_path, network_path):
    from sig2gps.io import InputError

    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "x.csv").write_text("trace_id,timestamp,lon,lat\nA,1,24.9,60.1\n")
    with pytest.raises(InputError, match=r"x\.csv.*cell_id"):
        run_batch(BatchConfig(input=str(bad), out=str(tmp_path / "o"), network=network_path, progress=False))
