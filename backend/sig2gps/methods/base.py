"""The one interface every reconstruction method implements.

The CLI, the server, the plugin (through the server), the batch runner and the benchmark all go
through `get_method(name)(network, options).reconstruct_many(traces)`.
"""
from __future__ import annotations

import functools
import time
import traceback
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from .. import deadline
from ..types import Reconstruction, SignalingTrace, TraceError


@dataclass(frozen=True)
class MethodOptions:
    """What a caller may ask of any method; each method uses the fields that apply to it."""

    rollouts: int = 1  # number of candidate trajectories per trace (rollout 0 is the best)
    seed: int = 0  # seeds every random choice, so runs repeat
    model: str | None = None  # model directory or checkpoint (learned methods)
    fingerprint: str | None = None  # fingerprint map (nftrack)
    frames: int = 21  # video frames T = 4k+1 (video method)
    steps: int = 20  # sampler steps (video method)
    device: str = "auto"  # "cpu", "cuda", or "auto"
    # video: decode the drawing on the road graph (one drivable path, the default); False: the raw dots, a
    # diagnostic whose straight lines between frames can cross blocks
    snap: bool = True
    consensus: bool = False  # rollout 0 = the consensus of the K >= 2 sampled rollouts (video method)
    # video: draw a trace in consecutive windows of at most this half-width in metres (0: one window). 1000 m =
    # the smallest window, where the model errs least (benchmark test set, docs/BENCHMARKS.md "windows")
    chunk_m: float = 1000.0
    max_outside_share: float = 0.5  # share of records allowed outside the network's extent (+2 km)
    max_speed_mps: float = 50.0  # an output step faster than this is implausible (the rollout is flagged failed)
    # time limit per trace in seconds (0: none): a trace over it fails alone, reported in errors.csv (sig2gps.deadline;
    # the CPU methods check it inside their long loops, any method that keeps reconstruct_many once it returns)
    trace_timeout_s: float = 60.0
    extra: dict = field(default_factory=dict)  # method-specific settings, documented by the method


class ReconstructionMethod(ABC):
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    needs_network: ClassVar[bool] = True
    on_roads: ClassVar[bool] = False  # outputs lie on the network's roads (checked: share of points on a road)

    def __init_subclass__(cls, **kwargs):
        # A method that overrides reconstruct_many (to batch) still gets every output checked: the
        # override is wrapped once; check_outputs skips rollouts already checked (super() calls).
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("reconstruct_many")
        if own is not None and not getattr(own, "_checks_outputs", False):
            @functools.wraps(own)
            def checked(self, traces, *args, _own=own, **kw):
                recs, errors = _own(self, traces, *args, **kw)
                return self.check_outputs(traces, recs, errors)

            checked._checks_outputs = True
            cls.reconstruct_many = checked

    def __init__(self, network, options: MethodOptions | None = None):
        self.network = network
        self.options = options or MethodOptions()

    @property
    def device(self) -> str:
        return "cpu"

    @classmethod
    def is_ready(cls) -> bool:
        """Whether the method can run with no extra inputs (e.g. its shipped model is present)."""
        return True

    @classmethod
    def prepare_for_benchmark(cls, train_dirs: list, work_dir, network_paths: dict) -> dict:
        """Train/build whatever the method needs from the benchmark's training pairs.

        train_dirs: simulation folders (gps.csv, signaling.csv, cells.csv, routes.csv, meta.json);
        network_paths: {city: road file}. Returns MethodOptions field overrides (e.g. {"model": path}).
        Methods without a learned part return {}.
        """
        return {}

    @abstractmethod
    def reconstruct(self, trace: SignalingTrace) -> Reconstruction:
        """Reconstruct one trace; raise ValueError with a clear reason when it cannot."""

    def reconstruct_many(self, traces: list[SignalingTrace]) -> tuple[list[Reconstruction], list[TraceError]]:
        """Reconstruct every trace; a failing trace becomes a TraceError and the others go on.

        Methods that batch (the video model) override this and keep the same contract.
        """
        out, errors = [], []
        for tr in traces:
            t0 = time.perf_counter()
            try:
                with deadline.scope(self.options.trace_timeout_s, what=f"trace {tr.trace_id}") as budget:
                    check_trace(tr, self.network, self.options.max_outside_share)
                    rec = self.reconstruct(tr)
                    budget.check(cancel=False)  # a method with no checks of its own is held to the limit once it returns
            except Exception as e:  # one bad trace never loses the others
                reason = str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"
                if not isinstance(e, ValueError):
                    reason += " | " + traceback.format_exc(limit=2).strip().splitlines()[-1]
                errors.append(TraceError(tr.trace_id, reason))
                continue
            rec.seconds = time.perf_counter() - t0
            out.append(rec)
        return self.check_outputs(traces, out, errors)

    def check_outputs(self, traces, recs: list[Reconstruction], errors: list[TraceError]
                      ) -> tuple[list[Reconstruction], list[TraceError]]:
        """Check every rollout not yet checked (sig2gps.plausibility): its verdict goes to
        info["plausibility"]; a failing rollout gets info["failed"] (the reason). A trace whose best rollout
        comes in pieces (info["pieces"]: the method found no road between them) also gets a line in the
        errors (errors.csv) while its output is kept."""
        from ..plausibility import check_plausibility

        by_id = {tr.trace_id: tr for tr in traces}
        net = self.network if self.on_roads else None
        errors = list(errors)
        for rec in recs:
            tr = by_id.get(rec.trace_id)
            for k, ro in enumerate(rec.rollouts):
                if "plausibility" in ro.info:
                    continue
                pieces = ro.info.get("pieces") or []
                p = check_plausibility(ro.track, net, max_speed_mps=self.options.max_speed_mps,
                                       span_lonlat=None if tr is None else (tr.lon, tr.lat),
                                       piece_starts=[int(a) for a, _ in pieces[1:]])
                ro.info["plausibility"] = p.as_info()
                if not p.ok:
                    ro.info.setdefault("failed", p.reason)
                    if k == 0 and p.n_pieces > 1:
                        errors.append(TraceError(rec.trace_id, f"output kept in {p.n_pieces} pieces (no road "
                                                               f"route joins them): {p.reason}"))
        return recs, errors


def check_trace(trace: SignalingTrace, network, max_outside_share: float = 0.5, margin_m: float = 2000.0) -> None:
    """Reject traces a method cannot use: too short, or mostly outside the road network."""
    if len(trace) < 2:
        raise ValueError(f"trace {trace.trace_id}: {len(trace)} record(s); at least 2 are needed")
    if trace.t[-1] - trace.t[0] <= 0:
        raise ValueError(f"trace {trace.trace_id}: all records have the same timestamp")
    if network is None:
        return
    x, y = network.to_xy(trace.lon, trace.lat)
    x0, y0, x1, y1 = network.bounds_xy
    outside = (x < x0 - margin_m) | (x > x1 + margin_m) | (y < y0 - margin_m) | (y > y1 + margin_m)
    if outside.mean() > max_outside_share:
        raise ValueError(f"trace {trace.trace_id}: {int(outside.sum())} of {len(trace)} records lie outside "
                         f"the road network {network.name!r} (more than 2 km beyond its extent)")


def collapse_same_time(t, x, y):
    """Average positions that share a timestamp, so the track's times strictly increase."""
    t = np.asarray(t, float)
    ut, inv = np.unique(t, return_inverse=True)
    cnt = np.bincount(inv)
    return ut, np.bincount(inv, x) / cnt, np.bincount(inv, y) / cnt
