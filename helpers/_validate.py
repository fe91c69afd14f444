"""Argument checking shared by every module: errors that name the bad value and what is allowed."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable

import numpy as np

SYNONYMS = {
    "glorot": "xavier",
    "kaiming": "he",
    "msra": "he",
    "gaussian": "normal",
    "logistic": "sigmoid",
    "identity": "linear",
    "lrelu": "leaky_relu",
}
"""Other libraries' words for ours (Keras's ``glorot_*``, PyTorch's ``kaiming_*``, ...): the one
table every :func:`choice` uses to suggest the course's name (``kaiming_normal`` -> ``he_normal``).
A synonym is only suggested, never accepted, so every entry point accepts the same names."""


def choice(
    value, allowed: Iterable[str], what: str, *, synonyms: dict[str, str] | None = None
) -> str:
    """Return ``value`` if it is one of ``allowed``; otherwise raise naming the options.

    A near-miss (``"xavier"``, ``"Relu"``) gets a "did you mean" hint, found after translating
    other libraries' words with :data:`SYNONYMS` (plus ``synonyms``, for the hint only):
    ``"kaiming_normal"`` gets the hint ``'he_normal'``; such a value is still refused.
    """
    allowed = list(allowed)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, one of {', '.join(allowed)}; got {short(value)}")
    if value in allowed:
        return value
    guess = value.lower().strip().rstrip("_")  # PyTorch's in-place names end in "_"
    if guess not in allowed:
        for word, ours in {**SYNONYMS, **(synonyms or {})}.items():
            guess = guess.replace(word, ours)
    hint = difflib.get_close_matches(guess, allowed, n=1, cutoff=0.5)
    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ValueError(f"unknown {what} {value!r}{extra}; allowed: {', '.join(allowed)}")


def _not_a_number(value, what: str, allowed: str) -> TypeError:
    """The TypeError for a value that is not a number: a string of digits and a complex number
    are named as such (neither is converted)."""
    if isinstance(value, (str, bytes)):
        try:
            float(value)
            hint = " (drop the quotes)"
        except ValueError:
            hint = ""
        return TypeError(f"{what} must be {allowed}, not a string; got {value!r}{hint}")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return TypeError(f"{what} must be {allowed}, not complex; got {value!r}")
    if isinstance(value, (bool, np.bool_)):
        return TypeError(f"{what} must be {allowed}, not True/False; got {value!r}")
    return TypeError(f"{what} must be {allowed}; got {short(value)} ({type(value).__name__})")


def _scalar(value, kinds: str):
    """A 0-d numpy array of one of the dtype ``kinds`` as its Python number; else ``value``."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in kinds:
        return value.item()
    return value


def positive_int(value, what: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``."""
    value = _scalar(value, "iu")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            raise TypeError(f"{what} must be an integer (>= {minimum}); got the float {value!r}")
        raise _not_a_number(value, what, f"an integer (>= {minimum})")
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}; got {value}")
    return int(value)


def real(value, what: str, *, minimum: float | None = None, positive: bool = False) -> float:
    """Return ``value`` as a finite float, optionally bounded below."""
    value = _scalar(value, "iuf")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise _not_a_number(value, what, "a real number")
    try:
        value = float(value)
    except OverflowError as exc:  # a Python int beyond float64
        raise ValueError(
            f"{what} must be finite; got an integer of {len(str(value))} digits"
        ) from exc
    if not np.isfinite(value):
        raise ValueError(f"{what} must be finite; got {value}")
    if positive and value <= 0:
        raise ValueError(f"{what} must be > 0; got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{what} must be >= {minimum}; got {value}")
    return value


def numeric_array(value, what: str) -> np.ndarray:
    """Return ``value`` as a float64 array if it holds real numbers (or True/False).

    Refused with a ``TypeError`` naming the first offending entry, instead of being converted:
    strings (even of digits: ``"1.5"``), complex numbers (numpy would drop the imaginary part),
    ``None`` and other objects, and ragged nested lists.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise TypeError(f"{what} must be a rectangular numeric array; got {short(value)}") from exc
    kind = arr.dtype.kind
    if kind in "biuf":
        return arr.astype(np.float64, copy=False)
    if kind == "O":
        flat = arr.ravel()
        bad = [v for v in flat if not _is_real(v)][:1]
        if bad:
            raise _not_a_number(bad[0], f"every entry of {what}", "a real number")
        try:
            return arr.astype(np.float64)
        except OverflowError as exc:  # a Python int beyond float64
            raise ValueError(f"{what} has an entry beyond float64's range (about 1.8e308)") from exc
    if arr.size == 0:
        return np.zeros(arr.shape)
    first = arr.ravel()[0]
    if kind == "c":
        first = complex(first)
    elif kind in "US":
        first = str(first)
    raise _not_a_number(first, f"every entry of {what}", "a real number")


def _is_real(v) -> bool:
    return isinstance(v, (numbers.Real, np.bool_)) and not isinstance(v, str)


def short(value, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages (an array or a model can be
    long; a broken ``__repr__`` gives the type's name)."""
    try:
        text = repr(value)
    except Exception:  # a class with a broken __repr__
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def matrix(X, what: str, *, n_cols: int | None = None) -> np.ndarray:
    """Return ``X`` as a finite float64 array of shape ``(n_samples, n_cols)``."""
    arr = numeric_array(X, what)
    if arr.ndim != 2:
        raise ValueError(
            f"{what} must be 2-D with shape (n_samples, n_features); got shape {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{what} must have at least one row (sample); got shape {arr.shape}")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(
            f"{what} has {arr.shape[1]} columns but the network expects {n_cols} input features"
        )
    finite(arr, what)
    return arr


def finite(arr: np.ndarray, what: str) -> np.ndarray:
    """``arr`` (a float array) if every entry is finite; else a ValueError naming the first bad
    entry and where it is."""
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = {0: "", 1: f" at index {bad[0]}"}.get(arr.ndim, "")
        if arr.ndim == 2:
            where = f" at row {bad[0]}, column {bad[1]}"
        elif arr.ndim > 2:
            where = f" at index {tuple(int(i) for i in bad)}"
        raise ValueError(f"{what} must be finite; found {arr[tuple(bad)]}{where}")
    return arr


def rng(value, what: str = "rng") -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` (or an int seed); refuse the legacy global state."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None:
        raise TypeError(
            f"{what} is required: pass rng=np.random.default_rng(seed) "
            "so every draw is reproducible"
        )
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return np.random.default_rng(int(value))
    raise TypeError(
        f"{what} must be a numpy.random.Generator (np.random.default_rng(seed)) or an int seed; "
        f"got {type(value).__name__} {short(value)}"
    )
