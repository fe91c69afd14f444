"""Gradient descent with a per-epoch record of what the initialisation is doing to each layer.

:func:`train` runs full-batch (``batch_size=None``) or minibatch gradient descent and returns a
:class:`History`. Row ``k`` of every array in the history describes the network *after* ``k``
epochs, so row 0 is the initialisation itself and a run of ``epochs`` epochs has ``epochs + 1``
rows (fewer if it diverged or was stopped).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import _validate, diagnostics, guard
from . import dropout as dropout_
from ._structs import check_model

LAYER_RECORDS = ("grad_norm", "act_std", "saturated", "dead", "spread")
"""The per-layer diagnostics :func:`train` can record (its ``record`` argument)."""


@dataclass
class History:
    """What happened during training.

    Attributes
    ----------
    loss, accuracy : ndarray, shape (k + 1,)
        Loss and accuracy on the training data after 0..k epochs (accuracy is nan for a linear
        output).
    val_loss, val_accuracy : ndarray or None
        The same on ``(X_val, y_val)`` when given.
    grad_norm : ndarray, shape (k + 1, L)
        Frobenius norm of ``dLoss/dW_l`` on the full training set, per layer.
    act_std : ndarray, shape (k + 1, L - 1)
        Standard deviation of each hidden layer's activations.
    saturated : ndarray, shape (k + 1, L - 1)
        Fraction of each hidden layer's units in the flat tails (sigmoid/tanh; 0 otherwise).
    dead : ndarray, shape (k + 1, L - 1)
        Fraction of each hidden layer's units that are 0 on every sample (ReLU; 0 otherwise).
    spread : ndarray, shape (k + 1, L - 1)
        Unit spread of each hidden layer: the largest distance between two units' incoming weight
        vectors; exactly 0.0 while the units are symmetric.
    epochs : int
        Epochs completed (``len(loss) - 1``).
    diverged : bool
        True when the run was about to leave the range of floating-point numbers (see
        :mod:`helpers.guard`): training stopped before the step that would have overflowed, the
        model keeps its last state, and ``diverged_at`` is the first epoch not recorded
        (0 if the initial network itself was out of range; then no row is recorded).
    stopped : bool
        True when the callback asked to stop or the run was interrupted (Ctrl-C / the stop button).
    """

    loss: np.ndarray
    accuracy: np.ndarray
    grad_norm: np.ndarray
    act_std: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    spread: np.ndarray
    val_loss: np.ndarray | None = None
    val_accuracy: np.ndarray | None = None
    diverged: bool = False
    diverged_at: int | None = None
    stopped: bool = False
    lr: float = 0.0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        """Epochs completed: ``len(loss) - 1`` (0 for a run that diverged before its first row)."""
        return max(len(self.loss) - 1, 0)

    @property
    def final_loss(self) -> float:
        """The last recorded loss; nan if no row was recorded (diverged at epoch 0)."""
        return float(self.loss[-1]) if len(self.loss) else float("nan")

    @property
    def final_accuracy(self) -> float:
        """The last recorded accuracy; nan if no row was recorded."""
        return float(self.accuracy[-1]) if len(self.accuracy) else float("nan")

    def epochs_to(self, target_loss: float) -> int | None:
        """First epoch whose loss is at most ``target_loss``, or None if never reached."""
        hits = np.nonzero(self.loss <= target_loss)[0]
        return int(hits[0]) if hits.size else None

    def summary(self) -> str:
        """One line: epochs, final loss and accuracy, and how the run ended."""
        end = "diverged" if self.diverged else ("stopped" if self.stopped else "finished")
        return (
            f"{self.epochs} epochs, loss {self.final_loss:.4f}, "
            f"accuracy {self.final_accuracy:.1%} ({end})"
        )


def record_names(record=None, record_layers: bool = True) -> tuple[str, ...]:
    """The per-layer diagnostics to record, checked: a subset of :data:`LAYER_RECORDS`.

    ``record=None`` means all of them (or none with ``record_layers=False``); a string or a
    sequence of names picks some, in any order.
    """
    if not isinstance(record_layers, bool):
        raise TypeError(f"record_layers must be True or False; got {record_layers!r}")
    if record is None:
        return LAYER_RECORDS if record_layers else ()
    if not record_layers:
        raise ValueError("give either record=... or record_layers=False, not both")
    if isinstance(record, str):
        record = (record,)
    try:
        names = [_validate.choice(r, LAYER_RECORDS, "record entry") for r in record]
    except TypeError as exc:
        if not hasattr(record, "__iter__"):
            raise TypeError(
                f"record must be a name or a sequence of names from {', '.join(LAYER_RECORDS)}; "
                f"got {record!r}"
            ) from exc
        raise
    return tuple(r for r in LAYER_RECORDS if r in names)


def layer_row(model, cache, grads, what) -> dict:
    """The per-layer diagnostics ``what`` of one epoch: name -> list of per-layer values."""
    hidden, row = range(1, model.n_layers), {}
    if "saturated" in what or "dead" in what:
        acts = {l: model.layer_activation(l) for l in hidden}
    if "grad_norm" in what:
        row["grad_norm"] = [diagnostics.norm(g) for g in grads.dW]
    if "act_std" in what:
        row["act_std"] = [diagnostics.std(cache.post[l]) for l in hidden]
    if "saturated" in what:
        row["saturated"] = [diagnostics.saturated_fraction(cache.pre[l], acts[l]) for l in hidden]
    if "dead" in what:
        row["dead"] = [
            diagnostics.dead_fraction(cache.pre[l]) if acts[l] == "relu" else 0.0 for l in hidden
        ]
    if "spread" in what:
        row["spread"] = [diagnostics.unit_spread(model.weights[l - 1]) for l in hidden]
    return row


def make_history(rows: list, L: int, *, val: bool, **flags) -> History:
    """A :class:`History` from the complete rows of a run (each a dict of one epoch's values).

    Diagnostics that no row holds are filled with NaN, with the documented shapes.
    """
    keys = rows[0].keys() if rows else ()
    columns = {key: np.array([r[key] for r in rows], dtype=np.float64) for key in keys}
    return history_from_columns(columns, len(rows), L, val=val, **flags)


def history_from_columns(columns: dict, k: int, L: int, *, val: bool, **flags) -> History:
    """A :class:`History` of ``k`` epochs from arrays of the recorded values (``loss`` and
    ``accuracy`` ``(k,)``, per-layer diagnostics ``(k, width)``); the others are NaN."""

    def arr(key, width):
        if key in columns:
            return np.asarray(columns[key], dtype=np.float64).reshape(k, width)
        return np.full((k, width), np.nan)

    def col(key):
        return np.asarray(columns[key], dtype=np.float64).reshape(k) if k else np.empty(0)

    return History(
        loss=col("loss"),
        accuracy=col("accuracy"),
        grad_norm=arr("grad_norm", L),
        act_std=arr("act_std", L - 1),
        saturated=arr("saturated", L - 1),
        dead=arr("dead", L - 1),
        spread=arr("spread", L - 1),
        val_loss=col("val_loss") if val else None,
        val_accuracy=col("val_accuracy") if val else None,
        **flags,
    )


def _dropout(model, rate, seed: int):
    """``(rate, generator of the masks)`` for :func:`train`, or None without dropout. The masks
    come from their own stream: the shuffle is the same with and without dropout."""
    rate = dropout_.check_rate(rate)
    if rate == 0.0:
        return None
    if not guard.is_plain(model):
        raise ValueError(
            f"dropout in train() is for the plain MLP; got a {type(model).__name__} "
            f"(norm={getattr(model, 'norm', None)!r}): use dropout=0.0"
        )
    return rate, np.random.default_rng([int(seed), 1])


def train(model, X, y, *, epochs: int, lr: float, batch_size: int | None = None, seed: int = 0,
          callback=None, X_val=None, y_val=None, record_layers: bool = True, record=None,
          dropout: float = 0.0) -> History:  # fmt: skip
    """Train ``model`` in place with plain gradient descent and record per-epoch diagnostics.

    Parameters
    ----------
    model : helpers.mlp.MLP
    X : array_like, shape (n, sizes[0])
    y : array_like
        Targets for ``model.output`` (see ``MLP.check_targets``).
    epochs : int
        Number of passes over the data (0 records the initial state only).
    lr : float
        Learning rate (> 0).
    batch_size : int or None
        None for full-batch gradient descent (one step per epoch); otherwise minibatches of this
        size, shuffled each epoch with a generator seeded by ``seed``.
    seed : int
        Seed for the minibatch order.
    callback : callable, optional
        ``callback(epoch, loss)`` after each recorded epoch; return ``False`` to stop early.
    X_val, y_val : array_like, optional
        Held-out data whose loss and accuracy are recorded too.
    record_layers : bool, default True
        False skips the per-layer diagnostics (``grad_norm``, ``act_std``, ``saturated``,
        ``dead``, ``spread`` are then NaN): about three times faster, for long runs and sweeps.
    record : str or sequence of str, optional
        Record only these per-layer diagnostics (from :data:`LAYER_RECORDS`, e.g.
        ``record=("spread",)``), the others NaN; default all. Nothing else depends on it.
    dropout : float, default 0.0
        Probability of dropping each hidden unit's output in every training step (inverted
        dropout, :mod:`helpers.dropout`), with masks drawn from a generator seeded by ``seed``
        (separate from the shuffle). 0 trains without dropout. The recorded loss, accuracy and
        diagnostics are those of the whole network, without dropout (evaluation mode).

    Returns
    -------
    History

    A run that is about to overflow (a learning rate or weight scale too large) ends quietly
    before the step that would overflow, with ``history.diverged = True`` (see
    :mod:`helpers.guard`); no floating-point warning is raised at any setting.
    """
    what = record_names(record, record_layers)
    X, t, epochs, lr, batch_size, rng, val = _check_run(
        model, X, y, epochs, lr, batch_size, seed, callback, X_val, y_val
    )
    drop = _dropout(model, dropout, seed)
    if drop is not None:
        batch_size = batch_size or X.shape[0]
    g = guard.for_model(model, X, t, [val] if val else [])
    start, rows = time.perf_counter(), []
    flags = _loop(model, X, t, epochs, lr, (batch_size, drop), rng, callback, val, what, g, rows)
    seconds = time.perf_counter() - start
    return make_history(rows, model.n_layers, val=val is not None, lr=lr, seconds=seconds, **flags)


def _check_run(model, X, y, epochs, lr, batch_size, seed, callback, X_val, y_val):
    """:func:`train`'s arguments, checked: ``(X, t, epochs, lr, batch_size, rng, val)``, the
    inputs in the model's dtype."""
    check_model(model)
    X = _validate.matrix(X, "X", n_cols=model.sizes[0])
    t = model.check_targets(y, X.shape[0])
    epochs = _validate.positive_int(epochs, "epochs", minimum=0)
    lr = _validate.real(lr, "lr (learning rate)", positive=True)
    if batch_size is not None:
        batch_size = _validate.positive_int(batch_size, "batch_size")
    rng = np.random.default_rng(_validate.positive_int(seed, "seed", minimum=0))
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, loss); got {callback!r}")
    val = None
    if X_val is not None or y_val is not None:
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        X_val = _validate.matrix(X_val, "X_val", n_cols=model.sizes[0])
        val = (model.as_input(X_val), model.check_targets(y_val, X_val.shape[0]))
    if batch_size is not None and batch_size >= X.shape[0]:
        batch_size = None
    return model.as_input(X), t, epochs, lr, batch_size, rng, val


def _loop(model, X, t, epochs, lr, steps, rng, callback, val, what, g, rows) -> dict:
    """The epochs of :func:`train`: appends one complete row per epoch to ``rows``.

    ``steps = (batch_size, drop)``: ``drop`` is None or ``(p, mask_rng)`` for dropout.
    """
    (batch_size, drop), diverged_at, stopped = steps, None, False
    n, probing = X.shape[0], isinstance(g, guard.ProbeGuard)
    try:
        if not g.check_state(model.weights, model.biases):
            diverged_at = 0
        for epoch in range(epochs + 1 if diverged_at is None else 0):
            kept = g.reuse() if probing else None  # the probe's pass of this very state
            if kept is None:
                _, cache = model._forward(X, reuse=True)
                loss = model._loss(cache, t)
                grads = model._backward(cache, t, input_grad=False, reuse=True)
            else:
                cache, loss, grads = kept
            row = {"loss": loss, "accuracy": model._accuracy(cache, t)}
            row.update(layer_row(model, cache, grads, what))
            if val is not None:
                _, vcache = model._forward(val[0])
                row["val_loss"] = model._loss(vcache, val[1])
                row["val_accuracy"] = model._accuracy(vcache, val[1])
            rows.append(row)
            if callback is not None and callback(epoch, loss) is False:
                stopped = epoch < epochs
                break
            if epoch == epochs:
                break
            if batch_size is None:
                if not g.check_grads(grads, lr):
                    diverged_at = epoch + 1
                    break
                model._step(grads, lr)
            else:
                order = _order(rng, n, batch_size)
                if not _minibatch_epoch(model, X, t, batch_size, order, lr, g, drop):
                    diverged_at = epoch + 1
                    break
    except KeyboardInterrupt:
        stopped = True
    finally:
        model.release_buffers()  # a large data set's work arrays are not kept after the run
    return {"diverged": diverged_at is not None, "diverged_at": diverged_at, "stopped": stopped}


def _order(rng, n: int, batch_size: int) -> np.ndarray:
    """This epoch's sample order: a fresh permutation, or 0..n-1 for one full batch."""
    return np.arange(n) if batch_size >= n else rng.permutation(n)


def _minibatch_epoch(model, X, t, batch_size, order, lr, g, drop=None) -> bool:
    """One epoch of minibatch steps in the given sample order; False if a step was refused.

    ``drop = (p, mask_rng)`` applies inverted dropout with fresh masks at every step.
    """
    for i in range(0, X.shape[0], batch_size):
        idx = order[i : i + batch_size]
        if drop is None:
            _, bcache = model._forward(X[idx])
            grads = model._backward(bcache, t[idx], input_grad=False)
        else:
            masks = dropout_.draw_masks(model, len(idx), drop[0], rng=drop[1])
            _, bcache = dropout_.forward(model, X[idx], masks)
            grads = dropout_.backward(model, bcache, t[idx])
        if not g.check_grads(grads, lr):
            return False
        model._step(grads, lr)
    return True
