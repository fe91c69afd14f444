"""The isometry explorer: singular values of a deep network's input-output Jacobian, Gaussian
against orthogonal weights at (or, with ``scale``, off) the critical point."""

from __future__ import annotations

import numpy as np

from .. import _validate, meanfield, plotting
from ..lessons import signal_training as st
from . import controls as C
from .base import Explorer

WIDTH, MAX_DEPTH = 100, 128
KINDS = ("gaussian", "orthogonal")
ACTIVATIONS = ("tanh", "linear", "relu")
"""ReLU for contrast: at He's critical point orthogonal weights do not make it an isometry (half
the units are off, and which half changes with the input; Pennington et al. 2017)."""
SIGMA_B2 = 1e-5


class IsometryExplorer(Explorer):
    """Dynamical isometry: see :func:`build_isometry_explorer`."""

    title = "Isometry explorer"
    figsize = (8.0, 3.4)

    def make_controls(self, *, activation, scale, depth, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self._draws = {k: st.jacobian_draws(k, MAX_DEPTH, width=WIDTH, seed=self.seed)
                       for k in KINDS}  # fmt: skip
        self._products: dict = {}
        return {
            "activation": C.dropdown(ACTIVATIONS, activation, "activation"),
            "scale": C.scale_slider(scale),
            "depth": C.int_slider(depth, 1, MAX_DEPTH, "depth"),
        }

    def products(self, activation: str, scale: float, kind: str, depth: int) -> list:
        """``J_1 .. J_depth`` at ``scale`` times the critical ``sigma_w`` (running products of
        :func:`helpers.lessons.factors_from`), extended when a deeper one is asked for; kept
        for the last few settings, so the depth slider only adds the layers it needs."""
        key = (activation, float(scale), kind)
        out = self._products.get(key)
        if out is None or len(out) < depth:
            sw, sb = st.critical_point(activation, SIGMA_B2)
            sw *= scale
            q = meanfield.q_star(activation, sw, sb)
            q = 1.0 if not np.isfinite(q) or q == 0.0 else q
            out, J = [], np.eye(WIDTH)
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                for M in st.factors_from(activation, self._draws[kind], sw, sb, q, depth):
                    J = J @ M
                    out.append(J)
            if len(self._products) >= 8:
                self._products.clear()
            self._products[key] = out
        return out

    def build(self, fig):
        self.ax = fig.subplots()
        self.lines = {}
        for kind in KINDS:
            color = plotting.scheme_color("orthogonal" if kind == "orthogonal" else "normal")
            self.lines[kind] = plotting.plot_spectrum(self.ax, np.ones(WIDTH), label=kind,
                                                      color=color)  # fmt: skip
        self.ax.set_ylim(0, 1.0)
        self.ax.axvline(1.0, color="grey", lw=1, ls=":")
        self.ax.legend(loc="upper left")
        self.title = plotting.panel_title(self.ax, " ")
        self.animate(*self.lines.values(), self.title)

    def compute(self, state):
        act, scale, L = state["activation"], float(state["scale"]), int(state["depth"])
        out = {"depth": L, "activation": act, "scale": scale}
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            for kind in KINDS:
                J = np.nan_to_num(self.products(act, scale, kind, L)[L - 1], posinf=1e300)
                s = np.linalg.svd(J, compute_uv=False)
                out[kind] = s
                out[f"{kind}_quantiles"] = tuple(
                    float(x) for x in np.quantile(s, [0.05, 0.5, 0.95])
                )
        return out

    def draw(self, v):
        for kind in KINDS:
            plotting.update_spectrum(self.lines[kind], v[kind])
        where = "critical" if v["scale"] == 1.0 else f"{C.fmt(v['scale'])} x critical sigma_w"
        self.title.set_text(f"{v['activation']}, depth {v['depth']}, width {WIDTH}, {where}")
        parts = []
        for kind in KINDS:
            lo, mid, hi = v[f"{kind}_quantiles"]
            parts.append(f"{kind}: median <b>{C.fmt(mid)}</b>, 90% in [{C.fmt(lo)}, {C.fmt(hi)}]")
        return " &middot; ".join(parts)


def build_isometry_explorer(*, activation: str = "tanh", scale: float = 1.0, depth: int = 100,
                            seed: int = 0) -> IsometryExplorer:  # fmt: skip
    """Singular values of the input-output Jacobian ``d x_L / d x_0`` of a deep network,
    Gaussian against orthogonal weights (Pennington et al. 2017).

    Width 100; ``scale`` multiplies the critical ``sigma_w`` (1 for linear units, He's sqrt(2)
    for ReLU, tanh's on the critical line at ``sigma_b^2 = 1e-5``;
    :func:`helpers.lessons.critical_point`): at ``scale = 1`` the network is at the edge of
    chaos. The running products are kept per (activation, scale), so moving the depth slider
    down takes two singular value decompositions. Controls: ``activation`` (tanh,
    linear, relu), ``scale`` (log slider), ``depth`` (1..128).
    ``values``: the singular values per kind and their 5%, 50%, 95% quantiles.
    """
    return IsometryExplorer(activation=activation, scale=scale, depth=depth, seed=seed)
