"""helpers.layers: BatchNorm and LayerNorm forward/backward against their definitions and
central differences (float64, relative error < 1e-7)."""

import numpy as np
import pytest

from helpers import dropout, layers
from helpers.gradcheck import numerical_gradient_array, rel_error

BAR = 1e-7


def data(n=8, units=5, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.normal(1.5, 3.0, size=(n, units))
    gamma = rng.normal(1.0, 0.5, size=units)
    beta = rng.normal(0.0, 0.5, size=units)
    dout = rng.normal(size=(n, units))
    return Z, gamma, beta, dout


def test_batchnorm_train_output_has_zero_mean_unit_variance_per_unit():
    Z, _, _, _ = data(n=50, units=7)
    out, _ = layers.batchnorm_forward(Z, np.ones(7), np.zeros(7), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-12)  # biased variance


def test_batchnorm_gamma_beta_set_the_std_and_mean():
    Z, gamma, beta, _ = data(n=40)
    out, _ = layers.batchnorm_forward(Z, gamma, beta, eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(gamma), rtol=1e-12)


def test_batchnorm_uses_the_biased_variance():
    Z = np.array([[0.0], [2.0]])  # mean 1, biased variance 1 (unbiased 2)
    out, _ = layers.batchnorm_forward(Z, np.ones(1), np.zeros(1), eps=1e-12)
    np.testing.assert_allclose(out[:, 0], [-1.0, 1.0])


def test_running_statistics_follow_the_momentum_rule_and_eval_uses_them():
    Z, gamma, beta, _ = data(n=10, units=3)
    run = layers.RunningStats.fresh(3)
    assert run.momentum == 0.1
    layers.batchnorm_forward(Z, gamma, beta, running=run)
    np.testing.assert_allclose(run.mean, 0.1 * Z.mean(axis=0))
    np.testing.assert_allclose(run.var, 0.9 + 0.1 * Z.var(axis=0, ddof=1))
    Znew = Z[:2] + 100.0  # a batch very unlike the running statistics
    out, _ = layers.batchnorm_forward(Znew, gamma, beta, mode="eval", running=run)
    expect = gamma * (Znew - run.mean) / np.sqrt(run.var + 1e-5) + beta
    np.testing.assert_allclose(out, expect)
    before = run.mean.copy()
    layers.batchnorm_forward(Znew, gamma, beta, mode="eval", running=run)
    np.testing.assert_array_equal(run.mean, before)  # eval does not update
    # one sample alone gives the same output in eval mode as inside its batch
    one, _ = layers.batchnorm_forward(Znew[:1], gamma, beta, mode="eval", running=run)
    np.testing.assert_allclose(one, out[:1])


def test_running_statistics_converge_to_the_population():
    rng = np.random.default_rng(3)
    run = layers.RunningStats.fresh(2)
    for _ in range(300):
        Z = rng.normal([2.0, -1.0], [3.0, 0.5], size=(64, 2))
        layers.batchnorm_forward(Z, np.ones(2), np.zeros(2), running=run)
    np.testing.assert_allclose(run.mean, [2.0, -1.0], atol=0.3)
    np.testing.assert_allclose(run.var, [9.0, 0.25], rtol=0.15)


def test_layernorm_normalises_each_sample_over_its_units():
    Z, _, _, _ = data(n=6, units=20)
    out, _ = layers.layernorm_forward(Z, np.ones(20), np.zeros(20), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=1), 1.0, rtol=1e-12)
    # each row is independent of the others
    alone, _ = layers.layernorm_forward(Z[2:3], np.ones(20), np.zeros(20), eps=1e-12)
    np.testing.assert_allclose(alone, out[2:3])


@pytest.mark.parametrize("kind", ["batch_train", "batch_eval", "layer"])
def test_backward_matches_central_differences(kind):
    Z, gamma, beta, dout = data()
    run = layers.RunningStats(np.full(5, 0.3), np.full(5, 2.0))

    def forward(Z, gamma, beta):
        if kind == "layer":
            return layers.layernorm_forward(Z, gamma, beta)
        mode = "train" if kind == "batch_train" else "eval"
        return layers.batchnorm_forward(Z, gamma, beta, mode=mode, running=run.copy())

    back = layers.layernorm_backward if kind == "layer" else layers.batchnorm_backward
    dZ, dgamma, dbeta = back(dout, forward(Z, gamma, beta)[1])
    num_Z = numerical_gradient_array(lambda x: forward(x, gamma, beta)[0], Z, dout)
    num_g = numerical_gradient_array(lambda x: forward(Z, x, beta)[0], gamma, dout)
    num_b = numerical_gradient_array(lambda x: forward(Z, gamma, x)[0], beta, dout)
    assert rel_error(dZ, num_Z) < BAR
    assert rel_error(dgamma, num_g) < BAR
    assert rel_error(dbeta, num_b) < BAR


def test_the_gradient_check_can_fail():
    Z, gamma, beta, dout = data()
    _, cache = layers.batchnorm_forward(Z, gamma, beta)
    dZ_train, _, _ = layers.batchnorm_backward(dout, cache)
    # the gradient as if mean and variance were constants (the eval-mode formula) is wrong
    naive = dout * gamma / Z.std(axis=0)
    assert rel_error(naive, dZ_train) > 1e-2


def test_batchnorm_train_gradient_sums_to_zero_per_unit():
    # out does not change when a constant is added to a unit: sum_n dZ = 0
    Z, gamma, beta, dout = data()
    dZ, _, _ = layers.batchnorm_backward(dout, layers.batchnorm_forward(Z, gamma, beta)[1])
    np.testing.assert_allclose(dZ.sum(axis=0), 0.0, atol=1e-12)


def test_dropout_is_re_exported():
    assert layers.dropout_forward is dropout.dropout_forward
    assert layers.dropout_backward is dropout.dropout_backward
    assert layers.draw_mask is dropout.draw_mask


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: layers.batchnorm_forward(np.ones((4, 3)), np.ones(2), np.zeros(3)), "gamma"),
        (lambda: layers.batchnorm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3)), "2 samples"),
        (
            lambda: layers.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), mode="test"),
            "mode",
        ),
        (
            lambda: layers.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), mode="eval"),
            "running",
        ),
        (lambda: layers.layernorm_forward(np.ones(3), np.ones(3), np.zeros(3)), "2-D"),
        (
            lambda: layers.layernorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), eps=0.0),
            "eps",
        ),
        (lambda: layers.RunningStats.fresh(3, momentum=1.5), "momentum"),
    ],
)
def test_bad_input_is_refused_with_a_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_mlp_loads_normed_only_when_asked_for_a_norm():
    # the layering's one exception (helpers/__init__): MLP.__new__ imports normed at call time
    import subprocess
    import sys

    code = (
        "import sys; from helpers.mlp import MLP; assert 'helpers.normed' not in sys.modules; "
        "m = MLP([2, 3, 1], norm='batch'); from helpers.normed import NormMLP; "
        "assert type(m) is NormMLP and m.norm == 'batch'; assert type(MLP([2, 3, 1])) is MLP"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
