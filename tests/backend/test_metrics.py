"""Metrics against hand-computed values."""
import math

import numpy as np
import pytest

from sig2gps.metrics import evaluate_tracks, geodesic_m, point_errors, scope_of, summarize

R_EQ_DEG_LON = 111319.49079327357  # WGS84: one degree of longitude on the equator, metres (2*pi*a/360)


def test_geodesic_on_equator_matches_hand_value():
    assert geodesic_m(0.0, 0.0, 0.001, 0.0) == pytest.approx(R_EQ_DEG_LON * 0.001, rel=1e-9)


def test_point_errors_interpolate_prediction_in_time():
    # Truth stands at lon 0.001 at t=5; prediction moves 0 -> 0.002 between t=0 and t=10: at t=5 it is exactly there.
    e = point_errors([5.0], [0.001], [0.0], [0.0, 10.0], [0.0, 0.002], [0.0, 0.0])
    assert e[0] == pytest.approx(0.0, abs=1e-6)
    # Outside the prediction's span the prediction holds its end position.
    e = point_errors([20.0], [0.003], [0.0], [0.0, 10.0], [0.0, 0.002], [0.0, 0.0])
    assert e[0] == pytest.approx(R_EQ_DEG_LON * 0.001, rel=1e-6)


def test_summary_hand_computed():
    s = summarize(np.array([50.0, 150.0, 1200.0, 0.0]), 1)
    assert s["mae_m"] == pytest.approx(350.0)
    assert s["rmse_m"] == pytest.approx(math.sqrt((2500 + 22500 + 1440000) / 4))
    assert s["l100"] == pytest.approx(0.5)
    assert s["g1000"] == pytest.approx(0.25)
    assert s["n_points"] == 4


def test_scope_boundaries():
    assert scope_of(2071.9) == "small"
    assert scope_of(2072.0) == "medium"
    assert scope_of(3481.9) == "medium"
    assert scope_of(3482.0) == "large"


def test_evaluate_tracks_per_scope_and_missing():
    d = 0.001  # ~111 m of longitude on the equator
    small_truth = (np.array([0.0, 10.0]), np.array([0.0, 0.01]), np.array([0.0, 0.0]))  # OD ~1113 m
    large_truth = (np.array([0.0, 10.0]), np.array([0.0, 0.05]), np.array([0.0, 0.0]))  # OD ~5566 m
    truth = {"a": small_truth, "b": large_truth, "c": small_truth}
    pred = {"a": (small_truth[0], small_truth[1] + d, small_truth[2]), "b": large_truth}
    m = evaluate_tracks(truth, pred)
    assert m["small"]["n_traces"] == 1 and m["large"]["n_traces"] == 1 and m["medium"]["n_points"] == 0
    assert m["small"]["mae_m"] == pytest.approx(R_EQ_DEG_LON * d, rel=1e-6)
    assert m["large"]["mae_m"] == pytest.approx(0.0, abs=1e-6)
    assert m["overall"]["mae_m"] == pytest.approx(R_EQ_DEG_LON * d / 2, rel=1e-6)
    assert m["overall"]["l100"] == pytest.approx(0.5)
    assert m["missing"] == ["c"]


def test_error_split_tells_the_wrong_road_from_the_wrong_time():
    from sig2gps.metrics import error_split, off_path_m

    t = np.linspace(0, 100, 11)
    lon, lat = np.linspace(0, 0.01, 11), np.zeros(11)  # ~1113 m due east on the equator
    late = (t + 20, lon, lat)  # right road, 20 s behind: ~223 m along the path, none off it
    north = (t, lon, np.full(11, 100 / 110_574))  # right time, 100 m north (WGS84 metres a degree of latitude there)
    s = error_split({"a": (t, lon, lat)}, {"a": late})
    assert s["cross_track_m"] == pytest.approx(0, abs=0.5)
    assert s["along_track_m"] == pytest.approx(s["mae_m"], rel=1e-3) and s["mae_m"] > 150
    s = error_split({"a": (t, lon, lat)}, {"a": north})
    assert s["cross_track_m"] == pytest.approx(100, abs=1) and s["along_track_m"] == pytest.approx(0, abs=2)
    assert error_split({"a": (t, lon, lat)}, {})["mae_m"] is None
    # a point beyond the path's end is as far as the end point
    assert off_path_m(lon, lat, [0.02], [0.0])[0] == pytest.approx(1113, rel=0.01)
