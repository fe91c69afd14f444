"""Hidden units: each unit's output along a straight path through the data (identical units
draw identical curves)."""

from __future__ import annotations

import numpy as np

from .. import _validate
from .colors import unit_color
from .ranges import sticky_limits
from .style import set_limits, tidy_axes


def data_path(X, *, n_points: int = 200, margin: float = 0.15):
    """A straight path through a 2-D dataset, used to draw each unit's output as a curve.

    The path runs along the data's first principal axis (the direction of largest spread)
    through the data's mean, from the smallest to the largest projection of the data, extended by
    ``margin`` of its length at both ends. For the circles dataset it is a diameter: it crosses
    the outer ring, the inner ring, the centre, and both rings again. The axis's sign is fixed
    (first non-zero component positive), so the path is deterministic.

    Parameters
    ----------
    X : array_like, shape (n, d)
    n_points : int

    Returns
    -------
    t : ndarray, shape (n_points,)
        Position along the path (projection on the axis, relative to the mean).
    points : ndarray, shape (n_points, d)
        The inputs at those positions.
    """
    X = _validate.matrix(X, "X")
    n_points = _validate.positive_int(n_points, "n_points", minimum=2)
    mu = X.mean(axis=0)
    C = X - mu
    if X.shape[0] > 1 and np.any(C):
        _, _, Vt = np.linalg.svd(C, full_matrices=False)
        v = Vt[0]
    else:
        v = np.zeros(X.shape[1])
        v[0] = 1.0
    nz = np.nonzero(np.abs(v) > 1e-12)[0]
    if nz.size and v[nz[0]] < 0:
        v = -v
    proj = C @ v
    lo, hi = float(proj.min()), float(proj.max())
    if hi - lo <= 0:
        lo, hi = -1.0, 1.0
    pad = margin * (hi - lo)
    t = np.linspace(lo - pad, hi + pad, n_points)
    return t, mu + t[:, None] * v[None, :]


def unit_outputs_on_path(model, X, *, layer: int = 1, n_points: int = 200):
    """Outputs of every unit of ``layer`` along :func:`data_path` of ``X``.

    Returns
    -------
    t : ndarray, shape (n_points,)
    A : ndarray, shape (n_points, sizes[layer])
    """
    layer = _validate.positive_int(layer, "layer")
    if layer > model.n_layers:
        raise ValueError(f"layer must be 1..{model.n_layers} for this model; got {layer}")
    t, points = data_path(X, n_points=n_points)
    _, cache = model.forward(points)
    return t, cache.post[layer]


def plot_unit_outputs(ax, model, X, *, layer: int = 1, n_points: int = 200):
    """One curve per unit of ``layer``: its output along a straight path through the data.

    The path is :func:`data_path` (the data's first principal axis). Units with identical
    incoming weights and biases compute identical functions, so their curves lie exactly on top
    of each other and only the last one drawn is visible.

    Parameters
    ----------
    ax : Axes
    model : helpers.mlp.MLP
    X : array_like, shape (n, sizes[0])
        The dataset the path runs through.
    layer : int
        Which layer's units (1 = the first hidden layer).

    Returns
    -------
    list of Line2D
        One per unit, in unit order (unit j is ``lines[j]``).
    """
    t, A = unit_outputs_on_path(model, X, layer=layer, n_points=n_points)
    lines = []
    for j in np.arange(A.shape[1]):
        (line,) = ax.plot(t, A[:, j], color=unit_color(j), label=f"unit {j + 1}")
        lines.append(line)
    set_limits(ax, x=(t[0], t[-1]))
    fit_unit_axes(ax, A)
    ax.set_xlabel("position along the data's main axis")
    ax.set_ylabel(f"output of layer-{layer} unit")
    tidy_axes(ax)
    return lines


def fit_unit_axes(ax, *arrays, bounds=None) -> None:
    """y limits that show every finite value of ``arrays`` (unit outputs) with a little room;
    ``bounds`` (lo, hi), the activation's range (e.g. ``OUTPUT_RANGE["tanh"]``): that range
    with 5% room whatever the data, so that a live figure keeps its axis."""
    if bounds is not None:
        lo, hi = map(float, bounds)
        set_limits(ax, y=(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)))
        return
    vals = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        set_limits(ax, y=(-1.0, 1.0))
        return
    set_limits(ax, y=sticky_limits(ax.get_ylim(), vals.min(), vals.max()))


def update_unit_outputs(lines, model, X, *, layer: int = 1) -> np.ndarray:
    """Set the curves of :func:`plot_unit_outputs` for a new model.

    Returns the outputs ``A``, shape (n_points, units)."""
    t, A = unit_outputs_on_path(model, X, layer=layer, n_points=len(lines[0].get_xdata()))
    if A.shape[1] != len(lines):
        raise ValueError(f"the layer has {A.shape[1]} units but there are {len(lines)} lines")
    for j, line in enumerate(lines):
        line.set_data(t, A[:, j])
    ax = lines[0].axes
    set_limits(ax, x=(t[0], t[-1]))
    fit_unit_axes(ax, A)
    return A


MAP_CMAP = "PuOr_r"
"""Colour map of the unit maps (:func:`plot_unit_maps`): diverging, white at the middle of the
shared colour scale."""


def unit_map_grid(X, *, resolution: int = 24, margin: float = 0.05):
    """A ``resolution`` x ``resolution`` grid over the 2-D range of ``X`` (widened by ``margin``
    of each side's length): what :func:`plot_unit_maps` shows each unit over.

    Returns
    -------
    points : ndarray, shape (resolution ** 2, 2)
        Row-major: ``points.reshape(resolution, resolution, 2)[i, j]`` is row ``i`` (y) and
        column ``j`` (x).
    extent : (x0, x1, y0, y1)
        For ``imshow(..., extent=extent, origin="lower")``.
    """
    X = _validate.matrix(X, "X")
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (a 2-D dataset); got shape {X.shape}")
    resolution = _validate.positive_int(resolution, "resolution", minimum=2)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-12)
    lo, hi = lo - pad, hi + pad
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return np.column_stack([xx.ravel(), yy.ravel()]), (lo[0], hi[0], lo[1], hi[1])


def plot_unit_maps(axes, maps, extent, *, vmin: float = 0.0, vmax: float = 1.0) -> list:
    """One small image per hidden unit: the unit's output over the input plane, all on one
    colour scale (``vmin``..``vmax``), each framed in the unit's colour (:func:`unit_color`).

    Identical units give identical maps. ``axes`` holds one Axes per map; ``maps`` has shape
    ``(k, resolution, resolution)`` (see :func:`unit_map_grid`). Returns the AxesImages; update
    them with :func:`update_unit_maps`.
    """
    maps = _validate.numeric_array(maps, "maps")
    if maps.ndim != 3 or maps.shape[0] != len(axes):
        raise ValueError(f"maps must have shape (len(axes), r, r); got {maps.shape}")
    images = []
    for j, (ax, m) in enumerate(zip(axes, maps)):
        images.append(ax.imshow(m, extent=extent, origin="lower", cmap=MAP_CMAP, vmin=vmin,
                                vmax=vmax, interpolation="nearest", aspect="auto"))  # fmt: skip
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_edgecolor(unit_color(j))
            spine.set_linewidth(2.0)
    return images


def update_unit_maps(images, maps, *, vmin: float, vmax: float) -> None:
    """Show new ``maps`` (k, r, r) in a :func:`plot_unit_maps`, on the colour scale
    ``vmin``..``vmax`` (changing only what differs)."""
    maps = np.asarray(maps, dtype=np.float64)
    if maps.shape[0] != len(images):
        raise ValueError(f"maps has {maps.shape[0]} units but there are {len(images)} images")
    for im, m in zip(images, maps):
        im.set_data(m)
        if tuple(im.get_clim()) != (vmin, vmax):
            im.set_clim(vmin, vmax)
