"""The 2-D datasets: shapes, labels, exact geometry without noise, the noise itself, determinism."""

import numpy as np
import pytest

from helpers import data

MAKERS = {
    "moons": data.make_moons,
    "circles": data.make_circles,
    "spirals": data.make_spirals,
    "xor": data.make_xor,
    "linear": data.make_linear,
}


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("name", list(MAKERS))
@pytest.mark.parametrize("n", [2, 7, 200, 1001])
def test_shapes_labels_and_balance(name, n):
    X, y = MAKERS[name](n, rng=rng())
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert np.sum(y == 0) == n // 2 and np.sum(y == 1) == n - n // 2
    np.testing.assert_array_equal(y[: n // 2], 0)  # the first half is class 0
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", list(MAKERS))
def test_same_seed_same_data_and_different_seeds_differ(name):
    X1, y1 = MAKERS[name](300, rng=rng(4))
    X2, y2 = MAKERS[name](300, rng=rng(4))
    X3, _ = MAKERS[name](300, rng=rng(5))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", ["moons", "circles", "spirals", "xor"])
def test_noise_is_gaussian_with_the_given_std(name):
    # the clean geometry is drawn first, so the same seed with and without noise differs by
    # exactly the noise
    clean, _ = MAKERS[name](4000, noise=0.0, rng=rng(1))
    noisy, _ = MAKERS[name](4000, noise=0.2, rng=rng(1))
    diff = noisy - clean
    assert np.std(diff[:, 0]) == pytest.approx(0.2, rel=0.05)
    assert np.std(diff[:, 1]) == pytest.approx(0.2, rel=0.05)
    assert abs(np.mean(diff)) < 0.01
    assert abs(np.corrcoef(diff[:, 0], diff[:, 1])[0, 1]) < 0.05


def test_circles_without_noise_lie_exactly_on_two_circles():
    for factor in (0.5, 0.3, 0.8):
        X, y = data.make_circles(500, noise=0.0, factor=factor, rng=rng())
        r = np.hypot(X[:, 0], X[:, 1])
        np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-14)
        np.testing.assert_allclose(r[y == 1], factor, rtol=1e-14)
        # all the way round
        angles = np.arctan2(X[:, 1], X[:, 0])
        assert angles.min() < -3.0 and angles.max() > 3.0


def test_moons_without_noise_lie_exactly_on_their_arcs():
    X, y = data.make_moons(500, noise=0.0, rng=rng())
    upper, lower = X[y == 0], X[y == 1]
    # class 0: the upper half of the unit circle
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-14)
    assert np.all(upper[:, 1] >= 0)
    # class 1: the lower half of the unit circle centred at (1, 0.5)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-14)
    assert np.all(lower[:, 1] <= 0.5)
    # the arcs interleave: x runs over [-1, 1] for class 0 and [0, 2] for class 1
    assert upper[:, 0].min() < -0.99 and upper[:, 0].max() > 0.99
    assert lower[:, 0].min() < 0.01 and lower[:, 0].max() > 1.99


def test_spirals_without_noise_are_two_opposite_arms():
    turns = 1.5
    X, y = data.make_spirals(600, noise=0.0, turns=turns, rng=rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all((r >= 0.05 - 1e-12) & (r <= 1.0 + 1e-12))
    theta = np.arctan2(X[:, 1], X[:, 0])
    # on arm k the angle is 2 pi turns r + k pi (mod 2 pi)
    for k in (0, 1):
        m = y == k
        phase = np.mod(theta[m] - 2 * np.pi * turns * r[m] - k * np.pi + np.pi, 2 * np.pi) - np.pi
        np.testing.assert_allclose(phase, 0.0, atol=1e-9)


def test_xor_without_noise_is_the_four_quadrants():
    X, y = data.make_xor(800, noise=0.0, rng=rng())
    prod = X[:, 0] * X[:, 1]
    assert np.all(prod[y == 0] > 0) and np.all(prod[y == 1] < 0)
    assert np.all((np.abs(X) >= 0.1) & (np.abs(X) <= 1.0))
    # every class fills both of its quadrants
    for k, signs in ((0, [(1, 1), (-1, -1)]), (1, [(1, -1), (-1, 1)])):
        for sx, sy in signs:
            assert np.sum((np.sign(X[y == k, 0]) == sx) & (np.sign(X[y == k, 1]) == sy)) > 150


def test_linear_blobs_are_centred_where_documented():
    X, y = data.make_linear(4000, noise=0.0, rng=rng())
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-1, -1], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [1, 1], atol=0.05)
    np.testing.assert_allclose(X[y == 0].std(axis=0), [0.5, 0.5], rtol=0.05)
    # the line x1 + x2 = 0 separates all but a small overlap
    assert np.mean((X.sum(axis=1) > 0) == (y == 1)) > 0.99


@pytest.mark.parametrize("name", list(MAKERS))
def test_make_dataset_by_name(name):
    X1, y1 = data.make_dataset(name, 50, rng=rng(2))
    X2, y2 = MAKERS[name](50, rng=rng(2))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = data.make_dataset(name, 50, noise=0.0, rng=rng(2))
    X4, _ = MAKERS[name](50, noise=0.0, rng=rng(2))
    np.testing.assert_array_equal(X3, X4)
    assert set(data.DATASETS) == set(MAKERS)


def test_an_int_seed_is_accepted_as_rng():
    X1, _ = data.make_moons(20, rng=3)
    X2, _ = data.make_moons(20, rng=rng(3))
    np.testing.assert_array_equal(X1, X2)


def test_train_test_split():
    X, y = data.make_moons(100, rng=rng())
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_fraction=0.2, rng=rng(1))
    assert Xtr.shape == (80, 2) and Xte.shape == (20, 2)
    assert ytr.shape == (80,) and yte.shape == (20,)
    rows = {tuple(r) for r in np.vstack([Xtr, Xte])}
    assert rows == {tuple(r) for r in X}  # a partition: nothing lost, nothing repeated
    assert len(rows) == 100
    # labels travel with their points
    lookup = {tuple(r): label for r, label in zip(X, y)}
    assert all(lookup[tuple(r)] == label for r, label in zip(Xte, yte))
    # at least one sample on each side
    Xtr, Xte, _, _ = data.train_test_split(X[:3], y[:3], test_fraction=0.01, rng=rng())
    assert len(Xte) == 1 and len(Xtr) == 2
    Xtr, Xte, _, _ = data.train_test_split(X[:3], y[:3], test_fraction=0.99, rng=rng())
    assert len(Xte) == 2 and len(Xtr) == 1


def test_grid_covers_the_data_with_a_margin():
    X, _ = data.make_moons(100, rng=rng())
    xx, yy, P = data.grid(X, resolution=30, margin=0.5)
    assert xx.shape == yy.shape == (30, 30)
    assert P.shape == (900, 2)
    assert xx.min() == pytest.approx(X[:, 0].min() - 0.5)
    assert yy.max() == pytest.approx(X[:, 1].max() + 0.5)
    np.testing.assert_array_equal(P[:, 0], xx.ravel())
