"""The floor under every explorer's latency: an explorer that does almost nothing.

``bench_browser.py --floor`` times a :class:`FloorExplorer` the way it times the course's
explorers: a key press on its ``scale`` slider, then the first frame whose canvas pixels changed.
Its numbers are one short array and its figure one animated line on fixed axes (a blit), so
what the browser shows is what JupyterLab, ipywidgets and ipympl cost on their own: the slider's
message to the kernel, the kernel's turn, the blit, ipympl's PNG of the change, its message to
the browser, decoding and painting. A course explorer cannot be faster than the floor of its
figure's size; the difference is its own work.

:func:`write_notebook` writes a notebook with one floor explorer per figure size: by default
the sizes of the course's explorers (:data:`helpers.explorers.EXPLORERS`), so that each can be
compared with the floor of its own canvas.
"""

from __future__ import annotations

import typing
from pathlib import Path

import nbformat
import numpy as np

from helpers.explorers import EXPLORERS, Explorer
from helpers.explorers import controls as C


class FloorExplorer(Explorer):
    """One animated line whose amplitude follows the ``scale`` slider (``log10(scale)``)."""

    title = "Floor explorer"

    def make_controls(self, *, scale: float = 1.0) -> dict:
        return {"scale": C.scale_slider(scale)}

    def build(self, fig) -> None:
        ax = fig.add_subplot()
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(-3.5, 2.5)  # log10 of the scale slider's range, 1e-3..1e2, and a margin
        ax.set_xlabel("x")
        ax.set_ylabel("log10(scale) sin(6x)")
        self.x = np.linspace(0.0, 1.0, 200)
        self.line = self.animate(ax.plot([], [])[0])

    def compute(self, state: dict) -> dict:
        return {"y": np.log10(state["scale"]) * np.sin(6.0 * self.x)}

    def draw(self, values: dict) -> str:
        self.line.set_data(self.x, values["y"])
        return f"scale {C.fmt(self.state['scale'])}"


def build_floor_explorer(name: str, figsize, *, scale: float = 1.0) -> FloorExplorer:
    """A floor explorer of ``figsize`` (inches) titled ``"Floor-<name> explorer"`` (which
    ``bench_browser.py`` names ``floor-<name>``)."""
    size = tuple(float(x) for x in figsize)
    if len(size) != 2 or not all(np.isfinite(size)) or min(size) <= 0:
        raise ValueError(f"figsize must be two positive inches (width, height); got {figsize!r}")
    kind = type(
        "FloorExplorer", (FloorExplorer,), {"title": f"Floor-{name} explorer", "figsize": size}
    )
    return kind(scale=scale)


def explorer_sizes(names=None) -> dict:
    """``{explorer name: figsize}`` of the course's explorers (all, or ``names``)."""
    names = list(EXPLORERS) if not names else list(names)
    unknown = [n for n in names if n not in EXPLORERS]
    if unknown:
        raise ValueError(f"unknown explorer(s) {unknown}; known: {', '.join(EXPLORERS)}")
    # the class a builder returns, from its annotation: building one would train a network
    return {n: typing.get_type_hints(EXPLORERS[n])["return"].figsize for n in names}


def write_notebook(directory, sizes: dict) -> Path:
    """Write ``floor.ipynb`` into ``directory``: ``%matplotlib widget``, then one cell per
    ``{name: figsize}`` that builds and shows a floor explorer of that size. Returns its path."""
    here = str(Path(__file__).resolve().parent)
    cells = [
        nbformat.v4.new_code_cell(
            "%matplotlib widget\nimport sys\n\n"
            f"sys.path.insert(0, {here!r})\nfrom floor_explorer import build_floor_explorer"
        )
    ]
    for name, (w, h) in sizes.items():
        cells.append(nbformat.v4.new_code_cell(f"build_floor_explorer({name!r}, ({w}, {h}))"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = Path(directory) / "floor.ipynb"
    nbformat.write(nb, path)
    return path
