"""Plots for the course: ``plot_*(ax, ...)`` functions that draw on a given Axes and return their
artists, and for each an ``update_*`` function that changes those artists in place.

One module per kind of figure, every name re-exported here (``plotting.plot_layer_std``):

==============  ==================================================================================
``colors``      one colour per start (:func:`start_color`), activation, class, layer, unit
``style``       the ``"default"`` and ``"lecture"`` styles (:func:`use_style`), :func:`new_figure`,
                tidy axes, the style's sizes (:func:`fontsize`, :func:`linewidth`)
``ranges``      axis limits, log-safe copies, histogram fractions, step outlines (numbers only)
``curves``      the loss, the gradient norm per layer and the unit spread over training
``layers``      the std per layer (with a theory line) and one histogram per layer
``saturation``  f and f' of an activation, pre-activations with the saturated region, outputs
``units``       each hidden unit's output along a path through the data and over the plane
``boundary``    a 2-D dataset and a network's decision boundary
``phase``       the phase diagram of signal propagation, trainability, Jacobian spectra, muP
``sweeps``      a quantity against a swept setting (median and min-max band over seeds)
==============  ==================================================================================

Nothing here trains or calls ``plt.show()``/``savefig``: the numbers come from
:mod:`helpers.mlp`, :mod:`helpers.train`, :mod:`helpers.diagnostics` and :mod:`helpers.theory`,
and the explorers (:mod:`helpers.explorers`) re-run them and call the ``update_*`` functions
when a slider moves.

Typical use in a notebook::

    from helpers import plotting
    fig, ax = plotting.new_figure()
    plotting.plot_layer_std(ax, stds, theory=1.0, label="xavier, tanh")
    fig          # ending the cell with the figure shows it
"""

from matplotlib.figure import Figure

from .boundary import (
    BoundaryArtists,
    class1_probability,
    level_segments,
    plot_dataset,
    plot_decision_boundary,
    update_dataset,
    update_decision_boundary,
)
from .colors import (
    ACTIVATION_COLORS,
    BACKWARD_COLOR,
    CLASS_COLORS,
    FORWARD_COLOR,
    LAYER_CMAP,
    MIN_START_DISTANCE,
    PROBABILITY_CMAP,
    SCHEME_COLORS,
    SIDE_BY_SIDE_DISTANCE,
    START_COLORS,
    STUCK_COLORS,
    UNIT_COLORS,
    activation_color,
    closest_colors,
    color_distance,
    lab,
    layer_colors,
    outcome_colors,
    scheme_color,
    start_color,
    theory_color,
    unit_color,
)
from .curves import (
    LOSS_GID,
    fit_loss_axes,
    plot_final_losses,
    plot_grad_norms,
    plot_loss,
    plot_loss_band,
    plot_seed_losses,
    plot_unit_spread,
    update_grad_norms,
    update_loss,
    update_unit_spread,
)
from .layers import (
    STD_GID,
    HistogramArtists,
    LayerStdArtists,
    default_histogram_range,
    default_magnitude_range,
    plot_layer_histograms,
    plot_layer_std,
    update_layer_histograms,
    update_layer_std,
)
from .phase import (
    plot_correlation_depth,
    plot_lr_sweep,
    plot_phase,
    plot_spectrum,
    plot_trainability,
    update_correlation_depth,
    update_phase_marker,
    update_spectrum,
)
from .ranges import (
    count_limit,
    decade_limits,
    finite_positive,
    histogram_fractions,
    log_limits,
    masked,
    nice_ceil,
    nice_limits,
    spans_decades,
    step_outline,
    sticky_decades,
    sticky_limits,
    sticky_top,
)
from .saturation import (
    OUTPUT_RANGE,
    ActivationArtists,
    SaturationArtists,
    output_range,
    plot_activation,
    plot_outputs,
    plot_saturation,
    saturation_range,
    shade_saturated,
    update_activation,
    update_outputs,
    update_saturation,
)
from .style import (
    LEGEND_CORNERS,
    MIN_FONT_SIZE,
    SIZES,
    STYLE_ENV,
    STYLES,
    CourseFigure,
    SafeLogLocator,
    TidyLocator,
    count_locator,
    course_figure,
    current_style,
    figure_scale,
    figure_style,
    fontsize,
    linewidth,
    markersize,
    new_figure,
    panel_title,
    place_legend,
    register,
    restyle_figure,
    set_limits,
    set_scale,
    set_text,
    style_rc,
    tidy_axes,
    use_style,
)
from .sweeps import plot_sweep, sweep_spread
from .units import (
    MAP_CMAP,
    data_path,
    fit_unit_axes,
    plot_unit_maps,
    plot_unit_outputs,
    unit_map_grid,
    unit_outputs_on_path,
    update_unit_maps,
    update_unit_outputs,
)

__all__ = [name for name in dir() if not name.startswith("_")]
