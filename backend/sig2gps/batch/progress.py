"""The progress line on stderr: partitions, traces done / failed, throughput."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total_partitions: int, enabled: bool = True, stream=None, every_s: float = 2.0):
        self.total, self.enabled = total_partitions, enabled
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.every_s = every_s
        self.t0 = time.perf_counter()
        self.done = self.ok = self.failed = self.records = 0
        self.stage = ""
        self._last = 0.0

    def set_stage(self, stage: str, total: int) -> None:
        self.stage, self.total, self.done = stage, total, 0
        self.show(force=True)

    def add(self, ok: int = 0, failed: int = 0, records: int = 0, parts: int = 1) -> None:
        self.done += parts
        self.ok += ok
        self.failed += failed
        self.records += records
        self.show()

    def line(self) -> str:
        dt = max(time.perf_counter() - self.t0, 1e-9)
        return (f"[batch] {self.stage} {self.done}/{self.total} | traces {self.ok} done, {self.failed} failed | "
                f"{(self.ok + self.failed) / dt:.1f} traces/s, {self.records / dt:.0f} records/s | {dt:.0f} s")

    def show(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        # On a terminal, redraw one line; in a log file, one line per update at most every `every_s`.
        if self.tty:
            self.stream.write("\r" + self.line() + "\033[K")
        elif force or now - self._last >= self.every_s or self.done == self.total:
            self.stream.write(self.line() + "\n")
        else:
            return
        self._last = now
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
