"""The dataset on disk: shards of stacked uint8/float arrays (.npz) and a manifest.json.

Streamable: a reader loads one shard (a few hundred samples) at a time, in any order; nothing
else is needed to use it (numpy only). Layout:

    DS/manifest.json        format, counts, render config, style, fields, shards
    DS/shard-00000.npz      every field of sample.FIELDS stacked over the shard, plus trace_id, source
    DS/errors.csv           pairs that could not be rendered (source, trace_id, reason)
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .sample import FIELDS

FORMAT = "sig2gps-mapvisual-dataset/1"


class ShardWriter:
    def __init__(self, out: Path, shard_size: int = 256, compress: bool = True):
        self.out, self.shard_size, self.compress = Path(out), int(shard_size), compress
        self.out.mkdir(parents=True, exist_ok=True)
        self.buf: list[tuple[dict, str, str]] = []
        self.shards: list[dict] = []
        self.bytes = 0

    def add(self, sample: dict, trace_id: str, source: str) -> None:
        self.buf.append((sample, trace_id, source))
        if len(self.buf) >= self.shard_size:
            self.flush()

    def flush(self) -> None:
        if not self.buf:
            return
        name = f"shard-{len(self.shards):05d}.npz"
        arrays = {k: np.stack([s[k] for s, _, _ in self.buf]) for k in FIELDS}
        arrays["trace_id"] = np.array([t for _, t, _ in self.buf])
        arrays["source"] = np.array([src for _, _, src in self.buf])
        (np.savez_compressed if self.compress else np.savez)(self.out / name, **arrays)
        size = (self.out / name).stat().st_size
        self.bytes += size
        self.shards.append({"file": name, "n": len(self.buf), "bytes": size})
        self.buf = []

    def close(self, meta: dict) -> dict:
        self.flush()
        n = sum(s["n"] for s in self.shards)
        manifest = {"format": FORMAT, "n": n, "shards": self.shards, "bytes": self.bytes,
                    "bytes_per_pair": self.bytes / n if n else None,
                    "fields": {k: {"dtype": d, "shape": list(s)} for k, (d, s) in FIELDS.items()}, **meta}
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return manifest


class MapVisualDataset:
    """Read a dataset written by ShardWriter: len(), shard by shard, or sample by sample."""

    def __init__(self, path):
        self.path = Path(path)
        mf = self.path / "manifest.json"
        if not mf.exists():
            raise FileNotFoundError(f"{self.path}: no manifest.json (not a dataset written by `sig2gps dataset`)")
        self.manifest = json.loads(mf.read_text())
        if self.manifest.get("format") != FORMAT:
            raise ValueError(f"{mf}: field 'format' is {self.manifest.get('format')!r}, expected {FORMAT!r}")

    def __len__(self) -> int:
        return int(self.manifest["n"])

    @property
    def n_shards(self) -> int:
        return len(self.manifest["shards"])

    def load_shard(self, i: int) -> dict[str, np.ndarray]:
        with np.load(self.path / self.manifest["shards"][i]["file"], allow_pickle=False) as z:
            return {k: z[k] for k in z.files}

    def iter_samples(self, shuffle: bool = False, seed: int = 0):
        """Yield (sample dict, trace_id, source); with shuffle, shards and samples within each in random order."""
        rng = np.random.default_rng(seed)
        order = rng.permutation(self.n_shards) if shuffle else range(self.n_shards)
        for i in order:
            sh = self.load_shard(int(i))
            n = len(sh["trace_id"])
            for j in (rng.permutation(n) if shuffle else range(n)):
                yield {k: sh[k][j] for k in FIELDS}, str(sh["trace_id"][j]), str(sh["source"][j])
