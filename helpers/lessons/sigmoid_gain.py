"""Notebook 06 (claims 6 and 9): the logistic sigmoid's gain is not 1.

Its slope at 0 is 1/4, so a scheme derived for a slope of 1 (LeCun, Xavier) passes on a quarter of
the signal per layer; and its mean is 1/2, so every unit's output carries a constant part that the
next layer's random weights turn into a random offset. A gain near 4 undoes the slope; LeCun's
scaled tanh 1.7159 tanh(2z/3) avoids both (slope 1.14 at 0, mean 0).

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import activations, diagnostics
from ..mlp import MLP
from ..train import train
from .scale import gaussian_inputs
from .training import comparison_data

GAIN_RUNS = (
    ("sigmoid, Xavier x1", "sigmoid", "xavier_normal", 1.0),
    ("sigmoid, Xavier x4", "sigmoid", "xavier_normal", 4.0),
    ("sigmoid, Xavier x16", "sigmoid", "xavier_normal", 16.0),
    ("scaled tanh, LeCun x1", "scaled_tanh", "lecun_normal", 1.0),
    ("tanh, Xavier x1", "tanh", "xavier_normal", 1.0),
)
"""(label, activation, scheme, scale) of the training runs of :func:`sigmoid_gain`."""


def activation_facts() -> dict:
    """``f0`` = f(0), ``slope0`` = f'(0) and ``f1`` = f(1) of sigmoid, tanh and the scaled tanh;
    and ``sigmoid_gain`` = 1 / sigmoid'(0), the gain that undoes the sigmoid's slope."""
    facts = {}
    for name in ("sigmoid", "tanh", "scaled_tanh"):
        facts[name] = {
            "f0": float(activations.activate(name, 0.0)),
            "slope0": float(activations.derivative(name, 0.0)),
            "f1": float(activations.activate(name, 1.0)),
        }
    facts["sigmoid_gain"] = 1.0 / facts["sigmoid"]["slope0"]
    return facts


def offset_profile(activation: str, init: str, scale: float, *, depth=5, width=256, seed=0):
    """Each hidden layer's pre-activations ``Z`` split into a per-unit offset that is the same for
    every input (RMS of the column means) and the input-dependent rest (RMS of ``Z - mean``).

    ``depth`` layers of ``width`` units, zero biases, N(0, 1) inputs. Returns ``offset``,
    ``varying`` (ndarrays of shape (depth,)) and ``saturated`` (fraction over all layers).
    """
    X = gaussian_inputs(256, width, seed=seed)
    model = MLP([width] * (depth + 1) + [1], activation=activation, init=init, scale=scale,
                seed=seed)  # fmt: skip
    _, cache = model.forward(X)
    Zs = cache.pre[1 : depth + 1]
    return {
        "offset": np.array([diagnostics.rms(Z.mean(axis=0)) for Z in Zs]),
        "varying": np.array([diagnostics.rms(Z - Z.mean(axis=0)) for Z in Zs]),
        "saturated": diagnostics.saturated_fraction(
            np.concatenate([Z.ravel() for Z in Zs]), activation
        ),  # fmt: skip
    }


def sigmoid_gain(*, seeds=(0, 1, 2), epochs: int = 600, lr: float = 0.5) -> dict:
    """The runs of :data:`GAIN_RUNS`: a ``2-32-32-32-1`` network on the moons (claim 9's), one per
    seed. Returns ``accuracy`` (label -> list over seeds), ``facts`` (:func:`activation_facts`)
    and ``offsets`` (label -> :func:`offset_profile` for sigmoid x4 and the scaled tanh)."""
    X, _, y, _ = comparison_data("moons", seed=0)
    accuracy = {}
    for label, act, init, scale in GAIN_RUNS:
        accuracy[label] = []
        for seed in seeds:
            model = MLP([2, 32, 32, 32, 1], activation=act, init=init, scale=scale, seed=seed)
            h = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
            accuracy[label].append(h.final_accuracy)
    offsets = {
        "sigmoid, LeCun x4": offset_profile("sigmoid", "lecun_normal", 4.0),
        "scaled tanh, LeCun x1": offset_profile("scaled_tanh", "lecun_normal", 1.0),
    }
    return {"accuracy": accuracy, "facts": activation_facts(), "offsets": offsets}


def format_sigmoid_gain(g: dict) -> str:
    """The tables notebook 06 prints from :func:`sigmoid_gain`."""
    lines = ["activation     f(0)    f'(0)   f(1)"]
    for name in ("sigmoid", "tanh", "scaled_tanh"):
        f = g["facts"][name]
        lines.append(f"{name:<12} {f['f0']:>6.4f}  {f['slope0']:>6.4f}  {f['f1']:>6.4f}")
    lines += ["", "moons, 2-32-32-32-1, train accuracy per seed"]
    for label, acc in g["accuracy"].items():
        lines.append(f"  {label:<24} " + "  ".join(f"{a:.1%}" for a in acc))
    lines += ["", "5 layers of 256: offset (same for every input) / input-dependent part of z"]
    for label, o in g["offsets"].items():
        ratio = o["offset"] / o["varying"]
        lines.append(
            f"  {label:<24} layer 2: {ratio[1]:.2f}  layer 5: {ratio[-1]:.2f}  "
            f"saturated {o['saturated']:.1%}"
        )
    return "\n".join(lines)
