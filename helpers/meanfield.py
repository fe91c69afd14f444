"""Mean-field signal propagation: the length map, the correlation map and their depth scales.

A wide network whose layer ``l`` computes ``h_l = W_l f(h_{l-1}) + b_l`` with independent weights
of variance ``sigma_w^2 / fan_in`` and biases of variance ``sigma_b^2`` sends every input to a
Gaussian pre-activation of variance ``q_l`` per unit, and two inputs to pre-activations of
correlation ``c_l`` (Poole et al. 2016; Schoenholz et al. 2017)::

    q_{l+1}         = sigma_w^2 E[f(sqrt(q_l) z)^2] + sigma_b^2          (the length map)
    q_{l+1} c_{l+1} = sigma_w^2 E[f(u_1) f(u_2)] + sigma_b^2             (the correlation map)

with ``z ~ N(0, 1)`` and ``(u_1, u_2)`` Gaussian, variances ``q_l``, correlation ``c_l``.

The length map has a fixed point ``q*``; at it the correlation map has the fixed point
``c* = 1`` and the slope there, ``chi1 = sigma_w^2 E[f'(sqrt(q*) z)^2]``, decides the phase:
``chi1 < 1`` ordered (nearby inputs become one; ``c* = 1`` attracts), ``chi1 > 1`` chaotic
(``c* < 1``: nearby inputs are pulled apart), ``chi1 = 1`` the edge of chaos. Deviations from the
fixed points shrink like ``exp(-l / xi)``: ``xi_q = -1 / ln(d q_{l+1} / d q_l at q*)`` and
``xi_c = -1 / ln(chi_c)``, ``chi_c = sigma_w^2 E[f'(u_1) f'(u_2)]`` at ``(q*, c*)``; both
diverge on the critical line. Schoenholz et al. found that a network trains when its depth is
below about ``6 xi_c``.

``sigma_w`` and ``sigma_b`` are the papers' parameters, not variances: ``sigma_w^2 = Var(W) *
fan_in``, ``sigma_b^2 = Var(b)``. In the course's terms (:mod:`helpers.init`), a layer drawn with
``scheme`` at ``scale`` has ``sigma_w = init.std(scheme, fan_in, fan_out, scale=scale) *
sqrt(fan_in)`` (:func:`sigma_w_of`): ``lecun_*`` and square ``xavier_*`` or ``orthogonal``
give ``sigma_w = scale``, ``he_*`` give ``sigma_w = sqrt(2) * scale``, ``normal`` gives
``scale * sqrt(fan_in)``. ``helpers.mlp.MLP(..., bias="normal", bias_scale=sigma_b)`` draws the
biases of the theory.

Integrals: the one-dimensional ones of the length map and ``chi1`` are
:func:`helpers.theory.gaussian_moments` (one source for them); the two-dimensional ones of the
correlation map, and ``E[z f f']`` of ``xi_q``, use Gauss-Hermite quadrature
(``numpy.polynomial.hermite_e.hermegauss``, :data:`N_NODES` nodes per dimension) for sigmoid,
tanh and scaled tanh, accurate to 1e-10 for ``q <= 2.5`` (tanh's critical region and the phase
diagram's range), a few 1e-8 at ``q = 5`` and 1e-5 at ``q = 10``; and closed forms for linear,
ReLU and leaky ReLU (the arc-cosine kernel of Cho & Saul 2009).

References
----------
- B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli (2016). Exponential expressivity
  in deep neural networks through transient chaos. NeurIPS.
- S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein (2017). Deep information
  propagation. ICLR.
- Y. Cho, L. Saul (2009). Kernel methods for deep learning. NeurIPS.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _validate, activations
from . import init as schemes
from .theory import gaussian_moments

N_NODES = 200
"""Gauss-Hermite nodes per dimension of the correlation map's integrals (accurate to 1e-10 for
``q <= 2.5``, a few 1e-8 at ``q = 5``; tanh's poles at ``u = i pi / 2`` come nearer the real axis
in ``z = u / sqrt(q)`` as ``q`` grows, so a rule in ``z`` needs more nodes there)."""

MAP_NODES = 48
"""Nodes per dimension for :func:`xi_c_map` (a colour map: 1e-4 is plenty)."""


def _rule(n: int):
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / math.sqrt(2.0 * math.pi)  # E[g(z)] = sum(w * g(z)), z ~ N(0, 1)


_FINE = _rule(N_NODES)
_COARSE = _rule(MAP_NODES)
_PIECEWISE = {"linear": 1.0, "relu": 0.0, "leaky_relu": activations.LEAKY_SLOPE}
_MAX_ITER = 2000
_TOL = 1e-13
_CRITICAL = 1e-12  # |k sigma_w^2 - 1| below this is the critical point (sqrt(2)**2 != 2 exactly)


class DepthScales(NamedTuple):
    """What :func:`depth_scales` returns: ``xi_q``, ``xi_c`` (layers; ``inf`` where the map has
    no attracting fixed point or is marginal), and the fixed points ``q_star``, ``c_star``, the
    slopes ``chi_q`` (of the length map at ``q*``) and ``chi_c``."""

    xi_q: float
    xi_c: float
    q_star: float
    c_star: float
    chi_q: float
    chi_c: float


def _check(activation, sigma_w, sigma_b):
    activation = activations.check_activation(activation)
    sigma_w = _validate.real(sigma_w, "sigma_w", minimum=0.0)
    sigma_b = _validate.real(sigma_b, "sigma_b", minimum=0.0)
    if not (math.isfinite(sigma_w) and math.isfinite(sigma_b)):
        raise ValueError(f"sigma_w and sigma_b must be finite; got {sigma_w}, {sigma_b}")
    return activation, sigma_w, sigma_b


def sigma_w_of(scheme: str, fan_in: int, fan_out: int, *, scale: float = 1.0) -> float:
    """The papers' ``sigma_w`` of a layer drawn by ``scheme`` at ``scale``:
    ``helpers.init.std(...) * sqrt(fan_in)`` (so ``sigma_w^2 = Var(W) * fan_in``)."""
    return schemes.std(scheme, fan_in, fan_out, scale=scale) * math.sqrt(fan_in)


def length_map(activation: str, q: float, sigma_w: float, sigma_b: float) -> float:
    """``sigma_w^2 E[f(sqrt(q) z)^2] + sigma_b^2``: one layer of the length map."""
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    q = _validate.real(q, "q", minimum=0.0)
    return _length(activation, q, sigma_w, sigma_b)


def _length(activation, q, sigma_w, sigma_b):
    if math.isinf(q):
        return math.inf if sigma_w > 0 else sigma_b**2
    _, rms, _ = gaussian_moments(activation, math.sqrt(q))
    return sigma_w**2 * rms**2 + sigma_b**2


def q_star(activation: str, sigma_w: float, sigma_b: float, *, q0: float = 1.0) -> float:
    """The fixed point of the length map that the iteration from ``q0`` reaches.

    For linear, ReLU and leaky ReLU the map is ``q -> k sigma_w^2 q + sigma_b^2`` (``k =
    E[f'^2]``), solved in closed form: ``sigma_b^2 / (1 - k sigma_w^2)`` below ``k sigma_w^2 =
    1``, ``inf`` above (or at it with ``sigma_b > 0``), and ``q0`` itself at ``k sigma_w^2 = 1,
    sigma_b = 0`` (He's ReLU point: every length is kept). Otherwise the map is iterated
    to a relative change below 1e-13 (Newton steps where they help, plain iteration where not).
    """
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    q = _validate.real(q0, "q0", minimum=0.0)
    if activation in _PIECEWISE:
        gain = sigma_w**2 * gaussian_moments(activation, 1.0)[2] ** 2
        if abs(gain - 1.0) <= _CRITICAL:
            return q if sigma_b == 0.0 else math.inf
        return sigma_b**2 / (1.0 - gain) if gain < 1.0 else math.inf
    slope0 = sigma_w * float(activations.derivative(activation, 0.0))
    if sigma_b == 0.0 and float(activations.activate(activation, 0.0)) == 0.0 and slope0 <= 1.0:
        return 0.0  # E[f(sqrt(q) z)^2] < f'(0)^2 q for tanh-like f: the map shrinks every q > 0
    for _ in range(_MAX_ITER):  # Newton's method on F(q) - q, safeguarded by plain iteration
        new = _length(activation, q, sigma_w, sigma_b)
        if abs(new - q) <= _TOL * max(new, 1e-300):
            return new
        slope = _chi_q(activation, q, sigma_w) if q > 0 else 0.0
        step = q + (new - q) / (1.0 - slope) if slope < 1.0 else new
        if step > 0 and abs(_length(activation, step, sigma_w, sigma_b) - step) < abs(new - q):
            new = step
        q = new
    return q


def chi1(activation: str, sigma_w: float, sigma_b: float) -> float:
    """``sigma_w^2 E[f'(sqrt(q*) z)^2]``: the slope of the correlation map at ``c = 1``.
    Below 1 the network is ordered, above 1 chaotic. ReLU: ``sigma_w^2 / 2`` at every ``q``."""
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    q = q_star(activation, sigma_w, sigma_b)
    return _chi1_at(activation, q, sigma_w)


def _chi1_at(activation, q, sigma_w):
    s = 1.0 if (math.isinf(q) and activation in _PIECEWISE) else math.sqrt(q)
    chi = sigma_w**2 * gaussian_moments(activation, s)[2] ** 2
    return 1.0 if (activation in _PIECEWISE and abs(chi - 1.0) <= _CRITICAL) else chi


def _pair_moments(activation: str, q: float, c: float, rule=_FINE) -> tuple[float, float]:
    """``E[f(u1) f(u2)]`` and ``E[f'(u1) f'(u2)]``, ``(u1, u2) ~ N(0, q [[1, c], [c, 1]])``."""
    c = min(max(c, -1.0), 1.0)
    if activation in _PIECEWISE:  # f = (1 - a) relu(u) + a u
        a = _PIECEWISE[activation]
        theta = math.acos(c)
        k_relu = (math.sin(theta) + (math.pi - theta) * c) / (2.0 * math.pi)  # E[relu relu] / q
        step = (math.pi - theta) / (2.0 * math.pi)  # P(u1 > 0, u2 > 0)
        ff = q * ((1 - a) ** 2 * k_relu + a * (1 - a) * c + a * a * c)
        dd = (1 - a) ** 2 * step + a * (1 - a) + a * a
        return ff, dd
    s, (z, wz) = math.sqrt(q), rule
    u1 = s * z[:, None]
    u2 = s * (c * z[:, None] + math.sqrt(max(1.0 - c * c, 0.0)) * z[None, :])
    w = wz[:, None] * wz[None, :]
    f1, f2 = activations.activate(activation, u1), activations.activate(activation, u2)
    d1, d2 = activations.derivative(activation, u1), activations.derivative(activation, u2)
    return float(np.sum(w * f1 * f2)), float(np.sum(w * d1 * d2))


def pair_moments(activation: str, q: float, c: float) -> tuple[float, float]:
    """``E[f(u1) f(u2)]`` and ``E[f'(u1) f'(u2)]`` for ``(u1, u2)`` Gaussian with variances ``q``
    and correlation ``c`` (the integrals of the correlation map and of ``chi_c``)."""
    activation = activations.check_activation(activation)
    q = _validate.real(q, "q", minimum=0.0)
    c = _validate.real(c, "c", minimum=-1.0)
    if c > 1.0 or not math.isfinite(q):
        raise ValueError(f"c must be in [-1, 1] and q finite; got c={c}, q={q}")
    return _pair_moments(activation, q, c)


def _c_step(activation, q_in, c, sigma_w, sigma_b, rule=_FINE):
    """One layer of the correlation map for two inputs of length ``q_in``: ``(c_out, chi)``."""
    if q_in == 0.0:  # the small-signal limit: f(u) ~ f'(0) u keeps the correlation
        return c, sigma_w**2 * float(activations.derivative(activation, 0.0)) ** 2
    if math.isinf(q_in):  # ReLU-like beyond its critical point: the bias no longer counts
        ff, dd = _pair_moments(activation, 1.0, c)
        return ff / _pair_moments(activation, 1.0, 1.0)[0], sigma_w**2 * dd
    ff, dd = _pair_moments(activation, q_in, c, rule)
    q_out = _length(activation, q_in, sigma_w, sigma_b)
    if q_out == 0.0:
        return 1.0, 0.0
    return (sigma_w**2 * ff + sigma_b**2) / q_out, sigma_w**2 * dd


def correlation_map(activation: str, c: float, sigma_w: float, sigma_b: float) -> float:
    """One layer of the correlation map at the fixed length ``q*``: ``c_l -> c_{l+1}``."""
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    c = _validate.real(c, "c", minimum=-1.0)
    if c > 1.0:
        raise ValueError(f"c must be a correlation in [-1, 1]; got {c}")
    q = q_star(activation, sigma_w, sigma_b)
    return min(_c_step(activation, q, c, sigma_w, sigma_b)[0], 1.0)


def _c_star(activation, q, sigma_w, sigma_b, rule=_FINE) -> tuple[float, float]:
    """``(c*, chi_c)``. Ordered or critical (``chi1 <= 1``): ``c* = 1``. Chaotic: the map is
    increasing and convex on [0, 1], so Newton's method from ``c = 0`` climbs to ``c* < 1``."""
    chi = _chi1_at(activation, q, sigma_w)
    if chi <= 1.0 or q == 0.0 or math.isinf(q):
        # at q* = inf (ReLU-like, past He's point) the normalised map E[ff](c) / E[ff](1) lies
        # above c with slope 1 at c = 1: correlations still drift to 1, the lengths blow up
        return 1.0, chi
    c = 0.0
    for _ in range(100):
        out, chi_c = _c_step(activation, q, c, sigma_w, sigma_b, rule)
        slope = chi_c  # d c_out / d c = sigma_w^2 q E[f' f'] / q* (Price's theorem), q = q*
        if math.isinf(q):  # c_out = E[f f](c) / E[f f](1) at q = 1
            slope = chi_c / (sigma_w**2 * _pair_moments(activation, 1.0, 1.0)[0])
        step = (out - c) / (1.0 - slope)
        c = min(c + step, 1.0 - 1e-12)
        if abs(step) < 1e-13:
            break
    return c, _c_step(activation, q, c, sigma_w, sigma_b, rule)[1]


def c_star(activation: str, sigma_w: float, sigma_b: float) -> float:
    """The attracting fixed point of the correlation map: 1 in the ordered phase and on the
    critical line, below 1 in the chaotic phase."""
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    return _c_star(activation, q_star(activation, sigma_w, sigma_b), sigma_w, sigma_b)[0]


def _chi_q(activation, q, sigma_w) -> float:
    """Slope of the length map at ``q``: ``sigma_w^2 E[z f(sqrt(q) z) f'(sqrt(q) z)] / sqrt(q)``
    (Gaussian integration by parts of ``d/dq E[f(sqrt(q) z)^2]``; equal to Schoenholz et al.'s
    ``chi1 + sigma_w^2 E[f f'']``)."""
    if activation in _PIECEWISE or q == 0.0 or math.isinf(q):
        return _chi1_at(activation, q, sigma_w)  # f(0) = 0 at q = 0: only f'(0)^2 remains
    s, (z, wz) = math.sqrt(q), _FINE
    u = s * z
    f, d = activations.activate(activation, u), activations.derivative(activation, u)
    return sigma_w**2 * float(np.sum(wz * z * f * d)) / s


def _xi(chi: float) -> float:
    if chi >= 1.0:
        return math.inf
    return 0.0 if chi <= 0.0 else -1.0 / math.log(chi)


def depth_scales(activation: str, sigma_w: float, sigma_b: float, *,
                 coarse: bool = False) -> DepthScales:  # fmt: skip
    """``xi_q`` and ``xi_c`` (in layers), with the fixed points and slopes they come from
    (``coarse``: the correlation integrals with :data:`MAP_NODES` nodes, to 1e-4)."""
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    q = q_star(activation, sigma_w, sigma_b)
    c, chi_c = _c_star(activation, q, sigma_w, sigma_b, _COARSE if coarse else _FINE)
    chi_q = _chi_q(activation, q, sigma_w)
    return DepthScales(_xi(chi_q), _xi(chi_c), q, c, chi_q, chi_c)


def critical_sigma_w(activation: str, sigma_b: float) -> float:
    """The ``sigma_w`` at which ``chi1 = 1`` for this ``sigma_b`` (bisection to 1e-12).

    ``chi1`` grows with ``sigma_w`` along the fixed point; the smallest ``sigma_w`` with
    ``chi1 >= 1`` is found by doubling, then bisection. ValueError if ``chi1`` stays below 1 up
    to ``sigma_w = 1000`` (no edge of chaos at this ``sigma_b``).
    """
    activation = activations.check_activation(activation)
    sigma_b = _validate.real(sigma_b, "sigma_b", minimum=0.0)
    if activation in _PIECEWISE:  # chi1 = k sigma_w^2 whatever q*: 1 / sqrt(k) exactly
        return 1.0 / gaussian_moments(activation, 1.0)[2]
    lo, hi = 0.0, 1.0
    while chi1(activation, hi, sigma_b) < 1.0:
        lo, hi = hi, 2.0 * hi
        if hi > 1e3:
            raise ValueError(f"{activation} has chi1 < 1 up to sigma_w = 1000 at sigma_b {sigma_b}")
    while hi - lo > 1e-12 * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if chi1(activation, mid, sigma_b) < 1.0 else (lo, mid)
    return 0.5 * (lo + hi)


def propagate(activation, sigma_w, sigma_b, *, q0: float, c0: float, depth: int,
              coarse: bool = False):  # fmt: skip
    """Length and correlation of two inputs of length ``q0`` (``sum(x^2) / n_in``) and
    correlation ``c0`` after each of ``depth`` layers: arrays ``q, c`` of shape ``(depth + 1,)``
    (index 0 is the input; index l the pre-activations of layer l). ``coarse``: the correlation
    integrals with :data:`MAP_NODES` nodes (1e-4, for a picture redrawn on every slider move)."""
    rule = _COARSE if coarse else _FINE
    activation, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    depth = _validate.positive_int(depth, "depth", minimum=0)
    q = np.empty(depth + 1)
    c = np.empty(depth + 1)
    q[0] = _validate.real(q0, "q0", minimum=0.0)
    c[0] = _validate.real(c0, "c0", minimum=-1.0)
    if c[0] > 1.0:
        raise ValueError(f"c0 must be a correlation in [-1, 1]; got {c0}")
    # layer 1 is linear in the inputs: h = W x + b
    q[1:2] = sigma_w**2 * q[0] + sigma_b**2
    c[1:2] = (sigma_w**2 * q[0] * c[0] + sigma_b**2) / q[1] if depth and q[1] > 0 else c[0]
    for l in range(1, depth):
        c[l + 1] = min(_c_step(activation, q[l], c[l], sigma_w, sigma_b, rule)[0], 1.0)
        q[l + 1] = _length(activation, q[l], sigma_w, sigma_b)
    return q, c


def xi_c_map(activation: str, sigma_w2, sigma_b2) -> np.ndarray:
    """``xi_c`` on the grid ``sigma_b2 x sigma_w2`` (shape ``(len(sigma_b2), len(sigma_w2))``,
    rows: bias variances), with :data:`MAP_NODES` nodes (a picture's accuracy, 1e-4)."""
    activation = activations.check_activation(activation)
    w2 = [_validate.real(v, "sigma_w2", minimum=0.0) for v in np.ravel(sigma_w2)]
    b2 = [_validate.real(v, "sigma_b2", minimum=0.0) for v in np.ravel(sigma_b2)]
    out = np.empty((len(b2), len(w2)))
    for i, vb in enumerate(b2):
        for j, vw in enumerate(w2):
            sw, sb = math.sqrt(vw), math.sqrt(vb)
            q = q_star(activation, sw, sb)
            out[i, j] = _xi(_c_star(activation, q, sw, sb, _COARSE)[1])
    return out
