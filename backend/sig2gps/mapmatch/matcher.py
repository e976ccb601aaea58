"""The Rule_sig pipeline end to end: cleanup -> candidates -> HMM/Viterbi -> route -> timestamps -> k-best."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .. import deadline
from .candidates import candidates_many
from .cleanup import Observations, clean_observations
from .config import MatchConfig
from .routing import route_table
from .timing import Route, build_route, overlap_share
from .viterbi import viterbi


@dataclass
class MatchedTrack:
    t: np.ndarray
    x: np.ndarray  # metres (network CRS)
    y: np.ndarray
    route: Route
    score: float  # mean log-score per observation (higher is better)
    breaks: int
    info: dict = field(default_factory=dict)


@dataclass
class Lattice:
    """The HMM for one trace: candidates, emission and transition log-scores."""

    obs: Observations
    cand: list[np.ndarray]
    emission: list[np.ndarray]
    transition: list[np.ndarray]

    def logp(self, states: list[int], breaks: list[int]) -> float:
        total = sum(float(self.emission[i][s]) for i, s in enumerate(states))
        for i in range(len(states) - 1):
            if i + 1 not in breaks:
                total += float(self.transition[i][states[i], states[i + 1]])
        return total


class MapMatcher:
    """Matches one observation sequence (times, positions in network metres) to the road network."""

    def __init__(self, net, cfg: MatchConfig = MatchConfig(), precompute: bool = True, scale: float = 1.0):
        """precompute: build the per-network cost table now unless the setup cache has it (about a second per 10k
        nodes; worth it for a batch, not for one trace); without, the table is used only when the setup cache
        has it. Results are the same either way (to float32 rounding of the costs); only the speed differs.
        scale: the error scale cfg was scaled by (mapmatch.scale), a feature of the learned handover timing."""
        self.net = net
        self.cfg = cfg
        self.scale = scale
        self.table = route_table(net, cfg.hmm.route_limit_m, cfg.hmm.speed_gamma,
                                 cfg.hmm.ubodt_m if precompute else 0.0, cfg.hmm.ubodt_m)

    def lattice(self, obs: Observations) -> Lattice:
        """Candidates, emissions and transitions of every step, computed for the whole trace at once."""
        c, h = self.cfg.candidates, self.cfg.hmm
        deadline.check()  # bounded work per trace (sig2gps.deadline): a time limit or a cancel stops here
        cand, dist = candidates_many(self.table, obs.sx, obs.sy, c)
        emis = [-0.5 * (d / h.sigma_m) ** 2 for d in dist]
        if len(obs) < 2:
            return Lattice(obs, cand, emis, [])
        reach = h.vmax_ms * np.maximum(np.diff(obs.t), 0.0) + h.slack_m
        if h.max_hop_m > 0:  # longer hops are breaks (re-start), so every step fits the cost table
            reach = np.minimum(reach, h.max_hop_m)
        deadline.check()
        D = self.table.step_costs(cand, reach)
        size = [d.size for d in D]
        straight = np.repeat(np.hypot(np.diff(obs.sx), np.diff(obs.sy)), size)
        flat = np.concatenate([d.ravel() for d in D])
        lp = -(np.abs(flat - straight) + h.length_weight * flat) / h.beta_m
        lp[~(flat <= np.repeat(reach, size))] = -np.inf  # too far for the time between the records (or the bound)
        trans = [t.reshape(d.shape) for t, d in zip(np.split(lp, np.cumsum(size)[:-1]), D)]
        return Lattice(obs, cand, emis, trans)

    def _timestamps(self, route, obs: Observations, t, x, y, t_start: float, t_end: float):
        """(route, (t, x, y)): the timed route (mapmatch.ends.timed_route: the tower track's progress along it,
        shifted by the handovers, the trip's ends placed, which may extend the route)."""
        from .ends import timed_route

        return timed_route(self.net, self.cfg.timing, self.scale, route, obs, t, x, y, t_start, t_end)

    def match(self, t, x, y, k: int = 1, t_start: float | None = None, t_end: float | None = None
              ) -> list[MatchedTrack]:
        """Up to k distinct matched tracks, best first. t must be sorted; x, y in network metres."""
        t0 = time.perf_counter()
        obs = clean_observations(t, x, y, self.cfg.cleanup)
        lat = self.lattice(obs)
        t_match = time.perf_counter() - t0  # + the first Viterbi below: the matching stage
        t_start = float(t[0]) if t_start is None else t_start
        t_end = float(t[-1]) if t_end is None else t_end
        out: list[MatchedTrack] = []
        used: set[int] = set()
        pen = self.cfg.hmm.kbest_penalty
        for attempt in range(max(3 * k, 1)):
            if len(out) >= k:
                break
            emis = lat.emission
            if used:
                emis = [e - pen * np.isin(c, list(used)) for e, c in zip(lat.emission, lat.cand)]
            tv = time.perf_counter()
            vp = viterbi(emis, lat.transition)
            if attempt == 0:
                t_match += time.perf_counter() - tv
            nodes = [int(lat.cand[i][s]) for i, s in enumerate(vp.states)]
            self.table.prefetch_paths(nodes)  # the shortest-path rows of every hop, batched
            route = build_route(self.net, self.table, nodes)
            used.update(route.nodes)
            if any(overlap_share(route, o.route) > self.cfg.hmm.kbest_max_overlap for o in out):
                continue
            route, (tq, qx, qy) = self._timestamps(route, obs, t, x, y, t_start, t_end)
            score = lat.logp(vp.states, vp.breaks) / len(obs)
            out.append(MatchedTrack(tq, qx, qy, route, score, len(vp.breaks),
                                    {"observations": len(obs), "records": int(len(t)), "breaks": len(vp.breaks),
                                     "route_m": round(route.length, 1)}))
        out.sort(key=lambda m: -m.score)
        for m in out:
            m.info["match_s"] = round(t_match, 5)
        return out
