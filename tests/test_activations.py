"""Activations, their derivatives and the losses: values, stability at extreme inputs."""

import math

import numpy as np
import pytest

from helpers import activations as act

EXTREME = np.array([-1e300, -1e10, -745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0, 1e10, 1e300])


def test_sigmoid_matches_the_textbook_formula_where_that_is_safe():
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(act.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15, atol=1e-300)
    assert act.sigmoid(0.0) == 0.5


def test_sigmoid_of_huge_inputs_is_finite_and_exactly_zero_or_one(strict):
    assert act.sigmoid(1e300) == 1.0
    assert act.sigmoid(-1e300) == 0.0
    assert act.sigmoid(np.float64(800.0)) == 1.0
    assert act.sigmoid(-800.0) == 0.0
    s = act.sigmoid(EXTREME)
    assert np.all(np.isfinite(s))
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) >= 0)  # monotone
    # symmetric: sigma(-z) = 1 - sigma(z)
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(act.sigmoid(-z), 1 - act.sigmoid(z), atol=1e-16)


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_every_activation_is_quiet_at_extreme_inputs(name, strict):
    f, fp = act.ACTIVATIONS[name]
    assert np.all(np.isfinite(f(EXTREME)))
    assert np.all(np.isfinite(fp(EXTREME)))
    assert f(EXTREME).dtype == np.float64


def test_activation_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(act.relu(z), [0, 0, 0, 0.5, 2])
    np.testing.assert_array_equal(act.leaky_relu(z), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_array_equal(act.linear(z), z)
    np.testing.assert_allclose(act.tanh(z), np.tanh(z), rtol=0)
    assert act.LEAKY_SLOPE == 0.01


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_derivatives_match_central_differences(name):
    f, fp = act.ACTIVATIONS[name]
    # away from the ReLU kink at 0
    z = np.concatenate([np.linspace(-6, -0.01, 300), np.linspace(0.01, 6, 300)])
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(fp(z), numeric, rtol=1e-7, atol=1e-9)


def test_derivative_at_the_kink_is_taken_as_in_pytorch():
    assert act.relu_prime(0.0) == 0.0
    assert act.leaky_relu_prime(0.0) == 0.01
    np.testing.assert_array_equal(act.relu_prime(np.array([-1.0, 1.0])), [0.0, 1.0])
    np.testing.assert_array_equal(act.leaky_relu_prime(np.array([-1.0, 1.0])), [0.01, 1.0])


def test_max_slope_is_the_peak_of_each_derivative():
    z = np.linspace(-10, 10, 20001)
    for name, (_, fp) in act.ACTIVATIONS.items():
        assert np.max(fp(z)) == pytest.approx(act.MAX_SLOPE[name], rel=1e-12), name
    assert act.sigmoid_prime(0.0) == 0.25
    assert act.tanh_prime(0.0) == 1.0


def test_saturation_threshold_is_where_the_slope_drops_to_a_tenth_of_its_peak():
    for name in ("sigmoid", "tanh"):
        t = act.SATURATION_Z[name]
        fp = act.ACTIVATIONS[name][1]
        assert fp(t) == pytest.approx(0.1 * act.MAX_SLOPE[name], rel=1e-12)
    assert act.SATURATION_Z["sigmoid"] == pytest.approx(3.636, abs=1e-3)
    assert act.SATURATION_Z["tanh"] == pytest.approx(1.818, abs=1e-3)


def test_activate_and_derivative_by_name():
    z = np.array([-1.0, 0.3])
    for name, (f, fp) in act.ACTIVATIONS.items():
        np.testing.assert_array_equal(act.activate(name, z), f(z))
        np.testing.assert_array_equal(act.derivative(name, z), fp(z))
    with pytest.raises(ValueError, match=r"unknown activation 'Tanh'.*did you mean 'tanh'"):
        act.activate("Tanh", z)


def test_softplus_is_stable():
    z = np.array([-1e300, -50.0, 0.0, 50.0, 1e300])
    s = act.softplus(z)
    assert s[0] == 0.0
    assert s[2] == pytest.approx(math.log(2), rel=1e-15)
    assert s[3] == pytest.approx(50.0, rel=1e-15)
    assert s[4] == 1e300
    mid = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(act.softplus(mid), np.log1p(np.exp(mid)), rtol=1e-14)


def test_bce_with_logits_equals_the_naive_formula_where_that_is_finite():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 4, size=500)
    y = rng.integers(0, 2, size=500).astype(float)
    p = 1 / (1 + np.exp(-z))
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert act.bce_with_logits(z, y) == pytest.approx(naive, rel=1e-12)
    assert act.bce_naive(p, y) == pytest.approx(naive, rel=1e-12)
    # soft targets too
    t = rng.uniform(size=500)
    naive_soft = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert act.bce_with_logits(z, t) == pytest.approx(naive_soft, rel=1e-12)


def test_bce_with_logits_stays_finite_where_the_naive_formula_is_infinite(strict):
    # a confidently wrong prediction: logit 1000 for a label 0
    p = act.sigmoid(np.array([1000.0]))
    assert p[0] == 1.0
    assert act.bce_naive(p, np.array([0.0])) == math.inf  # quietly infinite
    assert act.bce_with_logits(np.array([1000.0]), np.array([0.0])) == 1000.0
    assert act.bce_with_logits(np.array([-1000.0]), np.array([1.0])) == 1000.0
    # confidently right: zero loss
    assert act.bce_with_logits(np.array([1000.0]), np.array([1.0])) == 0.0
    assert act.bce_with_logits(np.array([1e300]), np.array([0.0])) == 1e300
    assert act.bce_naive(act.sigmoid(np.array([1e300])), np.array([1.0])) == 0.0


def test_softmax_rows_sum_to_one_even_for_huge_logits(strict):
    rng = np.random.default_rng(1)
    Z = np.vstack(
        [
            rng.normal(size=(50, 4)),
            rng.normal(scale=1e3, size=(5, 4)),
            [[1e300, -1e300, 0.0, 5.0], [1e300, 1e300, 1e300, 1e300], [-1e300, -1e300, 0.0, 0.0]],
        ]
    )
    P = act.softmax(Z)
    assert np.all(np.isfinite(P))
    assert np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(P[-3], [1, 0, 0, 0])
    np.testing.assert_allclose(P[-2], [0.25] * 4)
    np.testing.assert_allclose(P[-1], [0, 0, 0.5, 0.5])
    small = Z[:50]
    E = np.exp(small)
    np.testing.assert_allclose(P[:50], E / E.sum(axis=1, keepdims=True), rtol=1e-14)
    # log_softmax is finite where softmax underflows to 0
    assert np.all(np.isfinite(act.log_softmax(Z[:55])))
    assert act.log_softmax(np.array([[0.0, -1e4]]))[0, 1] == pytest.approx(-1e4, rel=1e-15)


def test_cross_entropy_with_logits():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(40, 3))
    labels = rng.integers(0, 3, size=40)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    naive = -np.mean(np.log(P[np.arange(40), labels]))
    assert act.cross_entropy_with_logits(Z, labels) == pytest.approx(naive, rel=1e-13)
    # uniform prediction over k classes costs log k
    assert act.cross_entropy_with_logits(np.zeros((5, 7)), np.arange(5)) == pytest.approx(
        math.log(7), rel=1e-15
    )
    # confidently wrong: finite and equal to the logit gap
    assert act.cross_entropy_with_logits(np.array([[1e3, 0.0]]), np.array([1])) == 1e3
