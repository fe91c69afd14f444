"""Activations and saturation: f and f' of an activation, the histogram of pre-activations with
the saturated region shaded, and the histogram of the outputs f(z)."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .. import _validate, activations
from .colors import activation_color
from .ranges import histogram_fractions, nice_ceil, step_outline, sticky_limits, sticky_top
from .style import linewidth, set_limits, tidy_axes

ActivationArtists = namedtuple("ActivationArtists", "f fprime")
ActivationArtists.__doc__ = (
    """Lines of :func:`plot_activation`: f(z) and f'(z) (None if not shown)."""
)


def plot_activation(ax, activation: str, *, z=None, show_derivative: bool = True):
    """The activation f(z) (solid) and its derivative f'(z) (dashed), in the activation's colour.

    Parameters
    ----------
    ax : Axes
    activation : str
        One of :data:`helpers.activations.ACTIVATIONS`.
    z : array_like, shape (m,), optional
        Where to evaluate; default 401 points on [-6, 6].
    show_derivative : bool

    Returns
    -------
    ActivationArtists
        ``(f, fprime)`` Line2D objects.
    """
    activation = activations.check_activation(activation)
    z = np.linspace(-6.0, 6.0, 401) if z is None else _validate.numeric_array(z, "z").ravel()
    color = activation_color(activation)
    (f,) = ax.plot(z, activations.activate(activation, z), color=color, label=f"{activation}(z)")
    fp = None
    if show_derivative:
        (fp,) = ax.plot(
            z,
            activations.derivative(activation, z),
            color=color,
            linestyle="--",
            label=f"{activation}'(z)",
        )
    set_limits(ax, x=(z.min(), z.max()))
    ax.set_xlabel("pre-activation z")
    tidy_axes(ax)
    return ActivationArtists(f, fp)


def update_activation(artists: ActivationArtists, activation: str, *, z=None) -> None:
    """Show another activation (and/or another z range) in a :func:`plot_activation`, in place;
    the y limits fit both curves."""
    activation = activations.check_activation(activation)
    ax = artists.f.axes
    z = np.linspace(*ax.get_xlim(), 401) if z is None else _validate.numeric_array(z, "z").ravel()
    color = activation_color(activation)
    f = activations.activate(activation, z)
    artists.f.set_data(z, f)
    artists.f.set_color(color)
    shown = [f]
    if artists.fprime is not None:
        fp = activations.derivative(activation, z)
        artists.fprime.set_data(z, fp)
        artists.fprime.set_color(color)
        shown.append(fp)
    set_limits(ax, x=(z.min(), z.max()))
    lo, hi = min(v.min() for v in shown), max(v.max() for v in shown)
    set_limits(ax, y=sticky_limits(ax.get_ylim(), lo, hi))


SaturationArtists = namedtuple("SaturationArtists", "hist shade_low shade_high thresholds bins")
SaturationArtists.__doc__ = """Artists of :func:`plot_saturation`: the filled histogram (Polygon),
the two shaded saturated regions (Rectangles from ``axvspan``), the two threshold lines and the
number of bins."""


def saturation_range(Z, activation: str, *, current=None) -> tuple[float, float]:
    """Symmetric x range for a pre-activation histogram: the central 99.5% of |Z| with 10% room,
    and never narrower than 1.5 times the saturation threshold (so the flat tails are in view),
    rounded up to a nice number (or kept at ``current`` (lo, hi), see
    :func:`~helpers.plotting.sticky_top`)."""
    activation = activations.check_activation(activation)
    z = np.abs(_validate.numeric_array(Z, "Z").ravel())
    t = activations.SATURATION_Z.get(activation, 2.0)
    q = float(np.quantile(z, 0.995)) if z.size else 0.0
    needed = max(1.1 * q, 1.5 * t)
    R = nice_ceil(needed) if current is None else sticky_top(current[1], needed)
    return -R, R


def plot_saturation(ax, Z, activation: str, *, bins: int = 80, range=None):
    """Histogram of pre-activations with the saturated region shaded.

    Sigmoid and tanh: ``|z| > helpers.activations.SATURATION_Z[activation]`` is shaded (where
    f'(z) is below a tenth of its peak). ReLU: ``z <= 0`` is shaded (zero slope: no gradient).
    Leaky ReLU: ``z <= 0`` (slope 0.01). Linear: nothing is shaded.

    Parameters
    ----------
    ax : Axes
    Z : array_like, any shape
        Pre-activations.
    activation : str
    bins : int
    range : (float, float), optional
        Default :func:`saturation_range`.

    Returns
    -------
    SaturationArtists
        Update with :func:`update_saturation`.
    """
    bins = _validate.positive_int(bins, "bins")
    activation = activations.check_activation(activation)
    (hist,) = ax.fill([0, 1], [0, 0], color=activation_color(activation), alpha=0.55, linewidth=0)
    shade_low = ax.axvspan(0, 0, color="0.55", alpha=0.25, linewidth=0, zorder=0)
    shade_high = ax.axvspan(
        0, 0, color="0.55", alpha=0.25, linewidth=0, zorder=0, label="saturated"
    )
    t1 = ax.axvline(0, color="0.3", linestyle=":", linewidth=0.7 * linewidth())
    t2 = ax.axvline(0, color="0.3", linestyle=":", linewidth=0.7 * linewidth())
    ax.set_xlabel("pre-activation z")
    ax.set_ylabel("fraction of units")
    artists = SaturationArtists(hist, shade_low, shade_high, (t1, t2), bins)
    update_saturation(artists, Z, activation, range=range)
    tidy_axes(ax)
    return artists


def update_saturation(artists: SaturationArtists, Z, activation: str, *, range=None) -> None:
    """Show new pre-activations (and/or a new activation) in a :func:`plot_saturation`, in place."""
    activation = activations.check_activation(activation)
    bins = artists.bins
    lo, hi = (
        saturation_range(Z, activation, current=artists.hist.axes.get_xlim())
        if range is None
        else (float(range[0]), float(range[1]))
    )
    edges = np.linspace(lo, hi, bins + 1)
    h = histogram_fractions(Z, bins=bins, range=(lo, hi))
    x, y = step_outline(edges, h)
    artists.hist.set_xy(np.column_stack([x, y]))
    artists.hist.set_facecolor(activation_color(activation))
    t1, t2 = artists.thresholds
    low, high = artists.shade_low, artists.shade_high
    t = activations.SATURATION_Z.get(activation)
    if t is not None:  # |z| > t
        spans, lines = [(low, lo, max(-t - lo, 0.0)), (high, t, max(hi - t, 0.0))], [-t, t]
    elif activation in ("relu", "leaky_relu"):  # z <= 0
        spans, lines = [(low, lo, max(-lo, 0.0))], [0.0]
    else:
        spans, lines = [], []
    for k, shade in enumerate((low, high)):
        _show_span(shade, *spans[k][1:]) if k < len(spans) else _hide(shade)
    for k, line in enumerate((t1, t2)):
        _show_line(line, lines[k]) if k < len(lines) else _hide(line)
    ax = artists.hist.axes
    set_limits(ax, x=(lo, hi))
    top = float(h.max()) if h.size else 0.0
    set_limits(ax, y=(0.0, sticky_top(ax.get_ylim()[1], top * 1.05)))


def shade_saturated(ax, activation: str, z_range=(-8.0, 8.0)) -> list:
    """Shade, in :func:`plot_saturation`'s grey, where ``activation`` saturates within
    ``z_range`` (|z| > ``SATURATION_Z``; ``z <= 0`` for ReLU and leaky ReLU; nothing for linear).
    Returns the shaded rectangles."""
    activation = activations.check_activation(activation)
    lo, hi = float(z_range[0]), float(z_range[1])
    if not hi > lo:
        raise ValueError(f"z_range must be (lo, hi) with lo < hi; got {z_range!r}")
    t = activations.SATURATION_Z.get(activation)
    spans = [(lo, -t), (t, hi)] if t is not None else []
    if activation in ("relu", "leaky_relu"):
        spans = [(lo, 0.0)]
    return [ax.axvspan(a, b, color="0.55", alpha=0.25, linewidth=0, zorder=0)
            for a, b in spans if b > a]  # fmt: skip


def _show_span(rect, x: float, width: float) -> None:
    """Show an ``axvspan`` rectangle from ``x`` over ``width``, changing only what differs (so
    that an unchanged figure stays unchanged, see :func:`helpers.plotting.set_limits`)."""
    if (rect.get_x(), rect.get_width()) != (x, width):
        rect.set_x(x)
        rect.set_width(width)
    if not rect.get_visible():
        rect.set_visible(True)


def _show_line(line, x: float) -> None:
    if list(line.get_xdata()) != [x, x]:
        line.set_xdata([x, x])
    if not line.get_visible():
        line.set_visible(True)


def _hide(artist) -> None:
    if artist.get_visible():
        artist.set_visible(False)


OUTPUT_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""The x range of :func:`plot_outputs` for the bounded activations."""


def output_range(A, activation: str) -> tuple[float, float]:
    """x range for a histogram of the outputs ``A`` of ``activation``: the whole range of sigmoid
    and tanh; for the others the central 99.5% of ``|A|`` with 10% room, rounded
    up to a nice number (from just below 0 for
    ReLU, whose outputs are never negative)."""
    activation = activations.check_activation(activation)
    if activation in OUTPUT_RANGE:
        return OUTPUT_RANGE[activation]
    q = float(np.quantile(np.abs(_validate.numeric_array(A, "A")), 0.995)) if np.size(A) else 1.0
    top = nice_ceil(1.1 * q) if q > 0 else 1.0
    return (-top, top) if activation in ("linear", "leaky_relu") else (-0.05 * top, top)


def plot_outputs(ax, A, activation: str, *, bins: int = 60):
    """Filled histogram of the unit outputs ``A`` (any shape) of ``activation``: where they pile
    up (at 0 and 1 for a saturated sigmoid). Returns the Polygon; update with
    :func:`update_outputs`."""
    bins = _validate.positive_int(bins, "bins")
    (hist,) = ax.fill([0, 1], [0, 0], alpha=0.55, linewidth=0)
    ax.set_xlabel("unit output f(z)")
    ax.set_ylabel("fraction of units")
    update_outputs(hist, A, activation, bins=bins)
    tidy_axes(ax)
    return hist


def update_outputs(hist, A, activation: str, *, bins: int = 60) -> None:
    """Show new outputs in a :func:`plot_outputs` histogram, in place (limits included)."""
    activation = activations.check_activation(activation)
    lo, hi = output_range(A, activation)
    h = histogram_fractions(A, bins=bins, range=(lo, hi))
    x, y = step_outline(np.linspace(lo, hi, bins + 1), h)
    hist.set_xy(np.column_stack([x, y]))
    hist.set_facecolor(activation_color(activation))
    ax = hist.axes
    set_limits(ax, x=(lo, hi))
    set_limits(ax, y=(0.0, sticky_top(ax.get_ylim()[1], h.max() * 1.05)))
