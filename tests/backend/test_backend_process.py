"""The plugin's backend process manager against the real `python -m sig2gps.cli serve` child process."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from plugin.backend_client import BackendUnavailable, build_request  # noqa: E402
from plugin.backend_process import BackendProcess, BackendStartError  # noqa: E402

TRACE = {"trace_id": "p1", "t": [0.0, 60.0, 150.0], "cell_id": ["a", "b", "c"],
         "lon": [24.93, 24.94, 24.95], "lat": [60.165, 60.17, 60.172]}


def fake_python(tmp_path, body: str) -> str:
    """An executable standing in for the backend's interpreter (a broken venv, a hung start)."""
    p = tmp_path / "python"
    p.write_text("#!/bin/sh\n" + body + "\n")
    p.chmod(p.stat().st_mode | stat.S_IXUSR)
    return str(p)


@pytest.fixture
def backend(tmp_path):
    proc = BackendProcess(sys.executable, log_path=str(tmp_path / "backend.log"), start_timeout=60)
    yield proc
    proc.close()


def test_start_run_a_job_stop(backend):
    client = backend.start()
    assert backend.is_running() and not backend.crashed()
    assert client.health()["pid"] == backend.pid
    assert stat.S_IMODE(os.stat(backend.connection_file).st_mode) == 0o600  # the token is the user's only
    res = client.run(build_request("towers", traces=[TRACE]), poll_s=0.05, timeout=30)
    assert res["complete"] and res["traces"][0]["rollouts"][0]["t"] == TRACE["t"]
    assert backend.start() is client  # already running: same client, no second process
    backend.stop()
    assert not backend.is_running() and not backend.crashed()
    assert backend.returncode == 0  # SIGTERM is a clean shutdown
    assert not backend.connection_file.exists()  # the server removed it: no stale port for the plugin
    assert "listening on http://127.0.0.1:" in backend.log_tail()
    with pytest.raises(BackendUnavailable):
        client.health()


def test_crash_is_detected_and_restart_recovers(backend):
    client = backend.start()
    first_pid = backend.pid
    os.kill(first_pid, signal.SIGKILL)  # the backend killed mid-session (out of memory, a user's kill)
    deadline = time.monotonic() + 10
    while backend.is_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backend.crashed()
    assert "killed by signal 9" in backend.describe_exit()
    with pytest.raises(BackendUnavailable):
        client.health()
    with pytest.raises(BackendUnavailable) as e:
        backend.client  # noqa: B018
    assert "killed by signal 9" in e.value.message
    client2 = backend.ensure_running()
    assert backend.pid != first_pid and backend.restarts == 1
    assert client2.health()["status"] == "ok" and client2.token != client.token
    assert backend.log_path.read_text().count("--- starting the backend") == 2


def test_missing_interpreter_is_a_clear_error(tmp_path):
    proc = BackendProcess(str(tmp_path / "no-venv" / "bin" / "python"))
    with pytest.raises(BackendStartError) as e:
        proc.start()
    assert "not found" in e.value.message and "plugin settings" in e.value.message
    proc.close()


def test_backend_that_dies_at_start_shows_its_log(tmp_path):
    py = fake_python(tmp_path, 'echo "ModuleNotFoundError: No module named sig2gps" >&2; exit 1')
    proc = BackendProcess(py, start_timeout=20)
    with pytest.raises(BackendStartError) as e:
        proc.start()
    assert "exited with code 1" in e.value.message and "No module named sig2gps" in e.value.message
    assert proc.crashed()
    proc.close()


def test_backend_that_never_answers_times_out_and_is_killed(tmp_path):
    py = fake_python(tmp_path, "exec sleep 30")
    proc = BackendProcess(py, start_timeout=1.0)
    t0 = time.monotonic()
    with pytest.raises(BackendStartError) as e:
        proc.start()
    assert "did not answer within 1 s" in e.value.message
    assert time.monotonic() - t0 < 15 and not proc.is_running()
    proc.close()


def test_bad_serve_option_reported_from_the_log(tmp_path):
    proc = BackendProcess(sys.executable, extra_args=("--no-such-option",), start_timeout=30)
    with pytest.raises(BackendStartError) as e:
        proc.start()
    assert "unrecognized arguments: --no-such-option" in e.value.message
    proc.close()


def test_backend_ends_when_its_parent_dies(tmp_path):
    """QGIS crashing must not leave a server behind: kill the parent, the backend notices and exits."""
    code = ("import sys, time\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "from plugin.backend_process import BackendProcess\n"
            f"p = BackendProcess({sys.executable!r}, start_timeout=60)\n"
            "p.start()\n"
            "print(p.pid, flush=True)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        os.kill(child, 0)  # alive while its parent is
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            if _is_zombie(child):
                break
            time.sleep(0.1)
        else:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the backend outlived its parent by 15 s")
    finally:
        parent.kill()


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return False
