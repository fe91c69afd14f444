"""The records of a pass through an MLP (:class:`Cache`, :class:`Gradients`) and the checks of
the MLP's settings. Part of :mod:`helpers.mlp`, which re-exports the two classes."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import _validate

DTYPES = ("float64", "float32")
"""Floating-point types of an MLP's parameters and of every array of a pass (float64 default)."""


@dataclass
class Cache:
    """What the forward pass keeps for the backward pass.

    Attributes
    ----------
    pre : list of ndarray
        ``pre[l]`` is ``Z_l`` with shape ``(n, sizes[l])``; ``pre[0]`` is ``X``.
    post : list of ndarray
        ``post[l]`` is ``A_l = f_l(Z_l)``; ``post[0]`` is ``X``; ``post[L]`` is the output.
    """

    pre: list
    post: list

    @property
    def logits(self) -> np.ndarray:
        """The output layer's pre-activations ``Z_L``, shape ``(n, sizes[-1])``."""
        return self.pre[-1]


@dataclass
class Gradients:
    """Gradients of the mean loss.

    Attributes
    ----------
    dW : list of ndarray
        ``dW[i]`` has the shape of ``weights[i]`` (the weights of layer ``i + 1``).
    db : list of ndarray
        ``db[i]`` has the shape of ``biases[i]``.
    delta : list of ndarray
        ``delta[l] = dLoss/dZ_l``, shape ``(n, sizes[l])``, for ``l = 0..L``; ``delta[0]`` is the
        gradient with respect to the input ``X`` (the input layer has no activation), or ``None``
        when the backward pass was asked not to compute it (``input_grad=False``).
    dA : list of ndarray
        ``dA[l] = dLoss/dA_l`` for ``l = 0..L-1``: the gradient that reaches the outputs of layer
        ``l``'s units (for a hidden layer, "the gradient reaching each hidden unit").
        ``dA[L]`` is ``None``: the loss is differentiated with respect to the logits.
    """

    dW: list
    db: list
    delta: list
    dA: list

    @property
    def dZ(self) -> list:
        """Alias of :attr:`delta`."""
        return self.delta


def check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths such as [2, 16, 1]; got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least an input and an output width, e.g. [2, 16, 1]; got {sizes!r}"
        )
    return [_validate.positive_int(s, f"sizes[{i}] (a layer width)") for i, s in enumerate(sizes)]


def check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}") from exc
    if dt.name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dt.name!r}")
    return dt


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    return int(seed)


def check_cache(cache, sizes: list[int]) -> Cache:
    """``cache`` if it is a :class:`Cache` of a network with layer widths ``sizes`` (from that
    network's own ``forward``); else an error that says where the cache should come from."""
    if not isinstance(cache, Cache):
        raise TypeError(
            "cache must be the Cache that this model's forward(X) returned "
            f"(out, cache = model.forward(X)); got {_kind(cache)}"
        )
    widths = [np.shape(a)[1] if np.ndim(a) == 2 else None for a in cache.post]
    rows = {np.shape(a)[0] for a in cache.post if np.ndim(a) == 2}
    if widths != list(sizes) or len(cache.pre) != len(sizes) or len(rows) != 1:
        raise ValueError(
            f"cache comes from a network with layer widths {widths}, but this model has "
            f"{list(sizes)}: pass the cache of this model's own forward(X)"
        )
    return cache


def check_gradients(grads, weights: list) -> Gradients:
    """``grads`` if it is a :class:`Gradients` whose ``dW``/``db`` have the parameters' shapes."""
    if not isinstance(grads, Gradients):
        raise TypeError(
            "grads must be the Gradients that this model's backward(cache, y) returned; "
            f"got {_kind(grads)}"
        )
    want = [W.shape for W in weights]
    got = [np.shape(g) for g in grads.dW]
    got_b = [np.shape(g) for g in grads.db]
    if got != want or got_b != [(w[1],) for w in want]:
        raise ValueError(
            f"grads.dW has shapes {got} (grads.db {got_b}), but this model's weights have {want}: "
            "pass the gradients of this model's own backward pass"
        )
    return grads


def check_model(model, what: str = "model"):
    """``model`` if it is a :class:`helpers.mlp.MLP` (or a subclass); else a TypeError."""
    from .mlp import MLP  # mlp imports this module

    if not isinstance(model, MLP):
        raise TypeError(
            f"{what} must be a helpers.mlp.MLP (for example MLP([2, 16, 1])); got {_kind(model)}"
        )
    return model


def _kind(value) -> str:
    return f"{type(value).__name__} {_validate.short(value, 50)}"
