"""Every lesson of notebooks 00-03, asserted through the helpers (04: test_lessons_variance.py;
05 and 06: test_lessons_training.py; 05's grid and 07: test_lessons_grids.py; the others in
their own test_lessons_*.py).

If a change in ``helpers`` breaks what a notebook teaches, one of these fails and its message says
which claim no longer holds.
"""

from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

from helpers import activations, checks, data, diagnostics, lessons
from helpers.mlp import MLP

# ======================================================================= notebooks 00-03

# ---------------------------------------------------------------------------- 00 start here


def test_00_warm_up_network_learns_the_moons():
    r = lessons.warm_up()
    assert r["n_params"] == 65, "00: a 2-16-1 network has 2*16 + 16 + 16*1 + 1 = 65 parameters"
    assert r["loss_after"] < r["loss_before"] / 5, "00: the warm-up training must cut the loss"
    assert r["accuracy"] >= 0.95, f"00: the warm-up net must fit the moons, got {r['accuracy']:.1%}"


def test_00_environment_check_finds_what_the_course_installs(capsys):
    report = checks.environment_report()
    assert all(v is not None for v in report["packages"].values()), (
        f"00: requirements.txt installs every package the check looks for: {report['packages']}"
    )
    assert all(report["extensions"].values()), (
        f"00: ipympl and jupyterlab_widgets bring both lab extensions: {report['extensions']}"
    )
    assert checks.check_environment() is True
    assert "Everything the explorers need is installed" in capsys.readouterr().out


def test_00_environment_check_says_what_to_do_when_an_extension_is_missing(tmp_path, capsys):
    (tmp_path / "@jupyter-widgets" / "jupyterlab-manager").mkdir(parents=True)
    (tmp_path / "@jupyter-widgets" / "jupyterlab-manager" / "package.json").write_text("{}")
    assert checks.check_environment(labextension_dirs=[tmp_path]) is False
    out = capsys.readouterr().out
    assert "jupyter-matplotlib: NOT FOUND" in out, "00: a missing ipympl extension must be named"
    assert "pip install ipympl" in out, "00: the check must say how to install what is missing"
    assert "jupyterlab-manager: found" in out


# ---------------------------------------------------------------------------- 01 forward pass


@pytest.mark.parametrize(
    "sizes", [[2, 16, 1], [3, 5, 4, 2], [784, 128, 10], [2, 1], [4, 8, 8, 8, 3]]
)
def test_01_parameters_are_edges_plus_one_bias_per_unit(sizes):
    counted = lessons.count_parameters_by_edges(sizes)["total"]
    output = "sigmoid" if sizes[-1] == 1 else "softmax"
    assert counted == MLP(sizes, output=output).n_params, (
        f"01: counting edges (weights) and bias edges must give MLP.n_params for {sizes}"
    )


def test_01_forward_pass_by_hand_is_the_networks_forward_pass():
    X, _ = data.make_moons(50, rng=np.random.default_rng(0))
    model = MLP([2, 4, 3, 1], activation="tanh", bias="normal", seed=1)
    A, shapes = lessons.forward_by_hand(model, X)
    out, _ = model.forward(X)
    assert np.array_equal(A, out), (
        "01: Z = A_prev @ W + b, A = f(Z) layer by layer is the forward pass"
    )
    assert shapes == [
        ((50, 2), (2, 4), (4,), (50, 4)),
        ((50, 4), (4, 3), (3,), (50, 3)),
        ((50, 3), (3, 1), (1,), (50, 1)),
    ], "01: the shapes printed in the notebook"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_01_a_stack_of_linear_layers_is_one_linear_map(seed):
    X, _ = data.make_circles(200, rng=np.random.default_rng(seed))
    model = MLP(
        [2, 16, 16, 1],
        activation="linear",
        output="linear",
        init="xavier_normal",
        bias="normal",
        seed=seed,
    )
    W, b = lessons.collapse_linear(model)
    out, _ = model.forward(X)
    assert W.shape == (2, 1) and b.shape == (1,)
    assert np.max(np.abs(out - (X @ W + b))) < 1e-12, (
        "01: three linear layers must compute the same as the product of their weight matrices"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_01_only_a_nonlinearity_fits_the_circles(seed):
    r = lessons.linear_versus_nonlinear(("linear", "tanh", "relu"), seed=seed)
    assert r["linear"]["accuracy"] < 0.65, "01: a linear network cannot separate the circles"
    assert r["tanh"]["accuracy"] >= 0.99, "01: with tanh the same network fits the circles"
    assert r["relu"]["accuracy"] >= 0.99, "01: with ReLU the same network fits the circles"


def test_01_gradient_descent_walks_downhill_to_the_minimum():
    ws, losses = lessons.gradient_descent_1d(steps=300)
    assert np.all(np.diff(losses[:13]) < 0), "01: with lr 1 every gradient step lowers the loss"
    assert np.all(np.diff(losses) <= 1e-15), "01: ...and never raises it"
    grid = np.linspace(-3, 6, 9001)
    best = grid[np.argmin(lessons.one_weight_loss(grid, *lessons.one_weight_problem()))]
    assert abs(ws[-1] - best) < 0.05, "01: gradient descent ends at the minimum of the loss curve"


def test_01_parameter_count_check_gives_feedback(capsys):
    def stub(sizes):
        raise NotImplementedError

    assert checks.check_parameter_count(stub) is False
    assert "Not filled in yet" in capsys.readouterr().out
    weights_only = lambda s: sum(a * b for a, b in zip(s[:-1], s[1:]))  # noqa: E731
    assert checks.check_parameter_count(weights_only) is False
    assert "not the biases" in capsys.readouterr().out
    solution = lambda s: sum(a * b + b for a, b in zip(s[:-1], s[1:]))  # noqa: E731
    assert checks.check_parameter_count(solution) is True
    assert "Correct" in capsys.readouterr().out


# ---------------------------------------------------------------------------- 02 symmetry


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("data_seed", [0, 1])
def test_02_constant_init_keeps_every_hidden_unit_identical(activation, data_seed):
    X, y = lessons.make_unbalanced("circles", seed=data_seed)
    run = lessons.train_one_hidden(
        X, y, init="constant", scale=0.5, activation=activation, epochs=1000
    )
    assert run.changed["W1"], "02: with constant init the hidden weights do move..."
    assert run.spread == 0.0, (
        "02: ...but every hidden unit gets the same update: spread exactly 0.0"
    )
    assert run.distinct_units == 1, "02: constant init leaves one distinct hidden unit"


def test_02_zero_init_sigmoid_units_move_together_and_act_as_one_unit():
    X, y = lessons.make_unbalanced("circles")
    run = lessons.train_one_hidden(X, y, init="zeros", activation="sigmoid")
    assert all(run.changed.values()), "02: with sigmoid every parameter array moves from zero"
    assert run.spread == 0.0 and run.distinct_units == 1, "02: ...but the units stay identical"
    one = lessons.collapse_identical_units(run.model)
    assert one.sizes == [2, 1, 1]
    assert np.max(np.abs(one.forward(X)[0] - run.model.forward(X)[0])) < 1e-12, (
        "02: the zero-initialised sigmoid net computes what a single hidden unit computes"
    )


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_02_zero_init_tanh_relu_learn_only_the_output_bias(activation):
    X, y = lessons.make_unbalanced("circles")
    run = lessons.train_one_hidden(X, y, init="zeros", activation=activation)
    W1, b1, W2, b2 = run.model.get_params()
    assert not np.any(W1) and not np.any(b1) and not np.any(W2), (
        f"02: with {activation} and zero init the hidden gradients are exactly zero: "
        "W1, b1, W2 must still be exactly 0 after training"
    )
    assert run.changed == {"W1": False, "b1": False, "W2": False, "b2": True}
    assert abs(float(activations.sigmoid(b2[0])) - y.mean()) < 1e-3, (
        "02: the output bias learns the base rate: sigmoid(b2) -> fraction of class 1"
    )
    assert run.accuracy == pytest.approx(1 - y.mean()), "02: it predicts the majority class"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_02_balanced_classes_make_zero_init_a_point_where_nothing_moves(activation):
    changed = lessons.parameters_changed_after_one_step(activation, balanced=True)
    assert not any(changed.values()), (
        f"02: on balanced data every gradient of a zero-initialised {activation} net is exactly 0"
    )


def test_02_balanced_classes_zero_init_sigmoid_gradients_are_zero_up_to_rounding():
    X, y = lessons.make_unbalanced("circles", 120, 120)
    model = MLP([2, 8, 1], activation="sigmoid", init="zeros")
    grads = model.backward(model.forward(X)[1], y)
    largest = max(np.max(np.abs(g)) for g in grads.dW + grads.db)
    assert largest < 1e-15, "02: balanced data: zero-init sigmoid gradients are 0 up to rounding"


def test_02_one_step_truth_table_for_the_exercise():
    expected = {
        "sigmoid": {"W1": False, "b1": False, "W2": True, "b2": True},
        "tanh": {"W1": False, "b1": False, "W2": False, "b2": True},
        "relu": {"W1": False, "b1": False, "W2": False, "b2": True},
    }
    for act, truth in expected.items():
        assert lessons.parameters_changed_after_one_step(act) == truth, (
            f"02: after one zero-init step with {act}, exactly {truth} change"
        )


def test_02_zero_init_is_not_random_guessing_but_is_linear():
    X, y = lessons.make_unbalanced("linear")
    assert lessons.train_one_hidden(X, y, init="zeros").accuracy >= 0.97, (
        "02: the zero-initialised sigmoid net still learns a linear boundary"
    )
    X, y = lessons.make_unbalanced("circles")
    majority = 1 - y.mean()
    assert lessons.train_one_hidden(X, y, init="zeros").accuracy <= majority + 1e-9, (
        "02: on circles it cannot beat predicting the majority class"
    )
    for seed in range(3):
        run = lessons.train_one_hidden(X, y, init="normal", scale=0.1, seed=seed)
        assert run.accuracy >= 0.95, f"02: small random weights fit the circles (seed {seed})"
        assert run.distinct_units == 8


def test_02_random_biases_with_zero_weights_break_the_symmetry():
    X, y = lessons.make_unbalanced("circles")
    rows = lessons.random_bias_runs(X, y, seeds=(0, 1, 2, 3))
    for r in rows:
        act, seed = r["activation"], r["seed"]
        assert r["spread"] > 0.0, f"02: random biases make the {act} units' weights differ ({seed})"
        if act == "relu":
            assert r["dead"] == r["negative_biases"], (
                "02: with zero weights a ReLU unit with a negative bias outputs 0 and gets no "
                "gradient: it is dead from the start and stays dead"
            )
            assert r["rank"] == 1, "02: ReLU units with zero weights all learn along one direction"
            assert r["accuracy"] <= 1 - y.mean() + 1e-9, "02: ...so the ReLU net cannot curve"
        else:
            assert r["distinct"] == 8, f"02: random biases make all {act} units distinct ({seed})"
            assert r["rank"] == 2, f"02: {act} units spread over both input directions ({seed})"
    tanh = [r["accuracy"] for r in rows if r["activation"] == "tanh"]
    assert min(tanh) >= 0.99, "02: tanh with zero weights and random biases fits the circles"
    sigmoid = [r["accuracy"] for r in rows if r["activation"] == "sigmoid"]
    assert sum(a >= 0.95 for a in sigmoid) >= 3, "02: sigmoid fits them for most seeds"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_02_zero_biases_are_fine_with_random_weights(seed):
    X, y = lessons.make_unbalanced("circles")
    run = lessons.train_one_hidden(
        X, y, init="xavier_normal", bias=0.0, activation="tanh", seed=seed
    )
    assert run.distinct_units == 8 and run.accuracy >= 0.99, (
        "02: random weights alone break the symmetry; zero biases do no harm"
    )


def test_02_pytorch_style_biases_are_uniform_in_one_over_sqrt_fan_in():
    model = MLP([100, 400, 1], bias="torch", seed=0)
    b = model.biases[0]
    assert np.all(np.abs(b) <= 0.1) and np.max(np.abs(b)) > 0.09, (
        "02: nn.Linear's default bias is U(-1/sqrt(fan_in), 1/sqrt(fan_in))"
    )


def test_02_predicted_changes_check_gives_feedback(capsys):
    def stub(activation):
        raise NotImplementedError

    assert checks.check_predicted_changes(stub) is False
    assert "Not filled in yet" in capsys.readouterr().out
    assert checks.check_predicted_changes(lambda a: {"W2", "b2"}) is False
    assert "A1 = f(0) = 0 for tanh" in capsys.readouterr().out
    solution = lambda a: {"W2", "b2"} if a == "sigmoid" else {"b2"}  # noqa: E731
    assert checks.check_predicted_changes(solution) is True


# ---------------------------------------------------------------------------- 03 scale


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_03_tiny_weights_shrink_tanh_activations_by_scale_sqrt_n_per_layer(seed):
    stds = lessons.deep_forward_stds("tanh", scale=0.01, width=256, depth=10, seed=seed)
    ratios = stds[1:] / stds[:-1]
    assert np.all(np.abs(ratios / 0.16 - 1) < 0.05), (
        "03: with 0.01*N(0,1) weights each tanh layer multiplies the std by 0.01*sqrt(256) = "
        f"0.16; measured {np.round(ratios, 3)}"
    )
    assert stds[-1] < 1e-7, "03: after 10 layers the activations have vanished"


def test_03_theory_line_is_sigma_sqrt_n_per_layer():
    theory = lessons.deep_forward_theory("tanh", scale=0.01, depth=10, width=256)
    np.testing.assert_allclose(theory, 0.16 ** np.arange(1, 11), rtol=1e-12)
    stds = lessons.deep_forward_stds("tanh", scale=0.01, depth=10, width=256)
    assert np.all(np.abs(stds / theory - 1) < 0.05), "03: the measured stds sit on the line"


def test_03_sigmoid_facts():
    assert float(activations.sigmoid(6.0)) == pytest.approx(0.9975, abs=5e-5), "03: sigma(6)"
    z = np.linspace(-20, 20, 4001)
    assert np.max(activations.sigmoid_prime(z)) == 0.25, "03: sigma'(z) <= 0.25, at z = 0"
    assert float(activations.sigmoid_prime(6.0)) < 0.0025, "03: sigma'(6) is tiny"
    for act, peak in (("sigmoid", 0.25), ("tanh", 1.0)):
        t = activations.SATURATION_Z[act]
        assert float(activations.derivative(act, t)) == pytest.approx(0.1 * peak), (
            f"03: 'saturated' means f'(z) below 10% of its peak, at |z| > {t:.2f} for {act}"
        )


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_03_saturated_fraction_follows_the_erfc_closed_form(activation):
    scales = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
    measured, theory = lessons.saturation_versus_scale(scales, activation=activation)
    assert np.all(np.abs(measured - theory) < 0.01), (
        f"03: measured saturated fractions {measured} must match erfc theory {theory}"
    )
    assert np.all(np.diff(measured) >= 0) and measured[0] == 0.0 and measured[-1] > 0.9, (
        "03: none saturate at tiny scales, most at large ones"
    )


def test_03_saturated_deep_tanh_net_still_grows_the_gradient_backwards():
    r = lessons.backward_through_saturation("tanh", scale=1.0, depth=10, width=100)
    assert np.all(r["saturated"] > 0.8), "03: with N(0,1) weights most tanh units are saturated"
    assert np.all(r["mean_slope"] < 0.1), "03: the mean derivative is small"
    assert np.all(r["factor"] > 1.5), "03: ...yet every layer multiplies the backward signal by > 1"
    assert np.all(np.abs(r["factor"] / r["predicted"] - 1) < 0.15), (
        "03: the growth per layer is sqrt(width * scale^2 * mean(f'^2))"
    )
    assert r["grad_std"][0] / r["grad_std"][-1] > 100, "03: the gradient explodes toward the input"


def test_03_tiny_weights_make_the_gradient_vanish_backwards():
    r = lessons.backward_through_saturation("tanh", scale=0.01, depth=10, width=100)
    assert np.all(r["saturated"] == 0.0)
    assert np.all(np.abs(r["factor"] - 0.1) < 0.025), (
        "03: in the linear regime each layer multiplies the gradient by 0.01*sqrt(100) = 0.1"
    )


def test_03_relu_has_no_flat_positive_side():
    z = np.array([1e-3, 1.0, 1e3, 1e6])
    assert np.all(activations.relu_prime(z) == 1.0), "03: ReLU's slope is 1 for any z > 0"
    assert diagnostics.saturated_fraction(z[None, :], "relu") == 0.0


def test_03_relu_dead_units_do_not_depend_on_scale_with_zero_biases():
    dead = lessons.dead_relu_versus_scale([0.001, 0.01, 0.1, 1.0, 10.0], bias="zeros")
    assert np.all(dead == dead[0]), (
        "03: relu(s*z) = s*relu(z): with zero biases the same units are dead at every scale"
    )
    assert dead[0, 0] == 0.0 and dead[0, -1] > 0.05, "03: dead units appear with depth"


def test_03_relu_small_weights_and_random_biases_kill_half_the_units():
    dead = lessons.dead_relu_versus_scale([0.001, 1.0], bias="torch")
    assert dead[0, 2:].mean() > 0.4, "03: tiny weights + PyTorch biases: about half the units die"
    assert dead[1].mean() < 0.1, "03: with large weights the biases hardly matter"


@pytest.mark.parametrize("scale", [0.01, np.sqrt(2 / 256), 0.3])
def test_03_relu_scale_multiplies_std_by_scale_sqrt_half_n(scale):
    stds = lessons.deep_forward_stds("relu", scale=scale, width=256, depth=6)
    ratios = stds[1:] / stds[:-1]
    expected = scale * np.sqrt(256 / 2)
    assert np.all(np.abs(ratios / expected - 1) < 0.1), (
        f"03: each ReLU layer multiplies the std by scale*sqrt(n/2) = {expected:.3g}; got {ratios}"
    )


def test_03_naive_loss_is_infinite_where_the_logit_loss_is_not():
    big = lessons.loss_at_initialisation(10.0)
    assert big["naive"] == np.inf and big["rounded"] > 0, (
        "03: with large weights probabilities round to exactly 1 and log(1 - p) = -inf"
    )
    assert np.isfinite(big["from_logits"]), "03: the loss from logits stays finite"
    small = lessons.loss_at_initialisation(0.1)
    assert small["naive"] == pytest.approx(small["from_logits"], rel=1e-12), (
        "03: for moderate logits both formulas agree"
    )


def test_03_largest_safe_scale_for_fan_in_100():
    s = lessons.largest_safe_scale(100)
    assert s == pytest.approx(0.1856, abs=1e-4)
    (measured,), (theory,) = lessons.saturation_versus_scale([s])
    assert theory == pytest.approx(0.05) and abs(measured - 0.05) < 0.005
    (above,), _ = lessons.saturation_versus_scale([1.2 * s])
    assert above > 0.05, "03: a larger scale saturates more than 5%"


def test_03_safe_scale_check_gives_feedback(capsys):
    def stub(fan_in):
        raise NotImplementedError

    assert checks.check_largest_safe_scale(stub) is False
    assert "Not filled in yet" in capsys.readouterr().out
    assert checks.check_largest_safe_scale(lambda n: 0.3) is False
    assert "more than 5%" in capsys.readouterr().out
    assert checks.check_largest_safe_scale(lambda n: 0.1856) is False
    assert "depends on fan_in" in capsys.readouterr().out
    assert checks.check_largest_safe_scale(lambda n: lessons.largest_safe_scale(n)) is True
