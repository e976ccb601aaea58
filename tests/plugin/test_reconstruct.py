"""A full reconstruction against a real backend process started by the test (method `towers`).

Also the failure paths a user meets: backend not installed where the settings say, backend
killed mid-job (clear message, then the next run restarts it and succeeds), bad request fields.
"""
import os
import signal
import time

import pytest
from qgis.core import QgsApplication, QgsTask

from sig2gps_qgis.backend_service import Backend
from sig2gps_qgis.errors import BackendError
from sig2gps_qgis.layers.results import rollout_layers
from sig2gps_qgis.layers.signaling import signaling_layer_from_csv, traces_from_layer
from sig2gps_qgis.request import ReconstructParams, build_job_request, parse_result
from sig2gps_qgis.tasks import ReconstructTask, run_job


def _request(signaling_csv, rollouts=2):
    layer, _ = signaling_layer_from_csv(signaling_csv)
    traces, _ = traces_from_layer(layer)
    return traces, build_job_request(traces, ReconstructParams(method="towers", rollouts=rollouts))


def _wait_task(task, qgis_app, timeout=60):
    QgsApplication.taskManager().addTask(task)
    t0 = time.monotonic()
    while task.status() not in (QgsTask.Complete, QgsTask.Terminated):
        qgis_app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() - t0 < timeout, "task did not finish"
    for _ in range(20):  # finished() is delivered through the event loop
        qgis_app.processEvents()


def test_request_is_built_from_the_layer(qgis_new_project, signaling_csv):
    traces, req = _request(signaling_csv, rollouts=3)
    assert req["method"] == "towers" and req["options"]["rollouts"] == 3
    assert [t["trace_id"] for t in req["traces"]] == [t.trace_id for t in traces]
    assert req["traces"][0]["t"] == traces[0].t and req["traces"][0]["cell_id"] == traces[0].cell_id
    assert "network" not in req  # no road layer, no file: the backend's default network
    assert req["options"]["consensus"] is False and "chunk_m" in req["options"]
    _, req2 = traces, build_job_request(traces, ReconstructParams(method="video", rollouts=4, consensus=True))
    assert req2["options"]["consensus"] is True and req2["options"]["rollouts"] == 4


def test_bad_request_field_is_named_before_sending(qgis_new_project, signaling_csv):
    layer, _ = signaling_layer_from_csv(signaling_csv)
    traces, _ = traces_from_layer(layer)
    with pytest.raises(Exception) as e:
        build_job_request(traces, ReconstructParams(method="towers", rollouts=0))
    assert "rollouts" in str(e.value)


def test_full_reconstruct_in_a_task(qgis_app, qgis_new_project, signaling_csv, backend):
    traces, req = _request(signaling_csv, rollouts=2)
    got, errs = [], []
    task = ReconstructTask(backend, req, on_done=got.append, on_error=errs.append, poll_s=0.05)
    _wait_task(task, qgis_app)
    assert errs == [] and len(got) == 1
    result = got[0]
    assert result.complete and result.method == "towers"
    assert {(r.trace_id, r.rollout) for r in result.rollouts} >= {(t.trace_id, 0) for t in traces}
    r0 = next(r for r in result.rollouts if r.trace_id == traces[0].trace_id and r.rollout == 0)
    # towers interpolates the serving sites in time: the output spans the input's time range
    assert r0.t[0] == pytest.approx(traces[0].t[0], abs=1.0) and r0.t[-1] == pytest.approx(traces[0].t[-1], abs=1.0)
    lines, points = rollout_layers(result.rollouts)
    assert lines.featureCount() == len(result.rollouts)
    assert points.featureCount() == sum(len(r.t) for r in result.rollouts)


def test_backend_not_installed_gives_a_clear_message(qgis_new_project, signaling_csv, tmp_path):
    _, req = _request(signaling_csv)
    with pytest.raises(BackendError) as e:
        run_job(Backend(python=str(tmp_path / "no-such-python")), req)
    assert "could not start" in e.value.message and "no-such-python" in e.value.message


def test_backend_killed_mid_job_then_recovers(qgis_new_project, signaling_csv, backend):
    _, req = _request(signaling_csv)
    backend.client()
    pid = backend.pid

    def kill_once(_status):
        if backend.pid == pid and backend.is_running():
            os.kill(pid, signal.SIGKILL)
            backend._proc._proc.wait(10)  # make sure it is gone before the next poll

    with pytest.raises(BackendError) as e:
        run_job(backend, req, on_progress=kill_once, poll_s=0.05)
    assert "stopped answering" in e.value.message
    assert backend.crashed()
    body = run_job(backend, req, poll_s=0.05)  # restarted behind the scenes
    assert backend.pid != pid and backend.is_running()
    assert parse_result(body).rollouts
