"""Diverging runs stop before anything overflows, at every setting, and leave a usable model."""

import itertools
import warnings

import numpy as np
import pytest

from helpers import activations, guard, init
from helpers.data import make_moons
from helpers.mlp import MLP, OUTPUTS
from helpers.train import train

SCALES = (1e-3, 1.0, 100.0)
LRS = (1e-3, 1.0, 10.0)


@pytest.fixture(scope="module")
def data(moons_with_targets):
    return moons_with_targets(40, 0.1)


def net(activation, output, scheme, scale, depth=2):
    k = {"sigmoid": 1, "softmax": 3, "linear": 2}[output]
    return MLP(
        [2] + [6] * depth + [k],
        activation=activation,
        output=output,
        init=scheme,
        scale=scale,
        seed=3,
    )


def strictly(fn, *args, **kwargs):
    """``fn`` with every warning an error and every floating-point problem but underflow raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            return fn(*args, **kwargs)


def check_usable(h, model, X, t):
    assert h.epochs >= 0
    assert isinstance(h.summary(), str)
    assert isinstance(h.final_loss, float)
    assert len(h.loss) == h.grad_norm.shape[0] == h.spread.shape[0]
    assert np.all(np.isfinite(h.loss))
    if h.diverged:
        assert h.diverged_at == len(h.loss)  # the first epoch that was not recorded
    assert all(np.all(np.isfinite(p)) for p in model.get_params())
    out = strictly(model.predict_proba, X)
    assert np.all(np.isfinite(out))
    assert np.isfinite(strictly(model.loss, X, t))


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
def test_train_is_quiet_over_the_whole_grid(data, activation, output):
    X, targets = data
    t = targets[output]
    diverged = 0
    for scheme, scale, lr in itertools.product(init.SCHEMES, SCALES, LRS):
        model = net(activation, output, scheme, scale)
        h = strictly(train, model, X, t, epochs=12, lr=lr)
        check_usable(h, model, X, t)
        diverged += h.diverged
    # the grid does contain runs that blow up (unbounded units and an unbounded loss)
    if output == "linear" and activation in ("relu", "leaky_relu", "linear"):
        assert diverged > 0


@pytest.mark.parametrize("batch_size", [None, 8])
@pytest.mark.parametrize("output", OUTPUTS)
def test_huge_learning_rates_and_scales_with_minibatches_and_validation(data, output, batch_size):
    X, targets = data
    t = targets[output]
    diverged = 0
    for activation, lr, scale in itertools.product(
        ["relu", "linear"], [10.0, 1e6, 1e300], [1, 1e3]
    ):
        model = net(activation, output, "he_normal", scale, depth=3)
        h = strictly(
            train,
            model,
            X,
            t,
            epochs=30,
            lr=lr,
            batch_size=batch_size,
            X_val=X[:10],
            y_val=t[:10],
        )
        diverged += h.diverged
        check_usable(h, model, X, t)
    assert diverged >= 6


def test_a_network_out_of_range_from_the_start_diverges_at_epoch_0(data):
    X, targets = data
    model = MLP([2] + [64] * 40 + [1], activation="relu", init="normal", scale=1e4)
    before = model.get_params()
    h = strictly(train, model, X, targets["sigmoid"], epochs=5, lr=0.1)
    assert h.diverged and h.diverged_at == 0
    assert h.epochs == 0 and len(h.loss) == 0
    assert np.isnan(h.final_loss) and np.isnan(h.final_accuracy)
    assert "diverged" in h.summary()
    assert h.grad_norm.shape == (0, 41)
    for a, b in zip(before, model.get_params()):  # untouched
        np.testing.assert_array_equal(a, b)


def test_huge_inputs_are_refused_quietly(data):
    X, targets = data
    h = strictly(train, MLP([2, 8, 1]), X * 1e200, targets["sigmoid"], epochs=5, lr=0.1)
    assert h.diverged and h.diverged_at == 0


def test_the_guard_does_not_change_a_run_it_lets_through(data):
    # The same loop written out by hand, without any guard: the same parameters, bit for bit.
    X, targets = data
    y = targets["sigmoid"]
    a = MLP([2, 8, 8, 1], activation="relu", init="he_normal", scale=2.0, seed=1)
    b = a.copy()
    h = train(a, X, y, epochs=40, lr=0.5)
    assert not h.diverged
    for _ in range(40):
        _, cache = b.forward(X)
        b.step(b.backward(cache, y), 0.5)
    for p, q in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(p, q)


def test_the_guard_sees_dead_units():
    # After a huge step every ReLU unit of the first layer is dead: the norms of the weights are
    # enormous, but the network computes a constant; the guard checks the actual pass and lets
    # the run go on instead of calling it diverged.
    X, _ = make_moons(50, noise=0.1, rng=np.random.default_rng(0))
    X = X + 3.0  # every input positive: W_1 < 0 makes every first-layer unit dead
    model = MLP([2, 4, 1], activation="relu", output="linear", init="he_normal", seed=0)
    model.weights[0][:] = -1e120
    model.biases[0][:] = -1.0
    T = X[:, :1]
    g = guard.Guard(model, X, model.check_targets(T, 50))
    assert not g._chain([guard._robust_norm(W) for W in model.weights], [1.0, 1.0])
    assert g.check_state(model.weights, model.biases)
    h = strictly(train, model, X, T, epochs=20, lr=0.1)
    assert not h.diverged and h.epochs == 20


def test_limit_depends_on_dtype_and_size():
    assert guard.limit(np.float64, 400, [2, 16, 1]) > 1e140
    assert 1e13 < guard.limit(np.float32, 400, [2, 16, 1]) < 1e17
    assert guard.limit(np.float64, 10**6, [784, 256]) < guard.limit(np.float64, 10, [784, 256])
