"""Notebook 08: normalisation layers and residual networks, measured.

Part of :mod:`helpers.lessons`; see its docstring.

- :func:`scale_sweep`: a plain 20-layer net trained from weights ``N(0, scale^2)`` for scales
  1e-3 ... 1e1, without a norm, with BatchNorm and with LayerNorm, two activations, several
  seeds (CS231n's BatchNorm weight-scale experiment, for every scale);
- :func:`scale_invariance`: why: a BatchNorm layer's output does not change when ``W`` is
  multiplied by ``c``, and its gradient is divided by ``c`` (exact, up to ``eps``);
- :func:`stream_growth`: the residual stream's RMS and the gradient per block at depth up to
  100 for each residual scaling, against :func:`helpers.theory.residual_stream`;
- :func:`residual_training`: the five scalings trained at depth 50.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate, theory
from .. import data as datasets
from ..mlp import MLP
from ..normed import check_norm
from ..residual import SCALINGS, ResidualMLP
from ..train import train
from ._norm_stack import train_stack

SWEEP_SCALES = (1e-3, 1e-2, 1e-1, 1.0, 1e1)
"""The weight scales (std of ``N(0, scale^2)``) of :func:`scale_sweep`."""

NORM_LABELS = {None: "no norm", "batch": "BatchNorm", "layer": "LayerNorm"}


def moons(n: int = 100, *, seed: int = 0):
    """The moons of the experiments (noise 0.1): ``X (n, 2), y (n,)``."""
    return datasets.make_moons(n, noise=0.1, rng=np.random.default_rng(seed))


def _spread(values) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=np.float64)
    return float(np.median(v)), float(v.min()), float(v.max())


SWEEP_LRS = (0.001, 0.01, 0.1, 1.0)
"""The shared learning-rate grid of :func:`scale_sweep` (each cell takes its best)."""


@dataclass
class SweepResult:
    """Final training accuracy ``acc[(norm, activation)]`` of shape ``(n_scales, n_seeds)`` at
    each cell's best learning rate ``best_lr[(norm, activation)]`` (one per scale, from
    ``lrs``); ``loss[(norm, activation)]`` of shape ``(n_scales, n_lrs, n_seeds)`` holds every
    run's final training loss (inf: diverged)."""

    scales: tuple
    norms: tuple
    activations: tuple
    seeds: tuple
    lrs: tuple
    depth: int
    width: int
    epochs: int
    n: int
    acc: dict
    best_lr: dict
    loss: dict

    def median(self, norm, activation, scale) -> float:
        return _spread(self.acc[(norm, activation)][self.scales.index(scale)])[0]

    def format(self) -> str:
        """One row per norm and activation: median [min-max] accuracy and the best lr at each
        scale."""
        head = f"{'':17}" + "".join(f"{f's = {s:g}':>23}" for s in self.scales)
        lines = [
            f"final training accuracy, median [min-max] over {len(self.seeds)} seeds, "
            f"at each cell's best lr of {self.lrs}",
            head,
        ]
        for (norm, act), a in self.acc.items():
            cells = []
            for row, lr in zip(a, self.best_lr[(norm, act)]):
                m, lo, hi = _spread(row)
                cells.append(f"{m:.0%} [{lo:.0%}-{hi:.0%}] @{lr:g}")
            name = NORM_LABELS[norm] + ", " + act
            lines.append(f"{name:17}" + "".join(f"{c:>23}" for c in cells))
        return "\n".join(lines)


def scale_sweep(scales=SWEEP_SCALES, *, norms=(None, "batch", "layer"),
                activations=("tanh", "relu"), seeds=(0, 1, 2), lrs=SWEEP_LRS, depth: int = 20,
                width: int = 16, epochs: int = 100, n: int = 64) -> SweepResult:  # fmt: skip
    """Train a ``depth``-hidden-layer net of ``width`` units on the moons (``n`` points, full
    batch, ``epochs`` epochs) from ``init="normal"`` at each scale, from each seed, at each
    learning rate of ``lrs``; one thing varies at a time (the norm, the activation, the scale),
    the data and seeds are the same. Each cell (norm, activation, scale) keeps the learning rate
    with the lowest median final training loss (a diverged run counts as inf), so no setting wins
    or loses by the learning rate. The nets of one norm and activation are trained side by side
    (same arithmetic as ``MLP(..., norm=norm)`` trained by :func:`helpers.train.train`)."""
    depth = _validate.positive_int(depth, "depth")
    seeds = tuple(_validate.positive_int(s, "seed", minimum=0) for s in seeds)
    lrs = tuple(sorted(_validate.real(lr, "lr", positive=True) for lr in lrs))
    if not seeds or not lrs:
        raise ValueError("give at least one seed and one learning rate")
    norms = tuple(check_norm(nm, allow_none=True) for nm in norms)
    X, y = moons(n)
    sizes = [2] + [width] * depth + [1]
    shape = (len(scales), len(lrs), len(seeds))
    acc, best, losses = {}, {}, {}
    for norm in norms:
        for act in activations:
            models = [MLP(sizes, activation=act, init="normal", scale=sc, seed=seed)
                      for sc in scales for _ in lrs for seed in seeds]  # fmt: skip
            rates = [lr for _ in scales for lr in lrs for _ in seeds]
            loss, a, _ = train_stack(models, rates, X, y, epochs=epochs, norm=norm,
                                     activation=act)  # fmt: skip
            loss, a = loss.reshape(shape), a.reshape(shape)
            k = np.argmin(np.median(loss, axis=2), axis=1)  # the first lr wins a tie
            acc[(norm, act)] = a[np.arange(len(scales)), k]
            best[(norm, act)] = tuple(lrs[i] for i in k)
            losses[(norm, act)] = loss
    return SweepResult(tuple(scales), norms, tuple(activations), seeds, lrs, depth,
                       width, epochs, n, acc, best, losses)  # fmt: skip


def scale_invariance(scales=(1.0, 10.0, 100.0), *, depth: int = 5, width: int = 16,
                     seed: int = 0) -> dict:  # fmt: skip
    """One hidden layer's weights ``W_2`` multiplied by each ``scale`` ``c``, in a tanh net
    with BatchNorm and in the same net without.

    Returns ``scales``; for the BatchNorm net ``loss`` (the same for every ``c``: the norm
    divides the factor out, exactly up to ``eps``), ``grad_norm`` (``||dW_2||``, which falls as
    ``1/c``) and ``grad_times_scale`` (``c ||dW_2||``, constant); for the plain net
    ``plain_loss`` and ``plain_last_std`` (the last hidden layer's std), which do change.
    """
    X, y = moons(100)
    sizes = [2] + [width] * depth + [1]
    out = {"scales": tuple(scales), "loss": [], "grad_norm": [], "plain_loss": [],
           "plain_last_std": []}  # fmt: skip
    for c in scales:
        for norm in ("batch", None):
            model = MLP(sizes, activation="tanh", init="xavier_normal", seed=seed, norm=norm)
            model.weights[1] *= c
            _, cache = model.forward(X)
            if norm is None:
                out["plain_loss"].append(model.loss_from_cache(cache, y))
                out["plain_last_std"].append(float(np.std(cache.post[-2])))
                continue
            grads = model.backward(cache, y)
            out["loss"].append(model.loss_from_cache(cache, y))
            out["grad_norm"].append(float(np.linalg.norm(grads.dW[1])))
    out["grad_times_scale"] = [g * c for g, c in zip(out["grad_norm"], scales)]
    return out


def format_scale_invariance(r: dict) -> str:
    lines = [f"{'c':>6} {'BN loss':>9} {'BN ||dW_2||':>12} {'c*||dW_2||':>11} "
             f"{'plain loss':>11} {'plain last std':>15}"]  # fmt: skip
    rows = zip(r["scales"], r["loss"], r["grad_norm"], r["grad_times_scale"], r["plain_loss"],
               r["plain_last_std"])  # fmt: skip
    for c, loss, g, gc, pl, s in rows:
        lines.append(f"{c:>6g} {loss:>9.6f} {g:>12.4g} {gc:>11.6f} {pl:>11.6f} {s:>15.3g}")
    return "\n".join(lines)


@dataclass
class StreamResult:
    """Stream RMS ``rms[scaling]`` ``(n_seeds, N + 1)`` and the gradient RMS reaching each
    block ``grad[scaling]`` (relative to the top, ``(n_seeds, N + 1)``), with the theory."""

    n_blocks: int
    width: int
    norm: str | None
    scalings: tuple
    rms: dict
    grad: dict
    theory_rms: dict
    theory_grad: dict

    def format(self) -> str:
        N = self.n_blocks
        lines = [f"depth {N}, width {self.width}, norm: {NORM_LABELS[self.norm]}; "
                 f"median (min-max) over {len(next(iter(self.rms.values())))} seeds",
                 f"{'scaling':<11} {'stream RMS at block ' + str(N):>30} {'theory':>8} "
                 f"{'grad at block 0 / top':>28} {'theory':>8}"]  # fmt: skip
        for s in self.scalings:
            m, lo, hi = _spread(self.rms[s][:, -1])
            gm, glo, ghi = _spread(self.grad[s][:, 0])
            lines.append(
                f"{s:<11} {f'{m:.3g} ({lo:.3g}-{hi:.3g})':>30} {self.theory_rms[s][-1]:>8.3g} "
                f"{f'{gm:.3g} ({glo:.3g}-{ghi:.3g})':>28} {self.theory_grad[s][0]:>8.3g}"
            )
        return "\n".join(lines)


def stream_growth(n_blocks: int = 100, *, width: int = 64, norm="layer", scalings=None,
                  seeds=(0, 1), n: int = 64) -> StreamResult:  # fmt: skip
    """The stream ``H_0 .. H_N`` of ReLU ResidualMLPs at initialisation on the moons, and the
    RMS of the gradient that a unit-variance signal sent back from ``H_N`` leaves at each block
    (:meth:`ResidualMLP.stream_backward`), for each scaling; with the mean-field theory."""
    scalings = tuple(s for s in SCALINGS if not (norm and s == "fixup")) if scalings is None \
        else tuple(scalings)  # fmt: skip
    X, _ = moons(n)
    rms, grad, th_rms, th_grad = {}, {}, {}, {}
    for s in scalings:
        rows, grows = [], []
        for seed in seeds:
            model = ResidualMLP(2, width, n_blocks, 1, norm=norm, residual_scaling=s, seed=seed)
            _, cache = model.forward(X)
            rows.append([math.sqrt(float(np.mean(H * H))) for H in cache.post[1:-1:2]])
            dH = np.random.default_rng(seed).normal(size=cache.post[-2].shape)
            g = [math.sqrt(float(np.mean(d * d))) for d in model.stream_backward(cache, dH)]
            grows.append(np.array(g) / g[-1])
        rms[s], grad[s] = np.array(rows), np.array(grows)
        th = theory.residual_stream(n_blocks, "relu", width, residual_scaling=s, norm=norm,
                                    input_rms=float(np.median(rms[s][:, 0])))  # fmt: skip
        th_rms[s], th_grad[s] = th.rms, th.grad_rms
    return StreamResult(n_blocks, width, norm, scalings, rms, grad, th_rms, th_grad)


@dataclass
class ResidualTraining:
    """Final training loss and accuracy per setting label, ``(n_seeds,)`` each."""

    n_blocks: int
    width: int
    epochs: int
    lr: float
    seeds: tuple
    loss: dict
    acc: dict
    diverged: dict

    def format(self) -> str:
        lines = [f"depth {self.n_blocks}, width {self.width}, {self.epochs} epochs at lr "
                 f"{self.lr:g}; median (min-max) over {len(self.seeds)} seeds",
                 f"{'setting':<28} {'final loss':>22} {'accuracy':>18}"]  # fmt: skip
        for label in self.loss:
            m, lo, hi = _spread(self.loss[label])
            a, alo, ahi = _spread(self.acc[label])
            extra = f"  ({self.diverged[label]} diverged)" if self.diverged[label] else ""
            lines.append(f"{label:<28} {f'{m:.3f} ({lo:.3f}-{hi:.3f})':>22} "
                         f"{f'{a:.0%} ({alo:.0%}-{ahi:.0%})':>18}{extra}")  # fmt: skip
        return "\n".join(lines)


def residual_settings(norm="layer"):
    """``(label, builder kwargs)`` of :func:`residual_training`: a plain MLP of the same depth,
    then every scaling (Fixup without the norm)."""
    out = [("plain MLP (no shortcut)", None)]
    for s in SCALINGS:
        out.append((f"residual, {s}" + ("" if s == "fixup" else f", {NORM_LABELS[norm]}"),
                    {"residual_scaling": s, "norm": None if s == "fixup" else norm}))  # fmt: skip
    return out


def residual_training(n_blocks: int = 50, *, width: int = 16, epochs: int = 30, lr: float = 0.05,
                      seeds=(0, 1), n: int = 64) -> ResidualTraining:  # fmt: skip
    """Train each setting of :func:`residual_settings` (ReLU, He normal, moons, full batch)."""
    X, y = moons(n)
    loss, acc, div = {}, {}, {}
    for label, kw in residual_settings():
        ls, acs, d = [], [], 0
        for seed in seeds:
            if kw is None:
                model = MLP([2] + [width] * (2 * n_blocks + 1) + [1], activation="relu",
                            init="he_normal", seed=seed)  # fmt: skip
            else:
                model = ResidualMLP(2, width, n_blocks, 1, seed=seed, **kw)
            h = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
            ls.append(h.final_loss)
            acs.append(h.final_accuracy)
            d += int(h.diverged)
        loss[label], acc[label], div[label] = np.array(ls), np.array(acs), d
    return ResidualTraining(n_blocks, width, epochs, lr, tuple(seeds), loss, acc, div)
