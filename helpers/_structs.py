"""The records of a pass through an MLP (:class:`Cache`, :class:`Gradients`) and the checks of
the MLP's settings. Part of :mod:`helpers.mlp`, which re-exports the two classes."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

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
    extra: list = field(default_factory=list)
    """Gradients of a model's further parameters (norm ``gamma``/``beta``, residual ``alpha``),
    in the order of ``model.parameters()`` after the weights and biases; empty for the MLP."""

    @property
    def dZ(self) -> list:
        """Alias of :attr:`delta`."""
        return self.delta

    def flat(self) -> list:
        """``[dW_1, db_1, dW_2, db_2, ..., *extra]``: the order of ``model.parameters()``."""
        out = []
        for gW, gb in zip(self.dW, self.db):
            out += [gW, gb]
        return out + list(self.extra)


class Model:
    """The protocol that :func:`helpers.train.train`, :mod:`helpers.guard`,
    :func:`helpers.gradcheck.check_gradients` and :mod:`helpers.diagnostics` rely on.

    :class:`helpers.mlp.MLP` (plain or with ``norm=``) and
    :class:`helpers.residual.ResidualMLP` implement it. A model has ``L = n_layers`` weight
    matrices ``weights[l - 1]`` of shape ``(sizes[l - 1], sizes[l])`` with ``biases[l - 1]``,
    attributes ``sizes``, ``activation``, ``output``, ``dtype``, and:

    - ``layer_activation(l)``: the activation applied after weight layer ``l`` (1..L);
    - ``as_input(X)``, ``check_targets(y, n)``: checked inputs and targets;
    - ``forward(X)`` / ``_forward(X, reuse=False)`` -> ``(out, cache)``: ``cache.pre[l]``
      is the input of layer ``l``'s activation, ``cache.post[l]`` its output (shape
      ``(n, sizes[l])``), ``cache.logits`` the output layer's pre-activations;
    - ``_loss(cache, t)``, ``_accuracy(cache, t)``; ``loss``, ``accuracy``, ``predict``,
      ``predict_proba``;
    - ``backward(cache, y)`` / ``_backward(cache, t, input_grad=True, reuse=False)`` ->
      :class:`Gradients`; ``parameters()``: the live parameter arrays, in the order of
      ``Gradients.flat()``; ``step(grads, lr)``: ``p -= lr * g`` for every pair (``_step``: the same
      without the checks);
    - ``copy()``, ``release_buffers()``.
    """


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
    """``model`` if it follows the :class:`Model` protocol (an MLP, plain or normalised, or a
    ResidualMLP); else a TypeError."""
    if not isinstance(model, Model):
        raise TypeError(
            f"{what} must be a helpers.mlp.MLP (for example MLP([2, 16, 1])) or a "
            f"helpers.residual.ResidualMLP; got {_kind(model)}"
        )
    return model


def draw_bias(bias, bias_scale: float, fan_in: int, fan_out: int, rng) -> np.ndarray:
    """One layer's biases for the MLP's ``bias`` setting (a number, or one of its
    ``BIAS_MODES``), drawn from ``rng`` where random."""
    if not isinstance(bias, str):
        return np.full(fan_out, bias)
    if bias == "zeros":
        return np.zeros(fan_out)
    if bias == "normal":
        return rng.normal(0.0, bias_scale, size=fan_out)
    if bias == "uniform":
        return rng.uniform(-bias_scale, bias_scale, size=fan_out)
    a = 1.0 / np.sqrt(fan_in)  # "torch": nn.Linear's default bias
    return rng.uniform(-a, a, size=fan_out)


def _kind(value) -> str:
    return f"{type(value).__name__} {_validate.short(value, 50)}"
