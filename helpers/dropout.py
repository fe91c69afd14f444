"""Inverted dropout for the MLP's hidden layers: forward and backward with an explicit mask.

During training, dropout keeps each hidden unit's output for each sample with probability
``1 - p`` and sets it to 0 otherwise; the kept outputs are divided by ``1 - p`` ("inverted"
dropout, as PyTorch's ``nn.Dropout`` and Keras's ``Dropout`` do), so that the expected output of
a unit is unchanged and nothing needs rescaling at test time. The mask is drawn from a seeded
``numpy.random.Generator`` and passed in explicitly, so that a pass can be repeated exactly (a
gradient check needs the same mask for every nudge of a parameter).

Shapes, as in :mod:`helpers.mlp`: ``A (n, units)``; a mask has the shape of the activations it
applies to; ``masks[l - 1]`` belongs to hidden layer ``l`` (``1 <= l <= L - 1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _validate, activations
from ._structs import Cache, Gradients


@dataclass
class DropoutCache(Cache):
    """A :class:`helpers.mlp.Cache` that also keeps the masks of the pass: ``masks[l - 1]``
    multiplied hidden layer ``l``'s output, and ``post[l]`` is that dropped output."""

    masks: list = field(default_factory=list)


def check_rate(p) -> float:
    """``p`` as a float in [0, 1): the probability of dropping a unit's output."""
    p = _validate.real(p, "dropout rate p", minimum=0.0)
    if p >= 1.0:
        raise ValueError(f"dropout rate p must be below 1 (1 drops every unit); got {p}")
    return p


def draw_mask(shape, p: float, *, rng: np.random.Generator) -> np.ndarray:
    """A keep-mask of ``shape`` with entries ``1 / (1 - p)`` (kept, probability ``1 - p``) or 0.

    The scaling is folded into the mask, so ``A * mask`` is the inverted-dropout output.
    """
    p = check_rate(p)
    rng = _validate.rng(rng)
    keep = rng.random(shape) >= p
    return keep / (1.0 - p)


def dropout_forward(A, mask):
    """Apply a mask from :func:`draw_mask`: ``out = A * mask``, shape of ``A``; returns
    ``(out, cache)`` with the mask as the cache."""
    A = np.asarray(A, dtype=np.float64)
    mask = _check_mask(mask, A.shape, "mask")
    return A * mask, mask


def dropout_backward(dout, cache):
    """The gradient through :func:`dropout_forward`: ``dA = dout * mask`` (the same mask)."""
    return np.asarray(dout, dtype=np.float64) * cache


def _check_mask(mask, shape, what: str) -> np.ndarray:
    mask = np.asarray(mask, dtype=np.float64)
    if mask.shape != tuple(shape):
        raise ValueError(f"{what} has shape {mask.shape}; the activations have shape {shape}")
    if not np.all(np.isfinite(mask)) or np.any(mask < 0):
        raise ValueError(f"{what} must be finite and >= 0 (0 = dropped, 1/(1-p) = kept)")
    return mask


def draw_masks(model, n: int, p: float, *, rng: np.random.Generator) -> list:
    """One mask per hidden layer of ``model`` for a batch of ``n`` samples:
    ``masks[l - 1]`` has shape ``(n, sizes[l])``."""
    n = _validate.positive_int(n, "n (batch size)")
    return [draw_mask((n, k), p, rng=rng) for k in model.sizes[1:-1]]


def check_masks(model, masks, n: int) -> list:
    """``masks`` checked against ``model``'s hidden layers and a batch of ``n`` samples."""
    hidden = model.sizes[1:-1]
    if not isinstance(masks, (list, tuple)) or len(masks) != len(hidden):
        raise ValueError(
            f"masks must be a list of {len(hidden)} arrays, one per hidden layer "
            f"(from draw_masks); got {type(masks).__name__}"
            + (f" of length {len(masks)}" if isinstance(masks, (list, tuple)) else "")
        )
    return [_check_mask(m, (n, k), f"masks[{i}]") for i, (m, k) in enumerate(zip(masks, hidden))]


def forward(model, X, masks):
    """``model``'s forward pass with each hidden layer's output multiplied by its mask.

    Returns ``(out, cache)`` as ``MLP.forward`` does; ``cache.post[l]`` is the *dropped*
    activation that layer ``l + 1`` receives, ``cache.masks`` the masks. With masks of ones it
    is exactly ``MLP.forward``.
    """
    X = _validate.matrix(X, "X", n_cols=model.sizes[0])
    masks = check_masks(model, masks, X.shape[0])
    pre, post, A = [X], [X], X
    for l, (W, b) in enumerate(zip(model.weights, model.biases), start=1):
        Z = A @ W + b
        if l < model.n_layers:
            A, _ = dropout_forward(activations.activate(model.activation, Z), masks[l - 1])
        elif model.output == "sigmoid":
            A = activations.sigmoid(Z)
        elif model.output == "softmax":
            A = activations.softmax(Z)
        else:
            A = Z
        pre.append(Z)
        post.append(A)
    return post[-1], DropoutCache(pre=pre, post=post, masks=masks)


def backward(model, cache, y) -> Gradients:
    """Gradients of the mean loss of a :func:`forward` pass, through the same masks.

    Going back through hidden layer ``l``: ``dA_l = dZ_{l+1} @ W_{l+1}.T`` is the gradient of
    the dropped output, ``dropout_backward`` multiplies it by the mask, then by ``f'(Z_l)``.
    """
    n, L = cache.post[0].shape[0], model.n_layers
    t = model.check_targets(y, n)
    out = cache.post[-1]
    dZ = out.copy()
    if model.output == "softmax":
        dZ[np.arange(n), t] -= 1.0
    else:
        dZ -= t
    dZ /= n
    dW, db, delta, dA = [None] * L, [None] * L, [None] * (L + 1), [None] * (L + 1)
    delta[L] = dZ
    for l in range(L, 0, -1):
        dW[l - 1] = cache.post[l - 1].T @ dZ
        db[l - 1] = dZ.sum(axis=0)
        dA[l - 1] = dZ @ model.weights[l - 1].T
        if l > 1:
            d_kept = dropout_backward(dA[l - 1], cache.masks[l - 2])
            dZ = d_kept * activations.derivative(model.activation, cache.pre[l - 1])
        else:
            dZ = dA[0]
        delta[l - 1] = dZ
    return Gradients(dW=dW, db=db, delta=delta, dA=dA)


def loss(model, X, y, masks) -> float:
    """The mean loss of ``model`` on ``(X, y)`` with the given masks."""
    _, cache = forward(model, X, masks)
    return model.loss_from_cache(cache, y)


__all__ = [
    "DropoutCache",
    "backward",
    "check_masks",
    "check_rate",
    "draw_mask",
    "draw_masks",
    "dropout_backward",
    "dropout_forward",
    "forward",
    "loss",
]
