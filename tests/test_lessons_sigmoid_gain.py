"""Notebook 06's lesson on the sigmoid's gain (claims 6 and 9), and LeCun's scaled tanh."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import activations, gradcheck, lessons, theory
from helpers.mlp import MLP


def test_scaled_tanh_is_lecuns_and_its_derivative_is_right():
    z = np.linspace(-5, 5, 101)
    assert activations.scaled_tanh(1.0) == pytest.approx(1.0, abs=1e-5), "f(1) = 1 by design"
    assert np.allclose(activations.scaled_tanh(z), 1.7159 * np.tanh(2 * z / 3), rtol=1e-15)
    h = 1e-6
    numeric = (activations.scaled_tanh(z + h) - activations.scaled_tanh(z - h)) / (2 * h)
    assert np.allclose(activations.scaled_tanh_prime(z), numeric, atol=1e-8)
    assert activations.MAX_SLOPE["scaled_tanh"] == pytest.approx(1.7159 * 2 / 3)
    assert theory.activation_moments("scaled_tanh", 0.5, rule="small_signal")["slope_rms"] == (
        pytest.approx(1.7159 * 2 / 3)
    )


def test_scaled_tanh_network_passes_the_gradient_check_and_trains_quietly():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    model = MLP([3, 7, 5, 1], activation="scaled_tanh", bias="normal", seed=2)
    assert gradcheck.check_gradients(model, X, y) < 1e-7
    big = MLP([3, 7, 5, 1], activation="scaled_tanh", init="normal", scale=1e4, seed=2)
    assert np.isfinite(big.loss(X, y))


def test_06_the_sigmoid_gain_is_four():
    f = lessons.activation_facts()
    assert f["sigmoid"]["slope0"] == 0.25 and f["sigmoid"]["f0"] == 0.5
    assert f["sigmoid_gain"] == 4.0
    assert f["scaled_tanh"]["f0"] == 0.0 and f["scaled_tanh"]["slope0"] > 1.0


def test_06_gain_four_fits_the_moons_and_the_mean_leaves_an_offset():
    g = lessons.sigmoid_gain(seeds=(1,))
    acc = {k: v[0] for k, v in g["accuracy"].items()}
    assert acc["sigmoid, Xavier x4"] > acc["sigmoid, Xavier x1"] + 0.05
    assert acc["scaled tanh, LeCun x1"] >= 0.98
    sig, st = g["offsets"]["sigmoid, LeCun x4"], g["offsets"]["scaled tanh, LeCun x1"]
    # sigmoid's mean 1/2 times weights of std 4/sqrt(n): an offset of std 4 * 1/2 = 2 in layer 2
    assert sig["offset"][1] == pytest.approx(2.0, rel=0.15)
    assert sig["offset"][-1] > sig["varying"][-1], "the offset outgrows the input's part"
    assert np.all(st["offset"] < 0.2 * st["varying"]), "a zero-mean activation has almost none"
    assert "scaled_tanh" in lessons.format_sigmoid_gain(g)
