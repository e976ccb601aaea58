"""Training pairs for hmm's handover timing (mapmatch.handover, mapmatch.timing_model).

Simulates drives on the training cities (never the benchmark's unseen city), with each cell at its true
site and at a position estimated from other drives of the same city (simulate.estimate), runs hmm's
matcher on them, and records for every handover on the matched route: the tower-based progress, the
boundary crossing, the features of mapmatch.timing_model, and the truth (the simulated phone's position at
the handover time projected on the matched route). `sig2gps train timing` fits the offset model on them.
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, replace

import numpy as np

SURVEY = 200  # drives per city whose served positions place the cells (as the benchmark's estimated set)


@dataclass
class MatchedSim:
    """One simulated trace matched by hmm: what the timing sees, and the truth."""

    t: np.ndarray  # records (time, position in network metres)
    x: np.ndarray
    y: np.ndarray
    route: object  # mapmatch.timing.Route
    tq: np.ndarray  # the tower-based progress along the route (track_progress)
    s_track: np.ndarray
    truth_t: np.ndarray  # the phone every second
    truth_xy: np.ndarray
    gps_t: np.ndarray  # the benchmark's ground-truth points (every 15 s)
    gps_xy: np.ndarray
    scale: float  # hmm's fitted error scale for this trace


def simulate_city(net, n: int, seed: int):
    """(drives, cells at true sites, cells estimated from SURVEY further drives) of one city."""
    from ..simulate import SimConfig, simulate
    from ..simulate.estimate import estimated_cells

    with contextlib.redirect_stdout(io.StringIO()):
        res = simulate(net, n + SURVEY, seed=seed, cfg=SimConfig(), id_prefix="T")
    return res.traces[:n], res.cells, estimated_cells(net, res.sites, res.traces[n:])


def matched_drives(net, sims, cells: dict, cfg):
    """Each simulated drive with the given cell positions, matched by hmm's matcher under `cfg` (its per-trace
    error scale included): (sim, trace, x, y, matcher, info, the best track's route). A drive with no usable
    record or no match is left out. Shared by the timing model's training and the probes that tune hmm."""
    from ..methods.hmm import HmmMethod
    from ..simulate.estimate import with_positions

    method = HmmMethod(net)
    method._cfg = cfg
    for s in sims:
        tr = with_positions(s.signaling, cells)
        if tr is None:
            continue
        x, y = (np.asarray(v) for v in net.to_xy(tr.lon, tr.lat))
        matcher, info = method._matcher_for(tr, x, y)
        with contextlib.redirect_stdout(io.StringIO()):
            tracks = matcher.match(tr.t, x, y)
        if tracks:
            yield s, tr, x, y, matcher, info, tracks[0].route


def match_sims(net, sims, cells: dict, cfg=None) -> list[MatchedSim]:
    """Run hmm's matcher (its per-trace error scale included) on simulated traces with the given cell positions."""
    from ..mapmatch import MatchConfig, clean_observations
    from ..mapmatch.timing import track_progress

    cfg = cfg or MatchConfig()
    cfg = replace(cfg, timing=replace(cfg.timing, handover="track", ends=False))  # the route as matched
    out = []
    for s, tr, x, y, matcher, info, route in matched_drives(net, sims, cells, cfg):
        c = matcher.cfg
        obs = clean_observations(tr.t, x, y, c.cleanup)
        tq, sq = track_progress(route, obs.t, float(tr.t[0]), float(tr.t[-1]), c.timing,
                                (obs.x, obs.y) if c.timing.anchors_from_sites else (obs.sx, obs.sy), obs.track)
        g = s.gps
        gx, gy = net.to_xy(g.lon, g.lat)
        out.append(MatchedSim(tr.t, x, y, route, tq, sq, s.t_1hz, s.pos_1hz, g.t, np.column_stack([gx, gy]),
                              round(float(info.get("scale", 1.0)) / 0.05) * 0.05))  # as hmm rounds it
    return out


def true_progress(m: MatchedSim, t: np.ndarray, s_guess: np.ndarray, window_m: float = 1000.0) -> np.ndarray:
    """The simulated phone's position at times t projected on the matched route, near s_guess."""
    from ..mapmatch.timing import project_points

    px = np.interp(t, m.truth_t, m.truth_xy[:, 0])
    py = np.interp(t, m.truth_t, m.truth_xy[:, 1])
    return project_points(m.route, px, py, s_guess - window_m, s_guess + window_m)


def handover_samples(m: MatchedSim) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, target offset from the guess in metres, handover times) of one matched trace."""
    from ..mapmatch.handover import find_handovers
    from ..mapmatch.timing_model import features

    ho = find_handovers(m.t, m.x, m.y)
    sg = np.interp(ho.t, m.tq, m.s_track)
    X = features(m.route.xy, m.route.cum, ho, sg, m.scale)
    return X, true_progress(m, ho.t, sg) - sg, ho.t


def fit_mlp(X: np.ndarray, y: np.ndarray, hidden: int = 8, epochs: int = 150, seed: int = 0,
            clip_m: float = 1000.0, log=None):
    """A two-hidden-layer MLP trained with an L1 loss (the metric is a mean absolute error; the targets have
    heavy tails where the matched route is wrong) on CPU, full batch (Adam). Returns a TimingModel."""
    import torch

    from ..mapmatch.timing_model import TimingModel

    torch.manual_seed(seed)
    mean, std = X.mean(0), X.std(0) + 1e-6
    xt = torch.tensor((X - mean) / std, dtype=torch.float32)
    yt = torch.tensor(np.clip(y, -clip_m, clip_m) / 1000.0, dtype=torch.float32)
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden),
                              torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
    for ep in range(epochs):
        opt.zero_grad()
        loss = (net(xt)[:, 0] - yt).abs().mean()
        loss.backward()
        opt.step()
        if log and ep % 100 == 0:
            log(f"[train timing] epoch {ep}: L1 {1000 * loss.item():.1f} m")
    lin = [m for m in net if isinstance(m, torch.nn.Linear)]
    layers = [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy()) for m in lin]
    return TimingModel({"mean": mean.tolist(), "std": std.tolist(), "out_scale_m": 1000.0,
                        "layers": [[w.tolist(), b.tolist()] for w, b in layers]})


TRAIN_CITIES = ("baltimore", "liechtenstein", "harrisburg", "krems")  # the benchmark's training cities


def train_timing(out, osm_dir: str, cities=TRAIN_CITIES, per_city: int = 120, seed: int = 9001,
                 log=print) -> dict:
    """Simulate `per_city` drives a city (seed + city index; never the benchmark's own seeds), match them with
    true and with estimated cell positions, fit the timing model on every handover and write it to `out`."""
    import time
    from pathlib import Path

    from ..benchdata import CITY_FILES
    from ..network import load_network

    t0 = time.perf_counter()
    X, y = [], []
    for i, city in enumerate(cities):
        if city not in CITY_FILES:
            raise ValueError(f"unknown city {city!r}; known: {', '.join(CITY_FILES)}")
        net = load_network(str(Path(osm_dir) / CITY_FILES[city]))
        sims, true_cells, est_cells = simulate_city(net, per_city, seed + i)
        for cells in (true_cells, est_cells):
            for m in match_sims(net, sims, cells):
                f, r, _ = handover_samples(m)
                X.append(f)
                y.append(r)
        log(f"[train timing] {city}: {sum(len(v) for v in y)} handovers so far ({time.perf_counter() - t0:.0f} s)")
    X, y = np.concatenate(X), np.concatenate(y)
    model = fit_mlp(X, y, seed=seed, log=log)
    model.meta = {"cities": list(cities), "per_city": per_city, "seed": seed, "handovers": int(len(y)),
                  "train_l1_m": round(float(np.abs(np.clip(y, -1000, 1000) - model.predict(X)).mean()), 1),
                  "zero_l1_m": round(float(np.abs(np.clip(y, -1000, 1000)).mean()), 1),
                  "command": f"sig2gps train timing --per-city {per_city} --seed {seed}"}
    model.save(out)
    log(f"[train timing] {len(y)} handovers, L1 {model.meta['train_l1_m']} m (no shift: {model.meta['zero_l1_m']} m)"
        f" -> {out} in {time.perf_counter() - t0:.0f} s")
    return model.meta
