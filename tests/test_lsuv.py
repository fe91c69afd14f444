"""LSUV (helpers.init.lsuv, in helpers.lsuv): every layer's output variance ends within tol of 1,
or the layer says it did not."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from helpers import init
from helpers.mlp import MLP


def _batch(n=96, d=16, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


def _variances(model, X):
    _, cache = model.forward(X)
    return np.array([np.var(cache.pre[l]) for l in range(1, model.n_layers + 1)])


@pytest.mark.parametrize("scheme", ["xavier_uniform", "he_normal", "normal", "zeros"])
@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid", "leaky_relu", "linear", "scaled_tanh"])
@pytest.mark.parametrize("depth", [1, 5, 30])
def test_every_layer_ends_within_tol(scheme, act, depth):
    X = _batch()
    model = MLP([16] + [24] * depth + [3], activation=act, output="softmax", init=scheme,
                bias="normal", bias_scale=0.1, seed=depth)  # fmt: skip
    record = init.lsuv(model, X, tol=0.01)
    assert record.converged and len(record) == depth + 1
    v = _variances(model, X)  # measured again, independently of the record
    assert np.all(np.abs(v - 1.0) <= 0.01)
    assert [r.variance_after for r in record] == pytest.approx(list(v), abs=0.0)
    assert all(r.iterations <= 10 for r in record)


def test_weights_are_rescaled_orthogonal_matrices():
    X = _batch()
    model = MLP([16, 24, 24, 3], activation="tanh", output="softmax", init="he_normal")
    record = init.lsuv(model, X)
    for W, r in zip(model.weights, record):
        k = min(W.shape)
        G = W.T @ W if W.shape[0] >= W.shape[1] else W @ W.T
        assert np.allclose(G, r.factor**2 * np.eye(k), atol=1e-12)


def test_without_biases_one_rescaling_is_exact():
    X = _batch()
    model = MLP([16, 24, 24, 24, 3], activation="relu", output="softmax", bias=0.0)
    record = init.lsuv(model, X, tol=1e-9)
    assert all(r.iterations == 1 for r in record)
    assert np.allclose(_variances(model, X), 1.0, atol=1e-12)


def test_unreachable_variance_is_reported_not_hidden():
    X = _batch()
    # biases of std 2 spread Z by about 4 whatever the weights: variance 1 cannot be reached
    model = MLP([16, 24, 24, 3], activation="tanh", output="softmax", bias="normal",
                bias_scale=2.0, seed=1)  # fmt: skip
    record = init.lsuv(model, X, max_iter=4)
    assert not record.converged
    bad = [r for r in record if not r.converged]
    assert bad and all(r.iterations == 4 and abs(r.variance_after - 1) > 0.01 for r in bad)
    assert "NOT converged" in record.describe()
    # inputs that are all zero (and no biases): nothing to rescale, zero iterations, reported
    dead = MLP([16, 24, 3], activation="relu", output="softmax", bias=0.0)
    r0 = init.lsuv(dead, np.zeros((8, 16)))
    assert not r0.converged and r0[0].iterations == 0 and r0[0].variance_after == 0.0


def test_same_seed_same_weights_and_bad_inputs():
    X = _batch()
    a = MLP([16, 24, 3], output="softmax", seed=3)
    b = MLP([16, 24, 3], output="softmax", seed=4)
    init.lsuv(a, X, seed=5)
    init.lsuv(b, X, seed=5)
    assert all(np.array_equal(p, q) for p, q in zip(a.weights, b.weights))
    with pytest.raises(ValueError, match="tol"):
        init.lsuv(a, X, tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        init.lsuv(a, X, max_iter=0)
    with pytest.raises(ValueError, match="at least 2 rows"):
        init.lsuv(a, X[:1])
    with pytest.raises(TypeError, match="weights"):
        init.lsuv(object(), X)


def test_init_does_not_import_the_network():
    code = "import sys, helpers.init; print('helpers.mlp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
