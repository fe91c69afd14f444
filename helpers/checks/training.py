"""Notebook 05: feedback for the exercise on keeping the best of several random restarts.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import data as _data
from .. import lessons
from ..mlp import MLP as _MLP
from ._answers import as_array, short
from ._student import _answer

# ---------------------------------------------------------------------------- 05 training compared


def _read_keep_best(result, n_seeds: int):
    """``(best_model, final_losses)`` from what keep_best returned, or None (after saying why)."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        print(
            f"keep_best returned {short(result)}; it should return two things: "
            "(best_model, final_losses)."
        )
        return None
    best, losses = result
    losses = as_array(losses, "final_losses")
    if losses is None:
        return None
    if losses.size != n_seeds or losses.ndim > 1 and max(losses.shape) != losses.size:
        print(f"final_losses should hold one loss per seed ({n_seeds}); got {losses.shape}.")
        return None
    if not isinstance(best, _MLP) or best.sizes != [2, 3, 1] or best.output != "sigmoid":
        print(
            f"best_model should be one of the trained MLP([2, 3, 1]) networks that make_model "
            f"builds; got {short(best)}."
        )
        return None
    return best, losses.ravel()


def check_keep_best(keep_best) -> bool:
    """Exercise of notebook 05: ``keep_best(make_model, X, y, seeds, *, epochs, lr)`` trains
    ``make_model(seed)`` for each seed (full-batch, :func:`helpers.train.train`) and returns
    ``(best_model, final_losses)``: the trained model with the lowest final loss and the list of
    every run's final loss, in the order of ``seeds``.

    The check runs it on six seeds of a ``2-3-1`` ReLU network on circles (the restart sweep of
    the notebook, shortened) and compares with its own runs (relative tolerance 1e-9: the same
    computation gives the same numbers up to rounding).
    """
    seeds = [0, 1, 2, 3, 4, 5]
    X, y = _data.make_circles(300, noise=0.05, factor=0.5, rng=np.random.default_rng(0))

    def make_model(seed):
        return _MLP([2, 3, 1], activation="relu", init="he_normal", seed=seed)

    ok, result = _answer(keep_best, make_model, X, y, seeds, what="keep_best", epochs=300, lr=0.3)
    if not ok:
        return False
    read = _read_keep_best(result, len(seeds))
    if read is None:
        return False
    best, losses = read
    reference = lessons.restart_sweep(seeds, epochs=300, lr=0.3, data_seed=0)
    if not np.allclose(losses, reference.final_loss, rtol=1e-9, atol=1e-12):
        print(
            "Your final losses differ from a plain run of train(make_model(seed), X, y, "
            "epochs=epochs, lr=lr) for each seed: train each model once, from its own seed, "
            "and record history.final_loss."
        )
        return False
    try:
        got = best.loss(X, y)
    except (TypeError, ValueError) as exc:  # a model whose parameters were replaced badly
        print(f"best_model cannot compute its loss on the data: {exc}")
        return False
    if not np.isclose(got, reference.final_loss.min(), rtol=1e-9, atol=1e-12):
        print(
            f"best_model has loss {got:.4f} on the data, but the lowest final loss is "
            f"{reference.final_loss.min():.4f}: keep the model of the best run (after training)."
        )
        return False
    print(
        f"Correct: over {len(seeds)} seeds the final losses range from {losses.min():.3f} to "
        f"{losses.max():.3f}; keep_best returns the run with {losses.min():.3f}."
    )
    return True
