"""Notebook 03: the checks practitioners make on a freshly initialised network, before training.

- The loss at step 0 should be that of an uninformed guess: ln 2 for balanced binary labels,
  ln C for C balanced classes. Large output weights make the first guesses confident and the loss
  much larger.
- With unbalanced classes the uninformed guess is the class prior: an output bias set to the log
  prior (the log-odds for a sigmoid output) starts the loss at the entropy of the labels, where a
  zero-initialised network ends up after training (notebook 02).
- ReLU units dead at initialisation; a small positive bias such as 0.01 is a common remedy.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import math

import numpy as np

from ..mlp import MLP
from .scale import dead_relu_versus_scale, gaussian_inputs
from .symmetry import make_unbalanced


def expected_initial_loss(*, classes=(2, 10), output_scales=(0.0, 0.1, 1.0, 10.0), seed: int = 0):
    """Loss at step 0 of a ``20-64-C`` tanh network (Xavier) on N(0, 1) inputs with balanced
    random labels, against ln C, with the output layer's weights multiplied by each scale.

    Returns a list of dicts: ``classes``, ``output_scale``, ``loss``, ``ln_C``.
    """
    rng = np.random.default_rng(seed)
    X = gaussian_inputs(600, 20, seed=seed)
    rows = []
    for C in classes:
        y = rng.permutation(np.arange(600) % C)  # exactly balanced
        output = "sigmoid" if C == 2 else "softmax"
        for s in output_scales:
            model = MLP([20, 64, 1 if C == 2 else C], output=output, seed=seed)
            model.weights[-1] = model.weights[-1] * s
            rows.append(
                {"classes": C, "output_scale": s, "loss": model.loss(X, y), "ln_C": math.log(C)}
            )
    return rows


def log_prior_bias(*, seed: int = 0) -> dict:
    """The unbalanced circles of notebook 02 (120 vs 60): a ``2-16-1`` tanh network (Xavier)
    with its output bias at 0 and at the log-odds of the prior, log(p / (1 - p)).

    Returns ``prior`` (fraction of class 1), ``bias`` (the log-odds), ``loss_zero_bias``,
    ``loss_log_prior`` (losses at step 0) and ``entropy`` (of the labels: the loss of always
    answering the prior), all floats.
    """
    X, y = make_unbalanced("circles", 120, 60, seed=seed)
    p = float(np.mean(y))
    model = MLP([2, 16, 1], seed=seed)
    zero = model.loss(X, y)
    bias = math.log(p / (1.0 - p))
    model.biases[-1] = np.full(1, bias)
    return {
        "prior": p,
        "bias": bias,
        "loss_zero_bias": zero,
        "loss_log_prior": model.loss(X, y),
        "entropy": -(p * math.log(p) + (1 - p) * math.log(1 - p)),
    }


def relu_bias_dead_units(*, biases=(0.0, 0.01, 0.1), depth=10, width=100, seed=0) -> dict:
    """Dead ReLU units (z <= 0 on all of 500 N(0, 1) inputs) per layer at initialisation, He
    weights (std sqrt(2 / width)), with every bias at each value.

    Returns bias -> ndarray of shape (depth,): the dead fraction of layers 1..depth.
    """
    he = math.sqrt(2.0 / width)
    return {
        float(b): dead_relu_versus_scale([he], bias=float(b), depth=depth, width=width, seed=seed)[
            0
        ]
        for b in biases
    }


def format_init_checks(seed: int = 0) -> str:
    """The three checks of notebook 03, section 6, as printed lines."""
    lines = ["1. loss at step 0 (balanced labels) against ln C, output weights x scale"]
    for r in expected_initial_loss(seed=seed):
        lines.append(
            f"   C = {r['classes']:>2}, output x{r['output_scale']:<4g} loss {r['loss']:.4f}"
            f"   (ln C = {r['ln_C']:.4f})"
        )
    b = log_prior_bias(seed=seed)
    lines += [
        f"2. unbalanced circles, prior {b['prior']:.4f}: loss at step 0 with output bias 0: "
        f"{b['loss_zero_bias']:.4f}",
        f"   with output bias log(p/(1-p)) = {b['bias']:.4f}: {b['loss_log_prior']:.4f}   "
        f"(entropy of the labels: {b['entropy']:.4f})",
        "3. dead ReLU units at initialisation, He weights, layer 1 / 5 / 10",
    ]
    for bias, dead in relu_bias_dead_units(seed=seed).items():
        lines.append(f"   bias {bias:<4g}: {dead[0]:.0%} / {dead[4]:.0%} / {dead[-1]:.0%}")
    return "\n".join(lines)


__all__ = [
    "expected_initial_loss",
    "format_init_checks",
    "log_prior_bias",
    "relu_bias_dead_units",
]
