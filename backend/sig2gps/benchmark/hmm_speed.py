"""`hmm` speed on one core (issue 17, section 4): records a second of the whole method, setup included.

Every measurement is a fresh Python process (this module run with --worker) that reads a test city's signaling file,
loads its road network and runs `pipeline.reconstruct_traces` with `hmm` on every trace in one call, as `sig2gps
reconstruct` does with a file. "First call" is the process's first: it pays the per-network setup (the map matcher's
cost table read from the setup cache or built, the segment index, the timing model); "warm process" is a second call
in the same process (a server's or a batch worker's later calls: the median of two, the first call's cached path
searches dropped before each, so the traces pay their own as new traces would). Setup cache "cold": a fresh cache folder, so the
road file is parsed and the cost table built (and saved); "warm": the same folder afterwards. Records/s is records
over the call's wall seconds; the CPU seconds are given beside it (the machine may be shared with other work).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORDER = 31
TITLE = "hmm speed on one core: records/s on the first call and warm, setup cache cold and warm"
TARGET = 5000.0  # records/s of the whole method on one core (issue 17, section 4)
WARM_RUNS = 3  # processes with the setup cache warm (the median is reported)


def _worker(signaling: str, network: str, calls: int = 3) -> dict:
    """In a fresh process: time the imports, the network load and `calls` calls of hmm over every trace."""
    t0 = time.perf_counter()
    from ..io import read_signaling
    from ..methods import MethodOptions
    from ..network import load_network
    from ..pipeline import reconstruct_traces

    out = {"import_s": time.perf_counter() - t0}
    traces, _ = read_signaling(signaling)
    t0 = time.perf_counter()
    net = load_network(network, cache_beside=False)  # the cache folder is SIG2GPS_CACHE_DIR's only
    out.update(network_s=time.perf_counter() - t0, traces=len(traces), records=sum(len(t) for t in traces), runs=[])
    for k in range(calls):
        if k:
            from ..mapmatch.routing import forget_rows

            forget_rows(net)  # the same traces again, but without the path searches the first call cached
        t0, c0 = time.perf_counter(), time.process_time()
        res = reconstruct_traces(traces, "hmm", net, MethodOptions())
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        out["runs"].append({"wall_s": wall, "cpu_s": cpu, "records_per_s": out["records"] / wall,
                            "records_per_cpu_s": out["records"] / max(cpu, 1e-9), "failed": len(res.errors)})
    return out


def measure(signaling, network, cache_dir) -> dict:
    """_worker in a fresh process of this interpreter (and environment: the same sig2gps), with the setup cache in
    `cache_dir`."""
    env = dict(os.environ, SIG2GPS_CACHE_DIR=str(cache_dir), SIG2GPS_SETUP_CACHE="1")
    p = subprocess.run([sys.executable, "-m", __name__, "--worker", str(signaling), str(network)], env=env,
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise RuntimeError(f"hmm speed worker failed: {p.stderr.strip()[-800:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _row(city: str, cache: str, runs: list[dict]) -> tuple[str, dict]:
    first = statistics.median(r["runs"][0]["records_per_s"] for r in runs)
    warm = statistics.median(w["records_per_s"] for r in runs for w in r["runs"][1:])
    cpu_first = statistics.median(r["runs"][0]["records_per_cpu_s"] for r in runs)
    cpu_warm = statistics.median(w["records_per_cpu_s"] for r in runs for w in r["runs"][1:])
    net_s = statistics.median(r["network_s"] for r in runs)
    imp = statistics.median(r["import_s"] for r in runs)
    rec = {"city": city, "setup_cache": cache, "processes": len(runs), "records": runs[0]["records"],
           "first_call_records_per_s": first, "warm_records_per_s": warm, "first_call_records_per_cpu_s": cpu_first,
           "warm_records_per_cpu_s": cpu_warm, "network_load_s": net_s, "import_s": imp,
           "failed": max(r["runs"][0]["failed"] for r in runs)}
    return (f"| {city} | {cache} | {runs[0]['traces']} / {runs[0]['records']} | {first:.0f} ({cpu_first:.0f}) | "
            f"{warm:.0f} ({cpu_warm:.0f}) | {net_s:.2f} | {imp:.2f} | {rec['failed']} |"), rec


def run(args) -> str:
    from dataclasses import replace

    from ..benchdata import QUICK, BenchConfig, build_benchmark
    from ..machine import machine_line

    quick = bool(getattr(args, "quick", False))
    bcfg = QUICK if quick else BenchConfig()
    if getattr(args, "osm_dir", None):
        bcfg = replace(bcfg, osm_dir=args.osm_dir)
    bench = build_benchmark(bcfg)
    load0 = os.getloadavg()[0]
    lines = ["| city | setup cache | traces / records | first call records/s (per CPU s) | warm process records/s "
             "(per CPU s) | network load s | imports s | failed |", "|---|---|---|---:|---:|---:|---:|---:|"]
    records = []
    with tempfile.TemporaryDirectory(prefix="sig2gps-hmm-speed-") as tmp:
        for city, d in bench.test_dirs.items():
            cache = Path(tmp) / city
            for label, n in (("cold", 1), ("warm", 1 if quick else WARM_RUNS)):
                runs = [measure(d / "signaling.csv", bench.network_paths[city], cache) for _ in range(n)]
                line, rec = _row(city, label, runs)
                lines.append(line)
                records.append(rec)
    warm = [r for r in records if r["setup_cache"] == "warm"]
    verdict = ", ".join(f"{r['city']} {r['first_call_records_per_s']:.0f} first call / {r['warm_records_per_s']:.0f} "
                        f"warm" for r in warm)
    ok = all(min(r["first_call_records_per_s"], r["warm_records_per_s"]) >= TARGET for r in warm)
    (bench.root / "hmm_speed.json").write_text(json.dumps({"records": records, "load_before": load0,
                                                           "load_after": os.getloadavg()[0]}, indent=1))
    return "\n".join([
        machine_line() + f" Load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after (the machine may be "
        "shared: the CPU-second rates are the steadier figure).", "",
        f"Command: `sig2gps bench --only hmm_speed{' --quick' if quick else ''}`. Each row: fresh processes running "
        "`hmm` over every test trace of the city in one call (`pipeline.reconstruct_traces`: method construction "
        "with its per-network setup, every trace, the output checks), once (first call) and again (warm process); "
        f"setup cache cold = a fresh cache folder (road file parsed, cost table built), warm = the median of "
        f"{1 if quick else WARM_RUNS} processes afterwards. Network load and imports are outside the calls.", "",
        *lines, "",
        f"Issue 17 target, {TARGET:,.0f} records/s on one core with the setup cache warm: "
        f"{'met' if ok else 'NOT met'} ({verdict}).", ""])


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2], sys.argv[3])))
    else:
        sys.exit("usage: python -m sig2gps.benchmark.hmm_speed --worker SIGNALING_CSV NETWORK")
