"""A quantity against a swept setting (the weight scale): median line and min-max band."""

from __future__ import annotations

import numpy as np

from .. import _validate


def plot_sweep(ax, x, median, low, high, *, label=None, color=None, logx=True, marker="o"):
    """The median over seeds at each setting ``x`` with the band from the lowest to the highest.

    Parameters
    ----------
    ax : Axes
    x, median, low, high : array_like, shape (k,)
        The settings (a log x axis by default: weight scales) and the spread over seeds.
    label, color, marker : optional

    Returns
    -------
    (Line2D, PolyCollection)
    """
    x = _validate.numeric_array(x, "x").ravel()
    m, lo, hi = (_validate.numeric_array(a, w).ravel() for a, w in
                 ((median, "median"), (low, "low"), (high, "high")))  # fmt: skip
    if not (x.size == m.size == lo.size == hi.size):
        raise ValueError(f"x, median, low, high need one value per setting; got sizes "
                         f"{x.size}, {m.size}, {lo.size}, {hi.size}")  # fmt: skip
    (line,) = ax.plot(x, m, marker=marker, label=label, color=color)
    band = ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    if logx:
        ax.set_xscale("log")
    return line, band


def sweep_spread(grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, min and max over the last axis of ``grid`` (settings x seeds)."""
    g = _validate.numeric_array(grid, "grid")
    return np.median(g, axis=-1), g.min(axis=-1), g.max(axis=-1)
