"""Notebook 02: the symmetry problem (zero and constant initialisation, biases).

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate, diagnostics
from .. import data as datasets
from ..mlp import MLP
from ..train import History, train

# ---------------------------------------------------------------------------- 02 symmetry

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
"""Names of the parameter arrays of a network with one hidden layer, in ``get_params`` order."""


def make_unbalanced(name: str = "circles", n_major: int = 120, n_minor: int = 60, *, seed: int = 0):
    """A dataset of :data:`helpers.data.DATASETS` with more samples of class 0 than of class 1.

    The first ``n_major`` samples of class 0 and the first ``n_minor`` of class 1 of
    ``make_dataset(name, 2 * n_major, rng=default_rng(seed))``. Real data is rarely balanced, and
    with exactly balanced classes a zero-initialised network sits on a point where every gradient
    is exactly zero (see notebook 02), which would hide what each activation does.

    Returns
    -------
    X : ndarray, shape (n_major + n_minor, 2)
    y : ndarray, shape (n_major + n_minor,)
    """
    n_major = _validate.positive_int(n_major, "n_major")
    n_minor = _validate.positive_int(n_minor, "n_minor")
    if n_minor > n_major:
        raise ValueError(f"n_minor ({n_minor}) must not exceed n_major ({n_major})")
    X, y = datasets.make_dataset(name, 2 * n_major, rng=np.random.default_rng(seed))
    keep = np.concatenate([np.flatnonzero(y == 0)[:n_major], np.flatnonzero(y == 1)[:n_minor]])
    return X[keep], y[keep]


@dataclass
class Run:
    """One training run of a network with one hidden layer (notebook 02)."""

    model: MLP
    start: list
    history: History
    X: np.ndarray
    y: np.ndarray

    @property
    def changed(self) -> dict:
        """Parameter name (W1, b1, W2, b2) -> True if training changed any entry of it."""
        return changed_parameters(self.start, self.model.get_params())

    @property
    def distinct_units(self) -> int:
        """Number of different hidden units, judged by their outputs on the data."""
        _, cache = self.model.forward(self.X)
        return diagnostics.distinct_units(cache.post[1])

    @property
    def spread(self) -> float:
        """Unit spread of the hidden layer after training (exactly 0.0 while symmetric)."""
        return float(self.history.spread[-1, 0])

    @property
    def accuracy(self) -> float:
        return self.history.final_accuracy


def train_one_hidden(
    X,
    y,
    *,
    init: str,
    activation: str = "sigmoid",
    scale: float = 1.0,
    bias=0.0,
    bias_scale: float = 1.0,
    hidden: int = 8,
    epochs: int = 2000,
    lr: float = 1.0,
    seed: int = 0,
) -> Run:
    """Train a ``2-hidden-1`` network with full-batch gradient descent and keep its start.

    ``init``, ``scale``, ``bias``, ``bias_scale`` and ``seed`` are passed to :class:`MLP`.
    """
    model = MLP(
        [X.shape[1], hidden, 1],
        activation=activation,
        init=init,
        scale=scale,
        bias=bias,
        bias_scale=bias_scale,
        seed=seed,
    )
    start = model.get_params()
    history = train(model, X, y, epochs=epochs, lr=lr)
    return Run(model=model, start=start, history=history, X=X, y=y)


def changed_parameters(before, after) -> dict:
    """Which parameter arrays differ: name (W1, b1, W2, ...) -> bool.

    ``before`` and ``after`` are lists ``[W1, b1, W2, b2, ...]`` as from ``MLP.get_params``.
    """
    names = []
    for l in range(1, len(before) // 2 + 1):
        names += [f"W{l}", f"b{l}"]
    return {k: bool(np.any(a != b)) for k, a, b in zip(names, before, after)}


def parameters_changed_after_one_step(
    activation: str, *, balanced: bool = False, hidden: int = 8, lr: float = 1.0
) -> dict:
    """The truth for the exercise of notebook 02: which arrays change in one zero-init step.

    A ``2-hidden-1`` network with every weight and bias 0 takes one full-batch gradient step on
    circles: :func:`make_unbalanced` (120 vs 60 samples), or 100 vs 100 with ``balanced=True``.

    Returns
    -------
    dict
        ``{"W1": bool, "b1": bool, "W2": bool, "b2": bool}``.
    """
    X, y = make_unbalanced("circles", 120, 120 if balanced else 60)
    run = train_one_hidden(
        X, y, init="zeros", activation=activation, hidden=hidden, epochs=1, lr=lr
    )
    return run.changed


def zero_init_gradients(activation: str, X, y, *, hidden: int = 8) -> dict:
    """Largest |gradient| of each parameter array of a zero-initialised ``2-hidden-1`` network.

    Returns
    -------
    dict
        ``{"W1": float, "b1": float, "W2": float, "b2": float}`` at the initial point.
    """
    model = MLP([X.shape[1], hidden, 1], activation=activation, init="zeros")
    grads = model.backward(model.forward(X)[1], y)
    arrays = [grads.dW[0], grads.db[0], grads.dW[1], grads.db[1]]
    return {k: float(np.max(np.abs(g))) for k, g in zip(PARAMETER_NAMES, arrays)}


def random_bias_runs(X, y, *, seeds=(0, 1, 2, 3), activations_=("sigmoid", "tanh", "relu")):
    """Zero weights with random N(0, 1) biases: do the hidden units become different?

    Trains :func:`train_one_hidden` (2000 epochs, lr 1) for every activation and seed.

    Returns
    -------
    list of dict
        One per run: ``activation``, ``seed``, ``spread`` (after training), ``distinct``
        (hidden units with different outputs), ``rank`` (of W1, see :func:`weight_rank`),
        ``dead`` (units that are 0 on every sample), ``negative_biases`` (at the start),
        ``accuracy``.
    """
    rows = []
    for act in activations_:
        for seed in seeds:
            run = train_one_hidden(
                X, y, init="zeros", bias="normal", bias_scale=1.0, activation=act, seed=seed
            )
            rows.append(
                {
                    "activation": act,
                    "seed": seed,
                    "spread": run.spread,
                    "distinct": run.distinct_units,
                    "rank": weight_rank(run.model.weights[0]),
                    "dead": dead_units(run),
                    "negative_biases": int(np.sum(run.start[1] < 0)),
                    "accuracy": run.accuracy,
                }
            )
    return rows


def collapse_identical_units(model: MLP) -> MLP:
    """A network with ONE hidden unit that computes exactly what ``model`` computes.

    Valid when every hidden unit of ``model`` (one hidden layer) has the same incoming weights
    and bias: then they all output the same ``h``, and the output ``sum_j v_j h + c`` equals
    ``(sum_j v_j) h + c``.
    """
    if model.n_layers != 2:
        raise ValueError(
            f"needs a network with one hidden layer; this one has {model.n_layers - 1}"
        )
    W1, b1 = model.weights[0], model.biases[0]
    if diagnostics.unit_spread(W1) != 0.0 or np.any(b1 != b1[0]):
        raise ValueError("the hidden units are not identical: they cannot be merged into one")
    one = MLP([model.sizes[0], 1, model.sizes[2]], activation=model.activation, init="zeros")
    one.weights = [W1[:, :1].copy(), model.weights[1].sum(axis=0, keepdims=True)]
    one.biases = [b1[:1].copy(), model.biases[1].copy()]
    return one


def dead_units(run: Run) -> int:
    """Number of hidden units of ``run`` whose pre-activation is <= 0 on every training sample
    (for ReLU: output 0 and no gradient, on the whole dataset)."""
    _, cache = run.model.forward(run.X)
    return int(np.sum(np.all(cache.pre[1] <= 0, axis=0)))


def weight_rank(W, *, rtol: float = 1e-10) -> int:
    """Numerical rank of ``W`` (fan_in, fan_out): singular values above ``rtol`` times the largest.

    1 means every unit's incoming weight vector points along the same line.
    """
    s = np.linalg.svd(np.asarray(W, dtype=np.float64), compute_uv=False)
    if s.size == 0 or s[0] == 0.0:
        return 0
    return int(np.sum(s > rtol * s[0]))


def within_versus_across(X, y, *, activation: str = "tanh", epochs: int = 500, seed: int = 0):
    """What must differ: the weights *into one unit*, or different units' weight vectors?

    Three ``2-8-1`` starts (biases 0, ``W2`` all 0.5), trained by :func:`train_one_hidden`'s
    full-batch descent (lr 1):

    - ``"same vector for every unit"``: every entry of ``W1`` is 0.5 (the constant start);
    - ``"equal within each unit"``: unit ``j``'s incoming weights all equal ``c_j``, with the
      ``c_j`` drawn from N(0, 1) (seeded): each column constant, the columns different;
    - ``"different within, same across"``: one random vector ``v`` (N(0, 1)) as every unit's
      incoming weights: the weights into a unit differ, every column is ``v``.

    Also ``first_dW1`` of the constant start: the first gradient of ``W1``.

    Returns
    -------
    dict
        ``runs``: label -> ``{"spread": float, "distinct": int, "accuracy": float}``;
        ``first_dW1``: ndarray, shape (2, 8).
    """
    rng = np.random.default_rng(seed)
    n_in, hidden = X.shape[1], 8
    starts = {
        "same vector for every unit": np.full((n_in, hidden), 0.5),
        "equal within each unit": np.ones((n_in, 1)) * rng.normal(size=(1, hidden)),
        "different within, same across": rng.normal(size=(n_in, 1)) * np.ones((1, hidden)),
    }
    out = {"runs": {}}
    for label, W1 in starts.items():
        model = MLP([n_in, hidden, 1], activation=activation, init="constant", scale=0.5)
        model.weights[0] = W1.copy()
        if label == "same vector for every unit":
            grads = model.backward(model.forward(X)[1], y)
            out["first_dW1"] = grads.dW[0].copy()
        history = train(model, X, y, epochs=epochs, lr=1.0, record=("spread",))
        _, cache = model.forward(X)
        out["runs"][label] = {
            "spread": float(history.spread[-1, 0]),
            "distinct": diagnostics.distinct_units(cache.post[1]),
            "accuracy": history.final_accuracy,
        }
    return out
