"""The maximal-update parametrisation (muP) of an MLP, next to the standard one, for plain SGD.

muP (Yang & Hu 2021, "Tensor Programs IV"; Yang et al. 2022, "Tensor Programs V", table 3)
scales the initialisation, a multiplier on the output and each layer's learning rate with the
width ``n`` so that every layer's features move by O(1) in the first steps whatever the width;
the learning rate that trains best then stays put as the network widens. Table 3 of Tensor
Programs V, for SGD with base learning rate ``eta``:

==================  ==================  ===============  ===================
                    input weights and   hidden weights   output weights
                    all biases
==================  ==================  ===============  ===================
init variance       1 / fan_in          1 / fan_in       1
multiplier          1                   1                1 / fan_in
SGD learning rate   eta * fan_out       eta              eta * fan_in
==================  ==================  ===============  ===================

The constants are free in table 3 (only the scaling with width is fixed): ``gain`` is He's
``sqrt(2)`` for ReLU units, 1 otherwise. Here the width factors are taken relative to a base
width ``n0`` (``r = n / n0``), so that at
``n = n0`` muP *is* the standard parametrisation (every variance ``gain^2 / fan_in``, every
learning rate ``eta``, no multiplier) and the two differ only as the width moves away from it.
The output multiplier is folded into the stored weights (the network computes with
``W_eff = W / r``), which turns table 3 into, in terms of the weights :class:`helpers.mlp.MLP`
holds:

- first layer ``W_1`` and the hidden biases: variance ``gain^2 / fan_in``, learning rate
  ``eta * r``;
- hidden weights: variance ``gain^2 / fan_in``, learning rate ``eta``;
- output weights: variance ``gain^2 / (fan_in * r)``, learning rate ``eta / r`` (table 3's
  ``W`` of a variance constant in width, ``gain^2 / n0 = gain^2 r / fan_in``, with multiplier
  ``1 / r`` and rate ``eta * r``: ``W_eff = W / r`` has that variance, and the step of
  ``W_eff`` is ``(1 / r) * eta r * dL/dW`` and ``dL/dW = dL/dW_eff / r``, so ``eta / r`` in all);
  output bias: learning rate ``eta`` (its fan_out, the number of classes, does not grow).

Training is gradient descent (full batch or minibatches) through MLP's public ``forward`` and
``backward``; each step is checked by :class:`helpers.guard.Guard` with the per-layer rates
folded into the gradients, so a diverging run stops quietly before anything overflows.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _validate, guard
from .mlp import MLP

PARAMETRIZATIONS = ("standard", "mup")


class Run(NamedTuple):
    """A training run: ``losses`` (the loss of each step's batch, before the step),
    ``diverged``, and ``final``: the loss on the whole training set after the last step."""

    losses: np.ndarray
    diverged: bool
    final: float = math.nan

    @property
    def final_loss(self) -> float:
        return math.inf if self.diverged else self.final


def build(width: int, *, parametrization: str = "mup", base_width: int = 32, n_in: int = 64,
          n_out: int = 10, depth: int = 2, activation: str = "relu", output: str = "softmax",
          seed: int = 0):  # fmt: skip
    """An MLP ``[n_in] + [width] * depth + [n_out]`` (``output``: ``"softmax"`` with
    cross-entropy, or ``"linear"`` with the squared error) in ``parametrization``,
    and its per-layer learning-rate multipliers ``(weights, biases)``, lists of floats."""
    parametrization = _validate.choice(parametrization, PARAMETRIZATIONS, "parametrization")
    width = _validate.positive_int(width, "width")
    base_width = _validate.positive_int(base_width, "base_width")
    depth = _validate.positive_int(depth, "depth")
    init = "he_normal" if activation in ("relu", "leaky_relu") else "lecun_normal"
    output = _validate.choice(output, ("softmax", "linear"), "output")
    model = MLP([n_in] + [width] * depth + [n_out], activation=activation, output=output,
                init=init, seed=seed)  # fmt: skip
    L = model.n_layers
    if parametrization == "standard":
        return model, [1.0] * L, [1.0] * L
    r = width / base_width
    model.weights[-1] *= math.sqrt(1.0 / r)  # variance gain^2 / (fan_in * r)
    w_mult = [r] + [1.0] * (L - 2) + [1.0 / r]
    b_mult = [r] * (L - 1) + [1.0]
    return model, w_mult, b_mult


def train_sgd(model, X, y, *, lr: float, steps: int, w_mult, b_mult, batch_size=None,
              seed: int = 0) -> Run:  # fmt: skip
    """Gradient descent with per-layer learning rates ``lr * w_mult[l]`` (weights) and
    ``lr * b_mult[l]`` (biases), ``steps`` steps on the whole set (``batch_size=None``) or on
    minibatches of ``batch_size`` rows (one shuffle per pass, from ``default_rng(seed)``).

    Stops quietly (``diverged=True``) before a step that :class:`helpers.guard.Guard` (checking
    on the whole set) finds could overflow, or once a batch's loss passes 100 times the first
    one (a run that far gone does not come back)."""
    lr = _validate.real(lr, "lr", positive=True)
    steps = _validate.positive_int(steps, "steps")
    X = model.as_input(_validate.matrix(X, "X", n_cols=model.sizes[0]))
    n = X.shape[0]
    t = model.check_targets(y, n)
    if batch_size is not None:
        batch_size = _validate.positive_int(batch_size, "batch_size")
        if batch_size > n:
            raise ValueError(f"batch_size must be at most the {n} rows of X; got {batch_size}")
    g = guard.Guard(model, X, t)
    if not g.check_state(model.weights, model.biases):
        return Run(np.array([]), True)
    rng, order, losses = np.random.default_rng(seed), np.arange(n), []
    for step in range(steps):
        if batch_size is None:
            idx = order
        else:
            k = step % (n // batch_size)
            if k == 0:
                order = rng.permutation(n)
            idx = order[k * batch_size : (k + 1) * batch_size]
        _, cache = model.forward(X[idx])
        losses.append(model.loss_from_cache(cache, t[idx]))
        if not math.isfinite(losses[-1]) or losses[-1] > 100.0 * losses[0]:
            return Run(np.array(losses), True)
        grads = model.backward(cache, t[idx], input_grad=False)
        gW = [m * d for m, d in zip(w_mult, grads.dW)]
        gb = [m * d for m, d in zip(b_mult, grads.db)]
        if not g.check_step(model.weights, model.biases, gW, gb, lr):
            return Run(np.array(losses), True)
        for W, b, dW, db in zip(model.weights, model.biases, gW, gb):
            W -= lr * dW
            b -= lr * db
    final = model.loss(X, t)
    return Run(np.array(losses), not math.isfinite(final), float(final))
