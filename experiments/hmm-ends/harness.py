"""hmm's timing stage scored on simulated drives of the TRAINING cities (never campo-grande).

Each drive is matched once by hmm (its per-trace error scale included) and cached under out/hmm-ends/ (pickle):
the route, the cleaned observations, the records and the truth. `score` then re-runs only the timing stage
(tower track, handover shifts, the trip's ends, the speed limit) with a given TimingConfig, so settings can be
compared in seconds. Errors are measured at the ground-truth GPS times, in the network's metres, per scope
(the benchmark's small / medium / large by origin-destination distance).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

CITIES = ("baltimore", "liechtenstein", "harrisburg", "krems")
SCOPES = ("overall", "small", "medium", "large")


@dataclass
class Case:
    city: str
    kind: str  # "true" | "estimated" cell positions
    t: np.ndarray  # records, network metres
    x: np.ndarray
    y: np.ndarray
    route: object
    obs: object
    cfg: object  # the matcher's (scaled) MatchConfig
    scale: float
    gps_t: np.ndarray
    gps_xy: np.ndarray
    scope: str


_NETS: dict = {}


def network(city: str, osm_dir: str):
    from sig2gps.benchdata import CITY_FILES
    from sig2gps.network import load_network

    if city not in _NETS:
        _NETS[city] = load_network(str(Path(osm_dir) / CITY_FILES[city]))
    return _NETS[city]


def cases(city: str, n: int, seed: int, osm_dir: str) -> list[Case]:
    """The matched drives of one city (cached): n drives, true and estimated cell positions."""
    from sig2gps.mapmatch import MatchConfig, clean_observations
    from sig2gps.metrics import scope_of
    from sig2gps.train.timing import matched_drives, simulate_city

    cache = Path("out/hmm-ends") / f"{city}-{n}-{seed}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    net = network(city, osm_dir)
    sims, true_cells, est_cells = simulate_city(net, n, seed)
    base = MatchConfig()
    base = replace(base, timing=replace(base.timing, ends=False))
    out = []
    for kind, cells in (("true", true_cells), ("estimated", est_cells)):
        cfg = replace(base, timing=replace(base.timing, max_speed_ms=0.95 * 50.0))
        for s, tr, x, y, matcher, _, route in matched_drives(net, sims, cells, cfg):
            obs = clean_observations(tr.t, x, y, matcher.cfg.cleanup)
            g = s.gps
            gx, gy = net.to_xy(g.lon, g.lat)
            gxy = np.column_stack([gx, gy])
            out.append(Case(city, kind, np.asarray(tr.t, float), x, y, route, obs, matcher.cfg,
                            matcher.scale, np.asarray(g.t, float), gxy, scope_of(float(np.hypot(*(gxy[-1] - gxy[0]))))))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def timed(c: Case, tc, net) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, x, y) of the timed route with timing settings tc, as MapMatcher._timestamps makes them."""
    from sig2gps.mapmatch.ends import timed_route

    _, (t, x, y) = timed_route(net, tc, c.scale, c.route, c.obs, c.t, c.x, c.y, float(c.t[0]), float(c.t[-1]))
    return t, x, y


def errors(c: Case, tc, net) -> tuple[np.ndarray, float]:
    """(errors at the GPS times, fastest step m/s) of one case."""
    t, x, y = timed(c, tc, net)
    e = np.hypot(np.interp(c.gps_t, t, x) - c.gps_xy[:, 0], np.interp(c.gps_t, t, y) - c.gps_xy[:, 1])
    dt = np.diff(t)
    v = np.hypot(np.diff(x), np.diff(y)) / np.maximum(dt, 1e-9)
    return e, float(v.max()) if len(v) else 0.0


def score(cs: list[Case], tc, osm_dir: str, deciles: bool = False) -> dict:
    """MAE and L100 per kind and scope (and per tenth of the trip's time with deciles)."""
    pools: dict = {}
    fastest = 0.0
    for c in cs:
        tcc = replace(tc, max_speed_ms=c.cfg.timing.max_speed_ms)
        e, v = errors(c, tcc, network(c.city, osm_dir))
        fastest = max(fastest, v)
        frac = (c.gps_t - c.gps_t[0]) / max(c.gps_t[-1] - c.gps_t[0], 1e-9)
        for key in ((c.kind, "overall"), (c.kind, c.scope), ("all", "overall")):
            pools.setdefault(key, []).append((e, frac))
    out = {"fastest_step_ms": round(fastest, 1)}
    for (kind, sc), v in sorted(pools.items()):
        e = np.concatenate([a for a, _ in v])
        r = {"mae_m": round(float(e.mean()), 1), "l100": round(float((e < 100).mean()), 4), "traces": len(v)}
        if deciles:
            f = np.minimum((np.concatenate([b for _, b in v]) * 10).astype(int), 9)
            r["by_decile"] = [round(float(e[f == i].mean()), 1) for i in range(10)]
        out.setdefault(kind, {})[sc] = r
    return out


def score_row(cs: list[Case], name: str, tc, osm_dir: str, deciles: bool = False, width: int = 28) -> dict:
    """score() of one timing variant, timed, with its one-line summary printed (the tune scripts' row)."""
    import time

    t0 = time.perf_counter()
    r = score(cs, tc, osm_dir, deciles=deciles)
    r["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"{name:{width}s} true {r['true']['overall']['mae_m']:6.1f} est {r['estimated']['overall']['mae_m']:6.1f} "
          f"all {r['all']['overall']['mae_m']:6.1f} L100 {r['all']['overall']['l100']:.3f} "
          f"scopes {[r[k][s]['mae_m'] for k in ('true', 'estimated') for s in ('small', 'medium', 'large')]} "
          f"vmax {r['fastest_step_ms']} ({r['seconds']} s)", flush=True)
    return r
