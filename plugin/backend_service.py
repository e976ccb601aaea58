"""The one backend the plugin uses (dock and Processing alike), safe to reach from worker threads.

backend_process.BackendProcess must be driven from one thread; reconstructions run in QgsTasks and
Processing threads, so every use goes through one lock here. The process is started on first use,
restarted after a crash, and replaced when the user points the settings at another Python.
"""
from __future__ import annotations

import threading

from .settings import PluginSettings


class Backend:
    def __init__(self, python: str | None = None, start_timeout: float = 90.0, env: dict | None = None):
        """env: added to the backend process's environment (tests point PYTHONPATH at a checkout's backend)."""
        self._python = python  # None: read from the settings at each start
        self.env = dict(env or {})
        self._proc = None
        self._lock = threading.RLock()
        self.start_timeout = start_timeout

    def python(self) -> str:
        return self._python or PluginSettings.load().backend_python

    def client(self):
        """A client of a live backend: starts it, or restarts it after a crash (blocking, seconds)."""
        from .backend_process import BackendProcess

        with self._lock:
            py = self.python()
            if self._proc is not None and self._proc.python != py:
                self._proc.close()  # the user chose another interpreter
                self._proc = None
            if self._proc is None:
                self._proc = BackendProcess(py, start_timeout=self.start_timeout, env=self.env)
            return self._proc.ensure_running()

    def is_running(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.is_running()

    def crashed(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.crashed()

    def poll_state(self):
        """(pid, running, crashed) without ever waiting; None while another thread holds the backend
        (e.g. starting it), so the GUI's watcher can poll it from the GUI thread."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            p = self._proc
            return (None, False, False) if p is None else (p.pid, p.is_running(), p.crashed())
        finally:
            self._lock.release()

    @property
    def pid(self):
        return self._proc.pid if self._proc is not None else None

    def log_tail(self, lines: int = 200, wait: bool = True) -> str:
        """wait=False (the GUI thread's watcher): "" rather than wait while another thread holds the backend."""
        if not self._lock.acquire(blocking=wait):
            return ""
        try:
            return self._proc.log_tail(lines) if self._proc is not None else ""
        finally:
            self._lock.release()

    def how_it_ended(self) -> str:
        """'was killed by signal 9 (SIGKILL)', 'exited with code 1', ...; never waits (GUI thread)."""
        p = self._proc
        return p.how_it_ended() if p is not None else "was never started"

    def methods(self) -> list[dict]:
        return self.client().methods()

    def stop(self) -> None:
        with self._lock:
            if self._proc is not None:
                self._proc.close()
                self._proc = None


_SHARED: Backend | None = None


def shared_backend() -> Backend:
    """The plugin-wide backend (created lazily; stopped by the plugin's unload)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Backend()
    return _SHARED


def stop_shared_backend() -> None:
    global _SHARED
    if _SHARED is not None:
        _SHARED.stop()
        _SHARED = None
