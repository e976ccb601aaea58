"""Rollout-to-sketch distances on lines whose answers are known by construction."""
import math

import numpy as np
import pytest

from sig2gps_qgis.compare import discrete_frechet, distances

M_PER_DEG_LAT = math.pi / 180 * 6371008.8


def _line(n=20, lat0=60.17, lon0=24.93, lat_shift_m=0.0):
    lon = np.linspace(lon0, lon0 + 0.02, n)  # about 1.1 km eastwards at 60 N
    lat = np.full(n, lat0 + lat_shift_m / M_PER_DEG_LAT)
    return np.column_stack([lon, lat])


def test_parallel_lines_are_their_offset_apart():
    d = distances(_line(), _line(lat_shift_m=100.0))
    assert d["mean"] == pytest.approx(100.0, rel=1e-3)
    assert d["hausdorff"] == pytest.approx(100.0, rel=1e-3)
    assert d["frechet"] == pytest.approx(100.0, rel=1e-3)


def test_reversed_line_has_zero_hausdorff_but_large_frechet():
    a = _line()
    d = distances(a, a[::-1])
    assert d["mean"] < 1e-6 and d["hausdorff"] < 1e-6
    length = 0.02 * M_PER_DEG_LAT * math.cos(math.radians(60.17))
    assert d["frechet"] == pytest.approx(length, rel=0.02)  # walking against each other: the ends meet


def test_hausdorff_sees_a_detour_that_the_mean_dilutes():
    a = _line(n=41)
    b = a.copy()
    b[20, 1] += 300.0 / M_PER_DEG_LAT  # one vertex pulled 300 m north
    d = distances(b, a)
    assert d["hausdorff"] == pytest.approx(300.0, rel=1e-3)
    # the mean is taken along the rollout, spike included (~60 of ~170 densified points, ~150 m each)
    assert 30.0 < d["mean"] < d["hausdorff"] / 3


def test_discrete_frechet_small_case_by_hand():
    p = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    q = np.array([[0.0, 1.0], [2.0, 1.0]])
    # couplings must be monotone: (p0,q0) 1, (p1,q0 or q1) sqrt(2), (p2,q1) 1
    assert discrete_frechet(p, q) == pytest.approx(math.sqrt(2))
