"""The fingerprint map as a value, and its file (JSON): one file per road network.

A file records the network it was built on (name, segment count, total length), because segment
ids only mean something for the same network as loaded by sig2gps. `--fingerprint` may name one
file or a folder of them; the method takes the file whose network matches its own.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "sig2gps-fingerprint"
VERSION = 1


def network_signature(net) -> dict:
    return {"name": str(net.name), "n_segments": int(len(net.seg_xy)), "total_m": round(float(net.seg_len.sum()), 1)}


def same_network(sig: dict, net) -> bool:
    mine = network_signature(net)
    return sig.get("n_segments") == mine["n_segments"] and abs(float(sig.get("total_m", -1)) - mine["total_m"]) < 1.0


@dataclass
class FingerprintMap:
    network: dict  # network_signature() of the road network the segment ids refer to
    theta: float
    n_sequences: int  # historical sequences it was built from
    cells: dict[str, tuple[float, float]]  # position (lon, lat) of every cell used, to detect moved/renamed cells
    segments: dict[int, dict]  # seg -> {"n": sequences passing it, "sbs": {cell: (weight, cmd_m, tau)}}
    source: str = ""
    _weights: dict = field(default_factory=dict, repr=False, compare=False)

    def weights(self, seg: int) -> dict[str, float]:
        """R(E): {cell: weight} of one segment (empty when the segment has no history)."""
        w = self._weights.get(seg)
        if w is None:
            s = self.segments.get(int(seg))
            w = {c: v[0] for c, v in s["sbs"].items()} if s else {}
            self._weights[seg] = w
        return w

    def path_fingerprint(self, segs, lengths) -> dict[str, float]:
        """R(P) = sum_i theta_i R(E_i), theta_i = L(E_i) / sum L: the length-weighted combination."""
        lengths = np.asarray(lengths, float)
        total = float(lengths.sum())
        out: dict[str, float] = {}
        if total <= 0:
            return out
        for s, L in zip(segs, lengths):
            for c, w in self.weights(int(s)).items():
                out[c] = out.get(c, 0.0) + w * L / total
        return out

    def coverage(self) -> float:
        """Share of the network's segments that have a fingerprint (reported, not used)."""
        return len(self.segments) / max(int(self.network.get("n_segments", 1)), 1)

    # -- files ---------------------------------------------------------------------------------
    def save(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"format": FORMAT, "version": VERSION, "network": self.network, "theta": self.theta,
               "n_sequences": self.n_sequences, "source": self.source,
               "cells": {c: [round(p[0], 7), round(p[1], 7)] for c, p in self.cells.items()},
               "segments": {str(s): {"n": v["n"], "sbs": {c: [round(w, 6), round(cmd, 2), int(k)]
                                                          for c, (w, cmd, k) in v["sbs"].items()}}
                            for s, v in sorted(self.segments.items())}}
        path.write_text(json.dumps(doc, separators=(",", ":")))
        return path


def load_fingerprint(path) -> FingerprintMap:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: fingerprint file not found")
    try:
        doc = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a readable fingerprint file ({e})") from e
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not a sig2gps fingerprint (field 'format' should be {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise ValueError(f"{path}: fingerprint version {doc.get('version')!r}, this sig2gps reads {VERSION}")
    try:
        segs = {int(s): {"n": int(v["n"]), "sbs": {c: (float(w), float(cmd), int(k)) for c, (w, cmd, k) in v["sbs"].items()}}
                for s, v in doc["segments"].items()}
        cells = {c: (float(p[0]), float(p[1])) for c, p in doc["cells"].items()}
        return FingerprintMap(doc["network"], float(doc["theta"]), int(doc["n_sequences"]), cells, segs,
                              doc.get("source", ""))
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{path}: malformed fingerprint ({type(e).__name__}: {e})") from e


def find_fingerprint(path, net) -> tuple[FingerprintMap | None, str]:
    """The fingerprint for `net` from a file or a folder of *.json files: (map or None, why not)."""
    p = Path(path)
    files = sorted(p.glob("*.json")) if p.is_dir() else [p]
    if not files or (len(files) == 1 and not files[0].exists()):
        raise ValueError(f"{p}: no fingerprint file found")
    for f in files:
        fp = load_fingerprint(f)
        if same_network(fp.network, net):
            return fp, ""
    names = ", ".join(repr(load_fingerprint(f).network.get("name")) for f in files[:5])
    return None, f"no fingerprint for road network {net.name!r} in {p} (it has {names})"
