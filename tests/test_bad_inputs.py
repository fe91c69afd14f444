"""Bad input raises a ValueError or TypeError whose message names the value and what is allowed."""

import re

import numpy as np
import pytest

from helpers import data, diagnostics, gradcheck, init
from helpers.mlp import MLP
from helpers.train import train

RNG = np.random.default_rng
X4 = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
Y4 = np.array([0, 1, 0, 1])


def sigmoid_net():
    return MLP([2, 3, 1])


def softmax_net(k=2):
    return MLP([2, 3, k], output="softmax")


def backward(model, y):
    _, cache = model.forward(X4)
    return model.backward(cache, y)


def with_nan():
    X = X4.copy()
    X[2, 1] = np.nan
    return X


q = re.escape  # messages are matched literally where they quote values

CASES = [
    # ---- names: unknown values get the right name suggested, and the allowed list
    (
        "scheme near miss",
        lambda: init.initialize("he_norml", 3, 4, rng=RNG(0)),
        ValueError,
        q("unknown init scheme 'he_norml' (did you mean 'he_normal'?); allowed: zeros,"),
    ),
    (
        "scheme in Keras's spelling",
        lambda: init.initialize("glorot_uniform", 3, 4, rng=RNG(0)),
        ValueError,
        q("'glorot_uniform' (did you mean 'xavier_uniform'?)"),
    ),
    (
        "scheme in PyTorch's spelling",
        lambda: MLP([2, 3, 1], init="kaiming_normal_"),
        ValueError,
        q("'kaiming_normal_' (did you mean 'he_normal'?)") + ".*xavier_uniform",
    ),
    (
        "scheme with capitals",
        lambda: init.std("Xavier_Uniform", 3, 4),
        ValueError,
        q("did you mean 'xavier_uniform'?"),
    ),
    (
        "activation near miss",
        lambda: MLP([2, 3, 1], activation="Relu"),
        ValueError,
        q("unknown activation 'Relu' (did you mean 'relu'?); allowed: sigmoid, tanh, relu,"),
    ),
    (
        "activation without underscore",
        lambda: MLP([2, 3, 1], activation="leakyrelu"),
        ValueError,
        q("did you mean 'leaky_relu'?"),
    ),
    (
        "gain of an unknown activation",
        lambda: init.gain("tahn"),
        ValueError,
        q("unknown activation 'tahn' (did you mean 'tanh'?)"),
    ),
    (
        "unknown output",
        lambda: MLP([2, 3, 1], output="softmx"),
        ValueError,
        q("unknown output 'softmx' (did you mean 'softmax'?); allowed: sigmoid, softmax, linear"),
    ),
    (
        "unknown dataset",
        lambda: data.make_dataset("moon", 10, rng=RNG(0)),
        ValueError,
        q("unknown dataset 'moon' (did you mean 'moons'?); allowed: moons, circles, spirals"),
    ),
    (
        "bias mode typo",
        lambda: MLP([2, 3, 1], bias="normall"),
        ValueError,
        q("unknown bias mode 'normall' (did you mean 'normal'?); allowed: zeros, normal,"),
    ),
    (
        "scheme that is not a string",
        lambda: init.initialize(3, 3, 4, rng=RNG(0)),
        TypeError,
        q("init scheme must be a string, one of zeros, constant,") + ".*got 3",
    ),
    # ---- sizes
    (
        "fan_in zero",
        lambda: init.initialize("he_normal", 0, 4, rng=RNG(0)),
        ValueError,
        q("fan_in must be >= 1; got 0"),
    ),
    (
        "fan_out negative",
        lambda: init.std("he_normal", 3, -2),
        ValueError,
        q("fan_out must be >= 1; got -2"),
    ),
    (
        "negative layer width",
        lambda: MLP([2, -3, 1]),
        ValueError,
        q("sizes[1] (a layer width) must be >= 1; got -3"),
    ),
    (
        "float layer width",
        lambda: MLP([2, 16.0, 1]),
        TypeError,
        q("sizes[1] (a layer width) must be an integer (>= 1); got the float 16.0"),
    ),
    (
        "float fan_in",
        lambda: init.initialize("normal", 2.5, 4, rng=RNG(0)),
        TypeError,
        q("fan_in must be an integer (>= 1); got 2.5"),
    ),
    (
        "sizes of length 1",
        lambda: MLP([2]),
        ValueError,
        q("sizes needs at least an input and an output width, e.g. [2, 16, 1]; got [2]"),
    ),
    (
        "sizes as a string",
        lambda: MLP("2,16,1"),
        TypeError,
        q("sizes must be a list of layer widths such as [2, 16, 1]; got '2,16,1'"),
    ),
    (
        "sigmoid output with two units",
        lambda: MLP([2, 3, 2], output="sigmoid"),
        ValueError,
        q("a sigmoid output (binary cross-entropy) needs exactly 1 output unit; sizes[-1] is 2"),
    ),
    (
        "softmax output with one unit",
        lambda: MLP([2, 3, 1], output="softmax"),
        ValueError,
        q("a softmax output needs at least 2 output units (one per class); sizes[-1] is 1"),
    ),
    # ---- data handed to the network
    (
        "X with the wrong number of features",
        lambda: sigmoid_net().forward(np.zeros((4, 3))),
        ValueError,
        q("X has 3 columns but the network expects 2 input features"),
    ),
    (
        "X one-dimensional",
        lambda: sigmoid_net().forward(np.zeros(4)),
        ValueError,
        q("X must be 2-D with shape (n_samples, n_features); got shape (4,)"),
    ),
    (
        "X with no rows",
        lambda: sigmoid_net().forward(np.zeros((0, 2))),
        ValueError,
        q("X must have at least one row (sample); got shape (0, 2)"),
    ),
    (
        "NaN in X",
        lambda: sigmoid_net().loss(with_nan(), Y4),
        ValueError,
        q("X must be finite; found nan at row 2, column 1"),
    ),
    (
        "X of strings",
        lambda: sigmoid_net().forward([["a", "b"]]),
        TypeError,
        q("every entry of X must be a real number, not a string; got 'a'"),
    ),
    (
        "y of the wrong length",
        lambda: sigmoid_net().loss(X4, Y4[:3]),
        ValueError,
        q("y must have one entry per sample (4); got shape (3,)"),
    ),
    (
        "label 2 for a sigmoid output",
        lambda: backward(sigmoid_net(), [0, 1, 2, 0]),
        ValueError,
        q("a sigmoid output needs labels 0/1 (or probabilities in [0, 1]); got values from 0 to 2"),
    ),
    (
        "3 classes for a 2-unit softmax",
        lambda: backward(softmax_net(2), [0, 1, 2, 0]),
        ValueError,
        q("a softmax output with 2 units needs integer labels 0..1; got 2 at index 2"),
    ),
    (
        "negative class label",
        lambda: softmax_net(3).loss(X4, [0, -1, 2, 1]),
        ValueError,
        q("needs integer labels 0..2; got -1 at index 1 (values from -1 to 2)"),
    ),
    (
        "non-integer label for a softmax",
        lambda: softmax_net(3).loss(X4, [0, 1, 1.5, 2]),
        ValueError,
        q("needs integer class labels 0..2; got the non-integer label 1.5 at index 2"),
    ),
    (
        "one-hot labels for a softmax",
        lambda: softmax_net(2).loss(X4, np.eye(2)[Y4]),
        ValueError,
        q("a softmax output with 2 units needs integer class labels of shape (4,); got (4, 2)"),
    ),
    (
        "infinite target",
        lambda: MLP([2, 3, 1], output="linear").loss(X4, [0.0, np.inf, 1.0, 2.0]),
        ValueError,
        q("y must be finite; found inf at index 1"),
    ),
    (
        "linear targets of the wrong width",
        lambda: MLP([2, 3, 2], output="linear").loss(X4, np.zeros((4, 3))),
        ValueError,
        q("a linear output with 2 units needs y of shape (4, 2); got (4, 3)"),
    ),
    # ---- numbers
    (
        "negative scale",
        lambda: init.initialize("he_normal", 3, 4, scale=-1.0, rng=RNG(0)),
        ValueError,
        q("scale must be >= 0.0; got -1.0"),
    ),
    (
        "NaN scale",
        lambda: MLP([2, 3, 1], scale=float("nan")),
        ValueError,
        q("scale must be finite; got nan"),
    ),
    (
        "scale given as a string",
        lambda: init.std("normal", 3, 4, scale="big"),
        TypeError,
        q("scale must be a real number, not a string; got 'big'"),
    ),
    (
        "gain param for an activation without one",
        lambda: init.gain("tanh", 0.2),
        ValueError,
        q("gain('tanh') takes no param; only leaky_relu does (got 0.2)"),
    ),
    (
        "bound of a normal scheme",
        lambda: init.bound("he_normal", 3, 4),
        ValueError,
        q("bound() is defined for the uniform schemes only (uniform, lecun_uniform,")
        + ".*got 'he_normal'",
    ),
    (
        "negative seed",
        lambda: MLP([2, 3, 1], seed=-1),
        ValueError,
        q("seed must be a non-negative integer; got -1"),
    ),
    (
        "float seed",
        lambda: MLP([2, 3, 1], seed=1.5),
        TypeError,
        q("seed must be a non-negative integer; got 1.5"),
    ),
    # ---- randomness
    (
        "legacy RandomState instead of a Generator",
        lambda: init.initialize("normal", 3, 4, rng=np.random.RandomState(0)),
        TypeError,
        q("rng must be a numpy.random.Generator (np.random.default_rng(seed)) or an int seed; ")
        + "got RandomState",
    ),
    (
        "the numpy.random module instead of a Generator",
        lambda: data.make_moons(10, rng=np.random),
        TypeError,
        q("rng must be a numpy.random.Generator") + ".*got module",
    ),
    (
        "no rng at all",
        lambda: init.initialize("normal", 3, 4, rng=None),
        TypeError,
        q("rng is required: pass rng=np.random.default_rng(seed)"),
    ),
    # ---- training
    (
        "negative epochs",
        lambda: train(sigmoid_net(), X4, Y4, epochs=-1, lr=0.1),
        ValueError,
        q("epochs must be >= 0; got -1"),
    ),
    (
        "zero learning rate",
        lambda: train(sigmoid_net(), X4, Y4, epochs=5, lr=0.0),
        ValueError,
        q("lr (learning rate) must be > 0; got 0.0"),
    ),
    (
        "negative learning rate",
        lambda: train(sigmoid_net(), X4, Y4, epochs=5, lr=-0.1),
        ValueError,
        q("lr (learning rate) must be > 0; got -0.1"),
    ),
    (
        "infinite learning rate",
        lambda: train(sigmoid_net(), X4, Y4, epochs=5, lr=float("inf")),
        ValueError,
        q("lr (learning rate) must be finite; got inf"),
    ),
    (
        "zero batch size",
        lambda: train(sigmoid_net(), X4, Y4, epochs=5, lr=0.1, batch_size=0),
        ValueError,
        q("batch_size must be >= 1; got 0"),
    ),
    (
        "callback that is not callable",
        lambda: train(sigmoid_net(), X4, Y4, epochs=5, lr=0.1, callback="print"),
        TypeError,
        q("callback must be callable as callback(epoch, loss); got 'print'"),
    ),
    (
        "validation inputs without targets",
        lambda: train(sigmoid_net(), X4, Y4, epochs=5, lr=0.1, X_val=X4),
        ValueError,
        q("give both X_val and y_val, or neither"),
    ),
    # ---- datasets and diagnostics
    (
        "one sample",
        lambda: data.make_moons(1, rng=RNG(0)),
        ValueError,
        q("n (number of samples) must be >= 2; got 1"),
    ),
    (
        "negative noise",
        lambda: data.make_circles(10, noise=-0.1, rng=RNG(0)),
        ValueError,
        q("noise must be >= 0.0; got -0.1"),
    ),
    (
        "circles factor outside (0, 1)",
        lambda: data.make_circles(10, factor=1.5, rng=RNG(0)),
        ValueError,
        q("factor (inner radius / outer radius) must be in (0, 1); got 1.5"),
    ),
    (
        "test fraction of 1",
        lambda: data.train_test_split(X4, Y4, test_fraction=1.0, rng=RNG(0)),
        ValueError,
        q("test_fraction must be in (0, 1); got 1.0"),
    ),
    (
        "dead fraction of a 1-D array",
        lambda: diagnostics.dead_fraction(np.zeros(5)),
        ValueError,
        q("Z must be 2-D (n_samples, units); got shape (5,)"),
    ),
    (
        "saturation of an unknown activation",
        lambda: diagnostics.saturated_fraction(np.zeros((2, 2)), "tanhh"),
        ValueError,
        q("unknown activation 'tanhh' (did you mean 'tanh'?)"),
    ),
    (
        "gradient check with a zero step",
        lambda: gradcheck.check_gradients(sigmoid_net(), X4, Y4, eps=0.0),
        ValueError,
        q("eps must be > 0; got 0.0"),
    ),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_there_are_at_least_fifteen_distinct_cases():
    assert len({c[0] for c in CASES}) == len(CASES) >= 15


def test_errors_leave_nothing_half_done():
    # a failed training call does not touch the model
    model = sigmoid_net()
    before = model.get_params()
    with pytest.raises(ValueError):
        train(model, X4, [0, 1, 2, 0], epochs=5, lr=0.1)
    with pytest.raises(ValueError):
        train(model, X4, Y4, epochs=5, lr=0.1, X_val=X4, y_val=[0, 1, 5, 0])
    for a, b in zip(before, model.get_params()):
        np.testing.assert_array_equal(a, b)
