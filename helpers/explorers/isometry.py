"""The isometry explorer: singular values of a deep network's input-output Jacobian, Gaussian
against orthogonal weights at the critical point (dynamical isometry)."""

from __future__ import annotations

import numpy as np

from .. import _validate, plotting
from ..lessons import signal_training as st
from . import controls as C
from .base import Explorer

WIDTH, MAX_DEPTH = 100, 128
KINDS = ("gaussian", "orthogonal")
ACTIVATIONS = ("tanh", "linear", "relu")
"""ReLU for contrast: at He's critical point orthogonal weights do not make it an isometry (half
the units are off, and which half changes with the input; Pennington et al. 2017)."""


class IsometryExplorer(Explorer):
    """Dynamical isometry: see :func:`build_isometry_explorer`."""

    title = "Isometry explorer"
    figsize = (8.0, 3.4)

    def make_controls(self, *, activation, depth, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self._products: dict = {}
        return {
            "activation": C.dropdown(ACTIVATIONS, activation, "activation"),
            "depth": C.int_slider(depth, 1, MAX_DEPTH, "depth", continuous=True),
        }

    def products(self, activation: str, kind: str) -> list:
        """``J_L`` for L = 1..MAX_DEPTH (the running products of
        :func:`helpers.lessons.jacobian_factors`), computed once per activation and kind."""
        key = (activation, kind)
        if key not in self._products:
            mats = st.jacobian_factors(activation, kind, MAX_DEPTH, width=WIDTH, seed=self.seed)
            out, J = [], np.eye(WIDTH)
            for M in mats:
                J = J @ M
                out.append(J)
            self._products[key] = out
        return self._products[key]

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
        act, L = state["activation"], int(state["depth"])
        out = {"depth": L, "activation": act}
        with np.errstate(under="ignore"):
            for kind in KINDS:
                s = np.linalg.svd(self.products(act, kind)[L - 1], compute_uv=False)
                out[kind] = s
                out[f"{kind}_quantiles"] = tuple(
                    float(x) for x in np.quantile(s, [0.05, 0.5, 0.95])
                )
        return out

    def draw(self, v):
        for kind in KINDS:
            plotting.update_spectrum(self.lines[kind], v[kind])
        self.title.set_text(f"{v['activation']}, depth {v['depth']}, width {WIDTH}, critical")
        parts = []
        for kind in KINDS:
            lo, mid, hi = v[f"{kind}_quantiles"]
            parts.append(f"{kind}: median <b>{C.fmt(mid)}</b>, 90% in [{C.fmt(lo)}, {C.fmt(hi)}]")
        return " &middot; ".join(parts)


def build_isometry_explorer(*, activation: str = "tanh", depth: int = 100,
                            seed: int = 0) -> IsometryExplorer:  # fmt: skip
    """Singular values of the input-output Jacobian ``d x_L / d x_0`` of a deep network at the
    critical point, Gaussian against orthogonal weights (Pennington et al. 2017).

    Width 100; linear units at ``sigma_w = 1``, ReLU at ``sigma_w^2 = 2`` (no biases), tanh on
    the critical line at ``sigma_b^2 = 1e-5``
    (:func:`helpers.lessons.jacobian_factors`). The running products for depths 1..128 are
    computed once per activation; moving the depth slider only takes two singular value
    decompositions. Controls: ``activation`` (tanh, linear, relu), ``depth`` (1..128).
    ``values``: the singular values per kind and their 5%, 50%, 95% quantiles.
    """
    return IsometryExplorer(activation=activation, depth=depth, seed=seed)
