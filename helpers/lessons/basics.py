"""Notebooks 00 and 01: the first run, counting parameters, the forward pass, linear stacks,
gradient descent.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import _validate, activations
from .. import data as datasets
from ..mlp import MLP
from ..train import train

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


def collapse_error(model: MLP, X) -> dict:
    """How far the collapsed map of :func:`collapse_linear` is from the network, on ``X``.

    Returns ``max_difference`` (largest |network(X) - (X @ W + b)|), ``max_output`` (largest
    |network(X)|) and ``eps`` (float64's machine epsilon, the spacing of numbers near 1).
    """
    W, b = collapse_linear(model)
    out, _ = model.forward(X)
    return {
        "max_difference": float(np.max(np.abs(out - (np.asarray(X) @ W + b)))),
        "max_output": float(np.max(np.abs(out))),
        "eps": float(np.finfo(np.float64).eps),
    }


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
