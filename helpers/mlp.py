"""A multi-layer perceptron with an explicit forward and backward pass.

Layer ``l`` (1 <= l <= L) computes ``Z_l = A_{l-1} @ W_l + b_l`` and ``A_l = f_l(Z_l)``, with
``A_0 = X``. Shapes: ``X (n, d)``, ``W_l (fan_in, fan_out)``, ``b_l (fan_out,)``, ``Z_l, A_l
(n, fan_out)``. This is Keras's layout; PyTorch's ``nn.Linear`` stores ``weight`` as
``(fan_out, fan_in)`` and computes ``X @ weight.T + bias``.

Python lists are 0-based, so ``model.weights[0]`` is ``W_1``; the cache and the deltas keep one
entry per layer *including the input layer*, so that ``cache.post[l]`` is ``A_l`` and
``cache.pre[l]`` is ``Z_l`` with the same ``l`` as in the maths (``pre[0] = post[0] = X``).
"""

from __future__ import annotations

import numpy as np

from . import _kernels, _structs, _targets, _validate, activations
from . import init as schemes
from ._structs import DTYPES, Cache, Gradients, Model, check_dtype, check_seed, check_sizes

OUTPUTS = ("sigmoid", "softmax", "linear")
"""Output layers and their losses: sigmoid + binary cross-entropy, softmax + cross-entropy with
integer labels, linear + half mean squared error."""

BIAS_MODES = ("zeros", "normal", "uniform", "torch")
"""String values of ``bias``: ``zeros``; ``normal`` N(0, bias_scale^2); ``uniform``
U(-bias_scale, bias_scale); ``torch`` U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as ``nn.Linear`` does."""


class MLP(Model):
    """A fully connected network with one activation for every hidden layer.

    Parameters
    ----------
    sizes : sequence of int
        Widths ``[n_inputs, hidden_1, ..., hidden_{L-1}, n_outputs]``; at least two entries.
    activation : str, default "tanh"
        Hidden activation, one of :data:`helpers.activations.ACTIVATIONS`.
    output : str, default "sigmoid"
        One of :data:`OUTPUTS`. ``sigmoid`` needs one output unit (binary labels 0/1 or
        probabilities in [0, 1]); ``softmax`` needs at least two (integer labels); ``linear``
        takes real targets.
    init : str, default "xavier_uniform"
        Weight scheme for every layer, one of :data:`helpers.init.SCHEMES`.
    scale : float, default 1.0
        Passed to :func:`helpers.init.initialize` (the slider).
    bias : float or str, default 0.0
        A number sets every bias to that value; a string is one of :data:`BIAS_MODES`.
    bias_scale : float, default 0.1
        Spread of the random bias modes ``normal`` and ``uniform``.
    seed : int, default 0
        Seeds the ``numpy.random.Generator`` that draws the parameters.
    dtype : str or numpy dtype, default "float64"
        One of :data:`DTYPES`. The parameters are drawn in float64 (the same numbers for every
        dtype) and rounded to ``dtype``; inputs are converted to it and every array of the
        forward and backward pass has it. Losses are returned as Python floats.
    norm : None, "batch" or "layer"
        A normalisation between each hidden layer's affine map and its activation: the model
        is then a :class:`helpers.normed.NormMLP` (float64 only).
    """

    norm = None

    def __new__(cls, *args, norm=None, **kwargs):
        if norm is not None and cls is MLP:
            from .normed import NormMLP  # the layering's one exception: see helpers/__init__

            cls = NormMLP
        return super().__new__(cls)

    def __init__(
        self,
        sizes,
        *,
        activation: str = "tanh",
        output: str = "sigmoid",
        init: str = "xavier_uniform",
        scale: float = 1.0,
        bias: float | str = 0.0,
        bias_scale: float = 0.1,
        seed: int = 0,
        dtype="float64",
        norm=None,
    ):
        if norm is not None:  # MLP(norm=...) made a NormMLP (see __new__), which takes it
            raise ValueError(f"{type(self).__name__} takes no norm; got norm={norm!r}")
        self.sizes = check_sizes(sizes)
        self.dtype = check_dtype(dtype)
        self.activation = activations.check_activation(activation)
        self.output = _validate.choice(output, OUTPUTS, "output")
        if self.output == "sigmoid" and self.sizes[-1] != 1:
            raise ValueError(
                f"a sigmoid output (binary cross-entropy) needs exactly 1 output unit; "
                f"sizes[-1] is {self.sizes[-1]} (use output='softmax' for several classes)"
            )
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(
                f"a softmax output needs at least 2 output units (one per class); "
                f"sizes[-1] is {self.sizes[-1]} (use output='sigmoid' for two classes)"
            )
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        self.init, self.scale, self.seed = init, scale, seed
        self.bias, self.bias_scale = bias, bias_scale
        self.reinitialize(init=init, scale=scale, bias=bias, bias_scale=bias_scale, seed=seed)

    # ------------------------------------------------------------------ parameters
    @property
    def n_layers(self) -> int:
        """L, the number of weight layers (hidden layers + the output layer)."""
        return len(self.sizes) - 1

    @property
    def n_params(self) -> int:
        """Number of learnable parameters: one weight per edge plus one bias per non-input unit.

        For sizes ``[n_0, ..., n_L]`` that is ``sum(n_{l-1} * n_l + n_l)``.
        """
        return int(sum(W.size + b.size for W, b in zip(self.weights, self.biases)))

    def reinitialize(
        self,
        init: str | None = None,
        scale: float | None = None,
        seed: int | None = None,
        *,
        bias: float | str | None = None,
        bias_scale: float | None = None,
    ) -> MLP:
        """Draw fresh parameters, in place, and return the model.

        Any argument left as ``None`` keeps the model's current setting, so ``reinitialize()``
        restores exactly the parameters the model was built with, and ``reinitialize(seed=1)``
        draws a new start with the same scheme (what MATLAB's ``init`` does for a network).
        """
        # Check every setting before changing any, so a bad argument leaves the model as it was.
        init = schemes.check_scheme(self.init if init is None else init)
        scale = _validate.real(self.scale if scale is None else scale, "scale", minimum=0.0)
        seed = check_seed(self.seed if seed is None else seed)
        bias = self.bias if bias is None else bias
        if isinstance(bias, str):
            bias = _validate.choice(bias, BIAS_MODES, "bias mode")
        else:
            bias = _validate.real(bias, "bias")
        bias_scale = _validate.real(
            self.bias_scale if bias_scale is None else bias_scale, "bias_scale", minimum=0.0
        )
        self.init, self.scale, self.seed = init, scale, seed
        self.bias, self.bias_scale = bias, bias_scale
        rng = np.random.default_rng(self.seed)
        self.weights, self.biases = [], []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            W = schemes.initialize(self.init, fan_in, fan_out, scale=self.scale, rng=rng)
            b = _structs.draw_bias(self.bias, self.bias_scale, fan_in, fan_out, rng)
            self.weights.append(W.astype(self.dtype, copy=False))
            self.biases.append(b.astype(self.dtype, copy=False))
        return self

    def parameters(self) -> list[np.ndarray]:
        """The live arrays ``[W_1, b_1, W_2, b_2, ...]`` (the order of ``Gradients.flat()``)."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def get_params(self) -> list[np.ndarray]:
        """Copies of ``[W_1, b_1, W_2, b_2, ...]``."""
        out = []
        for W, b in zip(self.weights, self.biases):
            out += [W.copy(), b.copy()]
        return out

    def copy(self) -> MLP:
        """An independent copy (same settings, copied parameters)."""
        return self.astype(self.dtype)

    def astype(self, dtype) -> MLP:
        """An independent copy whose parameters are converted to ``dtype`` (one of
        :data:`DTYPES`); ``astype("float64")`` of a float32 model is what a gradient check
        needs."""
        dtype = check_dtype(dtype)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_buffers", None)  # a copy has its own work arrays
        new.__dict__.pop("_step_buffers", None)
        new.dtype = dtype
        new.weights = [np.array(W, dtype=dtype) for W in self.weights]
        new.biases = [np.array(b, dtype=dtype) for b in self.biases]
        new.sizes = list(self.sizes)
        return new

    def as_input(self, X: np.ndarray) -> np.ndarray:
        """``X`` (already checked) in the model's dtype: ``X`` itself for float64."""
        if X.dtype == self.dtype:
            return X
        big, top = float(np.max(np.abs(X))) if X.size else 0.0, float(np.finfo(self.dtype).max)
        if big > top:
            raise ValueError(
                f"X has values up to {big:g}, beyond the range of {self.dtype.name} "
                f"(largest {top:g}); use a float64 model or rescale X"
            )
        return X.astype(self.dtype)

    def release_buffers(self) -> None:
        """Hand back the work arrays of ``reuse=True`` passes (made again on the next one)."""
        self.__dict__.pop("_buffers", None)
        self.__dict__.pop("_step_buffers", None)

    def __repr__(self) -> str:
        bias = self.bias if isinstance(self.bias, str) else f"{self.bias:g}"
        return (
            f"MLP(sizes={self.sizes}, activation={self.activation!r}, output={self.output!r}, "
            f"init={self.init!r}, scale={self.scale:g}, bias={bias!r}, seed={self.seed}"
            + ("" if self.dtype == np.float64 else f", dtype={self.dtype.name!r}")
            + "; "
            f"{self.n_params} parameters)"
        )

    # ------------------------------------------------------------------ forward
    def layer_activation(self, l: int) -> str:
        """Activation of layer ``l`` (1..L): the hidden activation, or the output's."""
        if l == self.n_layers:
            return "linear" if self.output in ("linear", "softmax") else "sigmoid"
        return self.activation

    def forward(self, X):
        """Run the network on ``X``.

        Parameters
        ----------
        X : array_like, shape (n, sizes[0])

        Returns
        -------
        out : ndarray, shape (n, sizes[-1])
            Probabilities for ``sigmoid`` and ``softmax`` outputs, values for ``linear``.
        cache : Cache
            Every layer's pre-activations and activations, for :meth:`backward`.
        """
        return self._forward(_validate.matrix(X, "X", n_cols=self.sizes[0]))

    def _forward(self, X: np.ndarray, *, reuse: bool = False):
        """:meth:`forward` without the input check (``X`` already finite, right width).

        ``reuse=True`` writes into the model's work arrays for this batch size (see
        :mod:`helpers._kernels`): no fresh memory, but the returned cache is overwritten by the
        next ``reuse=True`` pass. :func:`helpers.train.train` uses it; keep the default when
        the cache must outlive the next pass.
        """
        X = self.as_input(X)
        pre, post = _kernels.forward(self, X, self._workspace(X.shape[0]) if reuse else None)
        return post[-1], Cache(pre=pre, post=post)

    def _workspace(self, n: int) -> _kernels.Workspace:
        """The work arrays for batches of ``n`` samples (made on first use, at most a few)."""
        buffers = self.__dict__.setdefault("_buffers", {})
        key = (n, tuple(self.sizes), self.dtype, ())
        ws = buffers.get(n)
        if ws is None or ws.key != key:
            if len(buffers) >= 4:
                buffers.clear()
            ws = buffers[n] = _kernels.Workspace(n, self.sizes, self.dtype)
        return ws

    def predict_proba(self, X) -> np.ndarray:
        """Output of the network: shape (n,) for a sigmoid output, (n, k) otherwise."""
        out, _ = self.forward(X)
        return out[:, 0] if self.output == "sigmoid" else out

    def predict(self, X) -> np.ndarray:
        """Class labels (sigmoid: probability >= 0.5; softmax: argmax) or regression values."""
        out, cache = self.forward(X)
        if self.output == "sigmoid":
            return (cache.logits[:, 0] >= 0).astype(np.int64)
        if self.output == "softmax":
            return np.argmax(cache.logits, axis=1)
        return out

    # ------------------------------------------------------------------ loss
    def check_targets(self, y, n: int) -> np.ndarray:
        """Validate targets for ``n`` samples against the output layer; return them shaped
        ``(n, 1)`` (sigmoid), ``(n,)`` int (softmax) or ``(n, k)`` (linear), real targets in the
        model's dtype."""
        t = _targets.check_targets(self.output, self.sizes[-1], y, n)
        return t if self.output == "softmax" else t.astype(self.dtype, copy=False)

    def loss_from_cache(self, cache: Cache, y) -> float:
        """Mean loss of the outputs stored in ``cache`` (no second forward pass)."""
        _structs.check_cache(cache, self.sizes)
        return self._loss(cache, self.check_targets(y, cache.logits.shape[0]))

    def _loss(self, cache: Cache, t: np.ndarray) -> float:
        """:meth:`loss_from_cache` with checked targets."""
        z = cache.logits
        if self.output == "sigmoid":
            return activations._bce(z, t)
        if self.output == "softmax":
            return activations._cross_entropy(z, t)
        r = z - t
        return float(0.5 * np.mean(np.sum(r * r, axis=1)))

    def loss(self, X, y) -> float:
        """Mean loss on ``(X, y)``: BCE for sigmoid, CE for softmax, half the mean squared error
        (summed over outputs) for linear. Computed from logits, so finite for any finite logits."""
        _, cache = self.forward(X)
        return self.loss_from_cache(cache, y)

    def accuracy(self, X, y) -> float:
        """Fraction of correct labels (classification outputs only)."""
        if self.output == "linear":
            raise ValueError("accuracy is defined for sigmoid and softmax outputs, not 'linear'")
        X = _validate.matrix(X, "X", n_cols=self.sizes[0])
        _, cache = self._forward(X)
        return self._accuracy(cache, self.check_targets(y, X.shape[0]))

    def _accuracy(self, cache: Cache, t: np.ndarray) -> float:
        """Accuracy of the outputs in ``cache`` against checked targets (nan for linear)."""
        z = cache.logits
        if self.output == "sigmoid":
            return np.count_nonzero((z[:, 0] >= 0) == (t[:, 0] >= 0.5)) / z.shape[0]
        if self.output == "softmax":
            return np.count_nonzero(np.argmax(z, axis=1) == t) / z.shape[0]
        return float("nan")

    # ------------------------------------------------------------------ backward
    def backward(self, cache: Cache, y, *, input_grad: bool = True) -> Gradients:
        """Gradients of the mean loss with respect to every parameter.

        Parameters
        ----------
        cache : Cache
            From :meth:`forward` on ``X`` of shape ``(n, sizes[0])``.
        y : array_like
            Targets for the same ``n`` samples (see :meth:`check_targets`).
        input_grad : bool, default True
            Also compute the gradient with respect to the input, ``delta[0] = dA[0] = dLoss/dX``.
            False leaves both ``None`` and skips the product ``delta[1] @ W_1.T``, which gradient
            descent does not need (PyTorch skips it too: the data does not require a gradient).
            For a wide input layer (784 inputs) that is about a quarter of the backward pass.

        Returns
        -------
        Gradients
            ``dW[i]`` shape ``(sizes[i], sizes[i+1])``, ``db[i]`` shape ``(sizes[i+1],)``;
            ``delta[l]`` shape ``(n, sizes[l])`` for ``l = 0..L``; ``dA[l]`` likewise for
            ``l < L``.
        """
        _structs.check_cache(cache, self.sizes)
        return self._backward(
            cache, self.check_targets(y, cache.post[0].shape[0]), input_grad=input_grad
        )

    def _backward(
        self, cache: Cache, t: np.ndarray, *, input_grad: bool = True, reuse: bool = False
    ) -> Gradients:
        """:meth:`backward` with targets already checked by :meth:`check_targets`.

        Every output/loss pair here has ``dLoss/dZ_L = (output - target) / n``. ``reuse=True``
        writes into the work arrays, as :meth:`_forward` does.
        """
        ws = self._workspace(cache.post[0].shape[0]) if reuse else None
        dZ = _kernels.output_delta(self, cache.post[-1], t, ws)
        if ws is None:
            return self.backward_from_delta(cache, dZ, input_grad=input_grad)
        dW, db, delta, dA = _kernels.backward(self, cache.post, cache.pre, dZ, input_grad, ws)
        return Gradients(dW=dW, db=db, delta=delta, dA=dA)

    def backward_from_delta(self, cache: Cache, dZ_out, *, input_grad: bool = True) -> Gradients:
        """Backpropagate a given ``dLoss/dZ_L`` (shape ``(n, sizes[-1])``) through the network.

        Used by :meth:`backward`, and by the depth experiments that send a random unit-variance
        signal backwards to study the backward pass on its own. ``input_grad=False`` skips
        ``delta[0]`` and ``dA[0]`` (left ``None``), as in :meth:`backward`.
        """
        _structs.check_cache(cache, self.sizes)
        n = cache.post[0].shape[0]
        dZ = _validate.numeric_array(dZ_out, "dZ_out").astype(self.dtype, copy=False)
        if dZ.shape != (n, self.sizes[-1]):
            raise ValueError(f"dZ_out must have shape ({n}, {self.sizes[-1]}); got {dZ.shape}")
        dW, db, delta, dA = _kernels.backward(self, cache.post, cache.pre, dZ, input_grad)
        return Gradients(dW=dW, db=db, delta=delta, dA=dA)

    def step(self, grads: Gradients, lr: float) -> None:
        """One gradient-descent update of every parameter, in place: ``p -= lr * g``."""
        _structs.check_gradients(grads, self.weights)
        self._step(grads, _validate.real(lr, "lr (learning rate)", positive=True))

    def _step(self, grads: Gradients, lr: float) -> None:
        """:meth:`step` for this model's own gradients and a checked ``lr`` (as ``train`` has)."""
        for p, g in zip(self.parameters(), grads.flat(), strict=True):
            p -= np.multiply(g, lr, out=self._scratch_like(p))

    def _scratch_like(self, a: np.ndarray) -> np.ndarray:
        """A reusable array of ``a``'s shape and dtype (for ``lr * dW`` in :meth:`step`)."""
        store = self.__dict__.setdefault("_step_buffers", {})
        key = (a.shape, a.dtype)
        if key not in store:
            store[key] = np.empty(a.shape, a.dtype)
        return store[key]


__all__ = ["BIAS_MODES", "DTYPES", "MLP", "OUTPUTS", "Cache", "Gradients"]
