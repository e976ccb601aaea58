"""Bounded work per trace: a cooperative deadline that long loops check, and cancellation through the same hook.

A method's loops (the map matcher's per-record loop, Viterbi, the routing of gaps, the smoother) call
`check()` now and then. It does nothing unless a caller opened a `scope`:
- the method base (`ReconstructionMethod.reconstruct_many`) opens one per trace with the trace's time limit
  (`MethodOptions.trace_timeout_s`, the CLI's --trace-timeout): a trace over it raises TraceTimeout, a
  ValueError, so it fails alone and is reported in errors.csv while the others go on;
- the server opens one per job with the job's cancel event: a DELETE then stops a long trace at its next
  check (Cancelled, a BaseException, so a method's per-trace `except Exception` does not swallow it).
Scopes nest: the inner one keeps the outer one's cancel events and never ends later than it.

The current deadline lives in a context variable, so threads (the server's job workers) never see each
other's, and the loops need no extra argument. Work that is per network, not per trace (building a
matcher's cost table on first use), runs inside `exempt()`: its time is not charged to the trace that
happened to trigger it, but a cancel still stops it.
"""
from __future__ import annotations

import contextlib
import contextvars
import math
import time

__all__ = ["Cancelled", "Deadline", "TraceTimeout", "check", "exempt", "scope"]


class TraceTimeout(ValueError):
    """A trace took longer than its time limit (it fails alone, with this reason)."""


class Cancelled(BaseException):
    """The caller (a server job's DELETE) asked the work to stop."""


class Deadline:
    """An end time (monotonic clock; inf: none) and the events that cancel the work."""

    __slots__ = ("end", "limit_s", "cancel_events", "what", "_exempt_since")

    def __init__(self, seconds: float | None = None, cancel=None, what: str = "the trace",
                 parent: "Deadline | None" = None):
        self.limit_s = float(seconds) if seconds and seconds > 0 else None
        self.end = time.monotonic() + self.limit_s if self.limit_s else math.inf
        self.cancel_events = tuple(parent.cancel_events if parent else ()) + ((cancel,) if cancel is not None else ())
        self.what = what
        self._exempt_since = None
        if parent is not None and parent.end < self.end:  # never outlive the enclosing scope
            self.end, self.limit_s, self.what = parent.end, parent.limit_s, parent.what

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def check(self, cancel: bool = True) -> None:
        """Raise Cancelled if any cancel event is set (unless cancel=False: work already done is kept), then
        TraceTimeout if the time is up; else return."""
        for ev in self.cancel_events if cancel else ():
            if ev.is_set():
                raise Cancelled("cancelled")
        if self._exempt_since is None and time.monotonic() > self.end:
            raise TraceTimeout(f"{self.what} took longer than its time limit of {self.limit_s:g} s and was stopped "
                               "(raise it with --trace-timeout SECONDS, or 0 for no limit)")


_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("sig2gps_deadline", default=None)


def current() -> Deadline | None:
    return _CURRENT.get()


def check() -> None:
    """Check the current deadline, if any (cheap: a context-variable read and a clock read)."""
    d = _CURRENT.get()
    if d is not None:
        d.check()


@contextlib.contextmanager
def scope(seconds: float | None = None, cancel=None, what: str = "the trace"):
    """Run the body under a deadline of `seconds` (None or 0: no time limit) and/or a cancel event (anything
    with is_set()), nested in the current one. Checks once on entry, so cancelled work does not start."""
    d = Deadline(seconds, cancel, what, parent=_CURRENT.get())
    token = _CURRENT.set(d)
    try:
        d.check()
        yield d
    finally:
        _CURRENT.reset(token)


@contextlib.contextmanager
def exempt():
    """Time spent in the body is not charged to the current deadline (per-network setup); cancel still applies."""
    d = _CURRENT.get()
    if d is None or d._exempt_since is not None:
        yield
        return
    d._exempt_since = t0 = time.monotonic()
    try:
        yield
    finally:
        d._exempt_since = None
        d.end += time.monotonic() - t0
