"""Checking training targets against an output layer (used by ``MLP.check_targets``)."""

from __future__ import annotations

import numpy as np

from . import _validate


def check_targets(output: str, k: int, y, n: int) -> np.ndarray:
    """Validate targets for ``n`` samples and an output layer of ``k`` units.

    Returns float64 ``(n, 1)`` for ``sigmoid`` (labels 0/1 or probabilities), ``(n,)`` integer
    labels 0..k-1 for ``softmax``, float64 ``(n, k)`` for ``linear``; raises ``ValueError`` or
    ``TypeError`` naming the bad value and what is allowed.
    """
    arr = _validate.numeric_array(y, "y")
    if arr.ndim == 2 and arr.shape[1] == 1 and output != "softmax":
        arr = arr[:, 0] if k == 1 else arr
    if arr.ndim == 0 or arr.shape[0] != n:
        raise ValueError(f"y must have one entry per sample ({n}); got shape {arr.shape}")
    _validate.finite(arr, "y")
    if output == "sigmoid":
        if arr.ndim != 1:
            raise ValueError(f"a sigmoid output needs y of shape ({n},); got {arr.shape}")
        if arr.min() < 0 or arr.max() > 1:
            raise ValueError(
                "a sigmoid output needs labels 0/1 (or probabilities in [0, 1]); "
                f"got values from {arr.min():g} to {arr.max():g}"
            )
        return arr[:, None]
    if output == "softmax":
        return class_labels(arr, k, n)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != k:
        raise ValueError(
            f"a linear output with {k} units needs y of shape ({n}, {k}); got {arr.shape}"
        )
    return arr


def class_labels(arr: np.ndarray, k: int, n: int, what: str | None = None) -> np.ndarray:
    """Finite float labels ``arr`` checked as ``n`` integer classes ``0..k-1`` (no negative label
    wraps to the last class, no 1.5 is truncated); returned as ``intp``. ``what`` names the
    output in messages (default "a softmax output with k units")."""
    what = what or f"a softmax output with {k} units"
    if arr.ndim != 1:
        raise ValueError(f"{what} needs integer class labels of shape ({n},); got {arr.shape}")
    fractional = np.flatnonzero(arr != np.round(arr))
    if fractional.size:
        i = int(fractional[0])
        raise ValueError(
            f"{what} needs integer class labels 0..{k - 1}; "
            f"got the non-integer label {arr[i]:g} at index {i}"
        )
    outside = np.flatnonzero((arr < 0) | (arr > k - 1))
    if outside.size:
        i = int(outside[0])
        raise ValueError(
            f"{what} needs integer labels 0..{k - 1}; "
            f"got {arr[i]:g} at index {i} (values from {arr.min():g} to {arr.max():g})"
        )
    return arr.astype(np.intp)
