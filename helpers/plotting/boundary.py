"""A 2-D dataset and a network's decision boundary over the plane."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap

from .. import _validate
from .. import data as datasets
from .._structs import check_model
from .colors import CLASS_COLORS, PROBABILITY_CMAP
from .style import linewidth, markersize, set_limits, tidy_axes


def plot_dataset(ax, X, y, *, size=None, alpha: float = 0.9):
    """Scatter a 2-D dataset, class 0 blue and class 1 red (:data:`CLASS_COLORS`).

    Parameters
    ----------
    ax : Axes
    X : array_like, shape (n, 2)
    y : array_like, shape (n,)
        Labels 0/1.

    Returns
    -------
    matplotlib.collections.PathCollection
        One scatter for both classes (update with ``set_offsets(X)`` and ``set_array(y)``).
    """
    X = _validate.matrix(X, "X", n_cols=2)
    y = _validate.numeric_array(y, "y").ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels")
    s = (0.9 * markersize()) ** 2 if size is None else size
    return ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap=ListedColormap(CLASS_COLORS),
        vmin=0,
        vmax=1,
        s=s,
        edgecolors="white",
        linewidths=0.4,
        alpha=alpha,
        zorder=3,
    )


BoundaryArtists = namedtuple("BoundaryArtists", "image contour scatter grid margin")
BoundaryArtists.__doc__ = """Artists of :func:`plot_decision_boundary`.

image : AxesImage, the map of P(class 1) on the grid; contour : LineCollection, the 0.5 level;
scatter : PathCollection, the data; grid : (xx, yy, points), from :func:`helpers.data.grid`;
margin : how far the grid extends beyond the data."""


def class1_probability(model, points) -> np.ndarray:
    """P(class 1) of a two-class ``model`` at ``points`` (n, 2): shape (n,).

    Quiet for any weights: where the network's numbers are no longer finite (a diverged run),
    the probability is nan and the map shows nothing there rather than warning.
    """
    check_model(model)
    if model.output == "sigmoid" or (model.output == "softmax" and model.sizes[-1] == 2):
        with np.errstate(all="ignore"):
            P = model.predict_proba(points)
        return P if model.output == "sigmoid" else P[:, 1]
    raise ValueError(
        "a decision boundary needs a two-class model (output='sigmoid', or 'softmax' with "
        "2 units); "
        f"got output={model.output!r} with {model.sizes[-1]} output units"
    )


def level_segments(xx, yy, P, level=0.5) -> list:
    """The ``level`` contour of ``P`` on the grid ``xx, yy`` as a list of (m, 2) segments."""
    import contourpy  # matplotlib's own contouring library (a matplotlib dependency)

    Z = np.ma.masked_invalid(P)
    gen = contourpy.contour_generator(x=xx, y=yy, z=Z, line_type="Separate")
    return [seg for seg in gen.lines(level) if len(seg) > 1]


def plot_decision_boundary(ax, model, X, y, *, resolution: int = 120, margin: float = 0.5):
    """Map of the model's P(class 1) over the plane, its 0.5 contour, and the data.

    Parameters
    ----------
    ax : Axes
    model : helpers.mlp.MLP
        Two inputs; a sigmoid output (or a two-unit softmax).
    X : array_like, shape (n, 2)
    y : array_like, shape (n,)
    resolution : int
        Grid points per side (``resolution**2`` forward passes, cheap for small nets).
    margin : float
        How far the grid extends beyond the data.

    Returns
    -------
    BoundaryArtists
        ``(image, contour, scatter, grid)``; pass it to :func:`update_decision_boundary` after
        training to change the picture in place.
    """
    check_model(model)
    X = _validate.matrix(X, "X", n_cols=2)
    xx, yy, points = datasets.grid(X, resolution=resolution, margin=margin)
    P = class1_probability(model, points).reshape(xx.shape)
    image = ax.imshow(
        P,
        origin="lower",
        extent=(xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]),
        cmap=PROBABILITY_CMAP,
        vmin=0.0,
        vmax=1.0,
        alpha=0.75,
        aspect="auto",
        interpolation="bilinear",
        zorder=1,
    )
    contour = LineCollection(
        level_segments(xx, yy, P), colors="black", linewidths=linewidth(), zorder=2
    )
    ax.add_collection(contour)
    scatter = plot_dataset(ax, X, y)
    set_limits(ax, x=(xx[0, 0], xx[0, -1]))
    set_limits(ax, y=(yy[0, 0], yy[-1, 0]))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    tidy_axes(ax)
    return BoundaryArtists(image, contour, scatter, (xx, yy, points), margin)


def update_decision_boundary(artists: BoundaryArtists, model, X, y) -> BoundaryArtists:
    """Redraw a :func:`plot_decision_boundary` in place for a new model and/or dataset.

    The grid is recomputed when ``X`` has changed (so the map always covers the data); returns
    the (possibly new-grid) artists tuple, whose artists are the same objects.
    """
    X = _validate.matrix(X, "X", n_cols=2)
    image, contour, scatter, (xx, yy, points), margin = artists
    old = np.asarray(scatter.get_offsets())
    if old.shape != X.shape or not np.array_equal(old, X):
        xx, yy, points = datasets.grid(X, resolution=xx.shape[0], margin=margin)
        image.set_extent((xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]))
        scatter.set_offsets(X)
        ax = image.axes
        set_limits(ax, x=(xx[0, 0], xx[0, -1]))
        set_limits(ax, y=(yy[0, 0], yy[-1, 0]))
    scatter.set_array(np.asarray(y, dtype=np.float64).ravel())
    P = class1_probability(model, points).reshape(xx.shape)
    image.set_data(P)
    contour.set_segments(level_segments(xx, yy, P))
    return BoundaryArtists(image, contour, scatter, (xx, yy, points), margin)


def update_dataset(scatter, X, y) -> None:
    """Show a new dataset in a :func:`plot_dataset` scatter, in place."""
    X = _validate.matrix(X, "X", n_cols=2)
    y = _validate.numeric_array(y, "y").ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels")
    scatter.set_offsets(X)
    scatter.set_array(y)
