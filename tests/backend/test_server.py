"""The local backend server end to end: a real server on 127.0.0.1, the plugin's own client, real HTTP."""
from __future__ import annotations

import io
import json
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from servertools import http, registered
from sig2gps.methods.base import ReconstructionMethod
from sig2gps.methods.towers import TowersMethod
from sig2gps.server import BackendServer, ServerConfig
from sig2gps.types import GpsTrace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from plugin.backend_client import (BackendClient, BackendError, JobFailed, build_request,  # noqa: E402
                                   load_wire)

WIRE = load_wire()


# ---------------------------------------------------------------- test-only methods (removed afterwards)
class _Crash(ReconstructionMethod):
    name, description, needs_network = "_test_crash", "raises while starting", False

    def __init__(self, network, options=None):
        raise RuntimeError("model weights are corrupt (test)")

    def reconstruct(self, trace):  # pragma: no cover
        raise AssertionError


class _Exit(TowersMethod):
    name = "_test_exit"

    def reconstruct_many(self, traces):
        raise SystemExit(3)  # what a badly written method could do; must not stop the worker


class _Gate(TowersMethod):
    """Blocks in its first trace until the test releases it, so cancel timing is deterministic."""
    name = "_test_gate"
    started, release = threading.Event(), threading.Event()

    def reconstruct(self, trace):
        _Gate.started.set()
        assert _Gate.release.wait(20)
        return super().reconstruct(trace)


class _Frames(TowersMethod):
    name = "_test_frames"

    def reconstruct(self, trace):
        rec = super().reconstruct(trace)
        rng = np.random.default_rng(self.options.seed)
        for r in rec.rollouts:
            r.frames = rng.integers(0, 256, size=(5, 12, 16, 3), dtype=np.uint8)
            r.info = {"np_value": np.float32(1.5), "nan": float("nan"), "tuple": (1, 2)}
        return rec


class _BadPoints(TowersMethod):
    """Output a plugin cannot use: NaN points (dropped with a warning), or with extra={'lon': 200} a longitude
    outside the world (the job fails, naming the field)."""
    name = "_test_badpoints"

    def reconstruct(self, trace):
        rec = super().reconstruct(trace)
        tr = rec.rollouts[0].track
        lon = tr.lon.copy()
        lon[1] = self.options.extra.get("lon", float("nan"))
        rec.rollouts[0].track = GpsTrace(tr.trace_id, tr.t, lon, tr.lat)
        return rec


class _Conditioning(TowersMethod):
    """Echoes what it got as the conditioning tile, as a method that draws on the user's tile would read it."""
    name = "_test_conditioning"

    def reconstruct(self, trace):
        rec = super().reconstruct(trace)
        cond = self.options.extra.get("conditioning")
        rec.rollouts[0].info = {"png": cond["png"].hex(), "bounds": cond["bounds_lonlat"], "crs": cond["crs"]}
        return rec


@pytest.fixture(scope="module", autouse=True)
def test_methods():
    with registered(_Crash, _Exit, _Gate, _Frames, _BadPoints, _Conditioning):
        yield


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = str(tmp_path_factory.getbasetemp())  # the tests' files live here: the one data folder allowed
    srv = BackendServer(ServerConfig(chunk_traces=1, max_request_bytes=256 * 1024, data_dirs=(base,)))
    srv.start_in_thread()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def client(server):
    return BackendClient(server.url, server.token, timeout=10)


@pytest.fixture(scope="module")
def sim():
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    net = load_network(default_network())
    return simulate(net, 3, seed=7)


def wire_traces(sim) -> list[dict]:
    return [{"trace_id": s.signaling.trace_id, "t": s.signaling.t.tolist(), "cell_id": list(s.signaling.cell_id),
             "lon": s.signaling.lon.tolist(), "lat": s.signaling.lat.tolist()} for s in sim.traces]


def raw(server, method, path, body: bytes | None = None, token="good", headers=None):
    """(status, decoded JSON) of a raw request, for what the client would refuse to send."""
    return http(server, method, path, body, token, headers, timeout=10)[:2]


# ---------------------------------------------------------------- the happy path
def test_towers_job_end_to_end(client, sim):
    assert client.health()["status"] == "ok"
    assert "towers" in [m["name"] for m in client.methods()]
    job = client.submit(build_request("towers", traces=wire_traces(sim)))
    assert job["state"] in ("queued", "running", "done") and job["traces_total"] == 3
    seen = []
    res = client.wait(job["job_id"], poll_s=0.05, timeout=30, on_progress=lambda st: seen.append(st["progress"]))
    WIRE.validate(res, "result")
    assert res["complete"] and res["state"] == "done" and not res["errors"]
    assert seen == sorted(seen) and seen[-1] == 1.0
    expected = {s.signaling.trace_id: TowersMethod(None).reconstruct(s.signaling) for s in sim.traces}
    assert [t["trace_id"] for t in res["traces"]] == list(expected)
    for tr in res["traces"]:
        r0, want = tr["rollouts"][0], expected[tr["trace_id"]].rollouts[0].track
        np.testing.assert_allclose(r0["t"], want.t)
        np.testing.assert_allclose(r0["lon"], want.lon)
        np.testing.assert_allclose(r0["lat"], want.lat)
        assert r0["frames"] is None  # towers draws no frames
    st = client.status(job["job_id"])
    WIRE.validate(st, "job_status")
    assert st["state"] == "done" and st["traces_done"] == 3


def test_signaling_file_with_a_bad_row_loses_only_that_trace(client, sim, tmp_path):
    from sig2gps.io import write_signaling

    path = tmp_path / "sig.csv"
    write_signaling(path, [s.signaling for s in sim.traces])
    lines = path.read_text().splitlines()
    bad_id = lines[1].split(",")[0]
    lines[1] = lines[1].replace(lines[1].split(",")[1], "yesterday", 1)
    path.write_text("\n".join(lines) + "\n")
    res = client.run(build_request("towers", signaling_path=str(path)), poll_s=0.05, timeout=30)
    assert [e["trace_id"] for e in res["errors"]] == [bad_id]
    assert "line 2" in res["errors"][0]["reason"] and "timestamp" in res["errors"][0]["reason"]
    assert len(res["traces"]) == 2


def test_traces_by_cell_id_use_the_request_cells(client, sim):
    trs = wire_traces(sim)[:1]
    cells = [{"cell_id": c.cell_id, "lon": c.lon, "lat": c.lat} for c in sim.cells.values()]
    for tr in trs:
        del tr["lon"], tr["lat"]
    res = client.run(build_request("towers", traces=trs, cells=cells), poll_s=0.05, timeout=30)
    want = sim.traces[0].signaling
    assert res["traces"][0]["rollouts"][0]["lon"][0] == pytest.approx(want.lon[0])
    # a cell missing from the table loses only its own trace, and says which record
    trs2 = wire_traces(sim)[:2]
    for tr in trs2:
        del tr["lon"], tr["lat"]
    trs2[1]["cell_id"][2] = "no-such-cell"
    res = client.run(build_request("towers", traces=trs2, cells=cells), poll_s=0.05, timeout=30)
    assert [t["trace_id"] for t in res["traces"]] == [trs2[0]["trace_id"]]
    assert "traces[1].cell_id[2]" in res["errors"][0]["reason"] and "no-such-cell" in res["errors"][0]["reason"]


def test_method_output_outside_the_wire_format(client, sim):
    trs = wire_traces(sim)[:1]
    res = client.run(build_request("_test_badpoints", traces=trs), poll_s=0.05, timeout=30)
    r0 = res["traces"][0]["rollouts"][0]
    n_towers = len(TowersMethod(None).reconstruct(sim.traces[0].signaling).rollouts[0].track)
    assert len(r0["t"]) == n_towers - 1 and all(np.isfinite(r0["lon"]))
    assert "1 non-finite point(s) dropped" in res["warnings"][0]
    with pytest.raises(JobFailed) as e:
        client.run(build_request("_test_badpoints", traces=trs, extra={"lon": 200.0}), poll_s=0.05, timeout=30)
    assert "traces[0].rollouts[0].lon[1]" in e.value.message and "maximum 180" in e.value.message


# ---------------------------------------------------------------- refusing bad requests
def test_bad_or_missing_token_is_401(server):
    for token in (None, "wrong-token"):
        status, body = raw(server, "GET", "/health", token=token)
        assert status == 401 and body["error"]["code"] == "unauthorized"
        WIRE.validate(body, "error")


def test_oversize_request_is_413(server, sim):
    big = build_request("towers", traces=wire_traces(sim) * 1)
    big["traces"][0]["t"] = list(np.arange(20000.0))
    big["traces"][0]["cell_id"] = ["c"] * 20000
    big["traces"][0]["lon"] = [24.9] * 20000
    big["traces"][0]["lat"] = [60.2] * 20000
    status, body = raw(server, "POST", "/jobs", WIRE.encode(big), headers={"Content-Type": "application/json"})
    assert status == 413 and body["error"]["code"] == "too_large"
    assert str(server.cfg.max_request_bytes) in body["error"]["message"]
    assert raw(server, "GET", "/health")[0] == 200  # and the server goes on


@pytest.mark.parametrize("mutate, field, words", [
    (lambda r: r["traces"][0]["t"].__setitem__(1, "soon"), "traces[0].t[1]", "expected number"),
    (lambda r: r["traces"][0]["lat"].__setitem__(2, 95.0), "traces[0].lat[2]", "maximum"),
    (lambda r: r["traces"][0]["cell_id"].pop(), "traces[0].cell_id", "parallel"),
    (lambda r: r.update(method="teleport"), "method", "unknown method"),
    (lambda r: r["options"].update(rolouts=3), "options.rolouts", "did you mean 'rollouts'"),
    (lambda r: r["options"].update(frames=20), "options.frames", "4k+1"),
    (lambda r: r.update(signaling_path="/nonexistent/sig.csv"), "traces", "exactly one"),
    (lambda r: (r.pop("traces"), r.update(signaling_path="/nonexistent/sig.csv")), "signaling_path", "not found"),
    (lambda r: r.update(wire=2), "wire", "must be 1"),
])
def test_malformed_request_is_400_naming_the_field(server, sim, mutate, field, words):
    req = build_request("towers", traces=wire_traces(sim))
    mutate(req)
    status, body = raw(server, "POST", "/jobs", json.dumps(req).encode())
    assert status == 400, body
    WIRE.validate(body, "error")
    assert body["error"]["field"] == field
    assert words in body["error"]["message"]


def test_invalid_json_is_400_with_line_and_column(server):
    status, body = raw(server, "POST", "/jobs", b'{"wire": 1,\n "method": towers}')
    assert status == 400 and "line 2" in body["error"]["message"] and "column" in body["error"]["message"]


def test_unknown_job_404_and_wrong_verb_405(server, client):
    assert raw(server, "GET", "/jobs/doesnotexist")[0] == 404
    assert raw(server, "GET", "/nowhere")[0] == 404
    assert raw(server, "DELETE", "/health")[0] == 405
    with pytest.raises(BackendError) as e:
        client.status("doesnotexist")
    assert e.value.status == 404


# ---------------------------------------------------------------- failing and cancelled jobs
@pytest.mark.parametrize("method, words", [("_test_crash", "model weights are corrupt"), ("_test_exit", "SystemExit")])
def test_crashing_job_fails_and_server_stays_healthy(client, sim, method, words):
    job = client.submit(build_request(method, traces=wire_traces(sim)))
    with pytest.raises(JobFailed) as e:
        client.wait(job["job_id"], poll_s=0.05, timeout=30)
    assert words in e.value.message
    st = client.status(job["job_id"])
    assert st["state"] == "failed" and words in st["error"]["message"]
    with pytest.raises(JobFailed):
        client.result(job["job_id"])
    assert client.health()["status"] == "ok"
    res = client.run(build_request("towers", traces=wire_traces(sim)), poll_s=0.05, timeout=30)
    assert res["complete"] and len(res["traces"]) == 3  # the workers still run jobs


def test_cancel_a_running_job_keeps_what_finished(client, sim):
    _Gate.started.clear()
    _Gate.release.clear()
    job = client.submit(build_request("_test_gate", traces=wire_traces(sim)))
    assert _Gate.started.wait(20)
    with pytest.raises(BackendError) as e:
        client.result(job["job_id"])  # not finished yet
    assert e.value.status == 409
    st = client.cancel(job["job_id"])
    assert st["cancel_requested"] and st["state"] == "running"
    _Gate.release.set()
    res = client.wait(job["job_id"], poll_s=0.05, timeout=30)
    assert res["state"] == "cancelled" and res["complete"] is False
    assert len(res["traces"]) == 1  # the chunk in progress finished; the other two never started
    assert client.status(job["job_id"])["state"] == "cancelled"


def test_cancel_a_queued_job(client, sim):
    _Gate.started.clear()
    _Gate.release.clear()
    first = client.submit(build_request("_test_gate", traces=wire_traces(sim)[:1]))
    assert _Gate.started.wait(20)
    second = client.submit(build_request("towers", traces=wire_traces(sim)))  # waits behind the first
    assert client.cancel(second["job_id"])["state"] == "cancelled"
    _Gate.release.set()
    assert client.wait(first["job_id"], poll_s=0.05, timeout=30)["complete"]
    res = client.result(second["job_id"])
    assert res["traces"] == [] and res["complete"] is False


# ---------------------------------------------------------------- frames
def test_frames_are_served_as_png(client, sim):
    from PIL import Image

    req = build_request("_test_frames", traces=wire_traces(sim)[:1], rollouts=1, seed=4)
    res = client.run(req, poll_s=0.05, timeout=30)
    WIRE.validate(res, "result")
    r0 = res["traces"][0]["rollouts"][0]
    assert r0["info"]["plausibility"]["ok"] in (True, False)  # every output carries the check (methods.base)
    own = {k: v for k, v in r0["info"].items() if k not in ("plausibility", "failed")}
    assert own == {"np_value": 1.5, "nan": None, "tuple": [1, 2]}
    fr = r0["frames"]
    assert (fr["count"], fr["height"], fr["width"]) == (5, 12, 16) and len(fr["urls"]) == 5
    want = np.random.default_rng(4).integers(0, 256, size=(5, 12, 16, 3), dtype=np.uint8)
    for k, url in enumerate(fr["urls"]):
        png = client.fetch(url)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), want[k])
    tid = res["traces"][0]["trace_id"]
    assert client.frame_png(res["job_id"], tid, 0, 4) == client.fetch(fr["urls"][4])
    with pytest.raises(BackendError) as e:
        client.frame_png(res["job_id"], tid, 0, 5)
    assert e.value.status == 404


def test_frames_inline_and_none(client, sim):
    from PIL import Image
    import base64

    trs = wire_traces(sim)[:1]
    inline = client.run(build_request("_test_frames", traces=trs, frames_mode="inline"), poll_s=0.05, timeout=30)
    pngs = inline["traces"][0]["rollouts"][0]["frames"]["png_base64"]
    assert len(pngs) == 5 and Image.open(io.BytesIO(base64.b64decode(pngs[0]))).size == (16, 12)
    none = client.run(build_request("_test_frames", traces=trs, frames_mode="none"), poll_s=0.05, timeout=30)
    assert none["traces"][0]["rollouts"][0]["frames"] is None


# ---------------------------------------------------------------- road networks sent inline
def _roads_geojson(shift_lon: float = 0.0, limit: int = 300) -> dict:
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network

    segs = load_network(default_network()).segments_lonlat()[:limit]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": cls},
         "geometry": {"type": "LineString", "coordinates": [[float(x) + shift_lon, float(y)] for x, y in coords]}}
        for coords, cls in segs]}


def test_inline_road_layer_is_the_network_used(client, sim):
    """The plugin sends the user's road layer as GeoJSON; traces far from it are refused by that network."""
    trs = wire_traces(sim)
    near = client.run(build_request("towers", traces=trs, network_geojson=_roads_geojson()), poll_s=0.05, timeout=60)
    assert len(near["traces"]) == 3 and not near["errors"]
    far = client.run(build_request("towers", traces=trs, network_geojson=_roads_geojson(shift_lon=1.0)),
                     poll_s=0.05, timeout=60)
    assert far["traces"] == [] and len(far["errors"]) == 3
    assert all("outside the road network" in e["reason"] for e in far["errors"])


def test_a_network_without_roads_fails_the_job_clearly(client, sim):
    pts = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [24.9, 60.1]}}]}
    job = client.submit(build_request("towers", traces=wire_traces(sim), network_geojson=pts))
    with pytest.raises(JobFailed) as e:
        client.wait(job["job_id"], poll_s=0.05, timeout=60)
    assert "no drivable roads" in e.value.message and e.value.code == "bad_request"


# ---------------------------------------------------------------- a real method: same answer as in-process
def test_server_gives_what_the_pipeline_gives(client, sim):
    """Through the server or in-process (the CLI's path), a method returns the same rollouts."""
    from sig2gps.commands._common import default_network
    from sig2gps.methods import MethodOptions
    from sig2gps.network import load_network
    from sig2gps.pipeline import reconstruct_traces

    res = client.run(build_request("hmm", traces=wire_traces(sim), rollouts=3, seed=5), poll_s=0.05, timeout=120)
    ref = reconstruct_traces([s.signaling for s in sim.traces], "hmm", load_network(default_network()),
                             MethodOptions(rollouts=3, seed=5))
    assert [t["trace_id"] for t in res["traces"]] == [r.trace_id for r in ref.reconstructions]
    for got, want in zip(res["traces"], ref.reconstructions):
        assert len(got["rollouts"]) == len(want.rollouts) > 1
        for g, w in zip(got["rollouts"], want.rollouts):
            np.testing.assert_allclose(g["t"], w.track.t)
            np.testing.assert_allclose(g["lon"], w.track.lon)
            np.testing.assert_allclose(g["lat"], w.track.lat)
            assert g["score"] == pytest.approx(w.score)


def test_cors_preflight_and_other_verbs_get_json_405(server):
    for verb in ("OPTIONS", "PUT", "PATCH"):
        status, body = raw(server, verb, "/jobs")
        assert status == 405 and body["error"]["code"] == "method_not_allowed", verb


def test_old_frames_are_freed_beyond_the_memory_budget(sim):
    one_job = 5 * 12 * 16 * 3  # bytes of _Frames' frames for one trace and rollout
    srv = BackendServer(ServerConfig(max_frame_bytes=one_job, keep_jobs=10))
    srv.start_in_thread()
    try:
        c = BackendClient(srv.url, srv.token, timeout=10)
        trs = wire_traces(sim)[:1]
        first = c.run(build_request("_test_frames", traces=trs), poll_s=0.05, timeout=30)
        url = first["traces"][0]["rollouts"][0]["frames"]["urls"][0]
        assert c.fetch(url)[:4] == b"\x89PNG"
        second = c.run(build_request("_test_frames", traces=trs), poll_s=0.05, timeout=30)
        assert c.fetch(second["traces"][0]["rollouts"][0]["frames"]["urls"][0])[:4] == b"\x89PNG"
        with pytest.raises(BackendError) as e:
            c.fetch(url)  # the older job's frames made room for the newer
        assert e.value.status == 404 and "freed to save memory" in e.value.message
        assert c.result(first["job_id"])["traces"][0]["rollouts"][0]["t"]  # the trajectory itself is kept
    finally:
        srv.close()


def test_conditioning_tile_reaches_the_method(client, sim):
    png = b"\x89PNG\r\n\x1a\n-tile-bytes"
    req = build_request("_test_conditioning", traces=wire_traces(sim)[:1], conditioning_png=png,
                        conditioning_bounds=(24.90, 60.15, 24.98, 60.19))
    info = client.run(req, poll_s=0.05, timeout=30)["traces"][0]["rollouts"][0]["info"]
    assert bytes.fromhex(info["png"]) == png
    assert info["bounds"] == [24.90, 60.15, 24.98, 60.19] and info["crs"] == "EPSG:3857"


def test_signaling_file_with_a_cells_file(client, sim, tmp_path):
    from sig2gps.io import write_cells

    sig = tmp_path / "sig.csv"
    rows = ["trace_id,timestamp,cell_id"] + [f"{s.signaling.trace_id},{t},{c}" for s in sim.traces
                                              for t, c in zip(s.signaling.t, s.signaling.cell_id)]
    sig.write_text("\n".join(rows) + "\n")
    write_cells(tmp_path / "cells.csv", sim.cells)
    res = client.run(build_request("towers", signaling_path=str(sig), cells_path=str(tmp_path / "cells.csv")),
                     poll_s=0.05, timeout=30)
    assert len(res["traces"]) == 3 and not res["errors"]
    assert res["traces"][0]["rollouts"][0]["lat"][0] == pytest.approx(sim.traces[0].signaling.lat[0], abs=1e-6)


# ---------------------------------------------------------------- the serve command itself
def test_serve_prints_its_connection_line_and_stops_on_sigterm():
    import subprocess

    p = subprocess.Popen([sys.executable, "-m", "sig2gps.cli", "serve"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        info = json.loads(p.stdout.readline())
        WIRE.validate(info, "connection")
        assert BackendClient(info["url"], info["token"]).health()["pid"] == p.pid == info["pid"]
    finally:
        p.terminate()
        assert p.wait(15) == 0
    assert "listening on " + info["url"] in p.stderr.read()


def test_serve_on_a_busy_port_says_so():
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "sig2gps.cli", "serve", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr


def test_wire_defaults_are_the_method_interface_defaults():
    """A request that leaves its options out runs with MethodOptions' defaults (the two lists must not drift)."""
    from dataclasses import asdict

    from sig2gps.methods import MethodOptions
    from sig2gps.server.convert import method_options
    from sig2gps.server.wire import load

    req = load().check_job_request({"wire": 1, "method": "towers", "traces": [
        {"trace_id": "a", "t": [0.0, 60.0], "cell_id": ["c1", "c2"], "lon": [24.9, 24.95], "lat": [60.17, 60.18]}]})
    got, want = asdict(method_options(req)), asdict(MethodOptions())
    assert {k: v for k, v in got.items() if k != "max_outside_share"} == {k: v for k, v in want.items() if k != "max_outside_share"}


def test_a_network_far_from_most_records_is_warned_about(client, sim):
    """A U of streets 2-3 km around the traces: inside the network's extent, but no road near the records."""
    lon = np.concatenate([s.signaling.lon for s in sim.traces])
    lat = np.concatenate([s.signaling.lat for s in sim.traces])
    x0, x1, y0, y1 = lon.min() - 0.06, lon.max() + 0.06, lat.min() - 0.02, lat.max() + 0.02
    frame = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "primary"},
         "geometry": {"type": "LineString", "coordinates": c}}
        for c in ([[x0, y1], [x0, y0]], [[x0, y0], [x1, y0]], [[x1, y0], [x1, y1]])]}
    res = client.run(build_request("towers", traces=wire_traces(sim), network_geojson=frame), poll_s=0.05, timeout=60)
    assert len(res["traces"]) == 3
    assert any("within 1000 m of one of its roads" in w for w in res["warnings"]), res["warnings"]
    near = client.run(build_request("towers", traces=wire_traces(sim), network_geojson=_roads_geojson()),
                      poll_s=0.05, timeout=60)
    assert not any("of one of its roads" in w for w in near["warnings"])
