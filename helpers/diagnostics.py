"""Per-layer statistics of a network: how big the signals are, how many units are saturated or
dead, whether hidden units are still identical, and how large the gradients are.

All functions are quiet for any finite input: norms and standard deviations are computed with a
rescaling that cannot overflow, even for activations of 1e200 (deep ReLU nets with large weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _validate, activations


def _rescaled(x, statistic) -> float:
    """``statistic`` of all entries of ``x``, computed on ``x / max|x|`` and scaled back.

    The statistics below are all homogeneous (f(c x) = c f(x) for c > 0), so dividing by the
    largest magnitude first changes nothing but keeps squares and sums from overflowing even for
    entries of 1e200. Empty or all-zero input gives 0.0; non-finite input gives a non-finite result.
    """
    x = np.asarray(x, dtype=np.float64)
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
    Z = np.asarray(Z, dtype=np.float64)
    if activation not in activations.SATURATION_Z or Z.size == 0:
        return 0.0
    return float(np.mean(np.abs(Z) > activations.SATURATION_Z[activation]))


def saturated_fraction_theory(z_std: float, activation: str) -> float:
    """Expected saturated fraction for Gaussian pre-activations z ~ N(0, z_std^2).

    P(|z| > t) = erfc(t / (z_std * sqrt(2))), with ``t = SATURATION_Z[activation]``.
    """
    activation = activations.check_activation(activation)
    z_std = _validate.real(z_std, "z_std", minimum=0.0)
    if activation not in activations.SATURATION_Z:
        return 0.0
    if z_std == 0:
        return 0.0
    return math.erfc(activations.SATURATION_Z[activation] / (z_std * math.sqrt(2.0)))


def dead_fraction(Z) -> float:
    """Fraction of units (columns of ``Z``, shape (n, units)) with ``z <= 0`` for every sample.

    For ReLU such a unit outputs 0 and passes back no gradient on the whole dataset: it is dead.
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2:
        raise ValueError(f"Z must be 2-D (n_samples, units); got shape {Z.shape}")
    return float(np.mean(np.all(Z <= 0, axis=0)))


def inactive_fraction(Z) -> float:
    """Fraction of all entries with ``z <= 0`` (where ReLU's slope is zero)."""
    Z = np.asarray(Z, dtype=np.float64)
    return float(np.mean(Z <= 0)) if Z.size else 0.0


def unit_spread(W) -> float:
    """Largest Euclidean distance between two units' incoming weight vectors (columns of ``W``).

    Exactly 0.0 when every column is identical (the units are symmetric), which is checked with
    exact equality, so no rounding can turn symmetry into a tiny non-zero spread.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (fan_in, fan_out); got shape {W.shape}")
    if W.shape[1] < 2 or np.all(W == W[:, :1]):
        return 0.0
    C = W - W.mean(axis=1, keepdims=True)  # distances are unchanged; cancellation is smaller
    m = float(np.max(np.abs(C)))
    C = C / m
    sq = np.sum(C * C, axis=0)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (C.T @ C)
    return m * math.sqrt(max(float(np.max(d2)), 0.0))


def distinct_units(A, *, tol: float = 0.0) -> int:
    """Number of distinct hidden units, judged by their outputs ``A`` (n, units) on a dataset.

    Two units are the same when their outputs differ by at most ``tol`` on every sample
    (``tol=0``: bit-identical). Units are grouped greedily around the first unit of each group.
    """
    A = np.asarray(A, dtype=np.float64)
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
    _, cache = model.forward(X)
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
    _, cache = model.forward(X)
    return np.array([std(A) for A in cache.post[1:]])


def backward_std(model, X, y=None, *, seed: int = 0) -> np.ndarray:
    """Std of the gradient reaching each layer's outputs, ``dA_0..dA_{L-1}``: shape (L,).

    Without ``y`` a unit-variance random signal (seeded) is sent back from the output's logits,
    which isolates what the layers do to a gradient from what the loss does.
    """
    _, cache = model.forward(X)
    if y is None:
        up = np.random.default_rng(seed).normal(size=cache.logits.shape)
        grads = model.backward_from_delta(cache, up)
    else:
        grads = model.backward(cache, y)
    return np.array([std(g) for g in grads.dA[:-1]])
