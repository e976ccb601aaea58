"""Reconstruction jobs: a queue, worker threads, progress, cancel, and results kept for the client.

A job runs the method through the registry exactly as `sig2gps.pipeline.reconstruct_traces` does, but
in chunks of traces with one method instance, so that progress can be reported and a cancel honoured
between chunks without reloading a model. A method that does not batch (it keeps the base class's
reconstruct_many) gets one trace per chunk: progress moves, and a cancel lands, per trace. Nothing a
job does can stop the workers: every exception, even SystemExit from a misbehaving method, ends only
that job, in state "failed".

Progress inside a chunk (e.g. per sampler step of the video model): before each chunk the job sets
`method.progress_callback = fn(done, total, message=None)` on the method instance. A method that can
report finer progress calls it from inside reconstruct_many (`getattr(self, "progress_callback",
None)`); `done/total` is the share of the chunk finished. The call raises JobCancelled when the user
cancelled, so a long batch stops at the next step; JobCancelled is a BaseException, so a method's
per-trace `except Exception` does not swallow it. Methods that never call it lose nothing.
"""
from __future__ import annotations

import logging
import queue
import secrets
import tempfile
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from .. import deadline
from .config import ServerConfig
from .convert import frames_array, method_options, network_source, read_inputs, trace_json

log = logging.getLogger("sig2gps.server")


class JobCancelled(BaseException):
    """Raised in the job's worker thread once the job has been finished as "cancelled" (its partial result
    stored). A BaseException so that it passes through a method's per-trace `except Exception`."""


@dataclass
class Job:
    id: str
    request: dict  # checked, defaults filled (wire.check_job_request)
    created: float = field(default_factory=time.time)
    state: str = "queued"
    progress: float = 0.0
    message: str = "waiting for a worker"
    started: float | None = None
    finished: float | None = None
    traces_total: int = 0
    traces_done: int = 0
    traces_failed: int = 0
    error: dict | None = None
    result: dict | None = None
    frames: dict = field(default_factory=dict)  # (trace_id, rollout) -> (T,H,W,3) uint8, for frames="urls"
    frames_freed: bool = False  # frames dropped to stay under ServerConfig.max_frame_bytes
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def method(self) -> str:
        return self.request["method"]

    def status_json(self, wire_version: int) -> dict:
        return {"wire": wire_version, "job_id": self.id, "state": self.state, "progress": round(self.progress, 4),
                "message": self.message, "method": self.method, "traces_total": self.traces_total,
                "traces_done": self.traces_done, "traces_failed": self.traces_failed,
                "cancel_requested": self.cancel.is_set(), "created": self.created, "started": self.started,
                "finished": self.finished, "error": self.error}


class JobManager:
    def __init__(self, cfg: ServerConfig, wire):
        self.cfg = cfg
        self.wire = wire
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._tmp = None
        if cfg.cache_dir:
            self.cache_dir = Path(cfg.cache_dir)
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="sig2gps-serve-")
            self.cache_dir = Path(self._tmp.name)

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        for i in range(self.cfg.workers):
            t = threading.Thread(target=self._worker, name=f"sig2gps-job-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            for job in self._jobs.values():
                job.cancel.set()
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout)
        if self._tmp is not None:
            self._tmp.cleanup()

    # ---------------------------------------------------------------- API used by the HTTP layer
    def submit(self, request: dict) -> Job:
        job = Job(secrets.token_hex(8), request)
        job.traces_total = len(request.get("traces", []))
        with self._lock:
            self._jobs[job.id] = job
            self._evict()
        self._queue.put(job)
        log.info("job %s queued: %s, %s", job.id, job.method,
                 f"{job.traces_total} trace(s)" if job.traces_total else request.get("signaling_path"))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is None:
            return None
        job.cancel.set()
        with self._lock:
            if job.state == "queued":  # never started: nothing to wait for
                job.result = self._result(job, [], [], [], "", 0.0)  # before the state, so pollers never see
                self._finish(job, "cancelled", "cancelled before it started")  # "cancelled" without a result
        return job

    def counts(self) -> dict:
        with self._lock:
            states = [j.state for j in self._jobs.values()]
        return {"queued": states.count("queued"), "running": states.count("running"),
                "finished": sum(s in self.wire.FINAL_STATES for s in states)}

    # ---------------------------------------------------------------- internals
    def _evict(self) -> None:
        """Forget the oldest finished jobs beyond keep_jobs, and free old frames beyond max_frame_bytes
        (video frames are large: a few hundred MB per job at full size). Call with the lock held."""
        now = time.time()  # a result is kept until fetched (http.py sets .fetched) or keep_seconds old
        done = [j for j in self._jobs.values() if j.state in self.wire.FINAL_STATES
                and (getattr(j, "fetched", False) or now - (j.finished or now) > self.cfg.keep_seconds)]
        for j in done[: max(0, len(done) - self.cfg.keep_jobs)]:
            del self._jobs[j.id]
        total = 0
        for j in reversed(self._jobs.values()):  # newest first: the user is looking at the latest result
            size = sum(f.nbytes for f in j.frames.values())
            if j.frames and total and total + size > self.cfg.max_frame_bytes:  # the newest always keeps its own
                j.frames.clear()
                j.frames_freed = True
            total += size if j.frames else 0

    def _finish(self, job: Job, state: str, message: str) -> None:
        job.state, job.message, job.finished = state, message, time.time()
        if state == "done":
            job.progress = 1.0
        self._evict()

    def _worker(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                if job.state != "queued":  # cancelled while waiting
                    continue
                job.state, job.started, job.message = "running", time.time(), "reading input"
            try:
                self._run(job)
            except JobCancelled:
                pass
            except BaseException as e:  # noqa: BLE001 — a job must never take a worker (or the server) down
                self._fail(job, e)

    def _fail(self, job: Job, e: BaseException) -> None:
        user_error = isinstance(e, ValueError)  # InputError and clear validation messages are ValueErrors
        message = str(e) if user_error else f"{type(e).__name__}: {e}"
        if not user_error:
            log.error("job %s failed:\n%s", job.id, traceback.format_exc())
        else:
            log.warning("job %s failed: %s", job.id, message)
        job.error = {"status": 0, "code": "bad_request" if user_error else "job_failed",
                     "message": message or type(e).__name__, "field": getattr(e, "field", None)}
        with self._lock:
            self._finish(job, "failed", message)

    def _check_cancel(self, job: Job, done: list, errors: list, warnings: list, device: str, t0: float) -> None:
        if job.state in self.wire.FINAL_STATES:  # already finished (a method swallowed an earlier JobCancelled)
            raise JobCancelled
        if job.cancel.is_set():
            result = self._result(job, done, errors, warnings, device, time.perf_counter() - t0)  # PNGs: no lock
            with self._lock:
                job.result = result
                self._finish(job, "cancelled", f"cancelled after {len(done)} of {job.traces_total} trace(s)")
            log.info("job %s cancelled", job.id)
            raise JobCancelled

    def _run(self, job: Job) -> None:
        from ..methods import get_method
        from ..methods.base import ReconstructionMethod
        from ..network import load_network
        from ..network.load import coverage_warning

        req = job.request
        inp = read_inputs(req)
        job.traces_total = len(inp.traces) + len(inp.errors)
        job.traces_failed = len(inp.errors)
        cls = get_method(req["method"])
        t0 = time.perf_counter()
        self._check_cancel(job, [], inp.errors, inp.warnings, "", t0)
        src = network_source(req, cls.needs_network, self.cache_dir)
        if src is not None:
            job.message = "loading the road network"
            net = load_network(src, cache_beside=False)  # the setup cache: the user cache folder, never beside
            coverage = coverage_warning(net, inp.traces)  # a network of another area: said, as the CLI says it
            if coverage:
                inp.warnings.append(coverage)
        else:
            net = None
        job.message = f"starting {cls.name}"
        method = cls(net, method_options(req))
        done, errors = [], list(inp.errors)
        n = len(inp.traces)
        batches = type(method).reconstruct_many is not ReconstructionMethod.reconstruct_many
        # a batching method: at least ~10 progress steps for a long job, at most chunk_traces per call;
        # any other method: one trace per call (no batching to lose), so progress and cancel are per trace
        step = max(1, min(self.cfg.chunk_traces, -(-n // 10))) if batches else 1
        for i in range(0, n, step):
            self._check_cancel(job, done, errors, inp.warnings, method.device, t0)
            chunk = inp.traces[i:i + step]
            what = (f"trace {i + 1} of {n}" if len(chunk) == 1 else f"traces {i + 1}-{i + len(chunk)} of {n}")
            job.message = f"reconstructing {what}"
            method.progress_callback = self._step_callback(job, i, len(chunk), n, what, done, errors, inp.warnings,
                                                           method, t0)
            try:  # a DELETE stops a long trace at its next check (sig2gps.deadline), not only between chunks
                with deadline.scope(cancel=job.cancel, what="the job"):
                    recs, errs = method.reconstruct_many(chunk)
            except deadline.Cancelled:
                self._check_cancel(job, done, errors, inp.warnings, method.device, t0)
                raise
            done += recs
            errors += errs
            job.traces_done, job.traces_failed = len(done), len(errors)
            job.progress = (i + len(chunk)) / n * 0.99  # the last 1% is building the result
        method.progress_callback = None
        result = self._result(job, done, errors, inp.warnings, method.device, time.perf_counter() - t0,
                              complete=True)
        with self._lock:
            job.result = result
            self._finish(job, "done", f"{len(done)} of {job.traces_total} trace(s) reconstructed"
                         + (f", {len(errors)} failed" if errors else ""))
        log.info("job %s done: %s", job.id, job.message)

    def _step_callback(self, job: Job, first: int, size: int, n: int, what: str, done: list, errors: list,
                       warnings: list, method, t0: float):
        """The progress_callback of one chunk (see the module docstring): moves the job's progress within
        the chunk's share, and ends the job as cancelled (keeping the traces of earlier chunks) when asked."""
        def callback(steps_done: float, steps_total: float, message: str | None = None) -> None:
            share = min(max(float(steps_done) / float(steps_total), 0.0), 1.0) if steps_total else 0.0
            job.progress = max(job.progress, (first + share * size) / n * 0.99)
            job.message = f"reconstructing {what}: {message}" if message else \
                f"reconstructing {what}: step {int(steps_done)} of {int(steps_total)}"
            self._check_cancel(job, done, errors, warnings, method.device, t0)

        return callback

    def _result(self, job: Job, recs: list, errors: list, warnings: list, device: str, seconds: float,
                complete: bool = False) -> dict:
        mode = job.request.get("frames", "urls")
        traces = []
        warnings = list(warnings)
        for rec in recs:
            drop_nonfinite_points(rec, warnings)
            frames = []
            for k, r in enumerate(rec.rollouts):
                try:
                    fr = frames_array(r.frames)
                except ValueError as e:  # a method bug must not lose the trajectory itself
                    warnings.append(f"trace {rec.trace_id}, rollout {k}: frames dropped: {e}")
                    fr = None
                if fr is not None and mode == "urls":  # inline PNGs travel in the result itself
                    job.frames[(rec.trace_id, k)] = fr
                frames.append(fr)
            url_base = f"/jobs/{job.id}/frames/{_quote(rec.trace_id)}"
            traces.append(trace_json(rec, frames, mode, url_base))
        result = {"wire": self.wire.WIRE_VERSION, "job_id": job.id, "state": "done" if complete else "cancelled",
                  "complete": complete, "method": job.method, "device": device or "",
                  "seconds_total": round(max(seconds, 0.0), 4), "traces": traces,
                  "errors": [{"trace_id": e.trace_id, "reason": e.reason} for e in errors], "warnings": warnings}
        # The server never hands out a result the plugin would refuse: a method's bad output fails the job here,
        # with the offending field named, instead of a 500 (or a confused plugin) later.
        try:
            self.wire.validate(result, "result")
        except self.wire.WireError as e:
            raise RuntimeError(f"method {job.method!r} returned output outside the wire format: {e}") from None
        return result


def drop_nonfinite_points(rec, warnings: list) -> None:
    """NaN/inf positions are not JSON and cannot be drawn: drop those points (a method bug), say so."""
    import numpy as np

    from ..types import GpsTrace

    for k, r in enumerate(rec.rollouts):
        tr = r.track
        ok = np.isfinite(tr.t) & np.isfinite(tr.lon) & np.isfinite(tr.lat)
        if not ok.all():
            warnings.append(f"trace {rec.trace_id}, rollout {k}: {int((~ok).sum())} non-finite point(s) dropped")
            r.track = GpsTrace(tr.trace_id, tr.t[ok], tr.lon[ok], tr.lat[ok])


def _quote(s: str) -> str:
    from urllib.parse import quote

    return quote(str(s), safe="")
