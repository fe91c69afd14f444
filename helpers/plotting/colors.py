"""Colours: one per scheme, one per activation, one per class and per layer, the same in every
figure of the course."""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap

from .. import _validate

SCHEME_COLORS = {
    "zeros": "#4d4d4d",  # greys: the symmetric schemes
    "constant": "#a0a0a0",
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
}
"""Colours of starts that are not one scheme of :data:`SCHEME_COLORS` (PyTorch's default, a
LeCun-uniform draw scaled by 1/sqrt(3) with a random bias, gets its own colour)."""

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

FORWARD_COLOR = "#1f77b4"
"""Colour of forward-pass quantities (activations) when shown beside backward ones."""
BACKWARD_COLOR = "#d95f02"
"""Colour of backward-pass quantities (gradients)."""


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
