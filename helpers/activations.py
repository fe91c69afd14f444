"""Activation functions, their derivatives, and losses computed stably from logits.

Every function takes and returns float64 arrays of any shape and is quiet (no overflow, no
divide-by-zero warnings) for any finite input, including |z| of 1e300.

Derivatives are written as functions of the pre-activation ``z`` (``f'(z)``), which is what
backpropagation multiplies by: ``dZ = dA * f'(Z)``.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate

LEAKY_SLOPE = 0.01
"""Negative slope of ``leaky_relu`` (PyTorch's and Keras's default)."""

LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0
"""LeCun's scaled tanh ``A tanh(B z)`` (Efficient BackProp, 1998, section 4.4): chosen so that
f(+-1) = +-1, its slope at 0 is ``A B = 1.144`` and its output variance is near 1 for
unit-variance inputs."""


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), computed without overflow for any finite z."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)); at most 0.25, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (numpy's is already stable)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2; at most 1, at z = 0."""
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return 1.0 - t * t


def scaled_tanh(z):
    """LeCun's scaled tanh, 1.7159 tanh(2z/3); f(1) = 1.0000 to 4 digits."""
    return LECUN_A * np.tanh(LECUN_B * np.asarray(z, dtype=np.float64))


def scaled_tanh_prime(z):
    """A B (1 - tanh(B z)^2), at most A B = 1.1439 at z = 0."""
    t = np.tanh(LECUN_B * np.asarray(z, dtype=np.float64))
    return LECUN_A * LECUN_B * (1.0 - t * t)


def relu(z):
    """max(0, z)."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_prime(z):
    """1 where z > 0, else 0 (the subgradient at the kink z = 0 is taken as 0, as PyTorch does)."""
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


def leaky_relu(z):
    """z where z > 0, else 0.01 z."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z):
    """1 where z > 0, else 0.01."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def linear(z):
    """The identity: a layer with this activation is purely linear."""
    return np.asarray(z, dtype=np.float64)


def linear_prime(z):
    """1 everywhere."""
    return np.ones_like(np.asarray(z, dtype=np.float64))


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "linear": (linear, linear_prime),
    "scaled_tanh": (scaled_tanh, scaled_tanh_prime),
}
"""name -> (f, f') for every hidden activation."""

MAX_SLOPE = {
    "sigmoid": 0.25,
    "tanh": 1.0,
    "relu": 1.0,
    "leaky_relu": 1.0,
    "linear": 1.0,
    "scaled_tanh": LECUN_A * LECUN_B,
}
"""The largest value of f'(z) for each activation."""

OUTPUT_BOUND = {"sigmoid": 1.0, "tanh": 1.0, "scaled_tanh": LECUN_A}
"""``max |f(z)|`` of the bounded activations (the others are bounded by ``|z|``)."""

SATURATION_Z = {
    # |z| beyond which f'(z) is below a tenth of its peak (the unit passes back < 10% of the
    # gradient it could): sigmoid sigma'(z) < 0.025 <=> |z| > 3.64 (output < 0.026 or > 0.974);
    # tanh 1 - tanh(z)^2 < 0.1 <=> |z| > 1.82 (|output| > 0.949).
    "sigmoid": 2.0 * math.atanh(math.sqrt(0.9)),
    "tanh": math.atanh(math.sqrt(0.9)),
    "scaled_tanh": math.atanh(math.sqrt(0.9)) / LECUN_B,
}
"""Pre-activation threshold above which a sigmoid or tanh unit counts as saturated."""


def check_activation(name) -> str:
    """Return ``name`` if it is a known activation, else raise a ValueError listing them."""
    return _validate.choice(name, ACTIVATIONS, "activation")


def activate(name: str, z):
    """Apply the named activation."""
    return ACTIVATIONS[check_activation(name)][0](z)


def derivative(name: str, z):
    """The named activation's derivative f'(z), evaluated at the pre-activation z."""
    return ACTIVATIONS[check_activation(name)][1](z)


# ----------------------------------------------------------------------------------------------
# Losses: always from logits, so that no log(0) or exp overflow can occur.


def softplus(z):
    """log(1 + exp(z)), stably: max(z, 0) + log1p(exp(-|z|))."""
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def bce_with_logits(logits, y) -> float:
    """Mean binary cross-entropy of labels ``y`` in [0, 1] given logits ``z``.

    -[y log sigma(z) + (1 - y) log(1 - sigma(z))] = softplus(z) - y z, which is finite for any
    finite z: the naive form log(sigma(z)) gives log(0) = -inf once sigma(z) rounds to 0 or 1
    (|z| > 37 in float64).
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(softplus(z) - y * z))


def bce_naive(probabilities, y) -> float:
    """The textbook formula on probabilities, -mean(y log p + (1-y) log(1-p)).

    Shown in the notebooks to explain the infinite loss a naive implementation reports when
    sigma(z) rounds to exactly 0 or 1; returns ``inf`` there (quietly) instead of warning.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = y * np.log(p) + (1.0 - y) * np.log1p(-p)
        terms = np.where((y == 0) & (p == 0), 0.0, terms)
        terms = np.where((y == 1) & (p == 1), 0.0, terms)
    return float(-np.mean(terms))


def log_softmax(logits):
    """Row-wise log softmax, stable: z - max(z) - log(sum(exp(z - max(z))))."""
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax(logits):
    """Row-wise softmax, stable."""
    return np.exp(log_softmax(logits))


def cross_entropy_with_logits(logits, labels) -> float:
    """Mean categorical cross-entropy for integer labels, from logits of shape (n, k)."""
    logp = log_softmax(logits)
    labels = np.asarray(labels, dtype=np.intp)
    return float(-np.mean(logp[np.arange(logp.shape[0]), labels]))
