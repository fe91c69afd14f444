"""Lessons that make a popular statement precise (notebooks 01-04): what must differ between
units, the rounding of a collapsed linear stack, ReLU's second moment against its variance, and
the mean-field slope chi."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import data, lessons, theory
from helpers.mlp import MLP


def test_01_collapsed_linear_stack_differs_only_by_rounding():
    model = MLP([2, 16, 16, 1], activation="linear", output="linear", bias="normal", seed=0)
    X, _ = data.make_circles(200, rng=np.random.default_rng(0))
    gap = lessons.collapse_error(model, X)
    assert gap["eps"] == np.finfo(np.float64).eps
    assert gap["max_difference"] < 20 * gap["eps"] * max(gap["max_output"], 1.0)


def test_02_units_must_differ_from_each_other_not_within():
    X, y = lessons.make_unbalanced("circles", 120, 60, seed=0)
    r = lessons.within_versus_across(X, y, seed=0)
    dW1 = r["first_dW1"]
    assert np.all(dW1 == dW1[:, :1]), "02: the first gradient is the same for every unit"
    assert dW1[0, 0] != dW1[1, 0], "02: ... but not for every input"
    runs = r["runs"]
    assert runs["same vector for every unit"]["spread"] == 0.0
    assert runs["different within, same across"]["spread"] == 0.0
    assert runs["different within, same across"]["distinct"] == 1
    assert runs["equal within each unit"]["spread"] > 0.0
    assert runs["equal within each unit"]["distinct"] == 8


def test_03_relu_keeps_half_the_second_moment_and_a_third_of_the_variance():
    m = lessons.relu_moments(seed=0)
    assert m["theory_second_moment"] == pytest.approx(0.5, abs=1e-12)
    assert m["theory_variance"] == pytest.approx(0.5 - 1 / (2 * np.pi), abs=1e-12)
    assert m["theory_mean"] == pytest.approx(1 / np.sqrt(2 * np.pi), abs=1e-12)
    # 200 000 samples: the sampling error of each ratio is below 0.005
    for k in ("second_moment", "variance", "mean"):
        assert m[k] == pytest.approx(m[f"theory_{k}"], abs=0.005)


@pytest.mark.parametrize("scale", [0.01, 1.0])
def test_03_mean_field_slope_predicts_the_backward_factor(scale):
    b = lessons.backward_through_saturation("tanh", scale=scale, depth=10, width=100, seed=0)
    mf = b["mean_field"]
    assert mf.shape == (10,)
    assert np.allclose(mf, b["predicted"], rtol=0.05), "chi from theory vs from measured z"
    assert np.allclose(np.mean(b["factor"]), np.mean(mf), rtol=0.05)
    # chi = sigma^2 n E[f'^2] at the mean-field z of layer 1: N(0, 1) inputs, std(z) = scale*10
    slope = theory.activation_moments("tanh", scale * 10.0)["slope_rms"]
    assert mf[0] == pytest.approx(scale * 10.0 * slope, rel=1e-12)
