"""mapmatch.isotonic.increasing against scipy's isotonic regression on seeded random and crafted sequences."""
import numpy as np
import pytest

from sig2gps.mapmatch.isotonic import increasing


def test_matches_scipy_on_random_sequences():
    isotonic_regression = pytest.importorskip("scipy.optimize").isotonic_regression
    rng = np.random.default_rng(5)
    for n in [0, 1, 2, 3, 7, 50, 400]:
        for _ in range(20):
            y = np.cumsum(rng.normal(1.0, 4.0, n)) if n else np.zeros(0)
            got = increasing(y)
            assert got.shape == y.shape
            if n:
                np.testing.assert_allclose(got, isotonic_regression(y).x, rtol=0, atol=1e-9)
                assert np.all(np.diff(got) >= 0)


def test_known_answers():
    np.testing.assert_allclose(increasing([1.0, 3.0, 2.0, 4.0]), [1.0, 2.5, 2.5, 4.0])
    np.testing.assert_allclose(increasing([3.0, 2.0, 1.0]), [2.0, 2.0, 2.0])
    y = np.array([0.0, 1.0, 1.0, 5.0])
    out = increasing(y)
    np.testing.assert_array_equal(out, y)
    assert out is not y  # a copy: callers may modify it
