"""A magnitude guard for gradient descent: stop a diverging run *before* anything overflows.

Every number a training step computes is bounded, before it is computed, by products of a few
norms. For rows ``a`` of ``A_{l-1}`` and the layer's ``W_l, b_l`` (``||.||`` Euclidean/Frobenius):

- forward: ``||a @ W_l + b_l|| <= ||a|| ||W_l|| + ||b_l||``; sigmoid and tanh units then give rows
  of norm at most ``sqrt(width)``, ReLU, leaky ReLU and linear units at most their input's;
- loss: ``|softplus(z) - y z| <= 2 |z|``, the residual of a linear output at most
  ``||z|| + ||y||``;
- backward: the rows of ``dZ_L`` have norm at most ``1/n`` (sigmoid), ``sqrt(2)/n`` (softmax)
  or ``(||z|| + ||y||)/n`` (linear); ``||dA_{l-1} row|| <= ||dZ_l row|| ||W_l||``, times at most
  the largest slope of the activation for ``dZ_{l-1}``; ``||dW_l|| <= n rho_{l-1} delta_l``,
  ``||db_l|| <= n delta_l``;
- step: ``||W_l - lr dW_l|| <= ||W_l|| + lr ||dW_l||``.

Every partial sum of a matrix product is bounded the same way (Cauchy-Schwarz). If all these
bounds stay below :func:`limit` (about ``sqrt(float max) / 16 / sqrt(n width)``), no product,
sum, square or mean of the step, the loss or the per-layer diagnostics can overflow. A step
whose *next* state would break a bound is not taken: the run ends as diverged with the model in
its last state, on which ``forward``, ``loss`` and ``predict_proba`` are quiet.

The check only reads, so it changes no number of a run it lets through. It is tiered, cheapest
first: (1) scalar arithmetic on the bounds kept from the previous accepted step; (2) the exact
norms of the parameters (one dot product per array); (3) the exact norms of the gradients;
(4) where norms cannot see what the network does (dead ReLU units, saturated tanh units), the
next state itself, checked layer by layer on the data: before each matrix product its partial
sums are bounded by the actual row norms, and after it the actual values must be within the
limit. Only when (4) fails is the run called diverged.
"""

from __future__ import annotations

import math

import numpy as np

from . import _kernels, activations


def limit(dtype, n: int, widths) -> float:
    """Largest magnitude the guard allows for a run on ``n`` samples with these layer widths.

    Squares of numbers this size, summed over ``n * width`` or ``width**2`` entries, stay 256
    times below the largest finite number of ``dtype``.
    """
    big = float(np.finfo(dtype).max)
    w = max(widths)
    return math.sqrt(big) / 16.0 / math.sqrt(max(n, w) * w)


def _robust_norm(a) -> float:
    """Frobenius norm of any finite array, without overflow (an upper bound for huge entries)."""
    a = np.asarray(a)
    if a.size == 0:
        return 0.0
    m = float(np.max(np.abs(a)))
    if not math.isfinite(m):
        return math.inf
    if m == 0.0 or m < 1e100:
        v = a.ravel().astype(np.float64, copy=False)
        return math.sqrt(float(np.dot(v, v)))
    return m * math.sqrt(a.size)


def _norm(a) -> float:
    """Frobenius norm of an array whose entries the guard has already bounded."""
    v = a.ravel()
    return math.sqrt(float(np.dot(v, v)))


def max_row_norm(A) -> float:
    """Largest Euclidean norm of a row of ``A`` (shape ``(n, d)``), without overflow."""
    A = np.asarray(A, dtype=np.float64)
    m = float(np.max(np.abs(A))) if A.size else 0.0
    if m == 0.0 or not math.isfinite(m):
        return m
    U = A / m
    return m * math.sqrt(float(np.max(np.einsum("ij,ij->i", U, U))))


class Guard:
    """The bounds of one model on one data set (see the module docstring).

    Parameters
    ----------
    model : helpers.mlp.MLP
    X : ndarray, shape (n, sizes[0])
        The training inputs, in the model's dtype.
    t : ndarray
        The checked targets (``model.check_targets``).
    others : list of (ndarray, ndarray)
        Further inputs and targets the run evaluates the model on (validation data): forward
        passes and losses only.
    """

    def __init__(self, model, X, t, others=()):
        self.model = model
        self.sizes = list(model.sizes)
        self.output = model.output
        act = model.activation
        self.bound = activations.OUTPUT_BOUND.get(act)  # None: |f(z)| <= |z|
        self.slope = activations.MAX_SLOPE[act]
        self.X, self.t, self.others = X, t, [A for A, _ in others]
        pairs = [(X, t), *others]
        self.rho0 = max(max_row_norm(A) for A, _ in pairs)
        self.tau = 0.0
        if self.output == "linear":
            self.tau = max(max_row_norm(T.reshape(T.shape[0], -1)) for _, T in pairs)
        n = max(A.shape[0] for A, _ in pairs)
        dtype = getattr(model, "dtype", np.float64)
        self.limit = limit(dtype, n, self.sizes)
        self.big = float(np.finfo(dtype).max) / 16.0
        self.N: list[float] = []
        self.B: list[float] = []
        self._rho: list[float] = []
        self._delta: list[float] = []
        self._known = False  # N, B, _rho, _delta bound the current parameters

    # ------------------------------------------------------------------ the chain of bounds
    def _chain(self, N, B) -> bool:
        """Bounds of every forward and backward quantity for parameter norms ``N, B``.

        Sets ``_rho[l]`` (row norm of ``A_l``) and ``_delta[l]`` (row norm of ``n dZ_l``).
        Returns False if any bound exceeds the limit (or is nan).
        """
        lim, L = self.limit, len(N)
        rho, z = [self.rho0], 0.0
        for l in range(1, L + 1):
            z = rho[-1] * N[l - 1] + B[l - 1]
            if not z <= lim:
                return False
            if l < L:
                rho.append(self.bound * math.sqrt(self.sizes[l]) if self.bound else z)
            else:
                rho.append(z if self.output == "linear" else 1.0)
        top = {"sigmoid": 1.0, "softmax": math.sqrt(2.0)}.get(self.output, z + self.tau)
        if not top <= lim:
            return False
        delta = [0.0] * (L + 1)
        delta[L] = top
        for l in range(L, 0, -1):
            g = rho[l - 1] * delta[l]  # ||dW_l|| (the factors n cancel: mean loss)
            back = delta[l] * N[l - 1]  # the rows of n dA_{l-1}
            if not (g <= lim and back <= lim):
                return False
            delta[l - 1] = back * self.slope
        self._rho, self._delta = rho, delta
        return True

    # ------------------------------------------------------------------ the checks
    def check_state(self, weights, biases) -> bool:
        """True if a forward and backward pass with these parameters cannot overflow."""
        self.N = [_robust_norm(W) for W in weights]
        self.B = [_robust_norm(b) for b in biases]
        self._known = self._chain(self.N, self.B)
        return self._known or self._careful(weights, biases)

    def forget(self) -> None:
        """Drop the bounds kept from the last check (the parameters were changed elsewhere)."""
        self._known = False

    def check_grads(self, grads, lr: float) -> bool:
        """:meth:`check_step` for the model's own parameters and ``grads`` (its backward pass)."""
        return self.check_step(self.model.weights, self.model.biases, grads.dW, grads.db, lr)

    def check_step(self, weights, biases, dW, db, lr: float) -> bool:
        """True if the step ``W -= lr dW`` is safe and so is the state it leads to.

        Call on parameters that :meth:`check_state` or a previous accepted step let through.
        After an accepted step the bounds of the new state (``N + lr * bound of ||dW||``) are
        kept, so that the next check usually needs no pass over the parameters at all; where
        they have grown too loose, the exact norms are taken again.
        """
        if self._known and self._tier1(lr):
            return True
        self.N = [_norm(W) for W in weights]
        self.B = [_norm(b) for b in biases]
        self._known = self._chain(self.N, self.B)
        if self._known and self._tier1(lr):
            return True
        # the cheap bounds of the gradients are too loose: use their exact norms
        gW, gb = [_robust_norm(g) for g in dW], [_robust_norm(g) for g in db]
        if self._known and self._chain_after(lr, gW, gb):
            return True
        # still too loose (dead or saturated units, which norms cannot see): check the next
        # state itself, layer by layer on the data
        self._known = False
        if not all(a + lr * g <= self.limit for a, g in zip(self.N + self.B, gW + gb)):
            return False
        new_W = [W - np.multiply(g, lr) for W, g in zip(weights, dW)]
        new_b = [b - np.multiply(g, lr) for b, g in zip(biases, db)]
        return self._careful(new_W, new_b)

    def _tier1(self, lr: float) -> bool:
        """The step checked with the bounds of the gradients from the current state's bounds."""
        L = len(self.N)
        rho, delta = self._rho, self._delta
        gW = [rho[l - 1] * delta[l] for l in range(1, L + 1)]
        return self._chain_after(lr, gW, delta[1:])

    def check_step_bounds(self, N, B, lr: float) -> bool:
        """The cheap part of :meth:`check_step` for parameters with Frobenius norms at most
        ``N[l]``, ``B[l]``: True if every such network's step is safe (then so is the step of
        each of several networks whose norms are all below these, see :mod:`helpers.batched`).
        False means "not proven": check each network with :meth:`check_step`."""
        self.N, self.B = list(N), list(B)
        return self._chain(self.N, self.B) and self._tier1(lr)

    def _careful(self, weights, biases) -> bool:
        """A forward pass on every input and a backward pass on the training data with these
        parameters. Before each matrix product its partial sums are bounded (below the largest
        float / 16) by the actual row norms; after it, the actual rows must be within the limit.
        """
        N = [_robust_norm(W) for W in weights]
        B = [_robust_norm(b) for b in biases]
        if not all(v <= self.limit for v in N + B):
            return False
        for A in self.others:
            if self._careful_forward(A, weights, biases, N, B) is None:
                return False
        layers = self._careful_forward(self.X, weights, biases, N, B)
        if layers is None:
            return False
        pre, post = layers
        n, big, lim = self.X.shape[0], self.big, self.limit
        dZ = _kernels.output_delta(self.model, post[-1], self.t)
        for l in range(len(weights), 0, -1):
            d = n * max_row_norm(dZ)  # the rows of n dZ_l: per sample, whatever the batch
            if not (d <= lim and max_row_norm(post[l - 1]) * d <= big and d * N[l - 1] <= big):
                return False
            if l > 1:
                dA = dZ @ weights[l - 1].T
                out = np.empty_like(dA)
                dZ = _kernels.dprime_times(self.model.activation, dA, pre[l - 1], post[l - 1], out)
        return True

    def _careful_forward(self, X, weights, biases, N, B):
        """``(pre, post)`` of a forward pass, or None if a layer would leave the limits."""
        pre, post = [X], [X]
        A, L = X, len(weights)
        for l in range(1, L + 1):
            if not max_row_norm(A) * N[l - 1] + B[l - 1] <= self.big:
                return None
            Z = A @ weights[l - 1]
            Z += biases[l - 1]
            if not max_row_norm(Z) + self.tau <= self.limit:
                return None
            if l < L:
                A = _kernels.activate(self.model.activation, Z, np.empty_like(Z))
            elif self.output == "sigmoid":
                A = _kernels.sigmoid(Z, np.empty_like(Z))
            elif self.output == "softmax":
                A = _kernels.softmax(Z, np.empty_like(Z))
            else:
                A = Z
            pre.append(Z)
            post.append(A)
        return pre, post

    def _chain_after(self, lr: float, gW, gb) -> bool:
        """The chain for the state after the step; if it holds, its bounds become the kept
        bounds (``N``, ``B``, ``_rho``, ``_delta``) of that next state."""
        lim = self.limit
        N = [a + lr * g for a, g in zip(self.N, gW)]
        B = [a + lr * g for a, g in zip(self.B, gb)]
        if not all(v <= lim for v in N + B):
            return False
        rho, delta = self._rho, self._delta
        if self._chain(N, B):
            self.N, self.B, self._known = N, B, True
            return True
        self._rho, self._delta = rho, delta  # keep the current state's bounds
        return False


def is_plain(model) -> bool:
    """True for a plain MLP (no norm layers, no residual blocks)."""
    return getattr(model, "norm", None) is None and not getattr(model, "residual", False)


def for_model(model, X, t, others=()):
    """The guard for ``model``: :class:`Guard` (the bounds above) for a plain MLP,
    :class:`ProbeGuard` for a normalised or residual network, whose norm layers divide by a
    standard deviation and so escape bounds by products of norms."""
    if is_plain(model):
        return Guard(model, X, t, others)
    return ProbeGuard(model, X, t, others)


class ProbeGuard:
    """A guard that tries the next state on a copy of the model before the step is taken.

    :meth:`check_grads` applies the step to a copy, runs its forward pass on every input and
    its backward pass on the training data with floating-point warnings silenced, and accepts
    the step only if every parameter, activation, loss and gradient of the copy is finite and
    within :func:`limit`. The model itself only ever sees accepted steps, so the run stays
    quiet. The copy's pass on the training data is the one the next epoch needs: :meth:`reuse`
    hands it to :func:`helpers.train.train` (with the copy's BatchNorm running statistics), so
    the check costs a copy of the parameters, not a second pass.
    """

    def __init__(self, model, X, t, others=()):
        self.model, self.X, self.t, self.others = model, X, t, list(others)
        n = max(A.shape[0] for A in [X, *(A for A, _ in self.others)])
        self.limit = limit(model.dtype, n, model.sizes)
        self._next = None

    def forget(self) -> None:
        """Drop the pass kept for :meth:`reuse` (the parameters were changed elsewhere)."""
        self._next = None

    def check_state(self, weights=None, biases=None) -> bool:
        """True if the model's current parameters give a finite, bounded pass (the arguments
        are accepted for :class:`Guard`'s signature; the model's own parameters are used)."""
        return self._probe(self.model.copy())

    def check_grads(self, grads, lr: float) -> bool:
        """True if the step ``p -= lr * g`` for every parameter leads to a safe state; the
        caller then takes exactly that step (``model.step(grads, lr)``)."""
        self._next = None
        probe = self.model.copy()
        with np.errstate(all="ignore"):
            for p, g in zip(probe.parameters(), grads.flat(), strict=True):
                if not self._ok(g):
                    return False
                p -= lr * g
        return self._probe(probe)

    def reuse(self):
        """``(cache, loss, grads)`` of the model's current state on the training data, from the
        last accepted check, or None; the model takes the copy's running statistics (what its
        own training-mode pass would have left)."""
        kept, self._next = self._next, None
        if kept is None:
            return None
        running, cache, loss, grads = kept
        if running is not None:
            self.model.running = running
        return cache, loss, grads

    def _ok(self, a) -> bool:
        return a.size == 0 or float(np.max(np.abs(a))) <= self.limit  # False for nan

    def _probe(self, probe) -> bool:
        with np.errstate(all="ignore"):
            if not all(self._ok(p) for p in probe.parameters()):
                return False
            _, cache = probe._forward(self.X)  # the training data first: its pass is kept
            loss = probe._loss(cache, self.t)
            if not self._finite_pass(cache, loss):
                return False
            running = getattr(probe, "running", None)
            running = None if running is None else [r.copy() for r in running]
            for A, T in self.others:
                _, other = probe._forward(A)
                if not self._finite_pass(other, probe._loss(other, T)):
                    return False
            grads = probe._backward(cache, self.t, input_grad=False)
            if not all(self._ok(g) for g in grads.flat()):
                return False
        self._next = (running, cache, loss, grads)
        return True

    def _finite_pass(self, cache, loss) -> bool:
        return math.isfinite(loss) and all(self._ok(a) for a in cache.post[1:])
