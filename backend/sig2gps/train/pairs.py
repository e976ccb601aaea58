"""Training pairs for the video model, packed so they travel to the GPU machine and load without our stack.

The GPU machine has numpy/PIL/torch but not shapely/pyproj, so pairs are simulated here with the
real simulator (sig2gps.simulate) and stored in metres of each city's local UTM: per trace the
serving-site positions with their times and the true position every `step_s` seconds; per city the
road polylines as straight pieces. Rendering (model/scene.py) needs only numpy and PIL.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.pieces import road_pieces


@dataclass
class PairSet:
    """All pairs of one file; arrays are concatenated, `*_off` give each trace's slice."""

    cities: list[str]
    roads: list[np.ndarray]  # per city (n,4) float32 pieces x0,y0,x1,y1 in metres
    city: np.ndarray  # (N,) city index of each trace
    sig_off: np.ndarray  # (N+1,)
    sig_t: np.ndarray  # seconds from the trace's first record
    sig_xy: np.ndarray  # (M,2) serving-site positions, metres
    pos_off: np.ndarray  # (N+1,)
    pos_t: np.ndarray  # seconds from the first record
    pos_xy: np.ndarray  # (K,2) true positions, metres
    # optional: each trace's prior track (methods/_prior.py: `hmm`'s rollout 0), same layout as pos_*
    prior_off: np.ndarray | None = None
    prior_t: np.ndarray | None = None
    prior_xy: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.city)

    def trace(self, i: int):
        """(city, sig_t, sig_xy, pos_t, pos_xy) of pair i."""
        a, b = self.sig_off[i], self.sig_off[i + 1]
        c, d = self.pos_off[i], self.pos_off[i + 1]
        return int(self.city[i]), self.sig_t[a:b], self.sig_xy[a:b].astype(np.float64), \
            self.pos_t[c:d], self.pos_xy[c:d].astype(np.float64)

    @property
    def has_prior(self) -> bool:
        return self.prior_off is not None

    def prior(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(t, xy) of pair i's prior track, on the signaling's clock."""
        if self.prior_off is None:
            raise ValueError("these pairs carry no prior tracks (add them with `sig2gps train priors`)")
        a, b = self.prior_off[i], self.prior_off[i + 1]
        return self.prior_t[a:b].astype(np.float64), self.prior_xy[a:b].astype(np.float64)

    def save(self, path) -> None:
        arrays = {f"roads_{k}": r for k, r in enumerate(self.roads)}
        if self.has_prior:
            arrays.update(prior_off=self.prior_off, prior_t=self.prior_t, prior_xy=self.prior_xy)
        np.savez_compressed(path, cities=np.array(self.cities), city=self.city, sig_off=self.sig_off,
                            sig_t=self.sig_t, sig_xy=self.sig_xy, pos_off=self.pos_off, pos_t=self.pos_t,
                            pos_xy=self.pos_xy, **arrays)

    @classmethod
    def load(cls, path) -> "PairSet":
        z = np.load(path)
        cities = [str(c) for c in z["cities"]]
        prior = [z[k] for k in ("prior_off", "prior_t", "prior_xy")] if "prior_off" in z.files else [None] * 3
        return cls(cities, [z[f"roads_{k}"] for k in range(len(cities))], z["city"], z["sig_off"], z["sig_t"],
                   z["sig_xy"], z["pos_off"], z["pos_t"], z["pos_xy"], *prior)


def sim_to_pairs(net, sim, step_s: float = 5.0) -> tuple[list, list]:
    """Signaling and truth of each simulated trace in metres; times relative to the first record."""
    sig, pos = [], []
    for tr in sim.traces:
        sx, sy = net.to_xy(tr.signaling.lon, tr.signaling.lat)
        t0 = float(tr.signaling.t[0])
        keep = (tr.t_1hz >= t0) & (tr.t_1hz <= tr.signaling.t[-1])
        t1, p1 = tr.t_1hz[keep], tr.pos_1hz[keep]
        if len(t1) < 2:
            continue
        idx = np.unique(np.r_[np.arange(0, len(t1), max(1, int(step_s))), len(t1) - 1])
        sig.append((np.asarray(tr.signaling.t) - t0, np.c_[sx, sy]))
        pos.append((t1[idx] - t0, p1[idx]))
    return sig, pos


def build_pairs(network_paths: dict, traces_per_city: int, seed: int, step_s: float = 5.0) -> PairSet:
    """Simulate `traces_per_city` pairs on each named network (name -> road file)."""
    from ..network import load_network
    from ..simulate import simulate

    cities, roads, city, sigs, poss = [], [], [], [], []
    for k, (name, path) in enumerate(network_paths.items()):
        net = load_network(path)
        sim = simulate(net, traces_per_city, seed=seed + 1000 * k, id_prefix=f"{name}_")
        sig, pos = sim_to_pairs(net, sim, step_s)
        cities.append(name)
        roads.append(road_pieces(net))
        city += [k] * len(sig)
        sigs += sig
        poss += pos
        print(f"pairs: {name}: {len(sig)} traces, {len(roads[-1])} road pieces", flush=True)
    return PairSet(cities, roads, np.asarray(city, np.int16),
                   np.cumsum([0] + [len(s[0]) for s in sigs]).astype(np.int64),
                   np.concatenate([s[0] for s in sigs]).astype(np.float32),
                   np.concatenate([s[1] for s in sigs]).astype(np.float32),
                   np.cumsum([0] + [len(p[0]) for p in poss]).astype(np.int64),
                   np.concatenate([p[0] for p in poss]).astype(np.float32),
                   np.concatenate([p[1] for p in poss]).astype(np.float32))


def add_priors(pairs: PairSet, network_paths: dict, seed: int = 0, log=print) -> PairSet:
    """The same pairs with each trace's prior track (methods/_prior.py), computed on its city's network.

    The signaling is handed to the method as the user's data would be (lon/lat of the serving sites), so the
    prior in training is exactly the one the video method draws at inference."""
    from dataclasses import replace

    from ..methods._prior import route_priors
    from ..network import load_network
    from ..types import SignalingTrace

    missing = [c for c in pairs.cities if c not in network_paths]
    if missing:
        raise ValueError(f"no road network given for the pairs' cities {missing} (--network NAME=PATH)")
    tracks: list = [None] * len(pairs)
    for k, name in enumerate(pairs.cities):
        net = load_network(network_paths[name])
        idx = np.flatnonzero(pairs.city == k)
        traces = []
        for i in idx:
            _, sig_t, sig_xy, _, _ = pairs.trace(int(i))
            lon, lat = net.to_lonlat(sig_xy[:, 0], sig_xy[:, 1])
            # the pairs keep site positions, not cell ids: one id per distinct site position
            site = np.unique(np.round(sig_xy, 1), axis=0, return_inverse=True)[1].ravel()
            traces.append(SignalingTrace(str(i), sig_t, np.array([f"s{j}" for j in site], object), lon, lat))
        pri = route_priors(net, traces, seed)
        for i in idx:
            tracks[i] = pri[str(i)]
        n_hmm = sum(pri[str(i)][2] != "towers" for i in idx)
        log(f"priors: {name}: {n_hmm} of {len(idx)} traces matched ({len(idx) - n_hmm} fall back to the sites)")
    return replace(pairs, prior_off=np.cumsum([0] + [len(t[0]) for t in tracks]).astype(np.int64),
                   prior_t=np.concatenate([t[0] for t in tracks]).astype(np.float32),
                   prior_xy=np.concatenate([t[1] for t in tracks]).astype(np.float32))


VAL_RNG_SEED = 12345  # which held-out pairs are validated: fixed, so runs and sessions compare


def val_indices(n_pairs: int, n: int) -> np.ndarray:
    """The validation pairs' indices (train sft and `sig2gps train validate` score the same set)."""
    return np.random.default_rng(VAL_RNG_SEED).choice(n_pairs, min(n, n_pairs), replace=False)
