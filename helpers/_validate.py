"""Argument checking shared by every module: errors that name the bad value and what is allowed."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable

import numpy as np


def choice(
    value, allowed: Iterable[str], what: str, *, synonyms: dict[str, str] | None = None
) -> str:
    """Return ``value`` if it is one of ``allowed``; otherwise raise naming the options.

    A near-miss (``"xavier"``, ``"Relu"``) gets a "did you mean" hint. ``synonyms`` maps other
    libraries' words to ours for that hint only (``{"glorot": "xavier", "kaiming": "he"}`` turns
    ``"kaiming_normal"`` into the hint ``'he_normal'``); such a value is still refused.
    """
    allowed = list(allowed)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, one of {', '.join(allowed)}; got {value!r}")
    if value in allowed:
        return value
    guess = value.lower().strip().rstrip("_")  # PyTorch's in-place names end in "_"
    for word, ours in (synonyms or {}).items():
        guess = guess.replace(word, ours)
    hint = difflib.get_close_matches(guess, allowed, n=1, cutoff=0.5)
    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ValueError(f"unknown {what} {value!r}{extra}; allowed: {', '.join(allowed)}")


def positive_int(value, what: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            raise TypeError(f"{what} must be an integer (>= {minimum}); got the float {value!r}")
        raise TypeError(f"{what} must be an integer (>= {minimum}); got {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}; got {value}")
    return int(value)


def real(value, what: str, *, minimum: float | None = None, positive: bool = False) -> float:
    """Return ``value`` as a finite float, optionally bounded below."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number; got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{what} must be finite; got {value}")
    if positive and value <= 0:
        raise ValueError(f"{what} must be > 0; got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{what} must be >= {minimum}; got {value}")
    return value


def matrix(X, what: str, *, n_cols: int | None = None) -> np.ndarray:
    """Return ``X`` as a finite float64 array of shape ``(n_samples, n_cols)``."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be a numeric array; got {type(X).__name__}") from exc
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
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{what} must be finite; found {arr[tuple(bad)]} at row {bad[0]}, column {bad[1]}"
        )
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
        f"got {type(value).__name__}"
    )
