"""The checks of the three derivation exercises (02 first update, 04 leaky-ReLU gain, 06
restarts): right answers pass, wrong ones get a hint, and nothing a student returns raises."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import checks, lessons
from helpers.activations import sigmoid


def _first_update(X, y):
    n = X.shape[0]
    W1, W2 = np.full((2, 8), 0.5), np.full((8, 1), 0.5)
    h = sigmoid(X @ W1)
    p = sigmoid(h @ W2)[:, 0]
    dZ1 = ((p - y)[:, None] / n @ W2.T) * h * (1 - h)
    return -(X.T @ dZ1)


@pytest.fixture(scope="module")
def circles():
    return lessons.make_unbalanced("circles", 120, 60, seed=0)


def test_right_answers_pass(capsys, circles):
    assert checks.check_leaky_gain(lambda a: 2 / (1 + a * a)) is True
    assert checks.check_first_update(_first_update, *circles) is True
    restarts = lambda q: math.ceil(math.log(0.01) / math.log(q))  # noqa: E731
    assert checks.check_restarts(restarts, measured=0.25) is True
    out = capsys.readouterr().out
    assert "Right" in out and "0.25: 4 runs" in out


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda a: math.sqrt(2 / (1 + a * a)), "its square"),
        (lambda a: 2 / (1 + a), "a^2, not a"),
        (lambda a: 2.0, "Compute E[f(z)^2]"),
        (lambda a: "2", "expected a number"),
        (lambda a: np.array([2.0, 2.0]), "several values"),
        (lambda a: float("nan"), "finite"),
    ],
)
def test_leaky_gain_hints(fn, hint, capsys):
    assert checks.check_leaky_gain(fn) is False
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda X, y: -_first_update(X, y), "sign is flipped"),
        (lambda X, y: _first_update(X, y)[:, 0], "expected (2, 8)"),
        (lambda X, y: _first_update(X, y) + np.arange(8), "columns differ"),
        (lambda X, y: 2 * _first_update(X, y), "Not quite"),
        (lambda X, y: "W1", "expected a numeric array"),
        (lambda X, y: np.full((2, 8), np.inf), "non-finite"),
        (lambda X, y: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_first_update_hints(fn, hint, capsys, circles):
    assert checks.check_first_update(fn, *circles) is False
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda q: math.ceil(math.log(0.01) / math.log(q)) - 1, "round up"),
        (lambda q: 100, "you need 1 - q^k >= 0.99"),
        (lambda q: 2.5, "whole number"),
        (lambda q: None, "forget the `return`"),
    ],
)
def test_restart_hints(fn, hint, capsys):
    assert checks.check_restarts(fn) is False
    assert hint in capsys.readouterr().out


def test_unfilled_stubs_are_handled_kindly(capsys, circles):
    def stub(*args):
        raise NotImplementedError

    assert checks.check_leaky_gain(stub) is False
    assert checks.check_first_update(stub, *circles) is False
    assert checks.check_restarts(stub) is False
    assert capsys.readouterr().out.count("Not filled in yet") == 3


def test_truths():
    assert lessons.leaky_variance_gain(0.0) == 2.0 and lessons.leaky_variance_gain(1.0) == 1.0
    for q in (0.05, 0.25, 0.5, 0.9):
        k = lessons.restarts_for(q)
        assert 1 - q**k >= 0.99 > 1 - q ** (k - 1)
    d = lessons.constant_first_update()
    assert d.shape == (2, 8) and np.all(d == d[:, :1]) and d[0, 0] != d[1, 0]
    with pytest.raises(ValueError, match="stuck_rate"):
        lessons.restarts_for(1.0)
