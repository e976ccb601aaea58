from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..types import TraceError


@dataclass
class ReadReport:
    """What went wrong while reading, per trace: errors drop the trace, warnings only inform."""

    errors: list[TraceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, trace_id: str, reason: str) -> None:
        self.errors.append(TraceError(str(trace_id), reason))

    def extend(self, other: "ReadReport") -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)


def write_errors(path: Path, errors: list[TraceError]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace_id", "reason"])
        for e in errors:
            w.writerow([e.trace_id, e.reason])
