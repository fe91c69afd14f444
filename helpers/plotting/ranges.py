"""Small numeric helpers the plots share: axis limits, log-safe copies, histogram fractions and
step outlines (numbers only: no artists, no training)."""

from __future__ import annotations

import math

import numpy as np


def finite_positive(values) -> np.ndarray:
    """The finite, positive entries of ``values`` (flattened, float64): what a log axis shows."""
    v = np.asarray(values, dtype=np.float64).ravel()
    return v[np.isfinite(v) & (v > 0)]


def log_limits(*arrays, pad: float = 3.0, default=(1e-3, 10.0)) -> tuple[float, float]:
    """Log-axis limits covering every finite positive value of ``arrays``, widened by the factor
    ``pad`` each way and to at least one decade; ``default`` when there is nothing to show."""
    vals = np.concatenate([finite_positive(a) for a in arrays] or [np.array([])])
    if vals.size == 0:
        return default
    lo, hi = float(vals.min()), float(vals.max())
    lo = max(lo / pad, 1e-300)
    hi = min(hi * pad, 1e300)
    if hi <= lo * 10:
        mid = math.sqrt(lo * hi)
        lo, hi = mid / 10, mid * 10
    return lo, hi


def spans_decades(values, decades: float = 2.0) -> bool:
    """True when the finite positive ``values`` span more than ``decades`` decades."""
    v = finite_positive(values)
    return v.size > 1 and v.max() / v.min() > 10.0**decades


def masked(values) -> np.ndarray:
    """Float copy with non-positive or non-finite entries replaced by nan (for log axes)."""
    v = np.array(values, dtype=np.float64, copy=True)
    v[~(np.isfinite(v) & (v > 0))] = np.nan
    return v


def histogram_fractions(values, *, bins: int, range: tuple[float, float]) -> np.ndarray:
    """Fraction of ``values`` (any shape) in each of ``bins`` equal bins over ``range``.

    Fractions are of *all* values, so mass outside the range is simply not shown. Returns shape
    ``(bins,)``; all zeros for an empty array.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0:
        return np.zeros(bins)
    counts, _ = np.histogram(v, bins=bins, range=range)
    return counts / v.size


def step_outline(edges, heights) -> tuple[np.ndarray, np.ndarray]:
    """Outline of a step histogram: x and y of shape (2 * bins + 2,), starting and ending at 0.

    Parameters
    ----------
    edges : array_like, shape (bins + 1,)
    heights : array_like, shape (bins,)
    """
    x = np.repeat(np.asarray(edges, dtype=np.float64), 2)
    y = np.concatenate([[0.0], np.repeat(np.asarray(heights, dtype=np.float64), 2), [0.0]])
    return x, y


_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)
_FINE = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(x: float, *, fine: bool = False) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is >= ``x`` (> 0); 1 for x <= 0.
    ``fine``: of 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten (then ``x`` fills at
    least three quarters of the result).

    Limits rounded this way stay put while the data move a little, so that an explorer can
    redraw only its moving artists instead of the whole figure.
    """
    x = float(x)
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    exponent = math.floor(math.log10(x))
    for step in _FINE if fine else _NICE:
        value = step * 10.0**exponent
        if value >= x * (1 - 1e-12):
            return value
    return 10.0 ** (exponent + 1)


def count_limit(n: float) -> float:
    """The upper limit of an axis that counts up to ``n`` (steps, epochs, layers): ``n`` rounded
    up with :func:`nice_ceil` (``fine``), at least 1. A slider that moves ``n`` by a little
    mostly leaves the axis as it is, so the explorer redraws the curves only, not the Axes."""
    return nice_ceil(max(float(n), 1.0), fine=True)


def nice_limits(lo: float, hi: float, pad: float = 0.05) -> tuple[float, float]:
    """Linear-axis limits around ``[lo, hi]`` (padded by ``pad`` of the span), rounded outward to
    whole steps of a nice size (a tenth to a fifth of the span): stable under small changes."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (-1.0, 1.0)
    if hi - lo <= 1e-9 * max(abs(lo), abs(hi)):  # (nearly) constant: a small span around it
        half = max(0.05 * abs(hi), 0.05)
        lo, hi = lo - half, hi + half
    span = (hi - lo) * (1 + 2 * pad)
    step = nice_ceil(span / 8)
    return math.floor((lo - pad * (hi - lo)) / step) * step, math.ceil(
        (hi + pad * (hi - lo)) / step
    ) * step


def decade_limits(*arrays, pad: float = 3.0, default=(1e-3, 10.0)) -> tuple[float, float]:
    """:func:`log_limits` rounded outward to whole decades (stable under small changes)."""
    lo, hi = log_limits(*arrays, pad=pad, default=default)
    lo = max(10.0 ** math.floor(math.log10(lo)), 1e-300)
    hi = min(10.0 ** math.ceil(math.log10(hi)), 1e300)
    return lo, hi


def sticky_top(current: float, needed: float, *, shrink: float = 0.3) -> float:
    """An upper limit for ``needed``: the ``current`` one while it covers ``needed`` without
    leaving more than ``1 - shrink`` of the axis empty, else :func:`nice_ceil` of ``needed``
    with a fifth more room when it grows (so that data moving back and forth across a nice
    number do not make the limit move back and forth).

    Live figures keep their limits while the data move a little (and redraw only what moves).
    """
    current = float(current)
    if current > 0 and math.isfinite(current) and shrink * current <= needed <= current:
        return current
    return nice_ceil(1.2 * needed if needed > current > 0 else needed)


def sticky_limits(current, lo: float, hi: float, *, shrink: float = 0.4) -> tuple[float, float]:
    """Linear limits for data in ``[lo, hi]``: the ``current`` (lo, hi) while they cover the data
    and the data fill at least ``shrink`` of them, else :func:`nice_limits`."""
    c_lo, c_hi = map(float, current)
    if c_lo <= lo and hi <= c_hi and (hi - lo) >= shrink * (c_hi - c_lo):
        return c_lo, c_hi
    return nice_limits(lo, hi)


def sticky_decades(current, *arrays, pad: float = 3.0, slack: float = 2.0) -> tuple[float, float]:
    """Log limits for ``arrays``: the ``current`` (lo, hi) while they cover
    :func:`decade_limits` and exceed it by at most ``slack`` decades at either end."""
    lo, hi = decade_limits(*arrays, pad=pad)
    c_lo, c_hi = map(float, current)
    if c_lo > 0 and c_lo <= lo and hi <= c_hi and c_hi / hi <= 10**slack and lo / c_lo <= 10**slack:
        return c_lo, c_hi
    return lo, hi
