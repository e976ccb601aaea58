"""sig2gps evaluate: the paper's metrics (MAE, RMSE, L100, G1000) overall and per scope."""
from __future__ import annotations

import json
from pathlib import Path


def add_parser(sub):
    p = sub.add_parser("evaluate", help="compare predicted points with ground-truth GPS")
    p.add_argument("--truth", required=True, help="GPS CSV: trace_id,timestamp,lon,lat")
    p.add_argument("--pred", required=True, help="points CSV of reconstruct")
    p.add_argument("--rollout", type=int, default=0, help="which rollout to score (0 = best)")
    p.add_argument("--out", help="metrics JSON (printed when omitted)")
    return p


def evaluate_files(truth_path, pred_path, rollout: int = 0) -> dict:
    from ..io import read_gps
    from ..metrics import evaluate_tracks

    truth, rt = read_gps(truth_path)
    pred, rp = read_gps(pred_path, rollout=rollout)
    res = evaluate_tracks({g.trace_id: (g.t, g.lon, g.lat) for g in truth},
                          {g.trace_id: (g.t, g.lon, g.lat) for g in pred})
    res["input_errors"] = [f"{e.trace_id}: {e.reason}" for e in rt.errors + rp.errors]
    return res


def format_table(metrics: dict, title: str = "") -> str:
    head = f"{'scope':8} {'traces':>6} {'points':>7} {'MAE m':>8} {'RMSE m':>8} {'L100':>7} {'G1000':>7}"
    lines = ([title] if title else []) + [head]
    for s in ("small", "medium", "large", "overall"):
        m = metrics[s]
        if not m["n_points"]:
            lines.append(f"{s:8} {0:>6} {0:>7} {'-':>8} {'-':>8} {'-':>7} {'-':>7}")
            continue
        lines.append(f"{s:8} {m['n_traces']:>6} {m['n_points']:>7} {m['mae_m']:>8.1f} {m['rmse_m']:>8.1f} "
                     f"{100 * m['l100']:>6.1f}% {100 * m['g1000']:>6.1f}%")
    return "\n".join(lines)


def run(args):
    res = evaluate_files(args.truth, args.pred, args.rollout)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(res, indent=2))
    print(format_table(res))
    if res["missing"]:
        print(f"warning: {len(res['missing'])} truth trace(s) have no prediction: {', '.join(res['missing'][:10])}")
    return 0
