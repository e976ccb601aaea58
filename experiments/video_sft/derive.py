"""The training log's table (`log_lines`) from the history record, by the package's one training-log renderer."""

from __future__ import annotations

from sig2gps.benchmark.video import training_log


def derive(ns: dict) -> dict:
    return {"log_lines": training_log(ns["log"] or {}).splitlines()}
