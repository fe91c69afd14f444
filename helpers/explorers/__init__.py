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
                                updates the artists and sends the new pixels to the browser.
a notebook's inline backend     the explorer shows a PNG of the figure, re-rendered on each change
                                (works everywhere, slower: use ``%matplotlib widget``).
Agg (scripts, tests)            nothing is displayed; the figure's canvas holds the pixels.
=============================  ===============================================================

Figures are made without pyplot, so explorers never pile up in ``plt.get_fignums()``; call
``explorer.close()`` to release an explorer's widgets.

The contract a new explorer implements is in :mod:`helpers.explorers.base`; the shared controls
are in :mod:`helpers.explorers.controls`. Add the builder to :data:`EXPLORERS` and the contract
tests cover it.

Long training runs (the training explorer) report progress in a bar. A change made in the
browser runs in the background: its *Stop* button ends it where it is, and the explorer shows the
run up to that epoch. A run started from code (``update()``, ``set()``) ends on Jupyter's own
*Kernel > Interrupt* (the square stop button) with the same result.
"""

from .base import Explorer, display_mode
from .depth import WIDTHS, DepthExplorer, build_depth_explorer
from .isometry import IsometryExplorer, build_isometry_explorer
from .phase import PhaseExplorer, build_phase_explorer
from .residual import ResidualExplorer, build_residual_explorer
from .saturation import SaturationExplorer, build_saturation_explorer
from .symmetry import BIAS_OPTIONS, SymmetryExplorer, build_symmetry_explorer
from .training import TrainingExplorer, build_training_explorer

EXPLORERS = {
    "symmetry": build_symmetry_explorer,
    "saturation": build_saturation_explorer,
    "depth": build_depth_explorer,
    "training": build_training_explorer,
    "residual": build_residual_explorer,
    "phase": build_phase_explorer,
    "isometry": build_isometry_explorer,
}
"""Every explorer builder by name (the registry the contract tests run over)."""

__all__ = [
    "BIAS_OPTIONS",
    "EXPLORERS",
    "WIDTHS",
    "DepthExplorer",
    "Explorer",
    "IsometryExplorer",
    "PhaseExplorer",
    "ResidualExplorer",
    "SaturationExplorer",
    "SymmetryExplorer",
    "TrainingExplorer",
    "build_depth_explorer",
    "build_isometry_explorer",
    "build_phase_explorer",
    "build_residual_explorer",
    "build_saturation_explorer",
    "build_symmetry_explorer",
    "build_training_explorer",
    "display_mode",
]
