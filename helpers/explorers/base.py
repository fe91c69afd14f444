"""The explorer contract: controls that re-run real numbers and update a figure in place.

An explorer is a subclass of :class:`Explorer` that sets ``title`` and ``figsize`` and implements
four methods, which the base class calls in this order:

``make_controls(**settings) -> dict``
    The named controls (``{"scale": ..., "activation": ...}``), made with the factories of
    :mod:`helpers.explorers.controls`. ``settings`` are the builder's keyword arguments: the
    controls' initial values, and fixed options (a dataset, a learning rate) that this method
    validates and keeps as attributes. Called once, first.
``build(fig)``
    Makes the axes and artists on ``fig``: labels, fixed limits and empty artists; no numbers.
    Artists that change with the controls are registered with :meth:`Explorer.animate` and
    changed by :meth:`draw` only: they are redrawn by blitting, on the background of everything
    else. Called once.
``compute(state) -> dict``
    The numbers for ``state`` (``{control name: value}``): a plain dict, pure (it changes no
    artist and no control), testable without a figure. Called on every change. An explorer
    whose numbers can take seconds implements ``compute_steps(state)`` instead, a generator of
    slices (see :mod:`helpers.explorers.background`): changes made in the browser then run in
    the background, with a progress bar and a Stop button, and the kernel stays responsive.
``draw(values) -> str``
    Updates the artists from ``values`` with the ``update_*`` functions of
    :mod:`helpers.plotting` and returns the read-out (HTML shown under the controls). A legend
    over lines that change is placed with :func:`helpers.plotting.place_legend`.

Everything else is the base class's: it lays the figure out (once, and again only when a
panel's decorations grew into a neighbour's), wires the observers (a change made from code
updates the figure synchronously; in the browser, ipywidgets sends a control's newest value only
once the kernel has finished with the previous one, so a burst of slider events ends on the last
value without queueing), renders the figure (:mod:`.blitting`: a blit of the animated artists, a
redraw of the Axes whose limits or static texts changed, or a full draw), shows a static picture
where no widget can run, follows :func:`helpers.plotting.use_style`, closes everything in
:meth:`Explorer.close`, and frees an explorer when the notebook cell that built it runs again
(:meth:`Explorer.release`). A new explorer is one module with one subclass and one builder
function, plus one line in :data:`helpers.explorers.EXPLORERS`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools

import ipywidgets as W
import matplotlib as mpl
import numpy as np

from .. import plotting
from . import controls as C
from . import display
from .background import Background, Progress, event_loop, run_steps, show_frame, show_result
from .blitting import Blitter
from .display import blas_threads, close_tree, display_mode, make_figure

_READOUT_SIZE = {"default": "100%", "lecture": "150%"}


class Explorer:
    """Controls + figure + numbers (see the module docstring for the contract).

    Attributes
    ----------
    widget : ipywidgets.VBox
        What a notebook displays (CSS class ``initlab-explorer``).
    controls : dict of str -> ipywidgets.ValueWidget
        Set a control's ``.value`` to drive the explorer from code or a test: the figure follows
        synchronously.
    figure : matplotlib.figure.Figure
    values : dict
        The numbers the explorer shows now (what :meth:`compute` returned).
    readout : ipywidgets.HTML
    mode : str
        ``"live"``, ``"image"`` or ``"none"`` (see :func:`display_mode`).
    renders : dict
        How many times :meth:`render` drew the whole figure (``"full"``), only the Axes that
        changed (``"axes"``) and only the animated artists (``"blit"``).
    """

    title = "Explorer"
    figsize = (8.4, 6.0)
    pads = (0.04, 0.04)
    """Inches the layout leaves around each panel's decorations, across and down."""
    blas_threads: int | None = 1
    """BLAS threads while the numbers are computed (None: no limit); see :func:`blas_threads`."""

    # -- the contract ---------------------------------------------------------------------------
    def make_controls(self, **settings) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def build(self, fig) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    compute_steps = None
    """Optional: ``compute_steps(state)``, a generator of slices (see the module docstring)."""

    def compute(self, state: dict) -> dict:
        if self.compute_steps is None:  # pragma: no cover - abstract
            raise NotImplementedError
        progress = self.progress.show if self.progress is not None else None
        return run_steps(self.compute_steps(state), progress)

    def draw(self, values: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def extras(self) -> list:
        """Widgets shown between the controls and the read-out (the progress bar of an explorer
        with ``compute_steps``)."""
        return [] if self.progress is None else [self.progress.widget]

    # -- the machinery --------------------------------------------------------------------------
    def __init__(self, **settings):
        self.controls = dict(self.make_controls(**settings))
        self.progress = Progress(self.stop) if self.compute_steps is not None else None
        self._runner = Background(
            functools.partial(show_frame, self), functools.partial(show_result, self),
            lambda: blas_threads(self.blas_threads),
        )  # fmt: skip
        self.values: dict = {}
        self.mode = display_mode()
        self._holding, self._pending, self._closed = 0, False, False
        self.figure = make_figure(self.figsize, self.mode)
        self._blitter = Blitter(self.figure, self.pads)
        self.renders = self._blitter.renders
        with mpl.rc_context(plotting.style_rc()):
            self.build(self.figure)
        self.readout = W.HTML(layout=W.Layout(margin="2px 0 4px 8px"))
        self.readout.style.font_size = _READOUT_SIZE[plotting.current_style()]
        self.readout.value = self._compute_and_draw()
        self._blitter.lay_out()
        self._image = None
        # observed before the read-outs of the sliders are made (observers run in that order):
        # the figure, which a student watches, goes to the browser before the texts
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = W.VBox(self._children())
        self.widget.add_class("initlab-explorer")
        self.render()
        plotting.register(self)
        display.one_per_cell(self)

    def _children(self) -> list:
        grid = W.GridBox(
            [C.labelled(c) for c in self.controls.values()],
            layout=W.Layout(grid_template_columns="repeat(3, 280px)", grid_gap="2px 6px"),
        )
        title = W.HTML(f"<b>{self.title}</b>", layout=W.Layout(margin="0 0 2px 8px"))
        children = [title, grid, *self.extras(), self.readout]
        if self.mode == "live":
            self.figure.canvas.layout.width = f"{self.pixel_size()[0] + 4}px"
            children.append(self.figure.canvas)
        elif self.mode == "image":
            self._image = W.Image(format="png", value=self.png(dpi=self.figure.dpi))
            children.append(self._image)
        return children

    def animate(self, *artists):
        """Register artists that change with the controls (drawn by blitting); returns the
        first. Call it in :meth:`build`."""
        return self._blitter.animate(*artists)

    @property
    def state(self) -> dict:
        """Current value of every control: ``{name: value}``."""
        return {name: c.value for name, c in self.controls.items()}

    def describe(self) -> str:
        """One line naming the explorer and its settings (the text shown where no image or
        widget can be, and what nbval compares): stable for the same settings."""
        parts = [f"{k}={C.fmt(v) if isinstance(v, float) else v}" for k, v in self.state.items()]
        return (
            f"{self.title} ({', '.join(parts)}) - run the notebook in JupyterLab to use the sliders"
        )

    def __repr__(self) -> str:
        return f"<{self.describe()}>"

    # -- updating -------------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        if self._holding:
            self._pending = True
            return
        loop = event_loop() if self.compute_steps is not None else None
        if loop is None:
            self.update()
        else:  # a change made in the browser: compute in the background, the newest wins
            self.start(loop)

    def start(self, loop=None) -> None:
        """Recompute in slices on the asyncio ``loop`` (default: the running one), as a change
        made in the browser does: returns at once; :attr:`running` until the figure shows the
        new numbers; a newer change (or :meth:`update`) cancels the run, :meth:`stop` ends it
        where it is. Only for explorers with ``compute_steps``."""
        if self.compute_steps is None:
            raise TypeError(f"the {self.title.lower()} computes at once; call update()")
        if self._closed:
            raise RuntimeError(f"this {self.title.lower()} was closed")
        self.progress.show(0.0)
        self.progress.running(True)
        self._runner.start(loop or asyncio.get_running_loop(), self.compute_steps(self.state))

    def _compute_and_draw(self) -> str:
        """The numbers for the controls' values, drawn into the artists; returns the read-out."""
        with blas_threads(self.blas_threads):
            self.values = self.compute(self.state)
            return self.draw(self.values) or ""

    @property
    def running(self) -> bool:
        """True while a change made in the browser is being computed in the background."""
        return self._runner.running

    def stop(self) -> None:
        """Stop the background computation and show what it has (the Stop button)."""
        self._runner.stop()

    def update(self) -> None:
        """Recompute every number from the controls and update the figure, synchronously (the
        figure first, then the read-out)."""
        if self._closed:
            raise RuntimeError(f"this {self.title.lower()} was closed")
        if self._runner.running:  # code wins over a run the browser started
            self._runner.cancel()
            self.progress.running(False)
        readout = self._compute_and_draw()
        self.render()
        self.readout.value = readout

    @contextlib.contextmanager
    def hold(self):
        """Change several controls with one update at the end: ``with explorer.hold():``, then
        set ``explorer.controls[name].value`` for each."""
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
            known = ", ".join(self.controls)
            raise ValueError(f"unknown control(s) {', '.join(unknown)}; this explorer has {known}")
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value
        return self

    # -- rendering ------------------------------------------------------------------------------
    def render(self) -> None:
        """Bring the figure's pixels up to date, drawing only what changed (see
        :mod:`.blitting`); live, the new pixels then go to the browser."""
        if self.mode == "image":
            if self._image is not None:
                self._blitter.place_labels()
                self._image.value = self.png(dpi=self.figure.dpi)
            return
        self._blitter.render()
        if self.mode == "live" and self._blitter.shown:
            # ipympl sends the pixels that changed since its last frame. Before the browser has
            # asked for the figure once (it does when it first shows it) there is nobody to send
            # them to.
            self.figure.canvas.blit(self.figure.bbox)

    def pixels(self):
        """The figure as it is shown, as an RGBA array of shape (height, width, 4)."""
        self.render()
        return np.asarray(self.figure.canvas.buffer_rgba()).copy()

    def pixel_size(self) -> tuple[int, int]:
        """Width and height of the figure in pixels."""
        w, h = self.figure.get_size_inches() * self.figure.dpi
        return int(round(w)), int(round(h))

    def restyle(self, mode: str) -> None:
        """Switch this explorer's figure to ``mode`` ("default" or "lecture"); called by
        :func:`helpers.plotting.use_style` for every live explorer."""
        if self._closed:
            return
        self.readout.style.font_size = _READOUT_SIZE[mode]
        plotting.restyle_figure(self.figure, mode)
        self._blitter.lay_out()
        if self.mode == "live":
            self.figure.canvas.layout.width = f"{self.pixel_size()[0] + 4}px"
        self.render()

    # -- static view ----------------------------------------------------------------------------
    def png(self, dpi: int = 90) -> bytes:
        """The current figure as a PNG."""
        return display.figure_png(self.figure, dpi)

    def static_png(self, dpi: int = 80) -> bytes:
        """The current figure as a compact PNG (256-colour palette, 3-5 times smaller than a
        plain PNG), for the picture a saved notebook keeps of the explorer."""
        return display.compact_png(self.figure, dpi)

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
        self._runner.cancel()
        for control in self.controls.values():
            control.unobserve(self._on_change, names="value")
        close_tree(self.widget)
        self._blitter.forget(artists=False)  # the figure stays readable

    def release(self) -> None:
        """Close the explorer and free its memory (figure, numbers, caches): what building a
        new explorer in the notebook cell that built this one does."""
        self.close()
        display.free(self)
