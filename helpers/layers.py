"""Layers with a forward/backward contract: ``*_forward(...) -> (out, cache)`` and
``*_backward(dout, cache) -> gradients``, shapes in the docstrings.

Batch normalisation (Ioffe & Szegedy 2015) and layer normalisation (Ba, Kiros & Hinton 2016)
for the rows of ``Z`` (shape ``(n, units)``: ``n`` samples, one column per unit), and inverted
dropout (re-exported from :mod:`helpers.dropout`, where it lives). Both norms compute

    ``x_hat = (Z - mu) / sqrt(var + eps)``,   ``out = gamma * x_hat + beta``

with the *biased* variance (divided by the number of values averaged, as PyTorch's
``batch_norm`` and ``layer_norm`` do when they normalise). BatchNorm averages each unit over
the batch (``mu``, ``var`` shape ``(units,)``); LayerNorm averages each sample over its units
(``mu``, ``var`` shape ``(n, 1)``), so it behaves the same in training and evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .dropout import draw_mask, dropout_backward, dropout_forward

MODES = ("train", "eval")
"""BatchNorm's modes: ``train`` normalises with the batch's statistics (and updates the running
ones), ``eval`` with the running statistics."""

MOMENTUM = 0.1
"""Default weight of the newest batch in the running statistics: PyTorch's convention
(``running = (1 - momentum) * running + momentum * batch``; Keras's ``momentum=0.99`` is the
weight of the *old* value, i.e. 0.01 in this convention)."""


@dataclass
class RunningStats:
    """BatchNorm's running mean and variance of each unit, updated in place in training mode.

    As PyTorch's ``BatchNorm1d``: ``mean`` starts at 0 and ``var`` at 1, and every training-mode
    pass on ``n`` samples sets ``mean <- (1 - momentum) mean + momentum * batch_mean`` and
    ``var <- (1 - momentum) var + momentum * batch_var * n / (n - 1)`` (PyTorch keeps the
    *unbiased* batch variance here, although it normalises with the biased one).

    Attributes
    ----------
    mean, var : ndarray, shape (units,)
    momentum : float
        In [0, 1]; :data:`MOMENTUM` (0.1) by default.
    """

    mean: np.ndarray
    var: np.ndarray
    momentum: float = MOMENTUM

    @classmethod
    def fresh(cls, units: int, momentum: float = MOMENTUM) -> RunningStats:
        """Statistics for ``units`` units before any pass: mean 0, variance 1."""
        units = _validate.positive_int(units, "units")
        momentum = _validate.real(momentum, "momentum", minimum=0.0)
        if momentum > 1.0:
            raise ValueError(f"momentum must be in [0, 1]; got {momentum}")
        return cls(np.zeros(units), np.ones(units), momentum)

    def copy(self) -> RunningStats:
        return RunningStats(self.mean.copy(), self.var.copy(), self.momentum)


def _check(Z, gamma, beta, eps):
    """``Z`` as a finite float array of shape (n, units) and gamma, beta of shape (units,)."""
    Z = _validate.matrix(Z, "Z")
    units = Z.shape[1]
    out = []
    for value, name in ((gamma, "gamma"), (beta, "beta")):
        a = _validate.finite(_validate.numeric_array(value, name), name)
        if a.shape != (units,):
            raise ValueError(f"{name} must have shape ({units},) (one per unit); got {a.shape}")
        out.append(a.astype(Z.dtype, copy=False))
    eps = _validate.real(eps, "eps", positive=True)
    return Z, out[0], out[1], eps


def _normalise(Z, mu, var, gamma, beta, eps, axis):
    inv = 1.0 / np.sqrt(var + eps)
    x_hat = (Z - mu) * inv
    return gamma * x_hat + beta, (x_hat, inv, gamma, axis)


def batchnorm_forward(Z, gamma, beta, *, eps=1e-5, mode="train", running=None):
    """Batch normalisation of each unit (column of ``Z``) over the samples of the batch.

    Parameters
    ----------
    Z : array_like, shape (n, units)
    gamma, beta : array_like, shape (units,)
        Scale and shift after normalising (learnable; usually initialised to 1 and 0).
    eps : float, default 1e-5
        Added to the variance (PyTorch's and Keras's default is 1e-5 and 1e-3).
    mode : {"train", "eval"}
        ``train``: normalise with the batch's mean and biased variance, and update ``running``
        (if given) in place; needs at least 2 samples. ``eval``: normalise with ``running``
        (required), so each sample's output does not depend on the rest of the batch.
    running : RunningStats, optional

    Returns
    -------
    out : ndarray, shape (n, units)
    cache : tuple
        For :func:`batchnorm_backward`.
    """
    Z, gamma, beta, eps = _check(Z, gamma, beta, eps)
    mode = _validate.choice(mode, MODES, "batchnorm mode")
    if running is not None:
        _check_running(running, Z.shape[1])
    if mode == "eval" and running is None:
        raise ValueError("batchnorm in eval mode needs running=RunningStats(...) to use")
    if mode == "train" and Z.shape[0] < 2:
        raise ValueError(
            f"batchnorm in train mode needs at least 2 samples per batch; got {Z.shape[0]}"
        )
    return bn_forward(Z, gamma, beta, eps, mode == "train", running)


def bn_forward(Z, gamma, beta, eps, train, running):
    """:func:`batchnorm_forward` on checked arguments (``train`` True or False), for the models
    that call it on every pass."""
    if not train:
        return _normalise(Z, running.mean, running.var, gamma, beta, eps, None)
    n = Z.shape[0]
    mu = Z.mean(axis=0)
    var = Z.var(axis=0)
    if running is not None:
        m = running.momentum
        running.mean *= 1.0 - m
        running.mean += m * mu
        running.var *= 1.0 - m
        running.var += m * var * (n / (n - 1))
    return _normalise(Z, mu, var, gamma, beta, eps, 0)


def _check_running(running, units):
    if not isinstance(running, RunningStats):
        raise TypeError(f"running must be a RunningStats; got {_validate.short(running)}")
    if running.mean.shape != (units,) or running.var.shape != (units,):
        raise ValueError(
            f"running statistics have shape {running.mean.shape}, the batch has {units} units"
        )


def _norm_backward(dout, cache):
    """``dout`` checked against the cache, then :func:`norm_backward`."""
    x_hat = cache[0]
    dout = _validate.numeric_array(dout, "dout")
    if dout.shape != x_hat.shape:
        raise ValueError(f"dout must have shape {x_hat.shape} (that of out); got {dout.shape}")
    return norm_backward(dout, cache)


def norm_backward(dout, cache):
    """:func:`batchnorm_backward` and :func:`layernorm_backward` on a checked ``dout``.

    With ``m`` values averaged along ``axis`` (samples for BatchNorm, units for LayerNorm):
    ``dZ = inv * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat))``, the means along
    ``axis``, ``dx_hat = gamma * dout``; with fixed statistics (``axis=None``, eval mode)
    simply ``dZ = inv * dx_hat``.
    """
    x_hat, inv, gamma, axis = cache
    dgamma = np.sum(dout * x_hat, axis=-2)  # over the samples (axis 0, or 1 in a stack)
    dbeta = np.sum(dout, axis=-2)
    dx_hat = dout * gamma
    if axis is None:
        return dx_hat * inv, dgamma, dbeta
    m1 = dx_hat.mean(axis=axis, keepdims=True)
    m2 = (dx_hat * x_hat).mean(axis=axis, keepdims=True)
    return inv * (dx_hat - m1 - x_hat * m2), dgamma, dbeta


def batchnorm_backward(dout, cache):
    """Gradients of a :func:`batchnorm_forward` pass.

    Parameters
    ----------
    dout : array_like, shape (n, units)
        Upstream gradient ``dLoss/dout``.
    cache : tuple
        From :func:`batchnorm_forward`.

    Returns
    -------
    dZ : ndarray, shape (n, units)
        In train mode this includes the paths through the batch mean and variance.
    dgamma, dbeta : ndarray, shape (units,)
    """
    return _norm_backward(dout, cache)


def layernorm_forward(Z, gamma, beta, *, eps=1e-5):
    """Layer normalisation of each sample (row of ``Z``) over its units.

    Parameters
    ----------
    Z : array_like, shape (n, units)
    gamma, beta : array_like, shape (units,)
    eps : float, default 1e-5 (PyTorch's ``LayerNorm`` default)

    Returns
    -------
    out : ndarray, shape (n, units)
    cache : tuple
        For :func:`layernorm_backward`.
    """
    Z, gamma, beta, eps = _check(Z, gamma, beta, eps)
    return ln_forward(Z, gamma, beta, eps)


def ln_forward(Z, gamma, beta, eps):
    """:func:`layernorm_forward` on checked arguments."""
    mu = Z.mean(axis=-1, keepdims=True)
    var = Z.var(axis=-1, keepdims=True)
    return _normalise(Z, mu, var, gamma, beta, eps, -1)


def layernorm_backward(dout, cache):
    """Gradients of a :func:`layernorm_forward` pass: ``(dZ (n, units), dgamma (units,),
    dbeta (units,))``, ``dout`` of shape ``(n, units)``."""
    return _norm_backward(dout, cache)


__all__ = [
    "MODES",
    "MOMENTUM",
    "RunningStats",
    "batchnorm_backward",
    "batchnorm_forward",
    "draw_mask",
    "dropout_backward",
    "dropout_forward",
    "layernorm_backward",
    "layernorm_forward",
]
