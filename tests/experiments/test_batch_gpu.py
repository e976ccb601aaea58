"""The batch benchmark's device entry point (experiments/batch_gpu/run.py), run small on CPU, and the section
that renders its JSON (experiments/batch_gpu: the package's one renderer over its spec).

One run (2 worker counts over 60 simulated trips, then the video method on 2 traces in one CPU
actor with 5 frames and 2 sampler steps) feeds every test: the renderer is given the JSON that
run wrote, never hand-written numbers.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from sig2gps.benchmark import batch  # noqa: E402
from sig2gps.benchmark.tables import render_blocks  # noqa: E402
from sig2gps.methods.video import VideoMethod  # noqa: E402

EXP = Path(__file__).resolve().parents[2] / "experiments"
# importable by name (not only loaded by path): its process pool pickles its functions by module name
sys.path.insert(0, str(EXP))
from batch_gpu import run as batch_device  # noqa: E402


def render_recorded(rec: dict) -> list[str]:
    """The lines of one device record, as the batch_gpu section shows it (experiments/_specs/batch_record.json)."""
    return render_blocks(json.loads((EXP / "_specs" / "batch_record.json").read_text())["blocks"], {"rec": rec})

ARGS = ["--workers", "1", "2", "--traces", "60", "--sim-procs", "2", "--check-traces", "60",
        "--video-gpus", "0", "--video-traces", "2", "--video-frames", "5", "--video-steps", "2",
        "--video-batch", "2"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    # the model is tracked and torch/diffusers are pinned: a missing one is a failure, not a skip
    assert VideoMethod.shipped_exists(), "the shipped video model (resources/models/video) or torch/diffusers is missing"
    path = tmp_path_factory.mktemp("bench-batch") / "run.json"
    assert batch_device.main(ARGS + ["--json", str(path)]) == 0
    return json.loads(path.read_text())


def test_device_run_writes_rows_with_positive_throughput(recorded):
    assert [r["workers"] for r in recorded["hmm_rows"]] == [1, 2]
    assert recorded["simulation"]["traces"] == 60 and recorded["simulation"]["files"] == 2
    assert recorded["single_process"]["traces"] == 60 and recorded["single_process"]["traces_per_s"] > 0
    for r in recorded["hmm_rows"]:
        assert r["traces_ok"] + r["traces_failed"] == 60
        assert r["records"] == recorded["simulation"]["records"]
        for k in ("traces_per_s", "records_per_s", "traces_per_s_partitions", "records_per_s_partitions",
                  "cpu_seconds", "seconds_worker_start"):
            assert r[k] > 0, k
        assert r["same_points_as_pipeline"] is True
    (v,) = recorded["video_rows"]
    assert v["gpus"] == 0 and v["device"] == "cpu" and v["traces_ok"] + v["traces_failed"] == 2
    assert v["traces_per_s"] > 0 and v["records_per_s"] > 0
    assert recorded["skipped"] == []
    assert recorded["machine"].startswith("Machine: ") and "--workers 1 2" in recorded["command"]


def test_ray_is_shut_down_after_the_run(recorded):
    assert not ray.is_initialized()


def test_renderer_turns_the_json_into_the_tables(recorded):
    text = "\n".join(render_recorded(recorded))
    assert recorded["machine"] in text and recorded["command"] in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| ") and ln[2].isdigit()]
    assert len(rows) == len(recorded["hmm_rows"]) + len(recorded["video_rows"])
    for ln, r in zip(rows, recorded["hmm_rows"]):
        cells = [c.strip() for c in ln.strip("|").split("|")]
        assert cells[0] == str(r["workers"]) and cells[2] == f"{r['traces_per_s']:.1f}"
        assert cells[3] == f"{r['records_per_s']:.0f}" and cells[-1] == "yes"
    assert rows[0].split("|")[5].strip() == "100%"  # 1 worker is the efficiency reference
    base, two = recorded["hmm_rows"]
    assert rows[1].split("|")[5].strip() == f"{two['traces_per_s'] / (2 * base['traces_per_s']):.0%}"
    v = recorded["video_rows"][0]
    assert rows[-1].split("|")[5].strip() == f"{v['traces_per_s']:.1f}"
    assert "Reading:" not in text
    noted = "\n".join(render_recorded({**recorded, "notes": ["why it scales so."]}))
    assert noted.endswith("Reading: why it scales so.")


def test_projection_uses_the_recorded_rates(recorded, render_experiment, tmp_path):
    (tmp_path / "run.json").write_text(json.dumps(recorded))
    lines = render_experiment("batch_gpu", rec=tmp_path / "run.json", rec2=tmp_path / "none.json").splitlines()
    lines = lines[next(i for i, ln in enumerate(lines) if ln.startswith("Projection")):]
    day = batch.CITY_USERS * batch.RECORDS_PER_USER_DAY
    top = max(recorded["hmm_rows"], key=lambda r: r["workers"])
    pool = top["records_per_s_partitions"]
    hours = [ln.split("|")[-2].strip() for ln in lines if "running pool" in ln or "ten such nodes" in ln]
    assert hours == [f"{day / pool / 3600:.1f}", f"{day / (10 * pool) / 3600:.1f}"]
    assert f"{batch.CITY_USERS:,} users" in lines[0]
    # Without a recorded run the 16-core figure is a stated projection from this machine's CPU cost.
    plain = "\n".join(batch.projection_lines(1000.0))
    assert "not measured" in plain and "GPU machine" not in plain


def test_simulated_chunks_have_distinct_trace_ids(tmp_path):
    from sig2gps.io import read_signaling
    from sig2gps.network.defaults import default_network

    info = batch_device.simulate_inputs(default_network(), 5, 2, tmp_path)
    ids = [t.trace_id for f in sorted(tmp_path.glob("part-*.csv")) for t in read_signaling(f)[0]]
    assert info["files"] == 2 and info["traces"] == len(ids) == 5 and len(set(ids)) == 5


@pytest.mark.parametrize("bad", [["--video-frames", "6"], ["--workers", "0"], ["--video-gpus", "-1"]])
def test_bad_flags_are_refused(bad, tmp_path):
    with pytest.raises(SystemExit):
        batch_device.parse_args(bad + ["--json", str(tmp_path / "x.json")])


def test_a_failing_row_is_recorded_and_the_next_rows_still_run(monkeypatch, tmp_path):
    import sig2gps.batch as batch_pkg

    calls = []

    def broken(cfg):
        calls.append(cfg.workers)
        raise RuntimeError(f"no Ray for {cfg.workers} workers")

    monkeypatch.setattr(batch_pkg, "run_batch", broken)
    rec = {"hmm_rows": [], "skipped": []}
    saves = []
    batch_device.measure_hmm(tmp_path, "roads.pbf", [1, 2], 4, (None, set()), tmp_path, rec,
                             lambda: saves.append(1), deadline=float("inf"))
    assert calls == [1, 2] and rec["hmm_rows"] == [] and len(saves) == 2
    assert rec["skipped"] == [f"hmm, {w} workers: failed (RuntimeError: no Ray for {w} workers)" for w in (1, 2)]
    assert "Not run: hmm, 1 workers: failed" in "\n".join(render_recorded(
        {"machine": "Machine: x.", "command": "c", **rec}))
    assert not ray.is_initialized()


def test_rows_past_the_time_budget_are_skipped_not_run(monkeypatch, tmp_path):
    import sig2gps.batch as batch_pkg

    monkeypatch.setattr(batch_pkg, "run_batch", lambda cfg: pytest.fail("a row ran past the budget"))
    rec = {"hmm_rows": [], "skipped": []}
    batch_device.measure_hmm(tmp_path, "roads.pbf", [4, 8], 4, (None, set()), tmp_path, rec, lambda: None,
                             deadline=0.0)
    assert rec["skipped"] == ["hmm, 4 workers: time budget spent", "hmm, 8 workers: time budget spent"]
