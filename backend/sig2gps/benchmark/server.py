"""The local server's own cost: start-up, round trip, validating big requests, the HTTP path vs in-process.

What the plugin's user waits for beyond the method itself: starting the backend, each poll, checking a
large request, and a whole job through the server compared with the same traces in-process
(`sig2gps.pipeline.reconstruct_traces`), plus encoding frames as PNG.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ORDER = 70
TITLE = "Local server (sig2gps serve): start-up, round trip, request checking, job overhead"
N_TRACES, N_TRACES_QUICK = 300, 60
BIG_TRACES, BIG_RECORDS = 1000, 100  # a large inline request: 100,000 records


def _call(url, token, method="GET", path="/health", body: bytes | None = None):
    req = urllib.request.Request(url + path, data=body, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()


def _startup_seconds(runs: int = 3) -> list[float]:
    """Wall time from spawning `python -m sig2gps.cli serve` to its first /health answer."""
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="sig2gps-bench-serve-") as d:
            tok = Path(d) / "conn.json"
            t0 = time.perf_counter()
            p = subprocess.Popen([sys.executable, "-m", "sig2gps.cli", "serve", "--token-file", str(tok)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                while True:
                    if tok.exists():
                        info = json.loads(tok.read_text())
                        _call(info["url"], info["token"])
                        out.append(time.perf_counter() - t0)
                        break
                    if p.poll() is not None or time.perf_counter() - t0 > 60:
                        raise RuntimeError("sig2gps serve did not start")
                    time.sleep(0.01)
            finally:
                p.terminate()
                p.wait(10)
    return out


def run(args) -> str:
    import numpy as np

    from ..network.defaults import default_network
    from ..methods import MethodOptions
    from ..network import load_network
    from ..pipeline import reconstruct_traces
    from ..server import BackendServer, ServerConfig
    from ..server.convert import png_bytes
    from ..simulate import simulate
    from ..machine import machine_line

    n = N_TRACES_QUICK if getattr(args, "quick", False) else N_TRACES
    load0 = os.getloadavg()[0]
    startup = _startup_seconds()

    sim = simulate(load_network(default_network()), n, seed=11)
    traces = [s.signaling for s in sim.traces]
    n_records = sum(len(t) for t in traces)
    reconstruct_traces(traces[:2], "towers", None, MethodOptions())  # warm-up: method discovery, imports
    direct = []
    for _ in range(3):
        t0 = time.perf_counter()
        reconstruct_traces(traces, "towers", None, MethodOptions())
        direct.append(time.perf_counter() - t0)
    direct_s = statistics.median(direct)

    srv = BackendServer(ServerConfig(max_request_bytes=256 * 2**20))
    srv.start_in_thread()
    wire = srv.wire
    try:
        rtt = []
        for _ in range(200):
            t0 = time.perf_counter()
            _call(srv.url, srv.token)
            rtt.append(time.perf_counter() - t0)

        req = {"wire": 1, "method": "towers", "frames": "none",
               "traces": [{"trace_id": t.trace_id, "t": t.t.tolist(), "cell_id": list(t.cell_id),
                           "lon": t.lon.tolist(), "lat": t.lat.tolist()} for t in traces]}
        job_s = []
        for _ in range(3):
            t0 = time.perf_counter()
            job = json.loads(_call(srv.url, srv.token, "POST", "/jobs", wire.encode(req)))
            while json.loads(_call(srv.url, srv.token, path=f"/jobs/{job['job_id']}"))["state"] not in ("done",):
                time.sleep(0.01)
            res = json.loads(_call(srv.url, srv.token, path=f"/jobs/{job['job_id']}/result"))
            job_s.append(time.perf_counter() - t0)
            assert len(res["traces"]) == n

        rng = np.random.default_rng(0)
        big = {"wire": 1, "method": "towers", "traces": [
            {"trace_id": f"b{i}", "t": np.cumsum(rng.uniform(1, 60, BIG_RECORDS)).tolist(),
             "cell_id": [f"c{k}" for k in rng.integers(0, 500, BIG_RECORDS)],
             "lon": rng.uniform(24.9, 25.0, BIG_RECORDS).tolist(),
             "lat": rng.uniform(60.1, 60.2, BIG_RECORDS).tolist()} for i in range(BIG_TRACES)]}
        body = wire.encode(big)
        t0 = time.perf_counter()
        decoded = wire.decode(body)
        decode_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        wire.check_job_request(decoded)
        check_s = time.perf_counter() - t0

        frames = rng.integers(0, 256, size=(21, 256, 256, 3), dtype=np.uint8)
        frames[:, :, :128] = 240  # half flat, like a map background
        t0 = time.perf_counter()
        png_size = sum(len(png_bytes(f)) for f in frames)
        png_ms = (time.perf_counter() - t0) / len(frames) * 1000
    finally:
        srv.close()

    med_job = statistics.median(job_s)
    lines = [machine_line(), "",
             f"Start-up: `python -m sig2gps.cli serve` to its first /health answer: "
             f"median {statistics.median(startup):.2f} s over {len(startup)} starts "
             f"({', '.join(f'{s:.2f}' for s in startup)} s; Python imports dominate).", "",
             "| what | measured |", "|---|---|",
             f"| GET /health round trip (200 calls, keep-alive off) | median {statistics.median(rtt) * 1000:.2f} ms, "
             f"p95 {np.percentile(rtt, 95) * 1000:.2f} ms |",
             f"| `towers` on {n} simulated Helsinki traces ({n_records:,} records), in-process "
             f"(`reconstruct_traces`, median of 3) | {direct_s * 1000:.0f} ms |",
             f"| the same through the server: POST /jobs, poll every 10 ms, GET result (median of 3) | "
             f"{med_job * 1000:.0f} ms (overhead {max(med_job - direct_s, 0) * 1000:.0f} ms, "
             f"{max(med_job - direct_s, 0) / n * 1000:.2f} ms per trace) |",
             f"| a {len(body) / 2**20:.1f} MiB request ({BIG_TRACES} traces x {BIG_RECORDS} records): JSON decode; "
             f"wire check (schema + cross-field rules) | {decode_s * 1000:.0f} ms; {check_s * 1000:.0f} ms |",
             f"| 256x256 frame to PNG (Pillow, 21 frames, half noise) | {png_ms:.1f} ms/frame, "
             f"{png_size / len(frames) / 1024:.0f} KiB/frame |", "",
             f"`towers` is the cheapest method, so the job row shows the server's overhead (JSON both ways, "
             f"validation, polling), not a method's cost. 1-min load average {load0:.1f} at the start (the 2 cores "
             f"are shared). Reproduce: `.venv/bin/sig2gps bench --only server` (under a minute; `--quick` for "
             f"{N_TRACES_QUICK} traces)."]
    return "\n".join(lines)
