"""The saturation explorer: large weights saturate sigmoid and tanh units."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np

from .. import _validate, activations, diagnostics, plotting, theory
from . import controls as C
from .base import Explorer

N_SAMPLES, N_UNITS = 400, 64
"""The explorer draws ``N_UNITS`` units on ``N_SAMPLES`` inputs."""


class SaturationExplorer(Explorer):
    """Large weights saturate sigmoid and tanh units: see :func:`build_saturation_explorer`."""

    title = "Saturation explorer"
    figsize = (8.4, 3.2)
    pads = (0.08, 0.04)  # room for tick labels that grow, at the ends of the z axes

    def make_controls(self, *, scale, activation, fan_in, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self._cache: dict[int, np.ndarray] = {}
        return {
            "scale": C.scale_slider(scale),
            "activation": C.activation_menu(activation),
            "fan_in": C.int_slider(fan_in, 1, 1000, "fan_in"),
        }

    def unit_preactivations(self, fan_in: int) -> np.ndarray:
        """``x @ w0`` for x ~ N(0, 1) of shape (400, fan_in) and w0 ~ N(0, 1) of shape
        (fan_in, 64), seeded; the pre-activations for weight std ``scale`` are
        ``scale * x @ w0``. Shape (400, 64); kept for the last few fan_in values."""
        fan_in = _validate.positive_int(fan_in, "fan_in")
        if fan_in not in self._cache:
            rng = np.random.default_rng([self.seed, fan_in])
            x = rng.standard_normal((N_SAMPLES, fan_in))
            w0 = rng.standard_normal((fan_in, N_UNITS))
            if len(self._cache) > 8:
                self._cache.clear()
            self._cache[fan_in] = x @ w0
        return self._cache[fan_in]

    def build(self, fig):
        self.ax_z, self.ax_f, self.ax_a = fig.subplots(1, 3)
        small = plotting.fontsize("legend")
        self.sat = plotting.plot_saturation(self.ax_z, np.zeros(1), "sigmoid")
        self.ax_z.legend(loc="upper right", fontsize=small, framealpha=0.85, frameon=True)
        self.act = plotting.plot_activation(self.ax_f, "sigmoid")
        self.act.f.set_label("f(z)")
        self.act.fprime.set_label("f'(z)")
        self.op_band = self.ax_f.axvspan(0, 0, color="#ffd34d", alpha=0.35, linewidth=0,
                                         zorder=0, label="95% of z")  # fmt: skip
        # no frame: the band of z moves under it (a frame would hide it in a static picture);
        # placed in the corner the curves leave free (they bend where z is, and z can be wide)
        self.legend_corner = "upper left"
        self.legend_f = self.ax_f.legend(
            loc=self.legend_corner, fontsize=small, frameon=False, handlelength=1.6
        )
        for ax in (self.ax_z, self.ax_f):  # z reaches ±20000: 20k keeps the tick labels apart
            ax.xaxis.set_major_formatter(mpl.ticker.EngFormatter(sep=""))
        self.a_hist = plotting.plot_outputs(self.ax_a, np.zeros(1), "sigmoid")
        for ax in (self.ax_z, self.ax_a):  # fractions: labels of one width (0.05 and 0.50)
            ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:.2f}"))
        self.titles = [plotting.panel_title(ax, " ") for ax in fig.axes]
        self.animate(self.sat.hist, self.a_hist, *self.act, self.op_band, *self.titles)

    def compute(self, state):
        scale, act, fan_in = state["scale"], state["activation"], state["fan_in"]
        Z = scale * self.unit_preactivations(fan_in)
        theory_std = scale * math.sqrt(fan_in)
        lo, hi = np.quantile(Z, [0.025, 0.975])
        return {
            "Z": Z,
            "A": activations.activate(act, Z),
            "z_std": diagnostics.std(Z),
            "z_std_theory": theory_std,
            "saturated_fraction": diagnostics.saturated_fraction(Z, act),
            "saturated_theory": theory.saturated_fraction(theory_std, act),
            "mean_derivative": float(np.mean(activations.derivative(act, Z))),
            "max_derivative": activations.MAX_SLOPE[act],
            "inactive_fraction": diagnostics.inactive_fraction(Z),
            "operating_range": (float(lo), float(hi)),
        }

    def draw(self, v):
        act = self.state["activation"]
        plotting.update_saturation(self.sat, v["Z"], act)
        plotting.update_activation(self.act, act, z=np.linspace(*self.ax_z.get_xlim(), 401))
        curves = [line for line in self.act if line is not None]
        self.legend_corner = plotting.place_legend(self.legend_f, curves, self.legend_corner)
        q_lo, q_hi = v["operating_range"]
        self.op_band.set_x(q_lo)
        self.op_band.set_width(q_hi - q_lo)
        plotting.update_outputs(self.a_hist, v["A"], act)
        t_z, t_f, t_a = self.titles
        for handle, line in zip(self.legend_f.legend_handles, self.act):  # f and f' change colour
            if line is not None and handle.get_color() != line.get_color():
                handle.set_color(line.get_color())
        # two lines each: a panel is narrow, and the numbers can be long (1.31e+03)
        t_z.set_text(f"std(z) = {C.fmt(v['z_std'])}\n(theory {C.fmt(v['z_std_theory'])})")
        t_f.set_text(f"mean f'(z) = {C.fmt(v['mean_derivative'])}\n"
                     f"(max {C.fmt(v['max_derivative'])})")  # fmt: skip
        t = activations.SATURATION_Z.get(act)
        if t is not None:
            sat = (
                f"saturated {C.pct(v['saturated_fraction'])}\n"
                f"(theory {C.pct(v['saturated_theory'])})"
            )
        elif act in ("relu", "leaky_relu"):
            sat = f"z ≤ 0: {C.pct(v['inactive_fraction'])}\n(slope 0 there)"
        else:
            sat = "linear:\nnever saturates"
        t_a.set_text(sat)
        formula = (
            f"saturated (|z| &gt; {t:.2f}): <b>{C.pct(v['saturated_fraction'])}</b>, "
            f"theory erfc({t:.2f}/(std·√2)) = {C.pct(v['saturated_theory'])} &middot; "
            if t is not None
            else ""
        )
        return (
            f"std(z) = <b>{C.fmt(v['z_std'])}</b> &middot; {formula}mean f'(z) = "
            f"<b>{C.fmt(v['mean_derivative'])}</b> of at most {C.fmt(v['max_derivative'])}"
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

    ``values``: ``Z`` (400, 64) and ``A`` = f(Z), ``z_std`` (measured), ``z_std_theory``
    (scale·√fan_in), ``saturated_fraction`` (measured), ``saturated_theory`` (erfc(t /
    (z_std_theory·√2))), ``mean_derivative``, ``max_derivative``, ``inactive_fraction`` (z <= 0),
    ``operating_range``.
    """
    return SaturationExplorer(scale=scale, activation=activation, fan_in=fan_in, seed=seed)
