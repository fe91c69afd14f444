"""Reading what a student's function returned: the one place every ``check_*`` of
:mod:`helpers.checks` turns an answer into a bool, a number, an array or a word.

Every reader returns the parsed value, or ``None`` after printing what was expected instead (so
a checker never raises on a wrong answer and never misreads one):

- :func:`as_bool`: ``True``/``False``, 0/1, or a word (``"yes"``, ``"no"``, ``"changes"``, ...);
  ``"no"`` is False (Python's ``bool("no")`` is True), an unknown word gets the list of words.
- :func:`as_number`: a real number, not a string of digits, not True/False, not complex; with
  ``integer=True`` a whole number (1.9 is not truncated to 1).
- :func:`as_array`: a finite real array of a given shape.
- :func:`as_word`: one of a few words, case and spaces ignored, with synonyms.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _validate
from .._validate import short

YES = ("true", "yes", "y", "1", "changes", "change", "changed", "moves", "move", "it changes")
"""Words read as True (lower case, surrounding spaces ignored)."""
NO = ("false", "no", "n", "0", "stays", "stay", "same", "unchanged", "does not change", "none")
"""Words read as False."""


def as_bool(value, what: str):
    """``value`` as True or False, or None (after saying why)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = " ".join(value.lower().split())
        if word in YES:
            return True
        if word in NO:
            return False
        print(
            f"{what} is {short(value)}: write True or False (or a word such as "
            f"{', '.join(map(repr, YES[:2] + NO[:2]))})."
        )
        return None
    print(f"{what} is {short(value)}: expected True or False.")
    return None


def as_number(value, what: str, *, integer: bool = False):
    """``value`` as a finite float (an int with ``integer=True``), or None (after saying why).

    A one-element array counts as its element; a string, True/False, complex, None and arrays of
    several numbers are refused with what was expected. A whole float such as ``113.0`` is
    accepted as the integer 113; ``1.9`` is not a whole number and is not rounded.
    """
    kind = "a whole number" if integer else "a number"
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, np.generic) and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = ""
        if isinstance(value, str):
            hint = " (a string: return the number itself, without quotes)"
        elif isinstance(value, (list, tuple, np.ndarray)):
            hint = f" (several values: return one {kind.split()[-1]})"
        print(f"{what} is {short(value)}{hint}; expected {kind}.")
        return None
    try:
        value = float(value)
    except OverflowError:  # a Python int beyond float64
        value = float("inf")
    if not np.isfinite(value):
        print(f"{what} is {value}; expected a finite {kind.split(' ', 1)[1]}.")
        return None
    if integer:
        if not value.is_integer():
            print(f"{what} is {value:g}, not a whole number; expected {kind} (a count).")
            return None
        return int(value)
    return value


def as_array(value, what: str, *, shape: tuple | None = None, finite: bool = True):
    """``value`` as a float64 array (of ``shape`` if given, finite if ``finite``), or None."""
    if value is None or isinstance(value, (str, bytes, dict, set)):
        print(f"{what} is {short(value)}; expected a numeric array" + _of(shape) + ".")
        return None
    try:
        arr = _validate.numeric_array(value, what)
    except (TypeError, ValueError) as exc:
        print(f"{exc}; expected a numeric array{_of(shape)}.")
        return None
    if shape is not None and arr.shape != tuple(shape):
        print(f"{what} has shape {arr.shape}; expected shape {tuple(shape)}.")
        return None
    if finite and not np.all(np.isfinite(arr)):
        print(f"{what} contains non-finite values (nan or inf); expected finite numbers.")
        return None
    return arr


def _of(shape) -> str:
    return "" if shape is None else f" of shape {tuple(shape)}"


def as_word(value, what: str, allowed, *, synonyms: dict | None = None):
    """``value`` as one of the words ``allowed`` (case and spaces ignored; ``synonyms`` maps
    other words, or True/False, to allowed ones), or None (after listing the words)."""
    allowed = tuple(allowed)
    synonyms = synonyms or {}
    if isinstance(value, (bool, np.bool_)) and bool(value) in synonyms:
        return synonyms[bool(value)]
    if isinstance(value, str):
        word = " ".join(value.lower().replace("_", " ").split())
        if word in allowed:
            return word
        if word in synonyms:
            return synonyms[word]
    print(f"{what} is {short(value)}; set it to one of {', '.join(map(repr, allowed))}.")
    return None
