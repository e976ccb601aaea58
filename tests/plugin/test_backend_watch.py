"""The dock notices a backend that died between jobs (its QTimer watcher, no job needed), shows the end
of its log, and the next use restarts it; a backend that starts gets its method list read automatically."""
import os
import signal
import threading
import time

from qgis.core import Qgis

from sig2gps_qgis.backend_service import Backend
from sig2gps_qgis.dock import Sig2GpsDock


def _until(qgis_app, cond, timeout=60, what="condition"):
    t0 = time.monotonic()
    while not cond():
        qgis_app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() - t0 < timeout, f"timed out waiting for {what}"


def test_poll_state_never_waits_for_a_busy_backend(tmp_path):
    b = Backend(python=str(tmp_path / "no-python"))
    assert b.poll_state() == (None, False, False)
    held, release = threading.Event(), threading.Event()

    def hold():  # what a worker thread starting the backend does: hold the lock for seconds
        with b._lock:
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    t0 = time.monotonic()
    assert b.poll_state() is None and time.monotonic() - t0 < 0.5
    release.set()
    t.join()


def test_started_backend_lists_methods_then_crash_is_reported_and_recovered(qgis_iface, qgis_new_project, qgis_app,
                                                                             backend):
    d = Sig2GpsDock(qgis_iface, backend)
    d.watcher.timer.setInterval(50)  # the real timer path, just faster than the default
    try:
        d.method_box.clear()
        d.method_box.addItem("stale")  # what the dock shows before the backend answered
        backend.client()  # started by someone else (a job, the Processing algorithm)
        pid = backend.pid
        _until(qgis_app, lambda: d._methods_pid == pid and d.methods_task is None, what="the method list")
        names = [d.method_box.itemText(i) for i in range(d.method_box.count())]
        assert {"towers", "hmm"} <= set(names) and "stale" not in names
        assert "offers" not in d.last_message[0]  # the automatic refresh is quiet

        os.kill(pid, signal.SIGKILL)
        backend._proc._proc.wait(10)
        _until(qgis_app, lambda: d.last_message[1] == Qgis.Warning, what="the crash warning")
        text = d.last_message[0]
        assert f"process {pid}" in text and "killed by signal 9 (SIGKILL)" in text and "restarts" in text
        assert "starting the backend" in d.log_view.toPlainText()  # the end of its log is shown
        d.message("ok")  # one crash is reported once, not at every tick
        for _ in range(10):
            qgis_app.processEvents()
            time.sleep(0.06)
        assert d.last_message == ("ok", Qgis.Info)

        backend.client()  # the next use restarts it, and the watcher reads the new one's methods
        assert backend.pid != pid and backend.is_running()
        _until(qgis_app, lambda: d._methods_pid == backend.pid and d.methods_task is None, what="the new list")
    finally:
        d.shutdown()
        d.deleteLater()
    assert not d.watcher.timer.isActive()


def test_stopping_the_backend_leaves_no_temporary_folder(backend_py):
    from sig2gps_qgis.backend_service import Backend

    from conftest import backend_env

    b = Backend(python=backend_py, env=backend_env())
    b.client()
    folder = b._proc._dir
    assert (folder / "backend.log").exists()
    b.stop()
    assert not folder.exists()

