"""Settings of the local backend server."""
from __future__ import annotations

from dataclasses import dataclass

HOST = "127.0.0.1"  # loopback only, never configurable: the server runs user code on user files


@dataclass(frozen=True)
class ServerConfig:
    port: int = 0  # 0: the system picks a free port (reported in the connection file)
    max_request_bytes: int = 64 * 2**20  # larger bodies get 413 before they are read (inline networks are big)
    workers: int = 1  # jobs run one after another by default: methods may hold a whole GPU or all cores
    chunk_traces: int = 8  # traces per reconstruct_many call: progress and cancel happen between chunks
    keep_jobs: int = 64  # finished jobs (and their frames) kept for the client to fetch; oldest dropped first
    max_frame_bytes: int = 2 * 2**30  # raw frames kept for GET .../frames; beyond it older jobs' frames are freed
    cache_dir: str | None = None  # where inline networks are written for load_network (default: a temp dir)

    def __post_init__(self):
        if not (0 <= self.port <= 65535):
            raise ValueError(f"port {self.port} outside 0..65535")
        if self.max_request_bytes < 1024:
            raise ValueError("max_request_bytes must be at least 1024")
        if self.workers < 1 or self.chunk_traces < 1 or self.keep_jobs < 1:
            raise ValueError("workers, chunk_traces and keep_jobs must be at least 1")
