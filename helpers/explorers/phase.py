"""The phase explorer: the edge of chaos in the (sigma_w^2, sigma_b^2) plane, and the correlation
of two inputs through a real network against the mean-field theory."""

from __future__ import annotations

import math

import numpy as np

from .. import _validate, meanfield, plotting
from ..lessons import signal_propagation as sp
from . import controls as C
from .base import Explorer
from .depth import WeightCache

WIDTH, DEPTH = 200, 20
"""The measured network: ``DEPTH`` layers of ``WIDTH`` units (tanh)."""
BIAS_VARIANCES = tuple(round(0.02 * k, 2) for k in range(16))
"""The ``sigma_b^2`` the bias slider offers (0 to 0.3, the heat map's range)."""


class PhaseExplorer(Explorer):
    """The order-to-chaos transition: see :func:`build_phase_explorer`."""

    title = "Phase explorer"
    figsize = (8.4, 3.6)

    def make_controls(self, *, scheme, scale, bias_variance, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self.weights = WeightCache(self.seed)
        rng = np.random.default_rng([self.seed, 1])
        self.base_bias = rng.standard_normal((DEPTH, WIDTH))
        self.pair = sp.input_pair(1.0, 0.5, WIDTH, seed=self.seed)
        return {
            "scheme": C.scheme_menu(scheme),
            "scale": C.scale_slider(scale),
            "bias_variance": C.choice_slider(BIAS_VARIANCES, bias_variance, "sigma_b^2"),
        }

    def build(self, fig):
        self.ax_map, self.ax_c = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        g = sp.phase_grid("tanh")  # computed once per process
        self.map = plotting.plot_phase(self.ax_map, g["sigma_w2"], g["sigma_b2"], g["xi_c"],
                                       g["critical_w2"])  # fmt: skip
        self.ax_map.set_xlim(g["sigma_w2"][0], g["sigma_w2"][-1])
        self.curves = plotting.plot_correlation_depth(self.ax_c, np.full(DEPTH + 1, np.nan),
                                                      np.full(DEPTH + 1, np.nan))  # fmt: skip
        self.ax_c.set_xlim(-0.5, DEPTH + 0.5)
        self.title_c = plotting.panel_title(self.ax_c, " ")
        self.animate(self.map["marker"], self.curves["theory"], self.curves["measured"],
                     self.title_c)  # fmt: skip

    def compute(self, state):
        scheme, scale, b2 = state["scheme"], state["scale"], float(state["bias_variance"])
        sw = meanfield.sigma_w_of(scheme, WIDTH, WIDTH, scale=scale)
        sb = math.sqrt(b2)
        ds = meanfield.depth_scales("tanh", sw, sb, coarse=True)
        _, c_th = meanfield.propagate("tanh", sw, sb, q0=1.0, c0=0.5, depth=DEPTH, coarse=True)
        chi = ds.chi_c if ds.c_star == 1.0 else meanfield.chi1("tanh", sw, sb)  # chi_c(1) = chi1
        return {"sigma_w2": sw * sw, "sigma_b2": b2, "chi1": chi,
                "xi_c": ds.xi_c, "c_theory": c_th,
                "c_measured": self._measure(scheme, scale, sb)}  # fmt: skip

    def _measure(self, scheme, scale, sb):
        """The cosine of the two inputs' pre-activations per layer in one tanh network (every
        scheme's weights are ``scale`` times its scale-1 draw, kept by the WeightCache)."""
        H = self.pair
        c = [0.5]
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            for l, W in enumerate(self.weights.get(scheme, WIDTH, DEPTH)):
                Z = (H if l == 0 else np.tanh(H)) @ (scale * W) + sb * self.base_bias[l]
                n = np.linalg.norm(Z, axis=1)
                c.append(float(Z[0] @ Z[1] / (n[0] * n[1])) if n.min() > 0 else np.nan)
                H = Z
        return np.array(c)

    def draw(self, v):
        plotting.update_phase_marker(self.map, v["sigma_w2"], v["sigma_b2"])
        plotting.update_correlation_depth(self.curves, v["c_measured"], v["c_theory"])
        chi, xi = v["chi1"], v["xi_c"]
        phase = "critical" if abs(chi - 1) < 1e-3 else ("ordered" if chi < 1 else "chaotic")
        xi_s = "inf" if math.isinf(xi) else C.fmt(xi)
        self.title_c.set_text(f"tanh, width {WIDTH}: chi1 = {C.fmt(chi)} ({phase})")
        if self.state["scheme"] in ("zeros", "constant"):
            return ("every weight the same: the theory (independent zero-mean weights) does not "
                    "apply; the network's units all compute the same thing")  # fmt: skip
        return (f"sigma_w^2 = <b>{C.fmt(v['sigma_w2'])}</b>, sigma_b^2 = {C.fmt(v['sigma_b2'])}"
                f" &middot; chi1 = <b>{C.fmt(chi)}</b> ({phase}) &middot; xi_c = {xi_s} layers, "
                f"trainable to about 6 xi_c")  # fmt: skip


def build_phase_explorer(*, scheme: str = "lecun_normal", scale: float = 1.0,
                         bias_variance: float = 0.04, seed: int = 0) -> PhaseExplorer:  # fmt: skip
    """The edge of chaos for tanh networks.

    Left: the depth scale ``xi_c`` over ``(sigma_w^2, sigma_b^2)`` (capped at 100) with the
    critical line ``chi1 = 1`` (:mod:`helpers.meanfield`), the ordered and chaotic sides, and a
    marker at the current setting: ``sigma_w^2 = Var(W) * fan_in`` of ``scheme`` at ``scale``
    for a square layer (:func:`helpers.meanfield.sigma_w_of`), ``sigma_b^2`` from the slider.
    Right: the correlation of two inputs (correlation 0.5, length 1) through 20 tanh layers of
    200 units, measured in one network (biases N(0, sigma_b^2)) and predicted by the theory.

    Controls: ``scheme``, ``scale`` (log slider), ``bias_variance`` (0..0.3).
    ``values``: ``sigma_w2``, ``sigma_b2``, ``chi1``, ``xi_c``, ``c_theory``, ``c_measured``
    (arrays of 21: the inputs, then each layer).
    """
    return PhaseExplorer(scheme=scheme, scale=scale, bias_variance=bias_variance, seed=seed)
