"""The MLP with a normalisation layer in every hidden layer: ``Z -> norm -> f``.

Hidden layer ``l`` computes ``Z_l = A_{l-1} @ W_l + b_l``, then ``N_l = gamma_l * x_hat_l +
beta_l`` with ``x_hat_l`` the batch-normalised (BatchNorm) or layer-normalised (LayerNorm) ``Z_l``
(:mod:`helpers.layers`), then ``A_l = f(N_l)``. The output layer has no norm. ``gamma`` starts
at 1 and ``beta`` at 0, and both are learned by :func:`helpers.train.train` like the weights.

Build one with ``MLP(sizes, norm="batch")`` or ``MLP(sizes, norm="layer")``. The cache keeps
``pre[l] = N_l`` (what the activation sees, so saturation is measured where it happens),
``affine[l] = Z_l`` and ``post[l] = A_l``.

BatchNorm in training mode (``model.training = True``, the default) normalises with each
batch's statistics and updates the running ones (PyTorch's momentum 0.1,
:class:`helpers.layers.RunningStats`) on every pass; ``model.eval()`` switches to the running
statistics, ``model.train_mode()`` back.
Note that a bias ``b_l`` in front of a BatchNorm has no effect in training mode (its gradient is
exactly 0: the batch mean removes it), which is why such layers are often built without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _kernels, _structs, _validate, activations, layers
from ._structs import Cache, Gradients
from .mlp import MLP

NORMS = ("batch", "layer")
"""The normalisations of :class:`NormMLP` (``None`` is the plain MLP)."""


def check_norm(norm, *, allow_none: bool = False):
    """``norm`` checked: one of :data:`NORMS` (or None where ``allow_none``)."""
    if norm is None and allow_none:
        return None
    return _validate.choice(norm, NORMS, "norm" + (" (or None)" if allow_none else ""))


def output_activation(output: str, Z: np.ndarray) -> np.ndarray:
    """The output layer's activation for ``output`` (one of ``helpers.mlp.OUTPUTS``)."""
    if output == "sigmoid":
        return activations.sigmoid(Z)
    if output == "softmax":
        return activations.softmax(Z)
    return Z


@dataclass
class NormCache(Cache):
    """A :class:`helpers.mlp.Cache` that also keeps ``affine[l] = Z_l`` (before the norm) and
    the norm layers' caches (``norms[l - 1]`` for hidden layer ``l``)."""

    affine: list = field(default_factory=list)
    norms: list = field(default_factory=list)


class NormMLP(MLP):
    """An :class:`helpers.mlp.MLP` with ``norm`` ("batch" or "layer") before each hidden
    activation; every other argument as the MLP's. Made by ``MLP(..., norm=...)``.

    Attributes
    ----------
    gammas, betas : list of ndarray, shape (sizes[l],)
        The norm's scale and shift of hidden layer ``l`` (``gammas[l - 1]``).
    running : list of RunningStats or None
        BatchNorm's running statistics per hidden layer (None for LayerNorm).
    training : bool
        BatchNorm's mode (see the module docstring).
    eps : float
        1e-5, PyTorch's default.
    """

    eps = 1e-5

    def __init__(self, sizes, *, norm, dtype="float64", **kwargs):
        norm = check_norm(norm)
        if np.dtype(dtype) != np.float64:
            raise ValueError(f"a normalised MLP is float64 only; got dtype={dtype!r}")
        self.norm, self.training = norm, True
        super().__init__(sizes, **kwargs)

    def reinitialize(self, init=None, scale=None, seed=None, **kwargs) -> NormMLP:
        """:meth:`MLP.reinitialize`, and gamma = 1, beta = 0 and fresh running statistics."""
        super().reinitialize(init, scale, seed, **kwargs)
        hidden = self.sizes[1:-1]
        self.gammas = [np.ones(k) for k in hidden]
        self.betas = [np.zeros(k) for k in hidden]
        fresh = layers.RunningStats.fresh
        self.running = [fresh(k) for k in hidden] if self.norm == "batch" else None
        return self

    def train_mode(self) -> NormMLP:
        """BatchNorm uses (and updates) batch statistics; returns the model."""
        self.training = True
        return self

    def eval(self) -> NormMLP:
        """BatchNorm uses the running statistics; returns the model."""
        self.training = False
        return self

    @property
    def n_params(self) -> int:
        """The MLP's weights and biases plus one gamma and one beta per hidden unit."""
        return super().n_params + 2 * sum(self.sizes[1:-1])

    def parameters(self) -> list[np.ndarray]:
        """``[W_1, b_1, ..., W_L, b_L, gamma_1, ..., gamma_{L-1}, beta_1, ..., beta_{L-1}]``."""
        return super().parameters() + self.gammas + self.betas

    def get_params(self) -> list[np.ndarray]:
        """Copies of :meth:`parameters`."""
        return [p.copy() for p in self.parameters()]

    def astype(self, dtype) -> NormMLP:
        """An independent copy (float64 only)."""
        if np.dtype(dtype) != np.float64:
            raise ValueError(f"a normalised MLP is float64 only; got dtype={dtype!r}")
        new = super().astype(dtype)
        new.gammas = [g.copy() for g in self.gammas]
        new.betas = [b.copy() for b in self.betas]
        new.running = None if self.running is None else [r.copy() for r in self.running]
        return new

    def __repr__(self) -> str:
        return super().__repr__().replace("MLP(", f"MLP(norm={self.norm!r}, ", 1)

    # ------------------------------------------------------------------ passes
    def _forward(self, X: np.ndarray, *, reuse: bool = False):
        """The forward pass (``reuse`` is accepted for the protocol and ignored)."""
        L, pre, post, affine, caches = self.n_layers, [X], [X], [X], []
        A = X
        if self.norm == "batch" and self.training and X.shape[0] < 2:
            raise ValueError("BatchNorm in training mode needs at least 2 samples; use .eval()")
        for l in range(1, L + 1):
            Z = A @ self.weights[l - 1] + self.biases[l - 1]
            if l < L:
                g, b = self.gammas[l - 1], self.betas[l - 1]
                if self.norm == "batch":
                    run = self.running[l - 1]
                    N, c = layers.bn_forward(Z, g, b, self.eps, self.training, run)
                else:
                    N, c = layers.ln_forward(Z, g, b, self.eps)
                caches.append(c)
                A = activations.activate(self.activation, N)
            else:
                N = Z
                A = output_activation(self.output, Z)
            affine.append(Z)
            pre.append(N)
            post.append(A)
        return post[-1], NormCache(pre=pre, post=post, affine=affine, norms=caches)

    def backward(self, cache, y, *, input_grad: bool = True) -> Gradients:
        """Gradients of the mean loss for every weight, bias, gamma and beta (see
        :meth:`MLP.backward`); ``grads.extra`` holds ``dgamma_1..`` then ``dbeta_1..``."""
        _check_cache(cache, self.sizes)
        t = self.check_targets(y, cache.post[0].shape[0])
        return self._backward(cache, t, input_grad=input_grad)

    def _backward(self, cache, t, *, input_grad: bool = True, reuse: bool = False) -> Gradients:
        dZ = _kernels.output_delta(self, cache.post[-1], t)
        return self.backward_from_delta(cache, dZ, input_grad=input_grad)

    def backward_from_delta(self, cache, dZ_out, *, input_grad: bool = True) -> Gradients:
        """Backpropagate ``dLoss/dZ_L`` through the output layer, the norms and activations.

        ``delta[l]`` is the gradient with respect to ``Z_l`` (before the norm)."""
        _check_cache(cache, self.sizes)
        L = self.n_layers
        dW, db, delta, dA = [None] * L, [None] * L, [None] * (L + 1), [None] * (L + 1)
        dgam, dbet = [None] * (L - 1), [None] * (L - 1)
        dZ = delta[L] = np.asarray(dZ_out, dtype=np.float64)
        for l in range(L, 0, -1):
            dW[l - 1] = cache.post[l - 1].T @ dZ
            db[l - 1] = dZ.sum(axis=0)
            if l < L and self.norm == "batch" and cache.norms[l - 1][3] == 0:
                db[l - 1] = np.zeros_like(db[l - 1])  # batch statistics remove b: exactly 0
            if l == 1 and not input_grad:
                break
            dA[l - 1] = dZ @ self.weights[l - 1].T
            if l == 1:
                delta[0] = dA[0]
                break
            dN = dA[l - 1] * activations.derivative(self.activation, cache.pre[l - 1])
            dZ, dgam[l - 2], dbet[l - 2] = layers.norm_backward(dN, cache.norms[l - 2])
            delta[l - 1] = dZ
        return Gradients(dW=dW, db=db, delta=delta, dA=dA, extra=dgam + dbet)


def _check_cache(cache, sizes) -> NormCache:
    if not isinstance(cache, NormCache):
        raise TypeError(
            "cache must be the cache that this normalised model's forward(X) returned; got "
            f"{type(cache).__name__}"
        )
    return _structs.check_cache(cache, sizes)


__all__ = ["NORMS", "NormCache", "NormMLP", "check_norm"]
