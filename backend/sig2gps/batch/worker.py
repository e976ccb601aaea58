"""What runs inside Ray workers: stage 1 (read + shard one file) and the partition worker actor.

Kept free of `import ray` so the classes can be tested in-process; runner.py wraps them with
ray.remote and the retry/restart options.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from ..types import TraceError
from .inputs import split_pieces
from .outputs import write_partition
from .shuffle import read_bucket, write_shards


def shard_file(path: str, file_index: int, shuffle_dir: str, n_partitions: int, cells=None, read_options=None) -> dict:
    """Stage 1 for one input file. Idempotent (atomic shard files), so Ray may retry it freely."""
    from .inputs import read_records

    from ..io import InputError

    t0 = time.perf_counter()
    try:
        records, errors, warnings = read_records(Path(path), cells, read_options)
    except InputError as e:  # returned, not raised: InputError's constructor does not survive pickling
        return {"input_error": {"text": str(e), "path": e.path, "line": e.line, "field": e.field}}
    counts = write_shards(records, errors, file_index, Path(shuffle_dir), n_partitions)
    counts.update(file=path, warnings=warnings[:20], n_warnings=len(warnings), seconds=time.perf_counter() - t0)
    return counts


class PartitionWorker:
    """Holds the road network and one method instance for its whole life (one model load per worker).

    `network` is the path of the pickled RoadNetwork the driver wrote (read once, when the actor
    starts), a RoadNetwork, or None for methods that need none.
    """

    def __init__(self, method: str, options: dict, network, out: str, shuffle_dir: str, file_names: list[str],
                 batch_traces: int = 64, crash_once_marker: str | None = None, max_gap_s: float | None = None):
        from ..methods import MethodOptions, get_method

        t0 = time.perf_counter()
        if isinstance(network, str):
            import pickle

            network = pickle.loads(Path(network).read_bytes())
        self.method = get_method(method)(network, MethodOptions(**options))
        self.out, self.shuffle_dir, self.file_names = Path(out), Path(shuffle_dir), file_names
        self.batch_traces = batch_traces
        self.crash_once_marker = crash_once_marker
        self.max_gap_s = max_gap_s  # traces are split into pieces at longer silences (inputs.split_pieces)
        self.setup_seconds = time.perf_counter() - t0

    def info(self) -> dict:
        return {"pid": os.getpid(), "device": self.method.device, "setup_seconds": self.setup_seconds}

    def run_partition(self, b: int) -> dict:
        t0, c0 = time.perf_counter(), time.process_time()
        traces, errors, warnings = read_bucket(self.shuffle_dir, b, self.file_names)
        traces = split_pieces(traces, errors, warnings, self.max_gap_s)
        t_read = time.perf_counter()
        self._maybe_crash()
        recons = []
        for i in range(0, len(traces), self.batch_traces):
            ok, failed = self._reconstruct_chunk(traces[i:i + self.batch_traces])
            recons += ok
            errors += failed
        t_rec = time.perf_counter()
        write_partition(self.out, b, recons, errors)
        ok_ids = {r.trace_id for r in recons}
        return {"partition": b, "traces_ok": len(recons), "traces_failed": len(errors),
                "records": int(sum(len(tr) for tr in traces)),
                "records_ok": int(sum(len(tr) for tr in traces if tr.trace_id in ok_ids)),
                "seconds_read": t_read - t0, "seconds_reconstruct": t_rec - t_read,
                "seconds_write": time.perf_counter() - t_rec,
                "cpu_seconds": time.process_time() - c0, "pid": os.getpid(),
                "warnings": warnings[:5], "n_warnings": len(warnings)}

    def _reconstruct_chunk(self, traces):
        """reconstruct_many's contract keeps one bad trace from the others; if a method still raises
        for a whole batch (e.g. out of GPU memory), redo the batch one trace at a time."""
        try:
            return self.method.reconstruct_many(traces)
        except Exception:
            ok, failed = [], []
            for tr in traces:
                try:
                    r, e = self.method.reconstruct_many([tr])
                except Exception as ex:
                    r, e = [], [TraceError(tr.trace_id, f"{type(ex).__name__}: {ex}")]
                ok += r
                failed += e
            return ok, failed

    def _maybe_crash(self) -> None:
        if not self.crash_once_marker:
            return
        try:  # O_EXCL: of workers racing here, exactly one creates the marker and dies
            fd = os.open(self.crash_once_marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)  # a hard death, as when the OOM killer takes the worker
