"""Two-dimensional toy datasets, generated in numpy from a seeded ``Generator`` (no downloads).

Every ``make_*`` returns ``X`` of shape ``(n, 2)`` (float64) and ``y`` of shape ``(n,)`` (int64
labels 0/1, half of each class: the first ``n // 2`` samples are class 0) and draws every random
number from ``rng``. ``noise`` is the standard deviation of Gaussian noise added to each
coordinate.

:func:`load_digits` reads the one real data set of the course, scikit-learn's bundled 8x8
handwritten digits, from files installed with scikit-learn; :func:`standardize` scales features
with the training rows' statistics.
"""

from __future__ import annotations

import numpy as np

from . import _validate

DATASETS = ("moons", "circles", "spirals", "xor", "linear")
"""Names accepted by :func:`make_dataset`."""


def _check(n, noise, rng) -> tuple[int, float, np.random.Generator, int, int]:
    n = _validate.positive_int(n, "n (number of samples)", minimum=2)
    noise = _validate.real(noise, "noise", minimum=0.0)
    rng = _validate.rng(rng)
    return n, noise, rng, n // 2, n - n // 2


def _finish(X0, X1, noise, rng):
    X = np.vstack([X0, X1])
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(len(X0), dtype=np.int64), np.ones(len(X1), dtype=np.int64)])
    return X, y


def make_moons(n: int, *, noise: float = 0.1, rng: np.random.Generator):
    """Two interleaving half circles (not linearly separable).

    Class 0 lies on the upper arc ``(cos t, sin t)``, class 1 on the lower arc
    ``(1 - cos t, 0.5 - sin t)``, ``t`` uniform in [0, pi].
    """
    n, noise, rng, n0, n1 = _check(n, noise, rng)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    X0 = np.column_stack([np.cos(t0), np.sin(t0)])
    X1 = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return _finish(X0, X1, noise, rng)


def make_circles(n: int, *, noise: float = 0.05, factor: float = 0.5, rng: np.random.Generator):
    """Two concentric circles: class 0 on radius 1, class 1 on radius ``factor`` (0 < factor < 1).

    No straight line separates them: a network needs a curved boundary.
    """
    n, noise, rng, n0, n1 = _check(n, noise, rng)
    factor = _validate.real(factor, "factor", positive=True)
    if factor >= 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1); got {factor}")
    t0 = rng.uniform(0.0, 2 * np.pi, n0)
    t1 = rng.uniform(0.0, 2 * np.pi, n1)
    X0 = np.column_stack([np.cos(t0), np.sin(t0)])
    X1 = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    return _finish(X0, X1, noise, rng)


def make_spirals(n: int, *, noise: float = 0.05, turns: float = 1.5, rng: np.random.Generator):
    """Two interleaved Archimedean spirals of ``turns`` turns each, radius up to 1."""
    n, noise, rng, n0, n1 = _check(n, noise, rng)
    turns = _validate.real(turns, "turns", positive=True)

    def arm(m, phase):
        r = np.sqrt(rng.uniform(0.0, 1.0, m)) * 0.95 + 0.05  # denser near the centre, as area
        theta = 2 * np.pi * turns * r + phase
        return np.column_stack([r * np.cos(theta), r * np.sin(theta)])

    return _finish(arm(n0, 0.0), arm(n1, np.pi), noise, rng)


def make_xor(n: int, *, noise: float = 0.1, rng: np.random.Generator):
    """The four corners of a square: (+,+) and (-,-) are class 0, (+,-) and (-,+) class 1.

    Points are uniform in the four quadrants' unit squares, kept 0.1 away from the axes.
    """
    n, noise, rng, n0, n1 = _check(n, noise, rng)

    def quadrants(m, same_sign):
        P = rng.uniform(0.1, 1.0, size=(m, 2))
        s = rng.choice([-1.0, 1.0], size=m)
        P[:, 0] *= s
        P[:, 1] *= s if same_sign else -s
        return P

    return _finish(quadrants(n0, True), quadrants(n1, False), noise, rng)


def make_linear(n: int, *, noise: float = 0.1, rng: np.random.Generator):
    """Two Gaussian blobs, centred at (-1, -1) and (1, 1) with std 0.5: linearly separable up to a
    small overlap; the best boundary is the line x1 + x2 = 0."""
    n, noise, rng, n0, n1 = _check(n, noise, rng)
    X0 = rng.normal(-1.0, 0.5, size=(n0, 2))
    X1 = rng.normal(1.0, 0.5, size=(n1, 2))
    return _finish(X0, X1, noise, rng)


_MAKERS = {
    "moons": make_moons,
    "circles": make_circles,
    "spirals": make_spirals,
    "xor": make_xor,
    "linear": make_linear,
}


def make_dataset(name: str, n: int, *, noise: float | None = None, rng: np.random.Generator):
    """Any dataset of :data:`DATASETS` by name; ``noise=None`` uses that dataset's default."""
    maker = _MAKERS[_validate.choice(name, DATASETS, "dataset")]
    if noise is None:
        return maker(n, rng=rng)
    return maker(n, noise=noise, rng=rng)


def train_test_split(X, y, *, test_fraction: float = 0.25, rng: np.random.Generator):
    """Shuffle and split into ``X_train, X_test, y_train, y_test``.

    ``test_fraction`` in (0, 1); at least one sample ends up on each side.
    """
    X = _validate.matrix(X, "X")
    _validate.numeric_array(y, "y")
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has shape {y.shape}: one entry per row")
    test_fraction = _validate.real(test_fraction, "test_fraction", positive=True)
    if test_fraction >= 1:
        raise ValueError(f"test_fraction must be in (0, 1); got {test_fraction}")
    if X.shape[0] < 2:
        raise ValueError("need at least 2 samples to split")
    rng = _validate.rng(rng)
    order = rng.permutation(X.shape[0])
    n_test = min(max(1, round(test_fraction * X.shape[0])), X.shape[0] - 1)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def grid(X, *, resolution: int = 100, margin: float = 0.5):
    """A ``resolution x resolution`` grid covering ``X`` plus ``margin``, for decision boundaries.

    Returns ``xx, yy`` (each ``(resolution, resolution)``) and the points ``(resolution**2, 2)``.
    """
    X = _validate.matrix(X, "X", n_cols=2)
    resolution = _validate.positive_int(resolution, "resolution", minimum=2)
    margin = _validate.real(margin, "margin", minimum=0.0)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def load_digits():
    """The handwritten digits that scikit-learn ships (read from files inside the package, no
    download): 1,797 images of 8x8 pixels, grey levels 0..16.

    Returns
    -------
    X : ndarray, shape (1797, 64), float64
        Pixels scaled to [0, 1], one row per image.
    y : ndarray, shape (1797,), int64
        The digit, 0..9.
    """
    try:
        from sklearn.datasets import load_digits as _load  # scikit-learn only for this data set
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn (it ships the digits): pip install -r requirements.txt"
        ) from exc

    d = _load()
    return np.asarray(d.data, dtype=np.float64) / 16.0, np.asarray(d.target, dtype=np.int64)


def standardize(X_train, *others):
    """Every column shifted and scaled to mean 0 and std 1 *on the training rows* (a column that is
    constant there is only shifted), and the same map applied to ``others``.

    Returns the transformed ``X_train`` followed by the transformed ``others``.
    """
    X_train = _validate.matrix(X_train, "X_train")
    mean = X_train.mean(axis=0)
    sd = X_train.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return tuple((_validate.matrix(A, "X", n_cols=X_train.shape[1]) - mean) / sd
                 for A in (X_train, *others))  # fmt: skip
