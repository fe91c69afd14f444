"""Notebook 08: the initialisation of transformer-era models, and convolution fan-in.

Part of :mod:`helpers.lessons`; see its docstring.

- :func:`fixed_std_table`: what ``N(0, 0.02)`` (GPT-2, BERT) is against ``1/sqrt(d)``;
- :func:`trunc_normal_pitfall`: PyTorch's ``trunc_normal_(std=0.02)`` with its default bounds
  ``a=-2, b=2`` (values, not standard deviations) cuts nothing; what ``+-2 std`` would cut;
- :data:`LAYER_DEFAULTS` and :func:`layer_defaults`: what PyTorch's and Keras's layers draw;
- :func:`conv_fan_in`: a 3x3 convolution's fan-in is ``C_in * 9``, measured.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _validate
from .. import init as schemes

GPT2_STD = 0.02
"""The standard deviation of GPT-2's and BERT's embeddings and linear layers."""


def fixed_std_table(widths=(128, 256, 768, 1024, 2500, 4096), *, n_layers: int = 12) -> list:
    """One row per width ``d``: ``d``, ``1/sqrt(d)`` (LeCun's std for a d-to-d layer),
    ``0.02 * sqrt(d)`` (0.02 in units of it), ``d * 0.02^2`` (the factor by which a linear
    d-to-d layer with std 0.02 multiplies the mean square of its input), and GPT-2's residual
    projection std ``0.02 / sqrt(2 * n_layers)``. Exact formulas, no sampling."""
    n_layers = _validate.positive_int(n_layers, "n_layers")
    rows = []
    for d in widths:
        d = _validate.positive_int(d, "width")
        proj = GPT2_STD / math.sqrt(2 * n_layers)
        rows.append({"d": d, "lecun": 1 / math.sqrt(d), "ratio": GPT2_STD * math.sqrt(d),
                     "gain": d * GPT2_STD**2, "proj": proj})  # fmt: skip
    return rows


def format_fixed_std_table(rows) -> str:
    lines = [f"{'d':>6} {'1/sqrt(d)':>10} {'0.02*sqrt(d)':>13} {'d*0.02^2':>9}"]
    for r in rows:
        lines.append(f"{r['d']:>6} {r['lecun']:>10.4f} {r['ratio']:>13.3f} {r['gain']:>9.3f}")
    lines.append(
        f"GPT-2 residual projections, 12 layers: std 0.02/sqrt(24) = {rows[0]['proj']:.5f}"
    )
    return "\n".join(lines)


def _truncated_std(c: float) -> float:
    """Std of N(0, 1) restricted to [-c, c] (in units of the untruncated std)."""
    phi = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(c / math.sqrt(2))
    return math.sqrt(1 - 2 * c * phi / mass)


def trunc_normal_pitfall(std: float = GPT2_STD, *, n: int = 200_000, seed: int = 0) -> dict:
    """``trunc_normal(std=std, a=-2, b=2)`` (PyTorch's default bounds, in value units) against
    bounds at ``+-2 std``: the fraction of an untruncated normal each cuts (exact, erfc), and the
    std of the result, exact and measured on ``n`` draws."""
    rng = np.random.default_rng(seed)
    c_default = 2.0 / std  # the default bounds, in standard deviations
    as_value = schemes.trunc_normal(n, std=std, a=-2.0, b=2.0, rng=rng)
    as_std = schemes.trunc_normal(n, std=std, a=-2.0 * std, b=2.0 * std, rng=rng)
    return {
        "std": std,
        "bound_in_stds": c_default,
        "cut_default": math.erfc(c_default / math.sqrt(2)),
        "cut_two_std": math.erfc(2 / math.sqrt(2)),
        "std_default": std * _truncated_std(c_default),
        "std_two_std": std * _truncated_std(2.0),
        "measured_default": float(np.std(as_value)),
        "measured_two_std": float(np.std(as_std)),
        "max_default": float(np.max(np.abs(as_value))),
    }


def format_trunc_normal(r: dict) -> str:
    return "\n".join([
        f"trunc_normal_(std={r['std']}, a=-2, b=2): the bounds are {r['bound_in_stds']:.0f} stds "
        f"away; cut {r['cut_default']:.1e} of the draws; std {r['std_default']:.5f} "
        f"(measured {r['measured_default']:.5f}, largest |w| {r['max_default']:.4f})",
        f"trunc_normal_(std={r['std']}, a=-2*std, b=2*std): cut {r['cut_two_std']:.2%}; "
        f"std {r['std_two_std']:.5f} = {r['std_two_std'] / r['std']:.4f} x std "
        f"(measured {r['measured_two_std']:.5f})",
    ])  # fmt: skip


LAYER_DEFAULTS = (
    ("PyTorch", "nn.Linear", "U(-1/sqrt(fan_in), 1/sqrt(fan_in))", "same bound", "torch_linear"),
    ("PyTorch", "nn.Conv2d", "as Linear, fan_in = C_in*k*k", "same bound", "torch_conv"),
    ("PyTorch", "nn.Embedding", "N(0, 1)", "-", "one"),
    ("PyTorch", "nn.LayerNorm, nn.BatchNorm1d", "gamma = 1", "beta = 0", "one"),
    ("Keras", "Dense", "glorot_uniform", "zeros", "glorot"),
    ("Keras", "Conv2D", "glorot_uniform, fans x k*k", "zeros", "glorot_conv"),
    ("Keras", "Embedding", "U(-0.05, 0.05)", "-", "keras_embedding"),
    ("Keras", "LayerNormalization, BatchNormalization", "gamma = 1", "beta = 0", "one"),
    ("GPT-2, BERT", "embeddings, linear layers", "N(0, 0.02)", "zeros", "gpt"),
)
"""What each framework's layer draws by default: framework, layer, weights, bias, std rule.
PyTorch's ``nn.Linear`` calls ``kaiming_uniform_(a=sqrt(5))``, which gives the bound
``1/sqrt(fan_in)``; the norms' eps and momentum: PyTorch 1e-5 and 0.1, Keras 1e-3 and 0.99
(the weight of the old value: 0.01 in PyTorch's convention)."""


def layer_defaults(fan_in: int = 256, fan_out: int = 256, *, k: int = 3) -> list:
    """:data:`LAYER_DEFAULTS` with each weight std for these fans (a ``k x k`` kernel for the
    convolutions, ``C_in = fan_in``, ``C_out = fan_out``; 1 for gamma)."""
    fan_in, fan_out, k = (_validate.positive_int(v, w) for v, w in
                          ((fan_in, "fan_in"), (fan_out, "fan_out"), (k, "k")))  # fmt: skip
    std = {
        "torch_linear": 1 / math.sqrt(3 * fan_in),
        "torch_conv": 1 / math.sqrt(3 * fan_in * k * k),
        "one": 1.0,
        "glorot": schemes.std("xavier_uniform", fan_in, fan_out),
        "glorot_conv": schemes.std("xavier_uniform", fan_in * k * k, fan_out * k * k),
        "keras_embedding": 0.05 / math.sqrt(3),
        "gpt": GPT2_STD,
    }
    return [(fw, layer, w, b, std[rule]) for fw, layer, w, b, rule in LAYER_DEFAULTS]


def format_layer_defaults(rows, fan_in: int = 256) -> str:
    lines = [f"{'':12} {'layer':38} {'weights':36} {'bias':11} std or value (fan_in {fan_in})"]
    for fw, layer, w, b, s in rows:
        lines.append(f"{fw:12} {layer:38} {w:36} {b:11} {s:.4g}")
    return "\n".join(lines)


def conv2d(X, W) -> np.ndarray:
    """A 'valid' 2-D convolution (cross-correlation, as every framework computes it):
    ``X (n, C_in, H, W)``, ``W (C_out, C_in, k, k)`` -> ``(n, C_out, H-k+1, W-k+1)``."""
    k = W.shape[-1]
    patches = np.lib.stride_tricks.sliding_window_view(X, (k, k), axis=(2, 3))
    return np.einsum("nchwij,ocij->nohw", patches, W, optimize=True)


def conv_fan_in(c_in: int = 16, c_out: int = 16, k: int = 3, *, seed: int = 0) -> dict:
    """He-normal 3x3 convolution weights with the right fan-in ``C_in * k^2`` and with ``C_in``
    alone, on unit-variance inputs: the mean square of the outputs against He's 2."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(16, c_in, 12, 12))
    G = rng.normal(size=(c_out, c_in, k, k))
    right = schemes.std("he_normal", c_in * k * k, c_out)
    wrong = schemes.std("he_normal", c_in, c_out)
    return {
        "fan_in": c_in * k * k,
        "right": float(np.mean(conv2d(X, G * right) ** 2)),
        "wrong": float(np.mean(conv2d(X, G * wrong) ** 2)),
        "expected_right": 2.0,
        "expected_wrong": 2.0 * k * k,
    }


def format_conv_fan_in(r: dict) -> str:
    return (
        f"fan_in = C_in*k*k = {r['fan_in']}: mean square of the outputs {r['right']:.3f} "
        f"(He: {r['expected_right']:g})\n"
        f"fan_in = C_in only:     mean square {r['wrong']:.3f} "
        f"(k*k = 9 times too big: {r['expected_wrong']:g})"
    )
