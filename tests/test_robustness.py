"""The robustness catalogue (issue 14): bad inputs across the public API, each raising the
documented exception type with a message that names the bad value (and, where listed, what is
allowed). Together with :mod:`tests.test_bad_inputs` (the first catalogue, reused here) and the
checkers' bad answers in :mod:`tests.test_checks_robustness`."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from test_bad_inputs import CASES as FIRST_CATALOGUE

from helpers import activations as A
from helpers import batched, data, diagnostics, gradcheck, init, plotting, theory, widgets
from helpers.mlp import MLP
from helpers.train import train

RNG = np.random.default_rng
X4 = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
Y4 = np.array([0, 1, 0, 1])
Z43 = np.zeros((4, 3))


def net(**kw):
    return MLP([2, 3, 1], **kw)


def cache_of(model):
    return model.forward(X4)[1]


def grads_of(model):
    return model.backward(cache_of(model), Y4)


def ax():
    return Figure().add_subplot()


def step(lr=0.1, grads=None):
    model = net()
    model.step(grads_of(model) if grads is None else grads, lr)


def case(name, call, error, *needles):
    """A bad input: ``call()`` raises ``error`` whose message contains every ``needle`` (the
    first is the bad value as the message shows it)."""
    return pytest.param(call, error, needles, id=name)


CATALOGUE = [
    # ---- init: overflowing, mistyped and other libraries' names
    case("he_normal scale 1e308", lambda: init.initialize("he_normal", 3, 4, scale=1e308, rng=0),
         ValueError, "scale 1e+308", "largest scale allowed"),
    case("xavier_uniform scale 1e305", lambda: init.initialize(
        "xavier_uniform", 3, 4, scale=1e305, rng=0), ValueError, "1e+305", "he largest scale"),
    case("orthogonal scale 1e301", lambda: init.initialize("orthogonal", 3, 4, scale=1e301,
         rng=0), ValueError, "1e+301"),
    case("uniform scale 1e308", lambda: init.initialize("uniform", 3, 4, scale=1e308, rng=0),
         ValueError, "1e+308"),
    case("MLP scale 1e306", lambda: net(scale=1e306), ValueError, "1e+306"),
    case("scale a string of digits", lambda: init.initialize("normal", 3, 4, scale="0.5", rng=0),
         TypeError, "'0.5'", "drop the quotes"),
    case("scale complex", lambda: init.initialize("normal", 3, 4, scale=1j, rng=0), TypeError,
         "1j", "not complex"),
    case("scale True", lambda: init.initialize("normal", 3, 4, scale=True, rng=0), TypeError,
         "True", "real number"),
    case("scale infinite", lambda: init.std("he_normal", 3, 4, scale=float("inf")), ValueError,
         "inf", "finite"),
    case("fan_in a string", lambda: init.initialize("normal", "3", 4, rng=0), TypeError,
         "'3'", "integer"),
    case("fan_in True", lambda: init.std("normal", True, 4), TypeError, "True", "integer"),
    case("fan_out numpy float", lambda: init.std("normal", 3, np.float64(2.5)), TypeError,
         "2.5", "integer"),
    case("kaiming_normal", lambda: init.initialize("kaiming_normal", 3, 4, rng=0), ValueError,
         "'kaiming_normal'", "did you mean 'he_normal'"),
    case("kaiming_uniform_", lambda: init.std("kaiming_uniform_", 3, 4), ValueError,
         "'kaiming_uniform_'", "'he_uniform'"),
    case("glorot_normal", lambda: init.bound("glorot_normal", 3, 4), ValueError,
         "'glorot_normal'", "'xavier_normal'"),
    case("scheme None", lambda: init.initialize(None, 3, 4, rng=0), TypeError, "None", "string"),
    case("gain logistic", lambda: init.gain("logistic"), ValueError, "'logistic'", "'sigmoid'"),
    case("gain param a string", lambda: init.gain("leaky_relu", "0.2"), TypeError, "'0.2'"),
    case("rng a string", lambda: init.initialize("normal", 3, 4, rng="0"), TypeError, "'0'",
         "Generator"),
    case("uniform bound negative scale", lambda: init.bound("uniform", 3, 4, scale=-1),
         ValueError, "-1", ">= 0"),
    # ---- activations and losses
    case("bce (4, 1) against (3,)", lambda: A.bce_with_logits(np.zeros((4, 1)), [0, 1, 0]),
         ValueError, "(4, 1)", "(3,)"),
    case("bce (4, 2) against (4,)", lambda: A.bce_with_logits(np.zeros((4, 2)), Y4), ValueError,
         "(4, 2)", "broadcast"),
    case("bce (1, 4) against (4,)", lambda: A.bce_with_logits(np.zeros((1, 4)), Y4), ValueError,
         "(1, 4)"),
    case("bce label 2", lambda: A.bce_with_logits(np.zeros(4), [0, 1, 2, 0]), ValueError,
         "got 2 at index 2", "[0, 1]"),
    case("bce label -0.5", lambda: A.bce_with_logits(np.zeros(4), [0, -0.5, 1, 0]), ValueError,
         "-0.5"),
    case("bce label nan", lambda: A.bce_with_logits(np.zeros(4), [0, np.nan, 1, 0]),
         ValueError, "nan", "finite"),
    case("bce logit nan", lambda: A.bce_with_logits([0, 0, np.nan, 0], Y4), ValueError, "nan"),
    case("bce logit inf", lambda: A.bce_with_logits([0, np.inf, 0, 0], Y4), ValueError, "inf"),
    case("bce labels strings", lambda: A.bce_with_logits(np.zeros(2), ["0", "1"]), TypeError,
         "'0'", "not a string"),
    case("bce logits complex", lambda: A.bce_with_logits(np.zeros(4) + 1j, Y4), TypeError,
         "1j", "complex"),
    case("bce no samples", lambda: A.bce_with_logits(np.zeros(0), np.zeros(0)), ValueError,
         "(0,)"),
    case("cross-entropy label -1", lambda: A.cross_entropy_with_logits(Z43, [0, -1, 2, 1]),
         ValueError, "-1", "0..2"),
    case("cross-entropy label 3 of 3", lambda: A.cross_entropy_with_logits(Z43, [0, 3, 2, 1]),
         ValueError, "got 3 at index 1", "0..2"),
    case("cross-entropy label 1.5", lambda: A.cross_entropy_with_logits(Z43, [0, 1.5, 2, 1]),
         ValueError, "1.5", "integer"),
    case("cross-entropy label nan", lambda: A.cross_entropy_with_logits(Z43, [0, np.nan, 2, 1]),
         ValueError, "nan"),
    case("cross-entropy one-hot labels", lambda: A.cross_entropy_with_logits(Z43, np.eye(3)[
        [0, 1, 2, 0]]), ValueError, "(4, 3)", "(4,)"),
    case("cross-entropy too few labels", lambda: A.cross_entropy_with_logits(Z43, [0, 1, 2]),
         ValueError, "(3,)", "(4,)"),
    case("cross-entropy 1-D logits", lambda: A.cross_entropy_with_logits(np.zeros(4), Y4),
         ValueError, "(4,)", "2-D"),
    case("cross-entropy labels strings", lambda: A.cross_entropy_with_logits(Z43, list("0121")),
         TypeError, "'0'"),
    case("cross-entropy labels complex", lambda: A.cross_entropy_with_logits(Z43, Y4 + 0j),
         TypeError, "0j", "complex"),
    case("cross-entropy logits inf", lambda: A.cross_entropy_with_logits(Z43 - np.inf, Y4),
         ValueError, "-inf"),
    case("bce_naive probability 1.5", lambda: A.bce_naive([0.5, 1.5], [0, 1]), ValueError,
         "1.5"),
    case("bce_naive (4, 2) against (4,)", lambda: A.bce_naive(np.zeros((4, 2)), Y4), ValueError,
         "(4, 2)"),
    case("log_softmax of a vector", lambda: A.log_softmax(np.zeros(3)), ValueError, "(3,)"),
    case("softmax of strings", lambda: A.softmax([["a", "b"]]), TypeError, "'a'"),
    case("sigmoid of a string of digits", lambda: A.sigmoid("1"), TypeError, "'1'"),
    case("relu of a complex", lambda: A.relu(np.array([1j])), TypeError, "1j"),
    case("tanh with None", lambda: A.tanh([1.0, None]), TypeError, "None"),
    case("activate Relu", lambda: A.activate("Relu", 0.0), ValueError, "'Relu'", "'relu'"),
    case("derivative identity", lambda: A.derivative("identity", 0.0), ValueError,
         "'identity'", "'linear'"),
    # ---- MLP
    case("backward with None", lambda: net().backward(None, Y4), TypeError, "None", "forward"),
    case("backward with another model's cache", lambda: net().backward(
        cache_of(MLP([2, 4, 1])), Y4), ValueError, "[2, 4, 1]", "[2, 3, 1]"),
    case("backward with forward's tuple", lambda: net().backward(net().forward(X4), Y4),
         TypeError, "tuple"),
    case("backward with a dict", lambda: net().backward({"pre": []}, Y4), TypeError, "dict"),
    case("loss_from_cache with None", lambda: net().loss_from_cache(None, Y4), TypeError, "None"),
    case("backward_from_delta of the wrong shape", lambda: net().backward_from_delta(
        cache_of(net()), np.zeros((4, 2))), ValueError, "(4, 2)", "(4, 1)"),
    case("step lr a string", lambda: step("0.1"), TypeError, "'0.1'", "real number"),
    case("step lr negative", lambda: step(-1.0), ValueError, "-1.0", "> 0"),
    case("step lr nan", lambda: step(float("nan")), ValueError, "nan", "finite"),
    case("step lr complex", lambda: step(0.1j), TypeError, "0.1j"),
    case("step with None", lambda: step(grads=None if False else "grads"), TypeError, "'grads'"),
    case("step with another model's gradients", lambda: step(grads=grads_of(MLP([2, 4, 1]))),
         ValueError, "(2, 4)", "(2, 3)"),
    case("forward complex X", lambda: net().forward(X4 + 1j), TypeError, "1j", "complex"),
    case("forward X strings of digits", lambda: net().forward([["1", "2"]]), TypeError, "'1'"),
    case("forward ragged X", lambda: net().forward([[1.0, 2.0], [1.0]]), TypeError,
         "[[1.0, 2.0], [1.0]]", "rectangular"),
    case("forward X None", lambda: net().forward(None), TypeError, "None"),
    case("forward X a dict", lambda: net().forward({"x": 1}), TypeError, "{'x': 1}"),
    case("loss y complex", lambda: net().loss(X4, Y4 + 1j), TypeError, "1j"),
    case("loss y strings", lambda: net().loss(X4, ["0", "1", "0", "1"]), TypeError, "'0'"),
    case("loss y None", lambda: net().loss(X4, None), TypeError, "None"),
    case("loss y nan", lambda: net().loss(X4, [0, 1, np.nan, 1]), ValueError, "nan"),
    case("softmax loss label -1", lambda: MLP([2, 3, 3], output="softmax").loss(X4, [0, 1, -1, 2]),
         ValueError, "got -1 at index 2"),
    case("sizes with a string", lambda: MLP([2, "16", 1]), TypeError, "'16'", "integer"),
    case("sizes with True", lambda: MLP([2, True, 1]), TypeError, "True"),
    case("sizes an int", lambda: MLP(5), TypeError, "5", "list of layer widths"),
    case("init kaiming_uniform", lambda: net(init="kaiming_uniform"), ValueError,
         "'kaiming_uniform'", "'he_uniform'"),
    case("init msra_normal", lambda: net(init="msra_normal"), ValueError, "'msra_normal'",
         "'he_normal'"),
    case("activation logistic", lambda: net(activation="logistic"), ValueError, "'logistic'",
         "'sigmoid'"),
    case("bias a string of digits", lambda: net(bias="0.1"), ValueError, "'0.1'", "zeros"),
    case("bias complex", lambda: net(bias=1j), TypeError, "1j"),
    case("bias_scale negative", lambda: net(bias="normal", bias_scale=-1), ValueError, "-1"),
    case("dtype float16", lambda: net(dtype="float16"), ValueError, "'float16'", "float32"),
    case("seed a string", lambda: net(seed="0"), TypeError, "'0'"),
    case("reinitialize scale a string", lambda: net().reinitialize(scale="1"), TypeError, "'1'"),
    case("reinitialize init glorot", lambda: net().reinitialize(init="glorot_uniform"),
         ValueError, "'glorot_uniform'", "'xavier_uniform'"),
    case("accuracy of a linear output", lambda: net(output="linear").accuracy(X4, Y4),
         ValueError, "'linear'"),
    case("astype int32", lambda: net().astype("int32"), ValueError, "'int32'"),
    case("predict with 3 features", lambda: net().predict(np.zeros((4, 3))), ValueError,
         "3 columns"),
    # ---- train
    case("train a dict", lambda: train({"sizes": [2, 1]}, X4, Y4, epochs=1, lr=0.1), TypeError,
         "{'sizes': [2, 1]}", "MLP"),
    case("train None", lambda: train(None, X4, Y4, epochs=1, lr=0.1), TypeError, "None"),
    case("train epochs a string", lambda: train(net(), X4, Y4, epochs="10", lr=0.1), TypeError,
         "'10'", "drop the quotes"),
    case("train epochs 2.5", lambda: train(net(), X4, Y4, epochs=2.5, lr=0.1), TypeError, "2.5"),
    case("train epochs True", lambda: train(net(), X4, Y4, epochs=True, lr=0.1), TypeError,
         "True"),
    case("train lr a string", lambda: train(net(), X4, Y4, epochs=1, lr="0.1"), TypeError,
         "'0.1'"),
    case("train lr complex", lambda: train(net(), X4, Y4, epochs=1, lr=0.1j), TypeError, "0.1j"),
    case("train batch_size a string", lambda: train(net(), X4, Y4, epochs=1, lr=0.1,
         batch_size="8"), TypeError, "'8'"),
    case("train seed negative", lambda: train(net(), X4, Y4, epochs=1, lr=0.1, seed=-1),
         ValueError, "-1"),
    case("train record unknown", lambda: train(net(), X4, Y4, epochs=1, lr=0.1, record="grad"),
         ValueError, "'grad'", "grad_norm"),
    case("train record_layers a word", lambda: train(net(), X4, Y4, epochs=1, lr=0.1,
         record_layers="yes"), TypeError, "'yes'"),
    case("train y_val too short", lambda: train(net(), X4, Y4, epochs=1, lr=0.1, X_val=X4,
         y_val=[0, 1, 0]), ValueError, "(3,)"),
    case("train complex X_val", lambda: train(net(), X4, Y4, epochs=1, lr=0.1, X_val=X4 + 1j,
         y_val=Y4), TypeError, "1j"),
    # ---- several seeds trained as one (helpers.batched)
    case("restarts of no models", lambda: batched.train_restarts([], X4, Y4, epochs=1, lr=0.1),
         TypeError, "[]", "non-empty list of MLP"),
    case("restarts of mixed sizes", lambda: batched.train_restarts([net(), MLP([2, 4, 1])], X4,
         Y4, epochs=1, lr=0.1), ValueError, "[2, 4, 1]"),
    case("restarts lr a string", lambda: batched.train_restarts([net()], X4, Y4, epochs=1,
         lr="0.1"), TypeError, "'0.1'"),
    case("restarts epochs a string", lambda: batched.train_restarts([net()], X4, Y4, epochs="2",
         lr=0.1), TypeError, "'2'"),
    case("restarts complex X", lambda: batched.train_restarts([net()], X4 + 1j, Y4, epochs=1,
         lr=0.1), TypeError, "1j"),
    case("restarts callback 5", lambda: batched.train_restarts([net()], X4, Y4, epochs=1, lr=0.1,
         callback=5), TypeError, "got 5"),
    # ---- data
    case("moons n a string", lambda: data.make_moons("100", rng=0), TypeError, "'100'"),
    case("moons n a float", lambda: data.make_moons(100.0, rng=0), TypeError, "100.0"),
    case("moons noise a string", lambda: data.make_moons(10, noise="0.1", rng=0), TypeError,
         "'0.1'"),
    case("moons noise nan", lambda: data.make_moons(10, noise=float("nan"), rng=0), ValueError,
         "nan"),
    case("spirals negative turns", lambda: data.make_spirals(10, turns=-1, rng=0), ValueError,
         "-1"),
    case("xor rng a word", lambda: data.make_xor(10, rng="seed"), TypeError, "'seed'"),
    case("dataset gaussian", lambda: data.make_dataset("gaussian", 10, rng=0), ValueError,
         "'gaussian'", "moons"),
    case("split y too short", lambda: data.train_test_split(X4, Y4[:3], rng=0), ValueError,
         "(3,)"),
    case("split y strings", lambda: data.train_test_split(X4, list("abcd"), rng=0), TypeError,
         "'a'"),
    case("grid of 3 features", lambda: data.grid(Z43), ValueError, "3 columns"),
    case("grid resolution 1", lambda: data.grid(X4, resolution=1), ValueError, "got 1"),
    case("grid margin a string", lambda: data.grid(X4, margin="0.5"), TypeError, "'0.5'"),
    # ---- diagnostics
    case("saturated fraction of strings", lambda: diagnostics.saturated_fraction(
        [["1"]], "tanh"), TypeError, "'1'"),
    case("dead fraction of complex", lambda: diagnostics.dead_fraction(Z43 + 1j), TypeError,
         "1j"),
    case("unit spread of a vector", lambda: diagnostics.unit_spread(np.zeros(3)), ValueError,
         "(3,)"),
    case("distinct units negative tol", lambda: diagnostics.distinct_units(Z43, tol=-1),
         ValueError, "-1"),
    case("layer stats of a string", lambda: diagnostics.layer_stats("model", X4), TypeError,
         "'model'", "MLP"),
    case("backward std negative seed", lambda: diagnostics.backward_std(net(), X4, seed=-1),
         ValueError, "-1"),
    case("signal flow of one array", lambda: diagnostics.signal_flow(np.ones((2, 2)), X4, "tanh",
         np.zeros((4, 2))), TypeError, "ndarray"),
    case("signal flow wrong signal", lambda: diagnostics.signal_flow(
        [np.ones((2, 3)), np.ones((3, 1))], X4, "tanh", np.zeros((4, 2))), ValueError, "(4, 2)"),
    case("rms of a word", lambda: diagnostics.rms("abc"), TypeError, "'abc'"),
    case("forward std of None", lambda: diagnostics.forward_std(None, X4), TypeError, "None"),
    # ---- gradcheck
    case("rel_error shapes differ", lambda: gradcheck.rel_error(np.zeros(2), np.zeros(3)),
         ValueError, "(2,)", "(3,)"),
    case("rel_error of strings", lambda: gradcheck.rel_error(["1"], ["2"]), TypeError, "'1'"),
    case("check_gradients of a dict", lambda: gradcheck.check_gradients({}, X4, Y4), TypeError,
         "{}", "MLP"),
    case("check_gradients of float32", lambda: gradcheck.check_gradients(net(dtype="float32"),
         X4, Y4), ValueError, "float32"),
    case("numerical gradients negative eps", lambda: gradcheck.numerical_gradients(
        net(), X4, Y4, eps=-1e-5), ValueError, "-1e-05"),
    # ---- theory
    case("scheme_flow kaiming_normal", lambda: theory.scheme_flow("kaiming_normal", [2, 3, 1],
         "tanh"), ValueError, "'kaiming_normal'", "'he_normal'"),
    case("gaussian moments negative std", lambda: theory.gaussian_moments("tanh", -1.0),
         ValueError, "-1.0"),
    case("gaussian moments std a string", lambda: theory.gaussian_moments("tanh", "1"),
         TypeError, "'1'"),
    case("variance flow with too few stds", lambda: theory.variance_flow([2, 3, 1], [1.0],
         "tanh"), ValueError, "1"),
    case("depth theory depth 0", lambda: theory.depth_theory("he_normal", 1.0, "relu", 0, 8),
         ValueError, "got 0"),
    case("saturation theory nan std", lambda: theory.saturated_fraction(float("nan"), "tanh"),
         ValueError, "nan"),
    case("variance flow unknown rule", lambda: theory.variance_flow([2, 3, 1], [1.0, 1.0],
         "tanh", rule="mean-field"), ValueError, "'mean-field'", "mean_field"),
    # ---- plotting entry points
    case("plot_loss of words", lambda: plotting.plot_loss(ax(), ["a", "b"]), TypeError, "'a'"),
    case("scheme colour of kaiming_normal", lambda: plotting.scheme_color("kaiming_normal"),
         ValueError, "'kaiming_normal'", "'he_normal'"),
    case("activation colour ReLU", lambda: plotting.activation_color("ReLU"), ValueError,
         "'ReLU'", "'relu'"),
    case("use_style unknown", lambda: plotting.use_style("projector"), ValueError,
         "'projector'"),
    case("plot_activation tanhh", lambda: plotting.plot_activation(ax(), "tanhh"), ValueError,
         "'tanhh'", "'tanh'"),
    case("decision boundary of a string", lambda: plotting.plot_decision_boundary(
        ax(), "model", X4, Y4), TypeError, "'model'", "MLP"),
    case("layer std of words", lambda: plotting.plot_layer_std(ax(), ["x"]), TypeError, "'x'"),
    case("saturation with 0 bins", lambda: plotting.plot_saturation(ax(), Z43, "sigmoid",
         bins=0), ValueError, "got 0"),
    case("unit outputs of layer 5", lambda: plotting.plot_unit_outputs(ax(), net(), X4, layer=5),
         ValueError, "5"),
    case("plot_dataset complex X", lambda: plotting.plot_dataset(ax(), X4 + 1j, Y4), TypeError,
         "1j"),
    case("grad norms of a string", lambda: plotting.plot_grad_norms(ax(), "history"), TypeError,
         "'history'", "History"),
    case("unit spread of a dict", lambda: plotting.plot_unit_spread(ax(), {}), TypeError, "{}"),
    case("plot_dataset labels strings", lambda: plotting.plot_dataset(ax(), X4, list("abab")),
         TypeError, "'a'"),
    case("plot_activation complex z", lambda: plotting.plot_activation(ax(), "tanh",
         z=np.array([1j])), TypeError, "1j"),
    case("plot_saturation of strings", lambda: plotting.plot_saturation(ax(), [["1"]], "tanh"),
         TypeError, "'1'"),
    case("plot_outputs of None", lambda: plotting.plot_outputs(ax(), [None], "relu"), TypeError,
         "None"),
    # ---- explorer builders (each fails before it builds a figure)
    case("depth explorer kaiming_normal", lambda: widgets.build_depth_explorer(
        scheme="kaiming_normal"), ValueError, "'kaiming_normal'", "'he_normal'"),
    case("depth explorer depth a string", lambda: widgets.build_depth_explorer(depth="10"),
         TypeError, "'10'"),
    case("depth explorer scale 0", lambda: widgets.build_depth_explorer(scale=0.0), ValueError,
         "0.0"),
    case("depth explorer scale 1e9", lambda: widgets.build_depth_explorer(scale=1e9), ValueError,
         "1000000000.0", "between 0.001 and 100"),
    case("depth explorer width 3", lambda: widgets.build_depth_explorer(width=3), ValueError,
         "got 3"),
    case("saturation explorer fan_in 0", lambda: widgets.build_saturation_explorer(fan_in=0),
         ValueError, "got 0"),
    case("saturation explorer logistic", lambda: widgets.build_saturation_explorer(
        activation="logistic"), ValueError, "'logistic'", "'sigmoid'"),
    case("symmetry explorer bias random", lambda: widgets.build_symmetry_explorer(
        bias="random"), ValueError, "'random'"),
    case("symmetry explorer steps -1", lambda: widgets.build_symmetry_explorer(steps=-1),
         ValueError, "-1"),
    case("training explorer epochs a string", lambda: widgets.build_training_explorer(
        epochs="50"), TypeError, "'50'"),
    case("training explorer lr complex", lambda: widgets.build_training_explorer(lr=1j),
         TypeError, "1j"),
    case("training explorer dataset moon", lambda: widgets.build_training_explorer(
        dataset="moon"), ValueError, "'moon'", "'moons'"),
    case("training explorer restarts 0", lambda: widgets.build_training_explorer(restarts=0),
         ValueError, "got 0"),
]  # fmt: skip


@pytest.mark.parametrize("call, error, needles", CATALOGUE)
def test_bad_input_raises_an_error_that_names_it(call, error, needles):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


def test_the_catalogues_hold_at_least_100_bad_inputs():
    ids = [p.id for p in CATALOGUE] + [c[0] for c in FIRST_CATALOGUE]
    assert len(set(ids)) == len(ids) >= 100
    assert len(CATALOGUE) >= 100
