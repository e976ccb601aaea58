"""hmm speed (issue 17 section 4): records/s of the whole `hmm` method on one core, and a dump of its outputs.

Usage (from the repository root, the benchmark built under SIG2GPS_BENCH_ROOT):
    SIG2GPS_BENCH_ROOT=/work/bench SIG2GPS_OSM_DIR=../shared/data/osm PYTHONPATH=backend \
        python experiments/hmm-speed/measure.py speed --city campo-grande [--profile out/x.prof]
    ... measure.py dump --city campo-grande --out out/new-cg.pkl [--limit 40] [--rollouts 3]
    ... measure.py compare out/old-cg.pkl out/new-cg.pkl

`speed` runs in a fresh process: imports, network load (from the setup cache when it is there), then
`pipeline.reconstruct_traces` over every test trace of the city (the methods table's measurement: method
construction, i.e. the per-network setup, included), once ("first call": what a one-off `sig2gps reconstruct`
pays) and again ("warm": a server or a batch worker; the cached path searches dropped between calls, so each
call pays its own as new traces would). It prints one JSON line. Point SIG2GPS_CACHE_DIR at an
empty folder to measure with the setup cache cold.

`dump` writes each trace's rollouts (times, lon, lat, score, info) and the matched route's nodes; `compare`
checks two dumps: identical routes, identical times, positions within 1e-6 degrees.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

T_START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # experiments/: bench_subset


def _traces(city: str, per_scope: int, positions: str, limit: int | None):
    from bench_subset import test_benchmark
    from sig2gps.io import read_signaling

    bench = test_benchmark(per_scope, positions=positions)
    traces, _ = read_signaling(bench.test_dirs[city] / "signaling.csv")
    return bench, traces[:limit] if limit else traces


def _forget_rows(net) -> None:
    """Drop the cached shortest-path rows (works with the package before and after this branch)."""
    from sig2gps.mapmatch import routing

    for table in routing._TABLES.get(net, {}).values():
        table._rows.clear()


def speed(a) -> dict:
    import numpy as np  # noqa: F401  (counted in the import time, as the CLI pays it)

    from sig2gps.methods import MethodOptions
    from sig2gps.network import load_network
    from sig2gps.pipeline import reconstruct_traces

    t_import = time.perf_counter() - T_START
    bench, traces = _traces(a.city, a.per_scope, a.positions, a.limit)
    t0 = time.perf_counter()
    net = load_network(bench.network_paths[a.city])
    t_net = time.perf_counter() - t0
    n_rec = sum(len(t) for t in traces)
    prof = None
    if a.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    runs = []
    for _ in range(a.reps):
        _forget_rows(net)  # each call pays its own path searches, as new traces would
        c0 = time.process_time()
        if a.table:  # the methods table's own loop (benchmark.methods_table.run_method: chunks of 4, then 50)
            from dataclasses import replace

            from sig2gps.benchmark.methods_table import TableConfig, run_method

            one = replace(bench, test_dirs={a.city: bench.test_dirs[a.city]})
            m = run_method("hmm", one, Path("out") / "hmm-speed-work", TableConfig(), log=lambda *_: None)[a.city]
            runs.append({"seconds": m["seconds_total"], "records_per_s": round(m["records_per_s"], 1),
                         "setup_s": round(m["setup_s"], 3), "failed": m["failed"],
                         "match_records_per_s": round(m["match_records_per_s"] or 0, 1),
                         "cpu_s_with_evaluation": round(time.process_time() - c0, 3)})
            continue
        res = reconstruct_traces(traces, "hmm", net, MethodOptions())
        cpu = time.process_time() - c0
        runs.append({"seconds": round(res.seconds_total, 3), "records_per_s": round(n_rec / res.seconds_total, 1),
                     "cpu_s": round(cpu, 3), "records_per_cpu_s": round(n_rec / cpu, 1), "failed": len(res.errors)})
    if prof is not None:
        prof.disable()
        prof.dump_stats(a.profile)
    return {"city": a.city, "positions": a.positions, "table": a.table, "traces": len(traces), "records": n_rec,
            "import_s": round(t_import, 3), "network_s": round(t_net, 3), "first_call": runs[0],
            "warm": runs[1:], "cache_dir": os.environ.get("SIG2GPS_CACHE_DIR"),
            "load": os.getloadavg()[0]}


def dump(a) -> None:
    import numpy as np

    from sig2gps.mapmatch import MapMatcher
    from sig2gps.methods import MethodOptions
    from sig2gps.network import load_network
    from sig2gps.pipeline import reconstruct_traces

    routes: list = []
    orig = MapMatcher.match

    def match(self, *args, **kw):  # records the matched route nodes of every track
        out = orig(self, *args, **kw)
        routes.append([list(map(int, m.route.nodes)) for m in out])
        return out

    MapMatcher.match = match
    bench, traces = _traces(a.city, a.per_scope, a.positions, a.limit)
    net = load_network(bench.network_paths[a.city])
    res = reconstruct_traces(traces, "hmm", net, MethodOptions(rollouts=a.rollouts))
    out = {}
    for rec, nodes in zip(res.reconstructions, routes):
        out[rec.trace_id] = {"nodes": nodes, "rollouts": [
            (np.asarray(r.track.t), np.asarray(r.track.lon), np.asarray(r.track.lat), r.score,
             {k: v for k, v in r.info.items() if k != "match_s"}) for r in rec.rollouts]}
    out["_errors"] = sorted((e.trace_id, e.reason) for e in res.errors)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_bytes(pickle.dumps(out))
    print(f"{len(res.reconstructions)} traces, {len(res.errors)} errors -> {a.out}")


def compare(a) -> dict:
    import numpy as np

    old, new = (pickle.loads(Path(p).read_bytes()) for p in (a.old, a.new))
    bad = []
    if old.keys() != new.keys() or old["_errors"] != new["_errors"]:
        bad.append("different traces or errors")
    worst_deg, n = 0.0, 0
    for k in sorted(set(old) & set(new) - {"_errors"}):
        o, m = old[k], new[k]
        if o["nodes"] != m["nodes"]:
            bad.append(f"{k}: route differs")
            continue
        if len(o["rollouts"]) != len(m["rollouts"]):
            bad.append(f"{k}: rollout count differs")
            continue
        for (t0, x0, y0, s0, i0), (t1, x1, y1, s1, i1) in zip(o["rollouts"], m["rollouts"]):
            n += 1
            if t0.shape != t1.shape or not np.array_equal(t0, t1):
                bad.append(f"{k}: times differ")
                continue
            d = max(float(np.max(np.abs(x0 - x1), initial=0)), float(np.max(np.abs(y0 - y1), initial=0)))
            worst_deg = max(worst_deg, d)
            if d > 1e-6:
                bad.append(f"{k}: positions differ by {d:.2e} deg")
            if abs(s0 - s1) > 1e-6 * max(1.0, abs(s0)) or i0 != i1:
                bad.append(f"{k}: score or info differs ({s0} vs {s1}; {i0} vs {i1})")
    return {"old": a.old, "new": a.new, "traces": len(old) - 1, "rollouts": n, "worst_deg": worst_deg,
            "identical": not bad, "problems": bad[:20]}


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("speed", "dump"):
        p = sub.add_parser(name)
        p.add_argument("--city", default="campo-grande")
        p.add_argument("--per-scope", type=int, default=40)
        p.add_argument("--positions", default="true", help="true | estimated")
        p.add_argument("--limit", type=int, help="only the first LIMIT test traces")
    sp = sub.choices["speed"]
    sp.add_argument("--reps", type=int, default=3, help="calls in the process (the first is the first call)")
    sp.add_argument("--table", action="store_true", help="time it as the methods table does (chunked calls)")
    sp.add_argument("--profile", help="write cProfile stats of all calls here")
    dp = sub.choices["dump"]
    dp.add_argument("--out", required=True)
    dp.add_argument("--rollouts", type=int, default=1)
    cp = sub.add_parser("compare")
    cp.add_argument("old")
    cp.add_argument("new")
    a = ap.parse_args()
    if a.cmd == "speed":
        print(json.dumps(speed(a)))
    elif a.cmd == "dump":
        dump(a)
    else:
        r = compare(a)
        print(json.dumps(r, indent=1))
        sys.exit(0 if r["identical"] else 1)


if __name__ == "__main__":
    main()
