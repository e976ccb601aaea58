"""The loopback HTTP API (standard library only): routing, bearer token, size limit, JSON errors.

    GET    /health                                   health
    GET    /methods                                  methods
    POST   /jobs                                     job_request -> 202 job_status
    GET    /jobs/{id}                                job_status (progress)
    DELETE /jobs/{id}                                job_status (cancel requested)
    GET    /jobs/{id}/result                         result (409 until the job has ended)
    GET    /jobs/{id}/frames/{trace}/{rollout}/{k}.png

Every answer that is not 2xx is an `error` message naming the offending field where there is one.
"""
from __future__ import annotations

import hmac
import logging
import os
import re
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from .. import __version__
from .config import HOST, ServerConfig
from .convert import png_bytes
from .jobs import JobManager

log = logging.getLogger("sig2gps.server")

_JOB = r"/jobs/(?P<job>[A-Za-z0-9_-]{1,64})"
ROUTES = [  # (pattern, {HTTP method: handler name})
    (re.compile(r"/health"), {"GET": "health"}),
    (re.compile(r"/methods"), {"GET": "methods"}),
    (re.compile(r"/jobs"), {"POST": "submit"}),
    (re.compile(_JOB), {"GET": "status", "DELETE": "cancel"}),
    (re.compile(_JOB + r"/result"), {"GET": "result"}),
    (re.compile(_JOB + r"/frames/(?P<trace>[^/]+)/(?P<rollout>\d+)/(?P<k>\d+)\.png"), {"GET": "frame"}),
]


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


class BackendServer(ThreadingHTTPServer):
    """One server: an HTTP listener on 127.0.0.1 plus the job manager. `serve_forever` runs it."""

    daemon_threads = True  # a hung client connection never blocks shutdown

    def __init__(self, cfg: ServerConfig = ServerConfig(), token: str | None = None):
        from . import wire as wire_loader
        import secrets

        self.cfg = cfg
        self.wire = wire_loader.load()
        self.token = token or secrets.token_urlsafe(32)
        self.started = time.time()
        self.data_dirs = cfg.allowed_dirs()
        self.submit_lock = threading.Lock()
        self.request_queue_size = cfg.backlog  # listen() backlog: a burst of clients waits instead of a reset
        for d in clean_stale_temp():
            log.info("removed %s, left by a backend that did not stop cleanly", d)
        self.jobs = JobManager(cfg, self.wire)
        if self.jobs._tmp is not None:  # whose it is, so the next start can tell a stale one (see clean_stale_temp)
            (Path(self.jobs.cache_dir) / OWNER_FILE).write_text(str(os.getpid()))
        super().__init__((HOST, cfg.port), Handler)
        self.jobs.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def connection_info(self) -> dict:
        """What the plugin needs to connect (wire: connection)."""
        return {"wire": self.wire.WIRE_VERSION, "url": self.url, "host": HOST, "port": self.port,
                "token": self.token, "pid": os.getpid(), "version": __version__}

    def start_in_thread(self) -> threading.Thread:
        """Serve from a daemon thread (tests, embedding); stop with close()."""
        self._serving = threading.Thread(target=self.serve_forever, name="sig2gps-http", daemon=True)
        self._serving.start()
        return self._serving

    def close(self) -> None:
        if getattr(self, "_serving", None) is not None:  # shutdown() would wait forever on a loop never started
            self.shutdown()
            self._serving = None
        self.server_close()
        self.jobs.stop()


RETRY_AFTER_S = 5  # what a 503 (queue full) tells the client to wait before it submits again
OWNER_FILE = "owner.pid"
TEMP_PREFIX = "sig2gps-serve-"  # server/jobs.py's temporary folder


def clean_stale_temp(tmp_root: str | None = None) -> list[Path]:
    """Remove temporary folders of earlier backends that were killed (their owner process is gone)."""
    import shutil
    import tempfile

    from ..io.staging import pid_alive

    removed = []
    for d in Path(tmp_root or tempfile.gettempdir()).glob(TEMP_PREFIX + "*"):
        try:
            if d.is_symlink() or not d.is_dir() or d.stat().st_uid != os.getuid():
                continue
            pid = int((d / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue  # not ours to judge (no owner file yet: a backend that is just starting)
        if pid != os.getpid() and not pid_alive(pid):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def clean_stale_connection_file(path) -> bool:
    """Remove a connection file (and temporary siblings) left by a backend that was killed; True if removed."""
    import json

    from ..io.staging import pid_alive

    path = Path(path)
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if not pid_alive(int(tmp.name.rsplit(".", 2)[-2].split("-")[0])):  # .NAME.<pid>-<random>.tmp
                tmp.unlink()
        except (OSError, ValueError):
            pass
    try:
        pid = int(json.loads(path.read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if pid_alive(pid):
        return False
    path.unlink(missing_ok=True)
    return True


def write_connection_file(path, info: dict) -> Path:
    """Write the connection JSON readable by the user only, atomically (the plugin polls for it).

    The temporary file is created new (O_EXCL) with mode 0600 and never through a link (O_NOFOLLOW), so a
    file or link planted at its name cannot widen its mode or redirect the token elsewhere.
    """
    import json
    import secrets

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_connection_file(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(info, f)
        os.replace(tmp, path)  # rename replaces a link at `path` itself, never its target
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


class Handler(BaseHTTPRequestHandler):
    server: BackendServer
    protocol_version = "HTTP/1.1"
    timeout = 120  # seconds a connection may stall mid-request before its thread gives up
    server_version = f"sig2gps/{__version__}"

    # ---------------------------------------------------------------- dispatch
    def do_GET(self):  # noqa: N802 (http.server's names)
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def do_PUT(self):  # noqa: N802
        self._dispatch("PUT")

    def do_PATCH(self):  # noqa: N802
        self._dispatch("PATCH")

    def do_OPTIONS(self):  # noqa: N802 — no CORS: a web page must not drive the backend
        self._dispatch("OPTIONS")

    def _dispatch(self, verb: str) -> None:
        t0 = time.perf_counter()
        status = 500
        self._body_read = False
        try:
            path = self.path.split("?", 1)[0]
            self._authorize()
            for pattern, verbs in ROUTES:
                m = pattern.fullmatch(path)
                if m:
                    if verb not in verbs:
                        raise HttpError(405, "method_not_allowed", f"{verb} is not allowed on {path}; "
                                        f"use {', '.join(verbs)}")
                    status = getattr(self, "_" + verbs[verb])(**m.groupdict())
                    break
            else:
                raise HttpError(404, "not_found", f"no such endpoint: {path}")
        except HttpError as e:
            status = e.status
            self._send_error(e)
        except Exception as e:  # noqa: BLE001 — answer, log, and keep serving
            log.error("%s %s failed:\n%s", verb, self.path, traceback.format_exc())
            status = 500  # the message may quote what a file held: the type only here, the rest in the log
            self._send_error(HttpError(500, "internal", f"internal error ({type(e).__name__}); see the backend's log"))
        # successful GETs are the plugin's polling: kept out of the log the user reads unless -v
        level = logging.DEBUG if verb == "GET" and status < 400 else logging.INFO
        log.log(level, "%s %s -> %s (%.1f ms)", verb, self.path, status, (time.perf_counter() - t0) * 1000)

    def _authorize(self) -> None:
        got = self.headers.get("Authorization", "")
        want = f"Bearer {self.server.token}"
        if not hmac.compare_digest(got.encode(), want.encode()):
            self._discard_body(limit=64 * 1024)  # a stranger's body is never read in full: past 64 KiB, hang up
            raise HttpError(401, "unauthorized", "missing or wrong token: send 'Authorization: Bearer <token>' "
                            "with the token from the backend's connection file")

    # ---------------------------------------------------------------- endpoints
    def _health(self) -> int:
        return self._send_json(200, {"wire": self.server.wire.WIRE_VERSION, "status": "ok", "version": __version__,
                                     "pid": os.getpid(), "uptime_s": round(time.time() - self.server.started, 3),
                                     "jobs": self.server.jobs.counts(),
                                     "max_request_bytes": self.server.cfg.max_request_bytes})

    def _methods(self) -> int:
        from ..methods import available_methods

        out = []
        for name, cls in available_methods().items():
            try:
                ready = bool(cls.is_ready())
            except Exception:  # noqa: BLE001 — a broken readiness check means "not ready", not a 500
                ready = False
            out.append({"name": name, "description": cls.description, "needs_network": bool(cls.needs_network),
                        "ready": ready})
        return self._send_json(200, {"wire": self.server.wire.WIRE_VERSION, "methods": out})

    def _submit(self) -> int:
        wire = self.server.wire
        self._refuse_if_full(drain=True)  # before the body is read: a full queue costs the client nothing
        body = self._read_body()
        try:
            req = wire.check_job_request(wire.decode(body))
        except wire.WireError as e:
            raise HttpError(400, "bad_request", e.detail, e.field)
        req = self._check_references(req)
        with self.server.submit_lock:  # the check and the submit as one step, or a burst overfills the queue
            self._refuse_if_full(drain=False)
            job = self.server.jobs.submit(req)
        return self._send_json(202, job.status_json(wire.WIRE_VERSION))

    def _refuse_if_full(self, drain: bool) -> None:
        queued = self.server.jobs.counts()["queued"]
        if queued >= self.server.cfg.max_queued:
            if drain:
                self._discard_body(limit=64 * 1024)  # a small body is drained, so closing cannot reset the answer
            raise HttpError(503, "busy", f"{queued} jobs are waiting already; submit again later",
                            headers={"Retry-After": str(RETRY_AFTER_S)})

    def _check_references(self, req: dict) -> dict:
        """What can be known at once (method name, options, files allowed and present) is refused now, not minutes
        later in the job; returns the request with its server-side paths resolved (server/paths.py)."""
        from ..methods import OptionError, available_methods
        from .convert import method_options
        from .paths import PathRefused, check_request_paths

        methods = available_methods()
        if req["method"] not in methods:
            raise HttpError(400, "bad_request", f"unknown method {req['method']!r}; available: {', '.join(methods)}",
                            "method")
        try:  # the options' one check (methods/base.py check_options), whatever the schema let through
            method_options(req, conditioning=False)
        except OptionError as e:
            raise HttpError(400, "bad_request", e.detail, f"options.{e.field}")
        try:
            return check_request_paths(req, self.server.data_dirs)
        except PathRefused as e:
            raise HttpError(403 if e.forbidden else 400, "forbidden" if e.forbidden else "bad_request", str(e), e.field)

    def _job(self, job: str):
        j = self.server.jobs.get(job)
        if j is None:
            raise HttpError(404, "not_found", f"no job {job!r} (unknown, or dropped after it finished long ago)")
        return j

    def _status(self, job: str) -> int:
        return self._send_json(200, self._job(job).status_json(self.server.wire.WIRE_VERSION))

    def _cancel(self, job: str) -> int:
        self._job(job)
        j = self.server.jobs.cancel(job)
        return self._send_json(200, j.status_json(self.server.wire.WIRE_VERSION))

    def _result(self, job: str) -> int:
        j = self._job(job)
        if j.state == "failed":
            err = j.error or {}
            raise HttpError(409, "job_failed", err.get("message", "the job failed"), err.get("field"))
        if j.result is None:
            raise HttpError(409, "conflict", f"job {job} is {j.state}; poll GET /jobs/{job} until it has ended")
        # from now on it may be dropped to make room (JobManager._evict); marked before the reply is sent, so a
        # client's next request never races the mark
        j.fetched = True
        return self._send_json(200, j.result)

    def _frame(self, job: str, trace: str, rollout: str, k: str) -> int:
        j = self._job(job)
        trace_id = unquote(trace)
        frames = j.frames.get((trace_id, int(rollout)))
        if frames is None:
            why = (" any more (freed to save memory; run the job again to see them)" if j.frames_freed else "")
            raise HttpError(404, "not_found", f"job {job} has no frames for trace {trace_id!r}, rollout {rollout}{why}")
        if int(k) >= len(frames):
            raise HttpError(404, "not_found", f"frame {k} does not exist; the rollout has {len(frames)} frames")
        return self._send(200, png_bytes(frames[int(k)]), "image/png")

    # ---------------------------------------------------------------- transport
    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise HttpError(411, "bad_request", "send the body with a Content-Length, not chunked")
        raw = self.headers.get("Content-Length", "").strip()
        if not raw:
            raise HttpError(411, "bad_request", "Content-Length header missing")
        if not raw.isdigit():  # "-1" would read to the end of the stream, past every limit
            self.close_connection = True
            raise HttpError(400, "bad_request", "Content-Length must be a non-negative whole number of bytes")
        n = int(raw)
        limit = self.server.cfg.max_request_bytes
        if n > limit:
            self.close_connection = True  # the body is not read: the connection cannot be reused
            raise HttpError(413, "too_large", f"request of {n} bytes is larger than the limit of {limit} bytes; "
                            "send fewer traces per job, or a file path instead of inline data")
        self._body_read = True
        return self.rfile.read(n)

    def _discard_body(self, limit: int) -> None:
        """Read and drop a small body so the connection stays usable; hang up on anything else."""
        raw = (self.headers.get("Content-Length") or "0").strip()
        n = int(raw) if raw.isdigit() else -1
        if 0 < n <= limit:
            self.rfile.read(n)
            self._body_read = True
        elif n != 0 or "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True

    def _send_error(self, e: HttpError) -> None:
        if not self._body_read and self.headers.get("Content-Length", "0") not in ("", "0"):
            self.close_connection = True  # an unread body would be taken for the next request
        self._send_json(e.status, self.server.wire.error_message(e.status, e.code, e.message, e.field), e.headers)

    def _send_json(self, status: int, obj, headers: dict | None = None) -> int:
        return self._send(status, self.server.wire.encode(obj), "application/json", headers)

    def _send(self, status: int, data: bytes, ctype: str, headers: dict | None = None) -> int:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        return status

    def log_message(self, fmt, *args):  # http.server's own stderr lines: route them through logging instead
        log.debug("%s - " + fmt, self.address_string(), *args)
