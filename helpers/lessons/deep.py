"""Notebook 07: deep plain networks trained, the experiment of He et al. (2015), figure 3.

Part of :mod:`helpers.lessons`; see its docstring.

A plain (no normalisation, no shortcut) ReLU network of 30 hidden layers is trained from He's,
Xavier's and PyTorch's default start, on scikit-learn's handwritten digits and on a 2-D data set,
from several seeds, each start at the learning rate of a small grid whose median final loss is
lowest (as in :mod:`.comparison`). The seeds are trained one by one with
:func:`helpers.train.train`: for 30 layers of 32 units, numpy's stacked matrix products are
slower than one network's, so stacking (:mod:`helpers.batched`) would not save time here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate, diagnostics
from .. import data as datasets
from ..train import train
from .comparison import PYTORCH_DEFAULT, SCHEME_STARTS, _cell, _g2
from .training import _report, comparison_data

DEEP_STARTS = (SCHEME_STARTS[2], SCHEME_STARTS[1], PYTORCH_DEFAULT)
"""He normal, Xavier normal and PyTorch's default (weights and bias), in that order."""

DEEP_LRS = (0.01, 0.03)
"""The learning rates of the deep experiments (full-batch gradient descent)."""


def deep_data(dataset: str = "digits", *, n_train: int = 128, seed: int = 0):
    """Training and test data for the deep experiments: ``X, X_test, y, y_test, n_classes``.

    ``digits``: :func:`helpers.data.load_digits`, shuffled with ``default_rng(seed)``, the first
    ``n_train`` images to train on and the other ones to test, standardised with the training
    images' statistics (10 classes). Any 2-D data set of :func:`helpers.data.make_dataset`:
    :func:`helpers.lessons.comparison_data` with ``4 * n_train // 3`` points (2 classes).
    """
    n_train = _validate.positive_int(n_train, "n_train", minimum=2)
    if dataset != "digits":
        X, X_test, y, y_test = comparison_data(dataset, n=4 * n_train // 3, seed=seed)
        return X, X_test, y, y_test, 2
    X, y = datasets.load_digits()
    if n_train >= len(y):
        raise ValueError(f"n_train must be below the {len(y)} digits; got {n_train}")
    order = np.random.default_rng(seed).permutation(len(y))
    train_rows, test_rows = order[:n_train], order[n_train:]
    X_train, X_test = datasets.standardize(X[train_rows], X[test_rows])
    return X_train, X_test, y[train_rows], y[test_rows], 10


@dataclass
class DeepResult:
    """What :func:`deep_training` returns: one :class:`~helpers.lessons.comparison.Cell` per
    start (activation ``relu``), and per start label the numbers of every seed's network before
    training: ``init_loss`` ``(n_seeds,)``, ``init_signal`` ``(n_seeds,)`` (each last-hidden-layer
    unit's std over the training inputs, averaged over the units), ``init_grad``
    ``(n_seeds, L)`` (``||dW_l||``); ``train_accuracy[label]`` ``(n_lrs, n_seeds)``."""

    dataset: str
    sizes: tuple
    epochs: int
    lrs: tuple
    seeds: tuple
    target: float
    cells: list
    init_loss: dict
    init_signal: dict
    init_grad: dict
    train_accuracy: dict

    def cell(self, label: str):
        for c in self.cells:
            if c.start.label == label:
                return c
        raise KeyError(f"no start {label!r} in this experiment")

    def describe(self) -> str:
        hidden = self.sizes[1:-1]
        return (
            f"{self.dataset}: {self.sizes[0]} inputs, {len(hidden)} hidden ReLU layers of "
            f"{hidden[0]}, {self.sizes[-1]} output(s); {self.epochs} epochs of full-batch gradient "
            f"descent, {len(self.seeds)} seeds, each start at the learning rate of "
            f"{', '.join(f'{lr:g}' for lr in self.lrs)} with the lowest median final loss"
        )

    def format(self) -> str:
        """Per start, medians over the seeds: at the start, the loss, the input signal reaching
        the last hidden layer and the gradient norm of layer 1; after training, the final loss
        (median [min-max]), the learning rate chosen, train and test accuracy."""
        L = len(self.sizes) - 2
        lines = [
            f"{'':<16} {'at the start (medians)':^30}  {'trained (median [min-max])':^38}".rstrip(),
            f"{'start':<16} {'loss':>6} {f'signal L{L}':>11} {'|dW1|':>11}  "
            f"{'final [min-max]':>19} {'lr':>5} {'train':>6} {'test':>5}",
        ]
        for c in self.cells:
            label = c.start.label
            final = f"{_g2(c.median)} [{_g2(c.low)}-{_g2(c.high)}]"
            train_acc = float(np.median(self.train_accuracy[label][c.best]))
            lines.append(
                f"{label:<16} {np.median(self.init_loss[label]):>6.2f} "
                f"{np.median(self.init_signal[label]):>11.1e} "
                f"{np.median(self.init_grad[label][:, 0]):>11.1e}  {final:>19} {c.lr:>5g} "
                f"{train_acc:>6.0%} {c.test_median:>5.0%}"
            )
        return "\n".join(lines)


def _init_numbers(model, X, y) -> tuple[float, float, np.ndarray]:
    """A network before training: its loss, the input signal at its last hidden layer (each
    unit's std over the inputs, averaged over the units) and every layer's ``||dW_l||``."""
    _, cache = model.forward(X)
    grads = model.backward(cache, y)
    signal = float(np.mean(np.std(cache.post[model.n_layers - 1], axis=0)))
    norms = np.array([diagnostics.norm(g) for g in grads.dW])
    return model.loss_from_cache(cache, y), signal, norms


def deep_training(
    dataset: str = "digits",
    starts=DEEP_STARTS,
    *,
    depth: int = 30,
    width: int = 32,
    seeds=range(5),
    lrs=DEEP_LRS,
    epochs: int = 150,
    n_train: int = 128,
    target: float | None = None,
    data_seed: int = 0,
    progress=None,
) -> DeepResult:
    """Train a plain ReLU network of ``depth`` hidden layers of ``width`` units from each start.

    Data from :func:`deep_data`; a softmax output for the digits, a sigmoid one for a 2-D set.
    Every start is trained from every seed at every learning rate of ``lrs`` (full-batch gradient
    descent, ``epochs`` epochs, float64); ``target`` (default: half the loss of a uniform guess,
    ``ln(classes) / 2``) is the loss whose first epoch is reported.
    ``progress(done, total)`` is called after each (start, learning rate) pair.
    """
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    seeds = tuple(_validate.positive_int(s, "seed", minimum=0) for s in seeds)
    lrs = tuple(sorted(_validate.real(lr, "lr", positive=True) for lr in lrs))
    X, X_test, y, y_test, k = deep_data(dataset, n_train=n_train, seed=data_seed)
    sizes = (X.shape[1], *[width] * depth, k if k > 2 else 1)
    output = "softmax" if k > 2 else "sigmoid"
    target = float(np.log(k) / 2) if target is None else _validate.real(target, "target")
    total = len(starts) * len(lrs)
    cells, init_loss, init_signal, init_grad, train_acc = [], {}, {}, {}, {}
    _report(progress, 0, total)
    for i, st in enumerate(starts):
        per_lr = []
        for j, lr in enumerate(lrs):
            per_lr.append(
                [_run(st.build(sizes, "relu", s, output=output), X, y, X_test, y_test, epochs, lr)
                 for s in seeds]
            )  # fmt: skip
            _report(progress, i * len(lrs) + j + 1, total)
        init_loss[st.label] = np.array([r[3] for r in per_lr[0]])
        init_signal[st.label] = np.array([r[4] for r in per_lr[0]])
        init_grad[st.label] = np.array([r[5] for r in per_lr[0]])
        train_acc[st.label] = np.array([[r[0].final_accuracy for r in runs] for runs in per_lr])
        kept = [[r[:3] for r in runs] for runs in per_lr]
        cells.append(_cell(st, "relu", lrs, seeds, kept, target))
    return DeepResult(
        dataset, sizes, epochs, lrs, seeds, target, cells, init_loss, init_signal, init_grad,
        train_acc,
    )  # fmt: skip


def _run(model, X, y, X_test, y_test, epochs, lr):
    """Train one network: ``(history, model, test accuracy, *_init_numbers)``."""
    before = _init_numbers(model, X, y)
    history = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
    return (history, model, model.accuracy(X_test, y_test), *before)


def exact_and_measured(
    dataset: str = "digits", *, depth: int = 30, width: int = 32, seeds=range(5),
    n_train: int = 128, data_seed: int = 0,
) -> dict:  # fmt: skip
    """What is exact and what fluctuates in the networks of :func:`deep_training`, at the start.

    For one seed, Xavier's and He's draws are the same standard normals times each scheme's std,
    so Xavier's network is He's with layer ``l``'s weights multiplied by ``r_l = std_X / std_He``;
    with ReLU and zero biases (positively homogeneous) the last hidden layer is then *exactly*
    ``prod(r_l)`` times He's, for every input and every seed. He's own scale keeps the mean square
    of the pre-activations level only in expectation: one finite network drifts.

    Returns
    -------
    dict
        ``ratio`` (per seed, Xavier's last-hidden-layer signal over He's), ``predicted``
        (``prod(r_l)``), ``factors`` (the ``r_l`` of the first and of a hidden layer),
        ``he_drift`` (per seed, He's mean square of the last hidden layer's pre-activations over
        the first one's; its expectation is 1) and ``he_signal`` (per seed, He's signal).
    """
    X, _, y, _, k = deep_data(dataset, n_train=n_train, seed=data_seed)
    sizes = (X.shape[1], *[width] * depth, k if k > 2 else 1)
    output = "softmax" if k > 2 else "sigmoid"
    he, xavier = DEEP_STARTS[0], DEEP_STARTS[1]
    stds = [he.layer_stds(sizes), xavier.layer_stds(sizes)]
    factors = [x / h for h, x in zip(*stds)][:-1]  # every layer below the output
    ratio, drift, signal = [], [], []
    for s in seeds:
        _, ch = he.build(sizes, "relu", s, output=output).forward(X)
        _, cx = xavier.build(sizes, "relu", s, output=output).forward(X)
        top = depth  # the last hidden layer
        sh = float(np.mean(np.std(ch.post[top], axis=0)))
        ratio.append(float(np.mean(np.std(cx.post[top], axis=0))) / sh)
        drift.append(float(np.mean(ch.pre[top] ** 2) / np.mean(ch.pre[1] ** 2)))
        signal.append(sh)
    return {
        "ratio": np.array(ratio),
        "predicted": float(np.prod(factors)),
        "factors": (factors[0], factors[1]),
        "he_drift": np.array(drift),
        "he_signal": np.array(signal),
        "depth": depth,
    }


def format_exact_and_measured(facts: dict) -> str:
    """:func:`exact_and_measured` as text."""
    f, L = facts, facts["depth"]
    seeds = " ".join(f"{v:.2e}" for v in f["ratio"])
    return "\n".join(
        [
            f"Xavier = He with the same random numbers, layer 1 x {f['factors'][0]:.3f}, "
            f"each hidden layer x {f['factors'][1]:.3f}",
            f"signal at layer {L}, Xavier / He, per seed:  {seeds}",
            f"exactly predicted: {f['factors'][0]:.3f} x {f['factors'][1]:.3f}^{L - 1} = "
            f"{f['predicted']:.2e}",
            f"He, mean square of layer {L}'s pre-activations / layer 1's, per seed: "
            + " ".join(f"{v:.2g}" for v in f["he_drift"])
            + " (expectation exactly 1)",
            f"He, signal at layer {L}, per seed: " + " ".join(f"{v:.2g}" for v in f["he_signal"]),
        ]
    )
