"""Cross-city adaptation of the video model with LoRA: validation on the new city before and after.

The new city is Campo Grande, the benchmark's unseen city: 300 simulated pairs to adapt on, 80 other pairs
(another seed) held out, of which 64 validate. `python experiments/adapt/run.py` (~15 minutes on 2 CPU cores, run
from the checkout's root: it reads ../shared/data/osm) measures it and writes experiments/adapt/record.json;
`python experiments/render.py --only adapt` renders the record.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

RECORDED = Path(__file__).resolve().parent / "record.json"
CITY, OSM = "campo-grande", "campo-grande.osm.gz"
TRAIN_PAIRS, VAL_PAIRS, STEPS, BATCH = 300, 80, 100, 8


def _measure() -> dict:
    from sig2gps.benchdata import DEFAULT_OSM_DIR
    from sig2gps.train.adapt import AdaptConfig, adapt
    from sig2gps.machine import machine_line
    from sig2gps.train.pairs import build_pairs

    osm = Path(DEFAULT_OSM_DIR) / OSM
    if not osm.is_file():
        raise ValueError(f"{osm}: the unseen city's extract is needed to measure adaptation (../shared/data)")
    with tempfile.TemporaryDirectory(prefix="sig2gps-adapt-") as tmp:
        tmp = Path(tmp)
        build_pairs({CITY: str(osm)}, TRAIN_PAIRS, 501).save(tmp / "train.npz")
        build_pairs({CITY: str(osm)}, VAL_PAIRS, 502).save(tmp / "val.npz")
        res = adapt(AdaptConfig(pairs=str(tmp / "train.npz"), val_pairs=str(tmp / "val.npz"), out=str(tmp / "run"),
                                steps=STEPS, batch=BATCH))
    res["machine"] = machine_line()
    res["command"] = (f"sig2gps train pairs --network {CITY}=../shared/data/osm/{OSM} --traces {TRAIN_PAIRS} --seed 501 "
                      f"--out train.npz; the same with --traces {VAL_PAIRS} --seed 502 --out val.npz; sig2gps train adapt "
                      f"--pairs train.npz --val-pairs val.npz --out OUT --steps {STEPS} --batch {BATCH}")
    RECORDED.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    print(json.dumps(_measure(), indent=1))
