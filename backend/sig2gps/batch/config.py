"""What one batch run needs to know (the CLI fills it from its flags; tests and benchmarks build it directly)."""
from __future__ import annotations

from dataclasses import dataclass, field

MIB = 2**20


@dataclass(frozen=True)
class BatchConfig:
    input: str  # a signaling file, a folder of files (searched recursively) or a glob; .csv and .parquet
    out: str  # output folder: points/, trajectories/, errors/, manifest.json, summary.json
    method: str = "towers"  # a registered reconstruction method (sig2gps reconstruct --list-methods)
    network: str | None = None  # road file; None = the method gets no network (the CLI passes its default)
    cells: str | None = None  # cells CSV for inputs whose lon/lat are empty
    options: dict = field(default_factory=dict)  # MethodOptions fields (rollouts, seed, device, ...)
    encoding: str | None = None  # input CSVs' text encoding (None: UTF-8, or what a byte order mark says)
    time_unit: str = "auto"  # numeric timestamps: "s", "ms" or "auto" (see sig2gps.io.parse.check_time)
    max_gap_s: float | None = 1800.0  # traces are split into pieces <id>#k at longer silences; None: never
    ray_address: str | None = None  # existing cluster ("auto", "ray://host:10001"); None = local Ray in-process
    workers: int | None = None  # CPU workers (actors); None = the CPUs Ray reports (GPU mode: the GPUs)
    gpus_per_worker: float = 0.0  # > 0 (or options device "cuda") selects the GPU actor pool
    partitions: int | None = None  # hash partitions of the traces; None = from the input size (kept on resume)
    bytes_per_partition: int = 2 * MIB  # input bytes per partition when `partitions` is None
    batch_traces: int = 64  # traces per reconstruct_many call (the GPU path batches inside this)
    object_store_mb: int = 200  # local Ray only: object store size (the network and cell table live there)
    overwrite: bool = False  # discard a previous run in `out` instead of resuming it
    progress: bool = True  # progress line on stderr
    max_task_retries: int = 2  # Ray retries of a partition whose worker process died
    # Test hook: the first worker to see this path missing creates it and kills its own process,
    # so tests can check that Ray restarts the worker and retries its partition. Never set in use.
    crash_once_marker: str | None = None

    def __post_init__(self):
        self.read_options  # noqa: B018 — ReadOptions checks the encoding, unit and gap here, before any work
        if self.workers is not None and self.workers < 1:
            raise ValueError("--workers must be at least 1")
        if self.partitions is not None and self.partitions < 1:
            raise ValueError("--partitions must be at least 1")
        if self.batch_traces < 1:
            raise ValueError("--batch-traces must be at least 1")
        if self.gpus_per_worker < 0:
            raise ValueError("--gpus-per-worker must not be negative")

    @property
    def read_options(self):
        from ..io import ReadOptions

        return ReadOptions(encoding=self.encoding, time_unit=self.time_unit, max_gap_s=self.max_gap_s)

    @property
    def use_gpu(self) -> bool:
        return self.gpus_per_worker > 0 or str(self.options.get("device", "auto")).startswith("cuda")
