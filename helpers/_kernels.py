"""The MLP's forward and backward pass, written into reusable arrays.

:class:`Workspace` holds one array per layer for ``Z``, ``A``, ``dZ``, ``dA``, ``dW`` and ``db``,
allocated once per batch shape and dtype and overwritten by every pass that reuses it (numpy's
``out=`` arguments and in-place updates): a training loop then takes no fresh memory from the
operating system each epoch. Without a workspace every pass returns fresh arrays.

Every operation is the one :mod:`helpers.activations` performs, in the same order, so float64
results are bit-identical to ``activations.sigmoid(Z)``, ``tanh``, ``softmax``, ... and to the
textbook formulas in :mod:`helpers.mlp`'s docstrings; any floating dtype (float32) is kept as is.
"""

from __future__ import annotations

import math

import numpy as np

from . import activations
from .activations import LEAKY_SLOPE

_STOCK = dict(activations.ACTIVATIONS)
"""The activations the in-place kernels below implement. An entry of
``activations.ACTIVATIONS`` replaced by other code (a student's own derivative, a test's broken
one) is called as it is instead, with fresh arrays."""


class Workspace:
    """Arrays for one batch shape: ``n`` samples, layer widths ``sizes``, floating ``dtype``.

    ``lead=(S,)`` makes every array a stack of ``S`` (several networks computed at once, see
    :mod:`helpers.batched`): ``Z`` ``(S, n, k)``, ``dW`` ``(S, fan_in, fan_out)``, ``db``
    ``(S, 1, fan_out)``. ``overwrite=True``: the arrays :func:`forward` and :func:`backward`
    need with ``overwrite=True`` (no hidden ``A`` or ``delta`` of their own).
    """

    def __init__(self, n: int, sizes, dtype, lead=(), overwrite=False):
        lead = tuple(lead)
        self.key = (n, tuple(sizes), np.dtype(dtype), lead)
        self.pre = [None] + [np.empty(lead + (n, k), dtype) for k in sizes[1:]]
        self.post = [None] + [np.empty(lead + (n, k), dtype) for k in sizes[1:]]
        self.delta = [np.empty(lead + (n, k), dtype) for k in sizes]
        if overwrite:  # the hidden layers' A and delta live in their Z and dA
            L = len(sizes) - 1
            self.post[1:L] = [None] * (L - 1)
            self.delta[:L] = [None] * L
        self.dA = [np.empty(lead + (n, k), dtype) for k in sizes[:-1]] + [None]
        self.dW = [np.empty(lead + (a, b), dtype) for a, b in zip(sizes[:-1], sizes[1:])]
        self.db = [np.empty(lead + ((1, k) if lead else (k,)), dtype) for k in sizes[1:]]
        size = math.prod(lead + (n, max(sizes)))
        self._tmp = np.empty(size, dtype)
        self._mask = np.empty(size, bool)

    def tmp(self, shape) -> np.ndarray:
        """A scratch array of ``shape`` (a view of one buffer: valid until the next call)."""
        return self._tmp[: math.prod(shape)].reshape(shape)

    def mask(self, shape) -> np.ndarray:
        return self._mask[: math.prod(shape)].reshape(shape)


def _new(shape, dtype, ws, kind, l):
    return np.empty(shape, dtype) if ws is None else getattr(ws, kind)[l]


def stock(name: str) -> bool:
    """True if activation ``name`` is the package's own (not replaced in ``ACTIVATIONS``)."""
    return activations.ACTIVATIONS[name] is _STOCK[name]


_FROM_OUTPUT = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
"""Activations whose derivative :func:`dprime_times` computes from ``A = f(Z)`` alone (the
(leaky) ReLU's mask ``A > 0`` is ``Z > 0``)."""


def can_overwrite(name: str) -> bool:
    """True if :func:`forward` may write ``A`` over ``Z`` for activation ``name``: a stock
    activation whose derivative needs only ``A``."""
    return stock(name) and name in _FROM_OUTPUT


def activate(name: str, Z, out, ws=None):
    """``out = f(Z)`` for the hidden activation ``name``; ``out`` may be ``Z`` itself (in place)
    for the stock activations."""
    if not stock(name):
        np.copyto(out, activations.ACTIVATIONS[name][0](Z), casting="same_kind")
        return out
    if name == "sigmoid":
        return sigmoid(Z, out, ws)
    if name == "tanh":
        return np.tanh(Z, out=out)
    if name == "scaled_tanh":  # A tanh(B z), as activations.scaled_tanh computes it
        np.multiply(Z, activations.LECUN_B, out=out)
        np.tanh(out, out=out)
        return np.multiply(out, activations.LECUN_A, out=out)
    if name == "relu":
        return np.maximum(Z, 0.0, out=out)
    if name == "linear":
        np.copyto(out, Z)
        return out
    # leaky_relu: where(z > 0, z, 0.01 z)
    low = np.less_equal(Z, 0, out=_scratch_mask(Z, ws))
    if out is not Z:
        np.copyto(out, Z)
    return np.multiply(out, LEAKY_SLOPE, out=out, where=low)


def sigmoid(Z, out, ws=None):
    """``out = activations.sigmoid(Z)``: ``e = exp(-|z|)``, ``where(z >= 0, 1/(1+e), e/(1+e))``;
    ``out`` may be ``Z`` itself."""
    pos = np.greater_equal(Z, 0, out=_scratch_mask(Z, ws))
    e = np.abs(Z, out=out)
    np.negative(e, out=e)
    np.exp(e, out=e)
    d = np.add(e, 1.0, out=_scratch(Z, ws))
    np.divide(e, d, out=e)  # e / (1 + e) everywhere, then 1 / (1 + e) where z >= 0
    np.divide(1.0, d, out=e, where=pos)
    return e


def _scratch(Z, ws):
    return np.empty_like(Z) if ws is None else ws.tmp(Z.shape)


def _scratch_mask(Z, ws):
    return np.empty(Z.shape, bool) if ws is None else ws.mask(Z.shape)


def softmax(Z, out, ws=None):
    """Row-wise softmax as ``exp(log_softmax(Z))``: ``z - max z - log(sum exp(z - max z))``."""
    np.subtract(Z, np.max(Z, axis=-1, keepdims=True), out=out)
    e = np.exp(out, out=_scratch(Z, ws))
    out -= np.log(np.sum(e, axis=-1, keepdims=True))
    return np.exp(out, out=out)


def forward(model, X, ws=None, overwrite=False):
    """Every layer's ``Z`` and ``A`` for ``X`` of shape ``(n, sizes[0])``; see ``MLP.forward``.

    Stacked weights ``(S, fan_in, fan_out)`` and biases ``(S, 1, fan_out)`` give stacks of
    ``Z`` and ``A`` of shape ``(S, n, k)``. ``overwrite=True`` (see :func:`can_overwrite`) writes
    each hidden ``A`` over its ``Z`` (``pre[l] is post[l]``): half the memory, the same ``A``;
    :func:`backward` needs only ``A`` then, since ``A > 0`` exactly where ``Z > 0`` for the
    (leaky) ReLU and the other derivatives are written in ``A``.
    """
    n, L = X.shape[-2], model.n_layers
    overwrite = overwrite and can_overwrite(model.activation)
    pre, post = [X], [X]
    A = X
    for l, (W, b) in enumerate(zip(model.weights, model.biases), start=1):
        shape = W.shape[:-2] + (n, W.shape[-1])
        Z = np.matmul(A, W, out=_new(shape, W.dtype, ws, "pre", l))
        Z += b  # in place: one temporary fewer than A @ W + b, the same numbers
        if l < L:
            out = Z if overwrite else _new(Z.shape, Z.dtype, ws, "post", l)
            A = activate(model.activation, Z, out, ws)
        elif model.output == "sigmoid":
            A = sigmoid(Z, _new(Z.shape, Z.dtype, ws, "post", l), ws)
        elif model.output == "softmax":
            A = softmax(Z, _new(Z.shape, Z.dtype, ws, "post", l), ws)
        else:
            A = Z
        pre.append(Z)
        post.append(A)
    return pre, post


def output_delta(model, out, t, ws=None):
    """``dLoss/dZ_L = (output - target) / n`` for every output/loss pair, shape ``(n, k)``."""
    n = out.shape[-2]
    dZ = _new(out.shape, out.dtype, ws, "delta", model.n_layers)
    if model.output == "softmax":
        np.copyto(dZ, out)
        dZ[..., np.arange(n), t] -= 1.0
    else:
        np.subtract(out, t, out=dZ)
    dZ /= n
    return dZ


def dprime_times(name: str, dA, Z, A, out, ws=None):
    """``out = dA * f'(Z)``, with ``f'`` from the activation's output ``A = f(Z)`` where that is
    how :mod:`helpers.activations` writes it (sigmoid ``s (1 - s)``, tanh ``1 - t^2``); ``out``
    may be ``dA`` itself."""
    if not stock(name):
        return np.multiply(dA, activations.ACTIVATIONS[name][1](Z), out=out, casting="same_kind")
    if name == "relu":
        return np.multiply(dA, np.greater(Z, 0, out=_scratch_mask(Z, ws)), out=out)
    if name == "linear":
        np.copyto(out, dA)
        return out
    if name == "leaky_relu":
        low = np.less_equal(Z, 0, out=_scratch_mask(Z, ws))
        if out is not dA:
            np.copyto(out, dA)
        return np.multiply(out, LEAKY_SLOPE, out=out, where=low)
    d = _scratch(Z, ws)
    if name == "scaled_tanh":  # A B (1 - tanh(B z)^2)
        np.multiply(Z, activations.LECUN_B, out=d)
        np.tanh(d, out=d)
        np.multiply(d, d, out=d)
        np.subtract(1.0, d, out=d)
        np.multiply(d, activations.LECUN_A * activations.LECUN_B, out=d)
        return np.multiply(dA, d, out=out)
    if name == "tanh":
        np.multiply(A, A, out=d)
        np.subtract(1.0, d, out=d)
    else:  # sigmoid
        np.subtract(1.0, A, out=d)
        np.multiply(A, d, out=d)
    return np.multiply(dA, d, out=out)


def backward(model, post, pre, dZ, input_grad: bool, ws=None, overwrite=False):
    """Backpropagate ``dZ = dLoss/dZ_L``; returns ``(dW, db, delta, dA)`` as in ``Gradients``.

    ``overwrite=True`` writes each hidden layer's ``delta`` over its ``dA`` (``delta[l] is
    dA[l]``), as :func:`forward` does with ``A`` and ``Z``: the same numbers, bit for bit.
    """
    L = model.n_layers
    delta: list = [None] * (L + 1)
    dA: list = [None] * (L + 1)
    dW: list = [None] * L
    db: list = [None] * L
    delta[L] = dZ
    for l in range(L, 0, -1):
        W = model.weights[l - 1]
        A_prev = post[l - 1]
        dW[l - 1] = np.matmul(_T(A_prev), dZ, out=_new(W.shape, W.dtype, ws, "dW", l - 1))
        if W.ndim == 2:
            db[l - 1] = np.add.reduce(dZ, axis=0, out=_new(W.shape[1:], W.dtype, ws, "db", l - 1))
        else:
            shape = W.shape[:-2] + (1, W.shape[-1])
            out = _new(shape, W.dtype, ws, "db", l - 1)
            db[l - 1] = np.add.reduce(dZ, axis=-2, keepdims=True, out=out)
        if l == 1 and not input_grad:
            break
        shape = dZ.shape[:-1] + (W.shape[-2],)
        out = _new(shape, W.dtype, ws, "dA", l - 1)
        if W.shape[-1] == 1:  # one output unit: an outer product, each entry one product
            dA_prev = np.multiply(dZ, _T(W), out=out)
        else:
            dA_prev = np.matmul(dZ, _T(W), out=out)
        dA[l - 1] = dA_prev
        if l - 1 >= 1:
            out = dA_prev if overwrite else _new(dA_prev.shape, dA_prev.dtype, ws, "delta", l - 1)
            dZ = dprime_times(model.activation, dA_prev, pre[l - 1], post[l - 1], out, ws)
        else:
            dZ = dA_prev  # the input layer: Z_0 = A_0 = X
        delta[l - 1] = dZ
    return dW, db, delta, dA


def _T(a):
    """The transpose of a matrix, or of every matrix of a stack (``.T`` for 2-D arrays)."""
    return a.T if a.ndim == 2 else np.swapaxes(a, -1, -2)
