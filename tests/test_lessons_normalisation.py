"""Every number notebook 08 prints, asserted as the lesson it teaches (properties, theory and
independent computations, not the values the code happened to produce)."""

import math

import numpy as np
import pytest
from scipy import stats

from helpers import lessons
from helpers.lessons import normalisation as norm_lessons
from helpers.lessons.modern_init import conv2d
from helpers.residual import SCALINGS

ZERO_STARTS = ("zero_gamma", "rezero", "fixup")


@pytest.fixture(scope="module")
def sweep():
    return lessons.scale_sweep()


@pytest.fixture(scope="module")
def streams():
    return lessons.stream_growth(), lessons.stream_growth(norm=None)


@pytest.fixture(scope="module")
def deep():
    return lessons.residual_training()


def test_plain_net_loses_the_signal_at_small_scales(sweep):
    _, y = norm_lessons.moons(64)
    share = max(np.mean(y), 1 - np.mean(y))  # one answer for every point
    for act in sweep.activations:
        for scale in (1e-3, 1e-2):
            row = sweep.acc[(None, act)][sweep.scales.index(scale)]
            np.testing.assert_allclose(row, share)


def test_batchnorm_beats_the_plain_net_at_every_scale(sweep):
    for act in sweep.activations:
        for s in sweep.scales:
            assert sweep.median("batch", act, s) > sweep.median(None, act, s)
            assert sweep.median("batch", act, s) >= 0.7


def test_layernorm_beats_the_plain_net_at_scale_one(sweep):
    for act in sweep.activations:
        assert sweep.median("layer", act, 1.0) > sweep.median(None, act, 1.0)
    assert sweep.format().count("\n") == 1 + len(sweep.acc)


@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_the_stacked_sweep_trains_as_train_does(norm, act):
    # the sweep's nets, trained side by side, end where MLP(norm=...) + train() ends
    from helpers.lessons._norm_stack import train_stack
    from helpers.mlp import MLP
    from helpers.train import train

    X, y = norm_lessons.moons(64)
    sizes = [2] + [8] * 6 + [1]
    runs = [(0.1, 0.1, 0), (1.0, 0.3, 1)]  # (scale, lr, seed)
    plain = [MLP(sizes, activation=act, init="normal", scale=s, seed=k) for s, _, k in runs]
    loss, acc, diverged = train_stack(plain, [lr for _, lr, _ in runs], X, y, epochs=15,
                                      norm=norm, activation=act)  # fmt: skip
    for i, (s, lr, k) in enumerate(runs):
        m = MLP(sizes, activation=act, init="normal", scale=s, seed=k, norm=norm)
        h = train(m, X, y, epochs=15, lr=lr, record_layers=False)
        assert not diverged[i]
        np.testing.assert_allclose(loss[i], h.final_loss, rtol=1e-9)
        assert acc[i] == h.final_accuracy


def test_the_sweep_refuses_an_unknown_norm_or_no_learning_rate():
    with pytest.raises(ValueError, match="norm"):
        lessons.scale_sweep(norms=("group",))
    with pytest.raises(ValueError, match="learning rate"):
        lessons.scale_sweep(lrs=())


def test_each_sweep_cell_keeps_its_best_learning_rate(sweep):
    for key, lrs in sweep.best_lr.items():
        med = np.median(sweep.loss[key], axis=2)  # scales x lrs
        for i, lr in enumerate(lrs):
            assert med[i, sweep.lrs.index(lr)] == med[i].min()
    assert len(sweep.seeds) >= 3


def test_batchnorm_output_is_scale_invariant_and_its_gradient_falls_as_one_over_c():
    r = lessons.scale_invariance()
    # only eps = 1e-5 in sqrt(var + eps) differs: a relative effect of about eps / Var(Z_2)
    np.testing.assert_allclose(r["loss"], r["loss"][0], rtol=1e-4)
    np.testing.assert_allclose(r["grad_times_scale"], r["grad_times_scale"][0], rtol=1e-4)
    assert len(set(np.round(r["plain_loss"], 4))) == len(r["scales"])  # the plain net changes
    assert "c*||dW_2||" in lessons.format_scale_invariance(r)


def test_zero_starts_keep_the_stream_exactly_as_it_entered(streams):
    for res in streams:
        for s in res.scalings:
            if s in ZERO_STARTS:
                np.testing.assert_array_equal(res.rms[s][:, -1], res.rms[s][:, 0])
                np.testing.assert_array_equal(res.grad[s], 1.0)
                assert res.theory_rms[s][-1] == res.theory_rms[s][0]


def test_stream_follows_the_theory(streams):
    with_norm, without = streams
    for s in ("none", "gpt2"):
        np.testing.assert_allclose(np.median(with_norm.rms[s][:, -1]), with_norm.theory_rms[s][-1],
                                   rtol=0.1)  # fmt: skip
    # without a norm the growth is geometric: compare the exponents
    meas = np.log(np.median(without.rms["none"][:, -1]) / without.rms["none"][0, 0])
    pred = np.log(without.theory_rms["none"][-1] / without.theory_rms["none"][0])
    assert abs(meas / pred - 1) < 0.05
    gpt2 = np.median(without.rms["gpt2"][:, -1])
    np.testing.assert_allclose(gpt2, without.theory_rms["gpt2"][-1], rtol=0.15)
    # linear growth of the variance with a norm: the theory's increments are all equal
    inc = np.diff(with_norm.theory_rms["none"] ** 2)
    np.testing.assert_allclose(inc, inc[0])
    assert set(with_norm.scalings) == set(SCALINGS) - {"fixup"}


def test_gradients_grow_down_the_stream_unless_scaled(streams):
    res = streams[0]
    g = {s: np.median(res.grad[s][:, 0]) for s in res.scalings}
    assert g["none"] > g["gpt2"] > 1.0
    assert g["zero_gamma"] == g["rezero"] == 1.0


def test_depth_50_residual_nets_train_and_the_plain_one_does_not(deep):
    plain = "plain MLP (no shortcut)"
    np.testing.assert_allclose(deep.loss[plain], math.log(2), atol=1e-3)
    for label in deep.loss:
        if label != plain:
            assert np.median(deep.acc[label]) > 0.75
            assert np.max(deep.loss[label]) < np.min(deep.loss[plain])
            assert deep.diverged[label] == 0
    assert deep.n_blocks >= 50


def test_fixed_std_against_one_over_sqrt_d():
    rows = lessons.fixed_std_table()
    for r in rows:
        assert r["ratio"] == pytest.approx(r["lecun"] ** -1 * 0.02)
        assert r["gain"] == pytest.approx(r["ratio"] ** 2)
    by_d = {r["d"]: r for r in rows}
    assert by_d[2500]["ratio"] == pytest.approx(1.0)  # 0.02 is 1/sqrt(d) only at d = 2500
    assert rows[0]["proj"] == pytest.approx(0.02 / math.sqrt(24))
    assert "0.00408" in lessons.format_fixed_std_table(rows)


def test_trunc_normal_default_bounds_cut_nothing_and_two_std_bounds_shrink_the_std():
    r = lessons.trunc_normal_pitfall()
    assert r["bound_in_stds"] == pytest.approx(100.0)
    assert r["cut_default"] < 1e-300
    assert r["measured_default"] == pytest.approx(0.02, rel=0.01)
    assert r["max_default"] < 2.0
    assert r["cut_two_std"] == pytest.approx(2 * stats.norm.sf(2.0))
    assert r["std_two_std"] == pytest.approx(0.02 * stats.truncnorm(-2, 2).std())
    assert r["measured_two_std"] == pytest.approx(r["std_two_std"], rel=0.01)


def test_layer_defaults():
    rows = {layer: s for _, layer, _, _, s in lessons.layer_defaults(256, 256, k=3)}
    bound = 1 / math.sqrt(256)
    assert rows["nn.Linear"] == pytest.approx(bound / math.sqrt(3))  # std of U(-a, a)
    assert rows["nn.Conv2d"] == pytest.approx(rows["nn.Linear"] / 3)  # fan_in x 9
    assert rows["Dense"] == pytest.approx(math.sqrt(2 / 512))
    assert rows["Conv2D"] == pytest.approx(rows["Dense"] / 3)
    assert rows["Embedding"] == pytest.approx(0.1 / math.sqrt(12))
    assert len(rows) == len(lessons.LAYER_DEFAULTS)


def test_convolution_fan_in_includes_the_kernel():
    r = lessons.conv_fan_in()
    assert r["fan_in"] == 16 * 9
    assert r["wrong"] / r["right"] == pytest.approx(9.0, rel=1e-12)  # the same draws, std x 3
    assert r["right"] == pytest.approx(2.0, rel=0.1)  # He: E[z^2] = 2 E[x^2], one sample


def test_conv2d_is_the_sum_over_the_window():
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 3))
    out = conv2d(X, W)
    assert out.shape == (2, 4, 3, 3)
    np.testing.assert_allclose(out[1, 2, 0, 1], np.sum(X[1, :, 0:3, 1:4] * W[2]))


def _layernorm(Z, gamma, beta, eps=1e-5):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(var + eps) + beta


@pytest.mark.parametrize(
    "fn, ok, hint",
    [
        (_layernorm, True, "Right"),
        (lambda Z, g, b, eps=1e-5: (_layernorm(Z, g, b, eps), None), True, "Right"),
        (
            lambda Z, g, b, eps=1e-5: g * (Z - Z.mean(0)) / np.sqrt(Z.var(0) + eps) + b,
            False,
            "BatchNorm",
        ),  # fmt: skip
        (lambda Z, g, b, eps=1e-5: _layernorm(Z, 1.0, 0.0, eps), False, "gamma"),
        (
            lambda Z, g, b, eps=1e-5: (
                g * (Z - Z.mean(1, keepdims=True)) / np.sqrt(Z.var(1, ddof=1, keepdims=True) + eps)
                + b
            ),
            False,
            "biased",
        ),  # fmt: skip
        (lambda Z, g, b, eps=1e-5: None, False, "return"),
    ],
)
def test_check_layernorm_forward(fn, ok, hint, capsys):
    from helpers import checks

    assert checks.check_layernorm_forward(fn) is ok
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, ok, hint",
    [
        (lambda N, v: math.sqrt(1 + N * v), True, "measured"),
        (lambda N, v: 1 + N * v, False, "variance"),
        (lambda N, v: 1 + math.sqrt(N * v), False, "Standard deviations do not add"),
        (lambda N, v: "3", False, "string"),
    ],
)
def test_check_stream_std(fn, ok, hint, capsys):
    from helpers import checks

    assert checks.check_stream_std(fn) is ok
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, ok, hint",
    [
        (lambda N: 1 / math.sqrt(2 * N), True, "GPT-2"),
        (lambda N: 1 / (2 * N), False, "alpha squared"),
        (lambda N: 1.0, False, "solve"),
    ],
)
def test_check_alpha(fn, ok, hint, capsys):
    from helpers import checks

    assert checks.check_alpha(fn) is ok
    out = capsys.readouterr().out
    assert hint in out
    if ok:  # the measured growth of the variance is the wanted factor 2, within 5%
        growth = float(out.split("grows by ")[1].split(" ")[0])
        assert growth == pytest.approx(2.0, rel=0.05)


def test_trunc_normal_keeps_its_bounds_and_refuses_empty_ones():
    from helpers import init

    w = init.trunc_normal(10_000, std=1.0, a=-0.5, b=1.0, rng=np.random.default_rng(0))
    assert w.min() >= -0.5 and w.max() <= 1.0
    assert np.mean(w) == pytest.approx(stats.truncnorm(-0.5, 1.0).mean(), abs=0.02)
    again = init.trunc_normal(10_000, std=1.0, a=-0.5, b=1.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(w, again)
    with pytest.raises(ValueError, match="a < b"):
        init.trunc_normal(3, a=1.0, b=0.0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="almost none"):
        init.trunc_normal(3, std=0.02, a=5.0, b=6.0, rng=np.random.default_rng(0))
