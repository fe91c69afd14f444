"""Per-layer statistics: overflow-free moments, saturation, dead units, unit symmetry, tables."""

import math

import numpy as np
import pytest

from helpers import diagnostics as dg
from helpers.data import make_moons
from helpers.mlp import MLP


@pytest.fixture
def sample():
    return np.random.default_rng(0).normal(0.3, 2.0, size=(50, 40))


def test_moments_equal_numpys_on_ordinary_arrays(sample):
    x = sample
    assert dg.rms(x) == pytest.approx(math.sqrt(np.mean(x**2)), rel=1e-13)
    assert dg.std(x) == pytest.approx(np.std(x), rel=1e-13)
    assert dg.mean(x) == pytest.approx(np.mean(x), rel=1e-13)
    assert dg.norm(x) == pytest.approx(np.linalg.norm(x), rel=1e-13)
    v = np.array([3.0, -4.0])
    assert dg.norm(v) == pytest.approx(5.0, rel=1e-15)
    assert dg.rms(v) == pytest.approx(math.sqrt(12.5), rel=1e-15)


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e300])
def test_moments_of_extreme_arrays_neither_overflow_nor_lose_precision(sample, scale, strict):
    x = scale * sample
    assert dg.rms(x) == pytest.approx(scale * math.sqrt(np.mean(sample**2)), rel=1e-13)
    assert dg.std(x) == pytest.approx(scale * np.std(sample), rel=1e-13)
    assert dg.mean(x) == pytest.approx(scale * np.mean(sample), rel=1e-13)
    assert dg.norm(x) == pytest.approx(scale * np.linalg.norm(sample), rel=1e-13)


def test_the_naive_formula_would_overflow_where_ours_does_not(sample):
    x = 1e200 * sample
    with np.errstate(over="ignore"):
        assert math.isinf(math.sqrt(np.mean(x**2)))  # what we avoid
    assert math.isfinite(dg.rms(x))


def test_moments_of_empty_and_zero_arrays():
    for f in (dg.rms, dg.std, dg.mean, dg.norm):
        assert f(np.zeros((3, 4))) == 0.0
        assert f(np.array([])) == 0.0


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("z_std", [0.3, 1.0, 2.0, 5.0, 30.0])
def test_saturated_fraction_matches_theory_on_gaussian_samples(activation, z_std):
    n = 200_000
    Z = np.random.default_rng(1).normal(0.0, z_std, size=(n // 100, 100))
    p = dg.saturated_fraction_theory(z_std, activation)
    se = math.sqrt(p * (1 - p) / n)
    assert abs(dg.saturated_fraction(Z, activation) - p) <= 5 * se + 1e-6


def test_saturated_fraction_theory_values():
    # P(|z| > t) for z ~ N(0, s^2): erfc(t / (s sqrt 2)); at s = t it is P(|N(0,1)| > 1)
    t = dg.activations.SATURATION_Z["tanh"]
    assert dg.saturated_fraction_theory(t, "tanh") == pytest.approx(0.31731050786291, rel=1e-12)
    assert dg.saturated_fraction_theory(0.0, "tanh") == 0.0
    assert dg.saturated_fraction_theory(1e6, "sigmoid") == pytest.approx(1.0, abs=1e-5)
    for a in ("relu", "leaky_relu", "linear"):
        assert dg.saturated_fraction_theory(10.0, a) == 0.0
        assert dg.saturated_fraction(np.full((2, 2), 100.0), a) == 0.0


def test_saturated_fraction_counts_the_tails():
    t = dg.activations.SATURATION_Z["sigmoid"]
    Z = np.array([[0.0, t * 0.99, t * 1.01, -t * 1.01], [-100.0, 100.0, 1.0, -1.0]])
    assert dg.saturated_fraction(Z, "sigmoid") == 4 / 8


def test_dead_and_inactive_fraction():
    Z = np.array([[-1.0, 2.0, 0.0, 5.0], [-3.0, -1.0, 0.0, 0.5]])
    assert dg.dead_fraction(Z) == 0.5  # columns 0 and 2 never positive
    assert dg.inactive_fraction(Z) == 5 / 8
    assert dg.dead_fraction(np.ones((3, 4))) == 0.0
    assert dg.dead_fraction(-np.ones((3, 4))) == 1.0


def test_unit_spread_is_exactly_zero_for_identical_columns():
    col = np.array([[1 / 3], [0.1], [-7e-5], [1e10]])
    assert dg.unit_spread(np.tile(col, (1, 16))) == 0.0
    assert dg.unit_spread(np.zeros((3, 5))) == 0.0
    assert dg.unit_spread(np.ones((4, 1))) == 0.0  # a single unit
    # the tiniest difference is not zero
    W = np.tile(col, (1, 3))
    W[2, 1] = np.nextafter(W[2, 1], 1.0)
    assert dg.unit_spread(W) > 0.0


def test_unit_spread_of_known_examples():
    assert dg.unit_spread(np.array([[0.0, 3.0], [0.0, 4.0]])) == pytest.approx(5.0, rel=1e-15)
    assert dg.unit_spread(np.array([[1.0, 4.0], [2.0, 6.0]])) == pytest.approx(5.0, rel=1e-15)
    # the largest pairwise distance: columns 0 and 2 are 10 apart
    W = np.array([[0.0, 1.0, 6.0], [0.0, 1.0, 8.0]])
    assert dg.unit_spread(W) == pytest.approx(10.0, rel=1e-15)


def test_unit_spread_equals_brute_force_and_survives_huge_weights(strict):
    W = np.random.default_rng(2).normal(size=(7, 9))
    brute = max(np.linalg.norm(W[:, i] - W[:, j]) for i in range(9) for j in range(9))
    assert dg.unit_spread(W) == pytest.approx(brute, rel=1e-12)
    assert dg.unit_spread(1e200 * W) == pytest.approx(1e200 * brute, rel=1e-12)


def test_distinct_units():
    rng = np.random.default_rng(3)
    a, b, c = rng.normal(size=(3, 20))
    A = np.column_stack([a, a, b, a + 1e-12, c, b])
    assert dg.distinct_units(A) == 4  # a, b, a + 1e-12, c
    assert dg.distinct_units(A, tol=1e-9) == 3
    assert dg.distinct_units(np.tile(a[:, None], (1, 16))) == 1
    assert dg.distinct_units(rng.normal(size=(5, 8))) == 8


def test_layer_stats_report_each_layer():
    X, y = make_moons(100, noise=0.1, rng=np.random.default_rng(0))
    model = MLP([2, 8, 6, 1], activation="relu", init="he_normal", seed=1)
    rows = dg.layer_stats(model, X, y)
    assert [r.layer for r in rows] == [1, 2, 3]
    assert [(r.fan_in, r.fan_out) for r in rows] == [(2, 8), (8, 6), (6, 1)]
    assert [r.activation for r in rows] == ["relu", "relu", "sigmoid"]
    _, cache = model.forward(X)
    g = model.backward(cache, y)
    for r in rows:
        assert r.z_std == dg.std(cache.pre[r.layer])
        assert r.a_std == dg.std(cache.post[r.layer])
        assert r.a_mean == dg.mean(cache.post[r.layer])
        assert r.dW_norm == dg.norm(g.dW[r.layer - 1])
    assert rows[0].grad_std == dg.std(g.dA[1])
    assert rows[2].grad_std == dg.std(g.delta[3])
    assert rows[0].dead == dg.dead_fraction(cache.pre[1])
    assert rows[0].spread == dg.unit_spread(model.weights[0]) and rows[2].spread is None
    table = dg.format_layer_table(rows)
    lines = table.splitlines()
    assert len(lines) == 4 and "std(dA)" in lines[0]
    assert lines[1].split()[:3] == ["1", "2x8", "relu"]
    # without targets: forward statistics only
    rows = dg.layer_stats(model, X)
    assert all(r.grad_std is None and r.dW_norm is None for r in rows)
    assert "std(dA)" not in dg.format_layer_table(rows)


def test_forward_and_backward_std():
    X, y = make_moons(100, noise=0.1, rng=np.random.default_rng(0))
    model = MLP([2, 8, 8, 8, 1], activation="tanh", seed=2)
    _, cache = model.forward(X)
    np.testing.assert_array_equal(dg.forward_std(model, X), [dg.std(A) for A in cache.post[1:]])
    g = model.backward(cache, y)
    np.testing.assert_array_equal(dg.backward_std(model, X, y), [dg.std(d) for d in g.dA[:-1]])
    up = np.random.default_rng(5).normal(size=(100, 1))
    h = model.backward_from_delta(cache, up)
    np.testing.assert_array_equal(dg.backward_std(model, X, seed=5), [dg.std(d) for d in h.dA[:-1]])
    assert dg.backward_std(model, X).shape == (4,)
    rows = dg.layer_stats(model, X, upstream="random")
    assert all(r.grad_std is not None for r in rows)


# ------------------------------------------------------------------------------ signal_flow


def _square_net(activation, *, width=24, depth=4, seed=0, bias=0.0):
    return MLP(
        [width] * (depth + 2),
        activation=activation,
        output="linear",
        init="xavier_normal",
        bias=bias,
        seed=seed,
    )


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu", "linear"])
def test_signal_flow_is_the_mlps_forward_and_backward_pass_bit_for_bit(activation):
    model = _square_net(activation)
    rng = np.random.default_rng(1)
    X, up = rng.normal(size=(30, 24)), rng.normal(size=(30, 24))
    flow = dg.signal_flow(model.weights, X, activation, up)
    _, cache = model.forward(X)
    grads = model.backward_from_delta(cache, up)
    assert len(flow.pre) == len(flow.post) == len(flow.grads) == 4
    for l in range(1, 5):
        np.testing.assert_array_equal(flow.pre[l - 1], cache.pre[l])
        np.testing.assert_array_equal(flow.post[l - 1], cache.post[l])
        np.testing.assert_array_equal(flow.grads[l - 1], grads.dA[l])
    np.testing.assert_array_equal(flow.grad_input, grads.dA[0])


def test_signal_flow_scale_is_the_mlp_with_scaled_weights():
    model = _square_net("tanh")
    rng = np.random.default_rng(2)
    X, up = rng.normal(size=(30, 24)), rng.normal(size=(30, 24))
    flow = dg.signal_flow(model.weights, X, "tanh", up, scale=0.7)
    scaled = model.copy()
    scaled.weights = [0.7 * W for W in model.weights]
    _, cache = scaled.forward(X)
    grads = scaled.backward_from_delta(cache, up)
    for l in range(1, 5):
        np.testing.assert_allclose(flow.post[l - 1], cache.post[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(flow.grads[l - 1], grads.dA[l], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(flow.grad_input, grads.dA[0], rtol=1e-12, atol=1e-15)


def test_signal_flow_follows_changing_widths():
    rng = np.random.default_rng(3)
    weights = [rng.normal(size=s) for s in ((5, 7), (7, 3), (3, 2))]
    flow = dg.signal_flow(weights, rng.normal(size=(4, 5)), "relu", rng.normal(size=(4, 2)))
    assert [Z.shape for Z in flow.pre] == [(4, 7), (4, 3)]
    assert [g.shape for g in flow.grads] == [(4, 7), (4, 3)] and flow.grad_input.shape == (4, 5)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("scale", [1e-3, 1e-1, 1.0, 10.0, 1e3])
def test_signal_flow_is_quiet_at_any_scale(activation, scale, strict):
    model = MLP([64] * 32, activation=activation, output="linear", init="normal", seed=0)
    rng = np.random.default_rng(0)
    flow = dg.signal_flow(
        model.weights, rng.normal(size=(16, 64)), activation, rng.normal(size=(16, 64)), scale=scale
    )
    assert len(flow.grads) == 30  # values may be inf or nan here; no warning, no error


def test_backward_std_with_biases_runs_the_models_own_pass():
    X = np.random.default_rng(0).normal(size=(40, 3))
    model = MLP([3, 8, 8, 2], activation="tanh", output="linear", bias="normal", seed=1)
    _, cache = model.forward(X)
    up = np.random.default_rng(4).normal(size=(40, 2))
    expected = [dg.std(d) for d in model.backward_from_delta(cache, up).dA[:-1]]
    np.testing.assert_array_equal(dg.backward_std(model, X, seed=4), expected)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((None, "swish"), ValueError, "'swish'"),
        (([np.ones((3, 4)), np.ones((5, 2))], "tanh"), ValueError, r"weights\[1\].*\(4, fan_out\)"),
        (([np.ones((4, 4)), np.ones((4, 2))], "tanh"), ValueError, r"weights\[0\].*\(3, fan_out\)"),
        (([np.ones((3, 2))], "tanh"), ValueError, "at least one hidden layer"),
        ((np.ones((3, 3)), "tanh"), TypeError, "list of 2-D arrays"),
    ],
)
def test_signal_flow_refuses_bad_inputs_by_name(args, error, message):
    weights, activation = args
    if weights is None:
        weights = [np.ones((3, 4)), np.ones((4, 2))]
    with pytest.raises(error, match=message):
        dg.signal_flow(weights, np.ones((5, 3)), activation, np.ones((5, 2)))


def test_signal_flow_refuses_a_signal_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"signal must have shape \(5, 2\).*\(5, 3\)"):
        dg.signal_flow([np.ones((3, 4)), np.ones((4, 2))], np.ones((5, 3)), "tanh", np.ones((5, 3)))
