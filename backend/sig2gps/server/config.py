"""Settings of the local backend server."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, never configurable: the server runs user code on user files


@dataclass(frozen=True)
class ServerConfig:
    port: int = 0  # 0: the system picks a free port (reported in the connection file)
    max_request_bytes: int = 64 * 2**20  # larger bodies get 413 before they are read (inline networks are big)
    workers: int = 1  # jobs run one after another by default: methods may hold a whole GPU or all cores
    chunk_traces: int = 8  # traces per reconstruct_many call: progress and cancel happen between chunks
    keep_jobs: int = 64  # finished jobs kept once fetched or past keep_seconds; oldest dropped first
    keep_seconds: float = 3600.0  # a finished job's result is kept at least this long unless it was fetched
    max_queued: int = 64  # jobs waiting for a worker; beyond it a submission gets 503 with Retry-After
    backlog: int = 256  # connections the OS holds before accept(): a burst of clients is queued, not reset
    max_frame_bytes: int = 2 * 2**30  # raw frames kept for GET .../frames; beyond it older jobs' frames are freed
    cache_dir: str | None = None  # where inline networks are written for load_network (default: a temp dir)
    # Folders whose files a request may name (signaling_path, cells_path, network.path, options.model,
    # options.fingerprint), checked after resolving links and '..'; files in hidden folders (.ssh, .config)
    # inside them are refused too. None: the user's home folder; (): no server-side paths, inline data only.
    data_dirs: tuple[str, ...] | None = None

    def __post_init__(self):
        if not (0 <= self.port <= 65535):
            raise ValueError(f"port {self.port} outside 0..65535")
        if self.max_request_bytes < 1024:
            raise ValueError("max_request_bytes must be at least 1024")
        if self.workers < 1 or self.chunk_traces < 1 or self.keep_jobs < 1 or self.max_queued < 1:
            raise ValueError("workers, chunk_traces, keep_jobs and max_queued must be at least 1")
        if self.keep_seconds < 0 or self.backlog < 1:
            raise ValueError("keep_seconds must not be negative and backlog must be at least 1")

    def allowed_dirs(self) -> list[Path]:
        """The data folders, resolved (a link to a folder allows what it points to, nothing else)."""
        dirs = [str(Path.home())] if self.data_dirs is None else list(self.data_dirs)
        return [Path(d).resolve() for d in dirs]
