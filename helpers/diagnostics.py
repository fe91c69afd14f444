"""Per-layer statistics of a network: how big the signals are, how many units are saturated or
dead, whether hidden units are still identical, and how large the gradients are.

All functions are quiet for any finite input: norms and standard deviations are computed with a
rescaling that cannot overflow, even for activations of 1e200 (deep ReLU nets with large weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _validate, activations
from ._structs import check_model
from .theory import saturated_fraction as saturated_fraction_theory  # noqa: F401  (re-export)


def _rescaled(x, statistic) -> float:
    """``statistic`` of all entries of ``x``, computed on ``x / max|x|`` and scaled back.

    The statistics below are all homogeneous (f(c x) = c f(x) for c > 0), so dividing by the
    largest magnitude first changes nothing but keeps squares and sums from overflowing even for
    entries of 1e200. Empty or all-zero input gives 0.0; non-finite input gives a non-finite result.
    """
    x = _validate.numeric_array(x, "x")
    if x.size == 0:
        return 0.0
    m = float(np.max(np.abs(x)))
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(statistic(x / m))


def rms(x) -> float:
    """Root mean square of all entries, without overflow: max|x| * sqrt(mean((x / max|x|)^2))."""
    return _rescaled(x, lambda u: math.sqrt(float(np.mean(u * u))))


def mean(x) -> float:
    """Mean of all entries, without overflow in the sum."""
    return _rescaled(x, np.mean)


def norm(x) -> float:
    """Euclidean (Frobenius) norm of all entries, without overflow."""
    return rms(x) * math.sqrt(np.asarray(x).size)


def std(x) -> float:
    """Standard deviation of all entries (about their mean), without overflow."""
    return _rescaled(x, np.std)


def saturated_fraction(Z, activation: str) -> float:
    """Fraction of pre-activations in the flat tails of a sigmoid or tanh.

    A unit counts as saturated where ``f'(z)`` is below a tenth of its peak, i.e.
    ``|z| > activations.SATURATION_Z[activation]`` (3.64 for sigmoid, 1.82 for tanh).
    ReLU, leaky ReLU and linear units do not saturate in this sense: 0.0 (see
    :func:`dead_fraction`).
    """
    activation = activations.check_activation(activation)
    Z = _validate.numeric_array(Z, "Z")
    if activation not in activations.SATURATION_Z or Z.size == 0:
        return 0.0
    return float(np.mean(np.abs(Z) > activations.SATURATION_Z[activation]))


def dead_fraction(Z) -> float:
    """Fraction of units (columns of ``Z``, shape (n, units)) with ``z <= 0`` for every sample.

    For ReLU such a unit outputs 0 and passes back no gradient on the whole dataset: it is dead.
    """
    Z = _validate.numeric_array(Z, "Z")
    if Z.ndim != 2:
        raise ValueError(f"Z must be 2-D (n_samples, units); got shape {Z.shape}")
    return float(np.mean(np.all(Z <= 0, axis=0)))


def inactive_fraction(Z) -> float:
    """Fraction of all entries with ``z <= 0`` (where ReLU's slope is zero)."""
    Z = _validate.numeric_array(Z, "Z")
    return float(np.mean(Z <= 0)) if Z.size else 0.0


def unit_spread(W) -> float:
    """Largest Euclidean distance between two units' incoming weight vectors (columns of ``W``).

    Exactly 0.0 when every column is identical (the units are symmetric), which is checked with
    exact equality, so no rounding can turn symmetry into a tiny non-zero spread. A small layer
    (at most 65,536 entries of ``fan_in x units x units``) takes every pair's difference itself;
    a larger one its Gram matrix, which needs no memory for all pairs at once.
    """
    W = _validate.numeric_array(W, "W")
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (fan_in, fan_out); got shape {W.shape}")
    if W.shape[1] < 2:
        return 0.0
    if W.shape[0] * W.shape[1] ** 2 <= _PAIRWISE:
        # (ufuncs' own reduce: this runs at every step of a training run that records it)
        D = np.subtract(W[:, :, None], W[:, None, :])  # every pair's difference: 0.0 if equal
        m = float(np.maximum.reduce(np.abs(D), axis=None))
        if m == 0.0:
            return 0.0
        np.divide(D, m, out=D)  # scaled: the squares neither overflow nor underflow
        d2 = np.add.reduce(np.multiply(D, D, out=D), axis=0)
        return m * math.sqrt(float(np.maximum.reduce(d2, axis=None)))
    if np.all(W == W[:, :1]):
        return 0.0
    C = W - W.mean(axis=1, keepdims=True)  # distances are unchanged; cancellation is smaller
    m = float(np.max(np.abs(C)))
    C = C / m
    sq = np.sum(C * C, axis=0)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (C.T @ C)
    return m * math.sqrt(max(float(np.max(d2)), 0.0))


_PAIRWISE = 1 << 16
"""Largest ``fan_in x units x units`` for which :func:`unit_spread` takes every pair's
difference (512 KiB of float64)."""


def distinct_units(A, *, tol: float = 0.0) -> int:
    """Number of distinct hidden units, judged by their outputs ``A`` (n, units) on a dataset.

    Two units are the same when their outputs differ by at most ``tol`` on every sample
    (``tol=0``: bit-identical). Units are grouped greedily around the first unit of each group.
    """
    A = _validate.numeric_array(A, "A")
    if A.ndim != 2:
        raise ValueError(f"A must be 2-D (n_samples, units); got shape {A.shape}")
    tol = _validate.real(tol, "tol", minimum=0.0)
    remaining = list(range(A.shape[1]))
    groups = 0
    while remaining:
        ref = A[:, remaining[0]]
        same = [j for j in remaining if np.max(np.abs(A[:, j] - ref)) <= tol]
        remaining = [j for j in remaining if j not in same]
        groups += 1
    return groups


@dataclass
class LayerStats:
    """One line of the per-layer table (layer ``l`` = 1..L)."""

    layer: int
    fan_in: int
    fan_out: int
    activation: str
    z_std: float
    a_mean: float
    a_std: float
    saturated: float
    dead: float
    grad_std: float | None = None
    dW_norm: float | None = None
    spread: float | None = None


def layer_stats(model, X, y=None, *, upstream=None) -> list[LayerStats]:
    """Per-layer statistics of ``model`` on ``X``: one :class:`LayerStats` per layer.

    With ``y`` the gradients of the loss are included; with ``upstream`` (an array shaped like
    the output, or ``"random"`` for N(0, 1) noise drawn with a fixed seed) that signal is sent
    backwards instead, to study the backward pass on its own. ``grad_std`` is the std of
    ``dLoss/dA_l`` (the gradient reaching the layer's outputs; for the output layer, of the
    logits' gradient).
    """
    _, cache = check_model(model).forward(X)
    grads = None
    if y is not None:
        grads = model.backward(cache, y)
    elif upstream is not None:
        if isinstance(upstream, str):
            if upstream != "random":
                raise ValueError(f"upstream must be an array or 'random'; got {upstream!r}")
            upstream = np.random.default_rng(0).normal(size=cache.logits.shape)
        grads = model.backward_from_delta(cache, upstream)
    rows = []
    for l in range(1, model.n_layers + 1):
        act = model.layer_activation(l)
        Z, A = cache.pre[l], cache.post[l]
        hidden = l < model.n_layers
        g = None
        if grads is not None:
            g = std(grads.dA[l]) if hidden else std(grads.delta[l])
        rows.append(
            LayerStats(
                layer=l,
                fan_in=model.sizes[l - 1],
                fan_out=model.sizes[l],
                activation=act,
                z_std=std(Z),
                a_mean=mean(A),
                a_std=std(A),
                saturated=saturated_fraction(Z, act),
                dead=dead_fraction(Z) if act == "relu" else 0.0,
                grad_std=g,
                dW_norm=None if grads is None else norm(grads.dW[l - 1]),
                spread=unit_spread(model.weights[l - 1]) if hidden else None,
            )
        )
    return rows


def format_layer_table(rows: list[LayerStats]) -> str:
    """One line per layer, like Karpathy's makemore diagnostics: fit for ``print``."""
    head = (
        f"{'layer':>5} {'shape':>11} {'act':>10} {'std(Z)':>9} {'std(A)':>9} "
        f"{'satur.':>7} {'dead':>6}"
    )
    with_grads = any(r.grad_std is not None for r in rows)
    if with_grads:
        head += f" {'std(dA)':>9} {'|dW|':>9}"
    lines = [head]
    for r in rows:
        line = (
            f"{r.layer:>5} {f'{r.fan_in}x{r.fan_out}':>11} {r.activation:>10} "
            f"{r.z_std:9.3g} {r.a_std:9.3g} {r.saturated:7.1%} {r.dead:6.1%}"
        )
        if with_grads:
            line += f" {r.grad_std:9.3g} {r.dW_norm:9.3g}"
        lines.append(line)
    return "\n".join(lines)


def forward_std(model, X) -> np.ndarray:
    """Std of each layer's activations ``A_1..A_L`` on ``X``: shape (L,)."""
    _, cache = check_model(model).forward(X)
    return np.array([std(A) for A in cache.post[1:]])


class SignalFlow(NamedTuple):
    """The signals of one forward and one backward pass (see :func:`signal_flow`).

    Attributes
    ----------
    pre, post : list of ndarray, length L
        ``Z_l`` and ``A_l = f(Z_l)`` of hidden layer ``l = 1..L`` (index 0 = layer 1), shape
        ``(n, width_l)``.
    grads : list of ndarray, length L
        ``grads[l]`` = dL/dA of hidden layer ``l + 1``, shape ``(n, width_{l+1})``.
    grad_input : ndarray, shape (n, fan_in of the first layer)
        dL/dX, the gradient reaching the inputs.
    """

    pre: list
    post: list
    grads: list
    grad_input: np.ndarray


def _check_flow(weights, X, activation, signal):
    activation = activations.check_activation(activation)
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)):
        raise TypeError(f"weights must be a list of 2-D arrays; got {type(weights).__name__}")
    if len(weights) < 2:
        raise ValueError(
            "weights needs at least one hidden layer and a readout (2 matrices); "
            f"got {len(weights)}"
        )
    X = _validate.matrix(X, "X")
    weights = [_validate.numeric_array(W, f"weights[{i}]") for i, W in enumerate(weights)]
    width = X.shape[1]
    for i, W in enumerate(weights):
        if W.ndim != 2 or W.shape[0] != width:
            what = "X's width" if i == 0 else f"weights[{i - 1}]'s fan_out"
            raise ValueError(
                f"weights[{i}] must have shape ({width}, fan_out) ({what} is {width}); "
                f"got shape {W.shape}"
            )
        width = W.shape[1]
    signal = _validate.numeric_array(signal, "signal")
    if signal.shape != (X.shape[0], width):
        raise ValueError(
            f"signal must have shape {(X.shape[0], width)} (samples, readout fan_out); "
            f"got shape {signal.shape}"
        )
    return weights, X, activation, signal


def signal_flow(weights, X, activation, signal, *, scale=1.0) -> SignalFlow:
    """Forward ``X`` through ``weights`` and send ``signal`` back from the readout.

    The network has zero biases: hidden layer ``l`` computes ``Z_l = scale * (A_{l-1} @ W_l)``
    and ``A_l = f(Z_l)`` (``A_0 = X``), and the readout ``weights[-1]`` is linear. ``signal`` is
    dL/dZ of the readout; backwards, ``dA_{l-1} = scale * ((dA_l * f'(Z_l)) @ W_l.T)``. With
    ``scale = 1`` these are :meth:`helpers.mlp.MLP.forward` and
    :meth:`~helpers.mlp.MLP.backward_from_delta` bit for bit (zero biases); a ``scale`` lets a
    caller reuse weights drawn at scale 1. Neither the readout's output nor any weight gradient
    is computed. Quiet at any scale: values may overflow to inf or nan, without a warning.

    Parameters
    ----------
    weights : list of ndarray
        L + 1 matrices: L hidden layers, then the readout; ``weights[i]`` has shape
        ``(fan_in, fan_out)`` and ``fan_in`` equal to the previous ``fan_out`` (``X``'s width).
    X : array_like, shape (n, weights[0].shape[0])
    activation : str
        The hidden layers' activation.
    signal : array_like, shape (n, weights[-1].shape[1])
    scale : float, default 1.0

    Returns
    -------
    SignalFlow
    """
    weights, X, activation, signal = _check_flow(weights, X, activation, signal)
    scale = _validate.real(scale, "scale", minimum=0.0)
    f, dprime = activations.ACTIVATIONS[activation]

    def times(Z):
        return Z if scale == 1.0 else scale * Z

    pre, post = [], []
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        A = X
        for W in weights[:-1]:
            Z = times(A @ W)
            A = f(Z)
            pre.append(Z)
            post.append(A)
        grads = [None] * len(pre)
        dA = times(signal @ weights[-1].T)
        for l in range(len(pre) - 1, -1, -1):
            grads[l] = dA
            dA = times((dA * dprime(pre[l])) @ weights[l].T)
    return SignalFlow(pre=pre, post=post, grads=grads, grad_input=dA)


def _zero_biases(model) -> bool:
    return all(not np.any(b) for b in model.biases)


def model_signal_flow(model, X, signal) -> SignalFlow:
    """:func:`signal_flow` for an :class:`~helpers.mlp.MLP` (its hidden activation; the output
    activation plays no part, ``signal`` is dL/dZ of its last layer). With non-zero biases the
    model's own forward and backward pass run instead, and give the same fields."""
    if _zero_biases(check_model(model)):
        return signal_flow(model.weights, X, model.activation, signal)
    _, cache = model.forward(X)
    grads = model.backward_from_delta(cache, signal)
    hidden = range(1, model.n_layers)
    return SignalFlow(
        pre=[cache.pre[l] for l in hidden],
        post=[cache.post[l] for l in hidden],
        grads=[grads.dA[l] for l in hidden],
        grad_input=grads.dA[0],
    )


def backward_std(model, X, y=None, *, seed: int = 0) -> np.ndarray:
    """Std of the gradient reaching each layer's outputs, ``dA_0..dA_{L-1}``: shape (L,).

    Without ``y`` a unit-variance random signal (seeded) is sent back from the output's logits
    (:func:`model_signal_flow`), which isolates what the layers do to a gradient from what the
    loss does.
    """
    check_model(model)
    seed = _validate.positive_int(seed, "seed", minimum=0)
    if y is not None:
        _, cache = model.forward(X)
        return np.array([std(g) for g in model.backward(cache, y).dA[:-1]])
    X = _validate.matrix(X, "X", n_cols=model.sizes[0])
    up = np.random.default_rng(seed).normal(size=(X.shape[0], model.sizes[-1]))
    flow = model_signal_flow(model, X, up)
    return np.array([std(flow.grad_input)] + [std(g) for g in flow.grads])
