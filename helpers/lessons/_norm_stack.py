"""Many small normalised MLPs trained at once, stacked along a leading axis (for the sweep).

Part of :mod:`helpers.lessons` (used by :func:`helpers.lessons.scale_sweep`). ``K`` nets of the
same sizes and activation, each with its own weights and learning rate, are trained side by
side: every array carries a leading axis of length ``K`` and one matrix product serves all of
them. The arithmetic is that of :class:`helpers.normed.NormMLP` trained by
:func:`helpers.train.train` (full batch, plain gradient descent, sigmoid output with
cross-entropy, ``Z -> norm -> f`` in the hidden layers, the norm's own functions from
:mod:`helpers.layers`), without the guard: a net whose loss stops being finite is marked
``diverged`` and frozen. A test checks the final losses against ``train``'s.
"""

from __future__ import annotations

import numpy as np

from .. import activations, layers

EPS = 1e-5


def _forward(Ws, bs, gs, betas, X, norm, act):
    """The stacked pass: ``post`` (inputs of each layer, then the output) and the norm caches."""
    post, pre, caches = [X], [], []
    A = X
    L = len(Ws)
    for l in range(L):
        Z = A @ Ws[l] + bs[l][:, None, :]
        if l == L - 1:
            post.append(activations.sigmoid(Z))
            break
        if norm == "batch":
            mu, var = Z.mean(axis=-2, keepdims=True), Z.var(axis=-2, keepdims=True)
            Z, c = layers._normalise(Z, mu, var, gs[l][:, None, :], betas[l][:, None, :], EPS, -2)
            caches.append(c)
        elif norm == "layer":
            Z, c = layers.ln_forward(Z, gs[l][:, None, :], betas[l][:, None, :], EPS)
            caches.append(c)
        pre.append(Z)
        A = activations.activate(act, Z)
        post.append(A)
    return post, pre, caches


def _backward(Ws, post, pre, caches, t, norm, act):
    """Gradients of the mean cross-entropy of every net: lists ``dW, db, dgamma, dbeta``."""
    L = len(Ws)
    dZ = (post[-1] - t) / t.shape[-2]
    dW, db, dg, dbeta = [None] * L, [None] * L, [None] * (L - 1), [None] * (L - 1)
    for l in range(L - 1, -1, -1):
        dW[l] = np.swapaxes(post[l], -1, -2) @ dZ
        db[l] = dZ.sum(axis=-2)
        if norm == "batch" and l < L - 1:
            db[l] = np.zeros_like(db[l])  # the batch mean removes b: exactly 0
        if l == 0:
            break
        dN = (dZ @ np.swapaxes(Ws[l], -1, -2)) * activations.derivative(act, pre[l - 1])
        if norm is None:
            dZ = dN
            continue
        dZ, dg[l - 1], dbeta[l - 1] = layers.norm_backward(dN, caches[l - 1])
    return dW, db, dg, dbeta


def _loss(p, t):
    """Mean binary cross-entropy of each net, shape (K,) (``p`` clipped away from 0 and 1)."""
    p = np.clip(p, 1e-12, 1.0 - 1e-12)
    return -np.mean(t * np.log(p) + (1.0 - t) * np.log1p(-p), axis=(-2, -1))


def train_stack(models, lrs, X, y, *, epochs: int, norm, activation: str):
    """Train ``models`` (plain :class:`helpers.mlp.MLP` of the same sizes: only their weights
    and biases are read, gamma starts at 1 and beta at 0) with learning rates ``lrs`` (one per
    model) for ``epochs`` full-batch steps, with ``norm`` in every hidden layer.

    Returns ``(loss, accuracy, diverged)``, each of shape ``(K,)``: the final training loss
    (inf for a diverged net) and training accuracy (meaningless for a diverged net).
    """
    K = len(models)
    Ws = [np.stack([m.weights[l] for m in models]) for l in range(models[0].n_layers)]
    bs = [np.stack([m.biases[l] for m in models]) for l in range(models[0].n_layers)]
    gs = [np.ones((K, W.shape[-1])) for W in Ws[:-1]]
    betas = [np.zeros((K, W.shape[-1])) for W in Ws[:-1]]
    lr = np.asarray(lrs, dtype=np.float64)
    t = np.asarray(y, dtype=np.float64).reshape(1, -1, 1)
    alive = np.ones(K, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(epochs + 1):
            post, pre, caches = _forward(Ws, bs, gs, betas, X, norm, activation)
            loss = _loss(post[-1], t)
            ok = np.isfinite(loss) & np.isfinite(post[-1]).all(axis=(-2, -1))
            alive &= ok
            if _ == epochs:
                break
            grads = _backward(Ws, post, pre, caches, t, norm, activation)
            step = np.where(alive, lr, 0.0)
            groups = (Ws, bs) if norm is None else (Ws, bs, gs, betas)
            for params, g in zip(groups, grads):
                for p, d in zip(params, g):
                    d = np.where(np.isfinite(d), d, 0.0)
                    p -= step.reshape((K,) + (1,) * (p.ndim - 1)) * d
        acc = np.mean((post[-1] > 0.5) == (t > 0.5), axis=(-2, -1))
    return np.where(alive, loss, np.inf), acc, ~alive
