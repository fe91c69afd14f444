"""Notebook 04: feedback for the exercises on writing Xavier's and He's initialisers.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import _validate, lessons
from ._answers import as_array
from ._student import _answer

# ---------------------------------------------------------------------------- 04 Xavier and He

_STD_CANDIDATES = (
    ("sqrt(1/fan_in) (LeCun)", lambda a, b: np.sqrt(1 / a)),
    ("sqrt(2/fan_in) (He)", lambda a, b: np.sqrt(2 / a)),
    ("sqrt(2/(fan_in+fan_out)) (Xavier)", lambda a, b: np.sqrt(2 / (a + b))),
    ("sqrt(1/fan_out)", lambda a, b: np.sqrt(1 / b)),
    ("sqrt(2/fan_out)", lambda a, b: np.sqrt(2 / b)),
    ("sqrt(6/(fan_in+fan_out)): the bound used as the std", lambda a, b: np.sqrt(6 / (a + b))),
    ("sqrt(6/fan_in): the He-uniform bound used as the std", lambda a, b: np.sqrt(6 / a)),
    ("sqrt(2/(3(fan_in+fan_out))): the std used as bound", lambda a, b: np.sqrt(2 / (a + b) / 3)),
    ("2/(fan_in+fan_out): the variance, without the square root", lambda a, b: 2 / (a + b)),
    ("2/fan_in: the variance, without the square root", lambda a, b: 2 / a),
)  # fmt: skip


def _which_std(std: float, fan_in: int, fan_out: int) -> str | None:
    for name, f in _STD_CANDIDATES:
        if abs(std / f(fan_in, fan_out) - 1.0) < 0.03:
            return name
    return None


def _drawn_weights(fn, fan_in: int, fan_out: int, what: str) -> np.ndarray | None:
    """The student's ``fn(fan_in, fan_out, rng=default_rng(7))`` as a float64 array, or None
    (after saying why) if it fails, has the wrong shape, is not finite, or does not draw from
    ``rng`` (seed 7 again must give the same matrix, seed 8 another)."""
    ok, W = _answer(fn, fan_in, fan_out, what=what, rng=np.random.default_rng(7))
    if not ok:
        return None
    call = f"{what}({fan_in}, {fan_out}, rng=...)"
    W = as_array(W, call, finite=False)
    if W is None:
        return None
    if W.shape != (fan_in, fan_out):
        hint = (
            " That is PyTorch's (out, in) layout; here W is (fan_in, fan_out) and Z = A @ W."
            if W.shape == (fan_out, fan_in)
            else ""
        )
        print(f"{call} returned shape {W.shape}; expected ({fan_in}, {fan_out}).{hint}")
        return None
    if not np.all(np.isfinite(W)):
        print(f"{call} returned non-finite values (nan or inf).")
        return None
    if np.all(W == W.flat[0]):
        print(
            f"{call} returned a matrix whose every entry is {W.flat[0]:g}: an initialiser draws "
            "random numbers (rng.uniform or rng.normal), so that the units differ."
        )
        return None
    _, again = _answer(fn, fan_in, fan_out, what=what, rng=np.random.default_rng(7))
    _, other = _answer(fn, fan_in, fan_out, what=what, rng=np.random.default_rng(8))
    if again is None or other is None:
        return None
    again, other = (_quiet_array(a) for a in (again, other))
    if again is None or other is None or not np.array_equal(W, again):
        print(
            "Draw every number from the `rng` you are given (rng.uniform or rng.normal), "
            "not from np.random: the same rng seed must give the same matrix."
        )
        return None
    if np.array_equal(W, other):
        print(
            "Seeds 7 and 8 gave the same matrix: draw from the `rng` argument (rng.uniform or "
            "rng.normal), not from a generator of your own with a fixed seed."
        )
        return None
    return W


def _quiet_array(value):
    """``value`` as a float64 array, or None when it is not one (no message: the first call's
    answer was already checked)."""
    try:
        return _validate.numeric_array(value, "W")
    except TypeError:
        return None


def _std_and_mean_ok(
    s: dict, *, what: str, scheme: str, formula: str, fan_in: int, fan_out: int
) -> bool:
    """Whether the statistics ``s`` (:func:`helpers.lessons.weight_statistics`) have the std of
    ``scheme`` (within 3%; a wrong one is matched against the usual slips) and a mean near 0."""
    if abs(s["ratio"] - 1.0) > 0.03:
        guess = _which_std(s["std"], fan_in, fan_out)
        said = f" That matches {guess}." if guess else ""
        print(
            f"{what}({fan_in}, {fan_out}): your weights have std {s['std']:.4g}, but "
            f"{scheme} should give {s['expected_std']:.4g} = {formula} (within 3%).{said}"
        )
        return False
    if abs(s["mean"]) > 6 * s["mean_se"]:
        print(
            f"{what}({fan_in}, {fan_out}): the weights' mean is {s['mean']:.4g}, far from 0: "
            "draw symmetric around zero."
        )
        return False
    return True


def _distribution_ok(s: dict, *, uniform: bool, what: str) -> bool:
    """Whether the statistics ``s`` look uniform (``uniform``, and within the bound) or normal,
    judged by the excess kurtosis."""
    looks_uniform = s["excess_kurtosis"] < -0.6
    if uniform and not looks_uniform:
        print(
            f"{what}: the std is right but the values are not uniform (excess kurtosis "
            f"{s['excess_kurtosis']:.2f}; a uniform distribution has -1.2): use "
            "rng.uniform(-a, a, size=...)."
        )
        return False
    if not uniform and looks_uniform:
        print(
            f"{what}: the std is right but the values look uniform, not normal (excess "
            f"kurtosis {s['excess_kurtosis']:.2f}; a normal distribution has 0): use "
            "rng.normal(0, std, size=...)."
        )
        return False
    if uniform and s["max_abs"] > s["bound"] * (1 + 1e-12):
        print(f"{what}: a weight of {s['max_abs']:.4g} lies outside the bound {s['bound']:.4g}.")
        return False
    return True


def _check_scheme(fn, scheme: str, what: str, formula: str) -> bool:
    """Shared statistical check of an initialiser ``fn(fan_in, fan_out, *, rng)`` for ``scheme``."""
    uniform = scheme.endswith("uniform")
    for fan_in, fan_out in ((300, 200), (40, 1000)):
        W = _drawn_weights(fn, fan_in, fan_out, what)
        if W is None:
            return False
        s = lessons.weight_statistics(W, scheme, fan_in, fan_out)
        if not _std_and_mean_ok(
            s, what=what, scheme=scheme, formula=formula, fan_in=fan_in, fan_out=fan_out
        ):
            return False
        if not _distribution_ok(s, uniform=uniform, what=what):
            return False
    s = lessons.weight_statistics(W, scheme, 40, 1000)
    shape = (
        f"U(-{s['bound']:.4f}, {s['bound']:.4f})" if uniform else f"N(0, {s['expected_std']:.4f}^2)"
    )
    print(
        f"Correct: {what}(40, 1000) draws {shape}; measured std {s['std']:.4f}, expected "
        f"{s['expected_std']:.4f} = {formula}. Same seed, same matrix: reproducible."
    )
    return True


def check_xavier_uniform(xavier_uniform) -> bool:
    """Exercise of notebook 04: ``xavier_uniform(fan_in, fan_out, *, rng)`` returns a
    ``(fan_in, fan_out)`` matrix from U(-a, a) with ``a = sqrt(6 / (fan_in + fan_out))``.

    Checked statistically against :mod:`helpers.init` on two shapes: shape, use of ``rng``, std
    (within 3%), mean, uniform shape (excess kurtosis) and the bound. A wrong std is matched
    against the usual slips (LeCun's or He's formula, the std used as the bound, ...) and named.
    """
    return _check_scheme(
        xavier_uniform, "xavier_uniform", "xavier_uniform", "sqrt(2/(fan_in+fan_out))"
    )


def check_he_normal(he_normal) -> bool:
    """Exercise of notebook 04: ``he_normal(fan_in, fan_out, *, rng)`` returns a
    ``(fan_in, fan_out)`` matrix from N(0, 2 / fan_in). Checked as :func:`check_xavier_uniform`."""
    return _check_scheme(he_normal, "he_normal", "he_normal", "sqrt(2/fan_in)")
