"""Several restarts of one network, trained as one stacked computation.

Networks that differ only in their seed have weights of the same shapes, so ``S`` of them can be
stacked along a leading axis, ``W_l`` ``(S, fan_in, fan_out)``, and every layer computed for all
of them by one ``np.matmul`` on 3-D arrays: one pass of numpy calls instead of ``S``, which is
what a small network's training time is made of. Each seed keeps its own numbers (the stack is a
loop over independent networks, not an average), its own magnitude guard and its own end: a seed
that diverges leaves the stack at that epoch and the others go on.
"""

from __future__ import annotations

import math
import time

import numpy as np

from . import _kernels, _validate, activations, guard, train

RESTART_RECORDS = ("grad_norm",)
"""The per-layer diagnostics :func:`train_restarts` can record (the others are NaN)."""


class _Stack:
    """The parameters of the networks still training, stacked: what ``_kernels`` expects."""

    def __init__(self, models, seeds):
        m = models[0]
        self.activation, self.output, self.n_layers = m.activation, m.output, m.n_layers
        self.seeds = list(seeds)
        self.weights = [
            np.stack([models[s].weights[i] for s in seeds]) for i in range(len(m.weights))
        ]
        self.biases = [
            np.stack([models[s].biases[i] for s in seeds])[:, None, :] for i in range(len(m.biases))
        ]
        self.ws = None

    def write_back(self, models) -> None:
        """Copy every stacked network's parameters into its model."""
        for j, s in enumerate(self.seeds):
            for i in range(self.n_layers):
                models[s].weights[i][...] = self.weights[i][j]
                models[s].biases[i][...] = self.biases[i][j, 0]

    def drop(self, models, gone) -> None:
        """Write back and remove the networks at stack positions ``gone``."""
        keep = [j for j in range(len(self.seeds)) if j not in gone]
        self.write_back(models)
        self.seeds = [self.seeds[j] for j in keep]
        self.weights = [W[keep] for W in self.weights]
        self.biases = [b[keep] for b in self.biases]
        self.ws = None


def _check_models(models) -> list:
    from .mlp import MLP

    if isinstance(models, MLP) or not hasattr(models, "__len__") or len(models) == 0:
        raise TypeError(f"models must be a non-empty list of MLP; got {models!r}")
    for i, m in enumerate(models):
        if not isinstance(m, MLP) or not guard.is_plain(m):
            raise TypeError(
                f"models[{i}] must be an MLP, a plain one (stacked restarts take no norm layers or "
                f"residual blocks; train such a model with helpers.train.train); got {m!r}"
            )
    first = models[0]
    for i, m in enumerate(models[1:], start=1):
        for attr in ("sizes", "activation", "output", "dtype"):
            if getattr(m, attr) != getattr(first, attr):
                raise ValueError(
                    f"every model must have the same {attr}: models[0] has "
                    f"{getattr(first, attr)!r}, models[{i}] has {getattr(m, attr)!r}"
                )
        if any(m is o for o in models[:i]):
            raise ValueError(f"models[{i}] appears twice in the list; give independent models")
    return list(models)


def _check_record(record) -> tuple:
    what = train.record_names(record)
    if set(what) - set(RESTART_RECORDS):
        raise ValueError(
            f"train_restarts records only {', '.join(RESTART_RECORDS)}; got record={record!r}"
        )
    return what


def _losses(stack, z, t) -> np.ndarray:
    """Mean loss of every stacked network from its logits ``z`` ``(S, n, k)``: shape ``(S,)``."""
    if stack.output == "sigmoid":
        z = z.astype(np.float64, copy=False)
        return np.mean(activations.softplus(z) - t * z, axis=(1, 2))
    if stack.output == "softmax":
        logp = activations.log_softmax(z.reshape(-1, z.shape[-1])).reshape(z.shape)
        return -np.mean(logp[:, np.arange(z.shape[1]), t], axis=1)
    r = z - t
    return 0.5 * np.mean(np.sum(r * r, axis=2), axis=1)


def _accuracies(stack, z, t) -> np.ndarray:
    if stack.output == "sigmoid":
        return np.mean((z[:, :, 0] >= 0) == (t[:, 0] >= 0.5), axis=1)
    if stack.output == "softmax":
        return np.mean(np.argmax(z, axis=2) == t, axis=1)
    return np.full(z.shape[0], np.nan)


def _norms(stack, grads) -> np.ndarray:
    """Frobenius norm of every network's ``dW_l``, rescaled as ``diagnostics.norm``: ``(S, L)``."""
    out = np.empty((grads[0].shape[0], len(grads)))
    for l, g in enumerate(grads):
        m = np.max(np.abs(g), axis=(1, 2))
        safe = np.where(m > 0, m, 1.0)
        u = g / safe[:, None, None]
        out[:, l] = m * np.sqrt(np.mean(u * u, axis=(1, 2))) * math.sqrt(g[0].size)
    return out


def _refused(stack, guards, shared, dW, db, lr) -> list[int]:
    """Stack positions whose next step the guard refuses.

    First one check for all: the bounds with the largest norm of each layer over the stack; only
    if that cannot prove every step safe is each network checked on its own.
    """
    N = [math.sqrt(float(np.max(np.einsum("sij,sij->s", W, W)))) for W in stack.weights]
    B = [math.sqrt(float(np.max(np.einsum("sij,sij->s", b, b)))) for b in stack.biases]
    if shared.check_step_bounds(N, B, lr):
        return []
    bad = []
    for j, s in enumerate(stack.seeds):
        W = [w[j] for w in stack.weights]
        b = [v[j, 0] for v in stack.biases]
        guards[s].forget()  # its parameters moved with the stack since it last checked
        if not guards[s].check_step(W, b, [g[j] for g in dW], [g[j, 0] for g in db], lr):
            bad.append(j)
    return bad


def train_restarts(
    models, X, y, *, epochs: int, lr: float, callback=None, record=RESTART_RECORDS
) -> list:
    """Train several networks that differ only in seed, full-batch, as one stacked computation.

    Parameters
    ----------
    models : list of helpers.mlp.MLP
        Networks with the same ``sizes``, ``activation``, ``output`` and ``dtype`` (typically
        ``[MLP(..., seed=s) for s in seeds]``). Trained in place: afterwards each holds its own
        trained parameters, as after ``train(model, X, y, epochs=epochs, lr=lr)``.
    X : array_like, shape (n, sizes[0])
    y : array_like
        Targets for the models' output (see ``MLP.check_targets``).
    epochs : int
        Full-batch gradient-descent steps (0 records the initial states only).
    lr : float
        Learning rate (> 0).
    callback : callable, optional
        ``callback(epoch, losses)`` after every epoch, ``losses`` an array of shape ``(S,)``
        with the loss of every network (NaN for one that has diverged); return ``False`` to stop
        every network (progress reports, a stop button).
    record : sequence of str, default ("grad_norm",)
        Per-layer diagnostics to record: ``("grad_norm",)`` or ``()``.

    Returns
    -------
    list of helpers.train.History
        One per model, in order, as :func:`helpers.train.train` would return (``loss``,
        ``accuracy``, ``grad_norm``; the other diagnostics NaN). The numbers equal those of
        separate ``train`` runs up to rounding (about 1e-15 relative). A network that diverges
        stops there (``diverged``, ``diverged_at``) without affecting the others.

    See :class:`RestartRun` for the same training in slices (a progress bar, a stop button, a
    kernel that stays responsive).
    """
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, losses); got {callback!r}")
    run = RestartRun(models, X, y, epochs=epochs, lr=lr, record=record)
    try:
        while not run.done:
            losses = run.advance(epochs=1)
            if callback is not None and callback(run.epoch, losses) is False:
                run.stop()
    except KeyboardInterrupt:
        run.stop()
    return run.histories()


class RestartRun:
    """:func:`train_restarts` in slices: ``advance`` trains on, ``histories`` says how far.

    ``run = RestartRun(models, X, y, epochs=300, lr=0.5)``, then ``run.advance(seconds=0.05)``
    until ``run.done``; in between, ``run.histories()`` are the runs so far (the models hold
    their parameters at ``run.epoch``) and ``run.stop()`` ends them there (``stopped``). Slices
    compute exactly what one call computes: the numbers do not depend on how they are cut.
    """

    def __init__(self, models, X, y, *, epochs: int, lr: float, record=RESTART_RECORDS):
        models = _check_models(models)
        what = _check_record(record)
        first = models[0]
        X = first.as_input(_validate.matrix(X, "X", n_cols=first.sizes[0]))
        t = first.check_targets(y, X.shape[0])
        self.epochs = _validate.positive_int(epochs, "epochs", minimum=0)
        self.lr = _validate.real(lr, "lr (learning rate)", positive=True)
        self._runs = _Runs(models, X, t, what, self.epochs)
        self.epoch = -1  # the last epoch whose records exist (-1: none yet)
        self.stopped = False
        self.seconds = 0.0  # time spent training

    @property
    def done(self) -> bool:
        """Every epoch ran, or the run was stopped, or every network diverged."""
        stack = self._runs.stack
        return self.stopped or self.epoch >= self.epochs or stack is None or not stack.seeds

    def advance(self, *, epochs: int | None = None, seconds: float | None = None):
        """Train up to ``epochs`` more epochs, or for about ``seconds`` (at least one epoch),
        or to the end; returns the losses of the last epoch, shape ``(S,)`` (NaN: diverged)."""
        runs, start = self._runs, time.perf_counter()
        losses = np.full(len(runs.models), np.nan)
        done = 0
        while not self.done:
            if self.epoch >= 0:  # the step from the last recorded epoch
                runs.step(self.epoch, self._grads, self.lr)
            if runs.stack is None or not runs.stack.seeds:
                break
            self.epoch += 1
            self._grads, losses = runs.record(self.epoch)
            done += 1
            if (epochs is not None and done >= epochs) or (
                seconds is not None and time.perf_counter() - start >= seconds
            ):
                break
        self.seconds += time.perf_counter() - start
        return losses

    def stop(self) -> None:
        """End every network at the current epoch (its histories say ``stopped``)."""
        self.stopped = self.stopped or self.epoch < self.epochs

    def histories(self) -> list:
        """One :class:`helpers.train.History` per model for the epochs run so far; the models
        hold the parameters of that point."""
        runs = self._runs
        if runs.stack is not None:
            runs.stack.write_back(runs.models)
        return [
            train.history_from_columns(
                runs.columns(s),
                int(runs.count[s]),
                runs.models[0].n_layers,
                val=False,
                lr=self.lr,
                seconds=self.seconds,
                diverged=runs.diverged_at[s] is not None,
                diverged_at=runs.diverged_at[s],
                stopped=self.stopped,
            )
            for s in range(len(runs.models))
        ]


class _Runs:
    """The state of a :class:`RestartRun`: the stack, the guards and the records."""

    def __init__(self, models, X, t, what, epochs):
        self.models, self.X, self.t, self.what = models, X, t, what
        self.guards = [guard.Guard(m, X, t) for m in models]
        self.shared = guard.Guard(models[0], X, t)  # for checks of the whole stack at once
        S, L = len(models), models[0].n_layers
        self.loss, self.accuracy = np.empty((S, epochs + 1)), np.empty((S, epochs + 1))
        self.grad_norm = np.empty((S, epochs + 1, L)) if "grad_norm" in what else None
        self.count = np.zeros(S, dtype=int)  # epochs recorded per network
        self.diverged_at: list = [None] * len(models)
        alive = []
        for s, m in enumerate(models):
            if self.guards[s].check_state(m.weights, m.biases):
                alive.append(s)
            else:
                self.diverged_at[s] = 0
        self.stack = _Stack(models, alive) if alive else None

    def columns(self, s) -> dict:
        """What network ``s`` recorded, as :func:`train.history_from_columns` takes it."""
        k = self.count[s]
        out = {"loss": self.loss[s, :k], "accuracy": self.accuracy[s, :k]}
        if self.grad_norm is not None:
            out["grad_norm"] = self.grad_norm[s, :k]
        return out

    def record(self, epoch):
        """Forward, loss, backward and the records of every network still training; returns
        the gradients and the losses."""
        stack, X, t = self.stack, self.X, self.t
        lean = _kernels.can_overwrite(stack.activation)  # A over Z, delta over dA: less memory
        if stack.ws is None:
            sizes, dtype = self.models[0].sizes, self.models[0].dtype
            lead = (len(stack.seeds),)
            stack.ws = _kernels.Workspace(X.shape[0], sizes, dtype, lead=lead, overwrite=lean)
        pre, post = _kernels.forward(stack, X, stack.ws, overwrite=lean)
        dZ = _kernels.output_delta(stack, post[-1], t, stack.ws)
        dW, db, _, _ = _kernels.backward(stack, post, pre, dZ, False, stack.ws, overwrite=lean)
        seeds = np.array(stack.seeds)
        loss = _losses(stack, pre[-1], t)
        self.loss[seeds, epoch] = loss
        self.accuracy[seeds, epoch] = _accuracies(stack, pre[-1], t)
        if self.grad_norm is not None:
            self.grad_norm[seeds, epoch] = _norms(stack, dW)
        self.count[seeds] = epoch + 1
        losses = np.full(len(self.models), np.nan)
        losses[seeds] = loss
        return (dW, db), losses

    def step(self, epoch, grads, lr) -> None:
        """The gradient step after ``epoch`` for every network the guard lets take it."""
        stack, (dW, db) = self.stack, grads
        bad = _refused(stack, self.guards, self.shared, dW, db, lr)
        if bad:
            for j in bad:
                self.diverged_at[stack.seeds[j]] = epoch + 1
            keep = [j for j in range(len(stack.seeds)) if j not in bad]
            dW = [g[keep] for g in dW]
            db = [g[keep] for g in db]
            stack.drop(self.models, bad)
        for W, b, gW, gb in zip(stack.weights, stack.biases, dW, db):
            W -= lr * gW
            b -= lr * gb
