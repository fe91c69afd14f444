"""train_restarts: several seeds as one stacked computation, the same numbers as separate runs."""

import itertools
import warnings

import numpy as np
import pytest

from helpers import activations, init
from helpers.batched import RestartRun, train_restarts
from helpers.mlp import MLP, OUTPUTS
from helpers.train import train


@pytest.fixture(scope="module")
def data(moons_with_targets):
    return moons_with_targets(60, 0.2)


K = {"sigmoid": 1, "softmax": 3, "linear": 2}


def nets(activation, output, seeds, **kwargs):
    sizes = [2, 7, 5, K[output]]
    return [
        MLP(sizes, activation=activation, output=output, init="he_normal", seed=s, **kwargs)
        for s in seeds
    ]


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(np.abs(a), np.abs(b))
    scale[scale == 0] = 1.0
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def assert_same_run(h, ref, model, ref_model):
    assert (h.epochs, h.diverged, h.diverged_at) == (ref.epochs, ref.diverged, ref.diverged_at)
    assert rel(h.loss, ref.loss) < 1e-10
    assert rel(h.grad_norm, ref.grad_norm) < 1e-10
    np.testing.assert_array_equal(h.accuracy, ref.accuracy)  # nan for linear: equal_nan default
    for p, q in zip(model.get_params(), ref_model.get_params()):
        assert rel(p, q) < 1e-10


def test_a_replaced_activation_is_computed_as_written(data, monkeypatch):
    """The stack computes the stock activations in place (A over Z); one replaced in
    ``ACTIVATIONS`` (a student's own) must be called as written, with its own derivative."""
    X, targets = data
    f, df = activations.ACTIVATIONS["tanh"]
    calls = []

    def own(z):
        calls.append("f")
        return f(z)

    monkeypatch.setitem(activations.ACTIVATIONS, "tanh", (own, df))
    models = nets("tanh", "sigmoid", [0, 1])
    refs = [m.copy() for m in models]
    hs = train_restarts(models, X, targets["sigmoid"], epochs=10, lr=0.2)
    assert calls, "the replaced activation was not called"
    for h, m, r in zip(hs, models, refs):
        assert_same_run(h, train(r, X, targets["sigmoid"], epochs=10, lr=0.2), m, r)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
def test_restarts_match_separate_runs(data, activation, output):
    X, targets = data
    t = targets[output]
    models = nets(activation, output, [0, 1, 2])
    refs = [m.copy() for m in models]
    hs = train_restarts(models, X, t, epochs=25, lr=0.2)
    assert len(hs) == 3
    for h, m, r in zip(hs, models, refs):
        ref = train(r, X, t, epochs=25, lr=0.2)
        assert_same_run(h, ref, m, r)
        assert np.all(np.isnan(h.spread)) and h.spread.shape == ref.spread.shape
    # the seeds really are different runs
    assert not np.array_equal(hs[0].loss, hs[1].loss)


def test_a_diverging_seed_stops_alone(data):
    X, targets = data
    t = targets["linear"]
    models = nets("linear", "linear", [0, 1, 2, 3])
    models[2].reinitialize(scale=30.0)  # this one blows up at lr 0.05
    refs = [m.copy() for m in models]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hs = train_restarts(models, X, t, epochs=40, lr=0.05)
    assert hs[2].diverged and 1 <= hs[2].diverged_at < 40
    assert [h.diverged for h in hs] == [False, False, True, False]
    for h, m, r in zip(hs, models, refs):
        assert_same_run(h, train(r, X, t, epochs=40, lr=0.05), m, r)
        assert np.all(np.isfinite(m.predict_proba(X)))


def test_a_seed_out_of_range_from_the_start(data):
    X, targets = data
    models = nets("relu", "sigmoid", [0, 1])
    models[0].weights[0] *= 1e300
    hs = train_restarts(models, X, targets["sigmoid"], epochs=5, lr=0.1)
    assert hs[0].diverged_at == 0 and hs[0].epochs == 0 and np.isnan(hs[0].final_loss)
    assert not hs[1].diverged and hs[1].epochs == 5


def test_callback_reports_every_loss_and_can_stop(data):
    X, targets = data
    seen = []

    def stop_at_4(epoch, losses):
        seen.append((epoch, losses.copy()))
        return epoch < 4

    models = nets("tanh", "sigmoid", [5, 6])
    hs = train_restarts(models, X, targets["sigmoid"], epochs=30, lr=0.3, callback=stop_at_4)
    assert [e for e, _ in seen] == [0, 1, 2, 3, 4]
    assert all(h.stopped and h.epochs == 4 for h in hs)
    for j, h in enumerate(hs):
        np.testing.assert_array_equal([v[j] for _, v in seen], h.loss)
    ref = nets("tanh", "sigmoid", [6])[0]
    train(ref, X, targets["sigmoid"], epochs=4, lr=0.3)
    for p, q in zip(models[1].get_params(), ref.get_params()):
        assert rel(p, q) < 1e-10


def test_the_trained_models_are_ordinary_models(data):
    X, targets = data
    models = nets("relu", "softmax", [0, 1])
    hs = train_restarts(models, X, targets["softmax"], epochs=10, lr=0.5, record=())
    assert all(np.all(np.isnan(h.grad_norm)) for h in hs)
    for m, h in zip(models, hs):
        assert isinstance(m, MLP) and m.predict(X).shape == (60,)
        assert m.loss(X, targets["softmax"]) == pytest.approx(h.final_loss, rel=1e-12)
        assert all(W.flags.owndata or W.base is not None for W in m.weights)


def test_float32_restarts(data):
    X, targets = data
    models = nets("tanh", "sigmoid", [0, 1], dtype="float32")
    hs = train_restarts(models, X, targets["sigmoid"], epochs=20, lr=0.5)
    assert all(m.weights[0].dtype == np.float32 for m in models)
    ref = nets("tanh", "sigmoid", [1], dtype="float32")[0]
    h = train(ref, X, targets["sigmoid"], epochs=20, lr=0.5)
    assert rel(h.loss, hs[1].loss) < 1e-5


@pytest.mark.parametrize("output", OUTPUTS)
def test_restarts_are_quiet_over_the_whole_grid(data, output):
    X, targets = data
    t = targets[output]
    for activation, scheme in itertools.product(activations.ACTIVATIONS, init.SCHEMES):
        for scale, lr in itertools.product((1e-3, 1.0, 100.0), (1e-3, 1.0, 10.0)):
            models = [
                MLP(
                    [2, 6, 6, K[output]],
                    activation=activation,
                    output=output,
                    init=scheme,
                    scale=scale,
                    seed=s,
                )
                for s in (0, 1)
            ]
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with np.errstate(all="raise", under="ignore"):
                    hs = train_restarts(models, X, t, epochs=8, lr=lr)
                    for m, h in zip(models, hs):
                        assert np.all(np.isfinite(m.predict_proba(X)))
                        assert np.isfinite(m.loss(X, t))
                        assert h.epochs >= 0 and isinstance(h.summary(), str)


def test_bad_arguments(data):
    X, targets = data
    y = targets["sigmoid"]
    with pytest.raises(TypeError, match="non-empty list of MLP"):
        train_restarts([], X, y, epochs=1, lr=0.1)
    with pytest.raises(TypeError, match="non-empty list of MLP"):
        train_restarts(MLP([2, 3, 1]), X, y, epochs=1, lr=0.1)
    with pytest.raises(TypeError, match=r"models\[1\] must be an MLP"):
        train_restarts([MLP([2, 3, 1]), "net"], X, y, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="same sizes"):
        train_restarts([MLP([2, 3, 1]), MLP([2, 4, 1])], X, y, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="same activation"):
        train_restarts([MLP([2, 3, 1]), MLP([2, 3, 1], activation="relu")], X, y, epochs=1, lr=0.1)
    m = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="appears twice"):
        train_restarts([m, m], X, y, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="records only grad_norm"):
        train_restarts([m], X, y, epochs=1, lr=0.1, record=("spread",))
    with pytest.raises(ValueError, match="lr"):
        train_restarts([m], X, y, epochs=1, lr=-1.0)
    with pytest.raises(TypeError, match="callback"):
        train_restarts([m], X, y, epochs=1, lr=0.1, callback=3)


def test_decision_boundaries_of_the_restarts(data):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plotting

    X, targets = data
    models = nets("relu", "sigmoid", [0, 1, 2])
    train_restarts(models, X, targets["sigmoid"], epochs=50, lr=0.5)
    fig, axes = plt.subplots(1, 3)
    try:
        for ax, m in zip(axes, models):
            assert plotting.plot_decision_boundary(ax, m, X, targets["sigmoid"]) is not None
    finally:
        plt.close(fig)


def test_a_run_in_slices_is_the_same_run(data):
    """RestartRun.advance in slices of any size computes what one train_restarts call does."""
    X, targets = data
    t = targets["sigmoid"]
    whole = train_restarts(nets("tanh", "sigmoid", [0, 1, 2]), X, t, epochs=30, lr=0.3)
    models = nets("tanh", "sigmoid", [0, 1, 2])
    run = RestartRun(models, X, t, epochs=30, lr=0.3)
    seen = []
    for size in itertools.cycle([1, 4, 7]):
        if run.done:
            break
        run.advance(epochs=size)
        seen.append(run.epoch)
        partial = run.histories()
        assert all(h.loss.size == run.epoch + 1 for h in partial)
    assert seen[:3] == [0, 4, 11] and seen[-1] == 30
    for h, ref in zip(run.histories(), whole):
        np.testing.assert_array_equal(h.loss, ref.loss)
        np.testing.assert_array_equal(h.grad_norm, ref.grad_norm)
        assert not h.stopped


def test_a_stopped_run_keeps_what_it_trained(data):
    X, targets = data
    models = nets("relu", "sigmoid", [3, 4])
    run = RestartRun(models, X, targets["sigmoid"], epochs=50, lr=0.3)
    run.advance(seconds=0.0)  # at least one epoch
    assert run.epoch == 0 and not run.done
    run.advance(epochs=9)
    run.stop()
    assert run.done
    hs = run.histories()
    assert all(h.stopped and h.epochs == 9 and h.loss.size == 10 for h in hs)
    for h, m in zip(hs, models):  # the models hold the parameters of epoch 9
        assert m.loss(X, targets["sigmoid"]) == pytest.approx(h.final_loss, rel=1e-12)
    with pytest.raises(ValueError, match="epochs"):
        RestartRun(models, X, targets["sigmoid"], epochs=-1, lr=0.1)
