"""Hash partitioning of traces across files: the step that lets one trace span many input files.

Stage 1 (one Ray task per input file) writes each trace's records and read errors to the shard
folder of its partition, crc32(trace_id) % P. Stage 2 (one call per partition) reads every shard
of its partition, so it sees all the records of each of its traces, whichever files they came
from, and builds the SignalingTrace objects exactly as read_signaling does for one file.
Shards live on disk under OUT/_shuffle (on a cluster OUT must be a shared file system), which
keeps the Ray object store small and lets a rerun skip stage 1.
"""
from __future__ import annotations

import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..types import SignalingTrace, TraceError


def partition_of(trace_id: str, n_partitions: int) -> int:
    return zlib.crc32(str(trace_id).encode("utf-8")) % n_partitions


def bucket_dir(shuffle_dir: Path, b: int) -> Path:
    return Path(shuffle_dir) / f"b{b:05d}"


def atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write then rename: a reader (or a retried task) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def write_shards(records: pd.DataFrame, errors: list[TraceError], file_index: int, shuffle_dir: Path,
                 n_partitions: int) -> dict:
    """Split one file's records and errors by partition; returns counts for the progress line."""
    ids = pd.unique(records["trace_id"]) if len(records) else np.zeros(0, object)
    part = {tid: partition_of(tid, n_partitions) for tid in ids}
    records = records.assign(seq=np.arange(len(records), dtype=np.int64), file=file_index)
    records["part"] = records["trace_id"].map(part).astype("int64") if len(records) else np.zeros(0, np.int64)
    for b, chunk in records.groupby("part", sort=True):
        atomic_parquet(chunk.drop(columns="part"), bucket_dir(shuffle_dir, int(b)) / f"f{file_index:06d}.parquet")
    err_df = pd.DataFrame({"trace_id": [e.trace_id for e in errors], "reason": [e.reason for e in errors]})
    if len(err_df):
        err_df["part"] = [partition_of(t, n_partitions) for t in err_df["trace_id"]]
        for b, chunk in err_df.groupby("part", sort=True):
            atomic_parquet(chunk.drop(columns="part"), bucket_dir(shuffle_dir, int(b)) / f"f{file_index:06d}.errors.parquet")
    return {"records": int(len(records)), "traces": int(len(ids)), "errors": int(len(err_df))}


def read_bucket(shuffle_dir: Path, b: int, file_names: list[str] | None = None, min_records: int = 2
                ) -> tuple[list[SignalingTrace], list[TraceError], list[str]]:
    """All traces of partition b, merged across files, sorted and de-duplicated like read_signaling.

    file_names[i] names input file i in messages.
    """
    d = bucket_dir(shuffle_dir, b)
    rec_files = sorted(d.glob("f*[0-9].parquet")) if d.exists() else []
    err_files = sorted(d.glob("f*.errors.parquet")) if d.exists() else []
    errors, bad = [], set()
    for f in err_files:
        for tid, reason in pd.read_parquet(f).itertuples(index=False):
            if tid and tid in bad:
                continue  # one reason per trace, as in read_signaling
            bad.add(tid)
            errors.append(TraceError(tid, reason))
    if not rec_files:
        return [], errors, []
    df = pd.concat([pd.read_parquet(f) for f in rec_files], ignore_index=True)
    if bad:  # a bad row in any file drops the whole trace
        df = df[~df["trace_id"].isin(bad)]
    # Files in input order, rows in file order, then a stable sort by time: the same order that
    # read_signaling gives the records of one trace read from the concatenated files.
    df = df.sort_values(["trace_id", "file", "seq"], kind="stable")
    traces, warnings = [], []
    for tid, g in df.groupby("trace_id", sort=False):
        t = g["t"].to_numpy()
        cid, lon, lat = g["cell_id"].to_numpy(), g["lon"].to_numpy(), g["lat"].to_numpy()
        if np.any(np.diff(t) < 0):
            o = np.argsort(t, kind="stable")
            t, cid, lon, lat = t[o], cid[o], lon[o], lat[o]
            warnings.append(f"trace {tid}: records not in time order (sorted)")
        keep = np.ones(len(t), bool)
        keep[1:] = ~((t[1:] == t[:-1]) & (cid[1:] == cid[:-1]) & (lon[1:] == lon[:-1]) & (lat[1:] == lat[:-1]))
        if not keep.all():
            warnings.append(f"trace {tid}: {int((~keep).sum())} duplicate record(s) dropped")
        if keep.sum() < min_records:
            files = [file_names[i] if file_names else f"input file #{i}" for i in sorted(set(g["file"].tolist()))]
            errors.append(TraceError(tid, f"{', '.join(files)}: trace has {int(keep.sum())} record(s); "
                                          f"at least {min_records} are needed"))
            continue
        traces.append(SignalingTrace(tid, t[keep], cid[keep], lon[keep], lat[keep]))
    return traces, errors, warnings


def bucket_trace_ids(shuffle_dir: Path, b: int) -> list[str]:
    """The trace ids of partition b (to report every one of them if the partition fails)."""
    d = bucket_dir(shuffle_dir, b)
    ids: set[str] = set()
    for f in sorted(d.glob("f*[0-9].parquet")) if d.exists() else []:
        ids.update(pd.read_parquet(f, columns=["trace_id"])["trace_id"].tolist())
    return sorted(ids)
