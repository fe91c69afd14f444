"""The backward pass against central differences in float64, and the check's power to fail."""

import numpy as np
import pytest

from helpers import activations, gradcheck
from helpers.mlp import MLP

HIDDEN = list(activations.ACTIVATIONS)  # sigmoid, tanh, relu, leaky_relu, linear
KINKED = ("relu", "leaky_relu")
OUTPUTS = {"sigmoid": 1, "softmax": 3, "linear": 2}
N = 12

# The step of the central differences. A central difference has a rounding error of about
# machine-eps * |loss| / EPS, so it resolves a gradient to a relative 1e-7 only where that
# gradient is not much smaller than the loss itself. EPS = 1e-5 (CS231n's step) keeps that error
# near 1e-11 while the truncation error (EPS^2) stays below it; unit-variance weights keep the
# first-layer gradients of 4-deep sigmoid nets from vanishing below what any central difference
# can resolve (with Xavier's smaller weights and EPS = 1e-6 they reach only about 2e-6).
EPS = 1e-5
KINK_MARGIN = 100 * EPS


def problem(activation, output, depth, seed=0):
    """A small net with ``depth`` hidden layers and random weights and biases, and its data."""
    rng = np.random.default_rng(seed)
    k = OUTPUTS[output]
    sizes = [3] + [5] * depth + [k]
    model = MLP(
        sizes,
        activation=activation,
        output=output,
        init="normal",
        scale=1.0,
        bias="normal",
        bias_scale=0.3,
        seed=seed,
    )
    X = rng.normal(size=(N, 3))
    if output == "sigmoid":
        y = rng.integers(0, 2, size=N)
    elif output == "softmax":
        y = rng.integers(0, k, size=N)
    else:
        y = rng.normal(size=(N, k))
    return model, X, y


def min_abs_hidden_preactivation(model, X):
    _, cache = model.forward(X)
    return min(float(np.min(np.abs(cache.pre[l]))) for l in range(1, model.n_layers))


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", HIDDEN)
def test_backward_matches_central_differences(activation, output, depth):
    model, X, y = problem(activation, output, depth)
    if activation in KINKED:  # the finite differences must not straddle the kink at 0
        assert min_abs_hidden_preactivation(model, X) > KINK_MARGIN
        # and both branches of the derivative are exercised
        _, cache = model.forward(X)
        Z = np.concatenate([cache.pre[l].ravel() for l in range(1, model.n_layers)])
        assert np.any(Z < 0) and np.any(Z > 0)
    err = gradcheck.check_gradients(model, X, y, eps=EPS)
    assert err < 1e-7, f"relative error {err:.2e}"


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_backward_without_hidden_layers(output):
    model, X, y = problem("tanh", output, 0)
    assert gradcheck.check_gradients(model, X, y, eps=EPS) < 1e-7


@pytest.mark.parametrize("activation", HIDDEN)
def test_gradient_with_respect_to_the_input(activation):
    # delta[0] = dLoss/dX is what backward_std reports for the first layer: check it too
    model, X, y = problem(activation, "softmax", 2, seed=1)
    if activation in KINKED:
        assert min_abs_hidden_preactivation(model, X) > KINK_MARGIN
    _, cache = model.forward(X)
    g = model.backward(cache, y)
    num = np.zeros_like(X)
    eps = EPS
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += eps
        Xm[idx] -= eps
        num[idx] = (model.loss(Xp, y) - model.loss(Xm, y)) / (2 * eps)
    assert gradcheck.rel_error(g.delta[0], num) < 1e-7
    np.testing.assert_array_equal(g.dA[0], g.delta[0])


def test_the_check_fails_for_a_gradient_off_by_a_factor(monkeypatch):
    model, X, y = problem("tanh", "sigmoid", 2)
    assert gradcheck.check_gradients(model, X, y, eps=EPS) < 1e-7
    right = MLP.backward_from_delta

    def off_by_a_factor(self, cache, dZ_out, **kwargs):
        g = right(self, cache, dZ_out, **kwargs)
        g.dW[1] = 1.01 * g.dW[1]  # one layer's weights, 1% too large
        return g

    monkeypatch.setattr(MLP, "backward_from_delta", off_by_a_factor)
    err = gradcheck.check_gradients(model, X, y, eps=EPS)
    assert err == pytest.approx(0.01 / 1.01, rel=1e-4)


def test_the_check_fails_for_a_wrong_derivative(monkeypatch):
    # a classic bug: tanh'(z) written as 1 - tanh(z) instead of 1 - tanh(z)^2
    model, X, y = problem("tanh", "softmax", 3)
    f, _ = activations.ACTIVATIONS["tanh"]
    monkeypatch.setitem(activations.ACTIVATIONS, "tanh", (f, lambda z: 1.0 - np.tanh(z)))
    assert gradcheck.check_gradients(model, X, y) > 1e-2


def test_the_check_fails_for_a_missing_bias_gradient(monkeypatch):
    model, X, y = problem("relu", "linear", 1)
    right = MLP.backward_from_delta

    def no_bias(self, cache, dZ_out, **kwargs):
        g = right(self, cache, dZ_out, **kwargs)
        g.db[0] = np.zeros_like(g.db[0])
        return g

    monkeypatch.setattr(MLP, "backward_from_delta", no_bias)
    assert gradcheck.check_gradients(model, X, y) == pytest.approx(1.0)


def test_numerical_gradients_restore_every_parameter_exactly():
    model, X, y = problem("sigmoid", "softmax", 2)
    before = model.get_params()
    dW, db = gradcheck.numerical_gradients(model, X, y)
    assert [d.shape for d in dW] == [W.shape for W in model.weights]
    assert [d.shape for d in db] == [b.shape for b in model.biases]
    for a, b in zip(before, model.get_params()):
        np.testing.assert_array_equal(a, b)


def test_rel_error():
    assert gradcheck.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert gradcheck.rel_error([1.0, 4.0], [1.0, 5.0]) == pytest.approx(0.2)
    assert gradcheck.rel_error([0.0], [1e-3]) == 1.0
    # a max-norm ratio: tiny entries that are zero up to rounding do not dominate
    assert gradcheck.rel_error([1.0, 1e-20], [1.0, 2e-20]) == pytest.approx(1e-20)
    with pytest.raises(ValueError, match=r"shapes differ: \(2,\) and \(3,\)"):
        gradcheck.rel_error(np.zeros(2), np.zeros(3))
