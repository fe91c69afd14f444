"""Every theory line the course draws: how the size of a signal changes through a network.

A layer with ``fan_in`` inputs, independent zero-mean weights of standard deviation ``sigma_w``
and zero biases computes ``z = sum_i w_i a_i``, so ``Var(z) = fan_in * sigma_w^2 * E[a^2]``
(LeCun et al. 1998). Backwards, ``dA_prev = (dA * f'(Z)) @ W.T`` sums ``fan_out`` such terms:
``Var(dA_prev) = fan_out * sigma_w^2 * E[f'(z)^2] * Var(dA)`` (Glorot & Bengio 2010; He et al.
2015). What remains is the activation's part, ``E[f(z)^2]`` and ``E[f'(z)^2]``; two rules give it:

``"small_signal"``
    The activation replaced by its straight line through 0 where it is not piecewise linear:
    ``tanh z ~ z``, so ``E[f^2] = Var(z)`` and ``E[f'^2] = 1``. This is the rule the schemes are
    derived from (LeCun, Xavier/Glorot, He/Kaiming). Exact for linear, ReLU and leaky ReLU; for
    tanh an upper bound that the real, contracting tanh stays below; undefined for sigmoid
    (``sigmoid(0) = 1/2``: its outputs are not zero-mean, and no scheme is derived for it).
``"mean_field"``
    Gaussian expectations of the real activation, ``z ~ N(0, Var(z))``: the limit of a wide
    network with independent weights (Poole et al. 2016; Schoenholz et al. 2017, who also assume
    the backward signal independent of the forward one). It is what a wide network actually
    does, for every activation and at every scale. The two rules coincide for linear, ReLU and
    leaky ReLU units, and for tanh while ``std(z)`` is small; they part for tanh at larger scales
    (``std(z)`` of about 0.5 and more) and for sigmoid.

All recursions run on standard deviations (root mean squares), not variances, so that a deep
prediction stays finite as long as the std does (1e200 is fine; its square is not).

References
----------
- Y. LeCun, L. Bottou, G. Orr, K.-R. Muller (1998). Efficient BackProp. In *Neural Networks:
  Tricks of the Trade*, section 4.6.
- X. Glorot, Y. Bengio (2010). Understanding the difficulty of training deep feedforward neural
  networks. AISTATS.
- K. He, X. Zhang, S. Ren, J. Sun (2015). Delving deep into rectifiers: surpassing human-level
  performance on ImageNet classification. ICCV.
- B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli (2016). Exponential expressivity
  in deep neural networks through transient chaos. NeurIPS.
- S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein (2017). Deep information
  propagation. ICLR.
- B. Hanin, D. Rolnick (2018). How to start training: the effect of initialization and
  architecture. NeurIPS.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from . import _validate, activations
from . import init as schemes

RULES = ("small_signal", "mean_field")
"""The two theories of :func:`variance_flow` (see the module docstring)."""

SECOND_MOMENT_FACTOR = {
    "linear": 1.0,
    "tanh": 1.0,
    "relu": 0.5,
    "leaky_relu": (1.0 + activations.LEAKY_SLOPE**2) / 2.0,
    "scaled_tanh": (activations.LECUN_A * activations.LECUN_B) ** 2,
}
"""``c`` in ``E[f(z)^2] = c * Var(z)`` and ``E[f'(z)^2] = c`` for zero-mean, symmetric ``z``:
the small-signal rule. Exact for ``linear``, ``relu`` (half of a symmetric distribution is cut
off) and ``leaky_relu`` (``(1 + a^2) / 2``); for ``tanh`` the small-signal value (``tanh z ~ z``
near 0), for ``scaled_tanh`` likewise (``A tanh(B z) ~ A B z``). ``sigmoid`` has no entry: its
outputs are not zero-mean."""

_SQRT_2PI = math.sqrt(2.0 * math.pi)
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)
_FLAT_U = 40.0  # beyond |u| = 40 (u = s z) tanh and sigmoid equal their limits to 1e-17, f' is 0


def _piecewise_linear_moments(activation: str, s: float) -> tuple[float, float, float, float]:
    """(mean, std, rms, rms of f') of a piecewise-linear f of z ~ N(0, s^2), in closed form."""
    a = {"linear": 1.0, "relu": 0.0, "leaky_relu": activations.LEAKY_SLOPE}[activation]
    mean = (1.0 - a) * s / _SQRT_2PI  # E[max(z, 0)] = s / sqrt(2 pi), and f = max(z,0) + a min(z,0)
    half = math.sqrt((1.0 + a * a) / 2.0)  # E[f^2] = (1 + a^2) s^2 / 2, E[f'^2] = (1 + a^2) / 2
    spread = math.sqrt(max(half * half - ((1.0 - a) / _SQRT_2PI) ** 2, 0.0))
    return mean, spread * s, half * s, half


def _nodes(s: float):
    """Nodes ``u`` and weights ``w`` with ``sum(w * g(u)) ~ E[g(u)]`` over ``|u| <= R``,
    ``u ~ N(0, s^2)``, and the probability ``tail`` of each side beyond ``R``.

    Composite 16-point Gauss-Legendre on panels no wider than ``min(1, s)`` in ``u = s z``:
    tanh and sigmoid vary on a scale of 1 in ``u``, the Gaussian on a scale of ``s``, and a
    rule in ``z`` alone (Gauss-Hermite) misses the steep part once ``s`` is large (at ``s = 22``
    a 100-point Gauss-Hermite rule gets ``E[tanh'(z)^2]`` wrong by a factor of 100).
    ``R = min(40, 10 s)``: beyond it the Gaussian is negligible (``tail = 0``) or the activations
    are flat (``tail`` is then weighted with their limits).
    """
    R = min(_FLAT_U, 10.0 * s)
    panels = max(int(math.ceil(2.0 * R / min(1.0, s))), 1)
    half = R / panels
    mid = -R + half * (2.0 * np.arange(panels) + 1.0)
    u = (mid[:, None] + half * _GL_NODES).ravel()
    w = (half * np.broadcast_to(_GL_WEIGHTS, (panels, _GL_NODES.size))).ravel()
    w = w * np.exp(-0.5 * (u / s) ** 2) / (s * _SQRT_2PI)
    if R < _FLAT_U:  # beyond 10 s: a probability of 1e-23, and f is not yet at its limits
        return u, w, 0.0
    return u, w, 0.5 * math.erfc(R / (s * math.sqrt(2.0)))


def _rms(w, x, tail_sq: float = 0.0) -> float:
    """sqrt(sum(w x^2) + tail_sq), computed on x / max|x| so that no square underflows."""
    m = float(np.max(np.abs(x)))
    if m == 0.0:
        return math.sqrt(tail_sq)
    return math.hypot(m * math.sqrt(float(w @ ((x / m) ** 2))), math.sqrt(tail_sq))


def _moments(activation: str, z_std: float, rule: str) -> tuple[float, float, float, float]:
    """(mean, std, rms, rms of f') of f(z), z ~ N(0, z_std^2), under ``rule``."""
    s = float(z_std)
    if activation in ("linear", "relu", "leaky_relu"):
        return _piecewise_linear_moments(activation, s)
    if rule == "small_signal":
        if activation == "sigmoid":
            raise ValueError(
                "the small-signal rule has no value for activation 'sigmoid' (its outputs are "
                f"not zero-mean); use rule='mean_field' or one of {', '.join(SECOND_MOMENT_FACTOR)}"
            )
        k = float(activations.derivative(activation, 0.0))  # tanh z ~ z, A tanh(B z) ~ A B z
        return 0.0, k * s, k * s, k
    top = activations.OUTPUT_BOUND[activation]
    lo, hi = (0.0, top) if activation == "sigmoid" else (-top, top)  # f(-inf), f(+inf)
    if s == 0.0:
        f0 = float(activations.activate(activation, 0.0))
        return f0, 0.0, abs(f0), float(activations.derivative(activation, 0.0))
    if not math.isfinite(s):  # a step function; f' = 0 almost everywhere
        mean = (lo + hi) / 2.0
        return mean, (hi - lo) / 2.0, math.sqrt((lo * lo + hi * hi) / 2.0), 0.0
    u, w, tail = _nodes(s)
    f = activations.activate(activation, u)
    mean = float(w @ f) + tail * (lo + hi)
    spread = _rms(w, f - mean, tail * ((lo - mean) ** 2 + (hi - mean) ** 2))
    rms = _rms(w, f, tail * (lo * lo + hi * hi))
    return mean, spread, rms, _rms(w, activations.derivative(activation, u))


def _check(activation, z_std, rule):
    activation = activations.check_activation(activation)
    rule = _validate.choice(rule, RULES, "theory rule")
    if isinstance(z_std, bool) or not isinstance(z_std, numbers.Real):
        raise TypeError(f"z_std must be a real number >= 0; got {z_std!r}")
    if not float(z_std) >= 0.0:  # also refuses nan
        raise ValueError(f"z_std must be >= 0 (inf allowed); got {z_std}")
    return activation, float(z_std), rule


def gaussian_moments(activation: str, z_std: float) -> tuple[float, float, float]:
    """``E[f(z)]``, ``sqrt(E[f(z)^2])`` and ``sqrt(E[f'(z)^2])`` for z ~ N(0, z_std^2).

    The mean-field moments of the real activation (Poole et al. 2016). Root mean squares rather
    than second moments, so that a deep prediction stays finite as long as the std itself does.
    Exact (closed form) for linear, ReLU and leaky ReLU; for sigmoid and tanh a composite
    Gauss-Legendre rule accurate to about 1e-12 for any ``z_std`` in [0, inf] (inf: the step
    function that f becomes).

    Parameters
    ----------
    activation : str
        One of :data:`helpers.activations.ACTIVATIONS`.
    z_std : float
        Standard deviation of the pre-activation, >= 0 (``inf`` allowed).

    Returns
    -------
    mean, rms, slope_rms : float
    """
    activation, s, _ = _check(activation, z_std, "mean_field")
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        mean, _, rms, slope = _moments(activation, s, "mean_field")
    return mean, rms, slope


def activation_moments(activation: str, z_std: float, *, rule: str = "mean_field") -> dict:
    """The moments of f(z), z ~ N(0, z_std^2), that the recursion of :func:`variance_flow` uses.

    Returns
    -------
    dict
        ``mean`` (E[f]), ``std`` (std of f), ``rms`` (sqrt E[f^2]) and ``slope_rms``
        (sqrt E[f'^2]), under ``rule`` (one of :data:`RULES`).
    """
    activation, s, rule = _check(activation, z_std, rule)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        mean, spread, rms, slope = _moments(activation, s, rule)
    return {"mean": mean, "std": spread, "rms": rms, "slope_rms": slope}


class SignalTheory(NamedTuple):
    """Predicted sizes of the signals of a network (index 0 = hidden layer 1).

    Attributes
    ----------
    z_std, a_std, a_rms : ndarray, shape (L,)
        Std of each hidden layer's pre-activations ``Z_l``, std and root mean square of its
        activations ``A_l``.
    grad_std : ndarray, shape (L,)
        Std of ``dL/dA_l``, the gradient reaching hidden layer l's outputs, for a unit-variance
        signal sent back from the readout's pre-activations.
    grad_input : float
        Std of the gradient reaching the inputs, ``dL/dX``.
    """

    z_std: np.ndarray
    a_std: np.ndarray
    a_rms: np.ndarray
    grad_std: np.ndarray
    grad_input: float


def _check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths; got {sizes!r}")
    sizes = [_validate.positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
    if len(sizes) < 3:
        raise ValueError(
            f"sizes needs an input, at least one hidden layer and a readout; got {sizes}"
        )
    return sizes


def _check_stds(weight_stds, sizes) -> list[float]:
    if isinstance(weight_stds, (str, bytes)) or not hasattr(weight_stds, "__len__"):
        raise TypeError(f"weight_stds must be a list of standard deviations; got {weight_stds!r}")
    stds = [_validate.real(s, f"weight_stds[{i}]", minimum=0.0) for i, s in enumerate(weight_stds)]
    if len(stds) != len(sizes) - 1:
        raise ValueError(
            f"weight_stds needs one std per weight matrix, {len(sizes) - 1} for sizes {sizes}; "
            f"got {len(stds)}"
        )
    return stds


def variance_flow(sizes, weight_stds, activation: str, *, rule: str = "mean_field"):
    """Predicted forward and backward std through a network of independent zero-mean weights.

    Inputs have second moment 1 (x ~ N(0, 1)); biases are zero; hidden layers use
    ``activation``, the readout is linear. Forward, ``std(Z_l) = sqrt(sizes[l-1]) *
    weight_stds[l-1] * rms(A_{l-1})``; backward, from a unit-variance signal at the readout's
    pre-activations, ``std(dA_L) = sqrt(sizes[L+1]) * weight_stds[L]`` and ``std(dA_{l-1}) =
    sqrt(sizes[l]) * weight_stds[l-1] * rms(f'(Z_l)) * std(dA_l)``.

    Parameters
    ----------
    sizes : sequence of int, length L + 2
        Input width, the L hidden widths, the readout's width.
    weight_stds : sequence of float, length L + 1
        Std of each weight matrix (e.g. :func:`helpers.init.std`).
    activation : str
    rule : {"small_signal", "mean_field"}
        See the module docstring.

    Returns
    -------
    SignalTheory
    """
    sizes = _check_sizes(sizes)
    stds = _check_stds(weight_stds, sizes)
    activation = activations.check_activation(activation)
    rule = _validate.choice(rule, RULES, "theory rule")
    L = len(sizes) - 2
    z_std, a_std, a_rms, slope = (np.empty(L) for _ in range(4))
    rms = 1.0
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for l in range(L):
            z_std[l] = math.sqrt(sizes[l]) * stds[l] * rms
            _, a_std[l], rms, slope[l] = _moments(activation, z_std[l], rule)
            a_rms[l] = rms
        grad_std = np.empty(L)
        g = math.sqrt(sizes[L + 1]) * stds[L]
        for l in range(L - 1, -1, -1):
            grad_std[l] = g
            g = math.sqrt(sizes[l + 1]) * stds[l] * slope[l] * g
    return SignalTheory(z_std, a_std, a_rms, grad_std, float(g))


def scheme_flow(scheme: str, sizes, activation: str, *, scale: float = 1.0, rule="mean_field"):
    """:func:`variance_flow` for weights drawn by ``scheme`` at ``scale`` (:mod:`helpers.init`).

    Returns
    -------
    SignalTheory, or None for ``zeros`` and ``constant``: the theory assumes independent
    zero-mean weights, and those schemes give every weight the same value.
    """
    scheme = _validate.choice(scheme, schemes.SCHEMES, "init scheme")
    sizes = _check_sizes(sizes)
    if scheme in ("zeros", "constant"):
        return None
    stds = [schemes.std(scheme, a, b, scale=scale) for a, b in zip(sizes[:-1], sizes[1:])]
    return variance_flow(sizes, stds, activation, rule=rule)


def depth_theory(scheme, scale, activation, depth, width):
    """Mean-field std of the activations and of the backward gradients of each hidden layer.

    The network of the depth explorer: ``depth`` hidden layers of ``width`` units and a linear
    readout of ``width`` units, weights from ``scheme`` at ``scale``, zero biases, inputs
    x ~ N(0, 1), a unit-variance signal sent back from the readout (:func:`scheme_flow` with
    ``rule="mean_field"``: for linear and ReLU units this is the variance rule behind the schemes
    itself; for tanh and sigmoid it uses the real activation, not its linear approximation).

    Returns
    -------
    act_std, grad_std : ndarray, shape (depth,), or (None, None) for ``zeros`` and ``constant``
    """
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    th = scheme_flow(scheme, [width] * (depth + 2), activation, scale=scale, rule="mean_field")
    return (None, None) if th is None else (th.a_std, th.grad_std)


def relu_log2_spread(depth: int, width: int) -> float:
    """Std of log2 of the squared length of one input's signal after ``depth`` He-initialised
    ReLU layers of ``width`` units, to first order in 1/width (Hanin & Rolnick 2018).

    Each layer multiplies the squared length by ``r = (2 / width) * sum_j relu(g_j)^2`` with
    ``g_j`` independent N(0, 1): ``E[r] = 1`` exactly (the variance rule), ``Var(r) = 5 / width``
    (``Var(relu(g)^2) = 3/2 - 1/4``). The layers' factors are independent, so
    ``Var(ln ||a_L||^2) ~ 5 * depth / width``: the expectation is exact, one network is not.
    """
    depth = _validate.positive_int(depth, "depth", minimum=0)
    width = _validate.positive_int(width, "width")
    return math.sqrt(5.0 * depth / width) / math.log(2.0)


def saturated_fraction(z_std: float, activation: str) -> float:
    """Expected saturated fraction for Gaussian pre-activations z ~ N(0, z_std^2).

    P(|z| > t) = erfc(t / (z_std * sqrt(2))), with ``t = SATURATION_Z[activation]`` (where f'
    falls below a tenth of its peak). 0.0 for activations that do not saturate.
    """
    activation = activations.check_activation(activation)
    z_std = _validate.real(z_std, "z_std", minimum=0.0)
    if activation not in activations.SATURATION_Z or z_std == 0:
        return 0.0
    return math.erfc(activations.SATURATION_Z[activation] / (z_std * math.sqrt(2.0)))


MEAN_FIELD = (
    "q_star",
    "chi1",
    "correlation_map",
    "c_star",
    "depth_scales",
    "critical_sigma_w",
    "sigma_w_of",
    "propagate",
)
"""The mean-field recursions of :mod:`helpers.meanfield`, also reachable as ``helpers.theory.*``
(``helpers.theory.q_star(...)``): meanfield builds on :func:`gaussian_moments` above, so the
names are looked up on first use rather than imported here."""


STREAM = ("StreamTheory", "residual_stream")
"""The residual stream's theory (:mod:`helpers.stream_theory`), also ``helpers.theory.*``."""


def __getattr__(name: str):
    if name in MEAN_FIELD:
        from . import meanfield

        return getattr(meanfield, name)
    if name in STREAM:
        from . import stream_theory

        return getattr(stream_theory, name)
    raise AttributeError(f"module 'helpers.theory' has no attribute {name!r}")
