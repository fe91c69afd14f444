"""The course's explorers under the name the notebooks import (``from helpers.widgets import
build_depth_explorer``): a thin re-export of :mod:`helpers.explorers`, where they live."""

from .explorers import *  # noqa: F403
from .explorers import __all__  # noqa: F401
from .theory import depth_theory, gaussian_moments  # noqa: F401
