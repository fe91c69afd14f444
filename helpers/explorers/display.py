"""How an explorer's figure reaches the screen: the display mode for matplotlib's backend, the
figure and its canvas, BLAS threads while computing, PNG pictures, and closing a widget tree
(redrawing part of a figure: :mod:`.redraw`)."""

from __future__ import annotations

import contextlib
import io
import weakref

import ipywidgets as W
import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import plotting


def display_mode() -> str:
    """How explorers built now show their figure: ``"live"`` (ipympl canvas), ``"image"`` (a
    notebook's inline backend: a PNG re-rendered on each change) or ``"none"`` (Agg and other
    non-notebook backends: nothing displayed; the figure is rendered into its canvas)."""
    backend = str(mpl.get_backend()).lower()
    if "ipympl" in backend or backend in ("widget", "nbagg"):
        return "live"
    if "inline" in backend:
        return "image"
    return "none"


def make_figure(figsize, mode: str):
    """A :class:`helpers.plotting.CourseFigure` outside pyplot, with an ipympl canvas (``mode``
    "live": no toolbar, header or footer, not resizable) or an Agg canvas."""
    fig = plotting.course_figure(figsize)
    if mode == "live":
        # Imported only here: importing ipympl switches matplotlib's backend to ipympl.
        from ipympl.backend_nbagg import Canvas, FigureManager

        canvas = Canvas(fig)
        FigureManager(canvas, id(fig))
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
        canvas.toolbar_visible = False  # zoom and pan buttons would only cover the panels
    else:
        FigureCanvasAgg(fig)
    return fig


_THREADS = []


@contextlib.contextmanager
def blas_threads(n: int | None):
    """Run numpy's matrix products on at most ``n`` BLAS threads inside the block (threadpoolctl;
    ``None``: as they are).

    The explorers' products are small; BLAS threads gain little on them and, on a busy 2-core
    laptop running a browser, lose a lot (``benchmarks/bench_explorers.py --blas-threads``
    measures both ways).
    """
    if n is None:
        yield
        return
    if not _THREADS:
        from threadpoolctl import ThreadpoolController

        _THREADS.append(ThreadpoolController())
    with _THREADS[0].limit(limits=n, user_api="blas"):
        yield


def close_tree(widget) -> None:
    """Close a widget, its children, and the Layout and Style widgets every widget owns."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for name in ("layout", "style", "toolbar"):
        part = getattr(widget, name, None)
        if isinstance(part, W.Widget):
            close_tree(part)
    widget.close()


def figure_png(fig, dpi: int) -> bytes:
    """``fig`` as a PNG at ``dpi``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def compact_png(fig, dpi: int) -> bytes:
    """``fig`` as a PNG with a 256-colour palette (3-5 times smaller than a plain PNG)."""
    from PIL import Image  # Pillow: a matplotlib dependency

    image = Image.open(io.BytesIO(figure_png(fig, dpi))).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    image.save(buf, format="png", optimize=True)
    return buf.getvalue()


_KEPT = {"controls", "values", "mode", "figure", "readout", "widget", "progress", "renders",
         "_runner", "_closed", "_holding", "_pending", "_image", "_blitter"}  # fmt: skip
"""What a released explorer keeps (its closed widgets, its settings and an empty figure)."""


def free(explorer) -> None:
    """Empty a closed explorer: its figure, its numbers, and every artist, array and cache its
    subclass made (a reference left elsewhere, such as IPython's ``Out``, then holds little)."""
    explorer.figure.clear()
    FigureCanvasAgg(explorer.figure)  # a new, empty canvas: the old one's pixel buffers go
    for name in set(vars(explorer)) - _KEPT:
        delattr(explorer, name)
    explorer.values = {}
    explorer._blitter.forget()


_BY_CELL: dict = {}
"""cell id -> (the execution that built explorers there, weak references to them)."""


def current_cell() -> tuple[str, str] | None:
    """``(cell id, execution id)`` of the notebook cell running now, where the front end says
    (JupyterLab and Notebook 7 send the cell's id with each execution), else None."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent() if kernel is not None else None
        cell = ((parent or {}).get("metadata") or {}).get("cellId")
        msg_id = ((parent or {}).get("header") or {}).get("msg_id")
    except (ImportError, AttributeError, TypeError):
        return None
    return (str(cell), str(msg_id)) if cell and msg_id else None


def one_per_cell(explorer) -> None:
    """Re-running a cell replaces its explorers: those an earlier run of the same cell built are
    released (``release()``: widgets closed, figure and caches freed), so that memory stays
    flat however often a student re-runs it. Explorers built by one run are all kept."""
    where = current_cell()
    if where is None:
        return
    cell, run = where
    previous_run, refs = _BY_CELL.get(cell, (None, []))
    if previous_run != run:
        for ref in refs:
            old = ref()
            if old is not None and old is not explorer:
                old.release()
        refs = []
    _BY_CELL[cell] = (run, [*refs, weakref.ref(explorer)])
