"""The course's two styles, ``"default"`` (a laptop screen) and ``"lecture"`` (a projector), the
figures that follow them, and tidy axes.

:func:`use_style` switches matplotlib's rcParams and restyles, in place, every figure and explorer
registered with :func:`register` (held weakly). :func:`new_figure` makes a figure for a
notebook's static plots; :func:`fontsize`, :func:`linewidth` and :func:`markersize` give the
current style's sizes to code that places its own texts and lines.
"""

from __future__ import annotations

import io
import os
import weakref

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, LogLocator, MaxNLocator, NullFormatter

from .. import _validate

STYLES = ("default", "lecture")
"""The modes of :func:`use_style`."""

STYLE_ENV = "INITLAB_STYLE"
"""Environment variable that turns ``use_style("default")`` into another mode (a presenter's
switch; see :func:`use_style`)."""

SIZES = {
    "default": {"font": 10.0, "title": 11.0, "label": 10.0, "tick": 10.0, "legend": 10.0,
                "line": 1.6, "marker": 5.0, "figure": 1.0},
    "lecture": {"font": 16.0, "title": 18.0, "label": 16.0, "tick": 16.0, "legend": 15.0,
                "line": 3.2, "marker": 9.0, "figure": 1.2},
}  # fmt: skip
"""Font sizes (points), line width, marker size and figure scale of each style. No text is
smaller than 10 pt at a figure's stored size (:data:`MIN_FONT_SIZE`)."""

MIN_FONT_SIZE = 10.0
"""The smallest font size (points) of any text of a course figure, in the default style."""

_FIGSIZE = (6.4, 4.0)
_CYCLE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000"]

_mode = "default"
_registry: weakref.WeakSet = weakref.WeakSet()
_figure_modes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style_rc(mode: str | None = None) -> dict:
    """The matplotlib rcParams of a style mode (``"default"`` or ``"lecture"``; None: current)."""
    mode = _mode if mode is None else _validate.choice(mode, STYLES, "style mode")
    s = SIZES[mode]
    return {
        "font.size": s["font"],
        "axes.titlesize": s["title"],
        "axes.labelsize": s["label"],
        "xtick.labelsize": s["tick"],
        "ytick.labelsize": s["tick"],
        "legend.fontsize": s["legend"],
        "figure.titlesize": s["title"],
        "lines.linewidth": s["line"],
        "lines.markersize": s["marker"],
        "axes.linewidth": 0.8 * s["figure"],
        "grid.linewidth": 0.6 * s["figure"],
        "figure.figsize": (_FIGSIZE[0] * s["figure"], _FIGSIZE[1] * s["figure"]),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=_CYCLE),
        "axes.titlelocation": "left",
        # A fixed title height: matplotlib would otherwise measure every tick label of the
        # figure at each draw to lift titles above them.
        "axes.titley": 1.0,
        "legend.frameon": False,
        "image.cmap": "viridis",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "figure.dpi": 100,
    }


def current_style() -> str:
    """The mode last set by :func:`use_style` (``"default"`` until then)."""
    return _mode


def fontsize(kind: str = "font") -> float:
    """The current style's font size in points for ``kind``: font, title, label, tick, legend."""
    kinds = ("font", "title", "label", "tick", "legend")
    return SIZES[_mode][_validate.choice(kind, kinds, "font kind")]


def linewidth() -> float:
    """The current style's line width in points."""
    return SIZES[_mode]["line"]


def markersize() -> float:
    """The current style's marker size in points."""
    return SIZES[_mode]["marker"]


def figure_scale(mode: str | None = None) -> float:
    """How much larger than the default style's figures the figures of ``mode`` are."""
    mode = _mode if mode is None else _validate.choice(mode, STYLES, "style mode")
    return SIZES[mode]["figure"]


def use_style(mode: str = "default") -> None:
    """Switch the course's plotting style.

    Parameters
    ----------
    mode : {"default", "lecture"}
        ``"lecture"``: fonts about 1.6x larger, lines twice as thick, larger markers and figures,
        readable from the back of a lecture hall.

    The call changes matplotlib's rcParams (so every figure made afterwards, with
    :func:`new_figure` or with pyplot, follows it) and restyles, in place, every explorer and
    every :func:`new_figure` figure that is still alive.

    A presenter can switch whole notebooks without editing them: when the environment variable
    ``INITLAB_STYLE`` is set (to ``"default"`` or ``"lecture"``), ``use_style("default")``, the
    call in every notebook's setup cell, uses that mode instead (``tools/present.py`` sets
    ``INITLAB_STYLE=lecture``). An explicit ``use_style("lecture")`` is never overridden.
    """
    global _mode
    mode = _validate.choice(mode, STYLES, "style mode")
    if mode == "default" and os.environ.get(STYLE_ENV, "").strip():
        mode = _validate.choice(
            os.environ[STYLE_ENV].strip(), STYLES, f"environment variable {STYLE_ENV}"
        )
    _mode = mode
    mpl.rcParams.update(style_rc(mode))
    for obj in list(_registry):
        obj.restyle(mode)


def register(obj) -> None:
    """Register an object with a ``restyle(mode)`` method so that :func:`use_style` restyles it
    (held weakly: registering never keeps anything alive)."""
    if not callable(getattr(obj, "restyle", None)):
        raise TypeError(f"register() needs an object with a restyle(mode) method; got {obj!r}")
    _registry.add(obj)


def figure_style(fig) -> str:
    """The style ``fig`` is drawn in now (the mode it was made in, or last restyled to)."""
    return _figure_modes.get(fig, "default")


def _new_size(size: float, old: dict, new: dict) -> float:
    """A font size in the new style: the new style's size for a size of the old style's table,
    else scaled by the ratio of the two base fonts (so that switching back restores it)."""
    for kind in ("title", "font", "tick"):
        if size == old[kind]:
            return new[kind]
    return size * new["font"] / old["font"]


def restyle_figure(fig, mode: str) -> None:
    """Restyle an existing figure in place from the style it is in to ``mode``.

    Font sizes, line widths, marker sizes and the figure size change by the ratio of the two
    modes' sizes (so switching back restores the original figure); tick labels get the mode's
    exact size.
    """
    mode = _validate.choice(mode, STYLES, "style mode")
    old_mode = figure_style(fig)
    if old_mode == mode:
        return
    a, b = SIZES[old_mode], SIZES[mode]
    line_ratio, marker_ratio = b["line"] / a["line"], b["marker"] / a["marker"]
    for text in fig.findobj(Text):
        text.set_fontsize(_new_size(text.get_fontsize(), a, b))
    for ax in fig.axes:
        ax.tick_params(labelsize=b["tick"], width=0.8 * b["figure"])
        for spine in ax.spines.values():
            spine.set_linewidth(0.8 * b["figure"])
        lines = list(ax.lines)
        legend = ax.get_legend()
        if legend is not None:
            lines += [h for h in legend.legend_handles if isinstance(h, Line2D)]
        for line in lines:
            line.set_linewidth(line.get_linewidth() * line_ratio)
            line.set_markersize(line.get_markersize() * marker_ratio)
        for coll in ax.collections:
            if isinstance(coll, LineCollection):
                coll.set_linewidths(np.asarray(coll.get_linewidths()) * line_ratio)
            elif isinstance(coll, PathCollection) and len(coll.get_sizes()):
                coll.set_sizes(np.asarray(coll.get_sizes()) * marker_ratio**2)
    w, h = fig.get_size_inches()
    ratio = b["figure"] / a["figure"]
    fig.set_size_inches(w * ratio, h * ratio, forward=True)
    _figure_modes[fig] = mode


class CourseFigure(Figure):
    """A matplotlib Figure in the course style, which shows itself as a PNG where a notebook cell
    ends with it and restyles itself when :func:`use_style` is called (see :func:`new_figure`).

    IPython's own figure formatters exist only once pyplot has loaded a backend; a figure made
    without pyplot would otherwise display as its text repr alone.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _figure_modes[self] = _mode

    def restyle(self, mode: str) -> None:
        """Restyle this figure (see :func:`restyle_figure`)."""
        restyle_figure(self, mode)

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()


def course_figure(figsize) -> CourseFigure:
    """A :class:`CourseFigure` of ``figsize`` inches (default-style size: lecture figures are
    larger), made without pyplot, constrained layout, in the current style's rcParams. The
    caller attaches a canvas (Agg or ipympl) and restyles it (e.g. an explorer, registered with
    :func:`register`)."""
    scale = figure_scale()
    with mpl.rc_context(style_rc()):
        fig = CourseFigure(figsize=(figsize[0] * scale, figsize[1] * scale), layout="constrained")
    return fig


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=None, **kw):
    """A figure in the course style, for a notebook's static plots.

    The figure is made without pyplot (a :class:`CourseFigure` with an Agg canvas), so it
    never appears twice, never piles up in pyplot's list of open figures, and shows where the cell
    ends with ``fig`` (as a picture, in JupyterLab and in any static view). It follows
    :func:`use_style`, now and when the style changes later.

    Parameters
    ----------
    nrows, ncols : int
        Grid of Axes.
    figsize : (float, float), optional
        Inches; default 6.4 x 4 per the default style (larger in lecture mode), widened for
        several columns.
    **kw
        Passed to ``Figure.subplots`` (``sharex``, ``sharey``, ``squeeze``, ``subplot_kw``,
        ``gridspec_kw``, ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
        As ``plt.subplots`` returns them.
    """
    nrows = _validate.positive_int(nrows, "nrows")
    ncols = _validate.positive_int(ncols, "ncols")
    rc = style_rc()
    if figsize is None:
        w, h = rc["figure.figsize"]
        figsize = (w * min(ncols, 3) ** 0.75, h * min(nrows, 3) ** 0.75)
    with mpl.rc_context(rc):
        fig = CourseFigure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, **kw)
    register(fig)
    return fig, axes


# ----------------------------------------------------------------------------------------------
# Tidy axes


class SafeLogLocator(LogLocator):
    """matplotlib's LogLocator, minus its overflow warning for limits near 1e300 (it computes
    ``10 ** (largest exponent + stride)``); ticks that would overflow are simply left out."""

    def tick_values(self, vmin, vmax):
        with np.errstate(over="ignore"):
            ticks = super().tick_values(vmin, vmax)
        return ticks[np.isfinite(ticks)]


class TidyLocator(MaxNLocator):
    """The locator :func:`tidy_axes` puts on linear axes: at most about 5 labelled ticks."""


TIDY_STEPS = [1, 2, 2.5, 5, 10]


def count_locator() -> TidyLocator:
    """A :class:`TidyLocator` for an axis that counts (layers, blocks, steps): whole numbers
    only, as many ticks as :func:`tidy_axes` allows (``MaxNLocator(integer=True)`` alone puts up
    to 10 on an axis, whose labels run together at depth 60, and 0.4, 0.6, ... at depth 1)."""
    return TidyLocator(nbins=_tidy_nbins(), steps=TIDY_STEPS, integer=True, min_n_ticks=1)


def _tidy_nbins() -> int:
    return 5 if _mode == "default" else 4  # lecture mode's labels are larger


def tidy_axes(ax) -> None:
    """At most about 5 labelled ticks on linear axes (4 in lecture mode, whose labels are larger)
    and no minor-tick labels on log axes.

    Text is what a matplotlib draw spends most of its time on; fewer labels keep explorer
    redraws fast and figures uncluttered. Locators set on purpose (e.g. integer layer numbers)
    are kept.
    """
    for axis in (ax.xaxis, ax.yaxis):
        scale = axis.get_scale()
        locator = axis.get_major_locator()
        nbins = _tidy_nbins()
        if scale == "linear" and type(locator) is AutoLocator:
            axis.set_major_locator(TidyLocator(nbins=nbins, steps=TIDY_STEPS))
        elif scale == "linear" and isinstance(locator, TidyLocator):
            locator.set_params(nbins=nbins)  # keeps integer=True of a count_locator
        elif scale == "log":
            if type(locator) is LogLocator:
                axis.set_major_locator(SafeLogLocator())
                axis.set_minor_locator(SafeLogLocator(subs="auto"))
            axis.set_minor_formatter(NullFormatter())


def set_scale(ax, which: str, scale: str, **kw) -> None:
    """``ax.set_xscale``/``set_yscale`` only when the scale changes (changing it resets the
    axis's tick locators), then :func:`tidy_axes`."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    if axis.get_scale() != scale:
        (ax.set_xscale if which == "x" else ax.set_yscale)(scale, **kw)
        tidy_axes(ax)


def panel_title(ax, text: str):
    """A short panel title on the left, in the style's legend size; returns its Text."""
    return ax.set_title(text, fontsize=fontsize("legend"), loc="left")


def set_limits(ax, *, x=None, y=None) -> None:
    """Set the x and/or y limits only where they differ from the current ones (setting equal
    limits would still mark the figure as changed, and an explorer would redraw all of it)."""
    if x is not None and tuple(ax.get_xlim()) != tuple(map(float, x)):
        ax.set_xlim(*x)
    if y is not None and tuple(ax.get_ylim()) != tuple(map(float, y)):
        ax.set_ylim(*y)


def set_text(text, s: str) -> None:
    """``text.set_text(s)`` only when the text differs (see :func:`set_limits`)."""
    if text.get_text() != s:
        text.set_text(s)


LEGEND_CORNERS = ("upper right", "upper left", "lower left", "lower right")
"""The corners :func:`place_legend` chooses from."""


def place_legend(legend, lines, current: str) -> str:
    """Move ``legend`` to the corner of its Axes (:data:`LEGEND_CORNERS`) that covers the fewest
    points of ``lines``; it stays at ``current`` unless another corner covers fewer. Returns the
    corner it is in.

    ``loc="best"`` would choose at each full draw only: lines redrawn by blitting could then run
    under a legend that a full draw would move. An explorer calls this when its lines change.
    """
    ax = legend.axes
    box = legend.get_window_extent()
    pad = legend.borderaxespad * legend.prop.get_size_in_points() * ax.figure.dpi / 72
    pts = [ax.transData.transform(ln.get_xydata()) for ln in lines if len(ln.get_xdata())]
    pts = np.concatenate(pts) if pts else np.empty((0, 2))
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    a = ax.bbox

    def covered(corner: str) -> int:
        x0 = a.x1 - pad - box.width if "right" in corner else a.x0 + pad
        y0 = a.y1 - pad - box.height if "upper" in corner else a.y0 + pad
        inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x0 + box.width)
        return int(np.count_nonzero(inside & (pts[:, 1] >= y0) & (pts[:, 1] <= y0 + box.height)))

    counts = {c: covered(c) for c in LEGEND_CORNERS}
    best = min(LEGEND_CORNERS, key=counts.get)
    corner = current if counts.get(current, np.inf) <= counts[best] else best
    if corner != current:
        legend.set_loc(corner)
    return corner
