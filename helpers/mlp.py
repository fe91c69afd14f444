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

import numbers
from dataclasses import dataclass

import numpy as np

from . import _validate, activations
from . import init as schemes

OUTPUTS = ("sigmoid", "softmax", "linear")
"""Output layers and their losses: sigmoid + binary cross-entropy, softmax + cross-entropy with
integer labels, linear + half mean squared error."""

BIAS_MODES = ("zeros", "normal", "uniform", "torch")
"""String values of ``bias``: ``zeros``; ``normal`` N(0, bias_scale^2); ``uniform``
U(-bias_scale, bias_scale); ``torch`` U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as ``nn.Linear`` does."""


@dataclass
class Cache:
    """What the forward pass keeps for the backward pass.

    Attributes
    ----------
    pre : list of ndarray
        ``pre[l]`` is ``Z_l`` with shape ``(n, sizes[l])``; ``pre[0]`` is ``X``.
    post : list of ndarray
        ``post[l]`` is ``A_l = f_l(Z_l)``; ``post[0]`` is ``X``; ``post[L]`` is the output.
    """

    pre: list
    post: list

    @property
    def logits(self) -> np.ndarray:
        """The output layer's pre-activations ``Z_L``, shape ``(n, sizes[-1])``."""
        return self.pre[-1]


@dataclass
class Gradients:
    """Gradients of the mean loss.

    Attributes
    ----------
    dW : list of ndarray
        ``dW[i]`` has the shape of ``weights[i]`` (the weights of layer ``i + 1``).
    db : list of ndarray
        ``db[i]`` has the shape of ``biases[i]``.
    delta : list of ndarray
        ``delta[l] = dLoss/dZ_l``, shape ``(n, sizes[l])``, for ``l = 0..L``; ``delta[0]`` is the
        gradient with respect to the input ``X`` (the input layer has no activation), or ``None``
        when the backward pass was asked not to compute it (``input_grad=False``).
    dA : list of ndarray
        ``dA[l] = dLoss/dA_l`` for ``l = 0..L-1``: the gradient that reaches the outputs of layer
        ``l``'s units (for a hidden layer, "the gradient reaching each hidden unit").
        ``dA[L]`` is ``None``: the loss is differentiated with respect to the logits.
    """

    dW: list
    db: list
    delta: list
    dA: list

    @property
    def dZ(self) -> list:
        """Alias of :attr:`delta`."""
        return self.delta


def _check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths such as [2, 16, 1]; got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least an input and an output width, e.g. [2, 16, 1]; got {sizes!r}"
        )
    return [_validate.positive_int(s, f"sizes[{i}] (a layer width)") for i, s in enumerate(sizes)]


class MLP:
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
    """

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
    ):
        self.sizes = _check_sizes(sizes)
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
        self.init, self.scale, self.seed, self.bias, self.bias_scale = (
            init,
            scale,
            seed,
            bias,
            bias_scale,
        )
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
        init = _validate.choice(
            self.init if init is None else init,
            schemes.SCHEMES,
            "init scheme",
            synonyms=schemes.SYNONYMS,
        )
        scale = _validate.real(self.scale if scale is None else scale, "scale", minimum=0.0)
        seed = _seed(self.seed if seed is None else seed)
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
            self.weights.append(
                schemes.initialize(self.init, fan_in, fan_out, scale=self.scale, rng=rng)
            )
            self.biases.append(self._draw_bias(fan_in, fan_out, rng))
        return self

    def _draw_bias(self, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        if not isinstance(self.bias, str):
            return np.full(fan_out, self.bias)
        if self.bias == "zeros":
            return np.zeros(fan_out)
        if self.bias == "normal":
            return rng.normal(0.0, self.bias_scale, size=fan_out)
        if self.bias == "uniform":
            return rng.uniform(-self.bias_scale, self.bias_scale, size=fan_out)
        a = 1.0 / np.sqrt(fan_in)  # "torch": nn.Linear's default bias
        return rng.uniform(-a, a, size=fan_out)

    def get_params(self) -> list[np.ndarray]:
        """Copies of ``[W_1, b_1, W_2, b_2, ...]``."""
        out = []
        for W, b in zip(self.weights, self.biases):
            out += [W.copy(), b.copy()]
        return out

    def copy(self) -> MLP:
        """An independent copy (same settings, copied parameters)."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        new.sizes = list(self.sizes)
        return new

    def __repr__(self) -> str:
        bias = self.bias if isinstance(self.bias, str) else f"{self.bias:g}"
        return (
            f"MLP(sizes={self.sizes}, activation={self.activation!r}, output={self.output!r}, "
            f"init={self.init!r}, scale={self.scale:g}, bias={bias!r}, seed={self.seed}; "
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

    def _forward(self, X: np.ndarray):
        """:meth:`forward` without the input check (``X`` already float64, finite, right width)."""
        pre, post = [X], [X]
        f = activations.ACTIVATIONS[self.activation][0]
        A = X
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            Z = A @ W
            Z += b  # in place: one temporary fewer than A @ W + b, the same numbers
            if l < self.n_layers:
                A = f(Z)
            elif self.output == "sigmoid":
                A = activations.sigmoid(Z)
            elif self.output == "softmax":
                A = activations.softmax(Z)
            else:
                A = Z
            pre.append(Z)
            post.append(A)
        return A, Cache(pre=pre, post=post)

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
        ``(n, 1)`` (sigmoid), ``(n,)`` int (softmax) or ``(n, k)`` (linear)."""
        try:
            arr = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"y must be a numeric array; got {type(y).__name__}") from exc
        k = self.sizes[-1]
        if arr.ndim == 2 and arr.shape[1] == 1 and self.output != "softmax":
            arr = arr[:, 0] if k == 1 else arr
        if arr.ndim == 0 or arr.shape[0] != n:
            raise ValueError(f"y must have one entry per sample ({n}); got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("y must be finite; it contains NaN or inf")
        if self.output == "sigmoid":
            if arr.ndim != 1:
                raise ValueError(f"a sigmoid output needs y of shape ({n},); got {arr.shape}")
            if arr.min() < 0 or arr.max() > 1:
                raise ValueError(
                    "a sigmoid output needs labels 0/1 (or probabilities in [0, 1]); "
                    f"got values from {arr.min():g} to {arr.max():g}"
                )
            return arr[:, None]
        if self.output == "softmax":
            if arr.ndim != 1:
                raise ValueError(
                    f"a softmax output needs integer class labels of shape ({n},); got {arr.shape}"
                )
            fractional = np.flatnonzero(arr != np.round(arr))
            if fractional.size:
                i = int(fractional[0])
                raise ValueError(
                    f"a softmax output with {k} units needs integer class labels 0..{k - 1}; "
                    f"got the non-integer label {arr[i]:g} at index {i}"
                )
            if arr.min() < 0 or arr.max() > k - 1:
                raise ValueError(
                    f"a softmax output with {k} units needs integer labels 0..{k - 1}; "
                    f"got values from {arr.min():g} to {arr.max():g}"
                )
            return arr.astype(np.intp)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != k:
            raise ValueError(
                f"a linear output with {k} units needs y of shape ({n}, {k}); got {arr.shape}"
            )
        return arr

    def loss_from_cache(self, cache: Cache, y) -> float:
        """Mean loss of the outputs stored in ``cache`` (no second forward pass)."""
        return self._loss(cache, self.check_targets(y, cache.logits.shape[0]))

    def _loss(self, cache: Cache, t: np.ndarray) -> float:
        """:meth:`loss_from_cache` with checked targets."""
        z = cache.logits
        if self.output == "sigmoid":
            return activations.bce_with_logits(z, t)
        if self.output == "softmax":
            return activations.cross_entropy_with_logits(z, t)
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
            return float(np.mean((z[:, 0] >= 0) == (t[:, 0] >= 0.5)))
        if self.output == "softmax":
            return float(np.mean(np.argmax(z, axis=1) == t))
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
        return self._backward(
            cache, self.check_targets(y, cache.post[0].shape[0]), input_grad=input_grad
        )

    def _backward(self, cache: Cache, t: np.ndarray, *, input_grad: bool = True) -> Gradients:
        """:meth:`backward` with targets already checked by :meth:`check_targets`."""
        n = cache.post[0].shape[0]
        out = cache.post[-1]
        # Every output/loss pair here has dLoss/dZ_L = (output - target) / n.
        if self.output == "softmax":
            dZ = out.copy()
            dZ[np.arange(n), t] -= 1.0
            dZ /= n
        else:
            dZ = (out - t) / n
        return self.backward_from_delta(cache, dZ, input_grad=input_grad)

    def backward_from_delta(self, cache: Cache, dZ_out, *, input_grad: bool = True) -> Gradients:
        """Backpropagate a given ``dLoss/dZ_L`` (shape ``(n, sizes[-1])``) through the network.

        Used by :meth:`backward`, and by the depth experiments that send a random unit-variance
        signal backwards to study the backward pass on its own. ``input_grad=False`` skips
        ``delta[0]`` and ``dA[0]`` (left ``None``), as in :meth:`backward`.
        """
        L = self.n_layers
        dprime = activations.ACTIVATIONS[self.activation][1]
        delta: list = [None] * (L + 1)
        dA: list = [None] * (L + 1)
        dW: list = [None] * L
        db: list = [None] * L
        dZ = np.asarray(dZ_out, dtype=np.float64)
        delta[L] = dZ
        for l in range(L, 0, -1):
            W = self.weights[l - 1]
            dW[l - 1] = cache.post[l - 1].T @ dZ
            db[l - 1] = dZ.sum(axis=0)
            if l == 1 and not input_grad:
                break
            dA_prev = dZ @ W.T
            dA[l - 1] = dA_prev
            if l - 1 >= 1:
                dZ = dA_prev * dprime(cache.pre[l - 1])
            else:
                dZ = dA_prev  # the input layer: Z_0 = A_0 = X
            delta[l - 1] = dZ
        return Gradients(dW=dW, db=db, delta=delta, dA=dA)

    def step(self, grads: Gradients, lr: float) -> None:
        """One gradient-descent update, in place: ``W -= lr * dW``, ``b -= lr * db``."""
        for W, b, gW, gb in zip(self.weights, self.biases, grads.dW, grads.db):
            W -= lr * gW
            b -= lr * gb


def _seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    return int(seed)
