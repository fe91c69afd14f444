"""Normalised and residual models: gradient checks (float64, relative error < 1e-7) for every
norm x activation x output x depth 1-4, the residual stream against theory, and training."""

import math

import numpy as np
import pytest

from helpers import batched, data, gradcheck, theory
from helpers.mlp import MLP
from helpers.normed import NormMLP
from helpers.residual import SCALINGS, ResidualMLP, branch_factors
from helpers.train import train

BAR = 1e-7
KINK_MARGIN = 1e-3  # 100 x the central differences' step
OUTPUTS = {"sigmoid": 1, "softmax": 3, "linear": 2}
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
N = 12


def targets(output, rng):
    k = OUTPUTS[output]
    if output == "sigmoid":
        return rng.integers(0, 2, size=N)
    if output == "softmax":
        return rng.integers(0, k, size=N)
    return rng.normal(size=(N, k))


def randomise(model, rng):
    """Move every parameter off its special start (gamma 1, beta 0, zeros, alpha 0)."""
    for p in model.parameters():
        p += rng.normal(0.0, 0.3, p.shape)
    for a in getattr(model, "alphas", []):
        a[:] = rng.normal(1.0, 0.3)


def off_the_kink(make, layers):
    """The first of seeds 0, 1, ... whose model (``make(rng)`` -> model, X, y) keeps every
    (leaky) ReLU pre-activation further than KINK_MARGIN from 0, where a central difference
    would straddle the kink; smooth activations take seed 0."""
    for seed in range(20):
        model, X, y = make(np.random.default_rng(seed))
        if model.activation not in ("relu", "leaky_relu"):
            return model, X, y
        _, cache = model.forward(X)
        if min(float(np.min(np.abs(cache.pre[l]))) for l in layers(model)) > KINK_MARGIN:
            return model, X, y
    raise AssertionError("no seed keeps the pre-activations off the kink")


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalised_mlp_gradients(norm, activation, output, depth):
    sizes = [3] + [5] * depth + [OUTPUTS[output]]

    def make(rng):
        model = MLP(sizes, norm=norm, activation=activation, output=output, init="normal",
                    seed=depth)  # fmt: skip
        randomise(model, rng)
        return model, rng.normal(size=(N, 3)), targets(output, rng)

    model, X, y = off_the_kink(make, lambda m: range(1, m.n_layers))
    assert isinstance(model, NormMLP)
    assert gradcheck.check_gradients(model, X, y) < BAR


CASES = [(s, n) for s in SCALINGS for n in (None, "batch", "layer") if not (s == "fixup" and n)]


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("scaling, norm", CASES)
def test_residual_gradients(scaling, norm, activation, output, depth):

    def make(rng):
        model = ResidualMLP(3, 5, depth, OUTPUTS[output], hidden=4, norm=norm,
                            activation=activation, output=output, residual_scaling=scaling,
                            init="xavier_normal", seed=depth)  # fmt: skip
        randomise(model, rng)
        return model, rng.normal(size=(N, 3)), targets(output, rng)

    model, X, y = off_the_kink(make, lambda m: range(2, m.n_layers, 2))
    assert gradcheck.check_gradients(model, X, y) < BAR


def test_gradient_check_sees_a_wrong_norm_gradient(monkeypatch):
    from helpers import layers

    rng = np.random.default_rng(0)
    model = MLP([3, 5, 5, 1], norm="layer", init="normal")
    randomise(model, rng)
    X, y = rng.normal(size=(N, 3)), targets("sigmoid", rng)
    real = layers.norm_backward

    def as_if_constant(dout, cache):  # forgets the path through the mean and variance
        dZ, dg, db = real(dout, cache)
        return dout * cache[2] * cache[1], dg, db

    monkeypatch.setattr(layers, "norm_backward", as_if_constant)
    assert gradcheck.check_gradients(model, X, y) > 1e-3


def test_norm_mlp_parameters_and_defaults():
    model = MLP([2, 8, 6, 1], norm="batch", seed=3)
    plain = MLP([2, 8, 6, 1], seed=3)
    for W, V in zip(model.weights, plain.weights):
        np.testing.assert_array_equal(W, V)  # the same draws as the plain MLP
    assert [g.tolist() for g in model.gammas] == [[1.0] * 8, [1.0] * 6]
    assert all(not b.any() for b in model.betas)
    assert model.n_params == plain.n_params + 2 * (8 + 6)
    assert len(model.parameters()) == 2 * 3 + 2 * 2
    assert MLP([2, 3, 1], norm=None).__class__ is MLP


def test_batchnorm_mlp_hidden_layers_are_normalised_and_eval_uses_running_stats():
    rng = np.random.default_rng(1)
    X = rng.normal(3.0, 5.0, size=(64, 4))
    model = MLP([4, 10, 10, 1], norm="batch", init="normal", scale=7.0)
    _, cache = model.forward(X)
    for l in (1, 2):  # what the activation sees: zero mean, unit variance per unit
        np.testing.assert_allclose(cache.pre[l].mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(cache.pre[l].var(axis=0), 1.0, rtol=1e-3)
    run = model.running[0]
    np.testing.assert_allclose(run.mean, 0.1 * cache.affine[1].mean(axis=0))
    model.eval()
    _, ecache = model.forward(X[:1])
    expect = (ecache.affine[1] - run.mean) / np.sqrt(run.var + model.eps)
    np.testing.assert_allclose(ecache.pre[1], expect)
    before = run.mean.copy()
    gradcheck.check_gradients(model.train_mode(), X[:6], (X[:6, 0] > 3).astype(int))
    np.testing.assert_array_equal(run.mean, before)  # the check works on a copy


def test_normalisation_rescues_a_tiny_weight_scale():
    X, y = data.make_moons(200, noise=0.1, rng=np.random.default_rng(0))
    sizes = [2] + [16] * 10 + [1]
    plain = MLP(sizes, init="normal", scale=1e-3)
    normed = MLP(sizes, norm="batch", init="normal", scale=1e-3)
    h_plain = train(plain, X, y, epochs=150, lr=0.5, record_layers=False)
    h_norm = train(normed, X, y, epochs=150, lr=0.5, record_layers=False)
    assert h_plain.final_accuracy < 0.6  # signal lost: the plain net stays at chance
    assert h_norm.final_accuracy > 0.85
    assert not np.allclose(normed.gammas[0], 1.0)  # train() learns gamma too


def test_train_ends_a_diverging_normalised_run_quietly():
    X, y = data.make_moons(100, noise=0.1, rng=np.random.default_rng(0))
    model = ResidualMLP(2, 16, 20, 1, residual_scaling="none", activation="relu")
    h = train(model, X, y, epochs=20, lr=1e6)
    assert h.diverged and h.epochs < 20
    assert np.isfinite(model.loss(X, y))


def test_restarts_and_dropout_refuse_the_new_models():
    X, y = data.make_moons(40, noise=0.1, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="must be an MLP, a plain one"):
        batched.train_restarts([MLP([2, 4, 1], norm="layer")], X, y, epochs=1, lr=0.1)
    with pytest.raises(TypeError, match="must be an MLP, a plain one"):
        batched.train_restarts([ResidualMLP(2, 4, 2, 1)], X, y, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="dropout"):
        train(MLP([2, 4, 1], norm="batch"), X, y, epochs=1, lr=0.1, dropout=0.5)


@pytest.mark.parametrize("scaling", SCALINGS)
def test_residual_scalings_initialise_as_documented(scaling):
    N = 8
    model = ResidualMLP(3, 16, N, 1, residual_scaling=scaling, seed=2)
    ref = ResidualMLP(3, 16, N, 1, seed=2)  # the same draws, scaling "none"
    f1, f2, alpha = branch_factors(scaling, N)
    for k in range(1, N + 1):
        np.testing.assert_allclose(model.weights[2 * k - 1], f1 * ref.weights[2 * k - 1])
        np.testing.assert_allclose(model.weights[2 * k], f2 * ref.weights[2 * k])
        assert model.alpha(k) == alpha
    assert (f1, f2, alpha) == {
        "none": (1.0, 1.0, 1.0),
        "gpt2": (1.0, 1 / math.sqrt(2 * N), 1.0),
        "zero_gamma": (1.0, 0.0, 1.0),
        "rezero": (1.0, 1.0, 0.0),
        "fixup": (N**-0.5, 0.0, 1.0),
    }[scaling]
    assert (not model.weights[-1].any()) == (scaling == "fixup")
    assert len(model.alphas) == (N if scaling == "rezero" else 0)
    X = np.random.default_rng(0).normal(size=(5, 3))
    _, cache = model.forward(X)
    if scaling in ("zero_gamma", "rezero", "fixup"):  # every block starts as the identity
        np.testing.assert_allclose(cache.post[-2], cache.post[1])


@pytest.mark.parametrize("norm", [None, "layer", "batch"])
@pytest.mark.parametrize("scaling", ["none", "gpt2"])
def test_stream_rms_follows_the_theory(norm, scaling):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 8))
    N = 40 if norm else 8
    model = ResidualMLP(8, 256, N, 1, norm=norm, residual_scaling=scaling)
    rms = model.stream_rms(X)
    th = theory.residual_stream(N, "relu", 256, residual_scaling=scaling, norm=norm,
                                input_rms=rms[0])  # fmt: skip
    # one network fluctuates around the expectation; without a norm the factors compound
    np.testing.assert_allclose(rms, th.rms, rtol=0.05 if norm else 0.2)
    if norm:  # linear growth: the variance gains the same amount in every block
        gains = np.diff(th.rms**2)
        np.testing.assert_allclose(gains, gains[0])
    else:  # geometric growth for ReLU
        ratios = th.rms[1:] / th.rms[:-1]
        np.testing.assert_allclose(ratios, ratios[0])


def test_residual_model_refuses_bad_settings():
    with pytest.raises(ValueError, match="residual_scaling"):
        ResidualMLP(2, 4, 2, 1, residual_scaling="gpt3")
    with pytest.raises(ValueError, match="Fixup"):
        ResidualMLP(2, 4, 2, 1, residual_scaling="fixup", norm="layer")
    with pytest.raises(ValueError, match="norm"):
        ResidualMLP(2, 4, 2, 1, norm="group")
    with pytest.raises(ValueError, match="n_blocks"):
        ResidualMLP(2, 4, 0, 1)
    with pytest.raises(ValueError, match="norm"):
        MLP([2, 3, 1], norm="instance")
    with pytest.raises(ValueError, match="float64"):
        MLP([2, 3, 1], norm="layer", dtype="float32")


def test_residual_explorer_follows_the_theory_and_names_what_does_not_apply():
    import matplotlib

    matplotlib.use("agg")
    from helpers.explorers import build_residual_explorer

    ex = build_residual_explorer(depth=40)
    try:
        v = ex.values
        assert v["fwd_rms"].shape == v["grad_rms"].shape == (40,)
        np.testing.assert_allclose(v["fwd_rms"], v["fwd_theory"], rtol=0.1)
        ex.controls["scaling"].value = "rezero"  # every block starts as the identity
        np.testing.assert_allclose(ex.values["fwd_rms"], ex.values["fwd_rms"][0])
        ex.controls["scaling"].value = "fixup"
        assert "without a norm" in ex.values["note"]
        ex.set(norm="none", scaling="none", scale=100.0, depth=128)  # overflows, quietly
        assert np.isinf(ex.values["fwd_rms"][-1]) and ex.values["fwd_theory"] is not None
        ex.set(block="plain", scaling="gpt2")
        assert "unused" in ex.values["note"]
    finally:
        ex.close()


def test_residual_explorer_redraws_a_scale_or_depth_change_by_blitting():
    import matplotlib

    matplotlib.use("agg")
    from helpers.explorers import build_residual_explorer

    ex = build_residual_explorer()
    try:
        ex.figure.canvas.draw()
        before = dict(ex.renders)
        for s in (0.5, 2.0, 1.5, 0.8):  # the outputs' size changes 50-fold, the axes do not
            ex.controls["scale"].value = s
        for d in (21, 23, 25, 22):  # within one nice x limit (25)
            ex.controls["depth"].value = d
        assert ex.renders["blit"] - before["blit"] >= 7
        assert ex.renders["full"] == before["full"]
        v = ex.values  # the histogram shows the outputs in units of their RMS
        np.testing.assert_allclose(v["last_scaled"] * np.sqrt(np.mean(v["last"] ** 2)),
                                   v["last"])  # fmt: skip
    finally:
        ex.close()


@pytest.mark.parametrize("batch_size", [None, 40])
def test_reusing_the_probe_pass_changes_no_number(batch_size, monkeypatch):
    from helpers import guard

    X, y = data.make_moons(100, noise=0.1, rng=np.random.default_rng(0))
    Xv, yv = data.make_moons(50, noise=0.1, rng=np.random.default_rng(1))
    runs = []
    for reuse in (True, False):
        if not reuse:  # the model's own passes every epoch
            monkeypatch.setattr(guard.ProbeGuard, "reuse", lambda self: None)
        model = MLP([2, 8, 8, 1], norm="batch", seed=0)
        h = train(model, X, y, epochs=15, lr=0.3, X_val=Xv, y_val=yv, batch_size=batch_size)
        runs.append((h, model))
    (ha, a), (hb, b) = runs
    np.testing.assert_array_equal(ha.loss, hb.loss)
    np.testing.assert_array_equal(ha.val_loss, hb.val_loss)
    np.testing.assert_array_equal(ha.grad_norm, hb.grad_norm)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    for r, s in zip(a.running, b.running):
        np.testing.assert_array_equal(r.mean, s.mean)
        np.testing.assert_array_equal(r.var, s.var)
