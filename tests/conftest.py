"""Fixtures shared by the unit tests."""

import os
import warnings

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Property-based tests (tests/test_properties.py) run the same examples on every machine, in a
# bounded number, with no time limit per example (this machine's load varies): CI time is
# predictable. HYPOTHESIS_PROFILE=explore searches more widely, at random, when hunting bugs.
settings.register_profile(
    "initlab",
    derandomize=True,
    max_examples=200,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "initlab"))


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
