"""Summarise paired.sh runs (JSON lines of measure.py speed, old and new alternating) into one JSON record.

Usage: python experiments/hmm-speed/summarize.py OUT.json RUNS.jsonl [RUNS.jsonl ...]
Per file (a city and a mode): for old and new, the median over rounds of records/s on the first call and on the
warm calls (wall, and per CPU second where measured), and the new/old ratio of each.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path


def _med(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 1) if xs else None


def summarize(path: Path) -> dict:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    out = {"file": path.name, "city": rows[0]["city"], "table": rows[0]["table"], "records": rows[0]["records"],
           "traces": rows[0]["traces"], "rounds": max(r["round"] for r in rows)}
    for side in ("old", "new"):
        rs = [r for r in rows if r["side"] == side]
        warm = [w for r in rs for w in r["warm"]]
        out[side] = {"first_call_records_per_s": _med(r["first_call"]["records_per_s"] for r in rs),
                     "warm_records_per_s": _med(w["records_per_s"] for w in warm),
                     "first_call_records_per_cpu_s": _med(r["first_call"].get("records_per_cpu_s") for r in rs),
                     "warm_records_per_cpu_s": _med(w.get("records_per_cpu_s") for w in warm),
                     "load_average": [r["load"] for r in rs],
                     "runs_first_call_records_per_s": [r["first_call"]["records_per_s"] for r in rs]}
    out["ratio"] = {k: round(out["new"][k] / out["old"][k], 2) for k in out["new"]
                    if k.startswith(("first", "warm")) and k.endswith("_s") and out["new"][k] and out["old"][k]}
    return out


def main() -> None:
    dest, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    rec = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
           "command": "experiments/hmm-speed/paired.sh ROUNDS CITY [--table] (old = the package before this branch, "
                      "new = after; alternating fresh processes)", "results": [summarize(f) for f in files]}
    dest.write_text(json.dumps(rec, indent=1))
    for r in rec["results"]:
        print(r["city"], "table" if r["table"] else "one call", "old", r["old"]["first_call_records_per_s"],
              r["old"]["warm_records_per_s"], "new", r["new"]["first_call_records_per_s"],
              r["new"]["warm_records_per_s"], r["ratio"])


if __name__ == "__main__":
    main()
