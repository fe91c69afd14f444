"""The MLP: parameter counts, (re)initialisation, forward and backward shapes and values."""

import math
import warnings

import numpy as np
import pytest

from helpers import activations, diagnostics
from helpers.data import make_moons
from helpers.init import initialize
from helpers.mlp import MLP


@pytest.fixture
def moons():
    return make_moons(64, noise=0.1, rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    "sizes, expected",
    [
        ([2, 3, 1], 2 * 3 + 3 + 3 * 1 + 1),  # 13
        ([2, 16, 16, 1], 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1),  # 337
        ([784, 256, 256, 10], 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10),  # 269322
        ([1, 1], 2),
        ([5, 4], 24),
        ([3] + [8] * 10 + [2], 3 * 8 + 8 + 9 * (8 * 8 + 8) + 8 * 2 + 2),
    ],
)
def test_n_params_is_edges_plus_biases(sizes, expected):
    m = MLP(sizes, output="softmax" if sizes[-1] > 1 else "sigmoid")
    assert m.n_params == expected
    assert m.n_layers == len(sizes) - 1


def test_n_params_known_values():
    assert MLP([2, 3, 1]).n_params == 13
    assert MLP([784, 256, 256, 10], output="softmax").n_params == 269322


def test_parameter_shapes():
    m = MLP([3, 5, 4, 2], output="softmax")
    assert [W.shape for W in m.weights] == [(3, 5), (5, 4), (4, 2)]
    assert [b.shape for b in m.biases] == [(5,), (4,), (2,)]
    assert all(W.dtype == np.float64 for W in m.weights + m.biases)


def test_weights_come_from_the_named_scheme_with_the_model_seed():
    m = MLP([20, 30, 10], init="he_normal", scale=0.5, seed=7, output="softmax")
    rng = np.random.default_rng(7)
    W1 = initialize("he_normal", 20, 30, scale=0.5, rng=rng)
    W2 = initialize("he_normal", 30, 10, scale=0.5, rng=rng)
    np.testing.assert_array_equal(m.weights[0], W1)
    np.testing.assert_array_equal(m.weights[1], W2)


def test_reinitialize_restores_the_initial_weights_exactly(moons):
    X, y = moons
    m = MLP([2, 8, 8, 1], init="xavier_normal", bias="normal", seed=3)
    start = m.get_params()
    for _ in range(5):
        _, cache = m.forward(X)
        m.step(m.backward(cache, y), 0.5)
    assert not all(np.array_equal(a, b) for a, b in zip(start, m.get_params()))
    assert m.reinitialize() is m
    for a, b in zip(start, m.get_params()):
        np.testing.assert_array_equal(a, b)


def test_reinitialize_with_another_seed_changes_the_weights():
    m = MLP([2, 8, 1], seed=0)
    W0 = m.weights[0].copy()
    m.reinitialize(seed=1)
    assert m.seed == 1
    assert not np.array_equal(W0, m.weights[0])
    np.testing.assert_array_equal(m.weights[0], MLP([2, 8, 1], seed=1).weights[0])
    # and the new seed is kept: reinitialize() now restores seed 1's weights
    W1 = m.weights[0].copy()
    m.reinitialize()
    np.testing.assert_array_equal(m.weights[0], W1)


def test_reinitialize_switches_scheme_and_scale():
    m = MLP([400, 300, 1], init="xavier_uniform", seed=0)
    m.reinitialize(init="he_normal")
    assert m.init == "he_normal"
    assert np.std(m.weights[0]) == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    np.testing.assert_array_equal(
        m.weights[0], MLP([400, 300, 1], init="he_normal", seed=0).weights[0]
    )
    m.reinitialize(scale=3.0)
    assert m.init == "he_normal" and m.scale == 3.0
    assert np.std(m.weights[0]) == pytest.approx(3 * math.sqrt(2 / 400), rel=0.02)


def test_a_failed_reinitialize_leaves_the_model_unchanged():
    m = MLP([2, 4, 1])
    before = (m.init, m.scale, m.seed, m.bias, m.get_params())
    with pytest.raises(ValueError, match="bias mode"):
        m.reinitialize(init="he_normal", scale=2.0, bias="normall")
    assert (m.init, m.scale, m.seed, m.bias) == before[:4]
    for a, b in zip(before[4], m.get_params()):
        np.testing.assert_array_equal(a, b)


def test_bias_modes():
    sizes = [50, 400, 300, 1]
    m = MLP(sizes, bias=0.25)
    assert all(np.all(b == 0.25) for b in m.biases)
    m = MLP(sizes, bias="zeros")
    assert all(np.all(b == 0.0) for b in m.biases)
    m = MLP(sizes, bias="normal", bias_scale=0.3)
    assert np.std(m.biases[0]) == pytest.approx(0.3, rel=0.15)
    m = MLP(sizes, bias="uniform", bias_scale=0.3)
    assert np.max(np.abs(m.biases[0])) <= 0.3 and np.max(np.abs(m.biases[0])) > 0.29
    m = MLP(sizes, bias="torch")  # nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    for b, fan_in in zip(m.biases[:2], sizes[:2]):
        a = 1 / math.sqrt(fan_in)
        assert np.max(np.abs(b)) <= a and np.max(np.abs(b)) > 0.95 * a


def test_copy_is_independent():
    m = MLP([2, 4, 1], seed=2)
    c = m.copy()
    c.weights[0][0, 0] += 1.0
    c.biases[0][0] += 1.0
    assert m.weights[0][0, 0] != c.weights[0][0, 0]
    assert m.biases[0][0] != c.biases[0][0]
    assert repr(m).startswith("MLP(sizes=[2, 4, 1]")
    assert "17 parameters" in repr(m)


@pytest.mark.parametrize("output, k", [("sigmoid", 1), ("softmax", 3), ("linear", 2)])
def test_forward_cache_shapes(moons, output, k):
    X, _ = moons
    sizes = [2, 7, 5, 4, k]
    m = MLP(sizes, output=output)
    out, cache = m.forward(X)
    L = len(sizes) - 1
    assert len(cache.pre) == L + 1 and len(cache.post) == L + 1
    assert cache.post[0] is cache.pre[0]
    np.testing.assert_array_equal(cache.post[0], X)
    for l in range(L + 1):
        assert cache.pre[l].shape == (64, sizes[l])
        assert cache.post[l].shape == (64, sizes[l])
    assert out is cache.post[-1]
    assert cache.logits is cache.pre[-1]


def test_forward_computes_the_layers_it_documents():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))
    for name, (f, _) in activations.ACTIVATIONS.items():
        m = MLP([3, 6, 4, 2], activation=name, output="softmax", bias="normal", seed=1)
        _, cache = m.forward(X)
        A = X
        for l, (W, b) in enumerate(zip(m.weights, m.biases), start=1):
            Z = A @ W + b
            np.testing.assert_array_equal(cache.pre[l], Z)
            A = f(Z) if l < m.n_layers else Z
        Z = cache.pre[-1]
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        np.testing.assert_allclose(cache.post[-1], E / E.sum(axis=1, keepdims=True), rtol=1e-14)


def test_outputs_and_losses(moons):
    X, y = moons
    m = MLP([2, 8, 1], output="sigmoid", bias="normal")
    out, cache = m.forward(X)
    z = cache.logits[:, 0]
    np.testing.assert_allclose(out[:, 0], 1 / (1 + np.exp(-z)), rtol=1e-15)
    p = out[:, 0]
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert m.loss(X, y) == pytest.approx(bce, rel=1e-12)
    np.testing.assert_array_equal(m.predict(X), (p >= 0.5).astype(int))
    np.testing.assert_array_equal(m.predict_proba(X), p)
    assert m.accuracy(X, y) == np.mean((p >= 0.5) == y)

    m = MLP([2, 8, 3], output="softmax", bias="normal")
    labels = np.arange(64) % 3
    out, cache = m.forward(X)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-14)
    ce = -np.mean(np.log(out[np.arange(64), labels]))
    assert m.loss(X, labels) == pytest.approx(ce, rel=1e-12)
    np.testing.assert_array_equal(m.predict(X), np.argmax(out, axis=1))
    assert m.accuracy(X, labels) == np.mean(np.argmax(out, axis=1) == labels)

    m = MLP([2, 8, 2], output="linear", bias="normal")
    T = np.column_stack([X[:, 0] ** 2, X[:, 1]])
    out, cache = m.forward(X)
    np.testing.assert_array_equal(out, cache.logits)
    assert m.loss(X, T) == pytest.approx(0.5 * np.mean(np.sum((out - T) ** 2, axis=1)), rel=1e-12)
    with pytest.raises(ValueError, match="accuracy is defined for sigmoid and softmax"):
        m.accuracy(X, T)


def test_sigmoid_targets_may_be_a_column_or_probabilities(moons):
    X, y = moons
    m = MLP([2, 4, 1])
    assert m.loss(X, y) == m.loss(X, y[:, None]) == m.loss(X, y.astype(float))
    assert np.isfinite(m.loss(X, np.full(64, 0.3)))


@pytest.mark.parametrize("output, k", [("sigmoid", 1), ("softmax", 3), ("linear", 2)])
def test_backward_shapes(moons, output, k):
    X, _ = moons
    sizes = [2, 7, 5, k]
    m = MLP(sizes, output=output)
    y = {"sigmoid": np.arange(64) % 2, "softmax": np.arange(64) % 3}.get(output, np.ones((64, 2)))
    _, cache = m.forward(X)
    g = m.backward(cache, y)
    L = len(sizes) - 1
    assert [d.shape for d in g.dW] == [W.shape for W in m.weights]
    assert [d.shape for d in g.db] == [b.shape for b in m.biases]
    assert len(g.delta) == L + 1 and len(g.dA) == L + 1
    for l in range(L + 1):
        assert g.delta[l].shape == (64, sizes[l])
    for l in range(L):
        assert g.dA[l].shape == (64, sizes[l])
    assert g.dA[L] is None
    assert g.dZ is g.delta


def test_backward_relations_between_deltas(moons):
    X, y = moons
    m = MLP([2, 6, 5, 1], activation="tanh", bias="normal")
    _, cache = m.forward(X)
    g = m.backward(cache, y)
    # output: dLoss/dZ_L = (p - y) / n
    np.testing.assert_allclose(g.delta[3][:, 0], (cache.post[3][:, 0] - y) / 64, rtol=1e-15)
    for l in (1, 2, 3):
        np.testing.assert_allclose(g.dW[l - 1], cache.post[l - 1].T @ g.delta[l], rtol=1e-14)
        np.testing.assert_allclose(g.db[l - 1], g.delta[l].sum(axis=0), rtol=1e-14, atol=1e-18)
        np.testing.assert_allclose(g.dA[l - 1], g.delta[l] @ m.weights[l - 1].T, rtol=1e-14)
    for l in (1, 2):
        np.testing.assert_allclose(
            g.delta[l], g.dA[l] * (1 - np.tanh(cache.pre[l]) ** 2), rtol=1e-14, atol=1e-18
        )
    np.testing.assert_array_equal(g.delta[0], g.dA[0])


def test_backward_from_delta_reproduces_backward(moons):
    X, y = moons
    m = MLP([2, 6, 1], activation="relu", bias="normal")
    _, cache = m.forward(X)
    g = m.backward(cache, y)
    h = m.backward_from_delta(cache, g.delta[-1])
    for a, b in zip(g.dW + g.db, h.dW + h.db):
        np.testing.assert_array_equal(a, b)


def test_backward_without_the_input_gradient(moons):
    X, y = moons
    m = MLP([2, 6, 5, 1], activation="relu", bias="normal")
    _, cache = m.forward(X)
    full = m.backward(cache, y)
    lean = m.backward(cache, y, input_grad=False)
    assert lean.delta[0] is None and lean.dA[0] is None
    assert full.delta[0].shape == (64, 2)
    for a, b in zip(full.dW + full.db + full.delta[1:], lean.dW + lean.db + lean.delta[1:]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(full.dA[1], lean.dA[1])


def test_step_is_plain_gradient_descent(moons):
    X, y = moons
    m = MLP([2, 6, 1], bias="normal")
    before = m.get_params()
    _, cache = m.forward(X)
    g = m.backward(cache, y)
    m.step(g, 0.3)
    expected = []
    for W, b, dW, db in zip(before[::2], before[1::2], g.dW, g.db):
        expected += [W - 0.3 * dW, b - 0.3 * db]
    for a, b in zip(expected, m.get_params()):
        np.testing.assert_array_equal(a, b)


def test_loss_from_cache_equals_loss(moons):
    X, y = moons
    m = MLP([2, 6, 1], bias="normal")
    _, cache = m.forward(X)
    assert m.loss_from_cache(cache, y) == m.loss(X, y)


def test_layer_activation():
    m = MLP([2, 4, 4, 1], activation="relu")
    assert [m.layer_activation(l) for l in (1, 2, 3)] == ["relu", "relu", "sigmoid"]
    assert MLP([2, 4, 3], output="softmax").layer_activation(2) == "linear"
    assert MLP([2, 4, 3], output="linear").layer_activation(2) == "linear"


def test_no_hidden_layer_is_logistic_regression(moons):
    X, y = moons
    m = MLP([2, 1], bias=0.1, seed=4)
    out, _ = m.forward(X)
    z = X @ m.weights[0][:, 0] + 0.1
    np.testing.assert_allclose(out[:, 0], activations.sigmoid(z), rtol=1e-15)


# ---------------------------------------------------------------- quiet numerics at any scale

SCALES = np.logspace(-4, 4, 9)
DEPTHS = [1, 2, 5, 10, 20, 50]


@pytest.fixture
def few(moons):
    """16 of the moons, both classes (subnormal numbers make the extreme cases slow per sample)."""
    X, y = moons
    return X[::4], y[::4]


def run_strict(model, X, y):
    """Forward, loss, backward and the per-layer table with every warning an error and every
    floating-point problem but underflow raised; returns the loss."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            out, cache = model.forward(X)
            loss = model.loss_from_cache(cache, y)
            grads = model.backward(cache, y)
            diagnostics.layer_stats(model, X, y)
    assert np.isfinite(loss)
    assert np.all(np.isfinite(out))
    assert all(np.all(np.isfinite(g)) for g in grads.dW + grads.db)
    return loss


@pytest.mark.parametrize("init", ["normal", "he_uniform", "orthogonal"])
@pytest.mark.parametrize("output, k", [("sigmoid", 1), ("softmax", 3)])
@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
def test_classification_is_quiet_for_every_scale_and_depth(few, activation, output, k, init):
    X, y = few
    y = y if k == 1 else np.arange(len(y)) % k
    for scale in SCALES:
        for depth in DEPTHS:
            model = MLP(
                [2] + [16] * depth + [k],
                activation=activation,
                output=output,
                init=init,
                scale=float(scale),
                seed=1,
            )
            run_strict(model, X, y)


@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
def test_wide_deep_nets_at_the_extreme_scales_are_quiet(few, activation):
    X, y = few
    for scale in (1e-4, 1e4):
        model = MLP([2] + [64] * 50 + [1], activation=activation, init="normal", scale=scale)
        run_strict(model, X, y)


@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
def test_linear_output_is_quiet_where_its_loss_is_representable(few, activation):
    # The honest limit: half the squared error of a residual above about 1e154 is not a float64
    # (and its gradient, of the same size, times an activation of the same size is not either).
    # So the linear output is checked for every scale up to depth 20, and at depth 50 up to the
    # notebooks' largest slider scale, 1e2; there the residuals stay below 1e140.
    X, _ = few
    T = np.column_stack([X[:, 0], X[:, 1] ** 2])
    for scale in SCALES:
        for depth in DEPTHS:
            if depth == 50 and scale > 1e2:
                continue
            model = MLP(
                [2] + [16] * depth + [2],
                activation=activation,
                output="linear",
                init="normal",
                scale=float(scale),
                seed=1,
            )
            loss = run_strict(model, X, T)
            assert loss < 1e300


def test_huge_logits_give_a_finite_classification_loss(moons):
    X, y = moons
    model = MLP([2, 4, 1], activation="linear", init="constant", scale=1e100)
    _, cache = model.forward(X)
    assert np.max(np.abs(cache.logits)) > 1e200
    loss = run_strict(model, X, y)
    # the loss of a confidently wrong logit z is about |z|: finite and huge, not inf
    assert 1e200 < loss < np.inf


# ---------------------------------------------------------------- float32 and work arrays


def test_float32_model_end_to_end(moons):
    from helpers import gradcheck
    from helpers.train import train

    X, y = moons
    m64 = MLP([2, 8, 8, 1], activation="tanh", init="he_normal", bias="normal", seed=4)
    m32 = MLP(
        [2, 8, 8, 1], activation="tanh", init="he_normal", bias="normal", seed=4, dtype="float32"
    )
    assert "dtype='float32'" in repr(m32) and "dtype" not in repr(m64)
    for a, b in zip(m64.get_params(), m32.get_params()):
        assert b.dtype == np.float32
        np.testing.assert_array_equal(b, a.astype(np.float32))  # the same draws, rounded
    out, cache = m32.forward(X)
    assert out.dtype == np.float32 and all(Z.dtype == np.float32 for Z in cache.pre)
    g = m32.backward(cache, y)
    assert all(d.dtype == np.float32 for d in g.dW + g.db + g.delta)
    np.testing.assert_allclose(out, m64.forward(X)[0], rtol=1e-5)
    assert m32.loss(X, y) == pytest.approx(m64.loss(X, y), rel=1e-5)
    h = train(m32, X, y, epochs=100, lr=0.5)
    assert not h.diverged and h.loss[-1] < 0.6 * h.loss[0]
    assert all(W.dtype == np.float32 for W in m32.weights)
    ref = train(m64, X, y, epochs=100, lr=0.5)
    np.testing.assert_allclose(h.loss, ref.loss, rtol=1e-3)
    with pytest.raises(ValueError, match="float64 model"):
        gradcheck.check_gradients(m32, X[:8], y[:8])
    assert gradcheck.check_gradients(m32.astype("float64"), X[:8], y[:8]) < 1e-6
    assert m32.copy().dtype == np.float32


@pytest.mark.parametrize("output, k", [("sigmoid", 1), ("softmax", 3), ("linear", 2)])
def test_float32_for_every_activation_and_output(moons, output, k):
    X, _ = moons
    y = {"sigmoid": np.arange(64) % 2, "softmax": np.arange(64) % 3}.get(output, np.ones((64, 2)))
    for act in activations.ACTIVATIONS:
        m = MLP([2, 5, k], activation=act, output=output, dtype=np.float32)
        _, cache = m.forward(X)
        g = m.backward(cache, y)
        m.step(g, 0.1)
        assert all(p.dtype == np.float32 for p in m.get_params()), act
        assert np.isfinite(m.loss(X, y))


def test_bad_dtypes():
    with pytest.raises(ValueError, match="dtype must be one of float64, float32; got 'float16'"):
        MLP([2, 3, 1], dtype="float16")
    with pytest.raises(TypeError, match="dtype must be one of"):
        MLP([2, 3, 1], dtype="no such type")
    with pytest.raises(ValueError, match="got 'int64'"):
        MLP([2, 3, 1]).astype(int)


@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
@pytest.mark.parametrize("output, k", [("sigmoid", 1), ("softmax", 3), ("linear", 2)])
def test_work_arrays_give_the_same_numbers_and_are_reused(moons, activation, output, k):
    X, _ = moons
    y = {"sigmoid": np.arange(64) % 2, "softmax": np.arange(64) % 3}.get(output, np.ones((64, 2)))
    m = MLP([2, 6, 5, k], activation=activation, output=output, bias="normal")
    t = m.check_targets(y, 64)
    _, fresh = m._forward(X)
    g_fresh = m._backward(fresh, t, input_grad=False)
    _, reused = m._forward(X, reuse=True)
    g_reused = m._backward(reused, t, input_grad=False, reuse=True)
    for a, b in zip(fresh.pre[1:] + fresh.post[1:], reused.pre[1:] + reused.post[1:]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(g_fresh.dW + g_fresh.db, g_reused.dW + g_reused.db):
        np.testing.assert_array_equal(a, b)
    _, again = m._forward(X, reuse=True)
    assert again.pre[1] is reused.pre[1]  # the same arrays, overwritten
    _, other = m._forward(X)
    assert other.pre[1] is not fresh.pre[1]  # without reuse, fresh arrays every time
    assert m.copy()._forward(X, reuse=True)[1].pre[1] is not reused.pre[1]


def test_float32_refuses_inputs_beyond_its_range():
    m = MLP([2, 3, 1], dtype="float32")
    with pytest.raises(ValueError, match="beyond the range of float32"):
        m.forward(np.array([[1e39, 0.0]]))
    assert m.forward(np.array([[1e30, 0.0]]))[0].dtype == np.float32
