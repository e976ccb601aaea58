"""Background work as QgsTasks (Gispo's pattern): run() wraps _run(), finished() reports.

_run() runs in a worker thread: it never touches widgets and never emits our own Qt signals; it
only sets progress (QgsTask makes that thread-safe) and stores its result or exception. finished()
runs on the main thread and hands the outcome to the callbacks the caller gave.
"""
from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask

from .errors import BackendError, Cancelled, Sig2GpsError
from .i18n import tr

LOG_TAG = "Sig2GPS"


class BaseTask(QgsTask):
    def __init__(self, description: str, on_done=None, on_error=None):
        super().__init__(description, QgsTask.CanCancel)
        self.result_value = None
        self.exception: Exception | None = None
        self._on_done, self._on_error = on_done, on_error

    def run(self) -> bool:
        try:
            self.result_value = self._run()
            return True
        except Exception as e:  # stored and reported on the main thread by finished()
            self.exception = e
            QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Info)
            return False

    def _run(self):
        raise NotImplementedError

    def finished(self, ok: bool) -> None:
        if ok and self._on_done:
            self._on_done(self.result_value)
        elif not ok:
            err = self.exception
            if err is None:  # cancelled before it produced anything
                err = Cancelled(tr("{0} was cancelled.").format(self.description()))
            elif not isinstance(err, Sig2GpsError):
                err = Sig2GpsError(tr("{0} failed: {1}").format(self.description(), str(err)))
            QgsMessageLog.logMessage(err.message, LOG_TAG, err.level)
            if self._on_error:
                self._on_error(err)


class ReconstructTask(BaseTask):
    """Submit one job to the backend, follow its progress, cancel it on request, fetch the result.

    `backend` is a backend_service.Backend (it starts the server process when needed). The result is
    request.JobResult; a cancelled job returns its partial result.
    """

    def __init__(self, backend, request: dict, on_done=None, on_error=None, poll_s: float = 0.3):
        super().__init__(tr("Sig2GPS reconstruction ({0})").format(request.get("method", "?")), on_done, on_error)
        self.backend, self.request, self.poll_s = backend, request, poll_s
        self.status_message = ""

    def _run(self):
        from .request import parse_result

        def progress(st):
            self.status_message = st.get("message", "") or ""
            self.setProgress(100.0 * float(st.get("progress", 0.0)))

        body = run_job(self.backend, self.request, on_progress=progress, should_cancel=self.isCanceled,
                       poll_s=self.poll_s)
        return parse_result(body)


class CallTask(BaseTask):
    """Run one blocking call (e.g. start the backend and list its methods) off the GUI thread."""

    def __init__(self, description: str, fn, on_done=None, on_error=None):
        super().__init__(description, on_done, on_error)
        self.fn = fn

    def _run(self):
        return self.fn()


def run_job(backend, request: dict, on_progress=None, should_cancel=None, poll_s: float = 0.3) -> dict:
    """Run one job to its end on `backend` (backend_service.Backend); client errors become Sig2GpsErrors.

    Blocking: call it from a QgsTask or a Processing algorithm, never from the GUI thread.
    """
    from .backend_client import BackendError as ClientError, BackendUnavailable, CancelNotHonoured, JobFailed
    from .backend_process import BackendStartError

    if backend is None:
        raise BackendError(tr("No Sig2GPS backend is configured (set the backend's Python in the settings)."))
    try:
        client = backend.client()
    except BackendStartError as e:
        raise BackendError(tr("The Sig2GPS backend could not start: {0}").format(e.message), backend.log_tail()) from e
    except ClientError as e:
        raise BackendError(tr("The Sig2GPS backend is not available: {0}").format(e.message), backend.log_tail()) \
            from e
    try:
        return client.run(request, on_progress=on_progress, should_cancel=should_cancel, poll_s=poll_s)
    except CancelNotHonoured as e:
        raise Cancelled(tr("Cancelled. The backend was still in a long step; it drops the job when that step "
                           "ends."), e.message) from e
    except BackendUnavailable as e:
        raise BackendError(tr("The Sig2GPS backend stopped answering ({0}). It will be restarted; "
                              "run the reconstruction again.").format(e.message), backend.log_tail()) from e
    except JobFailed as e:
        raise BackendError(tr("The reconstruction failed in the backend: {0}").format(e.message),
                           backend.log_tail(40)) from e
    except ClientError as e:
        where = tr(" (field {0})").format(e.field) if e.field else ""
        raise BackendError(tr("The backend refused the job: {0}{1}").format(e.message, where)) from e


def start(task: QgsTask) -> QgsTask:
    """Hand a task to QGIS's task manager (keeps a reference so Python does not collect it)."""
    QgsApplication.taskManager().addTask(task)
    return task
