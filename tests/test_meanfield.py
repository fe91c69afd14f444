"""Mean-field signal propagation (helpers.meanfield, re-exported by helpers.theory): quadrature
against independent integrals, the published critical values, and wide simulated networks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import activations, meanfield, theory
from helpers.lessons import signal_propagation as sp

integrate = pytest.importorskip("scipy.integrate")


def _reference_pair(act, q, c):
    """E[f(u1) f(u2)] and E[f'(u1) f'(u2)] by adaptive two-dimensional quadrature (QUADPACK)."""
    s, r = math.sqrt(q), math.sqrt(1.0 - c * c)

    def integrand(fn):
        def g(z2, z1):
            dens = math.exp(-0.5 * (z1 * z1 + z2 * z2)) / (2.0 * math.pi)
            return float(fn(act, s * z1)) * float(fn(act, s * (c * z1 + r * z2))) * dens

        return g

    opts = {"epsabs": 1e-13, "epsrel": 1e-12}
    ff = integrate.dblquad(integrand(activations.activate), -12, 12, -12, 12, **opts)[0]
    dd = integrate.dblquad(integrand(activations.derivative), -12, 12, -12, 12, **opts)[0]
    return ff, dd


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "scaled_tanh"])
@pytest.mark.parametrize("q, c", [(0.3, 0.2), (1.0, 0.9), (2.5, -0.4)])
def test_gauss_hermite_pair_moments_match_adaptive_quadrature(act, q, c):
    ff, dd = meanfield.pair_moments(act, q, c)
    ref_ff, ref_dd = _reference_pair(act, q, c)
    assert ff == pytest.approx(ref_ff, abs=1e-8)
    assert dd == pytest.approx(ref_dd, abs=1e-8)


def _piecewise_reference(a, q, c, derivative):
    """The same integrals for f = max(u, 0) + a min(u, 0), split at the kinks z1 = 0 and u2 = 0
    so that QUADPACK integrates smooth pieces."""
    s, r = math.sqrt(q), math.sqrt(1 - c * c)

    def fn(u):
        return (1.0 if u > 0 else a) if derivative else (u if u > 0 else a * u)

    def g(z2, z1):
        dens = math.exp(-0.5 * (z1 * z1 + z2 * z2)) / (2 * math.pi)
        return fn(s * z1) * fn(s * (c * z1 + r * z2)) * dens

    total = 0.0
    for lo, hi in ((-12.0, 0.0), (0.0, 12.0)):
        for bottom, top in ((lambda z1: -12.0, lambda z1: -c * z1 / r),
                            (lambda z1: -c * z1 / r, lambda z1: 12.0)):  # fmt: skip
            total += integrate.dblquad(g, lo, hi, bottom, top, epsabs=1e-13, epsrel=1e-12)[0]
    return total


@pytest.mark.parametrize("act", ["relu", "leaky_relu", "linear"])
def test_closed_form_pair_moments_match_quadrature(act):
    q, c, a = 1.7, 0.35, {"relu": 0.0, "leaky_relu": activations.LEAKY_SLOPE, "linear": 1.0}[act]
    ff, dd = meanfield.pair_moments(act, q, c)
    assert ff == pytest.approx(_piecewise_reference(a, q, c, False), abs=1e-8)
    assert dd == pytest.approx(_piecewise_reference(a, q, c, True), abs=1e-8)


def test_length_map_slope_is_the_derivative_of_the_length_map():
    # chi_q by Gauss-Hermite (E[z f f'] / sqrt q) against a central difference of the length map,
    # whose integral is theory.gaussian_moments' composite Gauss-Legendre rule
    for act, sw, sb in (("tanh", 1.3, 0.2), ("sigmoid", 4.0, 0.3), ("scaled_tanh", 1.1, 0.1)):
        ds = meanfield.depth_scales(act, sw, sb)
        h = 1e-5 * ds.q_star
        num = (
            meanfield.length_map(act, ds.q_star + h, sw, sb)
            - meanfield.length_map(act, ds.q_star - h, sw, sb)
        ) / (2 * h)
        assert ds.chi_q == pytest.approx(num, rel=1e-7)
        assert ds.xi_q == pytest.approx(-1 / math.log(num), rel=1e-6)


def test_published_critical_points():
    # Schoenholz et al. 2017 (figure 1): tanh, sigma_b^2 = 0.05, critical sigma_w^2 near 1.76
    assert meanfield.critical_sigma_w("tanh", math.sqrt(0.05)) ** 2 == pytest.approx(1.76, abs=0.01)
    # He et al. 2015 / Poole et al.: ReLU, sigma_b = 0: sigma_w^2 = 2 (chi1 = sigma_w^2 / 2)
    assert meanfield.critical_sigma_w("relu", 0.0) ** 2 == pytest.approx(2.0, rel=1e-9)
    assert theory.chi1("relu", math.sqrt(2.0), 0.0) == 1.0
    ds = theory.depth_scales("relu", math.sqrt(2.0), 0.0)
    assert math.isinf(ds.xi_c) and ds.q_star == 1.0  # every length is kept (q0 = 1)
    # tanh without biases: q* = 0 below sigma_w = 1, and chi1 = sigma_w^2 * tanh'(0)^2 there
    assert meanfield.critical_sigma_w("tanh", 0.0) == pytest.approx(1.0, abs=1e-9)
    assert theory.q_star("tanh", 0.9, 0.0) == 0.0 and theory.chi1("tanh", 0.9, 0.0) == 0.81


def test_critical_line_rises_with_the_bias_and_separates_the_phases():
    line = sp.critical_line()
    w = list(line.values())
    assert all(a < b for a, b in zip(w, w[1:]))
    for b2, w2 in line.items():
        sb = math.sqrt(b2)
        assert theory.chi1("tanh", math.sqrt(w2), sb) == pytest.approx(1.0, abs=1e-9)
        assert (
            theory.chi1("tanh", math.sqrt(0.9 * w2), sb)
            < 1
            < theory.chi1("tanh", math.sqrt(1.1 * w2), sb)
        )
        assert theory.c_star("tanh", math.sqrt(0.9 * w2), sb) == 1.0
        assert theory.c_star("tanh", math.sqrt(1.1 * w2), sb) < 1.0
        # xi_c diverges at the line, from both sides
        near = [theory.depth_scales("tanh", math.sqrt(f * w2), sb).xi_c for f in (0.9, 0.99)]
        far = [theory.depth_scales("tanh", math.sqrt(f * w2), sb).xi_c for f in (1.1, 1.01)]
        assert near[0] < near[1] and far[0] < far[1]


def test_depth_scale_is_the_rate_of_the_correlation_map():
    # c_l - c* shrinks by chi_c per layer: compare with propagate's iterates (exp(-1/xi_c))
    for sw2, sb2 in ((1.3, 0.05), (3.0, 0.05)):
        sw, sb = math.sqrt(sw2), math.sqrt(sb2)
        ds = theory.depth_scales("tanh", sw, sb)
        q, c = theory.propagate("tanh", sw, sb, q0=ds.q_star, c0=0.4, depth=60)
        ratio = (c[-1] - ds.c_star) / (c[-2] - ds.c_star)
        assert ratio == pytest.approx(math.exp(-1.0 / ds.xi_c), rel=1e-3)
        assert q[-1] == pytest.approx(
            ds.q_star, rel=1e-9
        )  # q0 is the input, q[1] = sigma_w^2 q0 + sigma_b^2
        assert theory.correlation_map("tanh", ds.c_star, sw, sb) == pytest.approx(ds.c_star)


def test_sigma_w_maps_onto_the_course_scale():
    assert theory.sigma_w_of("lecun_normal", 300, 100, scale=1.7) == pytest.approx(1.7)
    assert theory.sigma_w_of("he_normal", 300, 100) == pytest.approx(math.sqrt(2))
    assert theory.sigma_w_of("xavier_uniform", 200, 200, scale=1.2) == pytest.approx(1.2)
    assert theory.sigma_w_of("orthogonal", 200, 200, scale=1.2) == pytest.approx(1.2)
    assert theory.sigma_w_of("normal", 400, 10, scale=0.05) == pytest.approx(1.0)


WIDTH = 1000
SETTINGS = [
    ("tanh", 1.2, 0.05),  # ordered
    ("tanh", 1.76, 0.05),  # critical
    ("tanh", 3.0, 0.05),  # chaotic
    ("sigmoid", 16.0, 0.1),
]


@pytest.mark.parametrize("act, sw2, sb2", SETTINGS)
def test_theory_matches_a_wide_network(act, sw2, sb2):
    """Width 1000, depth 20, three seeds. A finite layer's mean of Z^2 over ``width`` units and
    its cosine of two inputs fluctuate by O(1/sqrt(width)) around the expectation (about 0.03
    per layer, and the fluctuations of earlier layers are passed on); the largest error over 20
    layers stays below 5 / sqrt(width) = 0.16 in the median over seeds."""
    sw, sb = math.sqrt(sw2), math.sqrt(sb2)
    dq, dc, moved = [], [], []
    for seed in range(3):
        m = sp.measured_propagation(act, sw, sb, q0=1.0, c0=0.5, depth=20, width=WIDTH, seed=seed)
        dq.append(np.max(np.abs(m["q"] / m["q_theory"] - 1)))
        dc.append(np.max(np.abs(m["c"] - m["c_theory"])))
        moved.append(np.max(np.abs(m["c_theory"] - 0.5)))
    tol = 5 / math.sqrt(WIDTH)
    assert np.median(dq) < tol and np.median(dc) < tol
    if act == "tanh" and sw2 != 1.76:  # the check could fail: the theory moves c far from c0
        assert min(moved) > tol


def test_relu_length_fluctuates_as_hanin_and_rolnick_predict():
    # at He's point the expected length is kept exactly; one network's log-length wanders with
    # std sqrt(5 depth / width) (theory.relu_log2_spread): allow three of those
    m = sp.measured_propagation("relu", math.sqrt(2), 0.0, depth=20, width=WIDTH, seed=0)
    # layer 1 is linear (q1 = sigma_w^2 q0 = 2), ReLU layers then keep q: 2 E[relu(z)^2] q = q
    assert np.all(m["q_theory"][1:] == pytest.approx(2.0, rel=1e-12))
    spread = theory.relu_log2_spread(20, WIDTH)
    assert abs(math.log2(m["q"][-1] / 2.0)) < 3 * spread


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="activation"):
        theory.q_star("swish", 1.0, 0.0)
    with pytest.raises(ValueError, match="sigma_w"):
        theory.chi1("tanh", -1.0, 0.0)
    with pytest.raises(TypeError, match="sigma_b"):
        theory.depth_scales("tanh", 1.0, "0.1")
    with pytest.raises(ValueError, match="c must be"):
        theory.correlation_map("tanh", 1.5, 1.0, 0.1)
    with pytest.raises(AttributeError, match="no attribute"):
        theory.not_a_name  # noqa: B018
