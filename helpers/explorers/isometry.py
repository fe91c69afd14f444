"""The isometry explorer: singular values of a deep network's input-output Jacobian, Gaussian
against orthogonal weights at (or, with ``scale``, off) the critical point."""

from __future__ import annotations

import functools

import numpy as np

from .. import _validate, meanfield, plotting
from ..lessons import signal_training as st
from . import controls as C
from .base import Explorer

WIDTH, MAX_DEPTH = 64, 128
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
        # one buffer of running products per kind, reused by every setting (no allocation
        # per redraw); ``_valid[kind]`` says for which setting and how deep it holds them
        self._buffers = {k: np.empty((MAX_DEPTH, WIDTH, WIDTH)) for k in KINDS}
        self._valid = {k: (None, 0) for k in KINDS}
        return {
            "activation": C.dropdown(ACTIVATIONS, activation, "activation"),
            "scale": C.scale_slider(scale),
            "depth": C.int_slider(depth, 1, MAX_DEPTH, "depth"),
        }

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def setting(activation: str, scale: float) -> tuple[float, float, float]:
        """``(sigma_w, sigma_b, q*)`` at ``scale`` times the critical ``sigma_w`` (kept: the
        same for both kinds and for every depth)."""
        sw, sb = st.critical_point(activation, SIGMA_B2)
        sw *= scale
        q = meanfield.q_star(activation, sw, sb)
        return sw, sb, 1.0 if not np.isfinite(q) or q == 0.0 else q

    def products(self, activation: str, scale: float, kind: str, depth: int) -> np.ndarray:
        """``J_1 .. J_depth`` (a view of the kind's buffer) at ``scale`` times the critical
        ``sigma_w``: ``J_l = (J_{l-1} W_l^0) * g_l`` column by column
        (:func:`helpers.lessons.gains_from`), written in place. Only what changed is computed:
        the same setting deeper extends the products from where they stop, shallower reuses
        them; a new activation or scale recomputes up to ``depth`` only."""
        key, buf = (activation, float(scale)), self._buffers[kind]
        held, n = self._valid[kind]
        n = n if held == key else 0
        if n < depth:
            sw, sb, q = self.setting(*key)
            draws = self._draws[kind]
            g = st.gains_from(activation, draws, sw, sb, q, depth)
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                for l in range(n, depth):
                    if l == 0:
                        np.multiply(draws[1][0], g[0][None, :], out=buf[0])
                    else:
                        np.matmul(buf[l - 1], draws[1][l], out=buf[l])
                        buf[l] *= g[l][None, :]
            self._valid[kind] = (key, depth)
        return buf[:depth]

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
        self.heading = plotting.panel_title(self.ax, " ")
        self.animate(*self.lines.values(), self.heading)

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
        self.heading.set_text(f"{v['activation']}, depth {v['depth']}, width {WIDTH}, {where}")
        parts = []
        for kind in KINDS:
            lo, mid, hi = v[f"{kind}_quantiles"]
            parts.append(f"{kind}: median <b>{C.fmt(mid)}</b>, 90% in [{C.fmt(lo)}, {C.fmt(hi)}]")
        return " &middot; ".join(parts)


def build_isometry_explorer(*, activation: str = "tanh", scale: float = 1.0, depth: int = 100,
                            seed: int = 0) -> IsometryExplorer:  # fmt: skip
    """Singular values of the input-output Jacobian ``d x_L / d x_0`` of a deep network,
    Gaussian against orthogonal weights (Pennington et al. 2017).

    Width 64 (small, so that a redraw stays cheap; the notebook's table uses 200); ``scale``
    multiplies the critical ``sigma_w`` (1 for linear units, He's sqrt(2) for ReLU, tanh's on
    the critical line at ``sigma_b^2 = 1e-5``; :func:`helpers.lessons.critical_point`): at
    ``scale = 1`` the network is at the edge of chaos. The running products live in one reused
    buffer per kind and only what changed is computed: moving the depth slider down takes two
    singular value decompositions, up only the new layers; a new scale or activation
    recomputes the products to the current depth. Controls: ``activation`` (tanh, linear,
    relu), ``scale`` (log slider), ``depth`` (1..128).
    ``values``: the singular values per kind and their 5%, 50%, 95% quantiles.
    """
    return IsometryExplorer(activation=activation, scale=scale, depth=depth, seed=seed)
