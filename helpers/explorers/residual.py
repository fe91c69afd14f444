"""The residual explorer: a plain or residual network of up to 128 blocks, with or without a
norm, at initialisation: the stream (or layer) RMS and the gradient reaching it per block, and
the distribution of the last layer's outputs."""

from __future__ import annotations

import math

import numpy as np

from .. import _validate, diagnostics, plotting, theory
from ..mlp import MLP
from ..residual import SCALINGS, ResidualMLP
from . import controls as C
from .base import Explorer

MAX_DEPTH = 128
WIDTH = 64
N_SAMPLES = 128
BLOCKS = ("plain", "residual")
NORMS = ("none", "batch", "layer")


def _rms(arrays) -> np.ndarray:
    """RMS of each array; inf where an array holds non-finite values (an overflow)."""
    out = np.array([diagnostics.rms(a) for a in arrays], dtype=np.float64)
    bad = np.array([not np.all(np.isfinite(a)) for a in arrays])
    out[bad] = np.inf
    return out


def _in_rms_units(last):
    """``last / RMS(last)`` and a fixed histogram range, ``(0, 4)`` if nothing is negative else
    ``(-4, 4)``. The panel shows the shape of the distribution (its size is the RMS panel's
    last point), so its axis limits do not move with the scale and a redraw is a blit."""
    if last.size == 0:
        return np.zeros(1), (0.0, 4.0)
    r = diagnostics.rms(last)
    scaled = last / r if r > 0 and math.isfinite(r) else np.zeros_like(last)
    return scaled, ((0.0, 4.0) if float(np.min(last)) >= 0 else (-4.0, 4.0))


class ResidualExplorer(Explorer):
    """Residual and normalised depth at initialisation: see :func:`build_residual_explorer`."""

    title = "Residual explorer"
    figsize = (8.4, 3.4)

    def make_controls(self, *, block, norm, scaling, depth, scheme, scale, activation, seed):
        self.seed = _validate.positive_int(seed, "seed", minimum=0)
        rng = np.random.default_rng([self.seed, 8])
        self.X, self.signal = rng.standard_normal((2, N_SAMPLES, WIDTH))
        return {
            "block": C.dropdown(BLOCKS, block, "block"),
            "norm": C.dropdown(NORMS, norm, "norm"),
            "scaling": C.dropdown(SCALINGS, scaling, "scaling"),
            "depth": C.int_slider(depth, 1, MAX_DEPTH, "depth"),
            "scheme": C.scheme_menu(scheme),
            "scale": C.scale_slider(scale),
            "activation": C.activation_menu(activation),
        }

    def build(self, fig):
        self.ax_std, self.ax_grad, self.ax_hist = fig.subplots(1, 3)
        ones = np.ones(2)
        self.std = plotting.plot_layer_std(self.ax_std, ones, theory=ones,
                                           color=plotting.FORWARD_COLOR, marker=".")  # fmt: skip
        self.grad = plotting.plot_layer_std(self.ax_grad, ones, theory=ones,
                                            color=plotting.BACKWARD_COLOR, marker=".")  # fmt: skip
        self.hist = plotting.plot_layer_histograms(self.ax_hist, [np.zeros(1)], max_layers=1,
                                                   colorbar=False)  # fmt: skip
        self.ax_std.set_xlabel("block")
        self.ax_grad.set_xlabel("block")
        self.ax_hist.set_xlabel("last block's outputs / their RMS")
        self.titles = [plotting.panel_title(a, " ") for a in (self.ax_std, self.ax_grad,
                                                                self.ax_hist)]  # fmt: skip
        self.animate(*self.std, *self.grad, *self.hist.lines)

    def _model(self, state):
        """The network for ``state`` and a note on settings that do not apply."""
        depth, norm = state["depth"], None if state["norm"] == "none" else state["norm"]
        common = {"activation": state["activation"], "init": state["scheme"],
                  "scale": state["scale"], "seed": self.seed}  # fmt: skip
        if state["block"] == "plain":
            note = "" if state["scaling"] == "none" else "plain blocks: residual scaling unused"
            return MLP([WIDTH] * (depth + 1) + [1], norm=norm, **common), note
        note = ""
        if state["scaling"] == "fixup" and norm is not None:
            norm, note = None, "Fixup is defined without a norm: norm off"
        model = ResidualMLP(WIDTH, WIDTH, depth, 1, norm=norm, residual_scaling=state["scaling"],
                            **common)  # fmt: skip
        return model, note

    def compute(self, state):
        model, note = self._model(state)
        with np.errstate(all="ignore"):  # a huge scale overflows: shown, not warned about
            _, cache = model.forward(self.X)
            if state["block"] == "plain":
                fwd = cache.post[1:-1]
                dZ = self.signal[:, :1] / math.sqrt(N_SAMPLES)
                back = model.backward_from_delta(cache, dZ, input_grad=False).dA[1:-1]
            else:
                fwd = cache.post[3:-1:2]
                back = model.stream_backward(cache, self.signal)[1:]
            fwd_rms, grad_rms = _rms(fwd), _rms(back)
        th = self._theory(state, model, cache)
        last = fwd[-1][np.isfinite(fwd[-1])]
        scaled, hist_range = _in_rms_units(last)
        return {"fwd_rms": fwd_rms, "grad_rms": grad_rms, "fwd_theory": th, "note": note,
                "last": last, "n_finite": int(last.size), "last_scaled": scaled,
                "hist_range": hist_range}  # fmt: skip

    def _theory(self, state, model, cache):
        """The mean-field prediction of the forward RMS, where one applies (else None)."""
        if state["scheme"] in ("zeros", "constant"):
            return None
        if state["block"] == "plain":
            if model.norm is not None:
                return None
            a_std, _ = theory.depth_theory(state["scheme"], state["scale"], state["activation"],
                                           state["depth"], WIDTH)  # fmt: skip
            return a_std
        h0 = diagnostics.rms(cache.post[1])
        if not math.isfinite(h0):
            return None
        th = theory.residual_stream(model.n_blocks, state["activation"], WIDTH,
                                    scheme=state["scheme"], scale=state["scale"],
                                    residual_scaling=model.residual_scaling, norm=model.norm,
                                    input_rms=h0)  # fmt: skip
        return th.rms[1:]

    def draw(self, v):
        depth = self.state["depth"]
        # x up to a round number of blocks: dragging the depth slider between two only blits
        right = min(plotting.count_limit(depth), MAX_DEPTH) + 0.5
        plotting.update_layer_std(self.std, v["fwd_rms"], theory=v["fwd_theory"], limits=False)
        plotting.update_layer_std(self.grad, v["grad_rms"], limits=False)
        plotting.update_layer_histograms(self.hist, [v["last_scaled"]], range=v["hist_range"])
        for ax, parts in ((self.ax_std, [v["fwd_rms"], v["fwd_theory"]]),
                          (self.ax_grad, [v["grad_rms"]])):  # fmt: skip
            parts = [p for p in parts if p is not None]
            plotting.set_limits(ax, x=(0.5, right),
                                y=plotting.sticky_decades(ax.get_ylim(), *parts))  # fmt: skip
        t_std, t_grad, t_hist = self.titles
        plotting.set_text(t_std, "stream RMS" if self.state["block"] == "residual" else "RMS")
        plotting.set_text(t_grad, "gradient RMS")
        plotting.set_text(t_hist, "last block" + (" (note below)" if v["note"] else ""))
        note = f" &middot; <b>{v['note']}</b>" if v["note"] else ""
        return (
            f"forward RMS: block 1 <b>{C.fmt(v['fwd_rms'][0])}</b> &rarr; block {depth} "
            f"<b>{C.fmt(v['fwd_rms'][-1])}</b> &middot; gradient RMS: block {depth} "
            f"<b>{C.fmt(v['grad_rms'][-1])}</b> &rarr; block 1 <b>{C.fmt(v['grad_rms'][0])}</b>"
            + (" &middot; dashed: theory" if v["fwd_theory"] is not None else "")
            + note
        )


def build_residual_explorer(*, block: str = "residual", norm: str = "layer",
                            scaling: str = "none", depth: int = 20, scheme: str = "he_normal",
                            scale: float = 1.0, activation: str = "relu",
                            seed: int = 0) -> ResidualExplorer:  # fmt: skip
    """A plain or residual network of ``depth`` blocks of width 64 at initialisation.

    ``block="residual"``: a :class:`helpers.residual.ResidualMLP` (``H <- H + alpha *
    branch(H)``, the branch pre-normalised by ``norm``) with ``scaling`` one of
    :data:`helpers.residual.SCALINGS`; ``block="plain"``: an MLP of ``depth`` hidden layers with
    ``norm`` before each activation. Weights from ``scheme`` at ``scale``; 128 inputs
    x ~ N(0, 1) (seeded); backward: a unit-variance random signal sent back from the top.

    Controls: ``block``, ``norm`` (none, batch, layer), ``scaling``, ``depth`` (1..128),
    ``scheme``, ``scale``, ``activation``.

    Panels: the forward RMS per block (the stream for residual blocks, each hidden layer's
    output for plain ones) with the mean-field theory dashed where it applies
    (:func:`helpers.theory.residual_stream`, :func:`helpers.theory.depth_theory`); the RMS of the
    gradient reaching each block; the histogram of the last block's outputs in units of their
    RMS (the shape of the distribution on fixed axes; the RMS itself is the first panel's last
    point), so that a change of scale redraws by blitting.

    ``values``: ``fwd_rms``, ``grad_rms`` (depth,), ``fwd_theory`` (depth,) or None, ``last``
    (the finite outputs of the last block), ``n_finite``, ``last_scaled`` (``last`` over its RMS),
    ``hist_range``, ``note``.
    """
    return ResidualExplorer(block=block, norm=norm, scaling=scaling, depth=depth, scheme=scheme,
                            scale=scale, activation=activation, seed=seed)  # fmt: skip
