"""helpers.theory: the theory lines the course draws, against integrals and wide simulated nets."""

import math
import warnings

import numpy as np
import pytest

from helpers import activations, diagnostics, init, theory

# a fine reference integral: E[g(z)], z ~ N(0, 1), by the trapezoid rule on |z| <= 14, with a
# spacing of 7e-6 (below 0.01 / s for every s used here, so the steep part of f(s z) is resolved)
_Z = np.arange(-2_000_000, 2_000_001) * 7e-6  # z = 0 is a node
_PHI = np.exp(-0.5 * _Z**2) / math.sqrt(2.0 * math.pi)


def reference_moments(activation, s):
    u = s * _Z
    f = activations.activate(activation, u)
    fp = activations.derivative(activation, u)
    if activation in ("relu", "leaky_relu"):  # f'^2 jumps at 0: the trapezoid rule needs the
        sides = activations.derivative(activation, np.array([-1.0, 1.0]))  # jump's midpoint
        fp[u == 0] = math.sqrt(np.mean(sides**2))
    mean = np.trapezoid(_PHI * f, _Z)
    return {
        "mean": mean,
        "std": math.sqrt(np.trapezoid(_PHI * (f - mean) ** 2, _Z)),
        "rms": math.sqrt(np.trapezoid(_PHI * f * f, _Z)),
        "slope_rms": math.sqrt(np.trapezoid(_PHI * fp * fp, _Z)),
    }


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize("s", [0.01, 0.3, 1.0, 2.5, 22.6, 300.0])
def test_gaussian_moments_match_a_fine_reference_integral(activation, s):
    ref = reference_moments(activation, s)
    got = theory.activation_moments(activation, s)
    for key, value in ref.items():
        assert got[key] == pytest.approx(value, rel=1e-8, abs=1e-10), (activation, s, key)
    assert theory.gaussian_moments(activation, s) == (got["mean"], got["rms"], got["slope_rms"])


def test_gaussian_moments_at_the_limits():
    assert theory.gaussian_moments("tanh", 0.0) == (0.0, 0.0, 1.0)
    assert theory.gaussian_moments("sigmoid", 0.0) == (0.5, 0.5, 0.25)
    assert theory.gaussian_moments("sigmoid", math.inf) == (0.5, math.sqrt(0.5), 0.0)
    assert theory.gaussian_moments("tanh", math.inf) == (0.0, 1.0, 0.0)
    # a huge std: tanh is a step (rms 1); what is left of E[f'^2] shrinks like 1/s
    mean, rms, slope = theory.gaussian_moments("tanh", 1e200)
    assert mean == pytest.approx(0.0, abs=1e-12) and rms == pytest.approx(1.0, rel=1e-12)
    assert 0 < slope < 1e-99
    # a tiny std: tanh z ~ z, no square underflows
    assert theory.gaussian_moments("tanh", 1e-200)[1] == pytest.approx(1e-200, rel=1e-12)


@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu"])
def test_the_two_rules_coincide_exactly_for_piecewise_linear_units(activation):
    sizes, stds = [64, 128, 32, 256, 10], [0.2, 0.05, 0.3, 0.1]
    small = theory.variance_flow(sizes, stds, activation, rule="small_signal")
    mean_field = theory.variance_flow(sizes, stds, activation, rule="mean_field")
    for a, b in zip(small, mean_field):
        np.testing.assert_array_equal(a, b)
    c = theory.SECOND_MOMENT_FACTOR[activation]
    z = np.cumprod([math.sqrt(n) * s * math.sqrt(c) for n, s in zip(sizes[:3], stds)]) / math.sqrt(
        c
    )
    np.testing.assert_allclose(small.z_std, z, rtol=1e-14)  # std(z) = sqrt(n) std(w) rms(a)
    np.testing.assert_allclose(small.a_rms, small.z_std * math.sqrt(c), rtol=1e-14)


def test_the_textbook_pairs_keep_the_signal_exactly_in_theory():
    he = theory.scheme_flow("he_normal", [256] * 32, "relu", rule="small_signal")
    np.testing.assert_allclose(he.a_rms, 1.0, rtol=1e-13)
    np.testing.assert_allclose(he.grad_std[:-1] / he.grad_std[1:], 1.0, rtol=1e-13)
    lecun = theory.scheme_flow("lecun_normal", [100] * 12, "linear")
    np.testing.assert_allclose(lecun.z_std, 1.0, rtol=1e-13)
    np.testing.assert_allclose(lecun.grad_std, 1.0, rtol=1e-13)
    assert lecun.grad_input == pytest.approx(1.0, rel=1e-13)


def test_tanh_rules_agree_for_small_signals_and_part_for_large_ones():
    sizes = [512] * 12
    tiny = [theory.scheme_flow("normal", sizes, "tanh", scale=0.001, rule=r) for r in theory.RULES]
    np.testing.assert_allclose(tiny[0].a_std, tiny[1].a_std, rtol=1e-3)  # std(z) = 0.02
    small, mean_field = (
        theory.scheme_flow("xavier_normal", sizes, "tanh", rule=r) for r in theory.RULES
    )
    np.testing.assert_allclose(small.a_std, 1.0)  # tanh z ~ z: the level line of the derivation
    assert np.all(np.diff(mean_field.a_std) < 0) and mean_field.a_std[-1] < 0.3  # contraction
    with pytest.raises(ValueError, match="'sigmoid'"):
        theory.scheme_flow("xavier_normal", sizes, "sigmoid", rule="small_signal")


def simulate(scheme, activation, scale, *, depth=6, width=1024, n=128, seed=0):
    """Measured std per layer of a wide square net (zero biases, N(0, 1) inputs and signal)."""
    rng = np.random.default_rng(seed)
    weights = [
        init.initialize(scheme, width, width, scale=scale, rng=rng) for _ in range(depth + 1)
    ]
    flow = diagnostics.signal_flow(
        weights, rng.standard_normal((n, width)), activation, rng.standard_normal((n, width))
    )
    a = np.array([diagnostics.std(A) for A in flow.post])
    return a, np.array([diagnostics.std(g) for g in flow.grads])


# Tolerances: the theory is the infinite-width limit; a net of width 1024 draws each layer's gain
# from 1024 units, which moves a std by about 1/sqrt(1024) ~ 3% per layer at worst (measured
# here, seeds 0-2: under 1% for tanh and linear; up to 4% for sigmoid and 8% for ReLU, whose
# non-zero mean output puts a per-unit offset of 1024 random terms into every z).
@pytest.mark.parametrize(
    ("scheme", "activation", "scale", "rtol"),
    [
        ("xavier_normal", "tanh", 1.0, 0.03),
        ("xavier_normal", "tanh", 5.0 / 3.0, 0.03),
        ("lecun_normal", "linear", 1.0, 0.03),
        ("xavier_normal", "sigmoid", 1.0, 0.1),
        ("xavier_normal", "sigmoid", 4.0, 0.1),
        ("he_normal", "relu", 1.0, 0.15),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mean_field_theory_follows_a_wide_simulated_network(scheme, activation, scale, rtol, seed):
    a, g = simulate(scheme, activation, scale, seed=seed)
    act_std, grad_std = theory.depth_theory(scheme, scale, activation, 6, 1024)
    np.testing.assert_allclose(a, act_std, rtol=rtol)
    np.testing.assert_allclose(g, grad_std, rtol=rtol)


def test_mean_field_predicts_the_backward_growth_of_a_saturated_tanh_net():
    # N(0, 1) weights, width 1024: std(z) ~ 32, 97% of units saturated. The few unsaturated units
    # carry the gradient back; the small-signal rule (f' ~ 1) would predict x32 per layer.
    a, g = simulate("normal", "tanh", 1.0, seed=0)
    _, grad_std = theory.depth_theory("normal", 1.0, "tanh", 6, 1024)
    measured = (g[0] / g[-1]) ** (1 / 5)
    predicted = (grad_std[0] / grad_std[-1]) ** (1 / 5)
    assert 3.0 < measured < 5.0
    assert predicted == pytest.approx(measured, rel=0.1)


def test_depth_theory_shapes_and_the_schemes_it_cannot_describe():
    act, grad = theory.depth_theory("he_normal", 1.0, "relu", 7, 64)
    assert act.shape == grad.shape == (7,)
    th = theory.scheme_flow("he_normal", [64] * 9, "relu")
    np.testing.assert_array_equal(act, th.a_std)
    np.testing.assert_array_equal(grad, th.grad_std)
    for scheme in ("zeros", "constant"):
        assert theory.depth_theory(scheme, 1.0, "tanh", 5, 64) == (None, None)


def test_saturated_fraction_is_the_erfc_formula_and_diagnostics_shares_it():
    assert diagnostics.saturated_fraction_theory is theory.saturated_fraction
    t = activations.SATURATION_Z["tanh"]
    assert theory.saturated_fraction(t, "tanh") == pytest.approx(math.erfc(1 / math.sqrt(2)))
    z = np.random.default_rng(0).normal(0.0, 2.0, size=400_000)
    measured = diagnostics.saturated_fraction(z, "sigmoid")
    assert theory.saturated_fraction(2.0, "sigmoid") == pytest.approx(measured, abs=0.003)
    assert theory.saturated_fraction(5.0, "relu") == 0.0


@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
@pytest.mark.parametrize("scale", [1e-3, 1e-1, 1.0, 10.0, 1e3])
def test_theory_is_quiet_at_any_scale(activation, scale, strict):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        act, grad = theory.depth_theory("normal", scale, activation, 60, 512)
    assert act.shape == grad.shape == (60,)
    assert not np.any(np.isnan(act)) and np.all(act >= 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: theory.gaussian_moments("swish", 1.0), "'swish'"),
        (lambda: theory.gaussian_moments("tanh", -1.0), "-1.0"),
        (lambda: theory.activation_moments("tanh", 1.0, rule="exact"), "'exact'"),
        (lambda: theory.depth_theory("kaiming_normal", 1.0, "relu", 5, 64), "'kaiming_normal'"),
        (lambda: theory.depth_theory("he_normal", 1.0, "relu", 0, 64), "depth"),
        (lambda: theory.variance_flow([10, 10], [0.1], "tanh"), r"\[10, 10\]"),
        (lambda: theory.variance_flow([10, 10, 10], [0.1], "tanh"), "got 1"),
        (lambda: theory.variance_flow([10, 0, 10], [0.1, 0.1], "tanh"), r"sizes\[1\]"),
        (lambda: theory.variance_flow([10, 10, 10], [0.1, -1.0], "tanh"), r"weight_stds\[1\]"),
    ],
)
def test_bad_inputs_are_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match="sizes"):
        theory.variance_flow("10,10,10", [0.1, 0.1], "tanh")
    with pytest.raises(TypeError, match="z_std"):
        theory.gaussian_moments("tanh", "1.0")
