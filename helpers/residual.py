"""A residual MLP: a stream ``H`` to which every block adds its branch,
``H <- H + alpha * branch(H)``.

The network (``N = n_blocks``, ``d`` = ``width`` of the stream, ``h`` = ``hidden``)::

    H_0 = X @ W_in + b_in                          input projection (linear), (n, d)
    for k = 1..N:                                  block k, pre-normalised branch
        U_k = norm_k(H_{k-1}) @ W1_k + b1_k        (n, h)   (no norm: H_{k-1} itself)
        V_k = f(U_k) @ W2_k + b2_k                 (n, d)
        H_k = H_{k-1} + alpha_k * V_k
    logits = H_N @ W_out + b_out                   output layer, as the MLP's

It follows the model protocol of :class:`helpers._structs.Model` with ``L = 2N + 2`` weight
layers and ``sizes = [n_inputs, d, h, d, h, d, ..., d, n_outputs]``: layer ``2k`` is ``W1_k``
(``pre = U_k``, ``post = f(U_k)``), layer ``2k + 1`` is ``W2_k`` (``pre = V_k`` and ``post =
H_k``, the stream after block ``k``), layer 1 the input projection (``pre = post = H_0``).
So ``cache.post[1::2][:N + 1]`` is the stream ``H_0 .. H_N``, and ``grads.dA[2k + 1]`` the
gradient reaching it after block ``k``.

``residual_scaling`` picks how the blocks start (every matrix is drawn from ``init`` and
``scale`` as in :func:`helpers.init.initialize`, in the same order for every setting, so that
one seed gives the same matrices and only the setting differs):

``"none"``
    ``alpha = 1``, every matrix as drawn: the stream's variance grows by the branch's variance
    in every block (linearly in depth with a norm, geometrically without).
``"gpt2"``
    ``W2_k`` drawn with its std times ``1/sqrt(2N)`` (Radford et al. 2019, GPT-2: "we scale the
    weights of residual layers at initialization by 1/sqrt(N)", N the number of residual
    layers, two per transformer block; here the brief's ``1/sqrt(2N)`` for ``N`` blocks). The
    scale lives in the weights, so training can change it; ``alpha = 1``.
``"zero_gamma"``
    ``W2_k = 0`` and ``b2_k = 0``: every block starts as the identity. Goyal et al. 2017 zero
    the ``gamma`` of the last BatchNorm of each residual branch; this branch ends in an affine
    map, whose weights are zeroed instead (the same effect: the branch outputs 0 at first).
``"rezero"``
    ``alpha_k`` a learnable scalar per block, starting at 0 (Bachlechner et al. 2020, ReZero);
    the matrices as drawn.
``"fixup"``
    Zhang, Dauphin & Ma 2019 (Fixup), without normalisation (``norm`` must be None): ``W1_k``
    times ``N^(-1/(2m-2))`` with ``m = 2`` layers per branch, i.e. ``N^(-1/2)``; ``W2_k = 0``;
    the output layer ``W_out = 0`` (biases are 0 everywhere). Fixup's extra scalar biases before
    each layer and its scalar multiplier per branch are *not* included: the per-unit biases of
    the affine maps play the first role, and ``alpha = 1`` is fixed.

``norm`` (None, "batch" or "layer") normalises each block's branch input, with ``gamma = 1``,
``beta = 0`` learned, as in :mod:`helpers.normed` (BatchNorm's running statistics, ``training``,
``eval()`` and ``train_mode()`` likewise). float64 only.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from . import _kernels, _structs, _validate, activations, layers
from . import init as schemes
from ._structs import Cache, Gradients
from .mlp import MLP, OUTPUTS
from .normed import check_norm, output_activation

SCALINGS = ("none", "gpt2", "zero_gamma", "rezero", "fixup")
"""The settings of ``residual_scaling`` (see the module docstring)."""


def branch_factors(residual_scaling: str, n_blocks: int) -> tuple[float, float, float]:
    """``(w1, w2, alpha)``: the factors by which ``residual_scaling`` multiplies the drawn
    ``W1_k`` and ``W2_k`` of each of ``n_blocks`` blocks, and the initial ``alpha_k``."""
    how = _validate.choice(residual_scaling, SCALINGS, "residual_scaling")
    N = _validate.positive_int(n_blocks, "n_blocks")
    if how == "gpt2":
        return 1.0, 1.0 / math.sqrt(2 * N), 1.0
    if how == "zero_gamma":
        return 1.0, 0.0, 1.0
    if how == "rezero":
        return 1.0, 1.0, 0.0
    if how == "fixup":
        m = 2  # layers per branch
        return N ** (-1.0 / (2 * m - 2)), 0.0, 1.0
    return 1.0, 1.0, 1.0


@dataclass
class ResidualCache(Cache):
    """A :class:`helpers.mlp.Cache` that also keeps ``inputs[l - 1]``, the input of weight layer
    ``l`` (the normalised stream for ``W1_k``), and the norm layers' caches per block."""

    inputs: list = field(default_factory=list)
    norms: list = field(default_factory=list)


class ResidualMLP(MLP):
    """The residual MLP of the module docstring.

    Parameters
    ----------
    n_inputs, width, n_blocks, n_outputs : int
        Input features, stream width ``d``, number of blocks ``N`` (>= 1), output units.
    hidden : int, optional
        Width ``h`` of each branch's hidden layer (default ``width``).
    activation, output, init, scale, seed
        As :class:`helpers.mlp.MLP`'s (defaults relu, sigmoid, he_normal, 1.0, 0).
    norm : None, "batch" or "layer"
    residual_scaling : str
        One of :data:`SCALINGS`.
    """

    residual = True
    eps = 1e-5

    def __init__(self, n_inputs, width, n_blocks, n_outputs, *, hidden=None, activation="relu",
                 output="sigmoid", init="he_normal", scale=1.0, seed=0, norm=None,
                 residual_scaling="none"):  # fmt: skip
        n_blocks = _validate.positive_int(n_blocks, "n_blocks")
        width = _validate.positive_int(width, "width")
        hidden = width if hidden is None else _validate.positive_int(hidden, "hidden")
        self.sizes = _structs.check_sizes(
            [n_inputs, width] + [hidden, width] * n_blocks + [n_outputs]
        )
        self.n_blocks, self.dtype = n_blocks, np.dtype(np.float64)
        self.activation = activations.check_activation(activation)
        self.output = _validate.choice(output, OUTPUTS, "output")
        if (self.output == "sigmoid") != (self.sizes[-1] == 1) and self.output != "linear":
            raise ValueError(
                f"output={self.output!r} with {self.sizes[-1]} output units: sigmoid needs "
                "exactly 1, softmax at least 2"
            )
        self.norm = check_norm(norm, allow_none=True)
        self.residual_scaling = _validate.choice(residual_scaling, SCALINGS, "residual_scaling")
        if self.residual_scaling == "fixup" and self.norm is not None:
            raise ValueError(f"Fixup is an initialisation without normalisation; got norm={norm!r}")
        self.init = schemes.check_scheme(init)
        self.scale = _validate.real(scale, "scale", minimum=0.0)
        self.seed, self.training = _structs.check_seed(seed), True
        self.bias, self.bias_scale = 0.0, 0.0
        self.reinitialize()

    def reinitialize(self, init=None, scale=None, seed=None, **_ignored) -> ResidualMLP:
        """Draw fresh parameters for the model's setting (``None`` keeps the current one)."""
        self.init = schemes.check_scheme(self.init if init is None else init)
        self.scale = _validate.real(self.scale if scale is None else scale, "scale", minimum=0.0)
        self.seed = _structs.check_seed(self.seed if seed is None else seed)
        rng, N, how = np.random.default_rng(self.seed), self.n_blocks, self.residual_scaling
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [
            schemes.initialize(self.init, a, b, scale=self.scale, rng=rng) for a, b in pairs
        ]
        self.biases = [np.zeros(b) for _, b in pairs]
        f1, f2, _ = branch_factors(how, N)
        for k in range(1, N + 1):
            self.weights[2 * k - 1] *= f1
            self.weights[2 * k] *= f2
        if how == "fixup":
            self.weights[-1][:] = 0.0
        d = self.sizes[1]
        self.gammas = [np.ones(d) for _ in range(N)] if self.norm else []
        self.betas = [np.zeros(d) for _ in range(N)] if self.norm else []
        self.running = (
            [layers.RunningStats.fresh(d) for _ in range(N)] if self.norm == "batch" else None
        )
        self.alphas = [np.zeros(1) for _ in range(N)] if how == "rezero" else []
        return self

    # ------------------------------------------------------------------ parameters
    def layer_activation(self, l: int) -> str:
        """The activation after weight layer ``l``: ``f`` for the branches' first layers
        (even ``l``), linear for the stream (odd ``l``), the output's for ``l = L``."""
        if l == self.n_layers:
            return super().layer_activation(l)
        return self.activation if l % 2 == 0 else "linear"

    def alpha(self, k: int) -> float:
        """``alpha_k`` of block ``k`` (1..N): 1, or the learned ReZero scalar."""
        return float(self.alphas[k - 1][0]) if self.alphas else 1.0

    def parameters(self) -> list[np.ndarray]:
        """``[W_in, b_in, W1_1, b1_1, W2_1, b2_1, ..., W_out, b_out, *gammas, *betas, *alphas]``."""
        return super().parameters() + self.gammas + self.betas + self.alphas

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.parameters()))

    def get_params(self) -> list[np.ndarray]:
        return [p.copy() for p in self.parameters()]

    def copy(self) -> ResidualMLP:
        new = copy.copy(self)
        for name in ("weights", "biases", "gammas", "betas", "alphas"):
            setattr(new, name, [p.copy() for p in getattr(self, name)])
        new.running = None if self.running is None else [r.copy() for r in self.running]
        new.sizes = list(self.sizes)
        return new

    def astype(self, dtype) -> ResidualMLP:
        if np.dtype(dtype) != np.float64:
            raise ValueError(f"a ResidualMLP is float64 only; got dtype={dtype!r}")
        return self.copy()

    def train_mode(self) -> ResidualMLP:
        self.training = True
        return self

    def eval(self) -> ResidualMLP:
        self.training = False
        return self

    def __repr__(self) -> str:
        return (
            f"ResidualMLP(n_inputs={self.sizes[0]}, width={self.sizes[1]}, "
            f"n_blocks={self.n_blocks}, n_outputs={self.sizes[-1]}, hidden={self.sizes[2]}, "
            f"activation={self.activation!r}, output={self.output!r}, norm={self.norm!r}, "
            f"residual_scaling={self.residual_scaling!r}, init={self.init!r}, "
            f"scale={self.scale:g}, seed={self.seed}; {self.n_params} parameters)"
        )

    # ------------------------------------------------------------------ passes
    def _branch_input(self, H, k):
        if self.norm is None:
            return H, None
        g, b = self.gammas[k - 1], self.betas[k - 1]
        if self.norm == "layer":
            return layers.ln_forward(H, g, b, self.eps)
        return layers.bn_forward(H, g, b, self.eps, self.training, self.running[k - 1])

    def _forward(self, X: np.ndarray, *, reuse: bool = False):
        """The forward pass of the module docstring (``reuse`` accepted and ignored)."""
        if self.norm == "batch" and self.training and X.shape[0] < 2:
            raise ValueError("BatchNorm in training mode needs at least 2 samples; use .eval()")
        W, b = self.weights, self.biases
        H = X @ W[0] + b[0]
        pre, post, inputs, norms = [X, H], [X, H], [X], []
        for k in range(1, self.n_blocks + 1):
            Hn, c = self._branch_input(H, k)
            norms.append(c)
            U = Hn @ W[2 * k - 1] + b[2 * k - 1]
            A = activations.activate(self.activation, U)
            V = A @ W[2 * k] + b[2 * k]
            H = H + self.alpha(k) * V
            inputs += [Hn, A]
            pre += [U, V]
            post += [A, H]
        Z = H @ W[-1] + b[-1]
        inputs.append(H)
        pre.append(Z)
        post.append(output_activation(self.output, Z))
        return post[-1], ResidualCache(pre=pre, post=post, inputs=inputs, norms=norms)

    def backward(self, cache, y, *, input_grad: bool = True) -> Gradients:
        """Gradients of the mean loss for every parameter (``grads.extra``: ``dgamma_k``, then
        ``dbeta_k``, then ``dalpha_k``, each per block)."""
        if not isinstance(cache, ResidualCache):
            raise TypeError(
                "cache must be the cache that this ResidualMLP's forward(X) returned; "
                f"got {type(cache).__name__}"
            )
        _structs.check_cache(cache, self.sizes)
        t = self.check_targets(y, cache.post[0].shape[0])
        return self._backward(cache, t, input_grad=input_grad)

    def _backward(self, cache, t, *, input_grad: bool = True, reuse: bool = False) -> Gradients:
        L, W = self.n_layers, self.weights
        dW, db, delta, dA = [None] * L, [None] * L, [None] * (L + 1), [None] * (L + 1)
        dZ = delta[L] = _kernels.output_delta(self, cache.post[-1], t)
        dW[L - 1], db[L - 1] = cache.inputs[L - 1].T @ dZ, dZ.sum(axis=0)
        grads = Gradients(dW=dW, db=db, delta=delta, dA=dA)
        return self._blocks_backward(cache, dZ @ W[L - 1].T, grads, input_grad)

    def stream_backward(self, cache, dH) -> list[np.ndarray]:
        """Send ``dH`` (shape ``(n, width)``) back from the top of the stream ``H_N``: the
        gradients ``dLoss/dH_0 .. dLoss/dH_N`` it gives (the backward pass of the blocks on
        its own, without the output layer: what reaches each block for a given signal)."""
        _structs.check_cache(cache, self.sizes)
        dH = _validate.numeric_array(dH, "dH")
        if dH.shape != cache.post[-2].shape:
            raise ValueError(f"dH must have shape {cache.post[-2].shape}; got {dH.shape}")
        L = self.n_layers
        grads = Gradients(dW=[None] * L, db=[None] * L, delta=[None] * (L + 1), dA=[None] * (L + 1))
        return self._blocks_backward(cache, dH, grads, False, params=False).dA[1:-1:2]

    def _blocks_backward(self, cache, dH, grads, input_grad, params=True) -> Gradients:
        """The blocks' part of the backward pass, from ``dH = dLoss/dH_N`` down to the input
        (``params=False``: the gradients reaching the stream only, no parameter gradients)."""
        W, (dW, db, delta, dA) = self.weights, (grads.dW, grads.db, grads.delta, grads.dA)
        dA[self.n_layers - 1] = dH
        dgam, dbet, dalp = [], [], []
        for k in range(self.n_blocks, 0, -1):
            lo, li = 2 * k + 1, 2 * k  # the layers of W2_k and W1_k
            if self.alphas and params:
                dalp.append(np.array([np.sum(dH * cache.pre[lo])]))
            dV = delta[lo] = self.alpha(k) * dH
            if params:
                dW[lo - 1], db[lo - 1] = cache.inputs[lo - 1].T @ dV, dV.sum(axis=0)
            dA[li] = dV @ W[lo - 1].T
            dU = delta[li] = dA[li] * activations.derivative(self.activation, cache.pre[li])
            if params:
                dW[li - 1], db[li - 1] = cache.inputs[li - 1].T @ dU, dU.sum(axis=0)
            dN = dU @ W[li - 1].T
            if self.norm is not None:
                dN, dg, dbt = layers.norm_backward(dN, cache.norms[k - 1])
                dgam.append(dg)
                dbet.append(dbt)
            dH = dA[li - 1] = dH + dN
        delta[1] = dH
        if params:
            dW[0], db[0] = cache.inputs[0].T @ dH, dH.sum(axis=0)
        if input_grad:
            dA[0] = delta[0] = dH @ W[0].T
        grads.extra = dgam[::-1] + dbet[::-1] + dalp[::-1]
        return grads

    def backward_from_delta(self, cache, dZ_out, *, input_grad: bool = True) -> Gradients:
        """Backpropagate a given ``dLoss/dZ_L`` (shape ``(n, n_outputs)``)."""
        _structs.check_cache(cache, self.sizes)
        L = self.n_layers
        dZ = _validate.numeric_array(dZ_out, "dZ_out")
        if dZ.shape != cache.pre[-1].shape:
            raise ValueError(f"dZ_out must have shape {cache.pre[-1].shape}; got {dZ.shape}")
        grads = Gradients(dW=[None] * L, db=[None] * L, delta=[None] * (L + 1), dA=[None] * (L + 1))
        grads.delta[L] = dZ
        grads.dW[L - 1], grads.db[L - 1] = cache.inputs[L - 1].T @ dZ, dZ.sum(axis=0)
        return self._blocks_backward(cache, dZ @ self.weights[L - 1].T, grads, input_grad)

    def stream_rms(self, X) -> np.ndarray:
        """Root mean square of the stream ``H_0 .. H_N`` on ``X``, shape ``(N + 1,)``."""
        _, cache = self.forward(X)
        return np.array([math.sqrt(float(np.mean(H * H))) for H in cache.post[1:-1:2]])


__all__ = ["SCALINGS", "ResidualCache", "ResidualMLP", "branch_factors"]
