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

from . import _validate, diagnostics


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
        True when the loss or a parameter stopped being finite; training stopped there and
        ``diverged_at`` is the epoch at which it was seen.
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
        return len(self.loss) - 1

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    @property
    def final_accuracy(self) -> float:
        return float(self.accuracy[-1])

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


def _finite(*arrays) -> bool:
    return all(np.all(np.isfinite(a)) for a in arrays)


def train(
    model,
    X,
    y,
    *,
    epochs: int,
    lr: float,
    batch_size: int | None = None,
    seed: int = 0,
    callback=None,
    X_val=None,
    y_val=None,
    record_layers: bool = True,
) -> History:
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
        ``dead``, ``spread`` are then filled with NaN) and records only the loss and accuracy:
        about three times faster, for long runs and sweeps over many seeds.

    Returns
    -------
    History

    Divergence (an overflowing loss or parameters) ends the run quietly with
    ``history.diverged = True``; numpy's overflow warnings are silenced inside the loop because
    they are reported this way instead.
    """
    X = _validate.matrix(X, "X", n_cols=model.sizes[0])
    t = model.check_targets(y, X.shape[0])
    epochs = _validate.positive_int(epochs, "epochs", minimum=0)
    lr = _validate.real(lr, "lr (learning rate)", positive=True)
    if batch_size is not None:
        batch_size = _validate.positive_int(batch_size, "batch_size")
    rng = np.random.default_rng(_validate.positive_int(seed, "seed", minimum=0))
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, loss); got {callback!r}")
    has_val = X_val is not None or y_val is not None
    if has_val:
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        X_val = _validate.matrix(X_val, "X_val", n_cols=model.sizes[0])
        t_val = model.check_targets(y_val, X_val.shape[0])

    hidden = range(1, model.n_layers)
    rec: dict[str, list] = {
        k: [] for k in ("loss", "acc", "g", "std", "sat", "dead", "spr", "vl", "va")
    }
    diverged_at = None
    stopped = False
    start = time.perf_counter()
    n = X.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        try:
            for epoch in range(epochs + 1):
                _, cache = model._forward(X)
                loss = model._loss(cache, t)
                grads = model._backward(cache, t, input_grad=False)
                if not (np.isfinite(loss) and _finite(*grads.dW, *grads.db)):
                    diverged_at = epoch
                    break
                rec["loss"].append(loss)
                rec["acc"].append(model._accuracy(cache, t))
                if record_layers:
                    act = model.activation
                    rec["g"].append([diagnostics.norm(g) for g in grads.dW])
                    rec["std"].append([diagnostics.std(cache.post[l]) for l in hidden])
                    rec["sat"].append(
                        [diagnostics.saturated_fraction(cache.pre[l], act) for l in hidden]
                    )
                    rec["dead"].append(
                        [
                            diagnostics.dead_fraction(cache.pre[l]) if act == "relu" else 0.0
                            for l in hidden
                        ]
                    )
                    rec["spr"].append(
                        [diagnostics.unit_spread(model.weights[l - 1]) for l in hidden]
                    )
                if has_val:
                    _, vcache = model._forward(X_val)
                    rec["vl"].append(model._loss(vcache, t_val))
                    rec["va"].append(model._accuracy(vcache, t_val))
                if callback is not None and callback(epoch, loss) is False:
                    stopped = epoch < epochs
                    break
                if epoch == epochs:
                    break
                if batch_size is None or batch_size >= n:
                    model.step(grads, lr)
                else:
                    order = rng.permutation(n)
                    for i in range(0, n, batch_size):
                        idx = order[i : i + batch_size]
                        _, bcache = model._forward(X[idx])
                        model.step(model._backward(bcache, t[idx], input_grad=False), lr)
                if not _finite(*model.weights, *model.biases):
                    diverged_at = epoch + 1
                    break
        except KeyboardInterrupt:
            stopped = True

    # An interrupt (Ctrl-C, the stop button) can land between two appends of one row: keep the
    # rows that are complete, so that every array of the History has the same length.
    keys = ["loss", "acc"] + (["g", "std", "sat", "dead", "spr"] if record_layers else [])
    keys += ["vl", "va"] if has_val else []
    rows = min(len(rec[k]) for k in keys)
    for k in keys:
        del rec[k][rows:]

    L = model.n_layers

    def arr(key, width):
        if not record_layers:
            return np.full((len(rec["loss"]), width), np.nan)
        return np.array(rec[key], dtype=np.float64).reshape(len(rec["loss"]), width)

    return History(
        loss=np.array(rec["loss"]),
        accuracy=np.array(rec["acc"]),
        grad_norm=arr("g", L),
        act_std=arr("std", L - 1),
        saturated=arr("sat", L - 1),
        dead=arr("dead", L - 1),
        spread=arr("spr", L - 1),
        val_loss=np.array(rec["vl"]) if has_val else None,
        val_accuracy=np.array(rec["va"]) if has_val else None,
        diverged=diverged_at is not None,
        diverged_at=diverged_at,
        stopped=stopped,
        lr=lr,
        seconds=time.perf_counter() - start,
    )
