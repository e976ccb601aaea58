"""Where hmm's time goes: the cumulative time of each stage in a cProfile of measure.py speed --profile, as a share
of the whole method (pipeline.reconstruct_traces). Profiling slows Python-level code more than numpy calls: the
shares, not the seconds, are the point.

Usage: python experiments/hmm-speed/stages.py OUT.json NAME=PROFILE [NAME=PROFILE ...]
"""
from __future__ import annotations

import json
import pstats
import sys
from pathlib import Path

STAGES = {  # stage: (file suffix, function) of the profile entries summed into it
    "whole method": [("pipeline.py", "reconstruct_traces")],
    "cleanup (cleanup.py)": [("cleanup.py", "clean_observations")],
    "lattice: candidates, transitions (candidates.py, routing.py)": [("matcher.py", "lattice")],
    "viterbi": [("viterbi.py", "viterbi")],
    "route: path searches and polyline (routing.py, timing.py)": [("routing.py", "prefetch_paths"),
                                                                    ("timing.py", "build_route")],
    "timestamps (timing.py, handover.py, timing_model.py, drivable.py)": [("matcher.py", "_timestamps")],
    "  of which drivable.limit_speed": [("drivable.py", "limit_speed")],
    "  of which the timing model's path lookup": [("timing_model.py", "load_timing_model")],
    "output checks (plausibility.py)": [("base.py", "check_outputs")],
    "matcher per trace, scale fit, setup (methods/hmm.py, routing.py)": [("hmm.py", "_matcher_for")],
}


def stages(path: str) -> dict:
    st = pstats.Stats(path).stats
    cum = {}
    for name, parts in STAGES.items():
        cum[name] = sum(v[3] for (f, _, fn), v in st.items() for suffix, want in parts
                        if f.endswith(suffix) and fn == want)
    whole = cum["whole method"] or 1.0
    return {k: {"s": round(v, 3), "share": round(v / whole, 3)} for k, v in cum.items()}


def main() -> None:
    out = {name: stages(p) for name, p in (a.split("=", 1) for a in sys.argv[2:])}
    Path(sys.argv[1]).write_text(json.dumps(out, indent=1))
    for name, s in out.items():
        print(name)
        for k, v in s.items():
            print(f"  {v['share']:6.1%}  {k}")


if __name__ == "__main__":
    main()
