"""Every explorer driven through 200 random control values (60 for the training explorer), the
way a student drags and picks: no exception, no warning, nothing infinite drawn, no figure left
behind (helpers.explorers)."""

import gc
import warnings

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import Collection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from helpers import explorers  # noqa: E402
from helpers.explorers import controls as C  # noqa: E402

CHANGES = 200
# every change of the training explorer trains anew (up to 8 x 64, 3000 epochs, 20 restarts;
# about 3 s a change here): it gets fewer random changes and small data so that it fits in CI,
# while the controls' ranges are untouched
FEWER = {"training": 60}
SMALL = {"training": {"n": 24, "resolution": 12}, "symmetry": {"n": 40}}


def random_value(control, rng):
    """A value the control can take in the browser, chosen at random."""
    options = C.choices(control)
    if options:
        return options[rng.integers(len(options))]
    if hasattr(control, "base"):  # a log slider: any multiple of its step, ends included
        lo, hi, step = control.min, control.max, control.step
        k = rng.integers(int(round((hi - lo) / step)) + 1)
        return float(control.base ** min(lo + k * step, hi))
    if isinstance(control.value, bool):
        return bool(rng.integers(2))
    lo, hi, step = control.min, control.max, control.step
    return int(lo + step * rng.integers((hi - lo) // step + 1))


def infinite_in(fig) -> list:
    """Artists of ``fig`` whose data hold an infinity (NaN means 'nothing here' and is allowed
    in lines; an image must be finite everywhere)."""
    bad = []
    for artist in fig.findobj():
        if not getattr(artist, "get_visible", lambda: False)():
            continue
        if isinstance(artist, Line2D):
            data = np.asarray(artist.get_xydata(), float)
            if np.isinf(data).any():
                bad.append(artist)
        elif isinstance(artist, AxesImage):
            if not np.all(np.isfinite(np.asarray(artist.get_array(), float))):
                bad.append(artist)
        elif isinstance(artist, Collection) and len(artist.get_offsets()):
            if np.isinf(np.asarray(artist.get_offsets(), float)).any():
                bad.append(artist)
    return bad


def figures() -> int:
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


@pytest.mark.parametrize("name", list(explorers.EXPLORERS))
def test_random_changes(name):
    rng = np.random.default_rng(2026)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = explorers.EXPLORERS[name](**SMALL.get(name, {}))
        before = figures()
        names = list(ex.controls)
        for i in range(FEWER.get(name, CHANGES)):
            control_name = names[rng.integers(len(names))]
            control = ex.controls[control_name]
            value = random_value(control, rng)
            control.value = value  # the figure follows synchronously
            state = f"change {i}: {control_name}={value!r}, state {ex.state}"
            assert ex.values, state
            assert not infinite_in(ex.figure), f"{state}: {infinite_in(ex.figure)}"
            assert ex.readout.value, state
        ex.pixels()
        assert figures() == before, "figures left behind"
        ex.close()
