"""Notebook 05: training compared, the reference experiment.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate
from .. import data as datasets
from ..mlp import MLP
from ..train import History, train

# ---------------------------------------------------------------------------- 05 training compared


class ProgressBar:
    """A progress bar for a long loop: an ipywidgets ``IntProgress`` in a notebook, else silent.

    Call it as ``bar(done, total)`` (the signature of the ``progress`` callbacks of
    :func:`compare_initialisations` and :func:`helpers.lessons.restart_sweep`). In a notebook the
    bar is displayed on the first call; its text form names only the loop and its length, so a
    re-run notebook shows the same output (nbval compares it).

    Parameters
    ----------
    description : str
        What is counted, e.g. ``"seeds"``.
    """

    def __init__(self, description: str = "runs"):
        self.description = str(description)
        self.widget = None

    def _show(self, total: int) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython comes with Jupyter
            return
        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return  # plain Python or a test: no bar
        import ipywidgets as widgets

        self.widget = widgets.IntProgress(
            value=0, min=0, max=total, description=self.description, bar_style="info"
        )
        display(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/plain"] = f"progress: {self.widget.max} {self.description}"
        return bundle

    def __call__(self, done: int, total: int) -> None:
        if self.widget is None and done == 0:
            self._show(total)
        if self.widget is not None:
            self.widget.value = done
            if done >= total:
                self.widget.bar_style = "success"


def _report(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


@dataclass
class TrainingResult:
    """One training run of notebook 05's comparison."""

    dataset: str
    label: str
    init: str
    scale: float
    activation: str
    history: History
    model: MLP
    test_accuracy: float
    target: float

    @property
    def final_loss(self) -> float:
        return self.history.final_loss

    @property
    def train_accuracy(self) -> float:
        return self.history.final_accuracy

    @property
    def epochs_to_target(self) -> int | None:
        return self.history.epochs_to(self.target)

    @property
    def title(self) -> str:
        """``"label, activation"``, for legends."""
        return f"{self.label}, {self.activation}"


COMPARISON_CONFIGS = (
    ("zeros", "zeros", 1.0, "tanh"),
    ("constant 0.5", "constant", 0.5, "tanh"),
    ("too small N(0,0.01^2)", "normal", 0.01, "tanh"),
    ("too small N(0,0.01^2)", "normal", 0.01, "relu"),
    ("too large N(0,10^2)", "normal", 10.0, "tanh"),
    ("too large N(0,10^2)", "normal", 10.0, "relu"),
    ("Xavier normal", "xavier_normal", 1.0, "tanh"),
    ("He normal", "he_normal", 1.0, "relu"),
)
"""(label, scheme, scale, activation) of :func:`compare_initialisations`: single runs at one
learning rate, Xavier only with tanh and He only with ReLU, so scheme and activation change
together. Notebook 05 compares starts with :func:`helpers.lessons.scheme_grid` instead (one factor
at a time, seeds, each cell at its best learning rate)."""


def comparison_data(name: str, *, n: int = 400, seed: int = 0):
    """``make_dataset(name, n)`` split 3:1 into ``X_train, X_test, y_train, y_test``."""
    X, y = datasets.make_dataset(name, n, rng=np.random.default_rng(seed))
    return datasets.train_test_split(X, y, rng=np.random.default_rng(seed + 1))


def compare_initialisations(
    names=("moons", "circles", "spirals"),
    configs=COMPARISON_CONFIGS,
    *,
    hidden=(16, 16),
    epochs: int = 1000,
    lr: float = 0.3,
    target: float = 0.2,
    seed: int = 0,
    progress=None,
) -> list:
    """Train the same ``2-16-16-1`` network on each dataset under each initialisation.

    Full-batch gradient descent, ``epochs`` epochs at learning rate ``lr``; data from
    :func:`comparison_data` (400 points, 300 to train on); weights drawn with ``seed``.
    ``progress(done, total)`` is called after each run (e.g. a :class:`ProgressBar`).

    Returns
    -------
    list of TrainingResult
        In the order dataset, then config.
    """
    hidden = [_validate.positive_int(h, "hidden width") for h in hidden]
    results = []
    total = len(names) * len(configs)
    _report(progress, 0, total)
    for name in names:
        X, X_test, y, y_test = comparison_data(name, seed=seed)
        for label, init, scale, activation in configs:
            model = MLP([2, *hidden, 1], activation=activation, init=init, scale=scale, seed=seed)
            history = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
            results.append(
                TrainingResult(
                    dataset=name,
                    label=label,
                    init=init,
                    scale=scale,
                    activation=activation,
                    history=history,
                    model=model,
                    test_accuracy=model.accuracy(X_test, y_test),
                    target=target,
                )
            )
            _report(progress, len(results), total)
    return results


def format_results(results) -> str:
    """A text table: dataset, initialisation, activation, final loss, train/test accuracy, epochs
    to reach the target loss (``never`` if not reached)."""
    head = (
        f"{'dataset':<8} {'initialisation':<22} {'act.':<5} {'loss':>7} {'train':>6} "
        f"{'test':>6} {'epochs to':>9}"
    )
    target = results[0].target if results else 0.0
    lines = [head, f"{'':<64}{f'loss {target:g}':>9}"]
    for r in results:
        e = r.epochs_to_target
        lines.append(
            f"{r.dataset:<8} {r.label:<22} {r.activation:<5} {r.final_loss:7.3f} "
            f"{r.train_accuracy:6.1%} {r.test_accuracy:6.1%} {'never' if e is None else e:>9}"
        )
    return "\n".join(lines)


def reference_data(*, seed: int = 0):
    """Data like the well-known course exercise: two circles (factor 0.8, noise 0.05), 300
    training points from ``default_rng(seed)`` and 100 test points from ``default_rng(seed + 1)``.

    Returns ``X_train, y_train, X_test, y_test``.
    """
    X, y = datasets.make_circles(300, noise=0.05, factor=0.8, rng=np.random.default_rng(seed))
    Xt, yt = datasets.make_circles(100, noise=0.05, factor=0.8, rng=np.random.default_rng(seed + 1))
    return X, y, Xt, yt


REFERENCE_RUNS = (
    ("zeros", "zeros", 1.0),
    ("N(0,1) x 10", "normal", 10.0),
    ("He", "he_normal", 1.0),
)
"""(label, scheme, scale) of the reference experiment."""


def reference_experiment(
    init: str, scale: float = 1.0, *, seed: int = 0, epochs: int = 15000, lr: float = 0.01
) -> dict:
    """A ``2-10-5-1`` ReLU network (sigmoid output, zero biases) on :func:`reference_data`,
    ``epochs`` full-batch gradient-descent steps at learning rate ``lr``.

    Returns
    -------
    dict
        ``loss_start``, ``loss`` (final), ``train_accuracy``, ``test_accuracy``, ``history``,
        ``model``, and the data ``X``, ``y``.
    """
    X, y, Xt, yt = reference_data(seed=seed)
    model = MLP([2, 10, 5, 1], activation="relu", init=init, scale=scale, seed=seed)
    history = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
    return {
        "loss_start": float(history.loss[0]),
        "loss": history.final_loss,
        "train_accuracy": history.final_accuracy,
        "test_accuracy": model.accuracy(Xt, yt),
        "history": history,
        "model": model,
        "X": X,
        "y": y,
    }


def format_reference(runs: dict, *, seed: int = 0) -> str:
    """:func:`reference_experiment` results (label -> dict) as a table: loss at step 0, final loss,
    train and test accuracy."""
    lines = [f"seed {seed:<7} {'loss at step 0':>14} {'after 15000':>11} {'train':>6} {'test':>6}"]
    for label, r in runs.items():
        lines.append(
            f"{label:<12} {r['loss_start']:14.4g} {r['loss']:11.4f} "
            f"{r['train_accuracy']:6.1%} {r['test_accuracy']:6.1%}"
        )
    return "\n".join(lines)
