"""The one interface every reconstruction method implements.

The CLI, the server, the plugin (through the server), the batch runner and the benchmark all go
through `get_method(name)(network, options).reconstruct_many(traces)`.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import time
import traceback
import typing
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import numpy as np

from .. import deadline
from ..types import Reconstruction, SignalingTrace, TraceError


class OptionError(ValueError):
    """A method option with a value its declaration refuses; `field` is the option's name."""

    def __init__(self, field: str, detail: str):
        self.field, self.detail = field, detail
        super().__init__(f"{field} {detail}")


@dataclass(frozen=True)
class Option:
    """How one method option is offered and checked, kept in its dataclass field's metadata (`option()`).

    The field holds the default; this holds the rest. From these the CLI flags (commands/reconstruct.py), the
    wire schema (resources/wire/schemas/options.schema.json, written by sig2gps.server.wire) and the server's
    conversion are generated, and `check_options` checks every options object against them."""

    help: str  # one line: the CLI's --help, the wire schema's description, the plugin's tooltip
    methods: tuple[str, ...] = ()  # the methods that read it (empty: every method)
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # exclusive minimum (a speed must be greater than 0)
    step: int | None = None  # allowed values are minimum, minimum + step, ... up to maximum
    pattern: str | None = None  # a text value must match (anchored)
    choices: tuple | None = None  # the value must be one of these (a named mode)
    flag: str | None = None  # the CLI flag when it is not --<name with dashes>
    metavar: str | None = None
    cli: bool = True  # a flag of `sig2gps reconstruct` / `sig2gps batch`
    wire: bool = True  # a field of a job request's options (the plugin, the server)

    def __post_init__(self):
        if self.step is not None and (self.minimum is None or self.maximum is None):
            raise TypeError("an option with a step needs a minimum and a maximum")

    def allowed(self) -> list | None:
        """The allowed values of a stepped or a choice option (the wire schema lists them), else None."""
        if self.choices is not None:
            return list(self.choices)
        return None if self.step is None else list(range(int(self.minimum), int(self.maximum) + 1, self.step))

    def check(self, name: str, value) -> None:
        """Raise OptionError unless `value` is allowed (None passes: the option is unset)."""
        if value is None:
            return
        if self.choices is not None and value not in self.choices:
            raise OptionError(name, f"must be one of {', '.join(map(str, self.choices))} ({self.help}), got {value!r}")
        if self.pattern is not None and not (isinstance(value, str) and re.search(self.pattern, value)):
            raise OptionError(name, f"must match {self.pattern} ({self.help}), got {value!r}")
        bounds = (self.minimum, self.maximum, self.above)
        if all(b is None for b in bounds):
            return
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise OptionError(name, f"must be a number, got {value!r}")
        if self.above is not None and not value > self.above:
            raise OptionError(name, f"must be greater than {self.above:g}, got {value}")
        if self.step is not None and value not in self.allowed():
            first = ", ".join(str(v) for v in self.allowed()[:3])
            raise OptionError(name, f"must be {first}, ... up to {self.maximum:g} ({self.help}), got {value}")
        if self.minimum is not None and value < self.minimum:
            raise OptionError(name, f"must be at least {self.minimum:g}, got {value}")
        if self.maximum is not None and value > self.maximum:
            raise OptionError(name, f"must be at most {self.maximum:g}, got {value}")


def option(default=dataclasses.MISSING, help: str = "", *, factory=dataclasses.MISSING, **spec):  # noqa: A002
    """A dataclass field that is a method option: its default, and its `Option` (help, checks, where offered)."""
    return field(default=default, default_factory=factory, metadata={"option": Option(help, **spec)})


class OptionField(NamedTuple):
    name: str
    type: type  # int, float, bool, str or dict
    nullable: bool  # None is allowed (unset)
    default: object
    spec: Option


@functools.cache
def option_fields(cls) -> tuple[OptionField, ...]:
    """The declared options of an options dataclass (MethodOptions, or a test's subclass), in field order."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get("option")
        if spec is None:
            continue
        kinds = [t for t in typing.get_args(hints[f.name]) or (hints[f.name],) if t is not type(None)]
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        out.append(OptionField(f.name, typing.get_origin(kinds[0]) or kinds[0],
                               type(None) in typing.get_args(hints[f.name]), default, spec))
    return tuple(out)


def check_options(opts) -> None:
    """The one check of an options object: every field against its declaration; raises OptionError."""
    for f in dataclasses.fields(opts):
        spec = f.metadata.get("option")
        if spec is not None:
            spec.check(f.name, getattr(opts, f.name))


@dataclass(frozen=True)
class CommonOptions:
    """The options every method may read. A method's own options are declared beside it (VideoOptions in
    video.py, NFTrackOptions in nftrack.py); MethodOptions (options.py) is their union, what callers pass."""

    rollouts: int = option(1, "candidate trajectories per trace (rollout 0 is the best)", minimum=1, maximum=64)
    seed: int = option(0, "seeds every random choice, so runs repeat", minimum=0)
    model: str | None = option(None, "model directory or checkpoint", methods=("gru", "mlp", "tcn", "transformer",
                                                                            "video"))
    max_outside_share: float = option(0.5, "share of records allowed outside the network's extent (+2 km)",
                                      minimum=0.0, maximum=1.0, cli=False, wire=False)
    # not on the wire: the server runs with the default
    max_speed_mps: float = option(50.0, "an output step faster than this is implausible: the rollout is flagged "
                                        "failed; hmm and nftrack time their tracks below it", above=0.0,
                                  flag="--max-speed", metavar="M_PER_S", wire=False)
    # sig2gps.deadline: the CPU methods check it inside their long loops, any method that keeps reconstruct_many
    # once it returns. Not on the wire: the server runs with the default (and its cancel stops a trace at once).
    trace_timeout_s: float = option(60.0, "time limit per trace in seconds: a trace that takes longer fails alone "
                                          "(errors.csv) and the others go on; 0: no limit", minimum=0.0,
                                    flag="--trace-timeout", metavar="SECONDS", wire=False)
    extra: dict = option(help="method-specific settings (see the method's documentation)", factory=dict, cli=False)

    def __post_init__(self):
        check_options(self)


def __getattr__(name: str):
    # `from .base import MethodOptions` still works; the class is assembled in options.py from every method's
    # options, which import this module, so it cannot be defined here.
    if name == "MethodOptions":
        from .options import MethodOptions

        return MethodOptions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

    def __init__(self, network, options=None):
        """options: a MethodOptions (default: every option's default)."""
        from .options import MethodOptions

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
                                       piece_starts=[int(a) for a, _ in pieces[1:]],
                                       road_segments=ro.road_segments if net is not None else None)
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
