"""Training: the symmetry facts the course teaches, the History record, stopping and divergence."""

import math

import numpy as np
import pytest

from helpers import diagnostics
from helpers.data import make_moons
from helpers.mlp import MLP
from helpers.train import History, train


@pytest.fixture(scope="module")
def moons():
    return make_moons(200, noise=0.1, rng=np.random.default_rng(0))


@pytest.fixture(scope="module")
def unbalanced(moons):
    """All 100 points of class 0 and the first 50 of class 1: a third of the labels are 1."""
    X, y = moons
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:50]])
    return X[keep], y[keep]


# ---------------------------------------------------------------- the symmetry facts


def test_constant_init_keeps_every_hidden_unit_identical(moons, strict):
    X, y = moons
    model = MLP([2, 16, 1], activation="sigmoid", init="constant", scale=0.5, bias=0.5)
    assert all(np.all(W == 0.5) for W in model.weights)
    assert all(np.all(b == 0.5) for b in model.biases)
    h = train(model, X, y, epochs=1000, lr=0.5)
    assert h.epochs == 1000 and not h.diverged
    assert h.spread.shape == (1001, 1)
    assert np.all(h.spread == 0.0)  # exactly, at every step
    W1, W2 = model.weights
    assert np.all(W1 == W1[:, :1])  # every hidden unit has the same incoming weights...
    assert np.all(model.biases[0] == model.biases[0][0])
    assert np.all(W2 == W2[0, 0])  # ...and the same outgoing weight
    assert not np.all(W1 == 0.5)  # although they did move
    _, cache = model.forward(X)
    assert diagnostics.distinct_units(cache.post[1]) == 1
    # and the loss did change: the network learned what one hidden unit can
    assert h.loss[-1] < 0.5 * h.loss[0]


def test_zero_init_first_layer_gradient_is_exactly_zero(unbalanced):
    X, y = unbalanced
    for activation in ("sigmoid", "tanh", "relu", "leaky_relu", "linear"):
        model = MLP([2, 16, 16, 1], activation=activation, init="zeros")
        _, cache = model.forward(X)
        g = model.backward(cache, y)
        assert np.all(g.dW[0] == 0.0), activation
        assert np.all(g.dW[1] == 0.0), activation  # W_3 = 0 blocks every gradient below it
        assert np.all(g.db[0] == 0.0) and np.all(g.db[1] == 0.0), activation
        assert g.db[2][0] != 0.0  # the labels are unbalanced: the output bias has a gradient


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_zero_init_with_tanh_or_relu_only_the_output_bias_moves(unbalanced, activation, strict):
    X, y = unbalanced
    model = MLP([2, 16, 16, 1], activation=activation, init="zeros")
    h = train(model, X, y, epochs=1000, lr=0.5)
    assert all(np.all(W == 0.0) for W in model.weights)  # every weight still exactly zero
    assert np.all(model.biases[0] == 0.0) and np.all(model.biases[1] == 0.0)
    # the output bias learned the base rate: sigma(b) = 1/3, b = log(1/2)
    assert model.biases[2][0] == pytest.approx(math.log(50 / 100), abs=1e-9)
    assert np.all(h.spread == 0.0)
    assert np.all(h.grad_norm[:, :2] == 0.0)
    # the loss fell to the entropy of the labels and no further: the net predicts a constant
    p = 1 / 3
    assert h.loss[-1] == pytest.approx(-(p * math.log(p) + (1 - p) * math.log(1 - p)), abs=1e-9)
    assert h.loss[-1] < h.loss[0]


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu"])
def test_zero_init_with_balanced_labels_has_no_gradient_at_all(moons, activation):
    # (units that output 0 at z = 0; sigmoid units output 0.5, and then dW_3 = 0.5 * sum(p - y)
    # is 0 only up to the rounding of the matrix product)
    X, y = moons
    assert np.mean(y) == 0.5
    model = MLP([2, 16, 16, 1], activation=activation, init="zeros")
    _, cache = model.forward(X)
    g = model.backward(cache, y)
    for d in g.dW + g.db:
        assert np.all(d == 0.0)  # the output bias's gradient mean(0.5 - y) is exactly 0 too
    h = train(model, X, y, epochs=50, lr=0.5)
    assert all(np.all(P == 0.0) for P in model.weights + model.biases)
    assert np.all(h.loss == h.loss[0])
    assert h.loss[0] == pytest.approx(math.log(2), rel=1e-15)


def test_zero_init_with_sigmoid_units_moves_but_stays_symmetric(unbalanced, strict):
    X, y = unbalanced
    model = MLP([2, 16, 16, 1], activation="sigmoid", init="zeros")
    h = train(model, X, y, epochs=1000, lr=0.5)
    assert np.all(h.spread == 0.0)  # every step, both hidden layers
    W1, W2, W3 = model.weights
    assert np.any(W1 != 0.0) and np.any(W2 != 0.0) and np.any(W3 != 0.0)  # they moved...
    assert np.all(W1 == W1[:, :1]) and np.all(W2 == W2[0, 0]) and np.all(W3 == W3[0, 0])
    _, cache = model.forward(X)
    assert diagnostics.distinct_units(cache.post[1]) == 1  # ...but in lockstep
    assert diagnostics.distinct_units(cache.post[2]) == 1


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_random_biases_break_the_symmetry_of_zero_weights(moons, activation, strict):
    X, y = moons
    model = MLP([2, 16, 16, 1], activation=activation, init="zeros", bias="normal", bias_scale=0.5)
    assert np.all(model.weights[0] == 0.0)
    assert len(set(model.biases[0])) == 16  # every unit has its own bias
    h = train(model, X, y, epochs=300, lr=0.5)
    assert np.all(h.spread[0] == 0.0)  # the weights start identical (all zero)...
    assert np.all(h.spread[-1] > 0.0)  # ...and end different in both hidden layers
    _, cache = model.forward(X)
    assert diagnostics.distinct_units(cache.post[1]) > 1


# ---------------------------------------------------------------- what train() computes


def test_full_batch_training_is_the_plain_gradient_descent_loop(moons):
    X, y = moons
    a = MLP([2, 8, 8, 1], activation="tanh", seed=3)
    b = a.copy()
    train(a, X, y, epochs=25, lr=0.3)
    for _ in range(25):
        _, cache = b.forward(X)
        b.step(b.backward(cache, y), 0.3)
    for p, q in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(p, q)


def test_minibatch_training_shuffles_each_epoch_with_the_seed(moons):
    X, y = moons
    a = MLP([2, 8, 1], activation="relu", init="he_normal", seed=1)
    b = a.copy()
    train(a, X, y, epochs=4, lr=0.1, batch_size=32, seed=9)
    rng = np.random.default_rng(9)
    for _ in range(4):
        order = rng.permutation(200)
        for i in range(0, 200, 32):
            idx = order[i : i + 32]
            _, cache = b.forward(X[idx])
            b.step(b.backward(cache, y[idx]), 0.1)
    for p, q in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(p, q)


def test_a_batch_as_large_as_the_data_is_full_batch(moons):
    X, y = moons
    a, b = MLP([2, 8, 1], seed=2), MLP([2, 8, 1], seed=2)
    ha = train(a, X, y, epochs=10, lr=0.2, batch_size=200)
    hb = train(b, X, y, epochs=10, lr=0.2)
    np.testing.assert_array_equal(ha.loss, hb.loss)


def test_minibatch_training_decreases_the_loss_on_moons(moons, strict):
    X, y = moons
    model = MLP([2, 16, 16, 1], activation="tanh", init="xavier_uniform", seed=0)
    h = train(model, X, y, epochs=150, lr=0.1, batch_size=16, seed=0)
    assert not h.diverged
    assert h.loss[-1] < 0.25 * h.loss[0]
    assert h.final_accuracy >= 0.95
    assert model.accuracy(X, y) == h.final_accuracy


def test_history_rows_describe_the_network_after_k_epochs(moons):
    X, y = moons
    Xv, yv = make_moons(50, noise=0.1, rng=np.random.default_rng(1))
    model = MLP([2, 6, 5, 1], activation="relu", init="he_normal", seed=4)
    start = model.copy()
    h = train(model, X, y, epochs=7, lr=0.2, X_val=Xv, y_val=yv)
    L = 3
    assert h.epochs == 7
    assert h.loss.shape == h.accuracy.shape == (8,)
    assert h.grad_norm.shape == (8, L)
    for a in (h.act_std, h.saturated, h.dead, h.spread):
        assert a.shape == (8, L - 1)
    assert h.val_loss.shape == h.val_accuracy.shape == (8,)
    assert h.lr == 0.2 and h.seconds > 0 and not h.diverged and not h.stopped
    # row 0 is the initialisation itself
    _, cache = start.forward(X)
    g = start.backward(cache, y)
    assert h.loss[0] == start.loss(X, y)
    assert h.accuracy[0] == start.accuracy(X, y)
    assert h.val_loss[0] == start.loss(Xv, yv)
    assert h.val_accuracy[0] == start.accuracy(Xv, yv)
    np.testing.assert_array_equal(h.grad_norm[0], [diagnostics.norm(d) for d in g.dW])
    np.testing.assert_array_equal(h.act_std[0], [diagnostics.std(cache.post[l]) for l in (1, 2)])
    np.testing.assert_array_equal(
        h.dead[0], [diagnostics.dead_fraction(cache.pre[l]) for l in (1, 2)]
    )
    np.testing.assert_array_equal(h.saturated[0], [0.0, 0.0])  # ReLU units do not saturate
    np.testing.assert_array_equal(
        h.spread[0], [diagnostics.unit_spread(start.weights[l]) for l in (0, 1)]
    )
    # the last row is the trained model
    assert h.final_loss == model.loss(X, y)
    assert h.val_loss[-1] == model.loss(Xv, yv)
    assert "7 epochs" in h.summary() and "finished" in h.summary()


def test_saturation_is_recorded_for_tanh_and_dead_units_only_for_relu(moons):
    X, y = moons
    model = MLP([2, 32, 1], activation="tanh", init="normal", scale=3.0)
    _, cache = model.forward(X)
    h = train(model, X, y, epochs=0, lr=0.1)
    assert h.saturated[0, 0] == diagnostics.saturated_fraction(cache.pre[1], "tanh") > 0.3
    assert h.dead[0, 0] == 0.0


def test_epochs_zero_records_the_initial_state_only(moons):
    X, y = moons
    model = MLP([2, 4, 1])
    before = model.get_params()
    h = train(model, X, y, epochs=0, lr=0.1)
    assert h.epochs == 0 and h.loss.shape == (1,)
    for a, b in zip(before, model.get_params()):
        np.testing.assert_array_equal(a, b)


def test_record_layers_false_records_the_same_losses_without_diagnostics(moons):
    X, y = moons
    a, b = MLP([2, 8, 8, 1], seed=5), MLP([2, 8, 8, 1], seed=5)
    ha = train(a, X, y, epochs=10, lr=0.3)
    hb = train(b, X, y, epochs=10, lr=0.3, record_layers=False)
    np.testing.assert_array_equal(ha.loss, hb.loss)
    np.testing.assert_array_equal(ha.accuracy, hb.accuracy)
    assert hb.grad_norm.shape == (11, 3) and np.all(np.isnan(hb.grad_norm))
    assert hb.spread.shape == (11, 2) and np.all(np.isnan(hb.spread))


def test_linear_output_records_nan_accuracy(moons):
    X, _ = moons
    T = np.sin(X[:, :1] * 2)
    h = train(MLP([2, 8, 1], output="linear"), X, T, epochs=20, lr=0.1)
    assert np.all(np.isnan(h.accuracy))
    assert h.loss[-1] < h.loss[0]


# ---------------------------------------------------------------- stopping and divergence


def test_callback_returning_false_stops_training(moons):
    X, y = moons
    seen = []

    def stop_at_3(epoch, loss):
        seen.append((epoch, loss))
        return epoch < 3

    model = MLP([2, 8, 1])
    h = train(model, X, y, epochs=50, lr=0.1, callback=stop_at_3)
    assert h.stopped and not h.diverged
    assert h.epochs == 3 and len(h.loss) == 4
    assert [e for e, _ in seen] == [0, 1, 2, 3]
    assert [v for _, v in seen] == list(h.loss)
    # the model has taken exactly 3 steps
    ref = MLP([2, 8, 1])
    train(ref, X, y, epochs=3, lr=0.1)
    for a, b in zip(model.get_params(), ref.get_params()):
        np.testing.assert_array_equal(a, b)


def test_callback_returning_none_does_not_stop(moons):
    X, y = moons
    h = train(MLP([2, 8, 1]), X, y, epochs=5, lr=0.1, callback=lambda epoch, loss: None)
    assert h.epochs == 5 and not h.stopped


def test_callback_stopping_at_the_last_epoch_is_not_a_stop(moons):
    X, y = moons
    h = train(MLP([2, 8, 1]), X, y, epochs=5, lr=0.1, callback=lambda epoch, loss: False)
    assert h.epochs == 0 and h.stopped  # stopped right after the first record
    h = train(MLP([2, 8, 1]), X, y, epochs=5, lr=0.1, callback=lambda epoch, loss: epoch < 5)
    assert h.epochs == 5 and not h.stopped


def test_interrupt_ends_the_run_with_what_was_recorded(moons):
    X, y = moons

    def interrupt(epoch, loss):
        if epoch == 4:
            raise KeyboardInterrupt

    h = train(MLP([2, 8, 1]), X, y, epochs=50, lr=0.1, callback=interrupt)
    assert h.stopped and h.epochs == 4
    assert h.grad_norm.shape == (5, 2)


def test_interrupt_in_the_middle_of_a_row_keeps_the_complete_rows(moons, monkeypatch):
    X, y = moons
    calls = []
    real = diagnostics.unit_spread

    def spread_then_interrupt(W):
        calls.append(1)
        if len(calls) == 5:  # the 1st of the two hidden layers in row 2
            raise KeyboardInterrupt
        return real(W)

    monkeypatch.setattr(diagnostics, "unit_spread", spread_then_interrupt)
    Xv, yv = X[:20], y[:20]
    h = train(MLP([2, 8, 8, 1]), X, y, epochs=50, lr=0.1, X_val=Xv, y_val=yv)
    assert h.stopped and h.epochs == 1
    for a in (h.loss, h.accuracy, h.val_loss, h.val_accuracy):
        assert a.shape == (2,)
    for a in (h.grad_norm, h.act_std, h.saturated, h.dead, h.spread):
        assert a.shape[0] == 2


@pytest.mark.parametrize(
    "activation, output, k, lr",
    [
        ("relu", "sigmoid", 1, 1e300),
        ("leaky_relu", "sigmoid", 1, 1e3),
        ("linear", "softmax", 2, 1e3),
        ("tanh", "linear", 1, 1e3),
        ("relu", "linear", 1, 1e6),
        ("sigmoid", "linear", 1, 1e12),
    ],
)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_huge_learning_rate_reports_divergence_cleanly(
    moons, activation, output, k, lr, batch_size, strict
):
    X, y = moons
    model = MLP([2, 16, 16, k], activation=activation, output=output, init="he_normal", scale=3.0)
    h = train(model, X, y, epochs=200, lr=lr, batch_size=batch_size)
    assert h.diverged
    assert isinstance(h.diverged_at, int) and 1 <= h.diverged_at <= 200
    assert h.epochs == h.diverged_at - 1  # the rows recorded before it blew up
    assert np.all(np.isfinite(h.loss))
    assert h.grad_norm.shape == (h.epochs + 1, 3)
    assert "diverged" in h.summary()


def test_epochs_to():
    nan = np.full((5, 1), np.nan)
    h = History(
        loss=np.array([1.0, 0.5, 0.3, 0.4, 0.2]),
        accuracy=np.zeros(5),
        grad_norm=nan,
        act_std=nan,
        saturated=nan,
        dead=nan,
        spread=nan,
    )
    assert h.epochs == 4
    assert h.epochs_to(0.35) == 2
    assert h.epochs_to(0.5) == 1  # "at most" the target
    assert h.epochs_to(1.0) == 0
    assert h.epochs_to(0.2) == 4
    assert h.epochs_to(0.1) is None
    assert h.final_loss == 0.2


def test_epochs_to_on_a_real_run(moons):
    X, y = moons
    h = train(MLP([2, 16, 1], seed=1), X, y, epochs=300, lr=0.5)
    target = 0.5 * h.loss[0]
    k = h.epochs_to(target)
    assert k is not None and h.loss[k] <= target and np.all(h.loss[:k] > target)


# ---------------------------------------------------------------- choosing what is recorded


def test_record_picks_some_diagnostics_and_leaves_the_numbers_alone(moons):
    X, y = moons
    a, b = MLP([2, 8, 1], init="normal", seed=2), MLP([2, 8, 1], init="normal", seed=2)
    full = train(a, X, y, epochs=30, lr=0.5)
    light = train(b, X, y, epochs=30, lr=0.5, record=("spread",))
    np.testing.assert_array_equal(full.loss, light.loss)
    np.testing.assert_array_equal(full.accuracy, light.accuracy)
    np.testing.assert_array_equal(full.spread, light.spread)
    assert light.spread.shape == (31, 1)
    for name in ("grad_norm", "act_std", "saturated", "dead"):
        arr = getattr(light, name)
        assert arr.shape == getattr(full, name).shape and np.all(np.isnan(arr)), name
    for p, q in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(p, q)
    both = train(
        MLP([2, 8, 1], init="normal", seed=2), X, y, epochs=3, lr=0.5, record=["dead", "grad_norm"]
    )
    np.testing.assert_array_equal(both.grad_norm, full.grad_norm[:4])
    assert np.all(np.isnan(both.spread)) and not np.any(np.isnan(both.dead))
    one = train(MLP([2, 8, 1], init="normal", seed=2), X, y, epochs=3, lr=0.5, record="act_std")
    np.testing.assert_array_equal(one.act_std, full.act_std[:4])
    none = train(MLP([2, 8, 1], init="normal", seed=2), X, y, epochs=3, lr=0.5, record=())
    assert np.all(np.isnan(none.grad_norm)) and none.loss.shape == (4,)


def test_record_refuses_unknown_names(moons):
    X, y = moons
    with pytest.raises(ValueError, match="unknown record entry 'sprea'.*spread"):
        train(MLP([2, 4, 1]), X, y, epochs=1, lr=0.1, record=("sprea",))
    with pytest.raises(TypeError, match="record must be a name or a sequence"):
        train(MLP([2, 4, 1]), X, y, epochs=1, lr=0.1, record=3)
    with pytest.raises(ValueError, match="not both"):
        train(MLP([2, 4, 1]), X, y, epochs=1, lr=0.1, record=("spread",), record_layers=False)
    with pytest.raises(TypeError, match="record_layers must be True or False"):
        train(MLP([2, 4, 1]), X, y, epochs=1, lr=0.1, record_layers="no")


def test_an_empty_history_is_usable():
    empty = np.zeros((0, 1))
    h = History(
        loss=np.zeros(0),
        accuracy=np.zeros(0),
        grad_norm=np.zeros((0, 2)),
        act_std=empty,
        saturated=empty,
        dead=empty,
        spread=empty,
        diverged=True,
        diverged_at=0,
    )
    assert h.epochs == 0
    assert math.isnan(h.final_loss) and math.isnan(h.final_accuracy)
    assert h.epochs_to(1.0) is None
    assert h.summary().startswith("0 epochs, loss nan") and "diverged" in h.summary()
