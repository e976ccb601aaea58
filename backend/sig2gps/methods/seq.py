"""`gru`, `mlp`, `tcn`, `transformer`: the learned sequence baselines of the paper's table.

Each maps (tower positions, times) to GPS positions on a grid of times over the trace, in the
trace's local metric frame; checkpoints come from `sig2gps train-baseline` (`--model PATH`). No
road network is used, so the output is not snapped to roads. The models are deterministic: one
rollout per trace whatever --rollouts asks. Without --model each uses its small shipped checkpoint
(resources/models/<kind>/, trained on simulated pairs of four cities), so it runs out of the box.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import deadline
from ..types import GpsTrace, Reconstruction, Rollout
from .base import ReconstructionMethod, check_trace
from .registry import register


class SeqMethod(ReconstructionMethod):
    kind = ""
    needs_network = False

    def __init__(self, network, options=None):
        super().__init__(network, options)
        from ..seqmodels.checkpoint import load_checkpoint

        self.model_path = self.options.model or self.shipped_dir()
        if not self.options.model and not self.is_ready():
            raise ValueError(f"method {self.name!r} needs a trained model: --model PATH (none ships at "
                             f"{self.shipped_dir()}; train one with `sig2gps train-baseline --model {self.kind} "
                             f"--pairs DIR --out PATH`)")
        self.model, self.mcfg, self.fcfg, self.doc = load_checkpoint(self.model_path, expect_kind=self.kind)

    @classmethod
    def shipped_dir(cls) -> Path:
        """resources/models/<kind>, beside the shipped video model."""
        from ..model.store import shipped_model_dir

        return shipped_model_dir().parent / cls.kind

    @classmethod
    def is_ready(cls) -> bool:
        d = cls.shipped_dir()
        return (d / "config.json").is_file() and (d / "model.pt").is_file()

    def reconstruct(self, trace):
        recs, errors = self.reconstruct_many([trace])
        if errors:
            raise ValueError(errors[0].reason)
        return recs[0]

    def reconstruct_many(self, traces):
        """One batched forward pass; traces that fail the checks are reported, the others go on."""
        import time

        import torch

        from ..seqmodels.features import to_track, trace_features
        from ..types import TraceError

        t0 = time.perf_counter()
        ok, errors, prepared = [], [], []
        for tr in traces:
            try:
                # The network is not used, so it does not limit where a trace may lie (the CLI passes
                # its default network even when none is named).
                with deadline.scope(self.options.trace_timeout_s, what=f"trace {tr.trace_id}") as budget:
                    check_trace(tr, None)
                    features = trace_features(tr, self.fcfg)
                    budget.check(cancel=False)
                prepared.append(features)
                ok.append(tr)
            except ValueError as e:
                errors.append(TraceError(tr.trace_id, str(e)))
        out = []
        if ok:
            deadline.check()  # a cancel (server) lands before the batched forward pass
            with torch.no_grad():
                pred = self.model(torch.from_numpy(np.stack([p[1] for p in prepared]))).numpy()
            per = (time.perf_counter() - t0) / len(ok)
            for tr, (g, _, base, frame), p in zip(ok, prepared, pred):
                t, lon, lat = to_track(p, g, base, frame, self.fcfg)
                info = {"model": str(Path(self.model_path)), "kind": self.kind}
                out.append(Reconstruction(tr.trace_id, self.name, [Rollout(GpsTrace(tr.trace_id, t, lon, lat), 0.0, info)],
                                          seconds=per))
        return out, errors

    @classmethod
    def prepare_for_benchmark(cls, train_dirs, work_dir, network_paths) -> dict:
        """Train on the benchmark's training pairs (validation split, early stopping, CPU minutes)."""
        from ..seqmodels.train import TrainConfig, train_model

        out = Path(work_dir) / f"seq_{cls.kind}"
        train_model(cls.kind, list(train_dirs), out, TrainConfig(max_seconds=90.0))
        return {"model": str(out)}


@register
class GruMethod(SeqMethod):
    name = kind = "gru"
    description = "GRU sequence baseline (bidirectional), towers+times -> GPS; shipped model, or --model from train-baseline"


@register
class MlpMethod(SeqMethod):
    name = kind = "mlp"
    description = "MLP sequence baseline over the whole trace; shipped model, or --model from train-baseline"


@register
class TcnMethod(SeqMethod):
    name = kind = "tcn"
    description = "TCN sequence baseline (dilated residual convolutions); shipped model, or --model from train-baseline"


@register
class TransformerMethod(SeqMethod):
    name = kind = "transformer"
    description = "GPT-style Transformer sequence baseline; shipped model, or --model from train-baseline"
