"""Notice, from the GUI thread, that the backend process started or died, without waiting for the next job.

A QTimer polls the child process's exit status (Popen.poll: a system call, no HTTP), so a crash
between jobs is reported within a tick and a fresh start is noticed (the dock then lists the
methods the backend offers). The poll never waits: while a worker thread holds the backend's lock
(starting it takes seconds) the tick is skipped, so the GUI is never blocked.
"""
from __future__ import annotations

from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal


class BackendWatcher(QObject):
    """Emits started(pid) once per backend process that answers, crashed(pid, log tail) once per crash."""

    started = pyqtSignal(int)
    crashed = pyqtSignal(int, str)

    def __init__(self, get_backend, interval_ms: int = 1000, log_lines: int = 20, parent=None):
        """get_backend: a callable returning the backend to watch (the dock may swap it), or None."""
        super().__init__(parent)
        self._get_backend = get_backend
        self.log_lines = log_lines
        self._started_pid = None
        self._crashed_pid = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _state(self):
        backend = self._get_backend()
        poll = getattr(backend, "poll_state", None)  # test doubles and "no backend" have none: nothing to watch
        return (backend, poll()) if poll is not None else (backend, None)

    def check(self) -> None:
        """One tick (the timer's; tests call it directly)."""
        backend, state = self._state()
        if state is None:
            return
        pid, running, crashed = state
        if running and pid is not None and pid != self._started_pid:
            self._started_pid = pid
            self.started.emit(pid)
        if crashed and pid is not None and pid != self._crashed_pid:
            self._crashed_pid = pid
            self.crashed.emit(pid, backend.log_tail(self.log_lines, wait=False))

    def acknowledge_crash(self) -> None:
        """Someone else (a job's error) has already told the user about the current crash: say nothing."""
        _, state = self._state()
        if state is not None and state[2]:
            self._crashed_pid = state[0]
