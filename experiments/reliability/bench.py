"""Reliability benchmarks (issue 19): hmm's cost per trace against its length, peak memory of `sig2gps reconstruct`
on large files, the readers' property tests at full size, and the network setup cache. Each part writes its
numbers into record.json beside this file (rendered into docs/BENCHMARKS.md by `make bench`, section.json).

    PYTHONPATH=backend python experiments/reliability/bench.py linear            # ~5 min
    PYTHONPATH=backend python experiments/reliability/bench.py memory --big      # ~15 min (a 200 MB file)
    PYTHONPATH=backend python experiments/reliability/bench.py properties        # 10,000 cases, ~3 min
    PYTHONPATH=backend python experiments/reliability/bench.py cache

Large files are generated into --tmp (default /tmp) from the Helsinki demo data (bigfile.py) and deleted after.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RECORD = HERE / "record.json"
sys.path.insert(0, str(HERE))


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    mem = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))) / 2**20
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}; "
            f"load average {os.getloadavg()[0]:.1f} at the start; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def save(key: str, value: dict) -> None:
    rec = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    rec[key] = dict(value, machine=machine(), command=" ".join(["python", *sys.argv]))
    RECORD.write_text(json.dumps(rec, indent=1) + "\n")
    print(json.dumps(rec[key], indent=1))


# ---------------------------------------------------------------- hmm cost against records per trace
def day_trace(trips, n: int, trace_id: str):
    """One phone all day: n records of simulated trips one after another, 5 minutes apart."""
    from sig2gps.types import SignalingTrace

    t, cells, lon, lat, off, k = [], [], [], [], 0.0, 0
    while sum(map(len, t)) < n:
        tr = trips[k % len(trips)]
        t.append(off + tr.t - tr.t[0])
        off = t[-1][-1] + 300.0
        cells += list(tr.cell_id)
        lon.append(tr.lon)
        lat.append(tr.lat)
        k += 1
    t, lon, lat = (np.concatenate(a)[:n] for a in (t, lon, lat))
    return SignalingTrace(trace_id, 1_777_000_000.0 + t, cells[:n], lon, lat)


def linear(args) -> None:
    from bigfile import base_traces

    from sig2gps.commands._common import default_network
    from sig2gps.methods import MethodOptions, get_method
    from sig2gps.network import load_network

    net = load_network(default_network())
    trips = base_traces(200, seed=11)
    method = get_method("hmm")(net, MethodOptions(trace_timeout_s=0))
    method.reconstruct_many([trips[0]])  # setup (the cost table) outside the timings
    rows = []
    for n in args.sizes:
        tr = day_trace(trips, n, f"day{n}")
        best = np.inf
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            recs, errs = method.reconstruct_many([tr])
            best = min(best, time.perf_counter() - t0)
            assert recs and not errs, errs
        rows.append({"records": n, "seconds": round(best, 3), "ms_per_record": round(1000 * best / n, 4)})
        print(rows[-1], flush=True)
    x, y = np.array([r["records"] for r in rows], float), np.array([r["seconds"] for r in rows])
    slope, icpt = np.polyfit(x, y, 1)
    r2 = 1 - ((y - (slope * x + icpt)) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    ll = np.polyfit(np.log(x), np.log(y), 1)[0]
    save("linear", {"rows": rows, "slope_ms_per_record": round(1000 * slope, 4), "intercept_s": round(icpt, 3),
                    "r2": round(float(r2), 5), "loglog_exponent": round(float(ll), 3), "network": net.name,
                    "repeat": args.repeat})


# ---------------------------------------------------------------- peak memory of sig2gps reconstruct
def timed_run(cmd: list[str], env: dict | None = None) -> dict:
    """Peak RSS (MB) and wall seconds of a command, from /usr/bin/time -v."""
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env or dict(os.environ))
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", p.stderr).group(1)
    secs = sum(float(v) * 60 ** i for i, v in enumerate(reversed(wall.split(":"))))
    return {"peak_rss_mb": round(rss / 1024, 1), "wall_s": round(secs, 1), "stdout_tail": p.stdout.strip()[-300:]}


def memory(args) -> None:
    from bigfile import write_big

    tmp = Path(args.tmp)
    runs = []
    plan = [(r, "hmm") for r in args.hmm_rows] + ([(args.big_rows, "towers")] if args.big else [])
    for rows, method in plan:
        f = tmp / f"sig2gps-rel-{rows}.csv"
        info = write_big(f, rows)
        try:
            py = sys.executable
            stream = timed_run([py, "-m", "sig2gps.cli", "reconstruct", "--signaling", str(f), "--method", method,
                                "--out", str(tmp / f"sig2gps-rel-out-{rows}"), "--overwrite", "--no-progress"])
            # the whole-file reader, as `reconstruct` read before: read_signaling only, no method
            whole = timed_run([py, "-c", "import sys; from sig2gps.io import read_signaling; "
                                         "t, r = read_signaling(sys.argv[1]); print(len(t))", str(f)])
        finally:
            f.unlink(missing_ok=True)
            subprocess.run(["rm", "-rf", str(tmp / f"sig2gps-rel-out-{rows}")])
        runs.append({"method": method, "rows": info["rows"], "traces": info["traces"],
                     "mb": round(info["bytes"] / 2**20, 1), "stream": stream, "whole_file_read_only": whole})
        print(runs[-1], flush=True)
    save("memory", {"runs": runs})


# ---------------------------------------------------------------- property tests at full size
def properties(args) -> None:
    env = dict(os.environ, SIG2GPS_PROPERTY_EXAMPLES=str(args.examples))
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests/backend/test_read_properties.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    tail = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr[-300:]
    n_props = 5
    save("properties", {"examples_per_property": args.examples, "properties": n_props,
                        "cases": args.examples * n_props, "passed": p.returncode == 0, "summary": tail,
                        "seconds": round(time.perf_counter() - t0, 1)})


# ---------------------------------------------------------------- network setup cache
def cache(args) -> None:
    import shutil
    import tempfile

    from bigfile import write_big

    d = Path(tempfile.mkdtemp(prefix="sig2gps-rel-cache-"))
    # an empty user cache for the runs (this process may have cached the demo network while simulating)
    env = dict(os.environ, SIG2GPS_CACHE_DIR=str(d / "user-cache"))
    try:
        from sig2gps.commands._common import default_network

        net = d / Path(default_network()).name
        shutil.copy(default_network(), net)  # a private copy: its cache is written beside it
        sig = d / "signaling.csv"
        write_big(sig, 400, base=20)  # about 20 demo traces, as `make demo` simulates
        runs = []
        for label in ("first run (builds the cache)", "second run (reads it)"):
            r = timed_run([sys.executable, "-m", "sig2gps.cli", "-v", "reconstruct", "--signaling", str(sig),
                           "--network", str(net), "--method", "hmm", "--out", str(d / "out"), "--overwrite",
                           "--no-progress"], env)
            runs.append(dict(r, run=label))
            print(runs[-1], flush=True)
        setup = []
        for path in [net] + [Path(p) for p in args.networks if Path(p).exists()]:
            # in-process: load + the matcher's cost table; with the cache twice (the first run may build it)
            for label in ("no cache", "with the cache, 1st run", "with the cache, 2nd run"):
                setup.append(dict(_setup_seconds(path, env, fresh=label == "no cache"), run=f"{path.name}, {label}"))
        save("cache", {"network": net.name, "runs": runs, "setup": setup,
                       "cache_files": sorted(p.name for p in (d / ".sig2gps-cache").glob("*")),
                       "user_cache_files": sorted(p.name for p in (d / "user-cache").glob("*"))})
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _setup_seconds(net_path: Path, env: dict, fresh: bool) -> dict:
    code = ("import sys, time, os; t0 = time.perf_counter(); from sig2gps.network import load_network; "
            "from sig2gps.mapmatch import MapMatcher, MatchConfig; t1 = time.perf_counter(); "
            "net = load_network(sys.argv[1]); t2 = time.perf_counter(); "
            "MapMatcher(net, MatchConfig(), precompute=True); t3 = time.perf_counter(); "
            "print(f'{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f}')")
    env = dict(env, **({"SIG2GPS_SETUP_CACHE": "0"} if fresh else {}))
    out = subprocess.run([sys.executable, "-c", code, str(net_path)], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return {"imports_s": float(out[0]), "load_network_s": float(out[1]), "cost_table_s": float(out[2])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="part", required=True)
    p = sub.add_parser("linear")
    p.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000])
    p.add_argument("--repeat", type=int, default=2)
    p = sub.add_parser("memory")
    p.add_argument("--hmm-rows", type=int, nargs="+", default=[85_000, 340_000])  # about 5 MB and 20 MB
    p.add_argument("--big", action="store_true", help="also the 200 MB file (3.4M rows), with towers")
    p.add_argument("--big-rows", type=int, default=3_400_000)
    p.add_argument("--tmp", default="/tmp")
    p = sub.add_parser("properties")
    p.add_argument("--examples", type=int, default=2000, help="per property (5 properties)")
    p = sub.add_parser("cache")
    p.add_argument("--networks", nargs="*", default=[str(ROOT.parent / "shared/data/osm/campo-grande.osm.gz")],
                   help="more road files whose setup (load + cost table) is timed without and with the cache")
    args = ap.parse_args()
    {"linear": linear, "memory": memory, "properties": properties, "cache": cache}[args.part](args)


if __name__ == "__main__":
    main()
