"""The simple theory of a residual stream at initialisation (notebook 08, the residual explorer).

Reached as ``helpers.theory.residual_stream`` like every theory line of the course; it lives in
its own module because it needs :func:`helpers.residual.branch_factors` (the scaling rules of
the residual settings: one source), from a module above the theory in the layering.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _validate
from . import init as schemes
from .theory import gaussian_moments


class StreamTheory(NamedTuple):
    """Mean-field sizes of a residual stream at initialisation (index k = after block k).

    Attributes
    ----------
    rms : ndarray, shape (N + 1,)
        Root mean square of ``H_0 .. H_N`` (``rms[0]`` is the given input RMS).
    grad_rms : ndarray, shape (N + 1,)
        Root mean square of ``dLoss/dH_0 .. dLoss/dH_N``, relative to ``dLoss/dH_N`` (= 1).
    """

    rms: np.ndarray
    grad_rms: np.ndarray


def residual_stream(n_blocks, activation, width, *, hidden=None, scheme="he_normal", scale=1.0,
                    residual_scaling="none", norm=None, input_rms=1.0) -> StreamTheory:  # fmt: skip
    """What the simple theory predicts for :class:`helpers.residual.ResidualMLP`'s stream.

    A branch ``V = f(U) @ W2``, ``U = B @ W1`` with independent zero-mean weights (stds from
    ``scheme`` and ``scale`` times :func:`helpers.residual.branch_factors`) adds to the stream
    a term uncorrelated with it, so variances add: ``rms_k^2 = rms_{k-1}^2 + alpha^2 v_k`` with
    ``v_k = hidden * s2^2 * E[f(u)^2]``, ``u ~ N(0, width * s1^2 * E[B^2])``. With a norm the
    branch input ``B`` has ``E[B^2] = 1`` and ``v_k`` is the same in every block: the variance
    grows *linearly* with depth. Without, ``B = H_{k-1}``: for ReLU ``v_k`` is proportional to
    ``rms_{k-1}^2`` and the variance grows *geometrically*. Backwards, each block adds the
    branch's path to the gradient: ``g_{k-1}^2 = g_k^2 (1 + alpha^2 c_k)``, ``c_k = width
    s2^2 * E[f'(u)^2] * hidden * s1^2``, divided by ``rms_{k-1}^2`` with a norm (whose
    Jacobian is about ``1 / std`` of its input). Exact in expectation for wide layers; one
    network fluctuates around it.
    """
    from . import residual  # a model module, above theory in the layering

    N = _validate.positive_int(n_blocks, "n_blocks")
    width = _validate.positive_int(width, "width")
    hidden = width if hidden is None else _validate.positive_int(hidden, "hidden")
    f1, f2, alpha = residual.branch_factors(residual_scaling, N)
    s1 = schemes.std(scheme, width, hidden, scale=scale) * f1
    s2 = schemes.std(scheme, hidden, width, scale=scale) * f2
    rms = [_validate.real(input_rms, "input_rms", minimum=0.0)]
    gain = []
    for _ in range(N):
        b = 1.0 if norm is not None else rms[-1]
        _, f_rms, slope = gaussian_moments(activation, math.sqrt(width) * s1 * b)
        rms.append(math.hypot(rms[-1], alpha * math.sqrt(hidden) * s2 * f_rms))
        c = (alpha * s2 * s1 * slope) ** 2 * width * hidden
        gain.append(c / rms[-2] ** 2 if norm is not None and rms[-2] > 0 else c)
    grad = [1.0]
    for c in reversed(gain):
        grad.append(grad[-1] * math.sqrt(1.0 + c))
    return StreamTheory(np.array(rms), np.array(grad[::-1]))
