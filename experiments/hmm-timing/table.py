"""The per-scope markdown table of bench-true.json and bench-estimated.json (written by measure.py).

    python experiments/hmm-timing/table.py
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    print("| positions | row | city | MAE m overall | small / medium / large | L100 overall | small / medium / large "
          "| implausible |")
    print("|---|---|---|---|---|---|---|---|")
    for tag in ("true", "estimated"):
        rec = json.loads((HERE / f"bench-{tag}.json").read_text())
        for city in ("campo-grande", "baltimore", "liechtenstein"):
            for name, r in rec["rows"].items():
                c = r[city]
                mae, l100 = c["mae_m"], c["l100"]
                print(f"| {tag} | {name} | {city} | {mae['overall']:.1f} | "
                      f"{mae['small']:.1f} / {mae['medium']:.1f} / {mae['large']:.1f} | {100 * l100['overall']:.1f}% | "
                      f"{100 * l100['small']:.1f} / {100 * l100['medium']:.1f} / {100 * l100['large']:.1f}% | "
                      f"{100 * c['implausible_share']:.0f}% |")


if __name__ == "__main__":
    main()
