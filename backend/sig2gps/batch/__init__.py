"""Batch reconstruction on Ray: many signaling files in, Parquet partitions out (`sig2gps batch`)."""
from .config import BatchConfig
from .outputs import read_table
from .runner import run_batch

__all__ = ["BatchConfig", "read_table", "run_batch"]
