"""Layer-sequential unit-variance initialisation (LSUV; Mishkin & Matas 2016).

1. Pre-initialise every weight matrix orthogonally (:func:`helpers.init.initialize` with
   ``"orthogonal"``, gain 1).
2. For each layer in turn, from the input: run the batch ``X`` forward, take the variance ``v``
   of the layer's output ``Z_l = A_{l-1} W_l + b_l`` (over the batch and the units), and divide
   ``W_l`` by ``sqrt(v)``; repeat until ``|v - 1| <= tol`` or ``max_iter`` rescalings.

Without biases one rescaling is exact (``Z_l`` is linear in ``W_l``); biases add a part that
the rescaling does not touch, hence the loop. A layer that cannot reach variance 1 (its inputs
are all zero, or its biases alone spread more than 1) is reported, not hidden: its record has
``converged=False`` and :attr:`LSUVResult.converged` is False.

The model is duck-typed: anything with lists ``weights`` and ``biases`` and a
``forward(X) -> (out, cache)`` whose ``cache.pre[l]`` is layer l's ``Z_l`` (as
:class:`helpers.mlp.MLP`). Reached as :func:`helpers.init.lsuv`.

Reference: D. Mishkin, J. Matas (2016). All you need is a good init. ICLR.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _validate
from . import init as schemes


class LayerRecord(NamedTuple):
    """What :func:`lsuv` did to one layer (``layer`` 1..L)."""

    layer: int
    variance_before: float
    variance_after: float
    iterations: int
    factor: float
    converged: bool


class LSUVResult(list):
    """The list of :class:`LayerRecord`, one per layer, with :attr:`converged`."""

    @property
    def converged(self) -> bool:
        return all(r.converged for r in self)

    def describe(self) -> str:
        rows = [f"{'layer':>5} {'var before':>11} {'var after':>10} {'steps':>6} {'factor':>8}"]
        for r in self:
            flag = "" if r.converged else "  NOT converged"
            rows.append(f"{r.layer:>5} {r.variance_before:>11.4g} {r.variance_after:>10.4f} "
                        f"{r.iterations:>6} {r.factor:>8.4g}{flag}")  # fmt: skip
        return "\n".join(rows)


def _check_model(model):
    for name in ("weights", "biases", "forward"):
        if not hasattr(model, name):
            raise TypeError(f"lsuv needs a model with weights, biases and forward(); "
                            f"{type(model).__name__} has no {name!r}")  # fmt: skip
    if len(model.weights) == 0 or len(model.weights) != len(model.biases):
        raise ValueError("lsuv needs one bias vector per weight matrix, and at least one layer")


def _variance(model, X, l: int) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        _, cache = model.forward(X)
        v = float(np.var(cache.pre[l]))
    return v if math.isfinite(v) else math.inf


def lsuv(model, X, *, tol: float = 0.01, max_iter: int = 10, seed: int = 0) -> LSUVResult:
    """LSUV, in place (see the module docstring); returns one :class:`LayerRecord` per layer.

    Parameters
    ----------
    model : MLP-like
    X : array_like, shape (n, n_inputs), n >= 2
        The batch whose output variances are set to 1.
    tol : float, default 0.01
        A layer is done when ``|Var(Z_l) - 1| <= tol``.
    max_iter : int, default 10
        Largest number of rescalings per layer; a layer still outside ``tol`` after them is
        recorded with ``converged=False`` (its last rescaling is kept).
    seed : int, default 0
        Seeds the orthogonal pre-initialisation.
    """
    _check_model(model)
    X = _validate.matrix(X, "X")
    if X.shape[0] < 2:
        raise ValueError(f"X needs at least 2 rows to have a variance; got {X.shape[0]}")
    tol = _validate.real(tol, "tol", positive=True)
    max_iter = _validate.positive_int(max_iter, "max_iter")
    rng = np.random.default_rng(_validate.positive_int(seed, "seed", minimum=0))
    for W in model.weights:
        W[...] = schemes.initialize("orthogonal", *W.shape, rng=rng)
    records = LSUVResult()
    for l, W in enumerate(model.weights, start=1):
        v = before = _variance(model, X, l)
        factor, steps = 1.0, 0
        while abs(v - 1.0) > tol and steps < max_iter and 0.0 < v < math.inf:
            W /= math.sqrt(v)
            factor /= math.sqrt(v)
            steps += 1
            v = _variance(model, X, l)
        records.append(LayerRecord(l, before, v, steps, factor, abs(v - 1.0) <= tol))
    return records
