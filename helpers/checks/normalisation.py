"""Notebook 08: feedback for the exercises on LayerNorm, the residual stream and alpha.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

import math

import numpy as np

from .. import layers, theory
from ..residual import ResidualMLP
from ._answers import as_array, as_number
from ._student import _answer

STREAM_CASES = ((1, 2.0), (10, 2.0), (100, 2.0), (50, 0.5), (7, 0.0))
"""``(n_blocks, branch_var)`` pairs the stream-std check asks about."""


def _layernorm_output(value):
    """The output array from what the student's layernorm_forward returned: ``out`` or
    ``(out, cache)``."""
    if isinstance(value, tuple) and len(value) == 2:
        value = value[0]
    return as_array(value, "the output of layernorm_forward", shape=(6, 5))


def check_layernorm_forward(layernorm_forward) -> bool:
    """Exercise: ``layernorm_forward(Z, gamma, beta, eps=1e-5)`` returns the layer-normalised
    ``Z`` (each row over its units, biased variance), scaled by gamma and shifted by beta; the
    check compares with :func:`helpers.layers.layernorm_forward` (relative tolerance 1e-9)."""
    rng = np.random.default_rng(8)
    Z = rng.normal(2.0, 3.0, size=(6, 5))
    gamma, beta = rng.normal(1.0, 0.5, size=5), rng.normal(0.0, 0.5, size=5)
    ok, value = _answer(layernorm_forward, Z, gamma, beta, what="layernorm_forward", eps=1e-5)
    if not ok:
        return False
    got = _layernorm_output(value)
    if got is None:
        return False
    truth, _ = layers.layernorm_forward(Z, gamma, beta, eps=1e-5)
    if np.allclose(got, truth, rtol=1e-9, atol=1e-12):
        print(
            "Right: each row is normalised over its units, then scaled by gamma and shifted "
            "by beta."
        )
        return True
    mu, var = Z.mean(axis=0), Z.var(axis=0)
    wrong_axis = gamma * (Z - mu) / np.sqrt(var + 1e-5) + beta
    unbiased = gamma * (Z - Z.mean(1, keepdims=True)) / np.sqrt(Z.var(1, ddof=1, keepdims=True)
                                                                + 1e-5) + beta  # fmt: skip
    no_affine, _ = layers.layernorm_forward(Z, np.ones(5), np.zeros(5), eps=1e-5)
    if np.allclose(got, wrong_axis):
        print("You normalised each unit over the batch (axis 0): that is BatchNorm. LayerNorm "
              "normalises each sample (row) over its units: axis=1, keepdims=True.")  # fmt: skip
    elif np.allclose(got, unbiased):
        print("Use the biased variance (divide by the number of units, np.var's default ddof=0).")
    elif np.allclose(got, no_affine):
        print("The normalisation is right; now scale by gamma and shift by beta.")
    else:
        print("Not quite: out = gamma * (Z - mean) / sqrt(var + eps) + beta, mean and var of "
              "each row.")  # fmt: skip
    return False


def check_stream_std(stream_std) -> bool:
    """Exercise: ``stream_std(n_blocks, branch_var)`` predicts the std of a residual stream
    that starts with variance 1 and gains, in each of ``n_blocks`` blocks, a branch output of
    variance ``branch_var`` uncorrelated with it (pre-normalised branches). The answer
    ``sqrt(1 + n_blocks * branch_var)`` is checked, then compared with a measured network."""
    for n_blocks, v in STREAM_CASES:
        ok, value = _answer(stream_std, n_blocks, v, what="stream_std")
        if not ok:
            return False
        got = as_number(value, f"stream_std({n_blocks}, {v})")
        if got is None:
            return False
        want = math.sqrt(1.0 + n_blocks * v)
        if not math.isclose(got, want, rel_tol=1e-6):
            if math.isclose(got, want**2, rel_tol=1e-6):
                print(f"stream_std({n_blocks}, {v}) = {got:g} is the variance; take its root.")
            elif math.isclose(got, 1.0 + math.sqrt(n_blocks * v), rel_tol=1e-6):
                print("Standard deviations do not add; variances of uncorrelated terms do.")
            else:
                print(f"stream_std({n_blocks}, {v}) returned {got:g}; each block adds "
                      "branch_var to the variance.")  # fmt: skip
            return False
    return _measured_stream(stream_std)


def _measured_stream(stream_std) -> bool:
    """The prediction against a LayerNorm ResidualMLP of 30 blocks (He normal, ReLU, width 256,
    whose branches have variance 2 in the wide limit)."""
    X = np.random.default_rng(0).normal(size=(200, 256)) / math.sqrt(256)
    model = ResidualMLP(256, 256, 30, 1, norm="layer", init="he_normal")
    model.weights[0] = np.eye(256) * math.sqrt(256)  # H_0 = X * 16: variance about 1
    rms = model.stream_rms(X)
    predicted = stream_std(30, 2.0) * rms[0]
    print(f"Right. A 30-block LayerNorm network of width 256 (branch variance 2): predicted "
          f"{predicted:.2f}, measured {rms[-1]:.2f}.")  # fmt: skip
    return True


def check_alpha(choose_alpha) -> bool:
    """Exercise: ``choose_alpha(n_blocks)`` returns the fixed ``alpha`` for which a stream of
    ``n_blocks`` pre-normalised He/ReLU blocks (branch variance 2, the stream starting at
    variance 1) ends with variance 2: ``1 + n_blocks * alpha^2 * 2 = 2``. Checked against the
    theory and measured on a network whose blocks use that alpha."""
    for n_blocks in (1, 4, 50, 100):
        ok, value = _answer(choose_alpha, n_blocks, what="choose_alpha")
        if not ok:
            return False
        got = as_number(value, f"choose_alpha({n_blocks})")
        if got is None:
            return False
        want = 1.0 / math.sqrt(2.0 * n_blocks)
        if not math.isclose(abs(got), want, rel_tol=1e-6):
            if math.isclose(got, want**2, rel_tol=1e-6):
                print(f"choose_alpha({n_blocks}) = {got:g} is alpha squared: alpha multiplies "
                      "the branch, so it multiplies the variance by alpha^2.")  # fmt: skip
            else:
                print(f"choose_alpha({n_blocks}) returned {got:g}; solve 1 + N * 2 * alpha^2 "
                      "= 2 for alpha.")  # fmt: skip
            return False
    model = ResidualMLP(64, 64, 100, 1, norm="layer", residual_scaling="rezero")
    model.weights[0] *= 1 / math.sqrt(2)  # He's input projection gives variance 2; make it 1
    for a in model.alphas:
        a[:] = choose_alpha(100)
    X = np.random.default_rng(1).normal(size=(200, 64))
    rms = model.stream_rms(X)
    th = theory.residual_stream(100, "relu", 64, norm="layer", residual_scaling="none",
                                input_rms=rms[0]).rms[-1] ** 2 / rms[0] ** 2  # fmt: skip
    print(f"Right: alpha = 1/sqrt(2N), GPT-2's factor. At N = 100 the variance grows by "
          f"{(rms[-1] / rms[0]) ** 2:.2f} (measured, width 64; wanted 2; with alpha = 1 "
          f"the theory says {th:.0f}).")  # fmt: skip
    return True
