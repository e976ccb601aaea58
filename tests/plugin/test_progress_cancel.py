"""Progress and Cancel as a user sees them, against a real backend process running a slow test method
(tests/plugin/slow_method: steps of 0.1 s, each reported through the job's progress_callback): the
progress reaches the task while the job runs, Cancel ends the job within seconds, and a cancelled
job is never shown as a success."""
import time
from pathlib import Path

import pytest
from qgis.core import Qgis

from sig2gps_qgis.backend_client import build_request
from sig2gps_qgis.backend_service import Backend
from sig2gps_qgis.dock import Sig2GpsDock
from sig2gps_qgis.layers.signaling import signaling_layer_from_csv, traces_from_layer
from sig2gps_qgis.tasks import ReconstructTask, start

from conftest import backend_env  # noqa: E402 (tests/plugin is on sys.path)

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def slow_backend(backend_py):
    b = Backend(python=backend_py, env=backend_env(HERE / "slow_method"))
    yield b
    b.stop()


def traces_of(csv_path):
    layer, _ = signaling_layer_from_csv(csv_path)
    traces, _ = traces_from_layer(layer)
    return [t.to_dict() for t in traces]


def run_task(qgis_app, backend, request, cancel_when=None, timeout=60):
    """Run a ReconstructTask to its end; returns (outcome, progress values seen, seconds from cancel to end)."""
    seen, outcome = [], {}
    task = ReconstructTask(backend, request, on_done=lambda r: outcome.update(done=r),
                           on_error=lambda e: outcome.update(error=e), poll_s=0.05)
    task.progressChanged.connect(seen.append)
    start(task)
    t0, t_cancel = time.monotonic(), None
    while not outcome:
        qgis_app.processEvents()
        time.sleep(0.02)
        if cancel_when is not None and t_cancel is None and cancel_when(seen):
            task.cancel()
            t_cancel = time.monotonic()
        assert time.monotonic() - t0 < timeout, "the task did not end"
    return outcome, seen, (time.monotonic() - t_cancel if t_cancel else None)


def test_progress_values_reach_the_task_while_the_job_runs(qgis_app, slow_backend, signaling_csv):
    req = build_request("_test_slow", traces=traces_of(signaling_csv)[:1], extra={"steps": 20, "step_s": 0.1},
                        frames_mode="none")
    outcome, seen, _ = run_task(qgis_app, slow_backend, req)
    assert outcome["done"].complete
    running = [v for v in seen if 0 < v < 99]
    print(f"progress values seen during a 20-step job: {len(set(running))} distinct")
    assert len(set(running)) >= 5, seen  # it moves, rather than sitting at 0 and jumping to the end
    assert running == sorted(running)


def test_cancel_ends_the_job_within_seconds(qgis_app, slow_backend, signaling_csv):
    # 3 traces x 30 s: only a cancel between steps can end it quickly
    req = build_request("_test_slow", traces=traces_of(signaling_csv), extra={"steps": 300, "step_s": 0.1},
                        frames_mode="none")
    outcome, seen, after_cancel = run_task(qgis_app, slow_backend, req, cancel_when=lambda seen: any(seen))
    print(f"cancel between steps: job ended {after_cancel:.2f} s after Cancel")
    assert after_cancel < 3.0
    result = outcome["done"]
    assert result.complete is False and result.rollouts == []


def test_cancel_of_a_method_that_ignores_it_still_frees_the_user(qgis_app, slow_backend, signaling_csv):
    req = build_request("_test_slow", traces=traces_of(signaling_csv)[:1],
                        extra={"steps": 150, "step_s": 0.1, "ignore_cancel": True}, frames_mode="none")
    outcome, _, after_cancel = run_task(qgis_app, slow_backend, req, cancel_when=lambda seen: True)
    print(f"cancel ignored by the method: user freed {after_cancel:.2f} s after Cancel")
    assert after_cancel < 8.0  # the client's grace (5 s) and a poll
    err = outcome["error"]
    assert err.level == Qgis.Info and "Cancelled" in err.message


def test_dock_cancel_is_never_a_success(qgis_iface, qgis_new_project, qgis_app, slow_backend, signaling_csv):
    dock = Sig2GpsDock(qgis_iface, slow_backend)
    try:
        assert dock.load_csv(str(signaling_csv)) is not None
        dock.method_box.setCurrentText("_test_slow")  # 30 steps of 0.1 s per trace
        task = dock.run()
        seen = []
        task.progressChanged.connect(seen.append)
        t0 = time.monotonic()
        while not any(0 < v < 99 for v in seen):
            qgis_app.processEvents()
            time.sleep(0.02)
            assert time.monotonic() - t0 < 30
        assert "step" in dock.status.text()  # the backend's own words: which trace, which step
        dock.cancel()
        t_cancel = time.monotonic()
        while dock.task is not None:
            qgis_app.processEvents()
            time.sleep(0.02)
            assert time.monotonic() - t_cancel < 10
        text, level = dock.last_message
        assert level != Qgis.Success and text.startswith("Cancel"), dock.last_message
        assert dock.run_button.isEnabled() and not dock.cancel_button.isEnabled()
    finally:
        dock.shutdown()
        dock.deleteLater()
