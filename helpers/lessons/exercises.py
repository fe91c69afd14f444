"""The truths behind three exercises: the leaky-ReLU gain (04), the first update of a constant
start (02) and the number of restarts for a target success rate (06). The notebooks print none
of these before their exercise; :mod:`helpers.checks.exercises` compares a student's answer with
them.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import math

from .. import _validate
from ..mlp import MLP
from .symmetry import make_unbalanced


def leaky_variance_gain(a: float) -> float:
    """The variance gain of a leaky ReLU with negative slope ``a``: ``2 / (1 + a^2)``.

    For symmetric z, ``E[f(z)^2] = (1 + a^2) / 2 * Var(z)`` (the positive half passes, the
    negative half is scaled by ``a``), so weights with ``Var(w) = 2 / ((1 + a^2) fan_in)`` keep the
    second moment: the square of PyTorch's ``calculate_gain("leaky_relu", a)``.
    """
    a = _validate.real(a, "a (negative slope)")
    return 2.0 / (1.0 + a * a)


def constant_first_update(*, activation: str = "sigmoid", value: float = 0.5, lr: float = 1.0):
    """``W1`` after one full-batch step minus ``W1`` before, shape (2, 8), for a ``2-8-1`` network
    whose weights all start at ``value`` (biases 0) on the unbalanced circles of notebook 02."""
    X, y = make_unbalanced("circles", 120, 60, seed=0)
    model = MLP([2, 8, 1], activation=activation, init="constant", scale=value)
    before = model.weights[0].copy()
    model.step(model.backward(model.forward(X)[1], y), lr)
    return model.weights[0] - before


def restarts_for(stuck_rate: float, target: float = 0.99) -> int:
    """Fewest independent restarts ``k`` with ``1 - stuck_rate^k >= target``: the chance that at
    least one of ``k`` runs succeeds, when each gets stuck with probability ``stuck_rate``."""
    q = _validate.real(stuck_rate, "stuck_rate", minimum=0.0)
    target = _validate.real(target, "target", positive=True)
    if not q < 1.0 or not target < 1.0:
        raise ValueError(f"need 0 <= stuck_rate < 1 and 0 < target < 1; got {q}, {target}")
    if q == 0.0:
        return 1
    k = max(1, math.ceil(math.log(1.0 - target) / math.log(q) - 1e-12))
    while 1.0 - q**k < target:  # guard the rounding of the logarithms
        k += 1
    return k


__all__ = ["constant_first_update", "leaky_variance_gain", "restarts_for"]
