"""Interactive explorers: sliders that re-run the numbers and update a figure in place.

Each ``build_<name>_explorer(**initial)`` returns an :class:`Explorer` with

- ``.widget``: the ipywidgets box to display (CSS class ``initlab-explorer``);
- ``.controls``: dict name -> ipywidget (set ``.value`` to drive it from code or a test);
- ``.figure``: the matplotlib Figure; ``.values``: the numbers it shows; ``.readout``: the same
  numbers as an HTML widget;
- ``.update()``: recompute and redraw, synchronously (setting a control does this for you).

Ending a notebook cell with the explorer displays it: live in JupyterLab, and as a picture of
its current figure where widgets cannot run (GitHub, nbviewer, an offline HTML export).

How the figure is shown depends on matplotlib's backend when the explorer is built:

=============================  ===============================================================
``%matplotlib widget`` (ipympl) the figure's own canvas sits inside the explorer; a slider move
                                updates the artists and asks the browser to redraw (smooth).
a notebook's inline backend     the explorer shows a PNG of the figure, re-rendered on each change
                                (works everywhere, slower: use ``%matplotlib widget``).
Agg (scripts, tests)            nothing is displayed; the artists are updated and the figure is
                                rendered whenever you draw or save it.
=============================  ===============================================================

Figures are made without pyplot, so explorers never pile up in ``plt.get_fignums()``; call
``explorer.close()`` to release an explorer's widgets.

Long training runs (the training explorer) report progress in a bar; stop one with Jupyter's
own *Kernel > Interrupt* (the square stop button): :func:`helpers.train.train` catches the
interrupt and the explorer shows the run up to that epoch. A stop button inside the explorer
cannot work, because the kernel handles no widget message while it is busy training.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import _validate, activations, diagnostics, plotting
from . import data as datasets
from . import init as schemes
from . import train as training
from .mlp import MLP

# ----------------------------------------------------------------------------------------------
# Display modes


def display_mode() -> str:
    """How explorers built now will show their figure: ``"live"`` (ipympl canvas), ``"image"``
    (a notebook's inline backend: a PNG re-rendered on each change) or ``"none"`` (Agg and other
    non-notebook backends: nothing displayed, the figure is drawn when rendered)."""
    backend = str(mpl.get_backend()).lower()
    if "ipympl" in backend or backend in ("widget", "nbagg"):
        return "live"
    if "inline" in backend:
        return "image"
    return "none"


_figure_counter = [0]

_BLAS = []


def _openblas():
    """``(get, set)`` for the number of OpenBLAS threads numpy uses, or None if not found.

    Looks for the OpenBLAS that numpy's wheels bundle (``numpy.libs``, ``numpy/.dylibs``) or that
    the process has loaded (Linux), and its thread functions under the names OpenBLAS builds
    use. Anything else (MKL, Accelerate) is left alone.
    """
    if _BLAS:
        return _BLAS[0]
    import ctypes
    import glob
    import os

    found = None
    root = os.path.dirname(np.__file__)
    paths = glob.glob(os.path.join(root, os.pardir, "numpy.libs", "*openblas*"))
    paths += glob.glob(os.path.join(root, ".dylibs", "*openblas*"))
    try:
        with open("/proc/self/maps") as maps:
            paths += sorted({ln.split()[-1] for ln in maps if "openblas" in ln.lower()})
    except OSError:
        pass
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_", "64_"), ("scipy_", ""), ("", "64_"), ("", "")):
            get = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}", None)
            put = getattr(lib, f"{prefix}openblas_set_num_threads{suffix}", None)
            if get is not None and put is not None:
                found = (get, put)
                break
        if found:
            break
    _BLAS.append(found)
    return found


@contextlib.contextmanager
def single_threaded_blas():
    """Run numpy's matrix products on one thread inside the block (then restore the setting).

    The explorers' products are small (at most a few hundred rows); OpenBLAS's threads gain
    little on them and, on a busy 2-core machine (a laptop running a browser), lose a lot: the
    depth explorer's forward pass measured 6-18 ms on one thread and 40-350 ms on two under
    load. Does nothing where numpy does not use OpenBLAS.
    """
    blas = _openblas()
    if blas is None:
        yield
        return
    get, put = blas
    old = get()
    put(1)
    try:
        yield
    finally:
        put(old)


def _make_figure(figsize, mode: str):
    """A Figure outside pyplot, with an ipympl canvas (live) or an Agg canvas."""
    scale = plotting._SIZES[plotting.current_style()][7]  # lecture figures are larger
    with mpl.rc_context(plotting.style_rc()):
        fig = plotting.CourseFigure(
            figsize=(figsize[0] * scale, figsize[1] * scale), layout="constrained"
        )
    fig._initlab_style = plotting.current_style()
    if mode == "live":
        # Imported only here: importing ipympl switches matplotlib's backend to ipympl.
        from ipympl.backend_nbagg import Canvas, FigureManager

        _figure_counter[0] += 1
        canvas = Canvas(fig)
        FigureManager(canvas, _figure_counter[0])
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
        canvas.toolbar_visible = False  # zoom and pan buttons would only cover the panels
    else:
        FigureCanvasAgg(fig)
    plotting.cache_text_rendering(fig)
    return fig


def _fmt(x: float) -> str:
    """A number for a read-out: 3 significant digits, no trailing zeros (0.01, 1.5, 100)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.3g}"


def _pct(x: float) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    if 0 < x < 0.001:
        return "<0.1%"
    if 0.999 < x < 1:
        return ">99.9%"
    return f"{100 * x:.1f}%"


# ----------------------------------------------------------------------------------------------
# Controls

_CONTROL_LAYOUT = dict(width="275px")
_CONTROL_STYLE = {"description_width": "85px"}


def _dropdown(options, value, description, what):
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    _validate.choice(value, values, what)
    return W.Dropdown(
        options=options,
        value=value,
        description=description,
        layout=W.Layout(**_CONTROL_LAYOUT),
        style=_CONTROL_STYLE,
    )


def _int_slider(value, lo, hi, description, what, *, step=1, continuous=False):
    value = _validate.positive_int(value, what, minimum=lo)
    if value > hi:
        raise ValueError(f"{what} must be between {lo} and {hi}; got {value}")
    return W.IntSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=continuous,
        layout=W.Layout(**_CONTROL_LAYOUT),
        style=_CONTROL_STYLE,
    )


class LogSlider(W.HBox):
    """A FloatLogSlider with a read-out formatted like 0.01, 1.5, 100 (``.slider`` is the control).

    ipywidgets' own read-out format cannot drop trailing zeros (it would show 0.0100), so the
    slider's read-out is replaced by a label that Python formats with 3 significant digits.
    """

    def __init__(self, value, lo, hi, description, what, *, continuous=True, step=0.05):
        value = _validate.real(value, what, positive=True)
        if not lo <= value <= hi:
            raise ValueError(f"{what} must be between {_fmt(lo)} and {_fmt(hi)}; got {value!r}")
        self.slider = W.FloatLogSlider(
            value=value,
            base=10,
            min=math.log10(lo),
            max=math.log10(hi),
            step=step,
            description=description,
            readout=False,
            continuous_update=continuous,
            layout=W.Layout(width="220px"),
            style=_CONTROL_STYLE,
        )
        self.label = W.Label(_fmt(value), layout=W.Layout(width="50px"))
        self.slider.observe(self._relabel, names="value")
        super().__init__([self.slider, self.label], layout=W.Layout(**_CONTROL_LAYOUT))

    def _relabel(self, change):
        self.label.value = _fmt(change["new"])


# ----------------------------------------------------------------------------------------------
# The explorer base class


_READOUT_SIZE = {"default": "100%", "lecture": "150%"}


class Explorer:
    """Controls + figure + numbers. Subclasses implement ``_build``, ``_compute`` and ``_draw``.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What a notebook displays (CSS class ``initlab-explorer``).
    controls : dict of str -> ipywidgets.ValueWidget
    figure : matplotlib.figure.Figure
    values : dict
        The numbers the explorer currently shows.
    readout : ipywidgets.HTML
    mode : str
        ``"live"``, ``"image"`` or ``"none"`` (see :func:`display_mode`).
    """

    title = "Explorer"
    figsize = (9.0, 6.0)

    def __init__(self, controls: dict, *, boxes: dict | None = None, extra=()):
        self.controls = dict(controls)
        self.values: dict = {}
        self.mode = display_mode()
        self._holding = 0
        self._pending = False
        self._closed = False
        self.readout = W.HTML(layout=W.Layout(margin="2px 0 4px 8px"))
        self.readout.style.font_size = _READOUT_SIZE[plotting.current_style()]
        self.figure = _make_figure(self.figsize, self.mode)
        with single_threaded_blas():
            with mpl.rc_context(plotting.style_rc()):
                self._build()
            self._compute()
            self._draw()
        self._relayout()
        self._image = None
        children = [
            W.HTML(f"<b>{self.title}</b>", layout=W.Layout(margin="0 0 2px 8px")),
            W.GridBox(
                [(boxes or {}).get(name, c) for name, c in self.controls.items()],
                layout=W.Layout(grid_template_columns="repeat(3, 280px)", grid_gap="2px 6px"),
            ),
            *extra,
            self.readout,
        ]
        if self.mode == "live":
            canvas = self.figure.canvas
            canvas.layout.width = f"{self._pixel_size()[0] + 4}px"
            children.append(canvas)
        elif self.mode == "image":
            self._image = W.Image(format="png", value=self._png(dpi=self.figure.dpi))
            children.append(self._image)
        self.widget = W.VBox(children)
        self.widget.add_class("initlab-explorer")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        plotting.register(self)

    # -- to implement ---------------------------------------------------------------------------
    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _compute(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- state ------------------------------------------------------------------------------------
    @property
    def state(self) -> dict:
        """Current value of every control: ``{name: value}``."""
        return {name: c.value for name, c in self.controls.items()}

    def describe(self) -> str:
        """One line naming the explorer and its settings (the text shown where no image or
        widget can be, and what nbval compares): stable for the same settings."""
        parts = []
        for name, value in self.state.items():
            parts.append(f"{name}={_fmt(value) if isinstance(value, float) else value}")
        return (
            f"{self.title} ({', '.join(parts)}) - run the notebook in JupyterLab to use the sliders"
        )

    def __repr__(self) -> str:
        return f"<{self.describe()}>"

    # -- updating ---------------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        if self._holding:
            self._pending = True
            return
        self.update()

    def update(self) -> None:
        """Recompute every number from the controls and update the figure, synchronously.

        The artists are changed in place. With ipympl the browser is asked to redraw; with the
        inline backend the picture is re-rendered; on Agg the figure is drawn when it is next
        rendered (``fig.canvas.draw()``, ``savefig``).
        """
        if self._closed:
            raise RuntimeError(f"this {self.title.lower()} was closed")
        with single_threaded_blas():
            self._compute()
            self._draw()
        self._refresh()

    @contextlib.contextmanager
    def hold(self):
        """Change several controls with one update at the end::

        with explorer.hold():
            explorer.controls["scheme"].value = "he_normal"
            explorer.controls["activation"].value = "relu"
        """
        self._holding += 1
        try:
            yield self
        finally:
            self._holding -= 1
            if not self._holding and self._pending:
                self._pending = False
                self.update()

    def set(self, **values) -> Explorer:
        """Set several controls at once (one update): ``explorer.set(scale=2.0, depth=30)``."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(
                f"unknown control(s) {', '.join(unknown)}; this explorer has "
                f"{', '.join(self.controls)}"
            )
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value
        return self

    def _refresh(self) -> None:
        if self.mode == "live":
            self.figure.canvas.draw_idle()
        elif self.mode == "image" and self._image is not None:
            self._image.value = self._png(dpi=self.figure.dpi)

    # -- layout and style -----------------------------------------------------------------------
    def _pixel_size(self) -> tuple[int, int]:
        w, h = self.figure.get_size_inches() * self.figure.dpi
        return int(round(w)), int(round(h))

    def _relayout(self) -> None:
        """Run the constrained layout once for the current fonts, then freeze it.

        Re-running the layout engine at every draw would cost more than the rest of the draw;
        the axes positions stay fixed while the sliders move.
        """
        fig = self.figure
        for ax in fig.axes:
            plotting.tidy_axes(ax)
            for axis in (ax.xaxis, ax.yaxis):
                if hasattr(axis, "_initlab_label_transform"):  # unpin (see below)
                    axis.label.set_transform(axis._initlab_label_transform)
                    axis._autolabelpos = True
        fig.set_layout_engine("constrained", w_pad=0.04, h_pad=0.04)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        # Pin the axis labels where the layout put them: otherwise every draw measures all
        # tick labels again to move the axis labels clear of them.
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                label = axis.label
                if label.get_text():
                    axis._initlab_label_transform = label.get_transform()
                    xy = label.get_transform().transform(label.get_position())
                    axis.set_label_coords(*ax.transAxes.inverted().transform(xy))

    def restyle(self, mode: str) -> None:
        """Switch this explorer's figure to ``mode`` ("default" or "lecture"); called by
        :func:`helpers.plotting.use_style` for every live explorer."""
        if self._closed:
            return
        self.readout.style.font_size = _READOUT_SIZE[mode]
        plotting.restyle_figure(self.figure, mode)
        self._relayout()
        if self.mode == "live":
            self.figure.canvas.layout.width = f"{self._pixel_size()[0] + 4}px"
        self._refresh()

    # -- static view ----------------------------------------------------------------------------
    def _png(self, dpi=90) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def static_png(self, dpi: int = 80) -> bytes:
        """The current figure as a compact PNG (256-colour palette, 3-5 times smaller than a
        plain PNG), for the picture a saved notebook keeps of the explorer."""
        from PIL import Image  # Pillow: a matplotlib dependency

        image = Image.open(io.BytesIO(self._png(dpi=dpi))).convert("RGB")
        image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        buf = io.BytesIO()
        image.save(buf, format="png", optimize=True)
        return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, plus a PNG of the current figure and a one-line description for
        places where widgets cannot run (GitHub, nbviewer, an HTML export, nbval)."""
        bundle = {}
        if not self._closed:
            bundle.update(self.widget._repr_mimebundle_() or {})
        bundle["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        bundle["text/plain"] = self.describe()
        return bundle

    def close(self) -> None:
        """Close every widget of the explorer (and its live canvas); the figure stays readable."""
        if self._closed:
            return
        self._closed = True
        for control in self.controls.values():
            control.unobserve(self._on_change, names="value")
        if self.mode == "live":
            _close_tree(self.figure.canvas)
        for control in self.controls.values():
            _close_tree(control)  # those shown inside a box (the log sliders) are closed twice
        _close_tree(self.widget)


def _close_tree(widget) -> None:
    """Close a widget, its children, and the Layout and Style widgets every widget owns."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    for name in ("layout", "style", "toolbar"):
        part = getattr(widget, name, None)
        if isinstance(part, W.Widget):
            _close_tree(part)
    widget.close()


def _title(ax, text: str) -> None:
    """A panel title in the current style's size (short: the explanations live in the read-out,
    and every glyph costs drawing time)."""
    ax.set_title(text, fontsize=plotting._fontsize("legend"), loc="left")


def _set_bars(bars, heights) -> None:
    for rect, h in zip(bars, heights):
        rect.set_height(h)


# ----------------------------------------------------------------------------------------------
# 1. Symmetry


BIAS_OPTIONS = (("zeros", "zeros"), ("constant 0.5", "constant"), ("random N(0, 0.5²)", "normal"))
"""The symmetry explorer's bias choices: (label, value)."""
_BIAS_VALUE = {"zeros": 0.0, "constant": 0.5, "normal": "normal"}


def train_light(model: MLP, X, y, *, epochs: int, lr: float):
    """Full-batch gradient descent recording only the loss and the first layer's unit spread.

    The same updates as :func:`helpers.train.train` with ``batch_size=None`` (so the same losses,
    bit for bit), without its other per-layer diagnostics: fast enough to re-run on every slider
    move. Trains ``model`` in place.

    Returns
    -------
    loss : ndarray, shape (k + 1,)
        Loss after 0..k epochs (k = epochs, or fewer if the run diverged).
    spread : ndarray, shape (k + 1,)
        :func:`helpers.diagnostics.unit_spread` of ``W_1`` after 0..k epochs.
    diverged : bool
    """
    X = _validate.matrix(X, "X", n_cols=model.sizes[0])
    t = model.check_targets(y, X.shape[0])
    epochs = _validate.positive_int(epochs, "epochs", minimum=0)
    lr = _validate.real(lr, "lr (learning rate)", positive=True)
    losses, spreads = [], []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs + 1):
            _, cache = model._forward(X)
            loss = model._loss(cache, t)
            if not np.isfinite(loss):
                diverged = True
                break
            grads = model._backward(cache, t, input_grad=False)  # as train does: no dL/dX
            if not all(np.isfinite(g).all() for g in (*grads.dW, *grads.db)):
                diverged = True
                break
            losses.append(loss)
            spreads.append(diagnostics.unit_spread(model.weights[0]))
            if epoch == epochs:
                break
            model.step(grads, lr)
            if not all(np.isfinite(W).all() for W in model.weights):
                diverged = True
                break
    return np.array(losses), np.array(spreads), diverged


class SymmetryExplorer(Explorer):
    """Why weights must not all start equal: see :func:`build_symmetry_explorer`."""

    title = "Symmetry explorer"
    figsize = (8.4, 5.6)

    def __init__(self, *, scheme, scale, activation, bias, seed, steps, dataset, hidden, lr, n):
        self.hidden = _validate.positive_int(hidden, "hidden (units)", minimum=2)
        self.lr = _validate.real(lr, "lr (learning rate)", positive=True)
        self.dataset = _validate.choice(dataset, datasets.DATASETS, "dataset")
        self.X, self.y = datasets.make_dataset(self.dataset, n, rng=np.random.default_rng(0))
        self.scale_box = LogSlider(scale, 1e-3, 1e2, "scale", "scale")
        controls = {
            "scheme": _dropdown(schemes.SCHEMES, scheme, "init scheme", "init scheme"),
            "scale": self.scale_box.slider,
            "activation": _dropdown(
                tuple(activations.ACTIVATIONS), activation, "activation", "activation"
            ),
            "bias": _dropdown(BIAS_OPTIONS, bias, "bias", "bias"),
            "seed": _int_slider(seed, 0, 99, "seed", "seed"),
            "steps": _int_slider(steps, 0, 2000, "steps", "steps", step=10),
        }
        super().__init__(controls, boxes={"scale": self.scale_box})

    def model(self) -> MLP:
        """A fresh network with the current settings (untrained)."""
        s = self.state
        return MLP(
            [2, self.hidden, 1],
            activation=s["activation"],
            output="sigmoid",
            init=s["scheme"],
            scale=s["scale"],
            bias=_BIAS_VALUE[s["bias"]],
            bias_scale=0.5,
            seed=s["seed"],
        )

    def _build(self):
        fig = self.figure
        (self.ax_units, self.ax_grad), (self.ax_loss, self.ax_spread) = fig.subplots(2, 2)
        m = self.model()
        self.unit_lines = plotting.plot_unit_outputs(self.ax_units, m, self.X)
        self.unit_lines_init = [
            self.ax_units.plot(
                line.get_xdata(),
                line.get_ydata(),
                color=line.get_color(),
                alpha=0.35,
                linestyle=":",
                linewidth=0.6 * plotting._linewidth(),
            )[0]
            for line in self.unit_lines
        ]
        ax = self.ax_grad
        self.grad_bars = ax.bar(
            np.arange(1, self.hidden + 1),
            np.zeros(self.hidden),
            color=plotting.UNIT_COLORS[: self.hidden] * (self.hidden // 10 + 1),
        )
        ax.axhline(0.0, color="0.3", linewidth=0.8)
        ax.set_xlabel("hidden unit")
        ax.set_ylabel("mean ∂L/∂a")
        ax.set_xlim(0.4, self.hidden + 0.6)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        self.grad_note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center")
        self.loss_line = self.ax_loss.plot([], [], color="0.2")[0]
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss")
        ax = self.ax_spread
        self.spread_line = ax.plot([], [], color="0.2")[0]
        ax.set_yscale("symlog", linthresh=1e-3, linscale=0.5)
        ax.axhline(0.0, color="0.4", linewidth=0.8, zorder=0)
        ax.set_xlabel("step")
        ax.set_ylabel("unit spread")
        self.spread_note = ax.text(0.03, 0.93, "", transform=ax.transAxes, va="top")

    def _compute(self):
        m = self.model()
        _, cache = m.forward(self.X)
        grads = m.backward(cache, self.y)
        self._t, A_init = plotting.unit_outputs_on_path(m, self.X)
        distinct_init = diagnostics.distinct_units(cache.post[1])
        grad_to_units = grads.dA[1].mean(axis=0)
        steps = self.controls["steps"].value
        loss, spread, diverged = train_light(m, self.X, self.y, epochs=steps, lr=self.lr)
        if diverged:  # the parameters are no longer finite: nothing after training to show
            A_trained, distinct_trained, accuracy = np.full_like(A_init, np.nan), None, np.nan
        else:
            _, trained = m._forward(self.X)
            _, A_trained = plotting.unit_outputs_on_path(m, self.X)
            distinct_trained = diagnostics.distinct_units(trained.post[1])
            accuracy = m._accuracy(trained, m.check_targets(self.y, self.X.shape[0]))
        self._A_init, self._A_trained = A_init, A_trained
        self.values = {
            "distinct_init": distinct_init,
            "distinct_trained": distinct_trained,
            "hidden": self.hidden,
            "grad_to_units": grad_to_units,
            "loss": loss,
            "spread": spread,
            "final_loss": float(loss[-1]) if loss.size else float("nan"),
            "final_spread": float(spread[-1]) if spread.size else float("nan"),
            "accuracy": accuracy,
            "diverged": diverged,
            "steps": steps,
        }
        self.trained_model = m

    def _draw(self):
        v = self.values
        t, A, A0 = self._t, self._A_trained, self._A_init
        for j, line in enumerate(self.unit_lines):
            line.set_data(t, A[:, j])
            self.unit_lines_init[j].set_data(t, A0[:, j])
        both = A0 if v["diverged"] else np.concatenate([A, A0], axis=1)
        plotting._fit_unit_axes(self.ax_units, both)
        self.ax_units.set_xlim(t[0], t[-1])
        _title(
            self.ax_units,
            "training diverged (dotted: at init)"
            if v["diverged"]
            else f"distinct units: {v['distinct_trained']} of {self.hidden}",
        )
        g = v["grad_to_units"]
        top = float(np.max(np.abs(g)))
        # bars in units of a power of ten named in the axis label, so that the tick labels stay
        # short (no offset text over the title, no long labels under the pinned axis label)
        exponent = math.floor(math.log10(top)) if top > 0 else 0
        _set_bars(self.grad_bars, g / 10.0**exponent)
        self.ax_grad.set_ylabel("mean ∂L/∂a" + (f" (×1e{exponent})" if exponent else ""))
        lim = 1.15 * top / 10.0**exponent if top > 0 else 1.0
        self.ax_grad.set_ylim(-lim, lim)
        _title(self.ax_grad, "gradient to each unit at step 0")
        self.grad_note.set_text("exactly 0" if top == 0 else "")
        loss = v["loss"]
        steps_axis = np.arange(loss.size)
        self.loss_line.set_data(steps_axis, loss)
        plotting._fit_loss_axes(self.ax_loss, [loss])
        self.ax_loss.set_xlim(0, max(v["steps"], 1))
        _title(
            self.ax_loss,
            f"loss {_fmt(v['final_loss'])}, "
            + ("diverged" if v["diverged"] else f"accuracy {_pct(v['accuracy'])}"),
        )
        spread = v["spread"]
        self.spread_line.set_data(np.arange(spread.size), spread)
        self.ax_spread.set_xlim(0, max(v["steps"], 1))
        top = float(np.max(spread)) if spread.size else 0.0
        self.ax_spread.set_ylim(-2e-4, max(3 * top, 1e-2))
        _title(self.ax_spread, "spread between the units' weights")
        self.spread_note.set_text("exactly 0 at every step" if top == 0 else "")
        s = self.state
        after = (
            f"<b>training diverged</b> after {v['loss'].size - 1} steps"
            if v["diverged"]
            else f"<b>{v['distinct_trained']} distinct of {self.hidden}</b> hidden units after "
            f"{v['steps']} steps"
        )
        n_g = len(np.unique(g))
        self.readout.value = (
            f"{after} ({v['distinct_init']} at init; dotted curves: at init) &middot; gradient "
            f"to the units at step 0: {n_g} distinct value{'s' if n_g != 1 else ''} &middot; "
            f"final loss {_fmt(v['final_loss'])}, accuracy {_pct(v['accuracy'])}"
            + (" &middot; <i>zeros ignores scale</i>" if s["scheme"] == "zeros" else "")
        )


def build_symmetry_explorer(
    *,
    scheme: str = "zeros",
    scale: float = 1.0,
    activation: str = "sigmoid",
    bias: str = "zeros",
    seed: int = 0,
    steps: int = 200,
    dataset: str = "circles",
    hidden: int = 8,
    lr: float = 2.0,
    n: int = 200,
) -> SymmetryExplorer:
    """Why the weights must not all start equal: a 2-``hidden``-1 network on a 2-D dataset.

    Controls: ``scheme`` (every name of :data:`helpers.init.SCHEMES`), ``scale`` (log slider,
    1e-3..1e2), ``activation``, ``bias`` (``"zeros"``, ``"constant"`` = 0.5, ``"normal"`` =
    N(0, 0.5²)), ``seed`` (of the initialisation), ``steps`` (full-batch gradient-descent steps,
    learning rate ``lr``).

    Panels: each hidden unit's output along a straight path through the data (after training,
    dotted at init; identical units lie on top of each other) with the number of distinct units;
    the mean gradient reaching each hidden unit at step 0; the training loss; the unit spread
    (largest distance between two units' incoming weights) at every step, exactly 0 while the
    units are symmetric.

    ``values``: ``distinct_init``, ``distinct_trained`` (units counted as the same when their
    outputs on the dataset are bit-identical), ``grad_to_units`` (hidden,), ``loss`` and
    ``spread`` (steps + 1,), ``final_loss``, ``final_spread``, ``accuracy``, ``diverged``.
    """
    return SymmetryExplorer(
        scheme=scheme,
        scale=scale,
        activation=activation,
        bias=bias,
        seed=seed,
        steps=steps,
        dataset=dataset,
        hidden=hidden,
        lr=lr,
        n=n,
    )


# ----------------------------------------------------------------------------------------------
# 2. Saturation


class SaturationExplorer(Explorer):
    """Large weights saturate sigmoid and tanh units: see :func:`build_saturation_explorer`."""

    title = "Saturation explorer"
    figsize = (8.4, 3.2)

    n_samples = 400
    n_units = 64

    def __init__(self, *, scale, activation, fan_in, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self._cache: dict[int, np.ndarray] = {}
        self.scale_box = LogSlider(scale, 1e-3, 1e2, "scale", "scale")
        controls = {
            "scale": self.scale_box.slider,
            "activation": _dropdown(
                tuple(activations.ACTIVATIONS), activation, "activation", "activation"
            ),
            "fan_in": _int_slider(fan_in, 1, 1000, "fan_in", "fan_in"),
        }
        super().__init__(controls, boxes={"scale": self.scale_box})

    def unit_preactivations(self, fan_in: int) -> np.ndarray:
        """``x @ w0`` for x ~ N(0, 1) of shape (n_samples, fan_in) and w0 ~ N(0, 1) of shape
        (fan_in, n_units), seeded; the pre-activations for weight std ``scale`` are
        ``scale * x @ w0``. Shape (n_samples, n_units); cached per fan_in."""
        if fan_in not in self._cache:
            rng = np.random.default_rng([self.seed, fan_in])
            x = rng.standard_normal((self.n_samples, fan_in))
            w0 = rng.standard_normal((fan_in, self.n_units))
            if len(self._cache) > 8:
                self._cache.clear()
            self._cache[fan_in] = x @ w0
        return self._cache[fan_in]

    def _build(self):
        fig = self.figure
        self.ax_z, self.ax_f, self.ax_a = fig.subplots(1, 3)
        s = self.state
        Z = s["scale"] * self.unit_preactivations(s["fan_in"])
        self.sat = plotting.plot_saturation(self.ax_z, Z, s["activation"])
        self.ax_z.legend(
            loc="upper right",
            fontsize=0.8 * plotting._fontsize("legend"),
            framealpha=0.85,
            frameon=True,
        )
        self.act = plotting.plot_activation(self.ax_f, s["activation"])
        self.act.f.set_label("f(z)")
        self.act.fprime.set_label("f'(z)")
        self._legend_act = s["activation"]
        self.op_band = self.ax_f.axvspan(
            0, 0, color="#ffd34d", alpha=0.35, linewidth=0, zorder=0, label="95% of z"
        )
        self.ax_f.legend(
            loc="upper left",
            fontsize=0.8 * plotting._fontsize("legend"),
            framealpha=0.85,
            frameon=True,
        )
        (self.a_hist,) = self.ax_a.fill([0, 1], [0, 0], alpha=0.55, linewidth=0)
        self.ax_a.set_xlabel("unit output f(z)")
        self.ax_a.set_ylabel("fraction of units")

    def _compute(self):
        s = self.state
        scale, act, fan_in = s["scale"], s["activation"], s["fan_in"]
        Z = scale * self.unit_preactivations(fan_in)
        self.Z = Z
        z_std = diagnostics.std(Z)
        theory_std = scale * math.sqrt(fan_in)
        deriv = activations.derivative(act, Z)
        lo, hi = np.quantile(Z, [0.025, 0.975])
        self.values = {
            "z_std": z_std,
            "z_std_theory": theory_std,
            "saturated_fraction": diagnostics.saturated_fraction(Z, act),
            "saturated_theory": diagnostics.saturated_fraction_theory(theory_std, act),
            "mean_derivative": float(np.mean(deriv)),
            "max_derivative": activations.MAX_SLOPE[act],
            "inactive_fraction": diagnostics.inactive_fraction(Z),
            "operating_range": (float(lo), float(hi)),
        }

    def _draw(self):
        s, v = self.state, self.values
        act = s["activation"]
        plotting.update_saturation(self.sat, self.Z, act)
        lo, hi = self.ax_z.get_xlim()
        z = np.linspace(lo, hi, 401)
        f, fp = activations.activate(act, z), activations.derivative(act, z)
        color = plotting.activation_color(act)
        self.act.f.set_data(z, f)
        self.act.fprime.set_data(z, fp)
        for line in self.act:
            line.set_color(color)
        if self._legend_act != act:  # the legend copies the colours: rebuild it
            self.ax_f.legend(
                loc="upper left",
                fontsize=0.8 * plotting._fontsize("legend"),
                framealpha=0.85,
                frameon=True,
            )
            self._legend_act = act
        self.ax_f.set_xlim(lo, hi)
        ymin, ymax = min(f.min(), fp.min()), max(f.max(), fp.max())
        pad = 0.08 * (ymax - ymin if ymax > ymin else 1.0)
        self.ax_f.set_ylim(ymin - pad, ymax + pad)
        q_lo, q_hi = v["operating_range"]
        self.op_band.set_x(q_lo)
        self.op_band.set_width(q_hi - q_lo)
        # outputs: where they pile up
        A = activations.activate(act, self.Z)
        if act == "sigmoid":
            a_lo, a_hi = 0.0, 1.0
        elif act == "tanh":
            a_lo, a_hi = -1.0, 1.0
        else:
            q = float(np.quantile(np.abs(A), 0.995)) or 1.0
            a_lo, a_hi = (-1.1 * q, 1.1 * q) if act == "linear" else (-0.05 * q, 1.1 * q)
        edges = np.linspace(a_lo, a_hi, 61)
        h = plotting.histogram_fractions(A, bins=60, range=(a_lo, a_hi))
        x, y = plotting._step_xy(edges, h)
        self.a_hist.set_xy(np.column_stack([x, y]))
        self.a_hist.set_facecolor(color)
        self.ax_a.set_xlim(a_lo, a_hi)
        self.ax_a.set_ylim(0, 1.1 * h.max() if h.max() > 0 else 1)
        _title(self.ax_z, f"std(z) = {_fmt(v['z_std'])} (theory {_fmt(v['z_std_theory'])})")
        _title(
            self.ax_f,
            f"mean f'(z) = {_fmt(v['mean_derivative'])} (max {_fmt(v['max_derivative'])})",
        )
        if act in activations.SATURATION_Z:
            sat = (
                f"saturated {_pct(v['saturated_fraction'])} (theory {_pct(v['saturated_theory'])})"
            )
        elif act in ("relu", "leaky_relu"):
            sat = f"z ≤ 0: {_pct(v['inactive_fraction'])}"
        else:
            sat = "linear: never saturates"
        _title(self.ax_a, sat)
        t = activations.SATURATION_Z.get(act)
        self.readout.value = (
            f"std(z) = <b>{_fmt(v['z_std'])}</b> &middot; "
            + (
                f"saturated (|z| &gt; {t:.2f}): <b>{_pct(v['saturated_fraction'])}</b>, "
                f"theory erfc({t:.2f}/(std·√2)) = {_pct(v['saturated_theory'])} &middot; "
                if t is not None
                else ""
            )
            + f"mean f'(z) = <b>{_fmt(v['mean_derivative'])}</b> of at most "
            f"{_fmt(v['max_derivative'])}"
        )


def build_saturation_explorer(
    *, scale: float = 1.0, activation: str = "sigmoid", fan_in: int = 100, seed: int = 0
) -> SaturationExplorer:
    """How the weight scale decides whether units saturate.

    A unit with ``fan_in`` inputs x ~ N(0, 1) and weights w ~ N(0, scale²) (``scale`` is the
    weight standard deviation, as for the ``normal`` scheme) gets the pre-activation z = x·w,
    whose std is ``scale * sqrt(fan_in)``. The explorer draws ``64`` units on ``400`` inputs.

    Controls: ``scale`` (log slider, 1e-3..1e2), ``activation``, ``fan_in`` (1..1000).

    Panels: the histogram of z with the saturated region shaded (``|z| > SATURATION_Z``, where
    f'(z) is under a tenth of its peak; for ReLU, z <= 0 where the slope is 0); f and f' with
    the central 95% of z marked (the operating range); the histogram of the outputs f(z),
    which pile up at 0 and 1 for a saturated sigmoid.

    ``values``: ``z_std`` (measured), ``z_std_theory`` (scale·√fan_in), ``saturated_fraction``
    (measured), ``saturated_theory`` (erfc(t / (z_std_theory·√2))), ``mean_derivative``,
    ``max_derivative``, ``inactive_fraction`` (z <= 0), ``operating_range``.
    """
    return SaturationExplorer(scale=scale, activation=activation, fan_in=fan_in, seed=seed)


# ----------------------------------------------------------------------------------------------
# 3. Depth

from .theory import depth_theory, gaussian_moments  # noqa: E402  (the one source)


class DepthExplorer(Explorer):
    """How signals grow or shrink through many layers: see :func:`build_depth_explorer`."""

    title = "Depth explorer"
    figsize = (8.4, 3.4)
    max_depth = 60
    values_per_layer = 16_384

    def __init__(self, *, scheme, scale, activation, depth, width, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self._base, self._base_key = None, None
        self._weight_cache = {}  # (scheme, width) -> (scale-1 weights drawn so far, generator)
        self.scale_box = LogSlider(scale, 1e-3, 1e2, "scale", "scale")
        width = _validate.positive_int(width, "width")
        if width not in WIDTHS:
            raise ValueError(f"width must be one of {', '.join(map(str, WIDTHS))}; got {width}")
        controls = {
            "scheme": _dropdown(schemes.SCHEMES, scheme, "init scheme", "init scheme"),
            "scale": self.scale_box.slider,
            "activation": _dropdown(
                tuple(activations.ACTIVATIONS), activation, "activation", "activation"
            ),
            "depth": _int_slider(depth, 1, self.max_depth, "depth", "depth"),
            "width": W.SelectionSlider(
                options=WIDTHS,
                value=width,
                description="width",
                continuous_update=False,
                layout=W.Layout(**_CONTROL_LAYOUT),
                style=_CONTROL_STYLE,
            ),
        }
        super().__init__(controls, boxes={"scale": self.scale_box})

    def model(self) -> MLP:
        """The network for the current settings: ``depth`` hidden layers of ``width`` units and
        a linear readout of ``width`` units, zero biases.

        Every scheme's weights are proportional to ``scale`` (see :mod:`helpers.init`), so the
        weights are drawn once at scale 1 for each scheme, depth and width, and multiplied by
        ``scale``: moving the scale slider draws no random numbers.
        """
        s = self.state
        model = self._base_model().copy()
        model.scale = s["scale"]
        model.weights = [s["scale"] * W for W in model.weights]
        return model

    def _base_model(self) -> MLP:
        """The network at scale 1 (cached per scheme, depth, width and activation)."""
        s = self.state
        key = (s["scheme"], s["depth"], s["width"], s["activation"])
        if self._base_key != key:
            self._base = MLP(
                [s["width"]] * (s["depth"] + 1) + [s["width"]],
                activation=s["activation"],
                output="linear",
                init=s["scheme"],
                scale=1.0,
                bias=0.0,
                seed=self.seed,
            )
            self._base_key = key
        return self._base

    _weights_budget = 64 * 2**20  # bytes of cached scale-1 weights kept across settings

    def _base_weights(self, depth: int) -> list:
        """The first ``depth + 1`` weight matrices (scale 1) of :meth:`_base_model`'s network.

        The same matrices, bit for bit: :class:`~helpers.mlp.MLP` draws its layers one after
        the other from one generator (zero biases draw nothing; the activation plays no part),
        and every layer here is ``width`` x ``width``, so the network of depth d holds the
        first d + 1 draws. They are kept per scheme and width and drawn further only when a
        deeper network is asked for: moving the depth or activation slider draws nothing.
        """
        s = self.state
        key = (s["scheme"], s["width"])
        cache = self._weight_cache
        entry = cache.pop(key, None)
        if entry is None:
            entry = ([], np.random.default_rng(self.seed))
        cache[key] = entry  # most recently used last
        weights, rng = entry
        while len(weights) < depth + 1:
            weights.append(schemes.initialize(s["scheme"], s["width"], s["width"], rng=rng))
        used = sum(W.nbytes for ws, _ in cache.values() for W in ws)
        for old in list(cache):
            if used <= self._weights_budget or old == key:
                break
            used -= sum(W.nbytes for W in cache.pop(old)[0])
        return weights[: depth + 1]

    def _inputs(self, width):
        n = max(self.values_per_layer // width, 64)
        rng = np.random.default_rng([self.seed, width])
        X = rng.standard_normal((n, width))
        up = rng.standard_normal((n, width))
        return X, up

    def _build(self):
        self.ax_act, self.ax_grad, self.ax_std = self.figure.subplots(1, 3)
        self._compute()
        self.hist_act = plotting.plot_layer_histograms(
            self.ax_act, self._acts, max_layers=self.max_depth, colorbar=False
        )
        self.hist_grad = plotting.plot_layer_histograms(
            self.ax_grad, self._grads, max_layers=self.max_depth
        )
        self.ax_act.set_xlabel("activation")
        self.ax_grad.set_xlabel("gradient ∂L/∂a")
        self.ax_grad.set_ylabel("")
        ax = self.ax_std
        self.std_act = plotting.plot_layer_std(
            ax,
            self.values["act_std"],
            theory=1.0,
            color=plotting.FORWARD_COLOR,
            label="activations",
            marker=".",
        )
        self.std_grad = plotting.plot_layer_std(
            ax,
            self.values["grad_std"],
            theory=1.0,
            color=plotting.BACKWARD_COLOR,
            label="gradients",
            marker=".",
        )
        self.std_grad.note.set_position((0.02, 0.10))
        for line in (self.std_act.theory, self.std_grad.theory):
            line.set_label("_theory")  # the title says "dashed: theory"
        # one column, placed where it hides least: in the lecture style a two-column legend
        # across the top covered the top tick label
        ax.legend(loc="best", fontsize=plotting._fontsize("legend") * 0.85, handlelength=1.5)

    def _compute(self):
        s = self.state
        depth, width, act = s["depth"], s["width"], s["activation"]
        X, up = self._inputs(width)
        weights = self._base_weights(depth)  # at scale 1: layer l computes scale * (A @ W_l)
        scale = s["scale"]
        f, dprime = activations.ACTIVATIONS[act]
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            # MLP.forward and MLP.backward_from_delta (zero biases) with the weights scale * W,
            # written out to skip what is not shown (the readout's output, weight gradients).
            pre, acts = [], []
            A = X
            for W in weights[:depth]:
                Z = scale * (A @ W)
                A = f(Z)
                pre.append(Z)
                acts.append(A)
            # backward from a unit-variance signal at the readout's pre-activations
            grads = [None] * depth
            dA = scale * (up @ weights[depth].T)
            for l in range(depth - 1, -1, -1):
                grads[l] = dA
                if l > 0:
                    dA = scale * ((dA * dprime(pre[l])) @ weights[l].T)
        # diagnostics.std is finite exactly when every value is (it returns max|x| otherwise)
        act_std = np.array([diagnostics.std(a) for a in acts])
        grad_std = np.array([diagnostics.std(g) for g in grads])
        bad_a, bad_g = ~np.isfinite(act_std), ~np.isfinite(grad_std)
        overflow = int(np.argmax(bad_a)) + 1 if bad_a.any() else None
        g_overflow = int(depth - np.argmax(bad_g[::-1])) if bad_g.any() else None
        act_std[bad_a] = np.inf
        grad_std[bad_g] = np.inf
        th_act, th_grad = depth_theory(s["scheme"], s["scale"], act, depth, width)
        # relu's exact zeros (about half of all values) would dwarf every other bin
        self._zero_share = None
        if act == "relu":
            self._zero_share = float(np.mean([np.mean(a == 0) for a in acts]))
            acts = [a[a != 0] for a in acts]
        self._acts = [a if ok else a[np.isfinite(a)] for a, ok in zip(acts, ~bad_a)]
        self._grads = [g if ok else g[np.isfinite(g)] for g, ok in zip(grads, ~bad_g)]
        self.values = {
            "act_std": act_std,
            "grad_std": grad_std,
            "act_theory": th_act,
            "grad_theory": th_grad,
            "act_ratio": _ratio(act_std),
            "grad_ratio": _ratio(grad_std[::-1]),
            "overflow_layer": overflow,
            "grad_overflow_layer": g_overflow,
            "n_samples": X.shape[0],
        }

    def _draw(self):
        s, v = self.state, self.values
        depth = s["depth"]
        act = s["activation"]
        bounded = {"tanh": (-1.05, 1.05), "sigmoid": (-0.05, 1.05)}
        plotting.update_layer_histograms(self.hist_act, self._acts, range=bounded.get(act))
        plotting.update_layer_histograms(self.hist_grad, self._grads)
        _title(
            self.ax_act,
            "forward: activations" + (" (zeros not shown)" if self._zero_share is not None else ""),
        )
        _title(self.ax_grad, "backward: gradients")
        plotting.update_layer_std(self.std_act, v["act_std"], theory=v["act_theory"], limits=False)
        plotting.update_layer_std(
            self.std_grad, v["grad_std"], theory=v["grad_theory"], limits=False
        )
        ax = self.ax_std
        ax.set_xlim(0.5, depth + 0.5)
        parts = [v["act_std"], v["grad_std"]]
        parts += [a for a in (v["act_theory"], v["grad_theory"]) if a is not None]
        ax.set_ylim(*plotting._log_limits(*parts, pad=3.0))
        # short enough for the lecture style's larger font (a longer title was clipped there)
        _title(ax, "std (dashed: theory)" if v["act_theory"] is not None else "std per layer")
        notes = []
        if v["overflow_layer"]:
            notes.append(f"activations overflow float64 from layer {v['overflow_layer']}")
        if v["grad_overflow_layer"]:
            notes.append(f"gradients overflow from layer {v['grad_overflow_layer']}")
        self.readout.value = (
            f"std of activations: layer 1 <b>{_fmt(v['act_std'][0])}</b> &rarr; layer {depth} "
            f"<b>{_fmt(v['act_std'][-1])}</b> (ratio {_fmt(v['act_ratio'])}) &middot; "
            f"gradients: layer {depth} <b>{_fmt(v['grad_std'][-1])}</b> &rarr; layer 1 "
            f"<b>{_fmt(v['grad_std'][0])}</b> (ratio {_fmt(v['grad_ratio'])})"
            + ("" if not notes else " &middot; <b>" + "; ".join(notes) + "</b>")
        )


WIDTHS = (16, 32, 64, 128, 256, 512)
"""Layer widths offered by the depth explorer."""


def _ratio(stds) -> float:
    """Last over first std (nan when the first is 0 or either is not finite)."""
    first, last = float(stds[0]), float(stds[-1])
    if first == 0 or not (math.isfinite(first) and math.isfinite(last)):
        return float("nan")
    return last / first


def build_depth_explorer(
    *,
    scheme: str = "xavier_normal",
    scale: float = 1.0,
    activation: str = "tanh",
    depth: int = 10,
    width: int = 256,
    seed: int = 0,
) -> DepthExplorer:
    """What ``depth`` layers of ``width`` units do to a signal, forward and backward.

    The network has ``depth`` hidden layers of ``width`` units (weights from ``scheme`` and
    ``scale``, zero biases) and a linear readout layer of ``width`` units. Inputs: x ~ N(0, 1),
    shape (16384 // width, width) (at least 64 samples). Backward pass: a unit-variance random
    signal is sent back from the readout, which isolates what the layers do to a gradient.

    Controls: ``scheme``, ``scale`` (log slider 1e-3..1e2), ``activation``, ``depth`` (1..60),
    ``width`` (16..512).

    Panels: per-layer histograms of the activations (forward) and of the gradients reaching
    each layer's outputs (backward), coloured from layer 1 (dark) to layer L (light); the std of
    both per layer on a log axis with the theory of :func:`depth_theory` dashed.

    ``values``: ``act_std`` and ``grad_std`` (depth,), ``act_theory`` and ``grad_theory``
    (depth,) or None, ``act_ratio`` (last / first layer), ``grad_ratio`` (layer 1 / layer L),
    ``overflow_layer``.
    """
    return DepthExplorer(
        scheme=scheme, scale=scale, activation=activation, depth=depth, width=width, seed=seed
    )


# ----------------------------------------------------------------------------------------------
# 4. Training


class TrainingExplorer(Explorer):
    """Train a small network and see what the initialisation changes: see
    :func:`build_training_explorer`."""

    title = "Training explorer"
    figsize = (8.4, 6.0)
    max_depth = 8

    def __init__(
        self,
        *,
        dataset,
        scheme,
        scale,
        activation,
        depth,
        width,
        lr,
        epochs,
        seed,
        restarts,
        n,
        resolution,
    ):
        self.n = _validate.positive_int(n, "n (samples)", minimum=4)
        self.resolution = _validate.positive_int(resolution, "resolution", minimum=10)
        self.scale_box = LogSlider(scale, 1e-3, 1e2, "scale", "scale", continuous=False)
        self.lr_box = LogSlider(lr, 1e-3, 10.0, "lr", "lr (learning rate)", continuous=False)
        self.progress = W.IntProgress(
            value=0,
            min=0,
            max=max(int(epochs), 1),
            description="training",
            layout=W.Layout(width="400px"),
            style=_CONTROL_STYLE,
        )
        self.progress_label = W.Label("")
        controls = {
            "dataset": _dropdown(datasets.DATASETS, dataset, "dataset", "dataset"),
            "scheme": _dropdown(schemes.SCHEMES, scheme, "init scheme", "init scheme"),
            "scale": self.scale_box.slider,
            "activation": _dropdown(
                tuple(activations.ACTIVATIONS), activation, "activation", "activation"
            ),
            "depth": _int_slider(depth, 1, self.max_depth, "layers", "depth"),
            "width": _int_slider(width, 2, 64, "width", "width"),
            "lr": self.lr_box.slider,
            "epochs": _int_slider(epochs, 0, 3000, "epochs", "epochs", step=50),
            "seed": _int_slider(seed, 0, 99, "seed", "seed"),
            "restarts": _int_slider(restarts, 1, 20, "restarts", "restarts"),
        }
        self._data_cache = {}
        super().__init__(
            controls,
            boxes={"scale": self.scale_box, "lr": self.lr_box},
            extra=(W.HBox([self.progress, self.progress_label]),),
        )

    def data(self, name=None):
        """``X (n, 2), y (n,)`` of the current (or named) dataset, drawn with seed 0."""
        name = self.controls["dataset"].value if name is None else name
        if name not in self._data_cache:
            self._data_cache[name] = datasets.make_dataset(
                name, self.n, rng=np.random.default_rng(0)
            )
        return self._data_cache[name]

    def model(self, seed=None) -> MLP:
        """A fresh (untrained) network with the current settings."""
        s = self.state
        return MLP(
            [2] + [s["width"]] * s["depth"] + [1],
            activation=s["activation"],
            output="sigmoid",
            init=s["scheme"],
            scale=s["scale"],
            seed=s["seed"] if seed is None else seed,
        )

    def _build(self):
        (self.ax_loss, self.ax_db), (self.ax_grad, self.ax_seeds) = self.figure.subplots(2, 2)
        X, y = self.data()
        self.boundary = plotting.plot_decision_boundary(
            self.ax_db, self.model(), X, y, resolution=self.resolution
        )
        self.restart_lines = [
            self.ax_loss.plot(
                [], [], color="0.6", linewidth=0.6 * plotting._linewidth(), alpha=0.6
            )[0]
            for _ in range(20)
        ]
        self.loss_line = self.ax_loss.plot([], [], color="0.1")[0]
        self.ax_loss.set_xlabel("epoch")
        self.ax_loss.set_ylabel("loss")
        self.grad_lines = [
            self.ax_grad.plot([], [], label=f"layer {i + 1}")[0] for i in range(self.max_depth + 1)
        ]
        self.ax_grad.set_yscale("log")
        self.ax_grad.set_xlabel("epoch")
        self.ax_grad.set_ylabel("‖∂L/∂W‖")
        self.grad_note = self.ax_grad.text(
            0.97, 0.95, "", transform=self.ax_grad.transAxes, ha="right", va="top"
        )
        ax = self.ax_seeds
        self.seed_dots = ax.scatter([], [], s=30, color="0.35", zorder=3)
        self.best_dot = ax.scatter([], [], s=70, color="#d62728", zorder=4, label="best seed")
        self.median_line = ax.axhline(
            np.nan, color="0.2", linestyle="--", linewidth=1, label="median"
        )
        ax.set_xlim(-1, 1)
        ax.set_xticks([])
        ax.set_ylabel("final loss")
        ax.legend(loc="upper right")
        self.seed_note = ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top")

    def _compute(self):
        s = self.state
        X, y = self.data()
        epochs, restarts = s["epochs"], s["restarts"]
        # With several seeds, every run records only its loss (3x faster) and the best seed is
        # then trained again with the per-layer record: the same numbers, as training is
        # deterministic for a given seed.
        total = epochs * (restarts + (restarts > 1))
        self.progress.max = max(total, 1)
        self.progress.value = 0
        every = max(1, total // 50)
        done = [0]

        def report(epoch, loss):
            if epoch > 0 and epoch % every == 0:
                self.progress.value = min(done[0] + epoch, total)

        def run(seed, record):
            model = self.model(seed=seed)
            history = training.train(
                model, X, y, epochs=epochs, lr=s["lr"], callback=report, record_layers=record
            )
            done[0] += history.epochs
            self.progress.value = min(done[0], total)
            return seed, model, history

        runs = []
        for r in range(restarts):
            runs.append(run(s["seed"] + r, restarts == 1))
            if runs[-1][2].stopped:
                break
        finals = np.array([h.final_loss if h.loss.size else np.inf for _, _, h in runs])
        ok = np.array([not h.diverged for _, _, h in runs])
        candidates = np.where(ok, finals, np.inf)
        best = int(np.argmin(candidates)) if np.any(np.isfinite(candidates)) else 0
        if restarts > 1 and not runs[-1][2].stopped:
            runs[best] = run(runs[best][0], True)
        seed_b, model_b, hist_b = runs[best]
        self.runs, self.best = runs, runs[best]
        stopped = any(h.stopped for _, _, h in runs)
        self.progress_label.value = (
            f"stopped (interrupted) after {hist_b.epochs} epochs"
            if stopped
            else f"{len(runs)} run{'s' if len(runs) > 1 else ''} x {epochs} epochs, "
            f"{sum(h.seconds for _, _, h in runs):.2f} s"
        )
        self.values = {
            "final_loss": hist_b.final_loss if hist_b.loss.size else float("nan"),
            "final_accuracy": hist_b.final_accuracy if hist_b.loss.size else float("nan"),
            "final_losses": finals,
            "seeds": np.array([sd for sd, _, _ in runs]),
            "best_seed": seed_b,
            "diverged": bool(hist_b.diverged),
            "n_diverged": int(np.sum(~ok)),
            "stopped": stopped,
            "epochs_run": hist_b.epochs,
            "history": hist_b,
            "model": model_b,
        }

    def _draw(self):
        s, v = self.state, self.values
        X, y = self.data()
        hist = v["history"]
        # loss curves: every restart faint, the best one dark
        curves = []
        for i, line in enumerate(self.restart_lines):
            if i < len(self.runs) and len(self.runs) > 1:
                loss = self.runs[i][2].loss
                line.set_data(np.arange(loss.size), loss)
                line.set_visible(True)
                curves.append(loss)
            else:
                line.set_visible(False)
        self.loss_line.set_data(np.arange(hist.loss.size), hist.loss)
        self.loss_line.set_color(plotting.scheme_color(s["scheme"]))
        plotting._fit_loss_axes(self.ax_loss, curves + [hist.loss])
        self.ax_loss.set_xlim(0, max(s["epochs"], 1))
        end = " (diverged)" if hist.diverged else (" (stopped)" if hist.stopped else "")
        _title(self.ax_loss, f"loss {_fmt(v['final_loss'])}{end}")
        self.boundary = plotting.update_decision_boundary(self.boundary, v["model"], X, y)
        _title(self.ax_db, f"seed {v['best_seed']}: accuracy {_pct(v['final_accuracy'])}")
        G = hist.grad_norm
        L = G.shape[1]
        colors = plotting.layer_colors(L)
        for i, line in enumerate(self.grad_lines):
            if i < L:
                line.set_data(np.arange(G.shape[0]), plotting._masked(G[:, i]))
                line.set_color(colors[i])
                line.set_label(f"layer {i + 1}" if i + 1 < L else f"layer {i + 1} (output)")
                line.set_visible(True)
            else:
                line.set_visible(False)
                line.set_label(f"_layer {i + 1}")
        self.ax_grad.set_xlim(0, max(s["epochs"], 1))
        self.ax_grad.set_ylim(*plotting._log_limits(G, pad=2.0))
        if getattr(self, "_legend_layers", None) != L:  # rebuild only when the depth changes
            self.ax_grad.legend(
                loc="lower left",
                ncols=3 if L > 3 else 1,
                fontsize=plotting._fontsize("legend") * 0.8,
            )
            self._legend_layers = L
        zero = [i + 1 for i in range(L) if np.all(G[:, i] == 0)]
        self.grad_note.set_text(f"layer {', '.join(map(str, zero))}: exactly 0" if zero else "")
        _title(self.ax_grad, "gradient norm per layer")
        finals = v["final_losses"]
        k = finals.size
        xs = (np.arange(k) - (k - 1) / 2) / max(k, 2) * 1.2 if k > 1 else np.zeros(1)
        shown = np.where(np.isfinite(finals), finals, np.nan)
        self.seed_dots.set_offsets(np.column_stack([xs, shown]))
        best = int(np.nonzero(v["seeds"] == v["best_seed"])[0][0])
        self.best_dot.set_offsets([[xs[best], shown[best]]])
        fin = shown[np.isfinite(shown)]
        med = float(np.median(fin)) if fin.size else np.nan
        self.median_line.set_ydata([med, med])
        if fin.size:
            lo, hi = float(fin.min()), float(fin.max())
            pad = 0.1 * (hi - lo) if hi > lo else 0.1 * max(abs(hi), 1e-3)
            self.ax_seeds.set_ylim(max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad)
        _title(
            self.ax_seeds,
            f"final loss, {k} seed{'s' if k > 1 else ''}"
            + (f": spread {_fmt(float(fin.max() - fin.min()))}" if fin.size > 1 else ""),
        )
        self.seed_note.set_text(f"{v['n_diverged']} diverged" if v["n_diverged"] else "")
        self.readout.value = (
            f"final loss <b>{_fmt(v['final_loss'])}</b>, accuracy "
            f"<b>{_pct(v['final_accuracy'])}</b> after {v['epochs_run']} epochs"
            + (f" (best of {k} seeds; median {_fmt(med)})" if k > 1 else "")
            + (" &middot; <b>diverged</b>" if v["diverged"] else "")
            + (" &middot; <b>stopped</b>" if v["stopped"] else "")
            + (" &middot; raise <i>restarts</i> to compare seeds" if k == 1 else "")
        )


def build_training_explorer(
    *,
    dataset: str = "moons",
    scheme: str = "he_normal",
    scale: float = 1.0,
    activation: str = "relu",
    depth: int = 2,
    width: int = 16,
    lr: float = 0.5,
    epochs: int = 300,
    seed: int = 0,
    restarts: int = 1,
    n: int = 400,
    resolution: int = 100,
) -> TrainingExplorer:
    """Train a 2-``width``-...-1 network (``depth`` hidden layers) on a 2-D dataset.

    Full-batch gradient descent with :func:`helpers.train.train` (learning rate ``lr``) for
    ``epochs`` epochs on ``n`` points of ``dataset`` (drawn with seed 0); the network's
    parameters are drawn with ``seed``. With ``restarts`` > 1 the same settings are trained
    from seeds ``seed, seed + 1, ...`` and the best run (lowest final loss) is shown.

    Controls (every one retrains, so the sliders act on release): ``dataset``, ``scheme``,
    ``scale``, ``activation``, ``depth``, ``width``, ``lr``, ``epochs``, ``seed``, ``restarts``.

    Panels: the loss curve (every restart faint, the best dark), the decision boundary of the
    best run, the gradient norm of each layer over training, and the final loss of every seed.
    A progress bar follows long runs; *Kernel > Interrupt* stops one and shows it so far.

    ``values``: ``final_loss``, ``final_accuracy``, ``final_losses`` (one per seed), ``seeds``,
    ``best_seed``, ``diverged``, ``n_diverged``, ``stopped``, ``epochs_run``, ``history`` (the
    best run's :class:`helpers.train.History`), ``model`` (its trained MLP).
    """
    return TrainingExplorer(
        dataset=dataset,
        scheme=scheme,
        scale=scale,
        activation=activation,
        depth=depth,
        width=width,
        lr=lr,
        epochs=epochs,
        seed=seed,
        restarts=restarts,
        n=n,
        resolution=resolution,
    )


EXPLORERS = {
    "symmetry": build_symmetry_explorer,
    "saturation": build_saturation_explorer,
    "depth": build_depth_explorer,
    "training": build_training_explorer,
}
"""Every explorer builder by name."""

__all__ = [
    "BIAS_OPTIONS",
    "EXPLORERS",
    "WIDTHS",
    "DepthExplorer",
    "Explorer",
    "LogSlider",
    "SaturationExplorer",
    "SymmetryExplorer",
    "TrainingExplorer",
    "build_depth_explorer",
    "build_saturation_explorer",
    "build_symmetry_explorer",
    "build_training_explorer",
    "depth_theory",
    "display_mode",
    "gaussian_moments",
    "train_light",
]
