"""Job progress and cancel as a user watches them: progress moves per trace, and per step inside a method
that reports steps (server/jobs.py's progress_callback); a cancel lands between steps, within seconds,
and the cancelled job's result says it is incomplete."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from servertools import registered
from sig2gps.methods.towers import TowersMethod
from sig2gps.server import BackendServer, ServerConfig

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from plugin.backend_client import BackendClient, build_request  # noqa: E402


class _SlowTrace(TowersMethod):
    """A non-batching method that takes a while per trace (the base class's reconstruct_many)."""
    name = "_test_slow_trace"

    def reconstruct(self, trace):
        time.sleep(0.3)
        return super().reconstruct(trace)


class _Steps(TowersMethod):
    """A batching method (its own reconstruct_many) that reports `steps` sampler-like steps per call."""
    name = "_test_steps"

    def reconstruct_many(self, traces):
        steps = int(self.options.extra.get("steps", 10))
        cb = getattr(self, "progress_callback", None)
        for s in range(steps):
            time.sleep(float(self.options.extra.get("step_s", 0.05)))
            if cb is not None:
                cb(s + 1, steps)
        recs = [TowersMethod.reconstruct(self, t) for t in traces]
        return recs, []


class _Swallows(_Steps):
    """A method that wrongly catches everything around its steps: the cancel must still end the job."""
    name = "_test_swallows"

    def reconstruct_many(self, traces):
        try:
            return super().reconstruct_many(traces)
        except Exception:  # noqa: BLE001 - the point of the test
            return [], []


@pytest.fixture(scope="module", autouse=True)
def test_methods():
    with registered(_SlowTrace, _Steps, _Swallows):
        yield


@pytest.fixture(scope="module")
def client():
    srv = BackendServer(ServerConfig(chunk_traces=8))
    srv.start_in_thread()
    yield BackendClient(srv.url, srv.token, timeout=10)
    srv.close()


@pytest.fixture(scope="module")
def traces():
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    sim = simulate(load_network(default_network()), 4, seed=3)
    return [{"trace_id": s.signaling.trace_id, "t": s.signaling.t.tolist(), "cell_id": list(s.signaling.cell_id),
             "lon": s.signaling.lon.tolist(), "lat": s.signaling.lat.tolist()} for s in sim.traces]


def watch(client, job_id, timeout=30.0):
    """Every (progress, message) the job showed until it ended."""
    seen, t0 = [], time.monotonic()
    while time.monotonic() - t0 < timeout:
        st = client.status(job_id)
        seen.append((st["progress"], st["message"]))
        if st["state"] in ("done", "cancelled", "failed"):
            return st, seen
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end within {timeout} s")


def test_progress_moves_per_trace_for_a_method_that_does_not_batch(client, traces):
    # chunk_traces=8 would put all 4 traces in one chunk; a non-batching method gets one trace per call
    job = client.submit(build_request("_test_slow_trace", traces=traces))
    st, seen = watch(client, job["job_id"])
    assert st["state"] == "done"
    running = sorted({p for p, m in seen if 0 < p < 1})
    assert len(running) >= 3, seen  # 0.2475, 0.495, 0.7425 (each trace's end)
    assert any("trace 2 of 4" in m for _, m in seen)


def test_progress_moves_per_step_inside_one_call(client, traces):
    req = build_request("_test_steps", traces=traces[:1], extra={"steps": 20, "step_s": 0.05})
    st, seen = watch(client, client.submit(req)["job_id"])
    assert st["state"] == "done" and st["progress"] == 1.0
    values = [p for p, _ in seen]
    assert values == sorted(values)  # never goes back
    assert len({p for p in values if 0 < p < 0.99}) >= 5, seen  # not 0 then a jump to the end
    assert any("step" in m for _, m in seen)


@pytest.mark.parametrize("method", ["_test_steps", "_test_swallows"])
def test_cancel_lands_between_steps_within_seconds(client, traces, method):
    # 200 steps of 0.1 s: 20 s if the cancel were only honoured between chunks
    req = build_request(method, traces=traces, extra={"steps": 200, "step_s": 0.1})
    job_id = client.submit(req)["job_id"]
    t0 = time.monotonic()
    while client.status(job_id)["progress"] == 0 and time.monotonic() - t0 < 20:
        time.sleep(0.02)
    t_cancel = time.monotonic()
    client.cancel(job_id)
    st, _ = watch(client, job_id, timeout=20)
    assert st["state"] == "cancelled" and time.monotonic() - t_cancel < 3.0
    res = client.result(job_id)
    assert res["state"] == "cancelled" and res["complete"] is False and res["traces"] == []
