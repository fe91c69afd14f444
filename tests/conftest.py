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
