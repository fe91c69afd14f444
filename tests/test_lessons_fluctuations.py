"""Notebook 04's lessons on what the variance rule does not say: one finite network scatters
around the expectation, and PyTorch's default bias takes over a deep ReLU stack."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import lessons, theory


@pytest.fixture(scope="module")
def spread():
    return lessons.seed_spread("he_normal", "relu", depth=30, width=256, seeds=range(20))


def test_04_the_variance_rule_is_the_expectation_one_seed_is_a_draw(spread):
    assert spread["theory_m2"] == pytest.approx(1.0, abs=1e-9), "04: He keeps E[a^2] exactly"
    m2 = spread["m2_last"]
    assert m2.min() < spread["theory_m2"] < m2.max()
    assert m2.max() / m2.min() > 2, "04: one 30-layer network strays by a factor of about 2"
    g = spread["grad_first"]
    assert g.min() < spread["theory_grad"] < g.max()
    p = lessons.signal_profile("he_normal", "relu", depth=30, width=256, seed=0)
    assert p["a_rms"][-1] ** 2 == m2[0], "04: seed 0 is the network section 5 prints"
    text = lessons.format_seed_spread(spread)
    assert "second moment of A_L" in text and "gradient std at layer 1" in text


def test_04_scatter_grows_with_depth_and_shrinks_with_width():
    wd = lessons.width_depth_spread(widths=(32, 256), depths=(10, 30), n_seeds=16)
    for i in range(2):
        assert wd["spread"][30][i] > wd["spread"][10][i], "04: deeper, more scatter"
    for depth in (10, 30):
        assert wd["spread"][depth][0] > 1.5 * wd["spread"][depth][1], "04: wider, less scatter"
        assert np.allclose(
            wd["theory"][depth], [theory.relu_log2_spread(depth, w) for w in (32, 256)]
        )


def test_04_relu_log2_spread_is_the_first_order_formula():
    assert theory.relu_log2_spread(30, 256) == pytest.approx(math.sqrt(5 * 30 / 256) / math.log(2))
    assert theory.relu_log2_spread(0, 16) == 0.0
    # one layer's factor r = (2/n) sum relu(g)^2 has mean 1 and variance 5/n
    n, rng = 64, np.random.default_rng(0)
    r = 2.0 / n * np.sum(np.maximum(rng.normal(size=(20_000, n)), 0) ** 2, axis=1)
    assert np.mean(r) == pytest.approx(1.0, abs=0.01)
    assert np.var(r) == pytest.approx(5.0 / n, rel=0.05)
    with pytest.raises(ValueError, match="width"):
        theory.relu_log2_spread(10, 0)


def test_04_pytorch_default_biases_replace_the_signal_at_depth():
    tl = lessons.torch_linear_profile(depth=10, width=256, seed=0)
    torch, zeros = tl["torch"], tl["zeros"]
    # the input-dependent part shrinks by about sqrt(6) per layer either way
    for r in (torch, zeros):
        per_layer = (r["varying"][-1] / r["varying"][0]) ** (1 / 9)
        assert per_layer == pytest.approx(1 / math.sqrt(6), rel=0.15)
    assert torch["common"][-1] > 100 * torch["varying"][-1], "04: the biases dominate"
    assert torch["cosine"][-1] > 0.999 > zeros["cosine"][-1]
    assert torch["common"][-1] == pytest.approx(torch["common"][4], rel=0.2), "a fixed level"
