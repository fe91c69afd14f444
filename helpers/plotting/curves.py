"""Curves over training: the loss, each layer's gradient norm, each hidden layer's unit spread."""

from __future__ import annotations

import numpy as np

from .. import _validate
from .colors import layer_colors, outcome_colors
from .ranges import count_limit, masked, spans_decades, sticky_decades, sticky_top
from .style import set_limits, set_scale, tidy_axes

LOSS_GID = "course-loss"
"""The ``gid`` of every loss line drawn by :func:`plot_loss` (so that the limits fit them all)."""


def plot_loss(ax, losses, *, label=None, color=None):
    """Loss per epoch (x = epoch 0..k), on a log y axis when the losses span more than two decades.

    Call it once per run to compare runs on one Axes: the limits cover every loss curve drawn
    with it.

    Parameters
    ----------
    ax : Axes
    losses : array_like, shape (k + 1,)
        E.g. ``history.loss``.
    label, color : optional
        Legend label and colour.

    Returns
    -------
    Line2D
    """
    losses = _validate.numeric_array(losses, "losses").ravel()
    (line,) = ax.plot(np.arange(losses.size), losses, label=label, color=color)
    line.set_gid(LOSS_GID)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    # several runs on one Axes: the limits (and the log scale) fit all of them
    fit_loss_axes(ax, [ln.get_ydata() for ln in ax.lines if ln.get_gid() == LOSS_GID])
    tidy_axes(ax)
    return line


def plot_loss_band(ax, median, low, high, *, label=None, color=None):
    """The median loss of several runs per epoch, with the band from the lowest to the highest.

    The median is a :func:`plot_loss` line (the axes fit it); the band is shaded in the same
    colour where both ends are finite (a run that diverged leaves the band open above).

    Parameters
    ----------
    ax : Axes
    median, low, high : array_like, shape (k + 1,)
        Per-epoch median, minimum and maximum over the runs.
    label, color : optional

    Returns
    -------
    (Line2D, PolyCollection)
    """
    line = plot_loss(ax, median, label=label, color=color)
    low = np.asarray(low, dtype=np.float64).ravel()
    high = np.asarray(high, dtype=np.float64).ravel()
    ok = np.isfinite(low) & np.isfinite(high)
    x = np.arange(low.size)
    band = ax.fill_between(
        x, np.where(ok, low, np.nan), np.where(ok, high, np.nan), color=line.get_color(),
        alpha=0.2, linewidth=0, where=ok,
    )  # fmt: skip
    return line, band


def update_loss(line, losses) -> None:
    """Show new losses in a :func:`plot_loss` line and fit the axes to every loss line on them."""
    losses = _validate.numeric_array(losses, "losses").ravel()
    line.set_data(np.arange(losses.size), losses)
    ax = line.axes
    fit_loss_axes(ax, [ln.get_ydata() for ln in ax.lines if ln.get_gid() == LOSS_GID])


def fit_loss_axes(ax, curves) -> None:
    """Explicit limits for one or more loss curves (each of shape (k + 1,)): x from 0 to the
    longest's k rounded up (:func:`~helpers.plotting.count_limit`), y from 0 (linear) or on a
    log axis when the finite losses span two decades."""
    curves = [np.asarray(c, dtype=np.float64) for c in curves if np.size(c)]
    n = max([c.size for c in curves], default=1)
    set_limits(ax, x=(0, count_limit(n - 1)))
    allv = np.concatenate(curves) if curves else np.array([1.0])
    fin = allv[np.isfinite(allv)]
    if spans_decades(fin):
        set_scale(ax, "y", "log")
        set_limits(ax, y=sticky_decades(ax.get_ylim(), fin, pad=1.5))
    else:
        set_scale(ax, "y", "linear")
        hi = float(fin.max()) if fin.size else 1.0
        set_limits(ax, y=(0.0, sticky_top(ax.get_ylim()[1], hi * 1.05)))


def _per_layer(history, name: str) -> np.ndarray:
    """``history.<name>`` of a :class:`helpers.train.History`, as an ``(epochs + 1, layers)``
    array; a TypeError naming what was passed instead of a History."""
    values = getattr(history, name, None)
    if values is None:
        raise TypeError(
            f"history must be the History that train() returned (with .{name}); "
            f"got {_validate.short(history)}"
        )
    values = _validate.numeric_array(values, f"history.{name}")
    if values.ndim != 2:
        raise ValueError(f"history.{name} must be 2-D (epochs + 1, layers); got {values.shape}")
    return values


def plot_grad_norms(ax, history, *, max_layers=None):
    """Gradient norm ``|dLoss/dW_l|`` of each layer over epochs, one line per layer (log y).

    Parameters
    ----------
    ax : Axes
    history : helpers.train.History
        Uses ``history.grad_norm`` of shape ``(k + 1, L)``.
    max_layers : int, optional
        Make this many lines (hiding the unused ones), so that an explorer can later show deeper
        networks with :func:`update_grad_norms`.

    Returns
    -------
    list of Line2D
        One per layer; a norm of exactly 0 (e.g. at a zero initialisation) is left out of the log
        axis.
    """
    G = _per_layer(history, "grad_norm")
    L = G.shape[1]
    pool = max(L, max_layers or 0)
    lines = [ax.plot([], [], label=f"layer {i + 1}")[0] for i in range(pool)]
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"gradient norm $\|\partial L/\partial W_l\|$")
    update_grad_norms(lines, history)
    tidy_axes(ax)
    return lines


def update_grad_norms(lines, history) -> None:
    """Set the data of :func:`plot_grad_norms` lines for a new history (in place)."""
    G = _per_layer(history, "grad_norm")
    L = G.shape[1]
    if L > len(lines):
        raise ValueError(
            f"{L} layers but only {len(lines)} lines; pass max_layers to plot_grad_norms"
        )
    colors = layer_colors(L)
    epochs = np.arange(G.shape[0])
    for i, line in enumerate(lines):
        if i < L:
            line.set_data(epochs, masked(G[:, i]))
            line.set_color(colors[i])
            line.set_visible(True)
            line.set_label(f"layer {i + 1}")
        else:
            line.set_data([], [])
            line.set_visible(False)
            line.set_label(f"_layer {i + 1}")
    ax = lines[0].axes
    set_limits(ax, x=(0, count_limit(G.shape[0] - 1)))
    set_limits(ax, y=sticky_decades(ax.get_ylim(), G, pad=2.0))


def plot_unit_spread(ax, history, *, max_layers=None):
    """Unit spread of each hidden layer over epochs (``history.spread``), on a symlog y axis.

    The spread is the largest distance between two units' incoming weight vectors: exactly 0.0
    while the units are symmetric. The y axis is linear below 1e-3 and logarithmic above, so a
    spread of exactly 0 sits visibly on the zero line while real spreads still read in decades.

    Returns
    -------
    list of Line2D
        One per hidden layer.
    """
    S = _per_layer(history, "spread")
    pool = max(S.shape[1], max_layers or 0, 1)
    lines = [ax.plot([], [], label=f"hidden layer {i + 1}")[0] for i in range(pool)]
    ax.set_yscale("symlog", linthresh=1e-3, linscale=0.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel("unit spread")
    ax.axhline(0.0, color="0.4", linewidth=0.8, zorder=0)
    update_unit_spread(lines, history)
    tidy_axes(ax)
    return lines


def update_unit_spread(lines, history) -> None:
    """Set the data of :func:`plot_unit_spread` lines for a new history (in place)."""
    S = _per_layer(history, "spread")
    H = S.shape[1]
    colors = layer_colors(max(H, 1))
    epochs = np.arange(S.shape[0])
    for i, line in enumerate(lines):
        line.set_visible(i < H)
        if i < H:
            line.set_data(epochs, S[:, i])
            line.set_color(colors[i])
        else:
            line.set_data([], [])
    ax = lines[0].axes
    set_limits(ax, x=(0, count_limit(S.shape[0] - 1)))
    top = float(np.nanmax(S)) if S.size and np.isfinite(S).any() else 0.0
    set_limits(ax, y=(-2e-4, sticky_top(ax.get_ylim()[1], max(top * 2.0, 1e-2))))


def plot_seed_losses(ax, losses, stuck):
    """Every run's loss curve, faint, red where the run got stuck and blue where it did not
    (:func:`~helpers.plotting.outcome_colors`).

    Parameters
    ----------
    ax : Axes
    losses : sequence of array_like, each shape (k + 1,)
        One loss curve per run (seed).
    stuck : array_like of bool, shape (len(losses),)

    Returns
    -------
    list of Line2D
    """
    losses = [_validate.numeric_array(loss, "losses").ravel() for loss in losses]
    colors = outcome_colors(stuck)
    if len(colors) != len(losses):
        raise ValueError(f"stuck has {len(colors)} values but there are {len(losses)} runs")
    lines = [ax.plot(loss, color=c, alpha=0.6, linewidth=1.0)[0] for loss, c in zip(losses, colors)]
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    tidy_axes(ax)
    return lines


def plot_final_losses(ax, seeds, final_loss, stuck):
    """One bar per run: its final loss, red where it got stuck and blue where it did not, in
    the order given (e.g. sorted by final loss). Returns the BarContainer."""
    final_loss = _validate.numeric_array(final_loss, "final_loss").ravel()
    colors = outcome_colors(stuck)
    if not len(colors) == len(seeds) == final_loss.size:
        raise ValueError(
            f"seeds, final_loss and stuck must have one value per run; got {len(seeds)}, "
            f"{final_loss.size} and {len(colors)}"
        )
    bars = ax.bar([str(s) for s in seeds], final_loss, color=colors)
    ax.set_ylabel("final loss")
    ax.margins(x=0.01)
    return bars
