"""Checking training targets against an output layer (used by ``MLP.check_targets``)."""

from __future__ import annotations

import numpy as np


def check_targets(output: str, k: int, y, n: int) -> np.ndarray:
    """Validate targets for ``n`` samples and an output layer of ``k`` units.

    Returns float64 ``(n, 1)`` for ``sigmoid`` (labels 0/1 or probabilities), ``(n,)`` integer
    labels 0..k-1 for ``softmax``, float64 ``(n, k)`` for ``linear``; raises ``ValueError`` or
    ``TypeError`` naming the bad value and what is allowed.
    """
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"y must be a numeric array; got {type(y).__name__}") from exc
    if arr.ndim == 2 and arr.shape[1] == 1 and output != "softmax":
        arr = arr[:, 0] if k == 1 else arr
    if arr.ndim == 0 or arr.shape[0] != n:
        raise ValueError(f"y must have one entry per sample ({n}); got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("y must be finite; it contains NaN or inf")
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
        return _labels(arr, k, n)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != k:
        raise ValueError(
            f"a linear output with {k} units needs y of shape ({n}, {k}); got {arr.shape}"
        )
    return arr


def _labels(arr: np.ndarray, k: int, n: int) -> np.ndarray:
    if arr.ndim != 1:
        raise ValueError(
            f"a softmax output needs integer class labels of shape ({n},); got {arr.shape}"
        )
    fractional = np.flatnonzero(arr != np.round(arr))
    if fractional.size:
        i = int(fractional[0])
        raise ValueError(
            f"a softmax output with {k} units needs integer class labels 0..{k - 1}; "
            f"got the non-integer label {arr[i]:g} at index {i}"
        )
    if arr.min() < 0 or arr.max() > k - 1:
        raise ValueError(
            f"a softmax output with {k} units needs integer labels 0..{k - 1}; "
            f"got values from {arr.min():g} to {arr.max():g}"
        )
    return arr.astype(np.intp)
