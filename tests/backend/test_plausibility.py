"""plausibility: crafted implausible tracks are rejected, real method outputs carry the verdict."""
import json

import numpy as np
import pytest

from sig2gps.methods import MethodOptions, get_method
from sig2gps.plausibility import check_plausibility
from sig2gps.types import GpsTrace, Reconstruction, Rollout, SignalingTrace
from test_mapmatch import grid


def track(net, t, xy, tid="T"):
    lon, lat = net.to_lonlat(np.asarray(xy)[:, 0], np.asarray(xy)[:, 1])
    return GpsTrace(tid, np.asarray(t, float), lon, lat)


def along(net, nodes, speed=10.0, dt=2.0):
    """A track driven along grid nodes (straight lines between neighbours) at `speed`, sampled every dt."""
    xy = net.node_xy[nodes]
    cum = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
    s = np.arange(0.0, cum[-1] + 1e-9, speed * dt)
    return np.arange(len(s)) * dt, np.column_stack([np.interp(s, cum, xy[:, 0]), np.interp(s, cum, xy[:, 1])])


def test_a_driven_track_passes_with_and_without_a_network():
    net = grid()
    t, xy = along(net, [0, 1, 2, 7, 12, 13, 14])
    tr = track(net, t, xy)
    for n in (net, None):
        p = check_plausibility(tr, n, span_lonlat=(tr.lon, tr.lat))
        assert p.ok and p.n_fast_steps == 0 and p.reasons == () and p.n_pieces == 1
        assert p.max_speed_mps == pytest.approx(10.0, rel=0.02)
    assert check_plausibility(tr, net).on_road_share == 1.0
    assert check_plausibility(tr, None).on_road_share is None


def test_a_straight_jump_across_blocks_is_rejected():
    net = grid()
    t, xy = along(net, [0, 1, 2])  # 400 m along the bottom row, then 894 m diagonally across blocks in one 2 s step
    t, xy = np.r_[t, t[-1] + 2.0], np.vstack([xy, net.node_xy[[20]]])
    p = check_plausibility(track(net, t, xy), net)
    assert not p.ok and p.n_fast_steps == 1 and p.max_speed_mps == pytest.approx(447.2, rel=0.01)
    assert "faster than 50 m/s" in p.reason
    # The same jump at a legal pace (jumping over blocks between two distant times) is off the roads instead.
    mid = np.linspace(net.node_xy[2], net.node_xy[20], 12)[1:]
    p2 = check_plausibility(track(net, np.r_[t[:-1], t[-2] + 8.0 * np.arange(1, 12)], np.vstack([xy[:-1], mid])),
                            net, max_speed_mps=50.0)
    assert p2.n_fast_steps == 0 and p2.on_road_share < 0.9 and not p2.ok and "of a road" in p2.reason


def test_a_zig_zag_at_legal_speed_is_rejected_by_its_length():
    net = grid()
    # back and forth between two towers 800 m apart, 40 s per leg (20 m/s): no fast step, but 10 legs
    xy = net.node_xy[[0, 4] * 6]
    t = np.arange(len(xy)) * 40.0
    span = (track(net, t, xy).lon, track(net, t, xy).lat)
    p = check_plausibility(track(net, t, xy), None, span_lonlat=span)
    assert p.n_fast_steps == 0 and p.length_ratio > 4.0 and not p.ok and "zig-zag" in p.reason


def test_zero_time_moves_and_pieces():
    net = grid()
    p = check_plausibility(track(net, [0.0, 0.0, 10.0], net.node_xy[[0, 1, 2]]), None)
    assert p.n_fast_steps == 1 and p.max_speed_mps == float("inf") and not p.ok
    info = p.as_info()
    assert info["max_speed_mps"] is None and json.dumps(info)
    # A piece boundary is not a step: the jump between pieces is not counted, but the track is in pieces.
    t, xy = along(net, [0, 1])
    t2, xy2 = along(net, [23, 24])
    tr = track(net, np.r_[t, t[-1] + 2 + t2], np.vstack([xy, xy2]))
    p = check_plausibility(tr, net, piece_starts=[len(t)])
    assert p.n_fast_steps == 0 and p.n_pieces == 2 and not p.ok and "pieces" in p.reason


def test_every_rollout_of_every_method_carries_the_verdict():
    net = grid()
    xy = net.node_xy[[0, 1, 2, 7, 12, 13]]
    lon, lat = net.to_lonlat(xy[:, 0], xy[:, 1])
    tr = SignalingTrace("good", np.arange(6) * 40.0, [f"c{i}" for i in range(6)], lon, lat)
    for name in ("hmm", "towers"):
        recs, errors = get_method(name)(net, MethodOptions(rollouts=2)).reconstruct_many([tr])
        for ro in recs[0].rollouts:
            assert set(ro.info["plausibility"]) >= {"ok", "max_speed_mps", "n_fast_steps", "length_ratio",
                                                    "on_road_share", "n_pieces", "reasons"}
            json.dumps(ro.info["plausibility"])
        best = recs[0].rollouts[0].info["plausibility"]
        assert best["ok"], best  # normal outputs pass
        assert (best["on_road_share"] == 1.0) == (name == "hmm")
        assert not errors
    # The limit is an option: at 0.5 m/s the same outputs (a route too long for its time) fail and say why; the output is kept.
    recs, errors = get_method("hmm")(net, MethodOptions(max_speed_mps=0.5)).reconstruct_many([tr])
    assert "faster than 0.5 m/s" in recs[0].rollouts[0].info["failed"] and not errors


def test_an_overriding_reconstruct_many_is_checked_once():
    """A method that batches (overrides reconstruct_many) is checked too, and a super() call is not re-checked."""
    from sig2gps.methods.base import ReconstructionMethod

    net = grid()
    calls = []

    class Jumpy(ReconstructionMethod):
        name = "jumpy-test"

        def reconstruct(self, trace):  # a jump, and a second rollout in two pieces
            calls.append(trace.trace_id)
            t = track(net, [0.0, 1.0], net.node_xy[[0, 24]], trace.trace_id)
            two = track(net, [0.0, 20.0, 90.0, 110.0], net.node_xy[[0, 1, 23, 24]], trace.trace_id)
            return Reconstruction(trace.trace_id, self.name, [Rollout(two, info={"pieces": [[0, 2], [2, 4]]}),
                                                              Rollout(t)])

        def reconstruct_many(self, traces):
            return super().reconstruct_many(traces)

    lon, lat = net.to_lonlat(net.node_xy[[0, 24], 0], net.node_xy[[0, 24], 1])
    sig = SignalingTrace("j", [0.0, 1.0], ["a", "b"], lon, lat)
    recs, errors = Jumpy(net).reconstruct_many([sig])
    assert calls == ["j"] and len(errors) == 1  # one error line (the best rollout is in pieces), not one per wrapper
    assert "2 pieces" in errors[0].reason and "pieces" in recs[0].rollouts[0].info["failed"]
    assert recs[0].rollouts[0].info["plausibility"]["n_fast_steps"] == 0  # the gap between pieces is no step
    assert "faster than 50 m/s" in recs[0].rollouts[1].info["failed"]
