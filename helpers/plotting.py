"""Plots for the course: ``plot_*(ax, ...)`` functions that draw on a given Axes and return their
artists, plus ``update_*`` functions that change those artists in place.

Every plot of the course uses the same colour for a scheme (:data:`SCHEME_COLORS`), for an
activation (:data:`ACTIVATION_COLORS`), for a class of a dataset (:data:`CLASS_COLORS`) and for
a layer at a given depth (:func:`layer_colors`). :func:`use_style` switches every figure made
afterwards, and every explorer already on screen, between the ``"default"`` style and the
``"lecture"`` style (projector: large fonts, thick lines, large markers).

Nothing here trains or calls ``plt.show()``/``savefig``: the numbers come from
:mod:`helpers.mlp`, :mod:`helpers.train` and :mod:`helpers.diagnostics`, and the explorers in
:mod:`helpers.widgets` re-run them and call the ``update_*`` functions when a slider moves.

Typical use in a notebook::

    from helpers import plotting
    fig, ax = plotting.new_figure()
    plotting.plot_layer_std(ax, stds, theory=1.0, label="xavier, tanh")
    fig          # ending the cell with the figure shows it
"""

from __future__ import annotations

import io
import math
import os
import weakref
from collections import namedtuple

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, LogLocator, MaxNLocator, NullFormatter

from . import _validate, activations, diagnostics
from . import data as datasets

# ----------------------------------------------------------------------------------------------
# Colours: one per scheme, one per activation, the same in every plot of the course.

SCHEME_COLORS = {
    "zeros": "#4d4d4d",  # greys: the symmetric schemes
    "constant": "#a0a0a0",
    "uniform": "#c49a6c",  # browns: the naive random schemes
    "normal": "#8c564b",
    "lecun_uniform": "#74c476",  # greens: LeCun
    "lecun_normal": "#2ca02c",
    "xavier_uniform": "#6baed6",  # blues: Xavier/Glorot
    "xavier_normal": "#1f77b4",
    "he_uniform": "#fc8d59",  # reds: He/Kaiming
    "he_normal": "#d62728",
    "orthogonal": "#9467bd",  # purple
}
"""Colour of each initialisation scheme (every name in :data:`helpers.init.SCHEMES`).

One hue per family (greys: zeros/constant, browns: uniform/normal, greens: LeCun, blues: Xavier,
reds: He, purple: orthogonal); the ``*_uniform`` variant is the lighter shade."""

ACTIVATION_COLORS = {
    "sigmoid": "#e69f00",  # Okabe-Ito palette: distinguishable with colour blindness
    "tanh": "#0072b2",
    "relu": "#009e73",
    "leaky_relu": "#cc79a7",
    "linear": "#555555",
}
"""Colour of each hidden activation (every name in :data:`helpers.activations.ACTIVATIONS`)."""

CLASS_COLORS = ("#2166ac", "#b2182b")
"""Colours of class 0 (blue) and class 1 (red) of the 2-D datasets; the decision-boundary map
uses the same two ends (:data:`PROBABILITY_CMAP`)."""

PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "initlab_probability", [CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1]]
)
"""Colour map of P(class 1): blue at 0, white at 0.5, red at 1."""

LAYER_CMAP = mpl.colormaps["viridis"]
"""Sequential colour map for layers: the first layer is dark purple, deep layers green/yellow."""

FORWARD_COLOR = "#1f77b4"
"""Colour of forward-pass quantities (activations) when shown beside backward ones."""
BACKWARD_COLOR = "#d95f02"
"""Colour of backward-pass quantities (gradients)."""


def scheme_color(name: str) -> str:
    """The colour of an initialisation scheme (see :data:`SCHEME_COLORS`)."""
    return SCHEME_COLORS[_validate.choice(name, SCHEME_COLORS, "init scheme")]


def activation_color(name: str) -> str:
    """The colour of an activation (see :data:`ACTIVATION_COLORS`)."""
    return ACTIVATION_COLORS[_validate.choice(name, ACTIVATION_COLORS, "activation")]


def layer_colors(n_layers: int) -> list:
    """``n_layers`` colours along :data:`LAYER_CMAP`, from layer 1 (dark) to layer L (light).

    The top 10% of viridis (pale yellow) is left out so that every layer stays visible on white.
    """
    n_layers = _validate.positive_int(n_layers, "n_layers")
    if n_layers == 1:
        return [LAYER_CMAP(0.0)]
    return [LAYER_CMAP(0.9 * i / (n_layers - 1)) for i in range(n_layers)]


# ----------------------------------------------------------------------------------------------
# Style: "default" (a laptop screen) and "lecture" (a projector).

STYLES = ("default", "lecture")
"""The modes of :func:`use_style`."""

STYLE_ENV = "INITLAB_STYLE"
"""Environment variable that turns ``use_style("default")`` into another mode (a presenter's
switch; see :func:`use_style`)."""

_SIZES = {
    #          font title label tick legend line marker figure-scale
    "default": (10.0, 11.0, 10.0, 9.0, 9.0, 1.6, 5.0, 1.0),
    "lecture": (16.0, 18.0, 16.0, 14.0, 14.0, 3.2, 9.0, 1.2),
}
_FIGSIZE = (6.4, 4.0)

_CYCLE = [
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
]

_mode = "default"
_registry: weakref.WeakSet = weakref.WeakSet()


def style_rc(mode: str | None = None) -> dict:
    """The matplotlib rcParams of a style mode (``"default"`` or ``"lecture"``; None: current)."""
    mode = _mode if mode is None else _validate.choice(mode, STYLES, "style mode")
    font, title, label, tick, legend, line, marker, fig_scale = _SIZES[mode]
    return {
        "font.size": font,
        "axes.titlesize": title,
        "axes.labelsize": label,
        "xtick.labelsize": tick,
        "ytick.labelsize": tick,
        "legend.fontsize": legend,
        "figure.titlesize": title,
        "lines.linewidth": line,
        "lines.markersize": marker,
        "axes.linewidth": 0.8 * fig_scale,
        "grid.linewidth": 0.6 * fig_scale,
        "figure.figsize": (_FIGSIZE[0] * fig_scale, _FIGSIZE[1] * fig_scale),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=_CYCLE),
        "axes.titlelocation": "left",
        # A fixed title height: matplotlib would otherwise measure every tick label of the
        # figure at each draw to lift titles above them (a quarter of an explorer's draw time).
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


class _StyledFigure:
    """Weakly registered handle that restyles one static figure."""

    def __init__(self, fig):
        self._fig = weakref.ref(fig)

    def restyle(self, mode):
        fig = self._fig()
        if fig is not None:
            restyle_figure(fig, mode)


def restyle_figure(fig, mode: str) -> None:
    """Restyle an existing figure in place from the mode it was made in to ``mode``.

    Font sizes, line widths, marker sizes and the figure size are scaled by the ratio of the two
    modes' sizes (so switching back restores the original figure); tick labels get the mode's
    exact size. The figure remembers its mode in ``fig._initlab_style``.
    """
    mode = _validate.choice(mode, STYLES, "style mode")
    old = getattr(fig, "_initlab_style", "default")
    if old == mode:
        return
    a, b = _SIZES[old], _SIZES[mode]
    font_ratio, title_ratio, label_ratio = b[0] / a[0], b[1] / a[1], b[2] / a[2]
    legend_ratio, line_ratio, marker_ratio, fig_ratio = (
        b[4] / a[4],
        b[5] / a[5],
        b[6] / a[6],
        b[7] / a[7],
    )
    ratio = {}
    for ax in fig.axes:
        for title in (ax.title, ax._left_title, ax._right_title):
            ratio[title] = title_ratio
        ratio[ax.xaxis.label] = ratio[ax.yaxis.label] = label_ratio
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                ratio[text] = legend_ratio
    if fig._suptitle is not None:
        ratio[fig._suptitle] = title_ratio
    for text in fig.findobj(Text):
        text.set_fontsize(text.get_fontsize() * ratio.get(text, font_ratio))
    for ax in fig.axes:
        ax.tick_params(labelsize=b[3], width=0.8 * b[7])
        for spine in ax.spines.values():
            spine.set_linewidth(0.8 * b[7])
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
    fig.set_size_inches(w * fig_ratio, h * fig_ratio, forward=True)
    fig._initlab_style = mode


class CourseFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG where a notebook cell ends with it.

    IPython's own figure formatters exist only once pyplot has loaded a backend; a figure made
    without pyplot would otherwise display as its text repr alone.
    """

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# Faster redraws: cache the rasterised glyphs of each text.

_TEXT_CACHE = {"enabled": True, "max_entries": 3000}


def _cached_draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    """``RendererAgg.draw_text`` with the glyph bitmaps of each string kept for the next draw.

    Matplotlib renders every glyph of every text through FreeType at each draw (more than half
    of an explorer's drawing time); the same tick labels and titles come back at every slider
    move. Each text is placed on a whole pixel (a shift of at most half a pixel) so that its
    bitmaps can be reused wherever it moves. Maths text, and any text that the installed
    matplotlib lays out differently than expected, takes matplotlib's own path.
    """
    from matplotlib.backends import backend_agg

    original = backend_agg.RendererAgg.draw_text
    if ismath or not _TEXT_CACHE["enabled"]:
        return original(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    try:
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        aa = bool(gc.get_antialiased())
        key = (s, prop, float(angle), self.dpi, aa, features, language)
        cache = self._initlab_text_cache
        height = int(self.height)
        xi, yi = round(x), round(y)
        glyphs = cache.get(key)
        if glyphs is None:
            if len(cache) > _TEXT_CACHE["max_entries"]:
                cache.clear()
            font = self._prepare_font(prop)
            flags = backend_agg.get_hinting_flag()
            items = font._layout(s, flags=flags, features=features, language=language)
            size = prop.get_size_in_points()
            cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
            mode = backend_agg.RenderMode.NORMAL if aa else backend_agg.RenderMode.MONO
            glyphs = []
            for item in items:
                face, dx, dy = item.ft_object, item.x, item.y
                face.set_size(size, self.dpi)
                face._set_transform(
                    matrix,
                    [
                        round(0x40 * (xi + dx * cos - dy * sin)),
                        round(0x40 * (height - yi + dx * sin + dy * cos)),
                    ],
                )
                bitmap = face._render_glyph(item.glyph_index, flags, mode)
                buffer = np.array(bitmap.buffer, copy=True)
                if not aa:
                    buffer *= 0xFF
                glyphs.append((buffer, bitmap.left - xi, bitmap.top - (height - yi)))
            cache[key] = glyphs
        for buffer, left, top in glyphs:
            self._renderer.draw_text_image(buffer, xi + left, yi - top + buffer.shape[0], 0, gc)
    except Exception:  # an unexpected matplotlib: stop caching, draw the normal way
        _TEXT_CACHE["enabled"] = False
        return original(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    return None


def _cached_font_height_metrics(self, prop):
    """``(ascent, descent, line gap)`` of ``prop``'s font in pixels, as ``Text._get_layout``
    computes them (from the OS/2 or hhea table), kept per font and size for the next draw.

    Matplotlib looks the font up and reads its tables again for every text at every draw (a
    tenth of an explorer's redraw); ``(None, None, None)`` lets it measure the text instead.
    """
    key = (hash(prop), self.dpi)
    cache = self._initlab_metrics_cache
    metrics = cache.get(key)
    if metrics is None:
        metrics = (None, None, None)
        try:
            from matplotlib.font_manager import fontManager, get_font

            font = get_font(fontManager._find_fonts_by_props(prop))
            possible = [
                ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                ("hhea", "lineGap", "ascent", "descent"),
            ]
            for table_name, gap_key, ascent_key, descent_key in possible:
                table = font.get_sfnt_table(table_name)
                if table is None:
                    continue
                fontsize = prop.get_size_in_points()
                units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
                scale = 1 / units_per_em * fontsize * self.dpi / 72
                metrics = (
                    table[ascent_key] * scale,
                    -table[descent_key] * scale,
                    table[gap_key] * scale,
                )
                break
        except Exception:  # an unexpected matplotlib: let it measure the text itself
            metrics = (None, None, None)
        cache[key] = metrics
    return metrics


def _may_add_metrics_hook(renderer) -> bool:
    """True when ``renderer`` has no ``_get_font_height_metrics`` of its own.

    ``matplotlib.text.Text`` asks a renderer for that optional method with ``hasattr`` and falls
    back to measuring the font when it is missing or returns ``None``s (matplotlib 3.11); Agg has
    none, so adding one changes nothing but speed. A backend's own (PDF/PS) is left alone.
    """
    return not hasattr(renderer, "_get_font_height_metrics")


def cache_text_rendering(fig) -> None:
    """Make ``fig``'s Agg canvas keep the rasterised glyphs of its texts between draws.

    For figures redrawn many times with mostly the same texts (the explorers): their redraw
    takes about half as long. Works on Agg canvases and those built on them (ipympl); does
    nothing otherwise.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg) or getattr(canvas, "_initlab_text_cache", False):
        return
    get_renderer = canvas.get_renderer

    def get_renderer_with_cache(*args, **kwargs):
        renderer = get_renderer(*args, **kwargs)
        if not hasattr(renderer, "_initlab_text_cache"):
            renderer._initlab_text_cache = {}
            renderer._initlab_metrics_cache = {}
            renderer.draw_text = _cached_draw_text.__get__(renderer)
            if _may_add_metrics_hook(renderer):
                renderer._get_font_height_metrics = _cached_font_height_metrics.__get__(renderer)
        return renderer

    canvas.get_renderer = get_renderer_with_cache
    canvas._initlab_text_cache = True


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
    fig._initlab_style = _mode
    handle = _StyledFigure(fig)
    fig._initlab_handle = handle  # keeps the handle alive exactly as long as the figure
    _registry.add(handle)
    return fig, axes


def _fontsize(kind: str) -> float:
    font, title, label, tick, legend, *_ = _SIZES[_mode]
    return {"font": font, "title": title, "label": label, "tick": tick, "legend": legend}[kind]


def _linewidth() -> float:
    return _SIZES[_mode][5]


def _markersize() -> float:
    return _SIZES[_mode][6]


# ----------------------------------------------------------------------------------------------
# Small numeric helpers shared by the plots (no training here).


class SafeLogLocator(LogLocator):
    """matplotlib's LogLocator, minus its overflow warning for limits near 1e300 (it computes
    ``10 ** (largest exponent + stride)``); ticks that would overflow are simply left out."""

    def tick_values(self, vmin, vmax):
        with np.errstate(over="ignore"):
            ticks = super().tick_values(vmin, vmax)
        return ticks[np.isfinite(ticks)]


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
        if scale == "linear" and (
            type(locator) is AutoLocator or getattr(locator, "_initlab_tidy", False)
        ):
            locator = MaxNLocator(nbins=5 if _mode == "default" else 4, steps=[1, 2, 2.5, 5, 10])
            locator._initlab_tidy = True
            axis.set_major_locator(locator)
        elif scale == "log":
            if type(axis.get_major_locator()) is LogLocator:
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


def _finite_positive(values) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    return v[np.isfinite(v) & (v > 0)]


def _log_limits(*arrays, pad: float = 3.0, default=(1e-3, 10.0)) -> tuple[float, float]:
    vals = np.concatenate([_finite_positive(a).ravel() for a in arrays] or [np.array([])])
    if vals.size == 0:
        return default
    lo, hi = float(vals.min()), float(vals.max())
    lo = max(lo / pad, 1e-300)
    hi = min(hi * pad, 1e300)
    if hi <= lo * 10:
        mid = math.sqrt(lo * hi)
        lo, hi = mid / 10, mid * 10
    return lo, hi


def _masked(values) -> np.ndarray:
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


def _step_xy(edges, heights) -> tuple[np.ndarray, np.ndarray]:
    """Outline of a step histogram: x and y of shape (2 * bins + 2,), starting and ending at 0."""
    x = np.repeat(edges, 2)
    y = np.concatenate([[0.0], np.repeat(heights, 2), [0.0]])
    return x, y


# ----------------------------------------------------------------------------------------------
# Datasets and decision boundaries


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
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels")
    s = (0.9 * _markersize()) ** 2 if size is None else size
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


BoundaryArtists = namedtuple("BoundaryArtists", "image contour scatter grid")
BoundaryArtists.__doc__ = """Artists of :func:`plot_decision_boundary`.

image : AxesImage, the map of P(class 1) on the grid; contour : LineCollection, the 0.5 level;
scatter : PathCollection, the data; grid : (xx, yy, points), from :func:`helpers.data.grid`."""


def _class1_probability(model, points) -> np.ndarray:
    if model.output == "sigmoid":
        return model.predict_proba(points)
    if model.output == "softmax" and model.sizes[-1] == 2:
        return model.predict_proba(points)[:, 1]
    raise ValueError(
        "a decision boundary needs a two-class model (output='sigmoid', or 'softmax' with "
        "2 units); "
        f"got output={model.output!r} with {model.sizes[-1]} output units"
    )


def _level_segments(xx, yy, P, level=0.5) -> list:
    import contourpy  # matplotlib's own contouring library (a matplotlib dependency)

    gen = contourpy.contour_generator(x=xx, y=yy, z=P, line_type="Separate")
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
    X = _validate.matrix(X, "X", n_cols=2)
    xx, yy, points = datasets.grid(X, resolution=resolution, margin=margin)
    P = _class1_probability(model, points).reshape(xx.shape)
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
        _level_segments(xx, yy, P), colors="black", linewidths=_linewidth(), zorder=2
    )
    ax.add_collection(contour)
    image._initlab_margin = margin
    scatter = plot_dataset(ax, X, y)
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    tidy_axes(ax)
    return BoundaryArtists(image, contour, scatter, (xx, yy, points))


def update_decision_boundary(artists: BoundaryArtists, model, X, y) -> BoundaryArtists:
    """Redraw a :func:`plot_decision_boundary` in place for a new model and/or dataset.

    The grid is recomputed when ``X`` has changed (so the map always covers the data); returns
    the (possibly new-grid) artists tuple, whose artists are the same objects.
    """
    X = _validate.matrix(X, "X", n_cols=2)
    image, contour, scatter, (xx, yy, points) = artists
    old = np.asarray(scatter.get_offsets())
    if old.shape != X.shape or not np.array_equal(old, X):
        margin = getattr(image, "_initlab_margin", 0.5)
        xx, yy, points = datasets.grid(X, resolution=xx.shape[0], margin=margin)
        image.set_extent((xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]))
        scatter.set_offsets(X)
        ax = image.axes
        ax.set_xlim(xx[0, 0], xx[0, -1])
        ax.set_ylim(yy[0, 0], yy[-1, 0])
    scatter.set_array(np.asarray(y, dtype=np.float64).ravel())
    P = _class1_probability(model, points).reshape(xx.shape)
    image.set_data(P)
    contour.set_segments(_level_segments(xx, yy, P))
    return BoundaryArtists(image, contour, scatter, (xx, yy, points))


# ----------------------------------------------------------------------------------------------
# Training curves


def _span_decades(values) -> bool:
    v = _finite_positive(values)
    return v.size > 1 and v.max() / v.min() > 100


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
    losses = np.asarray(losses, dtype=np.float64).ravel()
    (line,) = ax.plot(np.arange(losses.size), losses, label=label, color=color)
    line._initlab_loss = True
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    # several runs on one Axes: the limits (and the log scale) fit all of them
    _fit_loss_axes(ax, [ln.get_ydata() for ln in ax.lines if getattr(ln, "_initlab_loss", False)])
    tidy_axes(ax)
    return line


def _fit_loss_axes(ax, curves) -> None:
    """Explicit limits for one or more loss curves (log y if they span decades)."""
    curves = [np.asarray(c, dtype=np.float64) for c in curves if np.size(c)]
    n = max([c.size for c in curves], default=1)
    ax.set_xlim(0, max(n - 1, 1))
    allv = np.concatenate(curves) if curves else np.array([1.0])
    fin = allv[np.isfinite(allv)]
    if _span_decades(fin):
        set_scale(ax, "y", "log")
        ax.set_ylim(*_log_limits(fin, pad=1.5))
    else:
        set_scale(ax, "y", "linear")
        hi = float(fin.max()) if fin.size else 1.0
        ax.set_ylim(0.0, hi * 1.08 if hi > 0 else 1.0)


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
    G = np.asarray(history.grad_norm, dtype=np.float64)
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
    G = np.asarray(history.grad_norm, dtype=np.float64)
    L = G.shape[1]
    if L > len(lines):
        raise ValueError(
            f"{L} layers but only {len(lines)} lines; pass max_layers to plot_grad_norms"
        )
    colors = layer_colors(L)
    epochs = np.arange(G.shape[0])
    for i, line in enumerate(lines):
        if i < L:
            line.set_data(epochs, _masked(G[:, i]))
            line.set_color(colors[i])
            line.set_visible(True)
            line.set_label(f"layer {i + 1}")
        else:
            line.set_data([], [])
            line.set_visible(False)
            line.set_label(f"_layer {i + 1}")
    ax = lines[0].axes
    ax.set_xlim(0, max(G.shape[0] - 1, 1))
    ax.set_ylim(*_log_limits(G, pad=2.0))


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
    S = np.asarray(history.spread, dtype=np.float64)
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
    S = np.asarray(history.spread, dtype=np.float64)
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
    ax.set_xlim(0, max(S.shape[0] - 1, 1))
    top = float(np.nanmax(S)) if S.size and np.isfinite(S).any() else 0.0
    ax.set_ylim(-2e-4, max(top * 2.0, 1e-2))


# ----------------------------------------------------------------------------------------------
# Per-layer statistics


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
    stds = np.asarray(stds, dtype=np.float64).ravel()
    (line,) = ax.plot([], [], marker=marker, label=label, color=color)
    th = None
    if theory is not None:
        (th,) = ax.plot(
            [],
            [],
            linestyle="--",
            color=line.get_color(),
            label="theory" if label is None else f"{label}: theory",
        )
    others = ax.__dict__.setdefault("_initlab_std", [])
    note = ax.text(
        0.02,
        0.03 + 0.07 * len(others),
        "",
        transform=ax.transAxes,
        fontsize=_fontsize("legend"),
        color=line.get_color(),
        va="bottom",
    )
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("standard deviation")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    artists = LayerStdArtists(line, th, note)
    others.append(artists)
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
        where = "layers " + ", ".join(map(str, zero[:8])) + ("..." if zero.size > 8 else "")
    return f"std exactly 0 in {where} (not drawable on a log axis)"


def update_layer_std(artists: LayerStdArtists, stds, *, theory=None, limits=True) -> None:
    """Change a :func:`plot_layer_std` in place (``theory`` as in :func:`plot_layer_std`).

    With ``limits=False`` the axis limits are left alone (an explorer that draws several
    std lines on one Axes sets them once for all).
    """
    stds = np.asarray(stds, dtype=np.float64).ravel()
    L = stds.size
    x = np.arange(1, L + 1)
    artists.line.set_data(x, _masked(stds))
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
            artists.theory.set_data(x, _masked(th))
    artists.note.set_text(_zero_layers_text(stds))
    if limits:  # fit every std line drawn on these Axes, not only this one
        ax = artists.line.axes
        drawn = list(getattr(ax, "_initlab_std", [artists]))
        ys = [a.line.get_ydata() for a in drawn]
        ys += [a.theory.get_ydata() for a in drawn if a.theory is not None]
        ax.set_xlim(0.5, max(max(len(a.line.get_xdata()) for a in drawn), 1) + 0.5)
        ax.set_ylim(*_log_limits(*[np.asarray(y, dtype=np.float64) for y in ys]))


HistogramArtists = namedtuple("HistogramArtists", "lines colorbar mappable bins range")
HistogramArtists.__doc__ = """Artists of :func:`plot_layer_histograms`: a pool of step lines (the
unused ones hidden), the colourbar that says which colour is which layer, its ScalarMappable,
the number of bins and a one-element list holding the current (lo, hi) range."""


def plot_layer_histograms(
    ax,
    arrays,
    *,
    bins: int = 60,
    range=None,
    label_every: int = 1,
    max_layers=None,
    colorbar: bool = True,
):
    """One step histogram per layer, coloured from dark (layer 1) to light (layer L).

    Parameters
    ----------
    ax : Axes
    arrays : list of array_like
        ``arrays[l - 1]`` holds layer ``l``'s values (any shape, e.g. ``(n, width)``).
    bins : int
        Number of equal bins, the same for every layer.
    range : (float, float), optional
        Common x range; default symmetric, four times the largest per-layer std (or [0, ...]
        when every value is >= 0).
    label_every : int
        Label every k-th layer on the colourbar.
    max_layers : int, optional
        Size of the pool of lines (default ``len(arrays)``): an explorer makes 50 once and shows
        as many as the depth slider asks for.
    colorbar : bool
        Draw the colourbar (False when a neighbouring panel's colourbar already says which
        colour is which layer).

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
    lines = [ax.plot([], [], linewidth=0.75 * _linewidth())[0] for _ in np.arange(pool)]
    mappable = mpl.cm.ScalarMappable(
        norm=Normalize(1, max(len(arrays), 2)),
        cmap=LinearSegmentedColormap.from_list(
            "initlab_layers", [LAYER_CMAP(t) for t in np.linspace(0, 0.9, 64)]
        ),
    )
    cbar = None
    if colorbar:
        cbar = ax.figure.colorbar(mappable, ax=ax, pad=0.01, fraction=0.05, aspect=25)
        cbar.set_label("layer")
        cbar.ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        cbar._initlab_label_every = label_every
    ax.set_ylabel("fraction of values")
    artists = HistogramArtists(lines, cbar, mappable, bins, [None])
    update_layer_histograms(artists, arrays, range=range)
    tidy_axes(ax)
    return artists


def default_histogram_range(arrays) -> tuple[float, float]:
    """Four times the largest per-layer std around 0 (``[0, ...]`` if nothing is negative)."""
    s = max((diagnostics.rms(a) for a in arrays), default=0.0)
    hi = 4.0 * s if s > 0 else 1.0
    nonneg = all(np.size(a) == 0 or float(np.min(a)) >= 0 for a in arrays)
    return (0.0, hi) if nonneg else (-hi, hi)


def update_layer_histograms(artists: HistogramArtists, arrays, *, range=None) -> None:
    """Show ``arrays`` (one per layer) in a :func:`plot_layer_histograms`, in place."""
    arrays = list(arrays)
    L = len(arrays)
    lines = artists.lines
    if L > len(lines):
        ax = lines[0].axes
        lines.extend(
            ax.plot([], [], linewidth=0.75 * _linewidth())[0] for _ in np.arange(L - len(lines))
        )
    lo, hi = (
        default_histogram_range(arrays) if range is None else (float(range[0]), float(range[1]))
    )
    if not hi > lo:
        raise ValueError(f"range must be (lo, hi) with lo < hi; got {(lo, hi)}")
    artists.range[0] = (lo, hi)
    edges = np.linspace(lo, hi, artists.bins + 1)
    colors = layer_colors(max(L, 1))
    top = 0.0
    for i, line in enumerate(lines):
        if i < L:
            h = histogram_fractions(arrays[i], bins=artists.bins, range=(lo, hi))
            top = max(top, float(h.max()) if h.size else 0.0)
            line.set_data(*_step_xy(edges, h))
            line.set_color(colors[i])
            line.set_visible(True)
        else:
            line.set_visible(False)
    ax = lines[0].axes
    ax.set_xlim(lo, hi)
    ax.set_ylim(0.0, top * 1.08 if top > 0 else 1.0)
    artists.mappable.set_clim(1, max(L, 2))
    every = getattr(artists.colorbar, "_initlab_label_every", 1)
    if artists.colorbar is not None and every > 1:
        artists.colorbar.set_ticks(np.arange(1, L + 1, every))


# ----------------------------------------------------------------------------------------------
# Activations and saturation

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
    z = np.linspace(-6.0, 6.0, 401) if z is None else np.asarray(z, dtype=np.float64).ravel()
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
    ax.set_xlim(z.min(), z.max())
    ax.set_xlabel("pre-activation z")
    tidy_axes(ax)
    return ActivationArtists(f, fp)


SaturationArtists = namedtuple("SaturationArtists", "hist shade_low shade_high thresholds")
SaturationArtists.__doc__ = """Artists of :func:`plot_saturation`: the filled histogram (Polygon),
the two shaded saturated regions (Rectangles from ``axvspan``) and the two threshold lines."""


def saturation_range(Z, activation: str) -> tuple[float, float]:
    """Symmetric x range for a pre-activation histogram: the central 99.5% of |Z| with 10% room,
    and never narrower than 1.5 times the saturation threshold (so the flat tails are in view)."""
    activation = activations.check_activation(activation)
    z = np.abs(np.asarray(Z, dtype=np.float64).ravel())
    t = activations.SATURATION_Z.get(activation, 2.0)
    q = float(np.quantile(z, 0.995)) if z.size else 0.0
    R = max(1.1 * q, 1.5 * t)
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
    t1 = ax.axvline(0, color="0.3", linestyle=":", linewidth=0.7 * _linewidth())
    t2 = ax.axvline(0, color="0.3", linestyle=":", linewidth=0.7 * _linewidth())
    ax.set_xlabel("pre-activation z")
    ax.set_ylabel("fraction of units")
    artists = SaturationArtists(hist, shade_low, shade_high, (t1, t2))
    artists.hist._initlab_bins = bins
    update_saturation(artists, Z, activation, range=range)
    tidy_axes(ax)
    return artists


def update_saturation(artists: SaturationArtists, Z, activation: str, *, range=None) -> None:
    """Show new pre-activations (and/or a new activation) in a :func:`plot_saturation`, in place."""
    activation = activations.check_activation(activation)
    bins = getattr(artists.hist, "_initlab_bins", 80)
    lo, hi = (
        saturation_range(Z, activation) if range is None else (float(range[0]), float(range[1]))
    )
    edges = np.linspace(lo, hi, bins + 1)
    h = histogram_fractions(Z, bins=bins, range=(lo, hi))
    x, y = _step_xy(edges, h)
    artists.hist.set_xy(np.column_stack([x, y]))
    artists.hist.set_facecolor(activation_color(activation))
    t1, t2 = artists.thresholds
    if activation in activations.SATURATION_Z:
        t = activations.SATURATION_Z[activation]
        artists.shade_low.set_x(lo)
        artists.shade_low.set_width(max(-t - lo, 0.0))
        artists.shade_high.set_x(t)
        artists.shade_high.set_width(max(hi - t, 0.0))
        artists.shade_high.set_label("saturated")
        t1.set_xdata([-t, -t])
        t2.set_xdata([t, t])
        for a in (artists.shade_low, artists.shade_high, t1, t2):
            a.set_visible(True)
    elif activation in ("relu", "leaky_relu"):
        artists.shade_low.set_x(lo)
        artists.shade_low.set_width(max(-lo, 0.0))
        artists.shade_low.set_visible(True)
        artists.shade_high.set_visible(False)
        artists.shade_high.set_label("_hidden")
        t1.set_xdata([0, 0])
        t1.set_visible(True)
        t2.set_visible(False)
    else:
        for a in (artists.shade_low, artists.shade_high, t1, t2):
            a.set_visible(False)
    ax = artists.hist.axes
    ax.set_xlim(lo, hi)
    top = float(h.max()) if h.size else 0.0
    ax.set_ylim(0.0, top * 1.1 if top > 0 else 1.0)


# ----------------------------------------------------------------------------------------------
# Hidden units: symmetry


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


UNIT_COLORS = [mpl.colormaps["tab10"](i) for i in range(10)]
"""Colours of hidden units in the symmetry plots (tab10, repeating after ten units)."""


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
        (line,) = ax.plot(t, A[:, j], color=UNIT_COLORS[j % 10], label=f"unit {j + 1}")
        lines.append(line)
    ax.set_xlim(t[0], t[-1])
    _fit_unit_axes(ax, A)
    ax.set_xlabel("position along the data's main axis")
    ax.set_ylabel(f"output of layer-{layer} unit")
    tidy_axes(ax)
    return lines


def _fit_unit_axes(ax, A) -> None:
    lo, hi = float(np.min(A)), float(np.max(A))
    pad = 0.08 * (hi - lo) if hi > lo else max(0.05 * abs(hi), 0.05)
    ax.set_ylim(lo - pad, hi + pad)


def update_unit_outputs(lines, model, X, *, layer: int = 1) -> np.ndarray:
    """Set the curves of :func:`plot_unit_outputs` for a new model.

    Returns the outputs ``A``, shape (n_points, units)."""
    t, A = unit_outputs_on_path(model, X, layer=layer, n_points=len(lines[0].get_xdata()))
    if A.shape[1] != len(lines):
        raise ValueError(f"the layer has {A.shape[1]} units but there are {len(lines)} lines")
    for j, line in enumerate(lines):
        line.set_data(t, A[:, j])
    ax = lines[0].axes
    ax.set_xlim(t[0], t[-1])
    _fit_unit_axes(ax, A)
    return A


__all__ = [
    "ACTIVATION_COLORS",
    "BACKWARD_COLOR",
    "CLASS_COLORS",
    "CourseFigure",
    "FORWARD_COLOR",
    "LAYER_CMAP",
    "PROBABILITY_CMAP",
    "SCHEME_COLORS",
    "STYLES",
    "UNIT_COLORS",
    "activation_color",
    "cache_text_rendering",
    "current_style",
    "data_path",
    "default_histogram_range",
    "histogram_fractions",
    "layer_colors",
    "new_figure",
    "plot_activation",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_grad_norms",
    "plot_layer_histograms",
    "plot_layer_std",
    "plot_loss",
    "plot_saturation",
    "plot_unit_outputs",
    "plot_unit_spread",
    "register",
    "restyle_figure",
    "saturation_range",
    "scheme_color",
    "style_rc",
    "unit_outputs_on_path",
    "update_decision_boundary",
    "update_grad_norms",
    "update_layer_histograms",
    "update_layer_std",
    "update_saturation",
    "update_unit_outputs",
    "use_style",
]
