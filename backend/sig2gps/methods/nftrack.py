"""`nftrack`: NF-Track (Chen et al., Sensors 2022) — fingerprint-map matching of anchor points.

Needs a fingerprint map of the same road network (`sig2gps fingerprint`, `--fingerprint FP`, a file
or a folder of them). Without one it falls back to the paper's NearRd ablation (anchors matched to
the nearest road, joined by shortest paths) and says so in every rollout's info.
Settings (MethodOptions.extra): any field of fingerprint.online.NFTrackConfig, e.g. {"beam": 1}.
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

from ..types import GpsTrace, Reconstruction, Rollout
from .base import ReconstructionMethod, option
from .registry import register


@dataclass(frozen=True)
class NFTrackOptions:
    """The options only nftrack reads (part of MethodOptions)."""

    fingerprint: str | None = option(None, "fingerprint map, from `sig2gps fingerprint`", methods=("nftrack",))

log = logging.getLogger(__name__)


# Callers (benchmark, server) build a method per batch of traces: keep the loaded map and its
# per-cell node index for the process, keyed by the file's path and modification time.
_CACHE: dict = {}


def _net_key(network) -> tuple:
    from ..fingerprint import network_signature

    return tuple(sorted(network_signature(network).items()))


def _find_cached(path: str, network):
    from ..fingerprint import find_fingerprint

    p = Path(path)
    stamp = max((f.stat().st_mtime for f in (p.glob("*.json") if p.is_dir() else [p]) if f.exists()), default=0)
    key = ("fp", str(p.resolve()), stamp, _net_key(network))
    if key not in _CACHE:
        _CACHE[key] = find_fingerprint(path, network)
    return _CACHE[key]


def _served_cached(fp, network):
    from ..fingerprint.online import serving_nodes

    key = ("served", id(fp), _net_key(network))  # fp objects live in _CACHE, so their ids stay unique
    if key not in _CACHE:
        _CACHE[key] = serving_nodes(network, fp)
    return _CACHE[key]


def _dense_cached(fp):
    from ..fingerprint.dense import DenseFingerprint

    key = ("dense", id(fp))
    if key not in _CACHE:
        _CACHE[key] = DenseFingerprint(fp)
    return _CACHE[key]


@register
class NFTrackMethod(ReconstructionMethod):
    name = "nftrack"
    description = "NF-Track: anchors + segment fingerprint map (--fingerprint FP); nearest-road fallback without one"
    needs_network = True
    on_roads = True  # every output point lies on the matched route

    def __init__(self, network, options=None):
        super().__init__(network, options)
        from ..fingerprint.online import NFTrackConfig

        known = {f.name for f in fields(NFTrackConfig)}
        self.cfg = replace(NFTrackConfig(), **{k: v for k, v in self.options.extra.items() if k in known})
        self.fp, self.fp_note = None, "no fingerprint given (--fingerprint): nearest-road fallback (NearRd)"
        if self.options.fingerprint:
            self.fp, why = _find_cached(str(self.options.fingerprint), network)
            self.fp_note = f"fingerprint {self.fp.source or self.options.fingerprint}" if self.fp else \
                why + ": nearest-road fallback (NearRd)"
            if self.fp is None:
                log.warning(self.fp_note)
        self.served = _served_cached(self.fp, network) if self.fp is not None and self.cfg.fp_radius_m > 0 else None
        self.dense = _dense_cached(self.fp) if self.fp is not None else None

    def _trusted_cells(self, trace, x, y) -> tuple[np.ndarray, float]:
        """Cell ids, renamed when the fingerprint does not know them at this position (a cell id
        reused elsewhere must not match), and the share of records the fingerprint knows."""
        cells = np.array([str(c) for c in trace.cell_id], object)
        if self.fp is None:
            return cells, 0.0
        ok = np.zeros(len(cells), bool)
        for i, c in enumerate(cells):
            p = self.fp.cells.get(c)
            if p is not None:
                px, py = self.network.to_xy(p[0], p[1])
                ok[i] = np.hypot(px - x[i], py - y[i]) <= self.cfg.cell_match_m
        return np.where(ok, cells, np.char.add("?", cells.astype(str)).astype(object)), float(ok.mean())

    def reconstruct(self, trace):
        from ..fingerprint.online import route_segments, timed_polyline, track
        from ..mapmatch.drivable import timed_polyline_drivable

        net = self.network
        x, y = net.to_xy(trace.lon, trace.lat)
        cells, known = self._trusted_cells(trace, x, y)
        cands, anchors = track(net, self.fp, trace.t, cells, x, y, self.cfg, k=self.options.rollouts,
                               served=self.served, dense_fp=self.dense)
        rollouts = []
        for c in cands:
            ts, xy = timed_polyline(net, c, float(trace.t[0]), float(trace.t[-1]), self.cfg.class_speeds)
            # Drivable: anchors close in time with a long leg between them would be a jump; spread it, and
            # keep the route's vertices so the line follows the roads (mapmatch.drivable).
            ts, px, py, _ = timed_polyline_drivable(xy, ts, 0.95 * self.options.max_speed_mps)
            lon, lat = net.to_lonlat(px, py)
            sim = float(np.mean(c.sims)) if c.sims else 0.0
            info = {"segments": route_segments(net, c.nodes), "anchors": len(anchors), "similarity": round(sim, 4),
                    "fingerprint": self.fp_note, "known_cell_share": round(known, 3)}
            # Score: the beam's own (similarities minus penalties), so rollout order and score agree.
            rollouts.append(Rollout(GpsTrace(trace.trace_id, ts, lon, lat), score=round(float(c.score), 4), info=info))
        if not rollouts:
            raise ValueError(f"trace {trace.trace_id}: no route found between its anchor points")
        return Reconstruction(trace.trace_id, self.name, rollouts)

    @classmethod
    def prepare_for_benchmark(cls, train_dirs, work_dir, network_paths) -> dict:
        """One fingerprint per city from that city's training pairs (routes.csv is the known route).

        A training folder's city is the road file named in its meta.json. Returns {"fingerprint":
        folder}; test cities without history then fall back to NearRd (said in Rollout.info).
        """
        from ..fingerprint import build_fingerprint
        from ..fingerprint.from_files import samples_from_files
        from ..io import read_cells
        from ..network import load_network

        by_net = defaultdict(list)
        for d in map(Path, train_dirs):
            try:
                net_path = json.loads((d / "meta.json").read_text())["network"]
            except (OSError, KeyError, json.JSONDecodeError) as e:
                log.warning("%s: no network in meta.json (%s); skipped for nftrack", d, e)
                continue
            by_net[str(Path(net_path).resolve())].append(d)
        out = Path(work_dir) / "nftrack_fingerprints"
        out.mkdir(parents=True, exist_ok=True)
        for net_path, dirs in by_net.items():
            net = load_network(net_path)
            samples, cells = [], {}
            for d in dirs:
                c = read_cells(d / "cells.csv") if (d / "cells.csv").exists() else None
                routes = d / "routes.csv" if (d / "routes.csv").exists() else None
                s, problems = samples_from_files(net, d / "signaling.csv", d / "gps.csv", routes, c)
                samples += s
                cells.update(c or {})
                if problems:
                    log.warning("%s: %d trace(s) not used for the fingerprint (first: %s)", d, len(problems), problems[0])
            if samples:
                fp = build_fingerprint(net, samples, cells=cells, source=f"{len(dirs)} training folder(s) of {net.name}")
                fp.save(out / f"{Path(net_path).name}.json")
        return {"fingerprint": str(out)}
