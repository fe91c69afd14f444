"""Inverted dropout (helpers.dropout) and training with it (helpers.train.train(dropout=...))."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import data, diagnostics, dropout, gradcheck
from helpers.mlp import MLP
from helpers.train import train


def _net(activation="tanh", output="sigmoid", k=1, seed=1):
    return MLP([2, 6, 5, k], activation=activation, output=output, bias="normal", seed=seed)


def _targets(output, n, rng):
    if output == "softmax":
        return rng.integers(0, 3, n)
    if output == "linear":
        return rng.normal(size=(n, 3))
    return rng.integers(0, 2, n)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "linear"])
def test_dropout_backward_passes_the_float64_gradient_check(activation, output):
    rng = np.random.default_rng(3)
    X, _ = data.make_moons(24, rng=rng)
    model = _net(activation, output, 1 if output == "sigmoid" else 3)
    masks = dropout.draw_masks(model, 24, 0.4, rng=rng)
    assert any(np.any(m == 0) for m in masks) and any(np.any(m > 0) for m in masks)
    error = gradcheck.check_gradients(model, X, _targets(output, 24, rng), masks=masks)
    assert error < 1e-7, f"dropout backward vs central differences: relative error {error:.2e}"


def test_masks_of_ones_are_exactly_the_plain_network():
    rng = np.random.default_rng(0)
    X, y = data.make_moons(30, rng=rng)
    model = _net()
    ones = [np.ones((30, k)) for k in model.sizes[1:-1]]
    out, cache = dropout.forward(model, X, ones)
    ref_out, ref_cache = model.forward(X)
    assert np.array_equal(out, ref_out)
    g, ref = dropout.backward(model, cache, y), model.backward(ref_cache, y)
    for a, b in zip(g.dW + g.db, ref.dW + ref.db):
        assert np.array_equal(a, b)


def test_inverted_dropout_keeps_the_expected_output_and_uses_the_same_mask_backwards():
    rng = np.random.default_rng(0)
    mask = dropout.draw_mask((200_000,), 0.3, rng=rng)
    assert set(np.unique(mask)) == {0.0, 1.0 / 0.7}
    assert abs(np.mean(mask == 0) - 0.3) < 0.005  # binomial: std 0.001
    assert abs(np.mean(mask) - 1.0) < 0.01  # E[mask] = 1: the expected output is unchanged
    A = rng.normal(size=(4, 5))
    m = dropout.draw_mask((4, 5), 0.5, rng=rng)
    out, cache = dropout.dropout_forward(A, m)
    assert np.array_equal(out, A * m)
    assert np.array_equal(dropout.dropout_backward(np.ones((4, 5)), cache), m)


def test_masks_are_reproducible_from_the_seed():
    model = _net()
    a = dropout.draw_masks(model, 10, 0.5, rng=np.random.default_rng(7))
    b = dropout.draw_masks(model, 10, 0.5, rng=np.random.default_rng(7))
    c = dropout.draw_masks(model, 10, 0.5, rng=np.random.default_rng(8))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dropout.check_rate(1.0), "below 1"),
        (lambda: dropout.check_rate(-0.1), ">= 0.0"),
        (lambda: dropout.draw_mask((3,), 0.5, rng=None), "rng is required"),
        (lambda: dropout.forward(_net(), np.zeros((4, 2)), [np.ones((4, 6))]), "list of 2"),
        (
            lambda: dropout.forward(_net(), np.zeros((4, 2)), [np.ones((4, 6)), np.ones((3, 5))]),
            "masks[1] has shape (3, 5)",
        ),
        (lambda: train(_net(), np.zeros((4, 2)), [0, 1, 0, 1], epochs=1, lr=1, dropout=2), "below"),
    ],
)
def test_bad_dropout_input_is_named(call, message):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    assert message in str(err.value)


def test_training_without_dropout_is_unchanged_and_with_it_is_reproducible():
    rng = np.random.default_rng(0)
    X, y = data.make_moons(64, rng=rng)
    runs = {}
    for key, kw in {"none": {}, "zero": {"dropout": 0.0}, "a": {"dropout": 0.3}}.items():
        model = MLP([2, 8, 8, 1], seed=2)
        runs[key] = (train(model, X, y, epochs=20, lr=0.5, batch_size=16, seed=4, **kw), model)
    again = MLP([2, 8, 8, 1], seed=2)
    h = train(again, X, y, epochs=20, lr=0.5, batch_size=16, seed=4, dropout=0.3)
    assert np.array_equal(runs["none"][0].loss, runs["zero"][0].loss)
    assert np.array_equal(h.loss, runs["a"][0].loss), "same seed, same masks, same run"
    assert not np.array_equal(runs["none"][0].loss, runs["a"][0].loss)
    assert np.all(np.isfinite(h.loss)) and not h.diverged


def test_dropout_breaks_the_symmetry_that_minibatch_sgd_keeps():
    rng = np.random.default_rng(0)
    X, y = data.make_moons(60, rng=rng)
    spreads = {}
    for key, kw in {"gd": {}, "sgd": {"batch_size": 8}, "drop": {"dropout": 0.25}}.items():
        model = MLP([2, 8, 1], init="constant", scale=0.5)
        h = train(model, X, y, epochs=30, lr=0.5, seed=1, record=("spread",), **kw)
        spreads[key] = (float(h.spread[-1, 0]), model)
    assert spreads["gd"][0] == 0.0 and spreads["sgd"][0] == 0.0, "equal units stay equal"
    assert spreads["drop"][0] > 0.0, "a mask per unit gives each unit its own gradient"
    _, cache = spreads["drop"][1].forward(X)
    assert diagnostics.distinct_units(cache.post[1]) > 1
