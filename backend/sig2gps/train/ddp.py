"""Data-parallel SFT of the video model on several GPUs (torch DDP), `sig2gps train sft --gpus N`.

One process per GPU (or per CPU slot with gloo, for tests). What makes N processes equal one:
- each rank draws fresh samples from its own seed (train/data.PairStream with `rank`), but all ranks draw the same frame count T per
  step (a shared stream), so no rank waits on a longer video and the global batch is one T;
- the per-rank batch is `batch // N`, gradients are averaged by DDP during backward, and the
  weighted flow loss is normalised by the weight total of the whole global batch (`weight_sync`),
  so N ranks of B/N give the gradient of one process with B;
- the wall-clock budget and the learning rate follow rank 0's clock (broadcast every step), so all
  ranks stop on the same step and take identical optimizer steps;
- only rank 0 prints, validates, writes checkpoints and curves; the others wait at a barrier.

Launch: `launch(cfg, n)` spawns n processes on this host (torch.multiprocessing); under `torchrun`
(RANK / WORLD_SIZE / LOCAL_RANK set) `from_env()` joins the group torchrun made instead.
"""
from __future__ import annotations

import datetime
import os
import socket
from dataclasses import dataclass

import torch

# NVLink multicast (NVLS) can take a shared host's GPUs out of service: keep it off in NCCL,
# PyTorch symmetric memory and NVSHMEM, also for processes we start (they inherit os.environ).
NO_MULTICAST = {"NCCL_NVLS_ENABLE": "0", "TORCH_SYMM_MEM_DISABLE_MULTICAST": "1", "NVSHMEM_DISABLE_NVLS": "1"}
RANK_SEED_STRIDE = 1_000_003  # rank r's sample/noise seeds are offset by r * this (rank 0 = single process)


def _no_multicast() -> None:
    os.environ.update(NO_MULTICAST)


@dataclass
class DdpContext:
    rank: int
    world: int
    local_rank: int
    device: str  # "cuda" (the current device is set to local_rank) or "cpu"

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def _t(self, values) -> torch.Tensor:
        return torch.tensor(values, dtype=torch.float64 if self.device == "cpu" else torch.float32,
                            device=self.device)

    def wrap(self, model: torch.nn.Module) -> torch.nn.Module:
        """DDP around the model (gradients all-reduced, averaged, during backward)."""
        from torch.nn.parallel import DistributedDataParallel as DDP

        ids = [self.local_rank] if self.device == "cuda" else None
        return DDP(model, device_ids=ids)

    def weight_sync(self, local: torch.Tensor) -> torch.Tensor:
        """Mean over ranks of the local loss-weight totals (what makes N x B/N equal 1 x B)."""
        import torch.distributed as dist

        t = local.detach().to(torch.float32).reshape(1).clone()
        dist.all_reduce(t)
        return t[0] / self.world

    def clock(self, minutes: float, done: bool) -> tuple[float, bool]:
        """Rank 0's elapsed minutes and stop decision, given to every rank."""
        import torch.distributed as dist

        t = self._t([minutes, float(done)])
        dist.broadcast(t, 0)
        return float(t[0]), bool(t[1] > 0.5)

    def barrier(self) -> None:
        import torch.distributed as dist

        if self.device == "cuda":
            dist.barrier(device_ids=[self.local_rank])
        else:
            dist.barrier()

    def rank_seed(self, seed: int) -> int:
        return int(seed) + self.rank * RANK_SEED_STRIDE

    def per_rank_batch(self, batch: int) -> int:
        if batch % self.world:
            raise ValueError(f"batch {batch} is not divisible by {self.world} processes (batch is the global batch)")
        return batch // self.world


def setup(rank: int, world: int, local_rank: int | None = None, backend: str | None = None,
          timeout_min: float = 60.0) -> DdpContext:
    """Join the process group (MASTER_ADDR/MASTER_PORT from the environment) and pick this rank's device."""
    import torch.distributed as dist

    _no_multicast()
    local_rank = rank if local_rank is None else local_rank
    cuda = torch.cuda.is_available() and backend != "gloo"
    if cuda:
        torch.cuda.set_device(local_rank)
    # long timeout: the other ranks wait at a barrier while rank 0 validates and saves
    dist.init_process_group(backend or ("nccl" if cuda else "gloo"), rank=rank, world_size=world,
                            timeout=datetime.timedelta(minutes=timeout_min),
                            device_id=torch.device("cuda", local_rank) if cuda else None)
    return DdpContext(rank, world, local_rank, "cuda" if cuda else "cpu")


def from_env() -> DdpContext | None:
    """The context under torchrun (RANK, WORLD_SIZE, LOCAL_RANK set), else None."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return None
    return setup(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))


def teardown() -> None:
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
