"""Weight-initialisation schemes, their theoretical standard deviations, and activation gains.

Convention: a weight matrix ``W`` has shape ``(fan_in, fan_out)`` and a layer computes
``Z = A_prev @ W + b`` (Keras's layout; PyTorch's ``nn.Linear.weight`` stores the transpose,
``(fan_out, fan_in)``, but the fans, and so every formula below, are the same).

``scale`` is the one knob the notebooks' sliders move:

=================  =====================================================================
scheme             meaning of ``scale``
=================  =====================================================================
``zeros``          ignored: every weight is 0
``constant``       the value of every weight
``uniform``        the half-width ``a`` of U(-a, a)
``normal``         the standard deviation of N(0, scale^2)
``lecun_*``        multiplies the scheme's std sqrt(1 / fan_in)           (LeCun et al. 1998)
``xavier_*``       multiplies the scheme's std sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio 2010)
``he_*``           multiplies the scheme's std sqrt(2 / fan_in)           (He et al. 2015)
``orthogonal``     the gain: W^T W = scale^2 I (tall) or W W^T = scale^2 I (wide) (Saxe et al. 2013)
=================  =====================================================================

So ``scale=1`` is the textbook scheme and a gain such as ``gain("tanh") = 5/3`` is simply a scale.
The ``*_uniform`` variants draw from U(-a, a) with ``a = sqrt(3) * std``, because a uniform
distribution on (-a, a) has variance a^2 / 3. Normals are not truncated (as in ``torch.nn.init``;
Keras's ``*_normal`` initialisers truncate at two standard deviations and rescale).

References
----------
- Y. LeCun, L. Bottou, G. Orr, K.-R. Muller (1998). Efficient BackProp. In *Neural Networks:
  Tricks of the Trade*, section 4.6.
- X. Glorot, Y. Bengio (2010). Understanding the difficulty of training deep feedforward neural
  networks. AISTATS.
- K. He, X. Zhang, S. Ren, J. Sun (2015). Delving deep into rectifiers: surpassing human-level
  performance on ImageNet classification. ICCV.
- A. Saxe, J. McClelland, S. Ganguli (2013). Exact solutions to the nonlinear dynamics of learning
  in deep linear neural networks. arXiv:1312.6120.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate

SCHEMES = (
    "zeros",
    "constant",
    "uniform",
    "normal",
    "lecun_uniform",
    "lecun_normal",
    "xavier_uniform",
    "xavier_normal",
    "he_uniform",
    "he_normal",
    "orthogonal",
)
"""Every scheme name that :func:`initialize` accepts (spelled as PyTorch and Keras spell them)."""

RANDOM_SCHEMES = tuple(s for s in SCHEMES if s not in ("zeros", "constant"))
"""The schemes that draw random numbers (and so break the symmetry between units)."""

GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "leaky_relu": None,  # depends on the negative slope: see gain()
    "selu": 3.0 / 4.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
}
"""Recommended gains, as ``torch.nn.init.calculate_gain`` gives them."""

SYNONYMS = _validate.SYNONYMS
"""Other libraries' names for the same schemes (Keras's ``glorot_*``, PyTorch's ``kaiming_*``):
used only to suggest the right name in an error message. The one table of
:data:`helpers._validate.SYNONYMS`, which every name check of the course uses."""

LARGEST_WEIGHT = 1e300
""":func:`initialize` refuses a scale whose weights could pass this magnitude (the half-width of a
uniform scheme, ten standard deviations of a normal one), so every draw is a finite float64."""


def check_scheme(name) -> str:
    """Return ``name`` if it is one of :data:`SCHEMES`, else raise a ValueError listing them
    (suggesting the course's name for another library's: ``kaiming_normal`` -> ``he_normal``)."""
    return _validate.choice(name, SCHEMES, "init scheme")


def _check_fans(fan_in, fan_out) -> tuple[int, int]:
    return (
        _validate.positive_int(fan_in, "fan_in"),
        _validate.positive_int(fan_out, "fan_out"),
    )


def _check_scale(scale) -> float:
    return _validate.real(scale, "scale", minimum=0.0)


def std(scheme: str, fan_in: int, fan_out: int, *, scale: float = 1.0) -> float:
    """Theoretical standard deviation of the weights that ``initialize`` draws.

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    fan_in, fan_out : int
        The layer's number of inputs and outputs; the matrix has shape ``(fan_in, fan_out)``.
    scale : float, default 1.0
        See the module docstring.

    Returns
    -------
    float
        ``zeros`` and ``constant``: 0 (every entry is the same).
        ``uniform``: ``scale / sqrt(3)``. ``normal``: ``scale``.
        ``lecun_*``: ``scale * sqrt(1 / fan_in)``.
        ``xavier_*``: ``scale * sqrt(2 / (fan_in + fan_out))``.
        ``he_*``: ``scale * sqrt(2 / fan_in)``.
        ``orthogonal``: ``scale / sqrt(max(fan_in, fan_out))`` (the root mean square of a matrix
        whose ``min(fan_in, fan_out)`` orthonormal columns or rows are multiplied by ``scale``).
    """
    scheme = check_scheme(scheme)
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    scale = _check_scale(scale)
    if scheme in ("zeros", "constant"):
        return 0.0
    if scheme == "uniform":
        return scale / math.sqrt(3.0)
    if scheme == "normal":
        return scale
    if scheme.startswith("lecun"):
        return scale * math.sqrt(1.0 / fan_in)
    if scheme.startswith("xavier"):
        return scale * math.sqrt(2.0 / (fan_in + fan_out))
    if scheme.startswith("he"):
        return scale * math.sqrt(2.0 / fan_in)
    return scale / math.sqrt(max(fan_in, fan_out))  # orthogonal


def bound(scheme: str, fan_in: int, fan_out: int, *, scale: float = 1.0) -> float:
    """Half-width ``a`` of U(-a, a) for the uniform schemes (``sqrt(3) * std``).

    For ``uniform`` this is ``scale`` itself; for ``xavier_uniform`` it is
    ``scale * sqrt(6 / (fan_in + fan_out))``, for ``he_uniform`` ``scale * sqrt(6 / fan_in)``,
    for ``lecun_uniform`` ``scale * sqrt(3 / fan_in)``.
    """
    scheme = check_scheme(scheme)
    if scheme not in ("uniform", "lecun_uniform", "xavier_uniform", "he_uniform"):
        uniform = [s for s in SCHEMES if s.endswith("uniform")]
        raise ValueError(
            f"bound() is defined for the uniform schemes only ({', '.join(uniform)}); "
            f"got {scheme!r}"
        )
    if scheme == "uniform":
        _check_fans(fan_in, fan_out)
        return _check_scale(scale)
    return math.sqrt(3.0) * std(scheme, fan_in, fan_out, scale=scale)


def initialize(
    scheme: str,
    fan_in: int,
    fan_out: int,
    *,
    scale: float = 1.0,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw a weight matrix of shape ``(fan_in, fan_out)`` with the named scheme.

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (positive integers).
    scale : float, default 1.0
        Non-negative; its meaning per scheme is in the module docstring. A scale whose weights
        could pass :data:`LARGEST_WEIGHT` (1e300) is refused with the largest allowed one.
    rng : numpy.random.Generator
        The only source of randomness (``np.random.default_rng(seed)``). Deterministic schemes
        (``zeros``, ``constant``) do not draw from it.

    Returns
    -------
    W : ndarray of float64, shape (fan_in, fan_out)

    Examples
    --------
    >>> import numpy as np
    >>> W = initialize("he_normal", 256, 128, rng=np.random.default_rng(0))
    >>> W.shape
    (256, 128)
    """
    scheme = check_scheme(scheme)
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    scale = _check_scale(scale)
    _check_reach(scheme, fan_in, fan_out, scale)
    shape = (fan_in, fan_out)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme == "constant":
        return np.full(shape, scale)
    rng = _validate.rng(rng)
    if scheme == "orthogonal":
        return _orthogonal(fan_in, fan_out, scale, rng)
    if scheme.endswith("uniform"):
        a = bound(scheme, fan_in, fan_out, scale=scale)
        return rng.uniform(-a, a, size=shape)
    return rng.normal(0.0, std(scheme, fan_in, fan_out, scale=scale), size=shape)


def _reach(scheme: str, fan_in: int, fan_out: int, scale: float) -> float:
    """How large a weight ``initialize`` may draw: the bound, or ten standard deviations."""
    if scheme in ("zeros", "constant", "orthogonal"):
        return scale  # orthogonal entries are at most scale in magnitude
    if scheme.endswith("uniform"):
        return bound(scheme, fan_in, fan_out, scale=scale)
    return 10.0 * std(scheme, fan_in, fan_out, scale=scale)


def _check_reach(scheme: str, fan_in: int, fan_out: int, scale: float) -> None:
    reach = _reach(scheme, fan_in, fan_out, scale)
    if reach > LARGEST_WEIGHT:
        largest = LARGEST_WEIGHT / _reach(scheme, fan_in, fan_out, 1.0)
        raise ValueError(
            f"scale {scale:g} is too large for {scheme} with fan_in {fan_in}, fan_out {fan_out}: "
            f"weights could reach {reach:.3g}, beyond the {LARGEST_WEIGHT:g} that float64 "
            f"arithmetic survives; the largest scale allowed here is {largest:.3g}"
        )


def _orthogonal(fan_in: int, fan_out: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    """(Semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix.

    As in ``torch.nn.init.orthogonal_``: the signs of R's diagonal are folded into Q so that the
    result is uniformly distributed (Haar measure), not biased by the QR algorithm's sign choice.
    """
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    A = rng.normal(size=(rows, cols))
    Q, R = np.linalg.qr(A)
    d = np.sign(np.diag(R))
    d[d == 0] = 1.0
    Q = Q * d  # scale column j by sign(R_jj)
    if fan_in < fan_out:
        Q = Q.T
    return scale * Q


def gain(activation: str, param: float | None = None) -> float:
    """Recommended gain for an activation, as ``torch.nn.init.calculate_gain`` defines it.

    ``linear``/``identity``/``sigmoid``/``conv*``: 1; ``tanh``: 5/3; ``relu``: sqrt(2);
    ``leaky_relu``: sqrt(2 / (1 + a^2)) with negative slope ``a = param`` (default 0.01);
    ``selu``: 3/4. Multiply a scheme's std by the gain: pass it as ``scale``.
    """
    activation = _validate.choice(activation, GAINS, "activation")
    if activation == "leaky_relu":
        slope = 0.01 if param is None else _validate.real(param, "param (negative slope)")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if param is not None:
        raise ValueError(
            f"gain({activation!r}) takes no param; only leaky_relu does (got {param!r})"
        )
    return GAINS[activation]


def lsuv(model, X, *, tol: float = 0.01, max_iter: int = 10, seed: int = 0):
    """LSUV (Mishkin & Matas 2016): orthogonal pre-initialisation, then each layer's weights
    rescaled until its output variance on the batch ``X`` is 1 within ``tol``; in place.

    Returns the per-layer record (:class:`helpers.lsuv.LSUVResult`). It needs a model's forward
    pass, so it lives in :mod:`helpers.lsuv` (duck-typed on ``weights``, ``biases`` and
    ``forward``), imported here on first use: this module stays below :mod:`helpers.mlp`.
    """
    from .lsuv import lsuv as _lsuv

    return _lsuv(model, X, tol=tol, max_iter=max_iter, seed=seed)


def trunc_normal(shape, *, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                 rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """``N(mean, std^2)`` restricted to ``[a, b]``, with PyTorch's ``trunc_normal_`` semantics:
    ``a`` and ``b`` are *values* (the defaults -2 and 2 are not "two standard deviations";
    with ``std=0.02`` they cut nothing). Drawn by rejection: fresh normal numbers replace the
    ones outside ``[a, b]`` until none is left (so ``[a, b]`` must hold some probability)."""
    std = _validate.real(std, "std", positive=True)
    mean, a, b = (_validate.real(v, w) for v, w in ((mean, "mean"), (a, "a"), (b, "b")))
    if not a < b:
        raise ValueError(f"the bounds need a < b; got a={a}, b={b}")
    r2 = std * math.sqrt(2.0)
    if math.erf((b - mean) / r2) - math.erf((a - mean) / r2) < 1e-6:
        raise ValueError(f"[a, b] = [{a}, {b}] holds almost none of N({mean}, {std}^2)")
    rng = _validate.rng(rng)
    out = rng.normal(mean, std, size=shape)
    bad = (out < a) | (out > b)
    while bad.any():
        out[bad] = rng.normal(mean, std, size=int(bad.sum()))
        bad = (out < a) | (out > b)
    return out
