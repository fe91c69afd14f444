"""Factories for the explorers' controls, so that every explorer's sliders and menus look and
behave the same: a logarithmic scale slider, the scheme and activation menus, integer sliders.

Each factory validates the initial value and raises ``ValueError`` naming the control, the bad
value and what is allowed. Controls whose change retrains a network act when the slider is
released (``continuous_update=False``); cheap ones follow the drag.
"""

from __future__ import annotations

import math

import ipywidgets as W

from .. import _validate, activations
from .. import init as schemes

LAYOUT = {"width": "275px"}
"""Width of one control in the explorers' grid."""
STYLE = {"description_width": "85px"}
"""Width of a control's label."""


def fmt(x) -> str:
    """A number for a read-out: 3 significant digits, no trailing zeros (0.01, 1.5, 100)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.3g}"


def pct(x) -> str:
    """A fraction as a percentage for a read-out (``<0.1%`` and ``>99.9%`` at the ends)."""
    if x is None or math.isnan(x):
        return "n/a"
    if 0 < x < 0.001:
        return "<0.1%"
    if 0.999 < x < 1:
        return ">99.9%"
    return f"{100 * x:.1f}%"


def choices(control) -> list:
    """The values a menu or a selection slider offers, in order (of ``(label, value)`` options,
    the values); ``[]`` for a slider over numbers. ``control`` may also be a list of options."""
    options = getattr(control, "options", control if isinstance(control, (list, tuple)) else ())
    return [o[1] if isinstance(o, tuple) else o for o in options]


def ends(control) -> list:
    """The values at the two ends of a slider's range (a log slider's, not its exponents; a
    selection slider's first and last option); ``[]`` for a menu."""
    if isinstance(control, W.FloatLogSlider):
        return [control.base**control.min, control.base**control.max]
    if isinstance(control, W.SelectionSlider):
        values = choices(control)
        return [values[0], values[-1]]
    return [control.min, control.max] if hasattr(control, "min") else []


def dropdown(options, value, description: str, what: str | None = None) -> W.Dropdown:
    """A menu of ``options`` (values, or ``(label, value)`` pairs) starting at ``value``."""
    _validate.choice(value, choices(options), what or description)
    return W.Dropdown(
        options=options, value=value, description=description, layout=W.Layout(**LAYOUT),
        style=STYLE,
    )  # fmt: skip


def scheme_menu(value: str) -> W.Dropdown:
    """The initialisation scheme: every name of :data:`helpers.init.SCHEMES` (synonyms such as
    ``kaiming_normal`` are refused with the course's name in the message)."""
    return dropdown(schemes.SCHEMES, schemes.check_scheme(value), "init scheme")


def activation_menu(value: str) -> W.Dropdown:
    """The hidden activation: every name of :data:`helpers.activations.ACTIVATIONS`."""
    return dropdown(
        tuple(activations.ACTIVATIONS), activations.check_activation(value), "activation"
    )


def int_slider(value, lo: int, hi: int, description: str, *, step: int = 1, what=None,
               continuous: bool = False) -> W.IntSlider:  # fmt: skip
    """An integer slider over ``lo..hi``; acts on release unless ``continuous``."""
    what = what or description
    value = _validate.positive_int(value, what, minimum=lo)
    if value > hi:
        raise ValueError(f"{what} must be between {lo} and {hi}; got {value}")
    return W.IntSlider(
        value=value, min=lo, max=hi, step=step, description=description,
        continuous_update=continuous, layout=W.Layout(**LAYOUT), style=STYLE,
    )  # fmt: skip


def choice_slider(options, value, description: str) -> W.SelectionSlider:
    """A slider over a few fixed values (e.g. layer widths); acts on release."""
    if value not in options:
        allowed = ", ".join(map(str, options))
        raise ValueError(f"{description} must be one of {allowed}; got {value!r}")
    return W.SelectionSlider(
        options=options, value=value, description=description, continuous_update=False,
        layout=W.Layout(**LAYOUT), style=STYLE,
    )  # fmt: skip


def log_slider(value, lo: float, hi: float, description: str, *, what=None,
               continuous: bool = True, step: float = 0.05) -> W.FloatLogSlider:  # fmt: skip
    """A base-10 logarithmic slider over ``lo..hi``. Its read-out is shown by the explorer as a
    label formatted with :func:`fmt` (ipywidgets' own format cannot drop trailing zeros)."""
    what = what or description
    value = _validate.real(value, what, positive=True)
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be between {fmt(lo)} and {fmt(hi)}; got {value!r}")
    return W.FloatLogSlider(
        value=value, base=10, min=math.log10(lo), max=math.log10(hi), step=step,
        description=description, readout=False, continuous_update=continuous,
        layout=W.Layout(width="212px"), style=STYLE,
    )  # fmt: skip


SCALE_RANGE = (1e-3, 1e2)
"""Range of every explorer's ``scale`` slider."""


def scale_slider(value, *, continuous: bool = True) -> W.FloatLogSlider:
    """The weight-scale slider every explorer has: logarithmic over 1e-3..1e2 (see
    :func:`helpers.init.initialize` for what ``scale`` means for each scheme)."""
    return log_slider(value, *SCALE_RANGE, "scale", continuous=continuous)


def labelled(control) -> W.Widget:
    """What the explorer shows for ``control``: a log slider with its formatted read-out beside
    it, any other control as it is."""
    if not isinstance(control, W.FloatLogSlider):
        return control
    label = W.Label(fmt(control.value), layout=W.Layout(width="58px"))

    def relabel(change):
        label.value = fmt(change["new"])

    control.observe(relabel, names="value")
    return W.HBox([control, label], layout=W.Layout(**LAYOUT))
