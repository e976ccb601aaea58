"""Talk to the local Sig2GPS backend server (`sig2gps serve`) over HTTP, with the standard library only.

No Qt here, so it is testable from the backend venv as well as QGIS's Python. Every call is blocking:
the plugin calls it from a QgsTask, never from the GUI thread. Messages are checked against the one
wire format (resources/wire), the same checks the server makes, so a bad request fails here with the
field named before anything is sent.

    client = BackendClient.from_connection_file(path)     # written by `sig2gps serve --token-file`
    job = client.submit(build_request("towers", traces=[...]))
    result = client.wait(job["job_id"], on_progress=lambda st: ...)
"""
from __future__ import annotations

import copy
import http.client
import importlib.util
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# ---------------------------------------------------------------- the shared wire module
_WIRE_MODULE = "sig2gps_wire"


def wire_path() -> Path:
    """Where wire.py is: $SIG2GPS_WIRE_DIR, the packaged plugin's wire/ folder, or the checkout's resources/wire/."""
    here = Path(__file__).resolve().parent
    candidates = [Path(os.environ["SIG2GPS_WIRE_DIR"])] if os.environ.get("SIG2GPS_WIRE_DIR") else []
    candidates += [here / "wire", here.parent / "resources" / "wire"]
    for c in candidates:
        if (c / "wire.py").exists():
            return c / "wire.py"
    raise ImportError("the Sig2GPS wire format (wire.py) was not found in " + ", ".join(map(str, candidates)))


def load_wire():
    """The wire module (validator, schemas, WireError), loaded once by path and shared in sys.modules."""
    if _WIRE_MODULE not in sys.modules:
        spec = importlib.util.spec_from_file_location(_WIRE_MODULE, wire_path())
        mod = importlib.util.module_from_spec(spec)
        sys.modules[_WIRE_MODULE] = mod
        try:
            spec.loader.exec_module(mod)
        except BaseException:
            del sys.modules[_WIRE_MODULE]
            raise
    return sys.modules[_WIRE_MODULE]


def option_schema(name: str) -> dict:
    """A method option's wire schema (description, type, default, minimum, maximum, ...), so a widget offers what
    the backend declares: wire/schemas/options.schema.json is generated from the backend's declarations."""
    return load_wire().load_schema("options")["properties"][name]


# ---------------------------------------------------------------- errors
class BackendError(Exception):
    """The backend answered with an error (or a job failed). `field` names the offending request field."""

    def __init__(self, message: str, status: int = 0, code: str = "internal", field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.code, self.field = message, status, code, field


class BackendUnavailable(BackendError):
    """No backend answers at the address (not started, crashed, or killed mid-job)."""


class JobFailed(BackendError):
    """The job ended in state 'failed'; the message is the backend's reason."""


class JobTimeout(BackendError):
    """`wait` gave up before the job finished (the job may still be running)."""


class CancelNotHonoured(BackendError):
    """The job was cancelled but did not stop within the grace period (a method step that takes long, or a
    method that ignores cancels); the caller stops waiting, the backend drops the job when it can."""


# ---------------------------------------------------------------- connection file
@dataclass(frozen=True)
class Connection:
    url: str
    token: str
    pid: int
    version: str


def read_connection(path) -> Connection:
    """Read the JSON that `sig2gps serve --token-file PATH` writes once it listens (wire: connection)."""
    wire = load_wire()
    try:
        data = wire.decode(Path(path).read_bytes(), "connection")
    except OSError as e:
        raise BackendUnavailable(f"cannot read the backend's connection file {path}: {e.strerror}")
    except wire.WireError as e:
        raise BackendError(f"{path}: not a backend connection file: {e}", code="bad_request", field=e.field)
    return Connection(data["url"], data["token"], data["pid"], data["version"])


# ---------------------------------------------------------------- requests
def build_request(method: str, traces: list | None = None, signaling_path: str | None = None,
                  cells: list | None = None, cells_path: str | None = None,
                  network_path: str | None = None, network_geojson: dict | None = None,
                  conditioning_png: bytes | None = None, conditioning_bounds: tuple | None = None,
                  frames_mode: str = "urls", client: str = "qgis-plugin", **options) -> dict:
    """A job request (wire: job_request), checked before it is returned; raises WireError naming the field.

    traces: dicts {"trace_id", "t" (Unix seconds), "cell_id", "lon", "lat"} with parallel lists
      (lon/lat may be left out when cells are given); or give signaling_path (a CSV the backend reads).
    cells: dicts {"cell_id", "lon", "lat"}; network_geojson: a FeatureCollection of WGS84 lines (e.g. the
      road layer the user picked); without network the backend uses its default network.
    conditioning_png/bounds: the tile the user saw (west, south, east, north in lon/lat).
    frames_mode: "urls" (fetch each PNG with frame_png), "inline" (base64 in the result) or "none".
    options: method options (rollouts=3, consensus=True, frames=13, extra={...}, ...): the names, defaults and
      limits of wire/schemas/options.schema.json (generated from the backend's declarations); left out or None:
      the default. An unknown name fails the check, with a "did you mean".
    """
    import base64

    wire = load_wire()
    given = {k: copy.deepcopy(v) for k, v in options.items() if v is not None}
    req: dict = {"wire": wire.WIRE_VERSION, "method": method, "client": client, "frames": frames_mode,
                 "options": dict(copy.deepcopy(wire.DEFAULT_OPTIONS), **given)}
    if traces is not None:
        req["traces"] = [{k: (list(v) if k != "trace_id" else str(v)) for k, v in tr.items()} for tr in traces]
    if signaling_path is not None:
        req["signaling_path"] = str(signaling_path)
    if cells is not None:
        req["cells"] = [dict(c) for c in cells]
    if cells_path is not None:
        req["cells_path"] = str(cells_path)
    if network_path is not None:
        req["network"] = {"path": str(network_path)}
    if network_geojson is not None:
        req.setdefault("network", {})["geojson"] = network_geojson
    if conditioning_png is not None:
        req["conditioning"] = {"png_base64": base64.b64encode(conditioning_png).decode("ascii"),
                               "bounds_lonlat": [float(v) for v in (conditioning_bounds or ())]}
    wire.check_job_request(req)
    return req


# ---------------------------------------------------------------- the client
class BackendClient:
    """Blocking HTTP client of one backend server; safe to share between threads (no state but the address)."""

    def __init__(self, url: str, token: str, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.wire = load_wire()

    @classmethod
    def from_connection_file(cls, path, timeout: float = 30.0) -> "BackendClient":
        c = read_connection(path)
        return cls(c.url, c.token, timeout)

    # -- plain calls
    def health(self) -> dict:
        """GET /health (wire: health). Raises BackendUnavailable when nothing answers."""
        return self._json("GET", "/health", expect="health")

    def methods(self) -> list[dict]:
        """GET /methods: [{name, description, needs_network, ready}]."""
        return self._json("GET", "/methods", expect="methods")["methods"]

    def submit(self, request: dict) -> dict:
        """POST /jobs; returns the new job's status (wire: job_status) with its job_id."""
        self.wire.check_job_request(request)
        return self._json("POST", "/jobs", body=request, expect="job_status")

    def status(self, job_id: str) -> dict:
        """GET /jobs/{id}: state, progress (0..1), message, traces done/failed, error."""
        return self._json("GET", f"/jobs/{_q(job_id)}", expect="job_status")

    def cancel(self, job_id: str) -> dict:
        """DELETE /jobs/{id}: asks the job to stop after the trace batch it is on; returns its status."""
        return self._json("DELETE", f"/jobs/{_q(job_id)}", expect="job_status")

    def result(self, job_id: str) -> dict:
        """GET /jobs/{id}/result (wire: result): per trace, per rollout timestamped points, score, info, frames.

        Raises BackendError (code 'conflict') while the job is not finished, JobFailed when it failed.
        """
        return self._json("GET", f"/jobs/{_q(job_id)}/result", expect="result")

    def frame_png(self, job_id: str, trace_id: str, rollout: int, k: int) -> bytes:
        """One generated frame as PNG bytes (GET /jobs/{id}/frames/{trace}/{rollout}/{k}.png)."""
        return self.fetch(f"/jobs/{_q(job_id)}/frames/{_q(trace_id)}/{int(rollout)}/{int(k)}.png")

    def fetch(self, relative_url: str) -> bytes:
        """GET any URL the server handed out (e.g. result frames' urls), with the token."""
        return self._request("GET", relative_url)[1]

    # -- waiting
    def wait(self, job_id: str, poll_s: float = 0.5, timeout: float | None = None, on_progress=None,
             should_cancel=None, cancel_grace_s: float = 5.0) -> dict:
        """Poll until the job ends; return its result (partial when cancelled: result['complete'] is False).

        on_progress(status) is called after each poll; should_cancel() -> True cancels the job (a QgsTask's
        isCanceled). A cancelled job that has not stopped `cancel_grace_s` seconds later raises
        CancelNotHonoured, so a Cancel button never waits on a long step. Raises JobFailed, JobTimeout, or
        BackendUnavailable if the backend dies meanwhile.
        """
        t0 = time.monotonic()
        cancel_sent = None  # when the cancel was sent
        while True:
            st = self.status(job_id)
            if on_progress:
                on_progress(st)
            if st["state"] == "failed":
                err = st.get("error") or {}
                raise JobFailed(err.get("message", "the job failed"), err.get("status", 0),
                                err.get("code", "job_failed"), err.get("field"))
            if st["state"] in ("done", "cancelled"):
                return self.result(job_id)
            if should_cancel and cancel_sent is None and should_cancel():
                st = self.cancel(job_id)
                cancel_sent = time.monotonic()
                if st["state"] in ("done", "cancelled"):  # it was queued, or ended meanwhile
                    return self.result(job_id)
            if cancel_sent is not None and time.monotonic() - cancel_sent > cancel_grace_s:
                raise CancelNotHonoured(f"job {job_id} was cancelled and did not stop within {cancel_grace_s:.0f} s "
                                        f"({st.get('message', '')})", code="cancelled")
            if timeout is not None and time.monotonic() - t0 > timeout:
                raise JobTimeout(f"job {job_id} still {st['state']} after {timeout:.0f} s", code="timeout")
            time.sleep(poll_s)

    def run(self, request: dict, **wait_kwargs) -> dict:
        """submit + wait."""
        return self.wait(self.submit(request)["job_id"], **wait_kwargs)

    # -- transport
    def _request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = self.wire.encode(body) if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            raise self._error_from(e.code, e.read()) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:  # refused, reset, cut off
            reason = getattr(e, "reason", e)
            raise BackendUnavailable(f"the Sig2GPS backend at {self.url} does not answer ({reason})",
                                     code="unavailable") from None

    def _json(self, method: str, path: str, body: dict | None = None, expect: str | None = None) -> dict:
        _, raw = self._request(method, path, body)
        try:
            return self.wire.decode(raw, expect)
        except self.wire.WireError as e:
            raise BackendError(f"the backend sent an answer this plugin does not understand ({e}); "
                               "are plugin and backend the same version?", code="internal", field=e.field)

    def _error_from(self, status: int, raw: bytes) -> BackendError:
        try:
            err = self.wire.decode(raw, "error")["error"]
        except self.wire.WireError:
            return BackendError(f"HTTP {status}: {raw[:200].decode('utf-8', 'replace')}", status)
        cls = JobFailed if err["code"] == "job_failed" else BackendError
        return cls(err["message"], status, err["code"], err.get("field"))


def _q(part) -> str:
    return urllib.parse.quote(str(part), safe="")
