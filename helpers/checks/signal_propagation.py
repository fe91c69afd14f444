"""Notebook 09: feedback for the exercises on the edge of chaos, the trainable depth and LSUV.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

import math

import numpy as np

from .. import meanfield
from ..mlp import MLP
from ._answers import as_number
from ._student import _answer


def check_critical_sigma_w2(answer, *, sigma_b2: float = 0.1, tolerance: float = 0.02) -> bool:
    """Exercise 1: the critical ``sigma_w^2`` of tanh at ``sigma_b^2 = sigma_b2`` (a number,
    read off the phase explorer), within ``tolerance`` (relative) of the value where
    :func:`helpers.theory.chi1` is 1."""
    got = as_number(answer, "your critical sigma_w^2")
    if got is None:
        return False
    sb = math.sqrt(sigma_b2)
    truth = meanfield.critical_sigma_w("tanh", sb) ** 2
    if got <= 0:
        print(f"sigma_w^2 is a variance times fan_in: a positive number; got {got}.")
        return False
    chi = meanfield.chi1("tanh", math.sqrt(got), sb)
    if abs(got - truth) > tolerance * truth:
        side = "ordered (chi1 < 1)" if chi < 1 else "chaotic (chi1 > 1)"
        print(f"At sigma_w^2 = {got:g}, sigma_b^2 = {sigma_b2:g}: chi1 = {chi:.3f}, the {side} "
              f"side. Move {'right' if chi < 1 else 'left'} until chi1 = 1 (the check accepts "
              f"answers within {tolerance:.0%}).")  # fmt: skip
        return False
    print(f"Right: chi1({got:g}) = {chi:.3f}; the critical line crosses sigma_b^2 = "
          f"{sigma_b2:g} at sigma_w^2 = {truth:.3f}.")  # fmt: skip
    return True


def check_trainable_depth(trainable_depth) -> bool:
    """Exercise 2: ``trainable_depth(sigma_w2, sigma_b2)`` returns ``6 xi_c`` of a tanh network
    (Schoenholz et al.'s bound), checked at three settings, ordered and chaotic, to 1%."""
    for w2, b2 in ((1.3, 0.05), (3.0, 0.05), (1.0, 0.2)):
        ok, got = _answer(trainable_depth, w2, b2, what="trainable_depth")
        if not ok:
            return False
        got = as_number(got, f"trainable_depth({w2}, {b2})")
        if got is None:
            return False
        ds = meanfield.depth_scales("tanh", math.sqrt(w2), math.sqrt(b2))
        truth = 6.0 * ds.xi_c
        if abs(got - truth) > 0.01 * truth:
            hint = ""
            if abs(got - ds.xi_c) < 0.01 * ds.xi_c:
                hint = " That is xi_c itself: the trainable depth is about six of them."
            elif abs(got - 6 * ds.xi_q) < 0.01 * 6 * ds.xi_q:
                hint = " That is 6 xi_q: the depth scale of the correlations, xi_c, sets it."
            print(f"trainable_depth({w2}, {b2}) = {got:.4g}; expected 6 xi_c = {truth:.4g} "
                  f"(depth_scales(...).xi_c; sigma_w = sqrt(sigma_w2)).{hint}")  # fmt: skip
            return False
    print("Right: 6 xi_c, from theory.depth_scales. Near the critical line it grows without "
          "bound; far from it only shallow networks are trainable.")  # fmt: skip
    return True


def check_lsuv_loop(my_lsuv, *, tol: float = 0.05) -> bool:
    """Exercise 3: ``my_lsuv(model, X)`` rescales ``model.weights`` in place so that every
    layer's pre-activation variance on ``X`` is 1 (within ``tol``): checked on a 10-layer tanh
    network with random biases, measured again after the call."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(128, 20))
    model = MLP([20] + [40] * 9 + [3], activation="tanh", output="softmax", init="orthogonal",
                scale=0.5, bias="normal", bias_scale=0.3, seed=3)  # fmt: skip
    before = [W.copy() for W in model.weights]
    ok, _ = _answer(my_lsuv, model, X, what="my_lsuv")
    if not ok:
        return False
    if all(np.array_equal(a, b) for a, b in zip(before, model.weights)):
        print("The weights did not change: rescale model.weights[l] in place (W /= ...).")
        return False
    _, cache = model.forward(X)
    v = [float(np.var(cache.pre[l])) for l in range(1, model.n_layers + 1)]
    off = [(l, x) for l, x in enumerate(v, start=1) if abs(x - 1.0) > tol]
    if off:
        l, x = off[0]
        print(f"Layer {l}'s output variance is {x:.3f}, not 1. Go through the layers in order, "
              "each time forward again, and divide W by sqrt(variance) until it is within "
              f"{tol:g} (biases keep one pass from being exact).")  # fmt: skip
        return False
    print(f"Right: all {len(v)} layers have output variance within {tol:g} of 1 "
          f"(from {min(v):.3f} to {max(v):.3f}).")  # fmt: skip
    return True
