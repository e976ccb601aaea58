"""Seconds for read_signaling on a synthetic clean file (run with either checkout first on PYTHONPATH).

    PYTHONPATH=backend python experiments/reliability/reader_speed.py --rows 400000
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--per-trace", type=int, default=16)
    args = ap.parse_args()
    import sig2gps
    from sig2gps.io import read_signaling

    d = Path(tempfile.mkdtemp())
    p = d / "s.csv"
    with open(p, "w") as f:
        f.write("trace_id,timestamp,cell_id,lon,lat\n")
        for i in range(args.rows):
            tr, k = divmod(i, args.per_trace)
            f.write(f"t{tr},{1777618800 + tr * 7 + k * 60},c{k},{24.9 + k * 1e-3:.6f},{60.1 + tr % 100 * 1e-3:.6f}\n")
    best = min(_timed(read_signaling, p) for _ in range(3))
    traces, _ = read_signaling(p)
    print(json.dumps({"package": str(Path(sig2gps.__file__).parent), "rows": args.rows, "bytes": p.stat().st_size,
                      "traces": len(traces), "seconds_best_of_3": round(best, 3),
                      "rows_per_s": round(args.rows / best), "max_rss_mb":
                      round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def _timed(fn, p):
    t0 = time.perf_counter()
    fn(p)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
