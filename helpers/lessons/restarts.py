"""Notebook 05: random restarts of one small network, and re-initialising a trained one.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate
from .. import data as datasets
from ..mlp import MLP
from ..train import train
from .training import _report

# ------------------------------------------------------------------- 05 restarts, re-initialising


@dataclass
class RestartSweep:
    """The same network trained from many random starts (notebook 05, section on restarts)."""

    seeds: np.ndarray
    final_loss: np.ndarray
    accuracy: np.ndarray
    losses: list
    models: list
    X: np.ndarray
    y: np.ndarray
    dead_at_start: np.ndarray
    dead_at_end: np.ndarray

    def stuck(self, threshold: float = 0.3) -> np.ndarray:
        """Boolean mask of the runs whose final loss stayed above ``threshold``."""
        return self.final_loss > threshold

    @property
    def best(self) -> int:
        """Index of the run with the lowest final loss."""
        return int(np.argmin(self.final_loss))

    def best_of(self, k: int, threshold: float = 0.3) -> float:
        """Fraction of groups of ``k`` consecutive runs in which the best run is not stuck
        (every group has ``k`` different seeds; leftover runs are dropped)."""
        k = _validate.positive_int(k, "k")
        groups = len(self.final_loss) // k
        if groups == 0:
            raise ValueError(f"k = {k} is more than the {len(self.final_loss)} runs")
        best = self.final_loss[: groups * k].reshape(groups, k).min(axis=1)
        return float(np.mean(best <= threshold))

    def summary(self, threshold: float = 0.3) -> str:
        """The sweep's key numbers as text: final loss (best, median, worst), accuracy range, the
        stuck seeds, best-of-3 against single runs, and dead ReLUs at the start and the end."""
        stuck = self.stuck(threshold)
        loss = self.final_loss
        return "\n".join(
            [
                f"final loss over {len(loss)} seeds: best {loss.min():.3f}, "
                f"median {np.median(loss):.3f}, worst {loss.max():.3f}",
                f"accuracy: {self.accuracy.min():.1%} to {self.accuracy.max():.1%}",
                f"stuck (final loss > {threshold:g}): {stuck.sum()} of {len(stuck)}, "
                f"seeds {self.seeds[stuck].tolist()}",
                f"groups of 3 seeds whose best run is not stuck: {self.best_of(3, threshold):.0%} "
                f"(single runs: {self.best_of(1, threshold):.0%})",
                f"dead ReLUs at the start: {self.dead_at_start.sum()} in all runs; at the end: "
                f"{self.dead_at_end[stuck].tolist()} in the stuck runs, "
                f"{self.dead_at_end[~stuck].sum()} in the others",
            ]
        )


def restart_sweep(
    seeds=range(24),
    *,
    sizes=(2, 3, 1),
    init: str = "he_normal",
    scale: float = 1.0,
    activation: str = "relu",
    epochs: int = 800,
    lr: float = 0.3,
    data_seed: int = 0,
    progress=None,
) -> RestartSweep:
    """Train one network from each seed: 300 points of two circles (factor 0.5, noise 0.05, data
    from ``default_rng(data_seed)``), full-batch gradient descent.

    Three hidden ReLUs are the fewest that can fence the inner circle in (two ramps cannot enclose
    a bounded region), so a start from which one unit ends up useless cannot find the boundary:
    some seeds get stuck.
    ``progress(done, total)`` is called after each seed. ``dead_at_start`` and ``dead_at_end``
    count, per seed, the hidden ReLUs that output 0 on every training point.
    """
    seeds = np.array([_validate.positive_int(s, "seed", minimum=0) for s in seeds])
    X, y = datasets.make_circles(300, noise=0.05, factor=0.5, rng=np.random.default_rng(data_seed))
    final, acc, losses, models, dead0, dead1 = [], [], [], [], [], []
    _report(progress, 0, len(seeds))
    for i, s in enumerate(seeds):
        model = MLP(list(sizes), activation=activation, init=init, scale=scale, seed=int(s))
        dead0.append(_dead_units(model, X))
        h = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
        dead1.append(_dead_units(model, X))
        final.append(h.final_loss)
        acc.append(h.final_accuracy)
        losses.append(h.loss)
        models.append(model)
        _report(progress, i + 1, len(seeds))
    return RestartSweep(
        seeds,
        np.array(final),
        np.array(acc),
        losses,
        models,
        X,
        y,
        np.array(dead0),
        np.array(dead1),
    )


def _dead_units(model: MLP, X) -> int:
    """Hidden ReLU units (all layers) whose pre-activation is <= 0 on every row of ``X``."""
    _, cache = model.forward(X)
    return int(sum(np.sum(np.all(cache.pre[l] <= 0, axis=0)) for l in range(1, model.n_layers)))


def reinitialize_demo(*, seed: int = 0) -> dict:
    """``MLP.reinitialize`` after training, as MATLAB's ``init(net)`` does.

    A perceptron-like network (``2-1``, sigmoid output, zero weights and biases, the way MATLAB
    starts a perceptron) is trained on two blobs, then reinitialised: it is back to zeros. A
    ``2-8-1`` tanh network (Xavier, ``seed``) is trained and reinitialised: ``reinitialize()``
    restores exactly its first start, ``reinitialize(seed=seed + 1)`` draws a new one.

    Returns
    -------
    dict
        ``perceptron_trained_max`` (largest |parameter| after training), ``perceptron_reset_max``
        (after ``reinitialize()``), ``perceptron_loss`` (trained) and ``perceptron_reset_loss``
        (ln 2 at zero weights); ``same_start`` (the restored parameters equal the first start
        exactly), ``new_start_differs``, ``loss_start``, ``loss_trained``, ``loss_restored``.
    """
    X, y = datasets.make_linear(200, rng=np.random.default_rng(seed))
    perceptron = MLP([2, 1], init="zeros", seed=seed)
    train(perceptron, X, y, epochs=200, lr=0.5, record_layers=False)
    trained_max = max(float(np.max(np.abs(p))) for p in perceptron.get_params())
    trained_loss = perceptron.loss(X, y)
    perceptron.reinitialize()
    reset_max = max(float(np.max(np.abs(p))) for p in perceptron.get_params())

    Xm, ym = datasets.make_moons(200, rng=np.random.default_rng(seed))
    net = MLP([2, 8, 1], activation="tanh", init="xavier_uniform", seed=seed)
    start = net.get_params()
    loss_start = net.loss(Xm, ym)
    train(net, Xm, ym, epochs=300, lr=1.0, record_layers=False)
    loss_trained = net.loss(Xm, ym)
    net.reinitialize()
    same = all(np.array_equal(a, b) for a, b in zip(start, net.get_params()))
    loss_restored = net.loss(Xm, ym)
    net.reinitialize(seed=seed + 1)
    differs = any(not np.array_equal(a, b) for a, b in zip(start, net.get_params()))
    return {
        "perceptron_trained_max": trained_max,
        "perceptron_loss": trained_loss,
        "perceptron_reset_max": reset_max,
        "perceptron_reset_loss": perceptron.loss(X, y),
        "same_start": same,
        "new_start_differs": differs,
        "loss_start": loss_start,
        "loss_trained": loss_trained,
        "loss_restored": loss_restored,
    }


def format_reinitialize(demo: dict) -> str:
    """:func:`reinitialize_demo`'s numbers as text."""
    d = demo
    return "\n".join(
        [
            f"perceptron: largest |parameter| after training {d['perceptron_trained_max']:.3f}, "
            f"loss {d['perceptron_loss']:.4f}",
            f"            after reinitialize(): {d['perceptron_reset_max']:.1f}, "
            f"loss {d['perceptron_reset_loss']:.4f} (ln 2)",
            f"2-8-1 net:  loss {d['loss_start']:.4f} at the start, {d['loss_trained']:.4f} "
            f"trained, {d['loss_restored']:.4f} after reinitialize()",
            f"            same parameters as the first start: {d['same_start']}; "
            f"reinitialize(seed=seed + 1) draws another: {d['new_start_differs']}",
        ]
    )
