"""Notebook 03, section 6: the checks made on a network before training."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import lessons


def test_03_uninformed_network_starts_at_ln_c_and_large_output_weights_raise_it():
    rows = lessons.expected_initial_loss(classes=(2, 10), output_scales=(0.0, 1.0, 10.0))
    for C in (2, 10):
        loss = {r["output_scale"]: r["loss"] for r in rows if r["classes"] == C}
        assert loss[0.0] == pytest.approx(math.log(C), abs=1e-12), "zero logits: exactly ln C"
        assert loss[0.0] <= loss[1.0] < loss[10.0]
        assert loss[10.0] > 2 * math.log(C)


def test_03_log_prior_output_bias_starts_near_the_label_entropy():
    b = lessons.log_prior_bias()
    assert b["prior"] == pytest.approx(1 / 3)
    assert b["bias"] == pytest.approx(math.log(0.5))
    assert b["entropy"] <= b["loss_log_prior"] < b["loss_zero_bias"]


def test_03_dead_relu_units_at_initialisation_grow_with_depth():
    dead = lessons.relu_bias_dead_units(biases=(0.0, 0.01))
    for frac in dead.values():
        assert frac.shape == (10,) and frac[0] == 0.0 and frac[-1] > frac[0]
    assert np.all(dead[0.01] <= dead[0.0] + 0.05), "a 0.01 bias is no cure, nor does it harm"
    assert "dead ReLU units" in lessons.format_init_checks()
