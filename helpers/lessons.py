"""The experiments behind each notebook's headline numbers.

Each function runs one experiment of the course with the helpers and returns its numbers, so that
a notebook prints them and ``tests/test_lessons.py`` asserts the lesson they teach: if a change to
the helpers breaks a lesson, a test says which one.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np  # noqa: F401  (used by the experiments below)

from . import _validate, activations, diagnostics
from . import data as datasets
from .mlp import MLP
from .train import History, train

# ======================================================================= notebooks 00-03

# ---------------------------------------------------------------------------- 00 start here


def warm_up(*, seed: int = 0) -> dict:
    """A first run of the course's machinery: train a 2-16-1 tanh network on the moons.

    Xavier-uniform weights, zero biases, 200 points (``make_moons`` with noise 0.1 and data seed
    ``seed``), 500 epochs of full-batch gradient descent with learning rate 1.

    Returns
    -------
    dict
        ``n_params`` (65), ``loss_before``, ``loss_after``, ``accuracy`` (after training), and
        ``model``, ``history``, ``X``, ``y``.
    """
    X, y = datasets.make_moons(200, noise=0.1, rng=np.random.default_rng(seed))
    model = MLP([2, 16, 1], activation="tanh", init="xavier_uniform", seed=seed)
    history = train(model, X, y, epochs=500, lr=1.0)
    return {
        "n_params": model.n_params,
        "loss_before": float(history.loss[0]),
        "loss_after": history.final_loss,
        "accuracy": history.final_accuracy,
        "model": model,
        "history": history,
        "X": X,
        "y": y,
    }


# ---------------------------------------------------------------------------- 01 forward pass


def count_parameters_by_edges(sizes) -> dict:
    """Count a fully connected network's parameters by counting the edges of its graph.

    Every unit of layer ``l`` is joined to every unit of layer ``l - 1`` (one weight per edge),
    and to a constant input of 1 (one bias per unit, the bias edge). No edges enter the inputs.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[n_0, n_1, ..., n_L]``.

    Returns
    -------
    dict
        ``weights`` = sum of ``n_{l-1} * n_l``, ``biases`` = sum of ``n_l`` (l >= 1), ``total``.
    """
    sizes = [_validate.positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs an input and an output width; got {sizes}")
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    return {"weights": weights, "biases": biases, "total": weights + biases}


def forward_by_hand(model: MLP, X):
    """The forward pass written out as in notebook 01: ``Z = A_prev @ W + b``, ``A = f(Z)``.

    Parameters
    ----------
    model : MLP
        A network with a sigmoid output.
    X : ndarray, shape (n, sizes[0])

    Returns
    -------
    A : ndarray, shape (n, 1)
        The output probabilities.
    shapes : list of tuple
        Per layer ``(A_prev.shape, W.shape, b.shape, Z.shape)``.
    """
    A = _validate.matrix(X, "X", n_cols=model.sizes[0])
    shapes = []
    for l, (W, b) in enumerate(zip(model.weights, model.biases), start=1):
        Z = A @ W + b
        shapes.append((A.shape, W.shape, b.shape, Z.shape))
        A = (
            activations.sigmoid(Z)
            if l == model.n_layers
            else activations.activate(model.activation, Z)
        )
    return A, shapes


def collapse_linear(model: MLP):
    """The single affine map that a stack of linear layers computes.

    For ``Z_l = A_{l-1} @ W_l + b_l`` with the identity as activation, the whole network is
    ``X @ W + b`` with ``W = W_1 @ W_2 @ ... @ W_L`` and
    ``b = (...((b_1 @ W_2 + b_2) @ W_3 + b_3)...) @ W_L + b_L``.

    Returns
    -------
    W : ndarray, shape (sizes[0], sizes[-1])
    b : ndarray, shape (sizes[-1],)
    """
    if model.activation != "linear":
        raise ValueError(
            f"collapse_linear needs a network with activation='linear'; got {model.activation!r}"
        )
    W = np.eye(model.sizes[0])
    b = np.zeros(model.sizes[0])
    for Wl, bl in zip(model.weights, model.biases):
        W = W @ Wl
        b = b @ Wl + bl
    return W, b


def linear_versus_nonlinear(
    activations_=("linear", "tanh"),
    *,
    hidden=(16, 16),
    dataset: str = "circles",
    epochs: int = 1000,
    lr: float = 0.5,
    seed: int = 0,
) -> dict:
    """Train the same network with each hidden activation on a dataset that needs a curve.

    Xavier-normal weights (seed ``seed``), zero biases, 200 points of ``dataset`` (data seed 0).

    Returns
    -------
    dict
        activation -> ``{"model", "history", "accuracy", "loss"}``, plus ``"X"`` and ``"y"``.
    """
    X, y = datasets.make_dataset(dataset, 200, rng=np.random.default_rng(0))
    out = {"X": X, "y": y}
    for act in activations_:
        model = MLP([2, *hidden, 1], activation=act, init="xavier_normal", seed=seed)
        history = train(model, X, y, epochs=epochs, lr=lr)
        out[act] = {
            "model": model,
            "history": history,
            "accuracy": history.final_accuracy,
            "loss": history.final_loss,
        }
    return out


def one_weight_problem(n: int = 100, *, seed: int = 0):
    """A one-dimensional classification problem for the gradient-descent picture.

    Class 0 at x ~ N(-1, 1), class 1 at x ~ N(+1, 1) (the classes overlap, so the best weight is
    finite). The model is a single sigmoid unit without bias, ``p = sigmoid(w x)``.

    Returns
    -------
    x : ndarray, shape (n,)
    y : ndarray, shape (n,)
    """
    rng = np.random.default_rng(seed)
    n0 = n // 2
    x = np.concatenate([rng.normal(-1.0, 1.0, n0), rng.normal(1.0, 1.0, n - n0)])
    y = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    return x, y


def one_weight_loss(w, x, y):
    """Binary cross-entropy of ``p = sigmoid(w x)`` for each weight in ``w`` (any shape)."""
    w = np.asarray(w, dtype=np.float64)
    z = w[..., None] * x
    return np.mean(activations.softplus(z) - y * z, axis=-1)


def one_weight_gradient(w: float, x, y) -> float:
    """dLoss/dw of :func:`one_weight_loss`: mean((sigmoid(w x) - y) x)."""
    return float(np.mean((activations.sigmoid(w * x) - y) * x))


def gradient_descent_1d(*, w0: float = -2.0, lr: float = 1.0, steps: int = 12, seed: int = 0):
    """Gradient descent on the single weight of :func:`one_weight_problem`.

    Returns
    -------
    ws : ndarray, shape (steps + 1,)
        The weight before each step (``ws[0] = w0``).
    losses : ndarray, shape (steps + 1,)
    """
    x, y = one_weight_problem(seed=seed)
    ws = [float(w0)]
    for _ in range(steps):
        ws.append(ws[-1] - lr * one_weight_gradient(ws[-1], x, y))
    ws = np.array(ws)
    return ws, one_weight_loss(ws, x, y)


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


# ---------------------------------------------------------------------------- 03 scale


def gaussian_inputs(n_samples: int, width: int, *, seed: int = 0) -> np.ndarray:
    """Inputs with independent N(0, 1) entries, shape ``(n_samples, width)``: the standard setting
    in which the initialisation papers compute how the variance flows through a network."""
    return np.random.default_rng(seed).normal(size=(n_samples, width))


def deep_forward_stds(
    activation: str = "tanh",
    *,
    scale: float = 0.01,
    depth: int = 10,
    width: int = 256,
    init: str = "normal",
    bias="zeros",
    n_samples: int = 500,
    seed: int = 0,
) -> np.ndarray:
    """Standard deviation of each hidden layer's activations in a deep, square network.

    ``depth`` hidden layers of ``width`` units (plus a sigmoid output that is not reported),
    weights from ``init`` with ``scale`` (for ``normal``: N(0, scale^2)), fed N(0, 1) inputs.

    Returns
    -------
    ndarray, shape (depth,)
        ``std(A_l)`` for l = 1..depth.
    """
    X = gaussian_inputs(n_samples, width, seed=seed)
    model = MLP(
        [width] * (depth + 1) + [1],
        activation=activation,
        init=init,
        scale=scale,
        bias=bias,
        seed=seed,
    )
    return diagnostics.forward_std(model, X)[:-1]


def saturation_versus_scale(
    scales,
    *,
    activation: str = "sigmoid",
    fan_in: int = 100,
    units: int = 100,
    n_samples: int = 1000,
    seed: int = 0,
):
    """Saturated fraction of one layer's units against the weight scale: measured and theory.

    Inputs ``X`` ~ N(0, 1) of shape (n_samples, fan_in), weights N(0, scale^2) of shape
    (fan_in, units), ``Z = X @ W`` so that ``std(z) = scale * sqrt(fan_in)``. A unit is saturated
    where ``|z| > SATURATION_Z[activation]``; the theory is
    :func:`helpers.diagnostics.saturated_fraction_theory` (an erfc).

    Returns
    -------
    measured, theory : ndarray, shape (len(scales),)
    """
    X = gaussian_inputs(n_samples, fan_in, seed=seed)
    W = np.random.default_rng(seed + 1).normal(size=(fan_in, units))  # rescaled per scale below
    measured, theory = [], []
    for s in np.asarray(scales, dtype=np.float64):
        measured.append(diagnostics.saturated_fraction(X @ (s * W), activation))
        theory.append(diagnostics.saturated_fraction_theory(s * np.sqrt(fan_in), activation))
    return np.array(measured), np.array(theory)


def backward_through_saturation(
    activation: str = "tanh",
    *,
    scale: float = 1.0,
    depth: int = 10,
    width: int = 100,
    n_samples: int = 500,
    seed: int = 0,
) -> dict:
    """Send a unit-variance signal backwards through a deep net and measure it at each layer.

    The network is ``depth`` hidden layers of ``width`` units with N(0, scale^2) weights and zero
    biases, on N(0, 1) inputs. A random N(0, 1) signal (seeded) enters at the logits, as in
    :func:`helpers.diagnostics.backward_std`.

    Going back through hidden layer ``l``, the gradient is multiplied by the derivative ``f'(Z_l)``
    and then by ``W_l^T``. For independent weights of variance ``scale^2`` this multiplies its
    standard deviation by about ``sqrt(width * scale^2 * mean(f'(Z_l)^2))`` (LeCun et al. 1998;
    Glorot & Bengio 2010): small derivatives shrink it, large weights grow it.

    Returns
    -------
    dict with arrays of shape (depth,), index 0 = hidden layer 1:
        ``saturated``  fraction of saturated units in layer l (0 for relu and linear),
        ``mean_slope`` mean of f'(Z_l) over samples and units,
        ``grad_std``   std of dLoss/dA_l, the gradient reaching the outputs of layer l,
        ``factor``     measured std(dA_{l-1}) / std(dA_l) (for l = 1: the gradient reaching X),
        ``predicted``  sqrt(width * scale^2 * mean(f'(Z_l)^2)).
    """
    X = gaussian_inputs(n_samples, width, seed=seed)
    model = MLP(
        [width] * (depth + 1) + [1], activation=activation, init="normal", scale=scale, seed=seed
    )
    _, cache = model.forward(X)
    signal = np.random.default_rng(seed).normal(size=cache.logits.shape)
    grads = model.backward_from_delta(cache, signal)
    layers = range(1, depth + 1)
    slopes = [activations.derivative(activation, cache.pre[l]) for l in layers]
    grad_std = np.array([diagnostics.std(grads.dA[l]) for l in layers])
    below = np.array([diagnostics.std(grads.dA[l - 1]) for l in layers])
    return {
        "saturated": np.array(
            [diagnostics.saturated_fraction(cache.pre[l], activation) for l in layers]
        ),
        "mean_slope": np.array([float(np.mean(s)) for s in slopes]),
        "grad_std": grad_std,
        "factor": below / grad_std,
        "predicted": np.array([np.sqrt(width * scale**2 * np.mean(s * s)) for s in slopes]),
    }


def dead_relu_versus_scale(
    scales,
    *,
    bias="zeros",
    depth: int = 10,
    width: int = 100,
    n_samples: int = 500,
    seed: int = 0,
) -> np.ndarray:
    """Fraction of dead ReLU units (z <= 0 on every sample) per layer, for each weight scale.

    ``depth`` hidden ReLU layers of ``width`` units, N(0, scale^2) weights, biases as
    :class:`MLP`'s ``bias`` (``"zeros"``, or ``"torch"`` for PyTorch's U(-1/sqrt(fan_in),
    1/sqrt(fan_in))), N(0, 1) inputs.

    Returns
    -------
    ndarray, shape (len(scales), depth)
    """
    X = gaussian_inputs(n_samples, width, seed=seed)
    rows = []
    for s in scales:
        model = MLP(
            [width] * (depth + 1) + [1],
            activation="relu",
            init="normal",
            scale=s,
            bias=bias,
            seed=seed,
        )
        _, cache = model.forward(X)
        rows.append([diagnostics.dead_fraction(cache.pre[l]) for l in range(1, depth + 1)])
    return np.array(rows)


def loss_at_initialisation(
    scale: float, *, hidden: int = 256, activation: str = "tanh", seed: int = 0
) -> dict:
    """The loss of a freshly initialised ``2-hidden-1`` network on the moons, computed twice.

    Weights N(0, scale^2), zero biases, 200 points of ``make_moons`` (data seed 0).

    Returns
    -------
    dict
        ``naive``: the textbook formula on probabilities (``activations.bce_naive``; ``inf`` once a
        probability rounds to exactly 0 or 1 on the wrong side); ``from_logits``: the same loss
        computed from the logits (``activations.bce_with_logits``); ``rounded``: fraction of
        samples whose probability is exactly 0.0 or 1.0 in float64; ``max_logit``: the largest
        ``|z|``.
    """
    X, y = datasets.make_moons(200, rng=np.random.default_rng(0))
    model = MLP([2, hidden, 1], activation=activation, init="normal", scale=scale, seed=seed)
    p, cache = model.forward(X)
    z = cache.logits[:, 0]
    return {
        "naive": activations.bce_naive(p[:, 0], y),
        "from_logits": activations.bce_with_logits(z, y),
        "rounded": float(np.mean((p == 0.0) | (p == 1.0))),
        "max_logit": float(np.max(np.abs(z))),
    }


def largest_safe_scale(
    fan_in: int, *, activation: str = "sigmoid", threshold: float = 0.05
) -> float:
    """The largest weight std for which at most ``threshold`` of the units saturate (theory).

    With N(0, 1) inputs, ``z`` ~ N(0, scale^2 * fan_in); the saturated fraction
    ``erfc(t / (scale * sqrt(2 fan_in)))`` equals ``threshold`` at
    ``scale = t / (sqrt(fan_in) * Phi^-1(1 - threshold / 2))``, with
    ``t = SATURATION_Z[activation]`` and ``Phi^-1`` the standard normal quantile function.
    """
    fan_in = _validate.positive_int(fan_in, "fan_in")
    threshold = _validate.real(threshold, "threshold", positive=True)
    if activation not in activations.SATURATION_Z:
        raise ValueError(
            f"only {', '.join(activations.SATURATION_Z)} saturate; got activation {activation!r}"
        )
    t = activations.SATURATION_Z[activation]
    return t / (np.sqrt(fan_in) * NormalDist().inv_cdf(1.0 - threshold / 2.0))


# ======================================================================= notebooks 04-06

from dataclasses import field  # noqa: E402  (this section's own imports)

from . import init as schemes  # noqa: E402

# ---------------------------------------------------------------------------- 04 Xavier and He

SECOND_MOMENT_FACTOR = {"linear": 1.0, "tanh": 1.0, "relu": 0.5, "leaky_relu": None}
"""``c`` in ``E[f(z)^2] = c * Var(z)`` and ``E[f'(z)^2] = c`` for zero-mean, symmetric ``z``.

Exact for ``linear``, ``relu`` (half of a symmetric distribution is cut off) and ``leaky_relu``
(``(1 + a^2) / 2``, filled in below); for ``tanh`` it is the small-signal value (``tanh z ~ z``
near 0), an upper bound that the real, contracting ``tanh`` stays below. ``sigmoid`` has no entry:
``sigmoid(0) = 1/2``, so its outputs are not zero-mean and the simple rule does not apply.
"""
SECOND_MOMENT_FACTOR["leaky_relu"] = (1.0 + activations.LEAKY_SLOPE**2) / 2.0


def variance_rules(*, seed: int = 0) -> list:
    """Check the three rules behind every variance-preserving scheme by sampling.

    1. A sum of ``fan_in`` independent products with zero-mean weights:
       ``Var(z) = fan_in * Var(w) * E[x^2]`` (``= fan_in Var(w) Var(x)`` for zero-mean ``x``);
       here ``fan_in = 400``, ``w ~ N(0, 0.05^2)``, ``x ~ N(0, 2^2)``, so 400 * 0.0025 * 4 = 4.
    2. The variance of U(-a, a) is ``a^2 / 3`` (``a = 0.3``: 0.03), which turns a std into the
       bound of a uniform scheme, ``a = sqrt(3) * std``.
    3. ReLU keeps half of the second moment of a symmetric input: ``E[relu(z)^2] = Var(z) / 2``
       (``z ~ N(0, 2^2)``: 2).

    Returns
    -------
    list of (rule, measured, theory)
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 2.0, size=(2000, 400))
    W = rng.normal(0.0, 0.05, size=(400, 200))
    u = rng.uniform(-0.3, 0.3, size=200_000)
    z = rng.normal(0.0, 2.0, size=200_000)
    return [
        ("Var(z) = fan_in Var(w) Var(x)", float(np.var(X @ W)), 400 * 0.05**2 * 2.0**2),
        ("Var(U(-a, a)) = a^2 / 3, a = 0.3", float(np.var(u)), 0.3**2 / 3.0),
        ("E[relu(z)^2] = Var(z) / 2", float(np.mean(activations.relu(z) ** 2)), 2.0**2 / 2.0),
    ]


def _variance_flow(sizes, variances, activation: str) -> dict:
    """Small-signal prediction of the forward and backward std through a network.

    Inputs have second moment 1; a unit-variance signal enters backwards at the (linear) output.
    ``variances[i]`` is the weight variance of layer ``i + 1``. Returns the predicted std of the
    pre-activations ``Z_l`` and of the gradients ``dA_l`` reaching the outputs of hidden layers
    ``l = 1..L-1`` (and ``dA_0``, the gradient at the input).
    """
    c = SECOND_MOMENT_FACTOR.get(activation)
    if c is None:
        raise ValueError(
            f"no simple variance rule for activation {activation!r}; "
            f"use one of {', '.join(SECOND_MOMENT_FACTOR)}"
        )
    L = len(sizes) - 1
    z_var, m2 = [], 1.0
    for l in range(1, L):
        z_var.append(sizes[l - 1] * variances[l - 1] * m2)
        m2 = c * z_var[-1]
    g_var = [0.0] * L  # g_var[l] = Var(dA_l), l = 0..L-1
    g_var[L - 1] = sizes[L] * variances[L - 1]
    for l in range(L - 1, 0, -1):
        g_var[l - 1] = sizes[l] * variances[l - 1] * c * g_var[l]
    return {
        "z_std": np.sqrt(z_var),
        "grad_std": np.sqrt(g_var[1:]),
        "grad_input": float(np.sqrt(g_var[0])),
    }


def _measure_flow(model: MLP, X: np.ndarray, *, seed: int) -> dict:
    """Forward statistics of every hidden layer, and the std of a random N(0, 1) signal sent back
    from the output (seeded) as it reaches each hidden layer's outputs."""
    _, cache = model.forward(X)
    hidden = range(1, model.n_layers)
    signal = np.random.default_rng(seed + 1).normal(size=cache.logits.shape)
    grads = model.backward_from_delta(cache, signal)
    return {
        "z_std": np.array([diagnostics.std(cache.pre[l]) for l in hidden]),
        "a_std": np.array([diagnostics.std(cache.post[l]) for l in hidden]),
        "a_rms": np.array([diagnostics.rms(cache.post[l]) for l in hidden]),
        "saturated": np.array(
            [diagnostics.saturated_fraction(cache.pre[l], model.activation) for l in hidden]
        ),
        "grad_std": np.array([diagnostics.std(grads.dA[l]) for l in hidden]),
        "grad_input": diagnostics.std(grads.dA[0]),
    }


def signal_profile(
    init: str,
    activation: str,
    *,
    depth: int = 10,
    width: int = 512,
    scale: float = 1.0,
    n_samples: int = 128,
    seed: int = 0,
) -> dict:
    """How the signal's size changes through a deep, square network, forward and backward.

    The network has ``depth`` hidden layers of ``width`` units and a linear output of ``width``
    units, weights from ``init`` times ``scale``, zero biases; inputs are N(0, 1)
    (:func:`gaussian_inputs`, shape ``(n_samples, width)``). Backwards, an N(0, 1) signal enters at
    the output, as in :func:`helpers.diagnostics.backward_std`.

    Returns
    -------
    dict of arrays of shape (depth,), index 0 = hidden layer 1:
        ``z_std``, ``a_std``, ``a_rms`` (root mean square of the activations, the square root of
        their second moment), ``saturated`` (tanh/sigmoid), ``grad_std`` (std of ``dA_l``);
        ``grad_input`` (float, the gradient reaching the inputs);
        ``theory_z``, ``theory_a`` (predicted ``a_rms``), ``theory_grad``: the variance rule's
        prediction (exact in expectation for linear and ReLU units, the small-signal value for
        tanh; None for sigmoid); and ``model``.
    """
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    sizes = [width] * (depth + 2)
    model = MLP(sizes, activation=activation, output="linear", init=init, scale=scale, seed=seed)
    out = _measure_flow(model, gaussian_inputs(n_samples, width, seed=seed), seed=seed)
    out["model"] = model
    out["theory_z"] = out["theory_a"] = out["theory_grad"] = None
    if activation in SECOND_MOMENT_FACTOR:
        var = [schemes.std(init, a, b, scale=scale) ** 2 for a, b in zip(sizes[:-1], sizes[1:])]
        th = _variance_flow(sizes, var, activation)
        out["theory_z"] = th["z_std"]
        out["theory_a"] = th["z_std"] * np.sqrt(SECOND_MOMENT_FACTOR[activation])
        out["theory_grad"] = th["grad_std"]
    return out


TANH_CASES = (
    ("0.01 N(0,1)", "normal", 0.01),
    ("N(0,1)", "normal", 1.0),
    ("LeCun", "lecun_normal", 1.0),
    ("Xavier", "xavier_normal", 1.0),
)
"""(label, scheme, scale) of the deep tanh experiment of notebook 04."""


def format_profiles(profiles: dict, layers=(1, 5, 10), *, rms: bool = False) -> str:
    """A table of :func:`signal_profile` results, one line per label: the activations' std (or
    root mean square, ``rms=True``) at ``layers`` (1-based), the saturated fraction of the last
    layer, and the gradient's std at layer 1 and at the last layer. Values to 3 significant
    digits."""
    what = "RMS" if rms else "std"
    w = max(len(label) for label in profiles) + 1
    head = "".join(f"{f'{what}(A_{l})':>10}" for l in layers)
    lines = [f"{'':<{w}}{head}{'saturated':>10}{'grad at 1':>10}{'grad at L':>10}"]
    for label, p in profiles.items():
        a = p["a_rms"] if rms else p["a_std"]
        cols = "".join(f"{a[l - 1]:>10.3g}" for l in layers)
        g = p["grad_std"]
        lines.append(f"{label:<{w}}{cols}{p['saturated'][-1]:>10.1%}{g[0]:>10.3g}{g[-1]:>10.3g}")
    return "\n".join(lines)


FAN_MODES = ("fan_in", "fan_out", "fan_avg")
"""Which fan sets the weight variance ``1 / n``: LeCun's forward condition (``fan_in``), the
backward condition (``fan_out``), or Glorot & Bengio's compromise (``fan_avg``, the average,
i.e. ``2 / (fan_in + fan_out)``). The names are Keras's ``VarianceScaling`` modes."""


def funnel_profile(
    mode: str,
    *,
    sizes=(1024, 512, 256, 128, 64, 32, 16),
    n_samples: int = 128,
    seed: int = 0,
) -> dict:
    """Forward and backward std through a *linear* network whose layers halve in width.

    Weights are N(0, 1/n) with ``n`` the layer's ``fan_in``, ``fan_out`` or their average
    (``mode``, see :data:`FAN_MODES`). With equal widths the three coincide; here they differ,
    and a linear network makes the variance rule exact (in expectation), so the measurement can be
    compared with the prediction layer by layer.

    Returns
    -------
    dict
        ``z_std`` and ``grad_std`` (shape (L-1,), hidden layers 1..L-1), their predictions
        ``theory_z`` and ``theory_grad``, and the per-layer factors ``forward_factor``
        (``sqrt(fan_in / n)``) and ``backward_factor`` (``sqrt(fan_out / n)``).
    """
    mode = _validate.choice(mode, FAN_MODES, "mode")
    sizes = [_validate.positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    model = MLP(sizes, activation="linear", output="linear", init="normal", seed=seed)
    rng = np.random.default_rng(seed)
    fans = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        model.weights[i] = rng.normal(0.0, np.sqrt(1.0 / n), size=(fan_in, fan_out))
        fans.append((fan_in, fan_out, n))
    out = _measure_flow(model, gaussian_inputs(n_samples, sizes[0], seed=seed), seed=seed)
    th = _variance_flow(sizes, [1.0 / n for _, _, n in fans], "linear")
    return {
        "z_std": out["z_std"],
        "grad_std": out["grad_std"],
        "theory_z": th["z_std"],
        "theory_grad": th["grad_std"],
        "forward_factor": np.array([np.sqrt(a / n) for a, _, n in fans]),
        "backward_factor": np.array([np.sqrt(b / n) for _, b, n in fans]),
    }


GAIN_CASES = (
    ("tanh", "xavier_normal", 1.0, "Xavier"),
    ("tanh", "xavier_normal", 5.0 / 3.0, "Xavier x gain 5/3"),
    ("tanh", "he_normal", 1.0, "He (mismatch)"),
    ("relu", "xavier_normal", 1.0, "Xavier (mismatch)"),
    ("relu", "xavier_normal", float(np.sqrt(2.0)), "Xavier x gain sqrt 2"),
    ("relu", "he_normal", 1.0, "He"),
)
"""(activation, scheme, scale, label) of the gain experiment of notebook 04."""


def gain_experiment(*, depth: int = 30, width: int = 256, n_samples: int = 128, seed: int = 0):
    """Each case of :data:`GAIN_CASES` through ``depth`` square layers: what a mismatched scheme
    does and what the gain fixes.

    Returns
    -------
    list of dict
        Per case: ``activation``, ``label``, ``scale``, ``a_rms_last`` (root mean square of the
        last hidden layer's activations), ``saturated_last``, ``grad_first`` (std of the
        gradient reaching hidden layer 1) and the full ``profile``
        (:func:`signal_profile`).
    """
    rows = []
    for activation, init, scale, label in GAIN_CASES:
        p = signal_profile(
            init,
            activation,
            depth=depth,
            width=width,
            scale=scale,
            n_samples=n_samples,
            seed=seed,
        )
        rows.append(
            {
                "activation": activation,
                "label": label,
                "scale": scale,
                "a_rms_last": float(p["a_rms"][-1]),
                "saturated_last": float(p["saturated"][-1]),
                "grad_first": float(p["grad_std"][0]),
                "profile": p,
            }
        )
    return rows


def library_equivalents(fan_in: int = 256, fan_out: int = 128, *, seed: int = 0) -> list:
    """The library initialisers, their documented formulas, and the same numbers from helpers.init.

    Formulas as documented by ``torch.nn.init`` (``xavier_*_``, ``kaiming_*_`` with
    ``gain = calculate_gain(nonlinearity, a)``), ``torch.nn.Linear.reset_parameters`` and
    ``keras.initializers`` / ``keras.layers.Dense``; Keras's ``*Normal`` initialisers draw a normal
    truncated at two standard deviations, rescaled so that the std is the formula's.

    Returns
    -------
    list of dict
        ``library``, ``formula`` (text), ``documented`` (the formula's value at ``fan_in``,
        ``fan_out``, computed here from the documentation), ``ours`` (the same quantity from
        :mod:`helpers.init` or :class:`MLP`), ``kind`` (``"bound"``, ``"std"`` or ``"bias"``) and
        ``drawn_std`` (std of a matrix drawn by the helpers) with ``expected_std``.
    """
    fi, fo = _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")
    rng = np.random.default_rng(seed)
    linear_gain = np.sqrt(2.0 / (1.0 + 5.0))  # calculate_gain("leaky_relu", a=sqrt(5))
    spec = [
        # library, formula, documented value, kind, helpers scheme, scale
        ("torch xavier_uniform_ | Keras GlorotUniform", "sqrt(6/(fan_in+fan_out))",
         np.sqrt(6.0 / (fi + fo)), "bound", "xavier_uniform", 1.0),
        ("torch xavier_normal_ | Keras GlorotNormal", "sqrt(2/(fan_in+fan_out))",
         np.sqrt(2.0 / (fi + fo)), "std", "xavier_normal", 1.0),
        ("torch kaiming_uniform_(relu) | Keras HeUniform", "sqrt(6/fan_in)",
         np.sqrt(6.0 / fi), "bound", "he_uniform", 1.0),
        ("torch kaiming_normal_(relu) | Keras HeNormal", "sqrt(2/fan_in)",
         np.sqrt(2.0 / fi), "std", "he_normal", 1.0),
        ("torch kaiming_uniform_(linear) | Keras LecunUniform", "sqrt(3/fan_in)",
         np.sqrt(3.0 / fi), "bound", "lecun_uniform", 1.0),
        ("torch kaiming_normal_(linear) | Keras LecunNormal", "sqrt(1/fan_in)",
         np.sqrt(1.0 / fi), "std", "lecun_normal", 1.0),
        ("torch nn.Linear weight: kaiming_uniform_(a=sqrt 5)", "sqrt(2/(1+5)) sqrt(3/fan_in)",
         linear_gain * np.sqrt(3.0 / fi), "bound", "he_uniform", 1.0 / np.sqrt(6.0)),
    ]  # fmt: skip
    rows = []
    for library, formula, documented, kind, scheme, scale in spec:
        W = schemes.initialize(scheme, fi, fo, scale=scale, rng=rng)
        theory_std = schemes.std(scheme, fi, fo, scale=scale)
        ours = schemes.bound(scheme, fi, fo, scale=scale) if kind == "bound" else theory_std
        rows.append(
            {
                "library": library,
                "formula": formula,
                "documented": float(documented),
                "ours": float(ours),
                "kind": kind,
                "drawn_std": diagnostics.std(W),
                "expected_std": float(theory_std),
            }
        )
    for library, formula, documented, bias in [
        ("torch nn.Linear bias", "U(-1/sqrt(fan_in), 1/sqrt(fan_in))", 1.0 / np.sqrt(fi), "torch"),
        ("Keras Dense bias", "bias_initializer='zeros'", 0.0, "zeros"),
    ]:
        b = MLP([fi, fo], output="linear", bias=bias, seed=seed).biases[0]
        rows.append(
            {
                "library": library,
                "formula": formula,
                "documented": float(documented),
                "ours": float(np.max(np.abs(b))),  # largest |b|: at most the bound
                "kind": "bias",
                "drawn_std": diagnostics.std(b),
                "expected_std": float(documented / np.sqrt(3.0)),
            }
        )
    return rows


def format_library_table(rows) -> str:
    """:func:`library_equivalents` as text: the weight rows (documented value, the same from
    helpers.init, std of a drawn matrix), then the bias rows (bound and the largest drawn |b|).
    Values to 4 significant digits."""
    weights = [r for r in rows if r["kind"] != "bias"]
    biases = [r for r in rows if r["kind"] == "bias"]
    w = max(len(r["library"]) for r in rows)
    f = max(len(r["formula"]) for r in rows)
    lines = [
        f"{'weights':<{w}}  {'formula':<{f}}  {'documented':>10}  {'helpers':>8}  {'drawn std':>9}"
    ]
    for r in weights:
        lines.append(
            f"{r['library']:<{w}}  {r['formula']:<{f}}  {r['documented']:>10.4g}  "
            f"{r['ours']:>8.4g}  {r['drawn_std']:>9.4g}"
        )
    lines += [
        "",
        f"{'biases':<{w}}  {'rule':<{f}}  {'bound':>10}  {'max |b|':>8}  {'drawn std':>9}",
    ]
    for r in biases:
        lines.append(
            f"{r['library']:<{w}}  {r['formula']:<{f}}  {r['documented']:>10.4g}  "
            f"{r['ours']:>8.4g}  {r['drawn_std']:>9.4g}"
        )
    return "\n".join(lines)


def weight_statistics(W, scheme: str, fan_in: int, fan_out: int) -> dict:
    """Compare a drawn matrix with what ``scheme`` should give (used by the checks of notebook 04).

    Returns
    -------
    dict
        ``std`` and ``expected_std``, ``ratio`` (their quotient), ``mean`` with its standard error
        ``mean_se``, ``max_abs``, ``bound`` (uniform schemes; else None) and ``excess_kurtosis``
        (-1.2 for a uniform distribution, 0 for a normal one).
    """
    W = np.asarray(W, dtype=np.float64)
    expected = schemes.std(scheme, fan_in, fan_out)
    s = float(np.std(W))
    centred = W - W.mean()
    kurt = float(np.mean(centred**4) / s**4 - 3.0) if s > 0 else float("nan")
    uniform = scheme in ("uniform", "lecun_uniform", "xavier_uniform", "he_uniform")
    return {
        "std": s,
        "expected_std": expected,
        "ratio": s / expected if expected > 0 else float("nan"),
        "mean": float(W.mean()),
        "mean_se": expected / np.sqrt(W.size),
        "max_abs": float(np.max(np.abs(W))),
        "bound": schemes.bound(scheme, fan_in, fan_out) if uniform else None,
        "excess_kurtosis": kurt,
    }


# ---------------------------------------------------------------------------- 05 training compared


class ProgressBar:
    """A progress bar for a long loop: an ipywidgets ``IntProgress`` in a notebook, else silent.

    Call it as ``bar(done, total)`` (the signature of the ``progress`` callbacks of the sweeps
    below). In a notebook the bar is displayed on the first call; its text form names only the
    loop and its length, so a re-run notebook shows the same output (nbval compares it).

    Parameters
    ----------
    description : str
        What is counted, e.g. ``"seeds"``.
    """

    def __init__(self, description: str = "runs"):
        self.description = str(description)
        self.widget = None

    def _show(self, total: int) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython comes with Jupyter
            return
        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return  # plain Python or a test: no bar
        import ipywidgets as widgets

        self.widget = widgets.IntProgress(
            value=0, min=0, max=total, description=self.description, bar_style="info"
        )
        display(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/plain"] = f"progress: {self.widget.max} {self.description}"
        return bundle

    def __call__(self, done: int, total: int) -> None:
        if self.widget is None and done == 0:
            self._show(total)
        if self.widget is not None:
            self.widget.value = done
            if done >= total:
                self.widget.bar_style = "success"


def _report(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


@dataclass
class TrainingResult:
    """One training run of notebook 05's comparison."""

    dataset: str
    label: str
    init: str
    scale: float
    activation: str
    history: History
    model: MLP
    test_accuracy: float
    target: float

    @property
    def final_loss(self) -> float:
        return self.history.final_loss

    @property
    def train_accuracy(self) -> float:
        return self.history.final_accuracy

    @property
    def epochs_to_target(self) -> int | None:
        return self.history.epochs_to(self.target)

    @property
    def title(self) -> str:
        """``"label, activation"``, for legends."""
        return f"{self.label}, {self.activation}"


COMPARISON_CONFIGS = (
    ("zeros", "zeros", 1.0, "tanh"),
    ("constant 0.5", "constant", 0.5, "tanh"),
    ("too small N(0,0.01^2)", "normal", 0.01, "tanh"),
    ("too small N(0,0.01^2)", "normal", 0.01, "relu"),
    ("too large N(0,10^2)", "normal", 10.0, "tanh"),
    ("too large N(0,10^2)", "normal", 10.0, "relu"),
    ("Xavier normal", "xavier_normal", 1.0, "tanh"),
    ("He normal", "he_normal", 1.0, "relu"),
)
"""(label, scheme, scale, activation) of the comparison in notebook 05."""


def comparison_data(name: str, *, n: int = 400, seed: int = 0):
    """``make_dataset(name, n)`` split 3:1 into ``X_train, X_test, y_train, y_test``."""
    X, y = datasets.make_dataset(name, n, rng=np.random.default_rng(seed))
    return datasets.train_test_split(X, y, rng=np.random.default_rng(seed + 1))


def compare_initialisations(
    names=("moons", "circles", "spirals"),
    configs=COMPARISON_CONFIGS,
    *,
    hidden=(16, 16),
    epochs: int = 1000,
    lr: float = 0.3,
    target: float = 0.2,
    seed: int = 0,
    progress=None,
) -> list:
    """Train the same ``2-16-16-1`` network on each dataset under each initialisation.

    Full-batch gradient descent, ``epochs`` epochs at learning rate ``lr``; data from
    :func:`comparison_data` (400 points, 300 to train on); weights drawn with ``seed``.
    ``progress(done, total)`` is called after each run (e.g. a :class:`ProgressBar`).

    Returns
    -------
    list of TrainingResult
        In the order dataset, then config.
    """
    hidden = [_validate.positive_int(h, "hidden width") for h in hidden]
    results = []
    total = len(names) * len(configs)
    _report(progress, 0, total)
    for name in names:
        X, X_test, y, y_test = comparison_data(name, seed=seed)
        for label, init, scale, activation in configs:
            model = MLP([2, *hidden, 1], activation=activation, init=init, scale=scale, seed=seed)
            history = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
            results.append(
                TrainingResult(
                    dataset=name,
                    label=label,
                    init=init,
                    scale=scale,
                    activation=activation,
                    history=history,
                    model=model,
                    test_accuracy=model.accuracy(X_test, y_test),
                    target=target,
                )
            )
            _report(progress, len(results), total)
    return results


def format_results(results) -> str:
    """A text table: dataset, initialisation, activation, final loss, train/test accuracy, epochs
    to reach the target loss (``never`` if not reached)."""
    head = (
        f"{'dataset':<8} {'initialisation':<22} {'act.':<5} {'loss':>7} {'train':>6} "
        f"{'test':>6} {'epochs to':>9}"
    )
    target = results[0].target if results else 0.0
    lines = [head, f"{'':<64}{f'loss {target:g}':>9}"]
    for r in results:
        e = r.epochs_to_target
        lines.append(
            f"{r.dataset:<8} {r.label:<22} {r.activation:<5} {r.final_loss:7.3f} "
            f"{r.train_accuracy:6.1%} {r.test_accuracy:6.1%} {'never' if e is None else e:>9}"
        )
    return "\n".join(lines)


def reference_data(*, seed: int = 0):
    """Data like the well-known course exercise: two circles (factor 0.8, noise 0.05), 300
    training points from ``default_rng(seed)`` and 100 test points from ``default_rng(seed + 1)``.

    Returns ``X_train, y_train, X_test, y_test``.
    """
    X, y = datasets.make_circles(300, noise=0.05, factor=0.8, rng=np.random.default_rng(seed))
    Xt, yt = datasets.make_circles(100, noise=0.05, factor=0.8, rng=np.random.default_rng(seed + 1))
    return X, y, Xt, yt


REFERENCE_RUNS = (
    ("zeros", "zeros", 1.0),
    ("N(0,1) x 10", "normal", 10.0),
    ("He", "he_normal", 1.0),
)
"""(label, scheme, scale) of the reference experiment."""


def reference_experiment(
    init: str, scale: float = 1.0, *, seed: int = 0, epochs: int = 15000, lr: float = 0.01
) -> dict:
    """A ``2-10-5-1`` ReLU network (sigmoid output, zero biases) on :func:`reference_data`,
    ``epochs`` full-batch gradient-descent steps at learning rate ``lr``.

    Returns
    -------
    dict
        ``loss_start``, ``loss`` (final), ``train_accuracy``, ``test_accuracy``, ``history``,
        ``model``, and the data ``X``, ``y``.
    """
    X, y, Xt, yt = reference_data(seed=seed)
    model = MLP([2, 10, 5, 1], activation="relu", init=init, scale=scale, seed=seed)
    history = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
    return {
        "loss_start": float(history.loss[0]),
        "loss": history.final_loss,
        "train_accuracy": history.final_accuracy,
        "test_accuracy": model.accuracy(Xt, yt),
        "history": history,
        "model": model,
        "X": X,
        "y": y,
    }


def format_reference(runs: dict, *, seed: int = 0) -> str:
    """:func:`reference_experiment` results (label -> dict) as a table: loss at step 0, final loss,
    train and test accuracy."""
    lines = [f"seed {seed:<7} {'loss at step 0':>14} {'after 15000':>11} {'train':>6} {'test':>6}"]
    for label, r in runs.items():
        lines.append(
            f"{label:<12} {r['loss_start']:14.4g} {r['loss']:11.4f} "
            f"{r['train_accuracy']:6.1%} {r['test_accuracy']:6.1%}"
        )
    return "\n".join(lines)


@dataclass
class RestartSweep:
    """The same network trained from many random starts (notebook 05, section on restarts)."""

    seeds: np.ndarray
    final_loss: np.ndarray
    accuracy: np.ndarray
    losses: list
    models: list
    X: np.ndarray
    y: np.ndarray
    dead_at_start: np.ndarray
    dead_at_end: np.ndarray

    def stuck(self, threshold: float = 0.3) -> np.ndarray:
        """Boolean mask of the runs whose final loss stayed above ``threshold``."""
        return self.final_loss > threshold

    @property
    def best(self) -> int:
        """Index of the run with the lowest final loss."""
        return int(np.argmin(self.final_loss))

    def best_of(self, k: int, threshold: float = 0.3) -> float:
        """Fraction of groups of ``k`` consecutive runs in which the best run is not stuck
        (every group has ``k`` different seeds; leftover runs are dropped)."""
        k = _validate.positive_int(k, "k")
        groups = len(self.final_loss) // k
        if groups == 0:
            raise ValueError(f"k = {k} is more than the {len(self.final_loss)} runs")
        best = self.final_loss[: groups * k].reshape(groups, k).min(axis=1)
        return float(np.mean(best <= threshold))

    def summary(self, threshold: float = 0.3) -> str:
        """The sweep's key numbers as text: final loss (best, median, worst), accuracy range, the
        stuck seeds, best-of-3 against single runs, and dead ReLUs at the start and the end."""
        stuck = self.stuck(threshold)
        loss = self.final_loss
        return "\n".join(
            [
                f"final loss over {len(loss)} seeds: best {loss.min():.3f}, "
                f"median {np.median(loss):.3f}, worst {loss.max():.3f}",
                f"accuracy: {self.accuracy.min():.1%} to {self.accuracy.max():.1%}",
                f"stuck (final loss > {threshold:g}): {stuck.sum()} of {len(stuck)}, "
                f"seeds {self.seeds[stuck].tolist()}",
                f"groups of 3 seeds whose best run is not stuck: {self.best_of(3, threshold):.0%} "
                f"(single runs: {self.best_of(1, threshold):.0%})",
                f"dead ReLUs at the start: {self.dead_at_start.sum()} in all runs; at the end: "
                f"{self.dead_at_end[stuck].tolist()} in the stuck runs, "
                f"{self.dead_at_end[~stuck].sum()} in the others",
            ]
        )


def restart_sweep(
    seeds=range(24),
    *,
    sizes=(2, 3, 1),
    init: str = "he_normal",
    scale: float = 1.0,
    activation: str = "relu",
    epochs: int = 800,
    lr: float = 0.3,
    data_seed: int = 0,
    progress=None,
) -> RestartSweep:
    """Train one network from each seed: 300 points of two circles (factor 0.5, noise 0.05, data
    from ``default_rng(data_seed)``), full-batch gradient descent.

    Three hidden ReLUs are the fewest that can fence the inner circle in (two ramps cannot enclose
    a bounded region), so a start from which one unit ends up useless cannot find the boundary:
    some seeds get stuck.
    ``progress(done, total)`` is called after each seed. ``dead_at_start`` and ``dead_at_end``
    count, per seed, the hidden ReLUs that output 0 on every training point.
    """
    seeds = np.array([_validate.positive_int(s, "seed", minimum=0) for s in seeds])
    X, y = datasets.make_circles(300, noise=0.05, factor=0.5, rng=np.random.default_rng(data_seed))
    final, acc, losses, models, dead0, dead1 = [], [], [], [], [], []
    _report(progress, 0, len(seeds))
    for i, s in enumerate(seeds):
        model = MLP(list(sizes), activation=activation, init=init, scale=scale, seed=int(s))
        dead0.append(_dead_units(model, X))
        h = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
        dead1.append(_dead_units(model, X))
        final.append(h.final_loss)
        acc.append(h.final_accuracy)
        losses.append(h.loss)
        models.append(model)
        _report(progress, i + 1, len(seeds))
    return RestartSweep(
        seeds,
        np.array(final),
        np.array(acc),
        losses,
        models,
        X,
        y,
        np.array(dead0),
        np.array(dead1),
    )


def _dead_units(model: MLP, X) -> int:
    """Hidden ReLU units (all layers) whose pre-activation is <= 0 on every row of ``X``."""
    _, cache = model.forward(X)
    return int(sum(np.sum(np.all(cache.pre[l] <= 0, axis=0)) for l in range(1, model.n_layers)))


def reinitialize_demo(*, seed: int = 0) -> dict:
    """``MLP.reinitialize`` after training, as MATLAB's ``init(net)`` does.

    A perceptron-like network (``2-1``, sigmoid output, zero weights and biases, the way MATLAB
    starts a perceptron) is trained on two blobs, then reinitialised: it is back to zeros. A
    ``2-8-1`` tanh network (Xavier, ``seed``) is trained and reinitialised: ``reinitialize()``
    restores exactly its first start, ``reinitialize(seed=seed + 1)`` draws a new one.

    Returns
    -------
    dict
        ``perceptron_trained_max`` (largest |parameter| after training), ``perceptron_reset_max``
        (after ``reinitialize()``), ``perceptron_loss`` (trained) and ``perceptron_reset_loss``
        (ln 2 at zero weights); ``same_start`` (the restored parameters equal the first start
        exactly), ``new_start_differs``, ``loss_start``, ``loss_trained``, ``loss_restored``.
    """
    X, y = datasets.make_linear(200, rng=np.random.default_rng(seed))
    perceptron = MLP([2, 1], init="zeros", seed=seed)
    train(perceptron, X, y, epochs=200, lr=0.5, record_layers=False)
    trained_max = max(float(np.max(np.abs(p))) for p in perceptron.get_params())
    trained_loss = perceptron.loss(X, y)
    perceptron.reinitialize()
    reset_max = max(float(np.max(np.abs(p))) for p in perceptron.get_params())

    Xm, ym = datasets.make_moons(200, rng=np.random.default_rng(seed))
    net = MLP([2, 8, 1], activation="tanh", init="xavier_uniform", seed=seed)
    start = net.get_params()
    loss_start = net.loss(Xm, ym)
    train(net, Xm, ym, epochs=300, lr=1.0, record_layers=False)
    loss_trained = net.loss(Xm, ym)
    net.reinitialize()
    same = all(np.array_equal(a, b) for a, b in zip(start, net.get_params()))
    loss_restored = net.loss(Xm, ym)
    net.reinitialize(seed=seed + 1)
    differs = any(not np.array_equal(a, b) for a, b in zip(start, net.get_params()))
    return {
        "perceptron_trained_max": trained_max,
        "perceptron_loss": trained_loss,
        "perceptron_reset_max": reset_max,
        "perceptron_reset_loss": perceptron.loss(X, y),
        "same_start": same,
        "new_start_differs": differs,
        "loss_start": loss_start,
        "loss_trained": loss_trained,
        "loss_restored": loss_restored,
    }


def format_reinitialize(demo: dict) -> str:
    """:func:`reinitialize_demo`'s numbers as text."""
    d = demo
    return "\n".join(
        [
            f"perceptron: largest |parameter| after training {d['perceptron_trained_max']:.3f}, "
            f"loss {d['perceptron_loss']:.4f}",
            f"            after reinitialize(): {d['perceptron_reset_max']:.1f}, "
            f"loss {d['perceptron_reset_loss']:.4f} (ln 2)",
            f"2-8-1 net:  loss {d['loss_start']:.4f} at the start, {d['loss_trained']:.4f} "
            f"trained, {d['loss_restored']:.4f} after reinitialize()",
            f"            same parameters as the first start: {d['same_start']}; "
            f"reinitialize(seed=seed + 1) draws another: {d['new_start_differs']}",
        ]
    )


# ---------------------------------------------------------------------------- 06 claims


VERDICTS = ("true", "false", "it depends")
"""The verdicts notebook 06 gives."""


@dataclass
class Claim:
    """A statement about initialisation, the numbers an experiment measured, and the verdict.

    ``verdict`` is one of :data:`VERDICTS` and is decided from ``evidence`` by the function that
    ran the experiment, so a change in the helpers that changes the evidence changes the verdict
    (and nbval and ``tests/test_lessons.py`` notice).
    """

    number: str
    statement: str
    short: str
    verdict: str
    because: str
    evidence: dict
    extra: dict = field(default_factory=dict)
    """Objects for figures (trained models, data), not part of the printed report."""

    def report(self) -> str:
        """The evidence, one ``name: value`` line each, then the verdict."""
        lines = []
        for k, v in self.evidence.items():
            lines.append(f"  {k}: {_fmt(v)}")
        return "\n".join([f"Claim {self.number}: {self.statement}", *lines, self.verdict_line()])

    def verdict_line(self) -> str:
        return f"Verdict: {self.verdict.upper()} - {self.because}"


def _fmt(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def claims_summary(claims) -> str:
    """The summary table of notebook 06: number, claim, verdict, where it is shown."""
    w = max(len(c.short) for c in claims)
    lines = [f"{'#':<3} {'claim':<{w}}  {'verdict':<10}  shown in", "-" * (w + 27)]
    for c in claims:
        lines.append(
            f"{c.number:<3} {c.short:<{w}}  {c.verdict:<10}  section {c.number.rstrip('ab')}"
        )
    return "\n".join(lines)


def _zero_net(X, y, activation: str, *, bias="zeros", bias_scale: float = 0.1, seed: int = 0):
    """A ``2-8-1`` network with zero weights (and ``bias``), trained 500 epochs at lr 0.5."""
    model = MLP(
        [2, 8, 1], activation=activation, init="zeros", bias=bias, bias_scale=bias_scale, seed=seed
    )
    start = model.get_params()
    history = train(model, X, y, epochs=500, lr=0.5)
    _, cache = model.forward(X)
    return {
        "model": model,
        "history": history,
        "moved": float(np.max(np.abs(model.weights[0] - start[0]))),
        "distinct": diagnostics.distinct_units(cache.post[1]),
        "dead": int(np.sum(np.all(cache.pre[1] <= 0, axis=0))) if activation == "relu" else 0,
    }


def claim_zero_weights(*, seed: int = 0) -> Claim:
    """Claim 1: "If all weights are zero, every neuron learns the same features."

    Zero weights and biases, ``2-8-1`` networks trained on moons with 160 vs 140 samples
    (:func:`make_unbalanced`: real data is rarely exactly balanced), then the same sigmoid
    network on 400 points with exactly 200 of each class.
    """
    X, y = make_unbalanced("moons", 160, 140, seed=seed)
    runs = {a: _zero_net(X, y, a) for a in ("sigmoid", "tanh", "relu")}
    Xb, yb = datasets.make_moons(400, rng=np.random.default_rng(seed))  # exactly balanced
    balanced = _zero_net(Xb, yb, "sigmoid")
    evidence = {
        "hidden weights moved (largest change)": {a: r["moved"] for a, r in runs.items()},
        "distinct hidden units of 8": {a: r["distinct"] for a, r in runs.items()},
        "train accuracy": {a: r["history"].final_accuracy for a, r in runs.items()},
        "sigmoid, exactly balanced classes: weights moved": balanced["moved"] > 1e-6,
    }
    sig, others = runs["sigmoid"], [runs["tanh"], runs["relu"]]
    same = sig["distinct"] == 1 and sig["moved"] > 0
    nothing = all(r["moved"] == 0.0 for r in others)
    verdict = "true" if same and nothing else "false"
    because = (
        "sigmoid units all learn one and the same feature; tanh and ReLU units learn nothing "
        "at all (tanh(0) = relu(0) = 0 blocks every gradient); on exactly balanced classes even "
        "sigmoid units stay put"
        if verdict == "true"
        else "the measurements do not show identical learning units"
    )
    return Claim(
        "1",
        "If all weights are zero, every neuron learns the same features.",
        "zero weights: every neuron learns the same features",
        verdict,
        because,
        evidence,
    )


def claim_zero_is_guessing(*, seed: int = 0) -> Claim:
    """Claim 2: "A zero-initialised network is no better than random guessing."

    ``2-8-1`` networks with zero weights and biases on three datasets of 160 vs 140 samples
    (:func:`make_unbalanced`); each is compared with the best constant guess, the majority class.
    """
    evidence = {}
    acc = {}
    for name in ("linear", "moons", "circles"):
        X, y = make_unbalanced(name, 160, 140, seed=seed)
        majority = float(max(np.mean(y), 1 - np.mean(y)))
        acc[name] = {a: _zero_net(X, y, a)["history"].final_accuracy for a in ("sigmoid", "tanh")}
        evidence[f"{name}: accuracy (majority class {majority:.1%})"] = acc[name]
    good = acc["linear"]["sigmoid"] > 0.9
    bad = acc["circles"]["sigmoid"] < 0.65 and all(
        acc[n]["tanh"] < 0.6 for n in ("linear", "moons", "circles")
    )
    verdict = "it depends" if good and bad else ("true" if bad else "false")
    because = (
        "on the data and the activation: a zero-initialised sigmoid network behaves like a "
        "network with ONE hidden unit, enough for a straight boundary (linear blobs, roughly the "
        "moons) but not for circles; tanh and ReLU networks never leave the constant guess"
    )
    return Claim(
        "2",
        "A zero-initialised network is no better than random guessing.",
        "zero init is no better than guessing",
        verdict,
        because,
        evidence,
    )


def claim_random_biases(*, seed: int = 0) -> Claim:
    """Claim 3: "Non-zero random biases with zero weights still leave the neurons symmetric."

    Zero weights, biases N(0, 0.5^2) (every layer), ``2-8-1`` networks on the moons.
    """
    X, _, y, _ = comparison_data("moons", seed=seed)
    runs = {
        a: _zero_net(X, y, a, bias="normal", bias_scale=0.5) for a in ("sigmoid", "tanh", "relu")
    }
    evidence = {
        "distinct hidden units of 8 after training": {a: r["distinct"] for a, r in runs.items()},
        "unit spread (0 = symmetric)": {
            a: float(r["history"].spread[-1, 0]) for a, r in runs.items()
        },
        "dead ReLU units (negative bias, zero weights)": runs["relu"]["dead"],
        "train accuracy": {a: r["history"].final_accuracy for a, r in runs.items()},
    }
    broken = all(r["distinct"] > 1 for r in runs.values())
    verdict = "false" if broken else "true"
    because = (
        "different biases give different outputs f(b_j), so the output weights and then the "
        "hidden weights receive different gradients and the units separate (a ReLU whose bias is "
        "negative is dead from the start)"
        if broken
        else "the units stayed identical"
    )
    return Claim(
        "3",
        "Non-zero random biases with zero weights still leave the neurons symmetric.",
        "random biases + zero weights stay symmetric",
        verdict,
        because,
        evidence,
    )


def train_without_biases(model: MLP, X, y, *, epochs: int, lr: float) -> MLP:
    """Full-batch gradient descent that keeps every bias at its current value (a bias-free
    network when they start at 0): the bias gradients are computed but not applied."""
    epochs = _validate.positive_int(epochs, "epochs", minimum=0)
    lr = _validate.real(lr, "lr", positive=True)
    for _ in range(epochs):
        _, cache = model.forward(X)
        grads = model.backward(cache, y)
        grads.db = [np.zeros_like(b) for b in grads.db]
        model.step(grads, lr)
    return model


def claim_zero_biases(*, seeds=range(3), epochs: int = 600) -> list:
    """Claims 4a and 4b: "Biases have no effect whatsoever when initialised to 0" and "It is fine
    to initialise biases to zero".

    A ``2-16-16-1`` ReLU network with He weights on the circles (:func:`comparison_data`), over
    ``seeds``: biases starting at 0, at N(0, 0.1^2), and as ``nn.Linear`` draws them; then the
    same network trained with its biases held at 0 (a network without biases).
    """
    X, _, y, _ = comparison_data("circles")
    loss, moved, with_bias, frozen, models = {}, [], [], [], {}
    for bias in ("zeros", "normal", "torch"):
        finals = []
        for s in seeds:
            model = MLP([2, 16, 16, 1], activation="relu", init="he_normal", bias=bias, seed=s)
            h = train(model, X, y, epochs=epochs, lr=0.3, record_layers=False)
            finals.append(h.final_loss)
            if bias == "zeros":
                moved.append(max(float(np.max(np.abs(b))) for b in model.biases))
                with_bias.append(h.final_accuracy)
                models.setdefault("with biases", model)
        loss[bias] = float(np.median(finals))
    for s in seeds:
        model = MLP([2, 16, 16, 1], activation="relu", init="he_normal", seed=s)
        frozen.append(train_without_biases(model, X, y, epochs=epochs, lr=0.3).accuracy(X, y))
        models.setdefault("without biases", model)
    ev_a = {
        "largest |bias| after training, biases started at 0 (per seed)": moved,
        "train accuracy with biases (per seed)": with_bias,
        "train accuracy, biases held at 0 (per seed)": frozen,
    }
    effect = min(moved) > 0.0 and np.median(frozen) < np.median(with_bias) - 0.1
    a = Claim(
        "4a",
        "Biases have no effect whatsoever when initialised to 0.",
        "biases initialised to 0 have no effect",
        "false" if effect else "true",
        "zero is only where they start: they get gradients and move; held at 0, a ReLU network "
        "is positively homogeneous (f(cx) = c f(x) for c > 0), its boundary is made of rays "
        "from the origin, and it cannot enclose the inner circle",
        ev_a,
        extra={"models": models, "X": X, "y": y},
    )
    fine = loss["zeros"] <= 2.0 * min(loss.values())
    b = Claim(
        "4b",
        "It is fine to initialise biases to zero.",
        "biases may start at zero",
        "true" if fine else "false",
        "with random weights the symmetry is already broken; the final loss does not depend on "
        "how the biases started (zero is the Keras default and common practice)",
        {"median final loss by bias start": loss},
    )
    return [a, b]


def claim_xavier_fan_in() -> Claim:
    """Claim 5: "Xavier sets the weights inversely proportional to the square root of the number
    of neurons in the previous layer."  That is LeCun's rule; Xavier uses fan_in + fan_out."""
    shapes = [(100, 400), (400, 100), (256, 256)]
    xavier = {f"{a}x{b}": schemes.std("xavier_normal", a, b) for a, b in shapes}
    prev = {f"{a}x{b}": 1.0 / np.sqrt(a) for a, b in shapes}
    same = {k: bool(np.isclose(xavier[k], prev[k])) for k in xavier}
    evidence = {
        "Xavier std sqrt(2/(fan_in+fan_out))": xavier,
        "1/sqrt(fan_in) (LeCun)": prev,
        "equal": same,
    }
    verdict = "false" if not all(same.values()) else "true"
    return Claim(
        "5",
        "Xavier sets the weights inversely proportional to the square root of the number of "
        "neurons in the previous layer.",
        "Xavier std = 1/sqrt(previous layer width)",
        verdict,
        "that is LeCun's rule (and the 'commonly used heuristic' U(+-1/sqrt(n)) that Glorot & "
        "Bengio compare against); Xavier averages fan_in and fan_out, and agrees with LeCun only "
        "when they are equal",
        evidence,
    )


def claim_small_weights(*, seed: int = 0) -> Claim:
    """Claim 6: "Weights must be small random numbers."

    N(0, 0.01^2) against Xavier in a 10-layer tanh network of width 256 (signal size), and a
    ``2-[32 x 6]-1`` tanh network trained on the moons (600 epochs, lr 0.3); the He std for
    ``fan_in`` 2 and 512.
    """
    small = signal_profile("normal", "tanh", depth=10, width=256, scale=0.01, seed=seed)
    xav = signal_profile("xavier_normal", "tanh", depth=10, width=256, seed=seed)
    X, _, y, _ = comparison_data("moons", seed=seed)
    acc = {}
    for label, init, scale in (("N(0,0.01^2)", "normal", 0.01), ("Xavier", "xavier_normal", 1.0)):
        model = MLP([2] + [32] * 6 + [1], activation="tanh", init=init, scale=scale, seed=seed)
        acc[label] = train(model, X, y, epochs=600, lr=0.3, record_layers=False).final_accuracy
    evidence = {
        "std of layer-10 activations, N(0,0.01^2) vs Xavier": [
            small["a_std"][-1],
            xav["a_std"][-1],
        ],
        "6 hidden layers on the moons, train accuracy": acc,
        "He std for fan_in = 2 and 512": [
            schemes.std("he_normal", 2, 1),
            schemes.std("he_normal", 512, 1),
        ],
    }
    fails = small["a_std"][-1] < 1e-5 and acc["N(0,0.01^2)"] < acc["Xavier"] - 0.05
    return Claim(
        "6",
        "Weights must be small random numbers.",
        "weights must be small random numbers",
        "it depends" if fails else "true",
        "random, yes (to break the symmetry); 'small' is relative: too small kills the signal in "
        "a deep network, and the right std is about gain / sqrt(fan_in) - 1.0 for a layer with "
        "2 inputs, 0.06 for one with 512",
        evidence,
    )


def claim_global_optimum(sweep: RestartSweep | None = None) -> Claim:
    """Claim 7: "Random initialisation lets us escape local optima and reach the global optimum."

    Uses :func:`restart_sweep` (24 seeds of a ``2-3-1`` ReLU network on circles).
    """
    sweep = restart_sweep() if sweep is None else sweep
    stuck = sweep.stuck()
    evidence = {
        "seeds": len(sweep.seeds),
        "stuck (final loss > 0.3)": int(stuck.sum()),
        "final loss: best, median, worst": [
            float(sweep.final_loss.min()),
            float(np.median(sweep.final_loss)),
            float(sweep.final_loss.max()),
        ],
        "groups whose best run succeeds, 1 run / 3 runs": [sweep.best_of(1), sweep.best_of(3)],
    }
    helps = sweep.best_of(3) > sweep.best_of(1)
    verdict = "false" if stuck.any() else "it depends"
    return Claim(
        "7",
        "Random initialisation lets us escape local optima and reach the global optimum.",
        "random init reaches the global optimum",
        verdict,
        "different seeds end in different places and some get stuck; keeping the best of several "
        + ("restarts helps" if helps else "restarts did not help here")
        + ", but nothing guarantees (or certifies) a global optimum; random starts exist to break "
        "the symmetry",
        evidence,
        extra={"sweep": sweep},
    )


def claim_bias_defaults(*, fan_in: int = 64, fan_out: int = 32, seed: int = 0) -> Claim:
    """Claim 8: "Bias weights are zero by default." Keras ``Dense`` yes (``bias_initializer=
    'zeros'``); PyTorch ``nn.Linear`` no (U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""
    torch_b = MLP([fan_in, fan_out], output="linear", bias="torch", seed=seed).biases[0]
    keras_b = MLP([fan_in, fan_out], output="linear", bias="zeros", seed=seed).biases[0]
    bound = 1.0 / np.sqrt(fan_in)
    evidence = {
        "nn.Linear-style biases: non-zero, all within +-1/sqrt(fan_in)": [
            int(np.count_nonzero(torch_b)),
            bool(np.all(np.abs(torch_b) <= bound)),
        ],
        "Dense-style biases: non-zero": int(np.count_nonzero(keras_b)),
    }
    differs = np.count_nonzero(torch_b) > 0 and np.count_nonzero(keras_b) == 0
    return Claim(
        "8",
        "Bias weights are zero by default.",
        "biases are zero by default",
        "it depends" if differs else "true",
        "on the library: Keras's Dense starts them at 0, PyTorch's nn.Linear draws them from "
        "U(-1/sqrt(fan_in), 1/sqrt(fan_in))",
        evidence,
    )


def sigmoid_scale_experiment(
    scales=(1.0, 16.0), *, depth: int = 5, width: int = 256, n_samples: int = 500, seed: int = 0
) -> dict:
    """Saturation and gradients in a deep sigmoid network at two weight scales.

    ``depth`` hidden sigmoid layers of ``width`` units, weights LeCun-normal times each scale, zero
    biases, N(0, 1) inputs and random 0/1 labels (binary cross-entropy; seeded).

    Returns
    -------
    dict: scale -> dict
        ``saturated`` (fraction, all hidden layers), ``mean_slope`` (mean sigmoid'(z)),
        ``grad_first`` (norm of the loss gradient for the first layer's weights) and
        ``grad_last`` (for the output layer's).
    """
    X = gaussian_inputs(n_samples, width, seed=seed)
    y = (np.random.default_rng(seed + 1).random(n_samples) < 0.5).astype(np.float64)
    out = {}
    for s in scales:
        model = MLP(
            [width] * (depth + 1) + [1],
            activation="sigmoid",
            init="lecun_normal",
            scale=s,
            seed=seed,
        )
        _, cache = model.forward(X)
        grads = model.backward(cache, y)
        Z = np.concatenate([cache.pre[l].ravel() for l in range(1, depth + 1)])
        out[float(s)] = {
            "saturated": diagnostics.saturated_fraction(Z, "sigmoid"),
            "mean_slope": float(np.mean(activations.sigmoid_prime(Z))),
            "grad_first": diagnostics.norm(grads.dW[0]),
            "grad_last": diagnostics.norm(grads.dW[-1]),
        }
    return out


def claim_sigmoid_saturation(*, seed: int = 0) -> Claim:
    """Claim 9: "Large weights make sigmoid saturate, so gradients vanish." Measured forward
    (saturation) and backward (gradient norms) by :func:`sigmoid_scale_experiment`, and in
    training: a ``2-32-32-32-1`` sigmoid network on the moons, Xavier vs 16 x Xavier."""
    m = sigmoid_scale_experiment(seed=seed)
    X, _, y, _ = comparison_data("moons", seed=seed)
    acc = {}
    for s in (1.0, 16.0):
        model = MLP(
            [2, 32, 32, 32, 1], activation="sigmoid", init="xavier_normal", scale=s, seed=seed
        )
        acc[f"x{s:g}"] = train(model, X, y, epochs=600, lr=0.5, record_layers=False).final_accuracy
    evidence = {
        "saturated fraction, scale 1 vs 16": [m[1.0]["saturated"], m[16.0]["saturated"]],
        "mean sigmoid'(z), scale 1 vs 16": [m[1.0]["mean_slope"], m[16.0]["mean_slope"]],
        "first-layer gradient norm, scale 1 vs 16": [m[1.0]["grad_first"], m[16.0]["grad_first"]],
        "moons, 3 sigmoid layers, train accuracy (Xavier x1, x16)": acc,
    }
    saturates = m[16.0]["saturated"] > 0.5 and m[16.0]["mean_slope"] < 0.5 * m[1.0]["mean_slope"]
    vanish = m[16.0]["grad_first"] < m[1.0]["grad_first"]
    verdict = "true" if saturates and vanish else ("it depends" if saturates else "false")
    return Claim(
        "9",
        "Large weights make sigmoid saturate, so gradients vanish.",
        "large weights: sigmoid saturates, gradients vanish",
        verdict,
        "the saturation is real and each unit's own slope collapses, but the backward pass also "
        "multiplies by the large weights: here the first layer's gradient is larger, not smaller; "
        "through deep sigmoid layers it is SMALL weights that make gradients vanish "
        "(sigmoid' <= 1/4 per layer)",
        evidence,
    )


def claim_orthogonal(
    *, depth: int = 50, width: int = 64, n_samples: int = 256, seed: int = 0
) -> Claim:
    """Claim 10: "Orthogonal initialisation keeps the size of every input exactly, however deep
    the (linear) network." Saxe, McClelland & Ganguli (2013)."""
    X = gaussian_inputs(n_samples, width, seed=seed)
    ratios = {}
    for init in ("orthogonal", "lecun_normal"):
        model = MLP(
            [width] * (depth + 1) + [width],
            activation="linear",
            output="linear",
            init=init,
            seed=seed,
        )
        out, _ = model.forward(X)
        r = np.linalg.norm(out, axis=1) / np.linalg.norm(X, axis=1)
        ratios[init] = [float(r.min()), float(r.max())]
    evidence = {f"|output| / |input| over {n_samples} inputs, min and max": ratios}
    exact = max(abs(v - 1.0) for v in ratios["orthogonal"]) < 1e-9
    return Claim(
        "10",
        "Orthogonal initialisation keeps the size of every input exactly, however deep the "
        "linear network.",
        "orthogonal init preserves every input's norm",
        "true" if exact else "false",
        "an orthogonal matrix is a rotation (or reflection): every product of them is one too; "
        "Gaussian weights keep the size only on average, and the spread grows with depth",
        evidence,
    )
