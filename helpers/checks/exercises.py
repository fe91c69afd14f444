"""Feedback for three exercises that need a derivation first: the leaky-ReLU gain (notebook 04),
the first update of a constant start (02) and the restarts for 99% success (06).

Part of :mod:`helpers.checks`; see its docstring. Every check validates what the student's
function returns (type, shape, finiteness) and says what was expected; none raises.
"""

from __future__ import annotations

import math

import numpy as np

from .. import lessons
from ._answers import as_array, as_number
from ._student import _answer

# ---------------------------------------------------------------------------- 04 leaky-ReLU gain


def check_leaky_gain(leaky_variance_gain) -> bool:
    """Exercise of notebook 04: ``leaky_variance_gain(a)`` returns the factor ``g^2`` by which
    ``Var(w) = g^2 / fan_in`` must exceed LeCun's for a leaky ReLU of negative slope ``a``."""
    for a in (0.0, 0.01, 0.2, 0.5, 1.0):
        ok, value = _answer(leaky_variance_gain, a, what="leaky_variance_gain")
        if not ok:
            return False
        got = as_number(value, f"leaky_variance_gain({a})")
        if got is None:
            return False
        truth = lessons.leaky_variance_gain(a)
        if not math.isclose(got, truth, rel_tol=1e-9):
            print(f"leaky_variance_gain({a}) returned {got:.6g}; not quite.")
            if math.isclose(got, math.sqrt(truth), rel_tol=1e-9):
                print("   That is the gain of the standard deviation (calculate_gain); the")
                print("   exercise asks for the factor of the variance, its square.")
            elif math.isclose(got, 2.0 / (1.0 + a), rel_tol=1e-9):
                print("   The negative half is multiplied by a, so its square by a^2, not a.")
            else:
                print("   Compute E[f(z)^2] for symmetric z: the positive half keeps Var(z)/2,")
                print("   the negative half is scaled by a. Which Var(w) * fan_in makes up for it?")
            return False
    p = lessons.signal_profile("lecun_normal", "leaky_relu", depth=30, width=256,
                               scale=math.sqrt(lessons.leaky_variance_gain(0.01)))  # fmt: skip
    print(
        "Right: 2 / (1 + a^2) for every slope (2 for ReLU, 1 for a = 1, the identity). With "
        f"a = 0.01 and this gain, the RMS of the activations is {p['a_rms'][0]:.3f} at layer 1 "
        f"and {p['a_rms'][-1]:.3f} at layer 30: of order 1, within the scatter of one network "
        "(gain 1 would halve the second moment at every layer). Confirm it in the depth "
        "explorer: leaky_relu, lecun_normal, scale = sqrt(2 / (1 + 0.01^2)) = 1.414, depth 30."
    )
    return True


# ---------------------------------------------------------------------------- 02 first update


def check_first_update(first_update, X, y) -> bool:
    """Exercise of notebook 02: ``first_update(X, y)`` returns the change of ``W1`` (shape (2, 8))
    in one full-batch step (learning rate 1) of a ``2-8-1`` sigmoid network whose weights all
    start at 0.5 (biases 0), on the unbalanced circles ``X, y``."""
    if not callable(first_update):
        print(f"Pass the function itself (first_update, no parentheses); got {first_update!r}.")
        return False
    # called without arguments so that a message never prints the whole dataset
    ok, value = _answer(lambda: first_update(X, y), what="first_update(X, y)")
    if not ok:
        return False
    got = as_array(value, "first_update(X, y)")
    if got is None:
        return False
    if got.shape != (2, 8):
        hint = " (one column per hidden unit: tile one unit's update)" if got.size in (1, 2) else ""
        print(f"first_update returned shape {got.shape}; expected (2, 8), like W1{hint}.")
        return False
    truth = lessons.constant_first_update()
    if np.allclose(got, truth, rtol=1e-6, atol=1e-12):
        print(
            f"Right: every column is ({truth[0, 0]:+.6f}, {truth[1, 0]:+.6f}). The 8 units get the "
            "same update, so they stay equal; the two rows differ because the inputs differ."
        )
        return True
    if np.allclose(got, -truth, rtol=1e-6, atol=1e-12):
        print("The sign is flipped: the update is -lr * dW1 (gradient descent goes downhill).")
    elif not np.all(got == got[:, :1]):
        print("Your columns differ. All 8 units compute the same z, get the same dZ: one column.")
    else:
        print(
            "Not quite. Forward: h = sigmoid(X @ W1), p = sigmoid(h @ W2); backward: "
            "dZ2 = (p - y) / n, dZ1 = (dZ2 @ W2.T) * h * (1 - h), dW1 = X.T @ dZ1."
        )
    return False


# ---------------------------------------------------------------------------- 06 restarts


def check_restarts(restarts_needed, measured: float | None = None) -> bool:
    """Exercise of notebook 06: ``restarts_needed(stuck_rate)`` returns the fewest independent
    runs for a 99% chance that at least one succeeds. ``measured``: the notebook's stuck rate."""
    for q in (0.25, 0.5, 0.1, 0.9, 0.05):
        ok, value = _answer(restarts_needed, q, what="restarts_needed")
        if not ok:
            return False
        got = as_number(value, f"restarts_needed({q})", integer=True)
        if got is None:
            return False
        if got < 1:
            print(f"restarts_needed({q}) returned {got}; a number of runs is at least 1.")
            return False
        truth = lessons.restarts_for(q)
        if int(got) != truth:
            print(f"restarts_needed({q}) returned {int(got)}; not quite.")
            if int(got) == truth - 1:
                print(f"   With {int(got)} runs the chance is 1 - {q}^{int(got)} = "
                      f"{1 - q ** int(got):.4f} < 0.99: round up.")  # fmt: skip
            else:
                print("   All k runs fail with probability q^k; you need 1 - q^k >= 0.99.")
            return False
    extra = ""
    if measured is not None and 0.0 <= float(measured) < 1.0:
        k = lessons.restarts_for(float(measured))
        extra = f" For the measured stuck rate {float(measured):.2f}: {k} runs."
    print("Right: k = ceil(log(0.01) / log(q)), assuming the runs are independent." + extra)
    return True
