"""Notebook 04: the initialisers of PyTorch and Keras, their documented formulas, and the same
numbers from :mod:`helpers.init`.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import _validate, diagnostics
from .. import init as schemes
from ..mlp import MLP


def _library_weight_spec(fi: int, fo: int) -> list:
    """The weight initialisers of :func:`library_equivalents`: (library, formula, documented value,
    kind, helpers scheme, scale) for ``fan_in = fi``, ``fan_out = fo``."""
    linear_gain = np.sqrt(2.0 / (1.0 + 5.0))  # calculate_gain("leaky_relu", a=sqrt(5))
    return [
        ("torch xavier_uniform_ | Keras GlorotUniform", "sqrt(6/(fan_in+fan_out))",
         np.sqrt(6.0 / (fi + fo)), "bound", "xavier_uniform", 1.0),
        ("torch xavier_normal_ | Keras GlorotNormal", "sqrt(2/(fan_in+fan_out))",
         np.sqrt(2.0 / (fi + fo)), "std", "xavier_normal", 1.0),
        ("torch kaiming_uniform_(relu) | Keras HeUniform", "sqrt(6/fan_in)",
         np.sqrt(6.0 / fi), "bound", "he_uniform", 1.0),
        ("torch kaiming_normal_(relu) | Keras HeNormal", "sqrt(2/fan_in)",
         np.sqrt(2.0 / fi), "std", "he_normal", 1.0),
        ("torch kaiming_uniform_(linear) | Keras LecunUniform", "sqrt(3/fan_in)",
         np.sqrt(3.0 / fi), "bound", "lecun_uniform", 1.0),
        ("torch kaiming_normal_(linear) | Keras LecunNormal", "sqrt(1/fan_in)",
         np.sqrt(1.0 / fi), "std", "lecun_normal", 1.0),
        ("torch nn.Linear weight: kaiming_uniform_(a=sqrt 5)", "sqrt(2/(1+5)) sqrt(3/fan_in)",
         linear_gain * np.sqrt(3.0 / fi), "bound", "he_uniform", 1.0 / np.sqrt(6.0)),
    ]  # fmt: skip


def _library_weight_rows(fi: int, fo: int, rng: np.random.Generator) -> list:
    """The weight rows of :func:`library_equivalents`, one matrix drawn from ``rng`` per row."""
    rows = []
    for library, formula, documented, kind, scheme, scale in _library_weight_spec(fi, fo):
        W = schemes.initialize(scheme, fi, fo, scale=scale, rng=rng)
        theory_std = schemes.std(scheme, fi, fo, scale=scale)
        ours = schemes.bound(scheme, fi, fo, scale=scale) if kind == "bound" else theory_std
        rows.append(
            {
                "library": library,
                "formula": formula,
                "documented": float(documented),
                "ours": float(ours),
                "kind": kind,
                "drawn_std": diagnostics.std(W),
                "expected_std": float(theory_std),
            }
        )
    return rows


def _library_bias_rows(fi: int, fo: int, seed: int) -> list:
    """The bias rows of :func:`library_equivalents`: ``nn.Linear``'s and ``Dense``'s defaults."""
    rows = []
    for library, formula, documented, bias in [
        ("torch nn.Linear bias", "U(-1/sqrt(fan_in), 1/sqrt(fan_in))", 1.0 / np.sqrt(fi), "torch"),
        ("Keras Dense bias", "bias_initializer='zeros'", 0.0, "zeros"),
    ]:
        b = MLP([fi, fo], output="linear", bias=bias, seed=seed).biases[0]
        rows.append(
            {
                "library": library,
                "formula": formula,
                "documented": float(documented),
                "ours": float(np.max(np.abs(b))),  # largest |b|: at most the bound
                "kind": "bias",
                "drawn_std": diagnostics.std(b),
                "expected_std": float(documented / np.sqrt(3.0)),
            }
        )
    return rows


def library_equivalents(fan_in: int = 256, fan_out: int = 128, *, seed: int = 0) -> list:
    """The library initialisers, their documented formulas, and the same numbers from helpers.init.

    Formulas as documented by ``torch.nn.init`` (``xavier_*_``, ``kaiming_*_`` with
    ``gain = calculate_gain(nonlinearity, a)``), ``torch.nn.Linear.reset_parameters`` and
    ``keras.initializers`` / ``keras.layers.Dense``; Keras's ``*Normal`` initialisers draw a normal
    truncated at two standard deviations, rescaled so that the std is the formula's.

    Returns
    -------
    list of dict
        ``library``, ``formula`` (text), ``documented`` (the formula's value at ``fan_in``,
        ``fan_out``, computed here from the documentation), ``ours`` (the same quantity from
        :mod:`helpers.init` or :class:`MLP`), ``kind`` (``"bound"``, ``"std"`` or ``"bias"``) and
        ``drawn_std`` (std of a matrix drawn by the helpers) with ``expected_std``.
    """
    fi, fo = _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")
    rng = np.random.default_rng(seed)
    return _library_weight_rows(fi, fo, rng) + _library_bias_rows(fi, fo, seed)


def format_library_table(rows) -> str:
    """:func:`library_equivalents` as text: the weight rows (documented value, the same from
    helpers.init, std of a drawn matrix), then the bias rows (bound and the largest drawn |b|).
    Values to 4 significant digits."""
    weights = [r for r in rows if r["kind"] != "bias"]
    biases = [r for r in rows if r["kind"] == "bias"]
    w = max(len(r["library"]) for r in rows)
    f = max(len(r["formula"]) for r in rows)
    lines = [
        f"{'weights':<{w}}  {'formula':<{f}}  {'documented':>10}  {'helpers':>8}  {'drawn std':>9}"
    ]
    for r in weights:
        lines.append(
            f"{r['library']:<{w}}  {r['formula']:<{f}}  {r['documented']:>10.4g}  "
            f"{r['ours']:>8.4g}  {r['drawn_std']:>9.4g}"
        )
    lines += [
        "",
        f"{'biases':<{w}}  {'rule':<{f}}  {'bound':>10}  {'max |b|':>8}  {'drawn std':>9}",
    ]
    for r in biases:
        lines.append(
            f"{r['library']:<{w}}  {r['formula']:<{f}}  {r['documented']:>10.4g}  "
            f"{r['ours']:>8.4g}  {r['drawn_std']:>9.4g}"
        )
    return "\n".join(lines)
