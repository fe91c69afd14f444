"""Per-layer statistics: the std of each layer on a log axis, and one histogram per layer."""

from __future__ import annotations

from collections import namedtuple

import matplotlib as mpl
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.ticker import MaxNLocator

from .. import _validate, diagnostics
from .colors import LAYER_CMAP, layer_colors, theory_color
from .ranges import (
    decade_limits,
    finite_positive,
    histogram_fractions,
    masked,
    nice_ceil,
    step_outline,
    sticky_decades,
    sticky_top,
)
from .style import count_locator, fontsize, linewidth, set_limits, tidy_axes

STD_GID = "course-layer-std"
"""``gid`` of the measured lines of :func:`plot_layer_std` (``+ "-theory"``, ``+ "-note"``: its
theory lines and notes), so that several on one Axes share the limits."""


LayerStdArtists = namedtuple("LayerStdArtists", "line theory note")
LayerStdArtists.__doc__ = """Artists of :func:`plot_layer_std`: the measured line, the theory line
(None when no theory was given) and a Text listing layers whose std is exactly 0 (hidden when
there are none)."""


def plot_layer_std(ax, stds, *, theory=None, label=None, color=None, marker="o"):
    """Standard deviation per layer on a log y axis, x = layer 1..L, with an optional theory line.

    Parameters
    ----------
    ax : Axes
    stds : array_like, shape (L,)
        Measured std of each layer (e.g. ``diagnostics.forward_std(model, X)``).
    theory : float or array_like of shape (L,), optional
        Prediction drawn dashed in the same colour: a scalar is a level line (e.g. 1.0, the std
        the schemes aim to keep), an array a per-layer prediction.
    label, color, marker : optional
        Legend label, colour, marker.

    Returns
    -------
    LayerStdArtists
        ``(line, theory, note)``. A std of exactly 0 cannot be shown on a log axis: such layers
        are listed in ``note`` instead of silently vanishing. Call it once per setting to
        compare several on one Axes: the limits cover every line drawn with it.
    """
    stds = _validate.numeric_array(stds, "stds").ravel()
    (line,) = ax.plot([], [], marker=marker, label=label, color=color, gid=STD_GID)
    th = None
    if theory is not None:
        (th,) = ax.plot(
            [],
            [],
            linestyle="--",
            # a darker shade of the measurement's colour, on top of it: a theory that agrees
            # stays visible over the measured line instead of vanishing into it
            color=theory_color(line.get_color()),
            linewidth=0.7 * line.get_linewidth(),
            label="theory" if label is None else f"{label}: theory",
            gid=STD_GID + "-theory",
            zorder=line.get_zorder() + 0.1,
        )
    others = [t for t in ax.texts if t.get_gid() == STD_GID + "-note"]
    note = ax.text(
        0.02,
        0.03 + 0.07 * len(others),
        "",
        transform=ax.transAxes,
        fontsize=fontsize("legend"),
        color=line.get_color(),
        va="bottom",
        gid=STD_GID + "-note",
    )
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("standard deviation")
    ax.xaxis.set_major_locator(count_locator())
    artists = LayerStdArtists(line, th, note)
    update_layer_std(artists, stds, theory=theory)
    tidy_axes(ax)
    return artists


def _zero_layers_text(stds) -> str:
    zero = np.nonzero(np.asarray(stds) == 0)[0] + 1
    if zero.size == 0:
        return ""
    if zero.size == 1:
        where = f"layer {zero[0]}"
    elif np.all(np.diff(zero) == 1):
        where = f"layers {zero[0]}-{zero[-1]}"
    else:
        where = "layers " + ", ".join(map(str, zero[:5])) + ("..." if zero.size > 5 else "")
    return f"std exactly 0 in {where}\n(not drawable on a log axis)"  # two lines: a panel is narrow


def update_layer_std(artists: LayerStdArtists, stds, *, theory=None, limits=True) -> None:
    """Change a :func:`plot_layer_std` in place (``theory`` as in :func:`plot_layer_std`).

    With ``limits=False`` the axis limits are left alone (an explorer that draws several
    std lines on one Axes sets them once for all).
    """
    stds = _validate.numeric_array(stds, "stds").ravel()
    L = stds.size
    x = np.arange(1, L + 1)
    artists.line.set_data(x, masked(stds))
    th = None
    if artists.theory is not None:
        if theory is None:
            artists.theory.set_data([], [])
        else:
            th = (
                np.broadcast_to(np.asarray(theory, dtype=np.float64), (L,))
                if np.ndim(theory) == 0
                else np.asarray(theory, dtype=np.float64).ravel()
            )
            if th.size != L:
                raise ValueError(f"theory has {th.size} values but stds has {L} layers")
            artists.theory.set_data(x, masked(th))
    artists.note.set_text(_zero_layers_text(stds))
    if limits:  # fit every std line drawn on these Axes, not only this one
        ax = artists.line.axes
        drawn = [ln for ln in ax.lines if ln.get_gid() in (STD_GID, STD_GID + "-theory")]
        ys = [ln.get_ydata() for ln in drawn]
        set_limits(ax, x=(0.5, max(max(len(ln.get_xdata()) for ln in drawn), 1) + 0.5))
        set_limits(ax, y=sticky_decades(ax.get_ylim(), *[np.asarray(y) for y in ys]))


HistogramArtists = namedtuple(
    "HistogramArtists", "lines colorbar mappable bins range label_every magnitude"
)
HistogramArtists.__doc__ = """Artists of :func:`plot_layer_histograms`: a pool of step lines (the
unused ones hidden), the colourbar that says which colour is which layer, its ScalarMappable,
the number of bins, a one-element list holding the current (lo, hi) range, which layers the
colourbar labels (every k-th), and whether x is the magnitude ``|value|`` on a log axis."""


def plot_layer_histograms(
    ax,
    arrays,
    *,
    bins: int = 60,
    range=None,
    label_every: int = 1,
    max_layers=None,
    colorbar: bool = True,
    magnitude: bool = False,
):
    """One step histogram per layer, coloured from dark (layer 1) to light (layer L).

    With ``magnitude=True`` the x axis is the magnitude ``|value|`` on a log scale (bins equal in
    log): a layer whose values shrink by a factor per layer moves left by the same distance at
    every layer instead of collapsing into one spike at 0, so that every layer stays readable on
    one shared axis (exact zeros have no magnitude to show and are left out).

    Parameters
    ----------
    ax : Axes
    arrays : list of array_like
        ``arrays[l - 1]`` holds layer ``l``'s values (any shape, e.g. ``(n, width)``).
    bins : int
        Number of equal bins, the same for every layer.
    range : (float, float), optional
        Common x range; default symmetric, four times the largest per-layer std (or [0, ...]
        when every value is >= 0); with ``magnitude``, whole decades from the smallest layer's
        0.5% quantile of ``|value|`` to the largest ``|value|``
        (:func:`default_magnitude_range`).
    label_every : int
        Label every k-th layer on the colourbar.
    max_layers : int, optional
        Size of the pool of lines (default ``len(arrays)``): an explorer makes 50 once and shows
        as many as the depth slider asks for.
    colorbar : bool
        Draw the colourbar (False when a neighbouring panel's colourbar already says which
        colour is which layer).
    magnitude : bool
        Histograms of ``log10 |value|`` on a log x axis (see above).

    Returns
    -------
    HistogramArtists
        y is the fraction of that layer's values in each bin; update with
        :func:`update_layer_histograms`.
    """
    bins = _validate.positive_int(bins, "bins")
    label_every = _validate.positive_int(label_every, "label_every")
    arrays = list(arrays)
    pool = max(len(arrays), max_layers or 0, 1)
    lines = [ax.plot([], [], linewidth=0.75 * linewidth())[0] for _ in np.arange(pool)]
    mappable, cbar = _layer_colorbar(ax, len(arrays), colorbar)
    ax.set_ylabel("fraction of values")
    if magnitude:
        ax.set_xscale("log")
    artists = HistogramArtists(lines, cbar, mappable, bins, [None], label_every, bool(magnitude))
    update_layer_histograms(artists, arrays, range=range)
    tidy_axes(ax)
    return artists


def _layer_colorbar(ax, n_layers: int, draw: bool):
    """The ScalarMappable of the layer colours (1..n_layers) and its colourbar (None unless
    ``draw``)."""
    mappable = mpl.cm.ScalarMappable(
        norm=Normalize(1, max(n_layers, 2)),
        cmap=LinearSegmentedColormap.from_list(
            "initlab_layers", [LAYER_CMAP(t) for t in np.linspace(0, 0.9, 64)]
        ),
    )
    if not draw:
        return mappable, None
    # a pad of 3% of the Axes' width keeps the colour bar clear of a tick label at the axis'
    # end (1% left 2 px, so that a live figure redrew the colour bar with its neighbour)
    cbar = ax.figure.colorbar(mappable, ax=ax, pad=0.03, fraction=0.05, aspect=25)
    cbar.set_label("layer")
    cbar.locator = MaxNLocator(integer=True, nbins=6)  # layer numbers
    return mappable, cbar


def default_histogram_range(arrays, *, current=None) -> tuple[float, float]:
    """Four times the largest per-layer root mean square around 0, rounded up to a nice number
    or kept at ``current`` (lo, hi) (see :func:`~helpers.plotting.sticky_top`); ``[0, ...]``
    if nothing is negative."""
    s = max((diagnostics.rms(a) for a in arrays), default=0.0)
    if s > 0:
        hi = nice_ceil(4.0 * s) if current is None else sticky_top(current[1], 4.0 * s)
    else:
        hi = 1.0
    nonneg = all(np.size(a) == 0 or float(np.min(a)) >= 0 for a in arrays)
    return (0.0, hi) if nonneg else (-hi, hi)


def default_magnitude_range(arrays, *, current=None) -> tuple[float, float]:
    """Whole decades covering the magnitudes ``|value|`` of every layer: from the smallest
    layer's 0.5% quantile (a few values nearer 0 do not stretch the axis) to the largest value,
    kept at ``current`` while it covers them with at most two spare decades at either end
    (:func:`~helpers.plotting.sticky_decades`)."""
    lows, highs = [], []
    for a in arrays:
        m = finite_positive(np.abs(np.asarray(a, dtype=np.float64)))
        if m.size:
            lows.append(float(np.quantile(m, 0.005)))
            highs.append(float(m.max()))
    parts = [np.array([min(lows), max(highs)])] if lows else []
    if current is None:
        return decade_limits(*parts, pad=1.0, default=(1e-3, 10.0))
    return sticky_decades(current, *parts, pad=1.0)


def _magnitude_fractions(values, bins: int, lo: float, hi: float) -> np.ndarray:
    """Fraction of all ``values`` whose ``|value|`` falls in each of ``bins`` log-equal bins."""
    v = np.abs(np.asarray(values, dtype=np.float64)).ravel()
    if v.size == 0:
        return np.zeros(bins)
    m = finite_positive(v)
    counts, _ = np.histogram(np.log10(m), bins=bins, range=(np.log10(lo), np.log10(hi)))
    return counts / v.size


def update_layer_histograms(artists: HistogramArtists, arrays, *, range=None) -> None:
    """Show ``arrays`` (one per layer) in a :func:`plot_layer_histograms`, in place."""
    arrays = list(arrays)
    L = len(arrays)
    lines = artists.lines
    if L > len(lines):
        ax = lines[0].axes
        lines.extend(
            ax.plot([], [], linewidth=0.75 * linewidth())[0] for _ in np.arange(L - len(lines))
        )
    auto = default_magnitude_range if artists.magnitude else default_histogram_range
    lo, hi = (
        auto(arrays, current=artists.range[0])
        if range is None
        else (float(range[0]), float(range[1]))
    )
    if not hi > lo or (artists.magnitude and not lo > 0):
        allowed = "0 < lo < hi (magnitudes)" if artists.magnitude else "lo < hi"
        raise ValueError(f"range must be (lo, hi) with {allowed}; got {(lo, hi)}")
    artists.range[0] = (lo, hi)
    if artists.magnitude:
        edges = np.logspace(np.log10(lo), np.log10(hi), artists.bins + 1)
    else:
        edges = np.linspace(lo, hi, artists.bins + 1)
    colors = layer_colors(max(L, 1))
    top = 0.0
    for i, line in enumerate(lines):
        if i < L:
            h = (
                _magnitude_fractions(arrays[i], artists.bins, lo, hi)
                if artists.magnitude
                else histogram_fractions(arrays[i], bins=artists.bins, range=(lo, hi))
            )
            top = max(top, float(h.max()) if h.size else 0.0)
            line.set_data(*step_outline(edges, h))
            line.set_color(colors[i])
            line.set_visible(True)
        else:
            line.set_visible(False)
    ax = lines[0].axes
    set_limits(ax, x=(lo, hi))
    set_limits(ax, y=(0.0, sticky_top(ax.get_ylim()[1], top * 1.05)))
    if tuple(artists.mappable.get_clim()) != (1, max(L, 2)):  # else the colourbar redraws
        artists.mappable.set_clim(1, max(L, 2))
    if artists.colorbar is not None and artists.label_every > 1:
        artists.colorbar.set_ticks(np.arange(1, L + 1, artists.label_every))
