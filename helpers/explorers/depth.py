"""The depth explorer: how signals grow or shrink through many layers, forward and backward."""

from __future__ import annotations

import math

import numpy as np

from .. import _validate, diagnostics, plotting, theory
from .. import init as schemes
from . import controls as C
from .base import Explorer

WIDTHS = (16, 32, 64, 128, 256, 512)
"""Layer widths offered by the depth explorer."""
MAX_DEPTH = 60
VALUES_PER_LAYER = 16_384


def ratio(stds) -> float:
    """Last over first std (nan when the first is 0 or either is not finite)."""
    first, last = float(stds[0]), float(stds[-1])
    if first == 0 or not (math.isfinite(first) and math.isfinite(last)):
        return float("nan")
    return last / first


class WeightCache:
    """Scale-1 weight matrices per (scheme, width), drawn in the order an :class:`~helpers.mlp.MLP`
    of that width and seed draws them, and extended only when a deeper network is asked for.

    Every scheme's weights are proportional to ``scale`` (see :mod:`helpers.init`), so moving
    the scale, depth or activation slider draws no random numbers. Holds at most ``budget``
    bytes, dropping the least recently used entries first.
    """

    def __init__(self, seed: int, budget: int = 64 * 2**20):
        self.seed, self.budget = seed, budget
        self._entries: dict = {}

    def get(self, scheme: str, width: int, n: int) -> list:
        """The first ``n`` weight matrices ``(width, width)`` of ``scheme`` at scale 1."""
        key = (scheme, width)
        entry = self._entries.pop(key, None) or ([], np.random.default_rng(self.seed))
        self._entries[key] = entry  # most recently used last
        weights, rng = entry
        while len(weights) < n:
            weights.append(schemes.initialize(scheme, width, width, rng=rng))
        used = sum(W.nbytes for ws, _ in self._entries.values() for W in ws)
        for old in list(self._entries):
            if used <= self.budget or old == key:
                break
            used -= sum(W.nbytes for W in self._entries.pop(old)[0])
        return weights[:n]


class DepthExplorer(Explorer):
    """How signals grow or shrink through many layers: see :func:`build_depth_explorer`."""

    title = "Depth explorer"
    figsize = (8.4, 3.4)

    def make_controls(self, *, scheme, scale, activation, depth, width, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        self.weights = WeightCache(self.seed)
        width = _validate.positive_int(width, "width")
        if width not in WIDTHS:
            raise ValueError(f"width must be one of {', '.join(map(str, WIDTHS))}; got {width}")
        return {
            "scheme": C.scheme_menu(scheme),
            "scale": C.scale_slider(scale),
            "activation": C.activation_menu(activation),
            "depth": C.int_slider(depth, 1, MAX_DEPTH, "depth"),
            "width": C.choice_slider(WIDTHS, width, "width"),
        }

    def inputs(self, width: int):
        """The inputs ``X`` and the signal sent back from the readout, both N(0, 1) of shape
        (max(16384 // width, 64), width), seeded."""
        n = max(VALUES_PER_LAYER // width, 64)
        rng = np.random.default_rng([self.seed, width])
        return rng.standard_normal((n, width)), rng.standard_normal((n, width))

    def build(self, fig):
        self.ax_act, self.ax_grad, self.ax_std = fig.subplots(1, 3)
        # magnitudes on a log axis: a layer that shrinks moves left instead of becoming a spike
        self.hist_act = plotting.plot_layer_histograms(
            self.ax_act, [np.ones(1)] * 2, max_layers=MAX_DEPTH, colorbar=False, magnitude=True
        )
        self.hist_grad = plotting.plot_layer_histograms(
            self.ax_grad, [np.ones(1)] * 2, max_layers=MAX_DEPTH, magnitude=True
        )
        self.ax_act.set_xlabel("|activation| (log scale)")
        self.ax_grad.set_xlabel("|gradient ∂L/∂a| (log scale)")
        self.ax_grad.set_ylabel("")
        ax = self.ax_std
        ones = np.ones(2)
        self.std_act = plotting.plot_layer_std(ax, ones, theory=1.0, color=plotting.FORWARD_COLOR,
                                               label="activations", marker=".")  # fmt: skip
        self.std_grad = plotting.plot_layer_std(
            ax, ones, theory=1.0, label="gradients", color=plotting.BACKWARD_COLOR, marker="."
        )
        self.std_grad.note.set_position((0.02, 0.10))
        for line in (self.std_act.theory, self.std_grad.theory):
            line.set_label("_theory")  # the title says "dashed: theory"
        self.legend_corner = "upper right"  # moved by draw() to where the lines are not
        self.legend = ax.legend(loc=self.legend_corner, fontsize=plotting.fontsize("legend"),
                                handlelength=1.5)  # fmt: skip
        self.titles = [plotting.panel_title(a, " ") for a in (self.ax_act, self.ax_grad, ax)]
        self.animate(*self.hist_act.lines, *self.hist_grad.lines, *self.std_act, *self.std_grad)

    def compute(self, state):
        depth, width, act = state["depth"], state["width"], state["activation"]
        X, signal = self.inputs(width)
        weights = self.weights.get(state["scheme"], width, depth + 1)
        flow = diagnostics.signal_flow(weights, X, act, signal, scale=state["scale"])
        # diagnostics.std is finite exactly when every value is (it returns max|x| otherwise)
        act_std = np.array([diagnostics.std(a) for a in flow.post])
        grad_std = np.array([diagnostics.std(g) for g in flow.grads])
        bad_a, bad_g = ~np.isfinite(act_std), ~np.isfinite(grad_std)
        act_std[bad_a] = np.inf
        grad_std[bad_g] = np.inf
        th_act, th_grad = theory.depth_theory(state["scheme"], state["scale"], act, depth, width)
        acts = [a if ok else a[np.isfinite(a)] for a, ok in zip(flow.post, ~bad_a)]
        zero_share = None
        if act == "relu":  # ReLU's exact zeros (about half of all values) would dwarf every bin
            zero_share = float(np.mean([np.mean(a == 0) for a in acts]))
            acts = [a[a != 0] for a in acts]
        return {
            "act_std": act_std,
            "grad_std": grad_std,
            "act_theory": th_act,
            "grad_theory": th_grad,
            "act_ratio": ratio(act_std),
            "grad_ratio": ratio(grad_std[::-1]),
            "overflow_layer": int(np.argmax(bad_a)) + 1 if bad_a.any() else None,
            "grad_overflow_layer": int(depth - np.argmax(bad_g[::-1])) if bad_g.any() else None,
            "n_samples": X.shape[0],
            "activations": acts,
            "gradients": [g if ok else g[np.isfinite(g)] for g, ok in zip(flow.grads, ~bad_g)],
            "zero_share": zero_share,
        }

    def draw(self, v):
        s = self.state
        depth = s["depth"]
        plotting.update_layer_histograms(self.hist_act, v["activations"])
        plotting.update_layer_histograms(self.hist_grad, v["gradients"])
        plotting.update_layer_std(self.std_act, v["act_std"], theory=v["act_theory"],
                                  limits=False)  # fmt: skip
        plotting.update_layer_std(self.std_grad, v["grad_std"], theory=v["grad_theory"],
                                  limits=False)  # fmt: skip
        parts = [v["act_std"], v["grad_std"]]
        parts += [a for a in (v["act_theory"], v["grad_theory"]) if a is not None]
        plotting.set_limits(self.ax_std, x=(0.5, plotting.count_limit(depth) + 0.5),
                            y=plotting.sticky_decades(self.ax_std.get_ylim(), *parts))  # fmt: skip
        lines = [a.line for a in (self.std_act, self.std_grad)]
        lines += [a.theory for a in (self.std_act, self.std_grad) if v["act_theory"] is not None]
        self.legend_corner = plotting.place_legend(self.legend, lines, self.legend_corner)
        t_act, t_grad, t_std = self.titles
        zeros = v["zero_share"] is not None  # then the histogram leaves out the exact zeros
        # static: a change redraws the Axes
        plotting.set_text(
            t_act, "forward: nonzero activations" if zeros else "forward: activations"
        )
        plotting.set_text(t_grad, "backward: gradients")
        theory = v["act_theory"] is not None
        plotting.set_text(t_std, "std (dashed: theory)" if theory else "std per layer")
        notes = []
        if v["overflow_layer"]:
            notes.append(f"activations overflow float64 from layer {v['overflow_layer']}")
        if v["grad_overflow_layer"]:
            notes.append(f"gradients overflow from layer {v['grad_overflow_layer']}")
        return (
            f"std of activations: layer 1 <b>{C.fmt(v['act_std'][0])}</b> &rarr; layer {depth} "
            f"<b>{C.fmt(v['act_std'][-1])}</b> (ratio {C.fmt(v['act_ratio'])}) &middot; "
            f"gradients: layer {depth} <b>{C.fmt(v['grad_std'][-1])}</b> &rarr; layer 1 "
            f"<b>{C.fmt(v['grad_std'][0])}</b> (ratio {C.fmt(v['grad_ratio'])})"
            + ("" if not notes else " &middot; <b>" + "; ".join(notes) + "</b>")
            + (
                f" &middot; {C.pct(v['zero_share'])} of the activations are exactly 0 (not in the "
                "histogram)"
                if zeros
                else ""
            )  # fmt: skip
        )


def build_depth_explorer(
    *,
    scheme: str = "xavier_normal",
    scale: float = 1.0,
    activation: str = "tanh",
    depth: int = 10,
    width: int = 256,
    seed: int = 0,
) -> DepthExplorer:
    """What ``depth`` layers of ``width`` units do to a signal, forward and backward.

    The network has ``depth`` hidden layers of ``width`` units (weights from ``scheme`` and
    ``scale``, zero biases) and a linear readout layer of ``width`` units. Inputs: x ~ N(0, 1),
    shape (16384 // width, width) (at least 64 samples). Backward pass: a unit-variance random
    signal is sent back from the readout (:func:`helpers.diagnostics.signal_flow`), which
    isolates what the layers do to a gradient.

    Controls: ``scheme``, ``scale`` (log slider 1e-3..1e2), ``activation``, ``depth`` (1..60),
    ``width`` (16..512).

    Panels: per-layer histograms of the magnitudes of the activations (forward) and of the
    gradients reaching each layer's outputs (backward) on log axes (a layer that shrinks by a
    factor moves left by a fixed distance, so collapsing layers stay readable), coloured from
    layer 1 (dark) to layer L (light); the std of
    both per layer on a log axis with the mean-field theory of
    :func:`helpers.theory.depth_theory` dashed.

    ``values``: ``act_std`` and ``grad_std`` (depth,), ``act_theory`` and ``grad_theory``
    (depth,) or None, ``act_ratio`` (last / first layer), ``grad_ratio`` (layer 1 / layer L),
    ``overflow_layer``, ``grad_overflow_layer``, ``activations`` and ``gradients`` (one array per
    layer: what the histograms show), ``zero_share`` (ReLU: the share of exact zeros, not shown).
    """
    return DepthExplorer(
        scheme=scheme, scale=scale, activation=activation, depth=depth, width=width, seed=seed
    )
