"""What a client holding the token can and cannot make the server do (issue 19, section 4): read only the
data folders, write nowhere, never echo a file, never read a stranger's body, never reset a burst of clients."""
from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest

from servertools import http
from sig2gps.methods import registry
from sig2gps.methods.towers import TowersMethod
from sig2gps.server import BackendServer, ServerConfig, write_connection_file
from sig2gps.server.http import OWNER_FILE, TEMP_PREFIX, clean_stale_temp

T0 = 1_777_618_800.0


class _Hold(TowersMethod):
    """Blocks until released, so a test can fill the queue deterministically."""
    name = "_test_hold"
    release = threading.Event()

    def reconstruct(self, trace):
        assert _Hold.release.wait(30)
        return super().reconstruct(trace)


@pytest.fixture(scope="module", autouse=True)
def hold_method():
    registry.available_methods()
    registry.register(_Hold)
    yield
    _Hold.release.set()
    registry._REGISTRY.pop(_Hold.name, None)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    rows = ["trace_id,timestamp,cell_id,lon,lat"] + [f"a,{T0 + 60 * k},c{k},24.9{k},60.1" for k in range(5)]
    (d / "s.csv").write_text("\n".join(rows) + "\n")
    (d / ".hidden").mkdir()
    (d / ".hidden" / "s.csv").write_text((d / "s.csv").read_text())
    (d / "secret.csv").write_text("root:$6$hash-that-must-not-leak:19000:0:99999:7:::\n1,2\n")
    (d / "notes.txt.bak").write_text("x")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "s.csv").write_text((d / "s.csv").read_text())
    (d / "link.csv").symlink_to(outside / "s.csv")
    return d, outside


@pytest.fixture(scope="module")
def server(data):
    srv = BackendServer(ServerConfig(data_dirs=(str(data[0]),), max_queued=4, keep_jobs=1))
    srv.start_in_thread()
    yield srv
    _Hold.release.set()
    srv.close()


def call(server, method, path, body=None, token="good", headers=None):
    return http(server, method, path, body, token, headers)


def job(method="towers", **kw) -> bytes:
    req = {"wire": 1, "method": method}
    req.update(kw)
    if "signaling_path" not in req and "traces" not in req:
        req["traces"] = [{"trace_id": "a", "t": [T0, T0 + 60, T0 + 120], "cell_id": ["1", "2", "3"],
                          "lon": [24.9, 24.91, 24.92], "lat": [60.1, 60.1, 60.1]}]
    return json.dumps(req).encode()


def wait_done(server, job_id, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        st = call(server, "GET", f"/jobs/{job_id}")[1]
        if st["state"] in ("done", "failed", "cancelled"):
            return st
        time.sleep(0.05)
    raise AssertionError("job did not end")


# ---------------------------------------------------------------- reading
def test_a_file_in_the_data_folder_is_read(server, data):
    status, st, _ = call(server, "POST", "/jobs", job(signaling_path=str(data[0] / "s.csv")))
    assert status == 202 and wait_done(server, st["job_id"])["state"] == "done"


@pytest.mark.parametrize("path,field", [
    ("/etc/passwd", "signaling_path"),
    ("/proc/self/environ", "signaling_path"),
    ("{outside}/s.csv", "signaling_path"),
    ("{data}/../{outside_name}/s.csv", "signaling_path"),  # '..' resolved before the check
    ("{data}/link.csv", "signaling_path"),  # a link out of the data folder
    ("{data}/.hidden/s.csv", "signaling_path"),
])
def test_paths_outside_the_data_folders_are_refused(server, data, path, field):
    d, outside = data
    path = path.format(data=d, outside=outside, outside_name=outside.name)
    status, body, _ = call(server, "POST", "/jobs", job(signaling_path=path))
    assert status == 403 and body["error"]["field"] == field
    assert "data folder" in body["error"]["message"] or "hidden" in body["error"]["message"]


def test_every_server_side_path_field_is_checked(server, data):
    d, outside = data
    for extra, field in [({"cells_path": "/etc/passwd"}, "cells_path"),
                         ({"network": {"path": str(outside / "s.csv")}}, "network.path"),
                         ({"options": {"model": "/etc"}}, "options.model"),
                         ({"options": {"fingerprint": "/etc/passwd"}}, "options.fingerprint")]:
        status, body, _ = call(server, "POST", "/jobs", job(**extra))
        assert (status, body["error"]["field"]) == (403, field), extra


def test_relative_paths_and_wrong_kinds_are_400(server, data):
    d, _ = data
    for path, words in [("s.csv", "absolute"), (str(d / "nope.csv"), "not found"),
                        (str(d / "notes.txt.bak"), "expected a file ending"), (str(d), "folder")]:
        status, body, _ = call(server, "POST", "/jobs", job(signaling_path=path))
        assert status == 400 and words in body["error"]["message"], path


def test_file_content_is_never_echoed(server, data):
    d, _ = data
    status, st, _ = call(server, "POST", "/jobs", job(signaling_path=str(d / "secret.csv")))
    assert status == 202
    st = wait_done(server, st["job_id"])
    assert st["state"] == "failed" and "'trace_id'" in st["error"]["message"]
    assert "hash-that-must-not-leak" not in json.dumps(st) and "$6$" not in json.dumps(st)


# ---------------------------------------------------------------- writing
def test_a_request_cannot_choose_where_the_server_writes(server, tmp_path):
    status, body, _ = call(server, "POST", "/jobs",
                           job(options={"extra": {"frames_dir": str(tmp_path / "x")}}))
    assert status == 403 and body["error"]["field"] == "options.extra.frames_dir"
    assert not (tmp_path / "x").exists()


def test_connection_file_is_private_even_if_its_temp_name_is_planted(tmp_path):
    target = tmp_path / "conn.json"
    victim = tmp_path / "victim"
    victim.write_text("keep")
    for name in ("conn.json.tmp", f".conn.json.{os.getpid()}.tmp"):  # old and new temporary names, as links
        (tmp_path / name).symlink_to(victim)
    write_connection_file(target, {"pid": os.getpid(), "token": "t"})
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and json.loads(target.read_text())["token"] == "t"
    assert victim.read_text() == "keep" and not target.is_symlink()


def test_stale_connection_file_and_temp_folder_are_cleaned(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    conn = tmp_path / "conn.json"
    conn.write_text(json.dumps({"pid": dead.pid, "token": "old"}))
    stale_tmp = tmp_path / f".conn.json.{dead.pid}-abcd.tmp"
    stale_tmp.write_text("{}")
    write_connection_file(conn, {"pid": os.getpid(), "token": "new"})
    assert json.loads(conn.read_text())["token"] == "new" and not stale_tmp.exists()
    stale, alive = tmp_path / f"{TEMP_PREFIX}old", tmp_path / f"{TEMP_PREFIX}live"
    for d, pid in ((stale, dead.pid), (alive, os.getppid())):
        d.mkdir()
        (d / OWNER_FILE).write_text(str(pid))
    assert clean_stale_temp(str(tmp_path)) == [stale] and alive.exists()


# ---------------------------------------------------------------- transport
def _raw_exchange(server, head: bytes, body: bytes = b"", timeout=5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(head + body)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
                if b"\r\n\r\n" in b"".join(chunks) and b'"error"' in b"".join(chunks):
                    break
        except socket.timeout:
            pass
        return b"".join(chunks)


def test_negative_content_length_is_refused(server):
    head = (f"POST /jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
            "Content-Length: -1\r\n\r\n").encode()
    reply = _raw_exchange(server, head, b"x" * 1000)
    assert reply.startswith(b"HTTP/1.1 400") and b"Content-Length" in reply


def test_token_is_checked_before_the_body_is_read(server):
    # a 60 MiB body is announced but never sent: the 401 must come at once, not after waiting for it
    head = b"POST /jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Length: 62914560\r\n\r\n"
    t0 = time.perf_counter()
    reply = _raw_exchange(server, head)
    assert reply.startswith(b"HTTP/1.1 401") and time.perf_counter() - t0 < 3


def test_a_full_queue_answers_503_with_retry_after(server):
    _Hold.release.clear()
    try:
        ids = [call(server, "POST", "/jobs", job("_test_hold"))[1]["job_id"]]
        time.sleep(0.2)  # the first one is running, the next four wait
        codes = [call(server, "POST", "/jobs", job("_test_hold"))[0] for _ in range(6)]
        assert codes == [202] * 4 + [503] * 2
        status, body, headers = call(server, "POST", "/jobs", job())
        assert status == 503 and int(headers["Retry-After"]) >= 1 and body["error"]["code"] == "busy"
    finally:
        _Hold.release.set()
    wait_done(server, ids[0])


def test_results_are_kept_until_fetched(server):
    _Hold.release.set()
    ids = [call(server, "POST", "/jobs", job())[1]["job_id"] for _ in range(3)]
    for i in ids:
        wait_done(server, i)
    # keep_jobs is 1, but none was fetched yet: all three are still there
    assert [call(server, "GET", f"/jobs/{i}/result")[0] for i in ids] == [200, 200, 200]
    later = call(server, "POST", "/jobs", job())[1]["job_id"]
    wait_done(server, later)
    # fetched: they may go now; of those, keep_jobs (1), the newest, stay
    assert [call(server, "GET", f"/jobs/{i}")[0] for i in ids] == [404, 404, 200]


def test_a_burst_of_submissions_is_accepted_or_told_to_wait(data):
    srv = BackendServer(ServerConfig(data_dirs=(str(data[0]),), max_queued=20))
    srv.start_in_thread()
    results, body = [], job("_test_hold")  # the first job holds the worker: the queue must fill, not overfill
    _Hold.release.clear()
    lock = threading.Lock()
    start = threading.Event()

    def one():
        start.wait()
        try:
            r = call(srv, "POST", "/jobs", body)[0]
        except Exception as e:  # a reset or refused connection: what must not happen
            r = f"{type(e).__name__}: {e}"
        with lock:
            results.append(r)

    threads = [threading.Thread(target=one) for _ in range(200)]
    try:
        for t in threads:
            t.start()
        start.set()
        for t in threads:
            t.join(60)
    finally:
        _Hold.release.set()
        srv.close()
    assert len(results) == 200 and set(results) <= {202, 503}, [r for r in results if r not in (202, 503)][:3]
    # max_queued waiting (+ the one running, once the worker took it); every other client was told to retry
    assert results.count(202) in (20, 21)


def test_an_inline_only_server_refuses_every_path(data):
    srv = BackendServer(ServerConfig(data_dirs=()))
    srv.start_in_thread()
    try:
        status, body, _ = call(srv, "POST", "/jobs", job(signaling_path=str(data[0] / "s.csv")))
        assert status == 403 and "inline data only" in body["error"]["message"]
        assert call(srv, "POST", "/jobs", job())[0] == 202
    finally:
        srv.close()


def test_inline_times_outside_1970_2100_cost_only_their_trace(server):
    good = {"trace_id": "ok", "t": [T0, T0 + 60, T0 + 120], "cell_id": ["1", "2", "3"],
            "lon": [24.9, 24.91, 24.92], "lat": [60.1, 60.1, 60.1]}
    ms = dict(good, trace_id="ms", t=[T0 * 1000, T0 * 1000 + 60_000, T0 * 1000 + 120_000])
    huge = dict(good, trace_id="huge", t=[T0, T0 + 60, 1e300])
    gap = dict(good, trace_id="gap", t=[T0, T0 + 60, T0 + 86400, T0 + 86460])
    gap.update(cell_id=["1", "2", "3", "4"], lon=[24.9] * 4, lat=[60.1] * 4)
    status, st, _ = call(server, "POST", "/jobs", job(traces=[good, ms, huge, gap]))
    assert status == 202 and wait_done(server, st["job_id"])["state"] == "done"
    res = call(server, "GET", f"/jobs/{st['job_id']}/result")[1]
    assert sorted(t["trace_id"] for t in res["traces"]) == ["gap#1", "gap#2", "ok"]
    reasons = {e["trace_id"]: e["reason"] for e in res["errors"]}
    assert "traces[1].t[0]" in reasons["ms"] and "milliseconds" in reasons["ms"]
    assert "traces[2].t[2]" in reasons["huge"] and any("gap" in w for w in res["warnings"])
