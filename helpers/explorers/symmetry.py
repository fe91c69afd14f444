"""The symmetry explorer: why the weights must not all start equal."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np

from .. import _validate, diagnostics, plotting
from .. import data as datasets
from ..mlp import MLP
from ..train import train
from . import controls as C
from .base import Explorer

BIAS_OPTIONS = (("zeros", "zeros"), ("constant 0.5", "constant"), ("random N(0, 0.5²)", "normal"))
"""The symmetry explorer's bias choices: (label, value)."""
_BIAS_VALUE = {"zeros": 0.0, "constant": 0.5, "normal": "normal"}
MAP_UNITS = 8
"""How many hidden units the symmetry explorer maps over the input plane (the first ones)."""
MAP_RESOLUTION = 24
"""Grid points per side of each unit map."""


class SymmetryExplorer(Explorer):
    """Why weights must not all start equal: see :func:`build_symmetry_explorer`."""

    title = "Symmetry explorer"
    figsize = (8.4, 5.6)

    def make_controls(self, *, scheme, scale, activation, bias, seed, steps, dataset, hidden,
                      lr, n):  # fmt: skip
        self.hidden = _validate.positive_int(hidden, "hidden (units)", minimum=2)
        self.lr = _validate.real(lr, "lr (learning rate)", positive=True)
        self.dataset = _validate.choice(dataset, datasets.DATASETS, "dataset")
        n = _validate.positive_int(n, "n (samples)", minimum=4)
        self.X, self.y = datasets.make_dataset(self.dataset, n, rng=np.random.default_rng(0))
        self.path, self.path_points = plotting.data_path(self.X)
        self.grid, self.extent = plotting.unit_map_grid(self.X, resolution=MAP_RESOLUTION)
        return {
            "scheme": C.scheme_menu(scheme),
            "scale": C.scale_slider(scale),
            "activation": C.activation_menu(activation),
            "bias": C.dropdown(BIAS_OPTIONS, bias, "bias"),
            "seed": C.int_slider(seed, 0, 99, "seed"),
            "steps": C.int_slider(steps, 0, 2000, "steps", step=10),
        }

    def model(self, state=None) -> MLP:
        """A fresh network with the settings of ``state`` (default: the controls), untrained."""
        s = self.state if state is None else state
        return MLP(
            [2, self.hidden, 1], activation=s["activation"], output="sigmoid",
            init=s["scheme"], scale=s["scale"], bias=_BIAS_VALUE[s["bias"]], bias_scale=0.5,
            seed=s["seed"],
        )  # fmt: skip

    def build(self, fig):
        k = min(self.hidden, MAP_UNITS)
        top, bottom = fig.add_gridspec(2, 1, height_ratios=(1.0, 3.6))
        cells = top.subgridspec(1, MAP_UNITS)
        self.ax_maps = [fig.add_subplot(cells[0, j]) for j in range(k)]
        (self.ax_units, self.ax_grad), (self.ax_loss, self.ax_spread) = bottom.subgridspec(
            2, 2
        ).subplots()
        zero = np.zeros((k, MAP_RESOLUTION, MAP_RESOLUTION))
        self.maps = plotting.plot_unit_maps(self.ax_maps, zero, self.extent)
        self.maps_colorbar = fig.colorbar(self.maps[0], ax=self.ax_maps, pad=0.01, aspect=6)
        for j, ax in enumerate(self.ax_maps):
            plotting.panel_title(ax, f"unit {j + 1}")
        lw = plotting.linewidth()
        ax = self.ax_units
        self.unit_lines = [
            ax.plot([], [], color=plotting.unit_color(j))[0] for j in range(self.hidden)
        ]
        self.unit_lines_init = [
            ax.plot([], [], color=plotting.unit_color(j), alpha=0.35, linestyle=":",
                    linewidth=0.6 * lw)[0]
            for j in range(self.hidden)
        ]  # fmt: skip
        ax.set_xlim(self.path[0], self.path[-1])
        ax.set_xlabel("position along the data's main axis")
        ax.set_ylabel("output of hidden unit")
        ax = self.ax_grad
        colors = [plotting.unit_color(j) for j in range(self.hidden)]
        self.grad_bars = list(ax.bar(np.arange(1, self.hidden + 1), np.zeros(self.hidden),
                                     color=colors))  # fmt: skip
        ax.axhline(0.0, color="0.3", linewidth=0.8)
        ax.set_xlabel("hidden unit")
        ax.set_ylabel("mean ∂L/∂a")
        ax.set_xlim(0.4, self.hidden + 0.6)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        self.grad_note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center")
        self.loss_line = plotting.plot_loss(self.ax_loss, [], color="0.2")
        self.ax_loss.set_xlabel("step")
        untrained = train(self.model(), self.X, self.y, epochs=0, lr=1.0, record=("spread",))
        self.spread_lines = plotting.plot_unit_spread(self.ax_spread, untrained)
        ax = self.ax_spread
        ax.set_xlabel("step")
        self.spread_note = ax.text(0.03, 0.93, "", transform=ax.transAxes, va="top")
        axes = (self.ax_units, self.ax_grad, self.ax_loss, self.ax_spread)
        self.titles = [plotting.panel_title(a, " ") for a in axes]
        plotting.set_text(self.titles[1], "gradient to each unit at step 0")
        plotting.set_text(self.titles[3], "spread between the units' weights")
        self.animate(*self.unit_lines, *self.unit_lines_init, *self.grad_bars, self.loss_line)
        self.animate(*self.spread_lines, self.titles[0], self.titles[2])  # with numbers
        self.animate(*self.maps)

    def compute(self, state):
        m = self.model(state)
        _, cache = m.forward(self.X)
        grads = m.backward(cache, self.y)
        A_init = m.forward(self.path_points)[1].post[1]
        distinct_init = diagnostics.distinct_units(cache.post[1])
        history = train(m, self.X, self.y, epochs=state["steps"], lr=self.lr, record=("spread",))
        diverged = bool(history.diverged)
        if diverged:  # the parameters are no longer finite: nothing after training to show
            A_trained, distinct_trained = np.full_like(A_init, np.nan), None
        else:
            A_trained = m.forward(self.path_points)[1].post[1]
            distinct_trained = diagnostics.distinct_units(m.forward(self.X)[1].post[1])
        loss = history.loss
        spread = history.spread[:, 0] if loss.size else np.zeros(0)
        k = min(self.hidden, MAP_UNITS)  # the trained network's units, or at init if it diverged
        maps = m.forward(self.grid)[1].post[1] if not diverged else self._init_map_units(state)
        maps = maps[:, :k].T.reshape(k, MAP_RESOLUTION, MAP_RESOLUTION)
        return {
            "distinct_init": distinct_init,
            "distinct_trained": distinct_trained,
            "hidden": self.hidden,
            "grad_to_units": grads.dA[1].mean(axis=0),
            "loss": loss,
            "spread": spread,
            "final_loss": float(loss[-1]) if loss.size else float("nan"),
            "final_spread": float(spread[-1]) if spread.size else float("nan"),
            "accuracy": float("nan") if diverged else float(history.final_accuracy),
            "diverged": diverged,
            "steps": state["steps"],
            "units_init": A_init,
            "units_trained": A_trained,
            "unit_maps": maps,
            "model": m,
            "history": history,
        }

    def draw(self, v):
        t, A, A0 = self.path, v["units_trained"], v["units_init"]
        for j in range(self.hidden):
            self.unit_lines[j].set_data(t, A[:, j])
            self.unit_lines_init[j].set_data(t, A0[:, j])
        bounds = plotting.OUTPUT_RANGE.get(self.state["activation"])  # None: unbounded
        plotting.fit_unit_axes(self.ax_units, A0, A, bounds=bounds)
        self._draw_maps(v, bounds)
        t_units, _, t_loss, _ = self.titles
        plotting.set_text(t_units, "training diverged (dotted: at init)" if v["diverged"]
                          else f"distinct units: {v['distinct_trained']} of "
                          f"{self.hidden}")  # fmt: skip
        self._draw_gradients(v["grad_to_units"])
        plotting.update_loss(self.loss_line, v["loss"])
        plotting.set_limits(self.ax_loss, x=(0, plotting.count_limit(v["steps"])))
        end = "diverged" if v["diverged"] else f"accuracy {C.pct(v['accuracy'])}"
        plotting.set_text(t_loss, f"loss {C.fmt(v['final_loss'])}, {end}")
        plotting.update_unit_spread(self.spread_lines, v["history"])
        plotting.set_limits(self.ax_spread, x=(0, plotting.count_limit(v["steps"])))
        top = float(np.max(v["spread"])) if v["spread"].size else 0.0
        plotting.set_text(self.spread_note, "exactly 0 at every step" if top == 0 else "")
        return self._readout(v)

    def _init_map_units(self, state):
        """Hidden outputs over the map grid of a fresh (untrained) network of ``state``."""
        return self.model(state).forward(self.grid)[1].post[1]

    def _draw_maps(self, v, bounds) -> None:
        maps = v["unit_maps"]
        if bounds is not None:
            lo, hi = bounds
        else:
            finite = maps[np.isfinite(maps)]
            a, b = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            lo, hi = plotting.sticky_limits(self.maps[0].get_clim(), a, b if b > a else a + 1)
        plotting.update_unit_maps(self.maps, maps, vmin=lo, vmax=hi)
        label = "output at init\n(diverged)" if v["diverged"] else "output after\ntraining"
        if self.maps_colorbar.ax.get_ylabel() != label:
            self.maps_colorbar.set_label(label)

    def _draw_gradients(self, g) -> None:
        top = float(np.max(np.abs(g)))
        # bars in units of a power of ten named in the axis label, so that the tick labels stay
        # short (no offset text over the title)
        exponent = math.floor(math.log10(top)) if top > 0 else 0
        for rect, h in zip(self.grad_bars, g / 10.0**exponent):
            rect.set_height(h)
        label = "mean ∂L/∂a" + (f" (×1e{exponent})" if exponent else "")
        if self.ax_grad.get_ylabel() != label:
            self.ax_grad.set_ylabel(label)
        needed = 1.15 * top / 10.0**exponent if top > 0 else 1.0
        lim = plotting.sticky_top(self.ax_grad.get_ylim()[1], needed)
        plotting.set_limits(self.ax_grad, y=(-lim, lim))
        plotting.set_text(self.grad_note, "exactly 0" if top == 0 else "")

    def _readout(self, v) -> str:
        after = (
            f"<b>training diverged</b> after {v['loss'].size - 1} steps"
            if v["diverged"]
            else f"<b>{v['distinct_trained']} distinct of {self.hidden}</b> hidden units after "
            f"{v['steps']} steps"
        )
        n_g = len(np.unique(v["grad_to_units"]))
        zeros = " &middot; <i>zeros ignores scale</i>" if self.state["scheme"] == "zeros" else ""
        return (
            f"{after} ({v['distinct_init']} at init; dotted curves: at init) &middot; gradient "
            f"to the units at step 0: {n_g} distinct value{'s' if n_g != 1 else ''} &middot; "
            f"final loss {C.fmt(v['final_loss'])}, accuracy {C.pct(v['accuracy'])}{zeros}"
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
    N(0, 0.5²)), ``seed`` (of the initialisation), ``steps`` (full-batch gradient-descent steps
    of :func:`helpers.train.train`, learning rate ``lr``).

    Panels: the output of each of the first 8 hidden units over the input plane (a 24 x 24 grid
    over the data's range, one shared colour scale, framed in the unit's colour; identical units
    give identical maps); each hidden unit's output along a straight path through the data (after
    training, dotted at init; identical units lie on top of each other) with the number of
    distinct units;
    the mean gradient reaching each hidden unit at step 0; the training loss; the unit spread
    (largest distance between two units' incoming weights) at every step, exactly 0 while the
    units are symmetric.

    ``values``: ``distinct_init``, ``distinct_trained`` (units counted as the same when their
    outputs on the dataset are bit-identical), ``grad_to_units`` (hidden,), ``loss`` and
    ``spread`` (steps + 1,), ``final_loss``, ``final_spread``, ``accuracy``, ``diverged``,
    ``units_init`` and ``units_trained`` (200, hidden): the curves, ``unit_maps``
    (min(hidden, 8), 24, 24): the maps (after training; at init if training diverged), ``model``
    (trained) and
    ``history`` (its :class:`helpers.train.History`).
    """
    return SymmetryExplorer(
        scheme=scheme, scale=scale, activation=activation, bias=bias, seed=seed, steps=steps,
        dataset=dataset, hidden=hidden, lr=lr, n=n,
    )  # fmt: skip
