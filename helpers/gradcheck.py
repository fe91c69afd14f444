"""Numerical gradients by central differences, to check the backward pass (float64).

The bar (as in CS231n's ``gradient_check.py``): a relative error of 1e-7 or better means the
analytic gradients are right; around 1e-2 or worse means a bug.
"""

from __future__ import annotations

import numpy as np

from . import _validate, dropout
from ._structs import check_model

GRADIENT_FLOOR = 1e-3
"""In :func:`check_gradients`, an array's error is relative to its own largest gradient, but
never to less than this fraction of the model's largest gradient: a central difference in
float64 resolves a gradient only to about 1e-11 absolute (rounding, see below), so a gradient
that is 0 or tiny by construction would otherwise fail for no bug. A wrong gradient of any
size above ``1e-7 * GRADIENT_FLOOR`` times the largest still fails."""


def rel_error(a, b) -> float:
    """Relative error of two arrays in the max norm: max|a - b| / max(max|a|, max|b|).

    0.0 when both are all zero. Unlike an entrywise ratio, it is not thrown off by entries that
    are zero up to rounding.
    """
    a = _validate.numeric_array(a, "a")
    b = _validate.numeric_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    den = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    if den == 0.0:
        return 0.0
    return float(np.max(np.abs(a - b))) / den


def numerical_gradient_array(f, x: np.ndarray, dout, *, eps: float = 1e-5) -> np.ndarray:
    """Central-difference estimate of ``sum(dout * f(x))``'s gradient with respect to ``x``.

    ``f`` maps the array ``x`` (nudged in place, entry by entry, and restored exactly) to an
    array of ``dout``'s shape: what a layer's ``*_backward(dout, cache)`` returns for its
    input (CS231n's ``eval_numerical_gradient_array``).
    """
    eps = _validate.real(eps, "eps", positive=True)
    dout = _validate.numeric_array(dout, "dout")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array (nudged in place); got {type(x)}")
    G = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = float(np.sum(np.asarray(f(x)) * dout))
        x[idx] = old - eps
        down = float(np.sum(np.asarray(f(x)) * dout))
        x[idx] = old
        G[idx] = (up - down) / (2.0 * eps)
    return G


def numerical_gradients(model, X, y, *, eps: float = 1e-5, masks=None) -> tuple[list, list]:
    """Central-difference estimates ``(dW, db)`` of the mean loss's gradients (the weights and
    biases only; :func:`numerical_parameter_gradients` has every parameter)."""
    flat = numerical_parameter_gradients(model, X, y, eps=eps, masks=masks)
    L = len(model.weights)
    return flat[0 : 2 * L : 2], flat[1 : 2 * L : 2]


def numerical_parameter_gradients(model, X, y, *, eps: float = 1e-5, masks=None) -> list:
    """Central-difference estimates of the mean loss's gradients, one array per entry of
    ``model.parameters()`` (``[dW_1, db_1, ...]`` for the MLP, then any further parameters).

    Each parameter is nudged by +-eps in turn and restored exactly afterwards. ``masks`` (from
    :func:`helpers.dropout.draw_masks`, plain MLP only) applies dropout with these fixed masks
    to every pass.
    """
    eps = _validate.real(eps, "eps", positive=True)
    _float64_only(model)
    X = _validate.matrix(X, "X", n_cols=model.sizes[0])
    t = model.check_targets(y, X.shape[0])
    if masks is not None:
        masks = dropout.check_masks(model, masks, X.shape[0])

    def loss():
        if masks is None:
            _, cache = model._forward(X)
        else:
            _, cache = dropout.forward(model, X, masks)
        return model._loss(cache, t)

    def estimate(P):
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + eps
            up = loss()
            P[idx] = old - eps
            down = loss()
            P[idx] = old
            G[idx] = (up - down) / (2.0 * eps)
        return G

    return [estimate(P) for P in model.parameters()]


def check_gradients(model, X, y, *, eps: float = 1e-5, masks=None) -> float:
    """Largest relative error (see :func:`rel_error`) between ``model.backward`` and central
    differences, over every parameter array of ``model.parameters()`` (weights, biases, and a
    normalised or residual model's gamma, beta and alpha).

    The check runs on a copy of the model, so a BatchNorm model's running statistics are left
    as they were. A parameter array whose gradients (analytic and numerical) are all below
    :data:`GRADIENT_FLOOR` times the model's largest gradient (a bias in front of a BatchNorm,
    a layer behind a zero-initialised one, a ReZero scalar that has little effect yet) is
    measured against that floor instead of its own size: there a central difference is mostly
    rounding noise, which a relative error would call a failure.

    With ``masks`` (one per hidden layer, from :func:`helpers.dropout.draw_masks`) both sides use
    dropout with these fixed masks: :func:`helpers.dropout.backward` against the differences of
    :func:`helpers.dropout.forward`.

    ``eps = 1e-5`` balances the two errors of a central difference in float64: truncation,
    about eps^2 times the third derivative, and rounding, about 1e-16 * |loss| / eps. (With
    1e-6, rounding already costs about 1e-7 on the small first-layer gradients of a 4-layer
    sigmoid net.) For ReLU nets keep every pre-activation further than ``eps`` from the kink at
    0, or the finite difference straddles it and the check fails for a reason that is not a bug.
    """
    _float64_only(model)
    model = model.copy()
    if masks is None:
        grads = model.backward(model.forward(X)[1], y)
    else:
        grads = dropout.backward(model, dropout.forward(model, X, masks)[1], y)
    analytic = grads.flat()
    numeric = numerical_parameter_gradients(model, X, y, eps=eps, masks=masks)
    top = max(float(np.max(np.abs(a), initial=0.0)) for a in analytic)
    errors = []
    for a, n in zip(analytic, numeric, strict=True):
        big = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(n), initial=0.0)))
        if big < GRADIENT_FLOOR * top:  # rounding-limited: relative to the floor instead
            errors.append(float(np.max(np.abs(a - n), initial=0.0)) / (GRADIENT_FLOOR * top))
        else:
            errors.append(rel_error(a, n))
    return max(errors)


def _float64_only(model) -> None:
    dtype = check_model(model).dtype
    if dtype != np.float64:
        raise ValueError(
            f"gradient checks need a float64 model (central differences in {dtype} are too "
            f"coarse); check model.astype('float64') instead of this {dtype} model"
        )
