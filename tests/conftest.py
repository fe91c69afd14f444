"""Fixtures shared by the unit tests."""

import warnings

import matplotlib
import numpy as np
import pytest


@pytest.fixture
def strict():
    """Every floating-point problem except underflow raises; every warning is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


@pytest.fixture
def default_style():
    """The test starts in the default style and leaves matplotlib's rcParams as it found them."""
    from helpers import plotting

    with matplotlib.rc_context():
        plotting.use_style("default")
        yield
        plotting.use_style("default")


@pytest.fixture(scope="session")
def moons_with_targets():
    """``make(n, noise)`` -> ``X (n, 2)`` of the moons and a target per output of the MLP:
    ``{"sigmoid": labels, "softmax": 3 classes, "linear": 2 columns}``."""
    from helpers.data import make_moons

    def make(n: int, noise: float):
        X, y = make_moons(n, noise=noise, rng=np.random.default_rng(0))
        targets = {
            "sigmoid": y,
            "softmax": np.arange(n) % 3,
            "linear": np.column_stack([X[:, 0], X[:, 1] ** 2]),
        }
        return X, targets

    return make
