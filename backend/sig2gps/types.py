"""The few value types every part of the backend shares.

Times are float Unix seconds (UTC) everywhere inside the backend; positions are WGS84 lon/lat
degrees at the edges (files, wire format) and metres in the network's local UTM inside methods.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _arr(x, dtype=float) -> np.ndarray:
    a = np.asarray(x, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class SignalingTrace:
    """One phone's signaling records, sorted by time: which cell served it, and where that cell's site is."""

    trace_id: str
    t: np.ndarray  # (n,) Unix seconds, non-decreasing
    cell_id: np.ndarray  # (n,) str
    lon: np.ndarray  # (n,) serving site longitude
    lat: np.ndarray  # (n,) serving site latitude

    def __post_init__(self):
        object.__setattr__(self, "t", _arr(self.t))
        object.__setattr__(self, "cell_id", _arr(self.cell_id, object))
        object.__setattr__(self, "lon", _arr(self.lon))
        object.__setattr__(self, "lat", _arr(self.lat))

    def __len__(self) -> int:
        return len(self.t)


@dataclass(frozen=True)
class GpsTrace:
    """A timestamped trajectory (ground truth, or one reconstruction)."""

    trace_id: str
    t: np.ndarray
    lon: np.ndarray
    lat: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "t", _arr(self.t))
        object.__setattr__(self, "lon", _arr(self.lon))
        object.__setattr__(self, "lat", _arr(self.lat))

    def __len__(self) -> int:
        return len(self.t)


@dataclass(frozen=True)
class Cell:
    cell_id: str
    lon: float
    lat: float
    site_id: str = ""


@dataclass
class Rollout:
    """One candidate trajectory of a method for one trace; rollout 0 is the method's best."""

    track: GpsTrace
    score: float = 0.0  # higher is better; methods document their own scale
    info: dict = field(default_factory=dict)  # method-specific diagnostics (json-serialisable)
    frames: list | None = None  # optional (T,H,W,3) uint8 frames for the plugin's player
    # optional ids of the road network's segments the track was drawn along (a map matcher's route): the output
    # check (methods.base.check_outputs) then finds its on-road share faster; not part of the output
    road_segments: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass
class Reconstruction:
    trace_id: str
    method: str
    rollouts: list[Rollout]
    seconds: float = 0.0


@dataclass(frozen=True)
class TraceError:
    """A trace (or input row) that could not be processed; goes to errors.csv, the others go on."""

    trace_id: str
    reason: str
