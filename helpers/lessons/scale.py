"""Notebook 03: vanishing signals, saturation, dead ReLUs and the infinite loss.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from .. import _validate, activations, diagnostics, theory
from .. import data as datasets
from ..mlp import MLP

# ---------------------------------------------------------------------------- 03 scale


def gaussian_inputs(n_samples: int, width: int, *, seed: int = 0) -> np.ndarray:
    """Inputs with independent N(0, 1) entries, shape ``(n_samples, width)``: the standard setting
    in which the initialisation papers compute how the variance flows through a network."""
    return np.random.default_rng(seed).normal(size=(n_samples, width))


RELU_SCALES = (
    ("0.01", 0.01, "too small"),
    ("√(2/256) = 0.088", float(np.sqrt(2.0 / 256.0)), "He"),
    ("0.3", 0.3, "too large"),
)
"""(name, weight std, which start it is) of notebook 03's ReLU experiment (width 256): He's
std sqrt(2 / fan_in) between one too small and one too large."""


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


def deep_forward_theory(
    activation: str = "tanh",
    *,
    scale: float = 0.01,
    depth: int = 10,
    width: int = 256,
    init: str = "normal",
    rule: str = "small_signal",
) -> np.ndarray:
    """The theory line of :func:`deep_forward_stds`: the predicted ``std(A_l)``, l = 1..depth.

    From :func:`helpers.theory.scheme_flow` (``rule="small_signal"``: each layer multiplies the
    std by ``sqrt(width) * std(w)``, ``scale * sqrt(width)`` for ``normal``, as long as
    ``tanh z ~ z``; ``rule="mean_field"`` uses the real activation). None for ``zeros`` and
    ``constant``.
    """
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    sizes = [width] * (depth + 1) + [1]
    th = theory.scheme_flow(init, sizes, activation, scale=scale, rule=rule)
    return None if th is None else th.a_std


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
    :func:`helpers.theory.saturated_fraction` (an erfc).

    Returns
    -------
    measured, theory : ndarray, shape (len(scales),)
    """
    X = gaussian_inputs(n_samples, fan_in, seed=seed)
    W = np.random.default_rng(seed + 1).normal(size=(fan_in, units))  # rescaled per scale below
    measured, predicted = [], []
    for s in np.asarray(scales, dtype=np.float64):
        measured.append(diagnostics.saturated_fraction(X @ (s * W), activation))
        predicted.append(theory.saturated_fraction(s * np.sqrt(fan_in), activation))
    return np.array(measured), np.array(predicted)


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
        ``predicted``  sqrt(chi_l) with the mean-field slope chi = scale^2 * width * E[f'(z)^2]
                       (Poole et al. 2016; Schoenholz et al. 2017), E over layer l's measured z,
        ``mean_field`` sqrt(chi_l) with E over the Gaussian z of the mean-field recursion
                       (:func:`helpers.theory.scheme_flow`): no measurement at all.
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
        "mean_field": _mean_field_slopes(activation, scale, depth, width),
    }


def _mean_field_slopes(activation: str, scale: float, depth: int, width: int) -> np.ndarray:
    """sqrt(chi_l) = scale * sqrt(width) * sqrt(E[f'(z)^2]), z ~ N(0, q_l), per hidden layer l,
    with q_l the variance the mean-field recursion predicts for N(0, 1) inputs."""
    th = theory.scheme_flow("normal", [width] * (depth + 1) + [1], activation, scale=scale)
    rms_slope = [theory.activation_moments(activation, q)["slope_rms"] for q in th.z_std]
    return scale * np.sqrt(width) * np.array(rms_slope)


def relu_moments(*, n: int = 200_000, seed: int = 0) -> dict:
    """What ReLU keeps of a symmetric signal z ~ N(0, 1): its second moment and its variance.

    Returns measured ``second_moment`` (E[relu(z)^2] / Var(z)), ``variance``
    (Var(relu(z)) / Var(z)) and ``mean`` (E[relu(z)] / std(z)) on ``n`` seeded samples, and
    the Gaussian values from :func:`helpers.theory.activation_moments`: ``theory_second_moment``
    1/2, ``theory_variance`` 1/2 - 1/(2 pi) = 0.341, ``theory_mean`` 1/sqrt(2 pi) = 0.399.
    """
    n = _validate.positive_int(n, "n", minimum=2)
    z = np.random.default_rng(seed).normal(size=n)
    a = activations.relu(z)
    var = float(np.var(z))
    th = theory.activation_moments("relu", 1.0)
    return {
        "second_moment": float(np.mean(a * a)) / var,
        "variance": float(np.var(a)) / var,
        "mean": float(np.mean(a)) / float(np.sqrt(var)),
        "theory_second_moment": th["rms"] ** 2,
        "theory_variance": th["std"] ** 2,
        "theory_mean": th["mean"],
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
