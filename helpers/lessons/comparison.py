"""Notebook 05: schemes compared one factor at a time (scheme x activation, seeds, learning rates).

Part of :mod:`helpers.lessons`; see its docstring.

A comparison of initialisations changes the start and nothing else: every start is trained with
each activation, from several seeds, at each learning rate of a small grid shared by all, and each
(start, activation) cell is reported at the learning rate whose *median* final loss is lowest, so
that no start wins by the learning rate. The seeds of one activation and learning rate are
trained as one stacked computation (:func:`helpers.batched.train_restarts`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate
from .. import init as schemes
from ..batched import train_restarts
from ..mlp import MLP
from .training import _report, comparison_data

# ------------------------------------------------------------------------------ the starts


@dataclass(frozen=True)
class Start:
    """One way to start a network: a weight scheme and scale, a bias, maybe another first layer.

    ``first`` names a scheme whose standard deviation the *first* layer's weights get instead
    (they are the scheme's draw, rescaled): the experiment that separates the first layer's scale
    from the rest of a scheme. Figures draw a start in the colour of its label
    (:func:`helpers.plotting.start_color`).
    """

    label: str
    init: str
    scale: float = 1.0
    bias: float | str = 0.0
    first: str | None = None

    @property
    def random(self) -> bool:
        """False if the start draws no random number (every seed gives the same network)."""
        return self.init in schemes.RANDOM_SCHEMES or self.bias in ("normal", "uniform", "torch")

    def build(self, sizes, activation: str, seed: int, *, output: str = "sigmoid") -> MLP:
        """The network ``sizes`` (with this ``output``) from this start, drawn with ``seed``."""
        model = MLP(
            list(sizes),
            activation=activation,
            output=output,
            init=self.init,
            scale=self.scale,
            bias=self.bias,
            seed=seed,
        )
        if self.first is not None:
            fan_in, fan_out = sizes[0], sizes[1]
            ratio = schemes.std(self.first, fan_in, fan_out) / schemes.std(
                self.init, fan_in, fan_out, scale=self.scale
            )
            model.weights[0][...] *= ratio
        return model

    def layer_stds(self, sizes) -> list[float]:
        """The standard deviation of every layer's weights for ``sizes`` (exact, not measured)."""
        out = []
        for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            scheme, scale = (self.first, 1.0) if l == 0 and self.first else (self.init, self.scale)
            out.append(schemes.std(scheme, fan_in, fan_out, scale=scale))
        return out


PYTORCH_DEFAULT = Start("PyTorch default", "lecun_uniform", 1.0 / np.sqrt(3.0), "torch")
"""``nn.Linear``'s own start: ``kaiming_uniform_(a=sqrt(5))`` weights, i.e. U(-1/sqrt(fan_in),
1/sqrt(fan_in)) (LeCun uniform scaled by 1/sqrt(3)), and biases from the same range."""

SCHEME_STARTS = (
    Start("LeCun normal", "lecun_normal"),
    Start("Xavier normal", "xavier_normal"),
    Start("He normal", "he_normal"),
    PYTORCH_DEFAULT,
)
"""The four principled starts compared in notebook 05 (biases 0 except PyTorch's)."""

FIRST_LAYER_STARTS = (
    Start("Xavier, He's layer 1", "xavier_normal", first="he_normal"),
    Start("He, Xavier's layer 1", "he_normal", first="xavier_normal"),
)
"""Xavier and He with their first layers swapped: which part of a scheme makes the difference."""

FAILING_STARTS = (
    Start("zeros", "zeros"),
    Start("constant 0.5", "constant", 0.5),
    Start("too small N(0,0.01^2)", "normal", 0.01),
    Start("too large N(0,10^2)", "normal", 10.0),
)
"""The starts that fail, each in its own way (notebooks 02 and 03)."""

LR_GRID = (0.3, 1.0, 3.0)
"""The learning rates every cell of a comparison is trained at."""


# ------------------------------------------------------------------------------ the results


@dataclass
class Cell:
    """One (start, activation) cell: every seed at every learning rate of the grid.

    ``final[i, j]`` is the final training loss of seed ``j`` at ``lrs[i]`` (``inf`` if that run
    diverged: it counts as worse than any finite loss), ``test[i, j]`` its test accuracy.
    ``histories`` and ``models`` are kept for the chosen learning rate only.
    """

    start: Start
    activation: str
    lrs: tuple
    seeds: tuple
    final: np.ndarray
    test: np.ndarray
    diverged: np.ndarray
    histories: list
    models: list
    target: float

    @property
    def medians(self) -> np.ndarray:
        """Median final loss over the seeds, one per learning rate."""
        return np.median(self.final, axis=1)

    @property
    def best(self) -> int:
        """Index in ``lrs`` of the lowest median final loss (the smaller lr on a tie)."""
        return int(np.argmin(self.medians))

    @property
    def lr(self) -> float:
        return float(self.lrs[self.best])

    @property
    def losses(self) -> np.ndarray:
        """Final loss of every seed at the chosen learning rate, shape ``(n_seeds,)``."""
        return self.final[self.best]

    @property
    def median(self) -> float:
        return float(self.medians[self.best])

    @property
    def low(self) -> float:
        return float(np.min(self.losses))

    @property
    def high(self) -> float:
        return float(np.max(self.losses))

    @property
    def test_median(self) -> float:
        return float(np.median(self.test[self.best]))

    @property
    def median_seed(self) -> int:
        """Position (in ``seeds``) of the run whose final loss is the median one (odd seed counts;
        the lower middle one otherwise)."""
        return int(np.argsort(self.losses, kind="stable")[(len(self.seeds) - 1) // 2])

    @property
    def epochs_to_target(self) -> float:
        """Median over the seeds of the first epoch with loss <= ``target`` (inf: never)."""
        hits = [h.epochs_to(self.target) for h in self.histories]
        return float(np.median([np.inf if e is None else e for e in hits]))


@dataclass
class Grid:
    """A comparison: every start x activation cell on one dataset (see :func:`scheme_grid`)."""

    dataset: str
    sizes: tuple
    epochs: int
    lrs: tuple
    seeds: tuple
    target: float
    cells: list
    X: np.ndarray
    y: np.ndarray

    def cell(self, label: str, activation: str) -> Cell:
        for c in self.cells:
            if c.start.label == label and c.activation == activation:
                return c
        raise KeyError(f"no cell ({label!r}, {activation!r}) in this grid")

    @property
    def starts(self) -> list:
        return list(dict.fromkeys(c.start for c in self.cells))

    @property
    def activations(self) -> list:
        return list(dict.fromkeys(c.activation for c in self.cells))

    def format(self, starts=None) -> str:
        """The table: per start (all, or those of ``starts``) and activation, the median final
        loss [min-max over the seeds], the learning rate chosen and the median test accuracy.
        Losses have two significant digits (stable where single runs are chaotic)."""
        acts = self.activations
        labels = [st.label for st in (self.starts if starts is None else starts)]
        width = 32
        head = f"{'':<24}" + "".join(f"{a:^{width}}" for a in acts)
        sub = f"{'start':<24}" + "".join(
            f"{'loss [min-max]':>20} {'lr':>3} {'test':>5} " for _ in acts
        )
        lines = [head.rstrip(), sub.rstrip()]
        for label in labels:
            row = f"{label:<24}"
            for a in acts:
                c = self.cell(label, a)
                loss = f"{_g2(c.median)} [{_g2(c.low)}-{_g2(c.high)}]"
                row += f"{loss:>20} {c.lr:>3g} {c.test_median:>5.0%} "
            lines.append(row.rstrip())
        return "\n".join(lines)

    def describe(self) -> str:
        """One line: data, network, training and how the learning rate was chosen."""
        return (
            f"{self.dataset}, {'-'.join(map(str, self.sizes))} network, {self.epochs} epochs of "
            f"full-batch gradient descent, {len(self.seeds)} seeds per cell, each cell at the "
            f"learning rate of {', '.join(f'{lr:g}' for lr in self.lrs)} with the lowest median "
            f"final loss; loss: median [min-max] over the seeds, test: median test accuracy"
        )


def _g2(x: float) -> str:
    """Two significant digits; ``div.`` for a run that diverged."""
    return f"{x:.2g}" if np.isfinite(x) else "div."


# ------------------------------------------------------------------------------ the experiment


def scheme_grid(
    dataset: str = "spirals",
    starts=SCHEME_STARTS,
    *,
    activations=("tanh", "relu"),
    seeds=range(5),
    lrs=LR_GRID,
    epochs: int = 500,
    hidden=(16, 16),
    target: float = 0.1,
    data_seed: int = 0,
    progress=None,
) -> Grid:
    """Train every start with every activation, from every seed, at every learning rate.

    Data from :func:`helpers.lessons.comparison_data` (``dataset``, 300 points to train on, 100 to
    test, ``data_seed``); the network ``2-hidden-1`` with a sigmoid output; ``epochs`` full-batch
    steps. A start that draws no random number (zeros, a constant) is trained once and its run
    stands for every seed. ``progress(done, total)`` is called after each (activation, learning
    rate) pair.

    Returns
    -------
    Grid
    """
    seeds = tuple(_validate.positive_int(s, "seed", minimum=0) for s in seeds)
    if not seeds:
        raise ValueError("give at least one seed")
    lrs = tuple(sorted(_validate.real(lr, "lr", positive=True) for lr in lrs))
    sizes = (2, *[_validate.positive_int(h, "hidden width") for h in hidden], 1)
    X, X_test, y, y_test = comparison_data(dataset, seed=data_seed)
    runs = {}  # (label, activation) -> list over lrs of lists over seeds of (history, model, test)
    total = len(activations) * len(lrs)
    _report(progress, 0, total)
    for k, (act, lr) in enumerate((a, lr) for a in activations for lr in lrs):
        models, keys = [], []
        for st in starts:
            for s in seeds if st.random else seeds[:1]:
                models.append(st.build(sizes, act, s))
                keys.append(st)
        histories = train_restarts(models, X, y, epochs=epochs, lr=lr, record=())
        for st, m, h in zip(keys, models, histories):
            per_lr = runs.setdefault((st.label, act), [[] for _ in lrs])
            per_lr[lrs.index(lr)].append((h, m, m.accuracy(X_test, y_test)))
        _report(progress, k + 1, total)
    cells = [
        _cell(st, act, lrs, seeds, runs[(st.label, act)], target)
        for st in starts
        for act in activations
    ]
    return Grid(dataset, sizes, epochs, lrs, seeds, target, cells, X, y)


def _cell(start, activation, lrs, seeds, per_lr, target) -> Cell:
    """A :class:`Cell` from the runs of one start and activation (one run stands for all seeds
    when the start is not random)."""
    per_lr = [r * len(seeds) if len(r) == 1 else r for r in per_lr]
    diverged = np.array([[h.diverged for h, _, _ in r] for r in per_lr])
    final = np.array([[h.final_loss for h, _, _ in r] for r in per_lr])
    final = np.where(diverged, np.inf, final)
    test = np.array([[acc for _, _, acc in r] for r in per_lr])
    cell = Cell(start, activation, lrs, seeds, final, test, diverged, [], [], target)
    cell.histories = [h for h, _, _ in per_lr[cell.best]]
    cell.models = [m for _, m, _ in per_lr[cell.best]]
    return cell


def loss_band(cell: Cell) -> dict:
    """The loss curves of a cell at its learning rate: the median over the seeds and the min and
    max per epoch (a run that diverged counts as ``inf`` from then on).

    Returns
    -------
    dict
        ``median``, ``low``, ``high``: arrays of shape ``(epochs + 1,)``.
    """
    n = max(len(h.loss) for h in cell.histories)
    curves = np.full((len(cell.histories), n), np.inf)
    for i, h in enumerate(cell.histories):
        curves[i, : len(h.loss)] = h.loss
    return {
        "median": np.median(curves, axis=0),
        "low": np.min(curves, axis=0),
        "high": np.max(curves, axis=0),
    }


def first_layer_scales(starts=SCHEME_STARTS, sizes=(2, 16, 16, 1)) -> str:
    """Each start's weight standard deviation in every layer of ``sizes`` (exact, from the
    scheme's formula), as a table: where the schemes differ."""
    names = [f"W{l} ({a}x{b})" for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1)]
    lines = [f"{'weight std':<24}" + "".join(f"{n:>12}" for n in names)]
    for st in starts:
        lines.append(f"{st.label:<24}" + "".join(f"{s:>12.3f}" for s in st.layer_stds(sizes)))
    return "\n".join(lines)
