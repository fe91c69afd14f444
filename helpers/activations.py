"""Activation functions, their derivatives, and losses computed stably from logits.

Every function takes and returns float64 arrays of any shape and is quiet (no overflow, no
divide-by-zero warnings) for any finite input, including |z| of 1e300.

Derivatives are written as functions of the pre-activation ``z`` (``f'(z)``), which is what
backpropagation multiplies by: ``dZ = dA * f'(Z)``.
"""

from __future__ import annotations

import math

import numpy as np

from . import _targets, _validate

LEAKY_SLOPE = 0.01
"""Negative slope of ``leaky_relu`` (PyTorch's and Keras's default)."""

LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0
"""LeCun's scaled tanh ``A tanh(B z)`` (Efficient BackProp, 1998, section 4.4): chosen so that
f(+-1) = +-1, its slope at 0 is ``A B = 1.144`` and its output variance is near 1 for
unit-variance inputs."""


def _as_z(z, what: str = "z") -> np.ndarray:
    """``z`` as float64; a float array passes straight through, anything else is checked (no
    string of digits, no complex number is converted)."""
    if isinstance(z, np.ndarray) and z.dtype.kind == "f":
        return np.asarray(z, dtype=np.float64)
    return _validate.numeric_array(z, what)


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), computed without overflow for any finite z."""
    z = _as_z(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)); at most 0.25, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (numpy's is already stable)."""
    return np.tanh(_as_z(z))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2; at most 1, at z = 0."""
    t = np.tanh(_as_z(z))
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
    return np.maximum(_as_z(z), 0.0)


def relu_prime(z):
    """1 where z > 0, else 0 (the subgradient at the kink z = 0 is taken as 0, as PyTorch does)."""
    return (_as_z(z) > 0).astype(np.float64)


def leaky_relu(z):
    """z where z > 0, else 0.01 z."""
    z = _as_z(z)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z):
    """1 where z > 0, else 0.01."""
    z = _as_z(z)
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def linear(z):
    """The identity: a layer with this activation is purely linear."""
    return _as_z(z)


def linear_prime(z):
    """1 everywhere."""
    return np.ones_like(_as_z(z))


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
    z = _as_z(z)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _paired(a, b, what_a: str, what_b: str) -> tuple[np.ndarray, np.ndarray]:
    """Two finite arrays with one entry per sample each, flattened to ``(n,)``.

    The rule of :meth:`helpers.mlp.MLP.loss` for a one-unit output: ``(n,)`` and ``(n, 1)`` are the
    same ``n`` samples, in any combination. Any other pair of different shapes is refused
    (numpy would broadcast ``(n, 1)`` against ``(n,)`` to an ``(n, n)`` table and average that).
    """
    a = _validate.finite(_as_z(a, what_a), what_a)
    b = _validate.finite(_validate.numeric_array(b, what_b), what_b)
    column = {a.shape, b.shape} == {(a.shape[0], 1), (a.shape[0],)} if a.ndim else False
    if a.shape != b.shape and not column:
        raise ValueError(
            f"{what_a} of shape {a.shape} and {what_b} of shape {b.shape} do not match: give one "
            f"label per logit, shapes (n,) or (n, 1) for both (they would broadcast silently)"
        )
    if a.size == 0:
        raise ValueError(f"{what_a} must hold at least one sample; got shape {a.shape}")
    return a.ravel(), b.ravel()


def _in_unit_interval(y: np.ndarray, what: str) -> None:
    outside = np.flatnonzero((y < 0) | (y > 1))
    if outside.size:
        i = int(outside[0])
        raise ValueError(
            f"{what} must be labels 0/1 or probabilities in [0, 1]; got {y[i]:g} at index {i}"
        )


def bce_with_logits(logits, y) -> float:
    """Mean binary cross-entropy of labels ``y`` in [0, 1] given logits ``z``.

    -[y log sigma(z) + (1 - y) log(1 - sigma(z))] = softplus(z) - y z, which is finite for any
    finite z: the naive form log(sigma(z)) gives log(0) = -inf once sigma(z) rounds to 0 or 1
    (|z| > 37 in float64).

    ``logits`` and ``y`` have the same shape, or are ``(n,)`` and ``(n, 1)`` (one sample per row,
    as :meth:`helpers.mlp.MLP.loss` reads a one-unit output); other shapes, labels outside [0, 1]
    and non-finite values raise ``ValueError`` naming them.
    """
    z, t = _paired(logits, y, "logits", "y")
    _in_unit_interval(t, "y")
    return _bce(z, t)


def _bce(z: np.ndarray, t: np.ndarray) -> float:
    """:func:`bce_with_logits` of checked arrays of one shape (what ``MLP`` calls)."""
    terms = softplus(z)
    terms -= t * z
    return float(np.add.reduce(terms, axis=None) / terms.size)  # np.mean's own sum, bit for bit


def bce_naive(probabilities, y) -> float:
    """The textbook formula on probabilities, -mean(y log p + (1-y) log(1-p)).

    Shown in the notebooks to explain the infinite loss a naive implementation reports when
    sigma(z) rounds to exactly 0 or 1; returns ``inf`` there (quietly) instead of warning.
    Shapes and values are checked as in :func:`bce_with_logits` (``p`` in [0, 1] too).
    """
    p, y = _paired(probabilities, y, "probabilities", "y")
    _in_unit_interval(p, "probabilities")
    _in_unit_interval(y, "y")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = y * np.log(p) + (1.0 - y) * np.log1p(-p)
        terms = np.where((y == 0) & (p == 0), 0.0, terms)
        terms = np.where((y == 1) & (p == 1), 0.0, terms)
    return float(-np.mean(terms))


def log_softmax(logits):
    """Row-wise log softmax, stable: z - max(z) - log(sum(exp(z - max(z)))).

    ``logits`` has shape ``(n, k)``: one row per sample, one column per class."""
    z = _as_z(logits, "logits")
    if z.ndim != 2 or z.shape[1] == 0:
        raise ValueError(f"logits must be 2-D (n_samples, n_classes); got shape {z.shape}")
    shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax(logits):
    """Row-wise softmax, stable."""
    return np.exp(log_softmax(logits))


def cross_entropy_with_logits(logits, labels) -> float:
    """Mean categorical cross-entropy for integer labels, from logits of shape (n, k).

    ``labels`` has shape ``(n,)`` with whole numbers 0..k-1 (as :meth:`helpers.mlp.MLP.loss`
    wants them): a negative label, one of k or more, 1.5, NaN or a one-hot matrix raises
    ``ValueError`` naming it (numpy indexing would wrap -1 to the last class)."""
    z = _validate.finite(_as_z(logits, "logits"), "logits")
    if z.ndim != 2 or z.shape[0] == 0 or z.shape[1] == 0:
        raise ValueError(f"logits must be 2-D (n_samples, n_classes); got shape {z.shape}")
    n, k = z.shape
    arr = _validate.finite(_validate.numeric_array(labels, "labels"), "labels")
    if arr.shape != (n,):
        raise ValueError(
            f"labels must hold one integer class per row of the logits, shape ({n},); "
            f"got shape {arr.shape}"
        )
    t = _targets.class_labels(arr, k, n, f"logits with {k} classes")
    return _cross_entropy(z, t)


def _cross_entropy(z: np.ndarray, t: np.ndarray) -> float:
    """:func:`cross_entropy_with_logits` of checked logits and ``intp`` labels."""
    logp = log_softmax(z)
    return float(-np.mean(logp[np.arange(logp.shape[0]), t]))
