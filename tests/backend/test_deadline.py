"""Bounded work per trace (sig2gps.deadline): a trace over its time limit fails alone, and a server job's cancel
stops a long hmm trace inside its loops, not after it."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from sig2gps import deadline
from sig2gps.methods import MethodOptions, get_method
from sig2gps.types import SignalingTrace


# ---------------------------------------------------------------- the deadline object
def test_no_scope_never_raises():
    deadline.check()  # loops call it unconditionally; outside a scope it is a no-op


def test_time_limit_raises_a_value_error_naming_the_limit():
    with deadline.scope(0.05, what="trace x"):
        deadline.check()
        time.sleep(0.08)
        with pytest.raises(deadline.TraceTimeout, match=r"trace x took longer than its time limit of 0.05 s"):
            deadline.check()
    assert issubclass(deadline.TraceTimeout, ValueError)  # so reconstruct_many reports it like any bad trace
    deadline.check()  # the scope is gone


def test_cancel_is_a_base_exception_and_reaches_nested_scopes():
    ev = threading.Event()
    with deadline.scope(cancel=ev):
        with deadline.scope(60.0):  # a trace's limit inside a job's scope keeps the job's cancel
            deadline.check()
            ev.set()
            with pytest.raises(deadline.Cancelled):
                deadline.check()
    assert not issubclass(deadline.Cancelled, Exception)  # passes through a method's `except Exception`


def test_inner_scope_never_outlives_the_outer_one():
    with deadline.scope(0.05, what="outer"):
        with deadline.scope(60.0, what="inner") as d:
            assert d.remaining() <= 0.05
            time.sleep(0.08)
            with pytest.raises(deadline.TraceTimeout, match="outer"):
                deadline.check()


def test_exempt_time_is_not_charged_but_cancel_still_applies():
    ev = threading.Event()
    with deadline.scope(0.1, cancel=ev) as d:
        end = d.end
        with deadline.exempt():
            time.sleep(0.15)
            deadline.check()  # over the limit, but the time is exempt
        assert d.end >= end + 0.15
        deadline.check()
        with deadline.exempt():
            ev.set()
            with pytest.raises(deadline.Cancelled):
                deadline.check()


def test_threads_do_not_share_a_deadline():
    seen = []
    with deadline.scope(0.01):
        time.sleep(0.02)
        t = threading.Thread(target=lambda: seen.append(deadline.current()))
        t.start()
        t.join()
    assert seen == [None]


# ---------------------------------------------------------------- methods
@pytest.fixture(scope="module")
def net_and_traces():
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    net = load_network(default_network())
    return net, [s.signaling for s in simulate(net, 3, seed=7).traces]


def long_trace(base: SignalingTrace, n: int, trace_id: str = "long") -> SignalingTrace:
    """n records: a simulated trip driven back and forth (30 s between passes), as a phone logging all day."""
    t, cells, lon, lat, off = [], [], [], [], 0.0
    for k in range(-(-n // len(base))):
        idx = np.arange(len(base))[:: 1 if k % 2 == 0 else -1]
        dt = base.t - base.t[0]
        t.append(off + dt)
        off += dt[-1] + 30.0
        cells.append(np.asarray(base.cell_id, object)[idx])
        lon.append(base.lon[idx])
        lat.append(base.lat[idx])
    cat = [np.concatenate(a)[:n] for a in (t, cells, lon, lat)]
    return SignalingTrace(trace_id, base.t[0] + cat[0], list(cat[1]), cat[2], cat[3])


def test_a_trace_over_its_time_limit_fails_alone(net_and_traces):
    net, traces = net_and_traces
    slow = long_trace(traces[0], 6000)
    method = get_method("hmm")(net, MethodOptions(trace_timeout_s=0.3))
    t0 = time.perf_counter()
    recs, errors = method.reconstruct_many([traces[1], slow, traces[2]])
    assert time.perf_counter() - t0 < 10  # stopped, not run to the end (about 2 s for 6000 records here)
    assert [r.trace_id for r in recs] == [traces[1].trace_id, traces[2].trace_id]
    assert [e.trace_id for e in errors] == ["long"]
    assert "time limit of 0.3 s" in errors[0].reason and "--trace-timeout" in errors[0].reason


def test_per_network_setup_is_not_charged_to_the_first_trace(net_and_traces, monkeypatch):
    net, traces = net_and_traces
    from sig2gps.methods import hmm

    class SlowSetup(hmm.HmmMethod):  # not registered: a matcher whose construction takes longer than the limit
        def __init__(self, network, options=None):
            super().__init__(network, options)
            real = self._matcher_cls

            def slow(*a, **kw):
                time.sleep(0.4)
                return real(*a, **kw)

            self._matcher_cls = slow

    recs, errors = SlowSetup(net, MethodOptions(trace_timeout_s=0.3)).reconstruct_many(traces[:1])
    assert len(recs) == 1 and not errors


@pytest.mark.parametrize("name", ["towers", "nftrack"])
def test_every_cpu_method_honours_the_limit(net_and_traces, name):
    net, traces = net_and_traces
    recs, errors = get_method(name)(net, MethodOptions(trace_timeout_s=1e-9)).reconstruct_many(traces[:2])
    assert not recs and [e.trace_id for e in errors] == [t.trace_id for t in traces[:2]]
    assert all("time limit" in e.reason for e in errors)


def test_no_limit_with_zero(net_and_traces):
    net, traces = net_and_traces
    recs, errors = get_method("towers")(net, MethodOptions(trace_timeout_s=0)).reconstruct_many(traces)
    assert len(recs) == 3 and not errors


def test_cli_flag_sets_the_limit():
    from sig2gps.cli import build_parser
    from sig2gps.commands.reconstruct import options_from_args

    args = build_parser().parse_args(["reconstruct", "--trace-timeout", "2.5"])
    assert options_from_args(args).trace_timeout_s == 2.5
    args = build_parser().parse_args(["reconstruct"])
    assert options_from_args(args).trace_timeout_s == MethodOptions.trace_timeout_s
    with pytest.raises(ValueError, match="--trace-timeout"):
        options_from_args(build_parser().parse_args(["reconstruct", "--trace-timeout", "-1"]))


# ---------------------------------------------------------------- the server
def test_server_cancel_interrupts_a_long_hmm_trace_within_2_s(net_and_traces, tmp_path):
    from servertools import http

    from sig2gps.server import BackendServer, ServerConfig

    _, traces = net_and_traces
    slow = long_trace(traces[0], 40_000)  # about 15 s of hmm on this machine if it ran to the end
    body = {"wire": 1, "method": "hmm", "traces": [{"trace_id": slow.trace_id, "t": slow.t.tolist(),
                                                    "cell_id": [str(c) for c in slow.cell_id],
                                                    "lon": slow.lon.tolist(), "lat": slow.lat.tolist()}]}
    import json

    srv = BackendServer(ServerConfig(data_dirs=(str(tmp_path),)))
    srv.start_in_thread()
    try:
        status, job, _ = http(srv, "POST", "/jobs", json.dumps(body).encode())
        assert status in (200, 201, 202), job
        jid = job["job_id"]
        t_end = time.monotonic() + 60
        while time.monotonic() < t_end:  # until the matcher is inside the trace
            st = http(srv, "GET", f"/jobs/{jid}")[1]
            if st["message"].startswith("reconstructing trace 1"):
                break
            time.sleep(0.05)
        time.sleep(0.5)
        t0 = time.monotonic()
        assert http(srv, "DELETE", f"/jobs/{jid}")[1]["cancel_requested"]
        while time.monotonic() - t0 < 10:
            st = http(srv, "GET", f"/jobs/{jid}")[1]
            if st["state"] != "running":
                break
            time.sleep(0.02)
        took = time.monotonic() - t0
        assert st["state"] == "cancelled", st
        assert took < 2.0, f"cancel took {took:.2f} s"
        res = http(srv, "GET", f"/jobs/{jid}/result")[1]
        assert res["traces"] == [] and res["complete"] is False  # stopped inside the trace, not after it
    finally:
        srv.close()
