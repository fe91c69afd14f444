"""Colours: one per start (scheme and scale), one per activation, one per class and per layer,
the same in every figure of the course.

Every curve of a start takes its colour from :func:`start_color`, which knows the scheme names,
the starts of :data:`START_COLORS` and the labels the lessons give their starts ("He",
"Xavier x gain 5/3", "0.01 N(0,1)", "too large N(0,10^2)", "σ = 1", ...). Colours are compared
in CIE L*a*b* (:func:`color_distance`), where a distance of about 2.3 is just noticeable.
"""

from __future__ import annotations

import itertools
import re

import matplotlib as mpl
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from .. import _validate

SCHEME_COLORS = {
    "zeros": "#555555",  # greys: the symmetric schemes
    "constant": "#b4b4b4",
    "uniform": "#c49a6c",  # browns: the naive random schemes
    "normal": "#8c564b",
    "lecun_uniform": "#74c476",  # greens: LeCun
    "lecun_normal": "#2ca02c",
    "xavier_uniform": "#6baed6",  # blues: Xavier/Glorot
    "xavier_normal": "#1f77b4",
    "he_uniform": "#fc8d59",  # reds: He/Kaiming
    "he_normal": "#d62728",
    "orthogonal": "#9467bd",  # purple
}
"""Colour of each initialisation scheme (every name in :data:`helpers.init.SCHEMES`).

One hue per family (greys: zeros/constant, browns: uniform/normal, greens: LeCun, blues: Xavier,
reds: He, purple: orthogonal); the ``*_uniform`` variant is the lighter shade."""

START_COLORS = {
    "pytorch_default": "#e7298a",  # magenta: nn.Linear's own start, its weights and its bias
    "normal_small": "#bcbd22",  # olive: N(0, 0.01²), too small (N(0, 1) is "normal", brown)
    "normal_large": "#000000",  # black: N(0, 10²), too large
    "xavier_gain": "#17becf",  # teal: Xavier times an activation's gain (5/3, sqrt 2)
    "fan_out": "#e6ab02",  # gold: variance 1/fan_out (Keras's VarianceScaling mode="fan_out")
}
"""Colours of starts that are not one scheme of :data:`SCHEME_COLORS` at scale 1: PyTorch's
default (a LeCun-uniform draw scaled by 1/sqrt(3) with a random bias), a naive normal that is
too small or too large, Xavier with a gain, and the fan_out variance rule."""

MIN_START_DISTANCE = 20.0
"""Smallest CIE L*a*b* distance (:func:`color_distance`) between the colours of any two starts
(about 9 just-noticeable differences; a scheme's uniform and normal variants, one hue in two
shades, are the closest pairs)."""

SIDE_BY_SIDE_DISTANCE = 35.0
"""Smallest distance between the colours of starts that one figure draws side by side: more
than matplotlib's tab10 keeps between its two closest colours (27.7) and more than the two
browns (30.2) that once drew 0.01·N(0,1) and N(0,1) so alike that they read as one."""

ACTIVATION_COLORS = {
    "sigmoid": "#e69f00",  # Okabe-Ito palette: distinguishable with colour blindness
    "tanh": "#0072b2",
    "relu": "#009e73",
    "leaky_relu": "#cc79a7",
    "linear": "#555555",
    "scaled_tanh": "#56b4e9",
}
"""Colour of each hidden activation (every name in :data:`helpers.activations.ACTIVATIONS`)."""

CLASS_COLORS = ("#2166ac", "#b2182b")
"""Colours of class 0 (blue) and class 1 (red) of the 2-D datasets; the decision-boundary map
uses the same two ends (:data:`PROBABILITY_CMAP`)."""

PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "initlab_probability", [CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1]]
)
"""Colour map of P(class 1): blue at 0, white at 0.5, red at 1."""

LAYER_CMAP = mpl.colormaps["viridis"]
"""Sequential colour map for layers: the first layer is dark purple, deep layers green/yellow."""

STUCK_COLORS = {"stuck": CLASS_COLORS[1], "fine": CLASS_COLORS[0]}
"""Colours of a run that got stuck (red) and of one that did not (blue), see
:func:`outcome_colors`."""


def outcome_colors(stuck) -> list:
    """One colour per run: :data:`STUCK_COLORS` ``"stuck"`` where ``stuck`` is true, else
    ``"fine"``."""
    stuck = np.asarray(stuck, dtype=bool).ravel()
    return [STUCK_COLORS["stuck"] if bad else STUCK_COLORS["fine"] for bad in stuck]


FORWARD_COLOR = "#1f77b4"
"""Colour of forward-pass quantities (activations) when shown beside backward ones."""
BACKWARD_COLOR = "#d95f02"
"""Colour of backward-pass quantities (gradients)."""


def lab(color) -> np.ndarray:
    """The CIE L*a*b* coordinates (D65 white, L* 0..100) of a matplotlib colour (a name, hex
    or RGB), from sRGB."""
    rgb = np.asarray(mpl.colors.to_rgb(color), dtype=np.float64)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )  # linear sRGB -> XYZ (D65)
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    d = 6.0 / 29.0
    f = np.where(xyz > d**3, np.cbrt(xyz), xyz / (3 * d**2) + 4.0 / 29.0)
    return np.array([116.0 * f[1] - 16.0, 500.0 * (f[0] - f[1]), 200.0 * (f[1] - f[2])])


def color_distance(a, b) -> float:
    """CIE 1976 colour difference (Euclidean distance in L*a*b*) of two matplotlib colours:
    about 2.3 is just noticeable; 0 for the same colour."""
    return float(np.linalg.norm(lab(a) - lab(b)))


def closest_colors(colors) -> tuple[float, str, str]:
    """The two closest of ``colors`` ({name: colour}): ``(distance, name_a, name_b)``."""
    pairs = itertools.combinations(dict(colors).items(), 2)
    return min((color_distance(ca, cb), a, b) for (a, ca), (b, cb) in pairs)


_FAMILIES = {"lecun": "lecun", "xavier": "xavier", "glorot": "xavier", "he": "he",
             "kaiming": "he", "orthogonal": "orthogonal", "zeros": "zeros", "zero": "zeros",
             "constant": "constant"}  # fmt: skip
_FAMILY = re.compile(r"\b(" + "|".join(_FAMILIES) + r")\b")
_FANS = {"fan_in": "lecun_normal", "fan_avg": "xavier_normal", "fan_out": "fan_out"}


def _normal_std(s: str):
    """The std of a naive normal start named in a (lower-case) label, or None."""
    m = re.search(r"σ\s*=\s*([0-9.]+)", s) or re.search(r"normal\s+scale\s+([0-9.]+)", s)
    if m:
        return float(m.group(1))
    m = re.search(r"([0-9.]*)\s*n\(0,\s*([0-9.]+)(\^2)?\)(\s*x\s*([0-9.]+))?", s)
    if not m:
        return None
    return float(m.group(1) or 1.0) * float(m.group(2)) * float(m.group(5) or 1.0)


def _start_key(label: str):
    """The key of :data:`SCHEME_COLORS`/:data:`START_COLORS` that a start's label names."""
    s = label.lower().replace("²", "^2").replace("·", " ").replace("×", " x ").replace("*", " x ")
    if "pytorch" in s:
        return "pytorch_default"
    if "too small" in s or "too large" in s:
        return "normal_small" if "too small" in s else "normal_large"
    for fan, key in _FANS.items():
        if fan in s:
            return key
    m = _FAMILY.search(s)
    if m:
        family = _FAMILIES[m.group(1)]
        if family == "xavier" and "gain" in s:
            return "xavier_gain"
        if family in ("lecun", "xavier", "he"):
            return family + ("_uniform" if "uniform" in s else "_normal")
        return family
    std = _normal_std(s)
    if std is None:
        return "uniform" if s.strip() == "uniform" else None
    return "normal_small" if std < 0.1 else "normal_large" if std > 3.0 else "normal"


def theory_color(color) -> str:
    """A darker shade of ``color`` (any matplotlib colour), as a hex string: a theory line drawn
    over its measurement in this shade stays visible where the two agree."""
    return mpl.colors.to_hex([0.55 * c for c in mpl.colors.to_rgb(color)])


def start_color(start: str) -> str:
    """The colour of a start, the same in every figure of the course.

    Parameters
    ----------
    start : str
        A scheme name (:data:`SCHEME_COLORS`), a start of :data:`START_COLORS`, or a start's
        label as the lessons write it: a scheme family ("He", "Xavier normal", "LeCun", with
        "uniform" for the uniform variant; "Xavier x gain 5/3" is ``xavier_gain``), "PyTorch
        default", a naive normal by its std ("N(0,1)", "0.01 N(0,1)", "N(0, 0.01²)",
        "normal scale 0.01", "σ = 0.01", "N(0,1) x 10"; below 0.1 is ``normal_small``, above 3
        ``normal_large``), "too small ..."/"too large ...", or a variance mode ("fan_in" is
        LeCun, "fan_avg" Xavier, "fan_out").

    Returns
    -------
    str
        A hex colour. An unrecognised name raises ValueError naming what is understood.
    """
    colors = {**SCHEME_COLORS, **START_COLORS}
    if not isinstance(start, str):
        raise TypeError(f"start must be a scheme name or a start's label (str); got {start!r}")
    key = start if start in colors else _start_key(start)
    if key is None:
        raise ValueError(
            f"unknown start {start!r}: use a scheme or start name ({', '.join(colors)}) or a "
            "label naming one (e.g. 'He', 'Xavier x gain 5/3', 'N(0,1)', '0.01 N(0,1)')"
        )
    return colors[key]


def scheme_color(name: str) -> str:
    """The colour of an initialisation scheme (see :data:`SCHEME_COLORS`) or of a start in
    :data:`START_COLORS`."""
    colors = {**SCHEME_COLORS, **START_COLORS}
    return colors[_validate.choice(name, colors, "init scheme")]


def activation_color(name: str) -> str:
    """The colour of an activation (see :data:`ACTIVATION_COLORS`)."""
    return ACTIVATION_COLORS[_validate.choice(name, ACTIVATION_COLORS, "activation")]


def layer_colors(n_layers: int) -> list:
    """``n_layers`` colours along :data:`LAYER_CMAP`, from layer 1 (dark) to layer L (light).

    The top 10% of viridis (pale yellow) is left out so that every layer stays visible on white.
    """
    n_layers = _validate.positive_int(n_layers, "n_layers")
    if n_layers == 1:
        return [LAYER_CMAP(0.0)]
    return [LAYER_CMAP(0.9 * i / (n_layers - 1)) for i in range(n_layers)]


UNIT_COLORS = [mpl.colormaps["tab10"](i) for i in range(10)]
"""Colours of hidden units in the symmetry plots (tab10, repeating after ten units)."""


def unit_color(j: int):
    """The colour of hidden unit ``j`` (0-based): :data:`UNIT_COLORS`, repeating."""
    return UNIT_COLORS[int(j) % len(UNIT_COLORS)]
