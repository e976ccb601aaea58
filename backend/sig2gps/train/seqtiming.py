"""Training of hmm's sequence timing model (mapmatch.seq_timing) on simulated drives of the training cities.

Each simulated drive (never of the benchmark's unseen city) is matched by hmm with true and with estimated cell
positions (train.timing.matched_drives); on the model's time grid, the features are those hmm computes at
inference and the target is how far along the matched route the simulated phone really was (its ground-truth
position, projected on the route near the current progress) minus that progress. A small dilated 1-D
convolution net (torch, CPU) is fitted with an L1 loss and written as JSON for numpy inference.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from .timing import TRAIN_CITIES

CLIP_M = 1500.0  # targets are clipped to +-this (a wrong route's far projections)


@dataclass
class Sample:
    """One matched trace on the model's grid: features (T, F), target offsets (T,) in metres, and its kind."""

    X: np.ndarray
    y: np.ndarray
    kind: str = ""


def trace_sample(route, obs, t, x, y, tc, scale: float, gps_t, gps_xy, step_s: float) -> Sample | None:
    """The features and targets of one matched trace (route, cleaned observations obs, records t, x, y; timing
    settings tc; ground truth gps_t, gps_xy in network metres). None for a trace too short to time."""
    from ..mapmatch.ends import progress_parts
    from ..mapmatch.seq_timing import features, grid_times
    from ..mapmatch.timing import project_points

    if route.length <= 0 or len(t) < 2 or len(gps_t) < 2:
        return None
    tc = replace(tc, handover="learned")  # the progress the sequence model corrects
    tq, s_track, s0 = progress_parts(tc, scale, route, obs, t, x, y, float(t[0]), float(t[-1]))
    if len(tq) < 2:
        return None
    g = grid_times(float(tq[0]), float(tq[-1]), step_s)
    sg = np.interp(g, tq, s0)
    px, py = np.interp(g, gps_t, gps_xy[:, 0]), np.interp(g, gps_t, gps_xy[:, 1])
    truth = project_points(route, px, py, sg - 1000.0, sg + 1000.0)
    return Sample(features(route, t, x, y, g, tq, s0, s_track, scale), np.clip(truth - sg, -CLIP_M, CLIP_M))


def _torch_net(n_in: int, width: int, dilations, kernel: int):
    import torch

    class Net(torch.nn.Module):
        """SeqTimingModel's architecture in torch; padded steps (mask 0) are zeroed after every layer, so that
        a batch of sequences of different lengths gives each the same answer as alone (zero padding)."""

        def __init__(self):
            super().__init__()
            self.inp = torch.nn.Conv1d(n_in, width, 1)
            self.blocks = torch.nn.ModuleList(torch.nn.Conv1d(width, width, kernel, dilation=d,
                                                              padding=d * (kernel // 2)) for d in dilations)
            self.out = torch.nn.Conv1d(width, 1, 1)

        def forward(self, x, mask):  # x: (B, F, T) standardised, mask: (B, 1, T)
            h = self.inp(x) * mask
            for conv in self.blocks:
                h = (h + conv(torch.relu(h))) * mask
            return self.out(torch.relu(h))[:, 0]

    return Net()


def to_numpy_model(net, mean, std, step_s: float, dilations, out_scale_m: float = 1000.0):
    """The torch net's weights as a SeqTimingModel (numpy inference)."""
    from ..mapmatch.seq_timing import FEATURES, SeqTimingModel

    a = lambda p: p.detach().double().numpy()
    blocks = [[a(c.weight).transpose(2, 1, 0).tolist(), a(c.bias).tolist(), int(d)]
              for c, d in zip(net.blocks, dilations)]
    return SeqTimingModel({"features": list(FEATURES), "mean": list(map(float, mean)), "std": list(map(float, std)),
                           "w_in": a(net.inp.weight)[:, :, 0].T.tolist(), "b_in": a(net.inp.bias).tolist(),
                           "blocks": blocks, "w_out": a(net.out.weight)[:, :, 0].T.tolist(),
                           "b_out": a(net.out.bias).tolist(), "step_s": step_s, "out_scale_m": out_scale_m})


def _batch(samples, idx, mean, std):
    import torch

    T = max(len(samples[i].y) for i in idx)
    X = np.zeros((len(idx), len(mean), T), np.float32)
    Y = np.zeros((len(idx), T), np.float32)
    M = np.zeros((len(idx), 1, T), np.float32)
    for r, i in enumerate(idx):
        n = len(samples[i].y)
        X[r, :, :n] = ((samples[i].X - mean) / std).T
        Y[r, :n] = samples[i].y / 1000.0
        M[r, 0, :n] = 1.0
    return torch.tensor(X), torch.tensor(Y), torch.tensor(M)


def fit_seq(samples: list[Sample], step_s: float, width: int = 16, dilations=(1, 2, 4, 8, 16, 32), kernel: int = 3,
            epochs: int = 30, batch: int = 32, lr: float = 2e-3, seed: int = 0, log=None):
    """Fit the sequence net with an L1 loss (Adam, mini-batches of traces, CPU, one thread): a SeqTimingModel."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    allX = np.concatenate([s.X for s in samples])
    mean, std = allX.mean(0), allX.std(0) + 1e-6
    net = _torch_net(allX.shape[1], width, dilations, kernel)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    order = np.argsort([len(s.y) for s in samples])  # batches of similar length: little padding
    chunks = [order[k:k + batch] for k in range(0, len(order), batch)]
    for ep in range(epochs):
        tot, cnt = 0.0, 0.0
        for j in rng.permutation(len(chunks)):
            X, Y, M = _batch(samples, chunks[j], mean, std)
            opt.zero_grad()
            loss = ((net(X, M) - Y).abs() * M[:, 0]).sum() / M.sum()
            loss.backward()
            opt.step()
            tot, cnt = tot + loss.item() * float(M.sum()), cnt + float(M.sum())
        sched.step()
        if log and (ep % 5 == 0 or ep == epochs - 1):
            log(f"[train seqtiming] epoch {ep}: L1 {1000 * tot / cnt:.1f} m")
    return to_numpy_model(net, mean, std, step_s, dilations), net


def l1(model, samples: list[Sample]) -> tuple[float, float]:
    """(the model's L1 in metres, no correction's) over every grid step of the samples."""
    err = np.concatenate([np.abs(s.y - model.predict(s.X)) for s in samples])
    return float(err.mean()), float(np.concatenate([np.abs(s.y) for s in samples]).mean())


def city_samples(net, sims, cells: dict, step_s: float, kind: str) -> list[Sample]:
    """Samples of simulated drives with the given cell positions, matched by hmm as it runs by default."""
    from ..mapmatch import MatchConfig, clean_observations
    from .timing import matched_drives

    cfg = MatchConfig()
    cfg = replace(cfg, timing=replace(cfg.timing, handover="learned", ends=False))
    out = []
    for s, tr, x, y, matcher, _, route in matched_drives(net, sims, cells, cfg):
        obs = clean_observations(tr.t, x, y, matcher.cfg.cleanup)
        gx, gy = net.to_xy(s.gps.lon, s.gps.lat)
        smp = trace_sample(route, obs, np.asarray(tr.t, float), x, y, matcher.cfg.timing, matcher.scale,
                           np.asarray(s.gps.t, float), np.column_stack([gx, gy]), step_s)
        if smp is not None:
            smp.kind = kind
            out.append(smp)
    return out


def train_seqtiming(out, osm_dir: str, cities=TRAIN_CITIES, per_city: int = 1000, seed: int = 9801,
                    step_s: float = 10.0, epochs: int = 40, widths=(32, 48), log=print) -> dict:
    """Simulate `per_city` drives a city (seed + city index; never the benchmark's own seeds), match them with
    true and estimated cell positions, fit one sequence net per width (torch seed k for the k-th) and write their
    ensemble to `out`."""
    from pathlib import Path

    from ..benchdata import CITY_FILES
    from ..mapmatch.seq_timing import ensemble
    from ..network import load_network
    from .timing import simulate_city

    t0 = time.perf_counter()
    samples: list[Sample] = []
    for i, city in enumerate(cities):
        if city not in CITY_FILES or city == "campo-grande":
            raise ValueError(f"not a training city: {city!r}; known: {', '.join(CITY_FILES)} (never campo-grande)")
        net = load_network(str(Path(osm_dir) / CITY_FILES[city]))
        sims, true_cells, est_cells = simulate_city(net, per_city, seed + i)
        for kind, cells in (("true", true_cells), ("estimated", est_cells)):
            samples += city_samples(net, sims, cells, step_s, kind)
        log(f"[train seqtiming] {city}: {len(samples)} traces so far ({time.perf_counter() - t0:.0f} s)")
    members = [fit_seq(samples, step_s, width=w, epochs=epochs, seed=k, log=log)[0] for k, w in enumerate(widths)]
    model = ensemble(members)
    fit_l1, zero_l1 = l1(model, samples)
    model.meta = {"cities": list(cities), "per_city": per_city, "seed": seed, "traces": len(samples),
                  "steps": int(sum(len(s.y) for s in samples)), "train_l1_m": round(fit_l1, 1),
                  "zero_l1_m": round(zero_l1, 1), "epochs": epochs, "widths": list(widths),
                  "command": f"sig2gps train seqtiming --per-city {per_city} --seed {seed} --epochs {epochs} "
                             f"--widths {' '.join(map(str, widths))} --cities {' '.join(cities)}"}
    model.save(out)
    log(f"[train seqtiming] {len(samples)} traces, L1 {fit_l1:.1f} m (no correction: {zero_l1:.1f} m) -> {out} "
        f"in {time.perf_counter() - t0:.0f} s")
    return model.meta
