"""Run the Sig2GPS backend server as a child process of QGIS: start, watch, restart, stop, show its log.

Plain Python (no Qt), so it is testable from the backend venv too. The backend runs in its own Python
(the venv `make install-plugin` points the plugin's settings at), started as

    <python> -m sig2gps.cli serve --port 0 --token-file <private dir>/connection.json

and the port and token are read back from that file once the server listens. stdout and stderr go to a
log file that the plugin shows when the backend fails to start or dies.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from .backend_client import BackendClient, BackendError, BackendUnavailable, load_wire, read_connection


MAX_LOG_BYTES = 5 * 2**20  # the log is appended to across restarts; past this it is rotated at the next start


class BackendStartError(BackendError):
    """The backend did not come up; the message carries the end of its log."""


class BackendProcess:
    """One backend child process. Not thread-safe: drive it from one thread (the GUI's)."""

    def __init__(self, python: str, log_path: str | None = None, start_timeout: float = 60.0,
                 extra_args: tuple = (), env: dict | None = None, cwd: str | None = None):
        """python: the backend venv's interpreter; log_path: where its output goes (default: a private temp
        dir); extra_args: more `sig2gps serve` options; env: added to the environment."""
        self.python = str(python)
        self.start_timeout = start_timeout
        self.extra_args = tuple(extra_args)
        self.env = dict(env or {})
        self.cwd = cwd
        self._dir = Path(tempfile.mkdtemp(prefix="sig2gps-backend-"))
        self.log_path = Path(log_path) if log_path else self._dir / "backend.log"
        self.connection_file = self._dir / "connection.json"
        self._proc: subprocess.Popen | None = None
        self._log = None
        self._client: BackendClient | None = None
        self._stopping = False
        self.restarts = 0

    # ---------------------------------------------------------------- state
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> int | None:
        return self._proc.poll() if self._proc else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def crashed(self) -> bool:
        """True when the process was started and has exited without stop() being asked for."""
        return self._proc is not None and not self._stopping and self._proc.poll() is not None

    @property
    def client(self) -> BackendClient:
        if self._client is None or not self.is_running():
            raise BackendUnavailable(self.describe_exit() if self.crashed() else "the backend is not running",
                                     code="unavailable")
        return self._client

    def how_it_ended(self) -> str:
        """How the process ended, in words: 'was killed by signal 9 (SIGKILL)', 'exited with code 1'."""
        code = self.returncode
        if code is None:
            return "is running" if self._proc is not None else "was never started"
        if code < 0:
            try:
                name = f" ({signal.Signals(-code).name})"
            except ValueError:
                name = ""
            return f"was killed by signal {-code}{name}"
        return f"exited with code {code}"

    def describe_exit(self) -> str:
        return f"the Sig2GPS backend {self.how_it_ended()}; its log ({self.log_path}) ends with:\n{self.log_tail(20)}"

    def log_tail(self, lines: int = 200) -> str:
        """The last `lines` lines of the backend's log (for the plugin's log panel and error messages)."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 200 * lines))  # lines are short; read only the end of a long log
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # ---------------------------------------------------------------- start / stop
    def start(self) -> BackendClient:
        """Start the server and wait until it answers /health; returns a client. Raises BackendStartError."""
        if self.is_running():
            return self.client
        self._check_python()
        self.connection_file.unlink(missing_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._close_log()
        if self.log_path.exists() and self.log_path.stat().st_size > MAX_LOG_BYTES:
            self.log_path.replace(self.log_path.with_name(self.log_path.name + ".1"))  # keep one old log
        self._log = open(self.log_path, "ab")
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        self._log.write(f"--- starting the backend at {stamp}: {self.python} -m sig2gps.cli serve\n".encode())
        self._log.flush()
        # --exit-with-parent: if QGIS dies without stopping us, the server notices and ends too
        cmd = [self.python, "-m", "sig2gps.cli", "serve", "--port", "0", "--token-file", str(self.connection_file),
               "--exit-with-parent", *self.extra_args]
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        # QGIS's own Python settings must not leak into the backend's interpreter
        for var in ("PYTHONHOME", "PYTHONPATH"):
            if var not in self.env:
                env.pop(var, None)
        self._stopping = False
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                      env=env, cwd=self.cwd, **_new_process_group())
        self._client = self._wait_until_up()
        return self._client

    def _check_python(self) -> None:
        p = Path(self.python)
        if not (p.is_file() or shutil.which(self.python)):
            raise BackendStartError(f"the backend's Python was not found: {self.python} (set the path to the "
                                    "backend venv's python in the plugin settings, e.g. <checkout>/.venv/bin/python)",
                                    code="unavailable")

    def _wait_until_up(self) -> BackendClient:
        wire = load_wire()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BackendStartError("the backend stopped while starting: " + self.describe_exit(),
                                        code="unavailable")
            if self.connection_file.exists():
                try:
                    conn = read_connection(self.connection_file)
                except BackendError:
                    conn = None  # half-written is impossible (atomic replace), but be patient anyway
                if conn is not None:  # the file was removed before the start, so it is this process's
                    client = BackendClient(conn.url, conn.token)
                    try:
                        h = client.health()
                    except BackendUnavailable:
                        h = None
                    if h is not None:
                        if h["wire"] != wire.WIRE_VERSION:
                            self.stop()
                            raise BackendStartError(f"the backend speaks wire format {h['wire']}, this plugin "
                                                    f"{wire.WIRE_VERSION}: update one of them", code="unavailable")
                        return client
            time.sleep(0.1)
        self.stop()
        raise BackendStartError(f"the backend did not answer within {self.start_timeout:.0f} s; its log ends with:\n"
                                + self.log_tail(20), code="unavailable")

    def restart(self) -> BackendClient:
        """Stop (if running) and start again; jobs of the old process are lost, the client must resubmit."""
        self.stop()
        self.restarts += 1
        return self.start()

    def ensure_running(self) -> BackendClient:
        """The client of a live backend: starts it the first time, restarts it after a crash."""
        if self.is_running():
            return self.client
        return self.restart() if self._proc is not None else self.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to stop (SIGTERM: it finishes the request at hand), kill it after `timeout` s."""
        self._stopping = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self._client = None
        self._close_log()

    def close(self) -> None:
        """stop() and remove the private temporary folder, its log included (a log_path given by the caller
        is kept): nothing of the backend is left in the temp directory once the plugin is done with it."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def _new_process_group() -> dict:
    """The backend gets its own process group, so a Ctrl-C aimed at QGIS in a terminal does not kill it
    mid-job; the plugin stops it explicitly."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}
