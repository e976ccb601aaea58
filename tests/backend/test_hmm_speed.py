"""hmm's fast paths (issue 17, section 4) give what the straightforward code gives: the UBODT lookups, the
candidates of a whole trace at once, the Kalman smoother on floats, the speed limit on floats, the batched path
rows and the setup cache's mapped read. Each is checked against a plain reference on seeded inputs."""
import zipfile

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from sig2gps.mapmatch.candidates import candidates_many
from sig2gps.mapmatch.cleanup import Observations, kalman_smooth
from sig2gps.mapmatch.config import CandidateConfig
from sig2gps.mapmatch.drivable import limit_speed
from sig2gps.mapmatch.routing import RouteTable
from sig2gps.network.cache import npz_mapped
from test_mapmatch import X0, Y0, grid


@pytest.fixture(scope="module")
def table():
    net = grid(n=9, step=120.0, name="grid9-speed")
    t = RouteTable(net, limit_m=4000.0, speed_gamma=0.0)
    t.precompute(500.0)
    return t


def test_ubodt_costs_match_the_sparse_table(table):
    rng = np.random.default_rng(0)
    n = table.net.n_nodes
    a, b = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    a[:5] = b[:5]  # a node to itself: cost 0, not missing
    dense = table.ubodt.toarray().astype(float)
    want = np.where(dense[a, b] > 0, dense[a, b] - table._EPS, np.inf)
    got = table.costs(a, b)
    assert np.array_equal(got, want) and np.isfinite(got).any() and np.isinf(got).any()
    assert np.all(np.abs(got[:5]) < 1e-6)  # (float32 rounding of the stored offset)
    for i in range(50):  # the one-pair lookup agrees
        c = table.cost1(int(a[i]), int(b[i]))
        assert (c is None and np.isinf(want[i])) or c == want[i]
    full = dijkstra(table.cost, indices=a[:40])[np.arange(40), b[:40]]
    ok = full <= 500.0
    assert np.allclose(got[:40][ok], full[ok], atol=1e-2) and np.all(np.isinf(got[:40][~ok]))


def test_step_costs_are_the_per_step_matrices(table):
    rng = np.random.default_rng(1)
    cand = [rng.choice(table.net.n_nodes, k, replace=False) for k in (3, 7, 1, 5)]
    need = np.array([300.0, 800.0, 450.0])  # the middle step is beyond the UBODT: lazily searched rows
    got = table.step_costs(cand, need)
    for i, m in enumerate(got):
        assert m.shape == (len(cand[i]), len(cand[i + 1]))
        assert np.array_equal(m, table.matrix(cand[i], cand[i + 1], need=need[i]))


def _candidates_one(table, x, y, cfg):
    """The per-point algorithm the batched one replaced."""
    tree, core = table.core_tree, table.core
    idx = np.asarray(tree.query_ball_point([x, y], cfg.radius_m), int)
    if len(idx) < cfg.min_candidates:
        idx = np.atleast_1d(tree.query([x, y], k=min(cfg.min_candidates, len(core)))[1])
    xy = tree.data[idx]
    d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    order = np.argsort(d, kind="stable")
    idx, d, xy = idx[order], d[order], xy[order]
    if cfg.grid_m > 0 and len(idx) > cfg.max_candidates:
        _, first = np.unique(np.floor(xy / cfg.grid_m).astype(np.int64), axis=0, return_index=True)
        idx, d = idx[np.sort(first)], d[np.sort(first)]
    return core[idx[: cfg.max_candidates]], d[: cfg.max_candidates]


@pytest.mark.parametrize("cfg", [CandidateConfig(), CandidateConfig(radius_m=400.0, grid_m=150.0, max_candidates=6),
                                 CandidateConfig(radius_m=30.0, min_candidates=4), CandidateConfig(grid_m=0.0)])
def test_candidates_of_a_trace_are_each_points_candidates(table, cfg):
    rng = np.random.default_rng(2)
    xs, ys = X0 + rng.uniform(-300, 1300, 60), Y0 + rng.uniform(-300, 1300, 60)
    nodes, dist = candidates_many(table, xs, ys, cfg)
    assert len(nodes) == len(dist) == 60
    for x, y, n, d in zip(xs, ys, nodes, dist):
        wn, wd = _candidates_one(table, x, y, cfg)
        assert np.array_equal(n, wn) and np.array_equal(d, wd)


def _kalman_numpy(t, x, y, sigma_m, accel):
    """The smoother as it was written with 2x2 numpy arrays."""
    n, r = len(t), sigma_m ** 2
    z = np.column_stack([x, y])
    m, mp, P, Pp, F = (np.zeros((n, 2, 2)) for _ in range(5))
    m_prev, P_prev = np.array([z[0], [0.0, 0.0]]), np.diag([r, 15.0 ** 2])
    dts = np.r_[0.0, np.maximum(np.diff(t), 0.0)]
    for k in range(n):
        dt = dts[k]
        Fk = np.array([[1.0, dt], [0.0, 1.0]])
        Q = accel * np.array([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]])
        mpk, Ppk = (Fk @ m_prev, Fk @ P_prev @ Fk.T + Q) if k else (m_prev, P_prev)
        K = Ppk[:, 0] / (Ppk[0, 0] + r)
        m[k], P[k], mp[k], Pp[k], F[k] = mpk + np.outer(K, z[k] - mpk[0]), Ppk - np.outer(K, Ppk[0, :]), mpk, Ppk, Fk
        m_prev, P_prev = m[k], P[k]
    ms = m.copy()
    for k in range(n - 2, -1, -1):
        a, b, c, d = Pp[k + 1].ravel()
        G = P[k] @ F[k + 1].T @ (np.array([[d, -b], [-c, a]]) / (a * d - b * c))
        ms[k] = m[k] + G @ (ms[k + 1] - mp[k + 1])
    return ms[:, 0, 0], ms[:, 0, 1]


def test_kalman_on_floats_is_the_matrix_smoother():
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.choice([0.0, 1.0, 15.0, 60.0, 300.0], 80))  # repeated times (dt = 0) included
    x, y = X0 + np.cumsum(rng.normal(0, 300, 80)), Y0 + np.cumsum(rng.normal(0, 300, 80))
    obs = Observations(t, t, t, x, y, np.ones(80), np.arange(80))
    got, want = kalman_smooth(obs, 700.0, 0.2), _kalman_numpy(t, x, y, 700.0, 0.2)
    assert np.allclose(got[0], want[0], rtol=0, atol=1e-6) and np.allclose(got[1], want[1], rtol=0, atol=1e-6)


@pytest.mark.parametrize("jumps", [0.0, 0.05, 0.4])
def test_speed_limit_in_runs_is_the_array_loop(jumps):
    rng = np.random.default_rng(4)
    t = np.cumsum(rng.uniform(0.5, 3.0, 400))
    s = np.cumsum(rng.choice([0.0, 5.0, 300.0], 400, p=[0.3, 0.7 - jumps, jumps]))  # jumps to spread (overlapping)
    out, v = limit_speed(t, s, 40.0)
    s = np.maximum.accumulate(s)
    lo, hi = np.maximum(s[0], s[-1] - v * (t[-1] - t)), np.minimum(s[-1], s[0] + v * (t - t[0]))
    c = np.clip(s, lo, hi)
    fwd, bwd, dt = c.copy(), c.copy(), np.diff(t)
    for i in range(1, len(t)):
        fwd[i] = min(c[i], fwd[i - 1] + v * dt[i - 1])
    for i in range(len(t) - 2, -1, -1):
        bwd[i] = max(c[i], bwd[i + 1] - v * dt[i])
    want = 0.5 * (fwd + bwd)
    want[0], want[-1] = s[0], s[-1]
    assert np.array_equal(out, want)


def test_batched_path_rows_give_the_same_routes():
    nodes = [0, 10, 30, 30, 80, 44, 8, 72]
    routes = []
    for pre in (False, True):
        net = grid(n=9, step=120.0, name=f"grid9-paths-{pre}")
        t = RouteTable(net, limit_m=4000.0, speed_gamma=0.5)
        t.precompute(600.0)
        if pre:
            t.prefetch_paths(nodes)
            searched = len(t._rows)
        routes.append([t.path(a, b) for a, b in zip(nodes, nodes[1:]) if a != b])
        if pre:
            assert len(t._rows) == searched  # every row the paths used was already there
    assert routes[0] == routes[1]


def test_mapped_npz_reads_what_np_load_reads(tmp_path):
    arrays = {"a": np.arange(12, dtype=np.int32).reshape(3, 4), "b": np.linspace(0, 1, 7, dtype=np.float32),
              "f": np.asfortranarray(np.ones((2, 3))), "e": np.zeros(0), "s": np.array(3.5)}
    f = tmp_path / "x.npz"
    np.savez(f, **arrays)
    got = npz_mapped(f)
    assert set(got) == set(arrays)
    for k, v in arrays.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape and np.array_equal(got[k], v)
    with pytest.raises(ValueError):
        got["a"][0, 0] = 1  # read-only
    np.savez_compressed(tmp_path / "z.npz", **arrays)
    with pytest.raises(ValueError, match="stored"):
        npz_mapped(tmp_path / "z.npz")
    (tmp_path / "cut.npz").write_bytes(f.read_bytes()[:200])
    with pytest.raises((ValueError, zipfile.BadZipFile, OSError)):
        npz_mapped(tmp_path / "cut.npz")


def test_speed_benchmark_worker_times_a_fresh_process(tmp_path):
    from sig2gps.benchmark.hmm_speed import _row, measure
    from sig2gps.network import load_network
    from sig2gps.network.defaults import default_network
    from sig2gps.simulate import simulate, write_simulation

    net = load_network(default_network())
    write_simulation(tmp_path / "sim", simulate(net, 3, seed=5), net, {"network": "helsinki-default"})
    cache = tmp_path / "cache"
    runs = [measure(tmp_path / "sim" / "signaling.csv", default_network(), cache) for _ in range(2)]
    assert not list(cache.glob("*-ubodt-*.npz"))  # 3 traces: no cost table built, only the network cached
    assert any(cache.glob("*-network.npz"))
    for r in runs:
        assert r["traces"] == 3 and len(r["runs"]) == 3 and all(x["failed"] == 0 for x in r["runs"])
        assert all(x["records_per_s"] > 0 and x["cpu_s"] > 0 for x in r["runs"])
    line, rec = _row("helsinki", "warm", runs)
    assert line.startswith("| helsinki | warm | 3 / ") and rec["records"] == runs[0]["records"]


def test_cached_table_is_mapped_not_read(tmp_path, monkeypatch):
    import shutil

    from sig2gps.mapmatch import MapMatcher, MatchConfig
    from sig2gps.network import load, load_network
    from sig2gps.network.defaults import default_network

    monkeypatch.setenv("SIG2GPS_CACHE_DIR", str(tmp_path / "user-cache"))
    p = tmp_path / "helsinki.osm.pbf"
    shutil.copy(default_network(), p)
    load._load_cached.cache_clear()
    try:
        built = MapMatcher(load_network(p), MatchConfig(), precompute=True).table  # built and saved
        assert built.ubodt.data.flags.writeable
        load._load_cached.cache_clear()
        net = load_network(p)
        few = MapMatcher(net, MatchConfig(), precompute=False).table  # read from the cache: the file mapped
        assert few.ubodt is not None and not few.ubodt.data.flags.writeable
        rng = np.random.default_rng(6)
        a, b = rng.choice(few.core, 500), rng.choice(few.core, 500)
        assert np.array_equal(few.costs(a, b), built.costs(a, b))
        assert MapMatcher(net, MatchConfig(), precompute=True).table is few  # a batch uses the same table
    finally:
        load._load_cached.cache_clear()
