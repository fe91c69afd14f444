"""helpers.plotting: colours, style switching, and that every plot shows the numbers it is given
and updates them in place."""

import io
import warnings

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from helpers import activations, data, diagnostics, init, plotting  # noqa: E402
from helpers.mlp import MLP  # noqa: E402
from helpers.train import train  # noqa: E402

pytestmark = pytest.mark.usefixtures("default_style")


@pytest.fixture
def moons():
    return data.make_moons(120, rng=np.random.default_rng(0))


# ------------------------------------------------------------------------------ colours


def test_every_scheme_and_activation_has_its_own_colour():
    assert set(plotting.SCHEME_COLORS) == set(init.SCHEMES)
    assert set(plotting.ACTIVATION_COLORS) == set(activations.ACTIVATIONS)
    schemes = [to_rgba(c) for c in plotting.SCHEME_COLORS.values()]
    acts = [to_rgba(c) for c in plotting.ACTIVATION_COLORS.values()]
    assert len(set(schemes)) == len(schemes)
    assert len(set(acts)) == len(acts)
    assert plotting.scheme_color("he_normal") == plotting.SCHEME_COLORS["he_normal"]
    assert plotting.activation_color("tanh") == plotting.ACTIVATION_COLORS["tanh"]


def test_unknown_colour_names_are_refused_with_the_options():
    with pytest.raises(ValueError, match="kaiming_normal.*he_normal"):
        plotting.scheme_color("kaiming_normal")
    with pytest.raises(ValueError, match="softplus"):
        plotting.activation_color("softplus")


def test_layer_colours_run_from_dark_to_light():
    colors = plotting.layer_colors(10)
    assert len(colors) == 10
    luminance = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b, _ in colors]
    assert all(np.diff(luminance) > 0)


def test_activation_plot_uses_the_activation_colour():
    fig, ax = plotting.new_figure()
    lines = plotting.plot_activation(ax, "relu")
    assert to_rgba(lines.f.get_color()) == to_rgba(plotting.ACTIVATION_COLORS["relu"])
    assert to_rgba(lines.fprime.get_color()) == to_rgba(plotting.ACTIVATION_COLORS["relu"])


# ------------------------------------------------------------------------------ style


def _text_sizes(fig):
    ax = fig.axes[0]
    return (
        ax.title.get_fontsize(),
        ax.xaxis.label.get_fontsize(),
        ax.get_xticklabels()[0].get_fontsize(),
    )


def test_lecture_style_enlarges_existing_and_new_figures_and_switches_back():
    fig, ax = plotting.new_figure()
    (line,) = ax.plot([0, 1, 2], [1, 3, 2], marker="o")
    ax.set_title("title")
    ax.set_xlabel("x")
    fig.canvas.draw()
    before = _text_sizes(fig)
    lw, ms, size = line.get_linewidth(), line.get_markersize(), fig.get_size_inches().copy()

    plotting.use_style("lecture")
    assert plotting.current_style() == "lecture"
    after = _text_sizes(fig)
    assert all(a >= 1.5 * b for a, b in zip(after, before))
    assert line.get_linewidth() == pytest.approx(2 * lw)
    assert line.get_markersize() > 1.5 * ms
    assert np.all(fig.get_size_inches() > size)
    fig2, ax2 = plotting.new_figure()  # a figure made afterwards follows the style too
    ax2.set_title("t")
    assert ax2.title.get_fontsize() == pytest.approx(after[0])

    plotting.use_style("default")
    assert _text_sizes(fig) == pytest.approx(before)
    assert line.get_linewidth() == pytest.approx(lw)
    assert np.allclose(fig.get_size_inches(), size)


def test_use_style_refuses_unknown_modes():
    with pytest.raises(ValueError, match="projector"):
        plotting.use_style("projector")


def test_new_figure_stays_out_of_pyplot_and_shows_as_png():
    before = plt.get_fignums()
    fig, axes = plotting.new_figure(2, 3)
    assert axes.shape == (2, 3)
    assert plt.get_fignums() == before
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


# ------------------------------------------------------------------------------ data plots


def test_plot_dataset_shows_the_points_with_class_colours(moons):
    X, y = moons
    fig, ax = plotting.new_figure()
    sc = plotting.plot_dataset(ax, X, y)
    assert np.array_equal(sc.get_offsets(), X)
    facecolors = sc.to_rgba(sc.get_array())
    assert np.allclose(facecolors[y == 0, :3], to_rgba(plotting.CLASS_COLORS[0])[:3])
    assert np.allclose(facecolors[y == 1, :3], to_rgba(plotting.CLASS_COLORS[1])[:3])


def test_decision_boundary_shows_the_models_probability_and_updates_after_training(moons):
    X, y = moons
    model = MLP([2, 16, 1], activation="tanh", init="xavier_normal", seed=0)
    fig, ax = plotting.new_figure()
    art = plotting.plot_decision_boundary(ax, model, X, y, resolution=60)
    xx, yy, points = art.grid
    assert art.image.get_array().shape == (60, 60)
    assert np.allclose(art.image.get_array(), model.predict_proba(points).reshape(60, 60))
    before = np.array(art.image.get_array())

    train(model, X, y, epochs=300, lr=1.0)
    art2 = plotting.update_decision_boundary(art, model, X, y)
    assert art2.image is art.image and art2.contour is art.contour  # updated in place
    after = np.array(art.image.get_array())
    assert np.allclose(after, model.predict_proba(points).reshape(60, 60))
    assert np.mean(np.abs(after - before)) > 0.1
    # the black line is the 0.5 level: the model's probability on it is 0.5
    segs = np.vstack(art.contour.get_segments())
    assert len(segs) > 10
    p = model.predict_proba(segs)
    assert np.median(np.abs(p - 0.5)) < 0.05


def test_decision_boundary_follows_a_new_dataset():
    X1, y1 = data.make_moons(100, rng=np.random.default_rng(0))
    X2, y2 = data.make_circles(80, rng=np.random.default_rng(1))
    model = MLP([2, 8, 1], seed=0)
    fig, ax = plotting.new_figure()
    art = plotting.plot_decision_boundary(ax, model, X1, y1, resolution=30)
    art = plotting.update_decision_boundary(art, model, X2, y2)
    assert np.array_equal(art.scatter.get_offsets(), X2)
    xx, yy, _ = art.grid
    assert xx.min() == pytest.approx(X2[:, 0].min() - 0.5)
    assert ax.get_ylim() == pytest.approx((X2[:, 1].min() - 0.5, X2[:, 1].max() + 0.5))


def test_decision_boundary_refuses_a_regression_model(moons):
    X, y = moons
    fig, ax = plotting.new_figure()
    with pytest.raises(ValueError, match="linear"):
        plotting.plot_decision_boundary(ax, MLP([2, 4, 1], output="linear"), X, y)


# ------------------------------------------------------------------------------ curves


def test_plot_loss_goes_logarithmic_only_when_losses_span_decades():
    fig, (a1, a2) = plotting.new_figure(1, 2)
    line = plotting.plot_loss(a1, [0.7, 0.5, 0.4, 0.35])
    assert a1.get_yscale() == "linear"
    assert np.array_equal(line.get_ydata(), [0.7, 0.5, 0.4, 0.35])
    assert np.array_equal(line.get_xdata(), [0, 1, 2, 3])
    plotting.plot_loss(a2, np.geomspace(1.0, 1e-4, 50))
    assert a2.get_yscale() == "log"


def test_grad_norms_and_spread_show_the_history(moons):
    X, y = moons
    model = MLP([2, 6, 6, 1], activation="tanh", init="zeros", seed=0)
    hist = train(model, X, y, epochs=30, lr=0.5)
    fig, (a1, a2) = plotting.new_figure(1, 2)
    lines = plotting.plot_grad_norms(a1, hist)
    assert len(lines) == 3
    for i, line in enumerate(lines):
        expected = np.where(hist.grad_norm[:, i] > 0, hist.grad_norm[:, i], np.nan)
        assert np.allclose(line.get_ydata(), expected, equal_nan=True)
    assert a1.get_yscale() == "log"
    spread = plotting.plot_unit_spread(a2, hist)
    assert len(spread) == 2
    # zero init: the spread is exactly 0 at every epoch and must sit inside the visible range
    assert np.all(spread[0].get_ydata() == 0.0)
    lo, hi = a2.get_ylim()
    assert lo < 0.0 < hi


def test_grad_norm_lines_are_pooled_for_deeper_networks(moons):
    X, y = moons
    h3 = train(MLP([2, 4, 4, 1], seed=0), X, y, epochs=5, lr=0.1)
    h5 = train(MLP([2, 4, 4, 4, 4, 1], seed=0), X, y, epochs=5, lr=0.1)
    fig, ax = plotting.new_figure()
    lines = plotting.plot_grad_norms(ax, h3, max_layers=8)
    assert len(lines) == 8 and sum(line.get_visible() for line in lines) == 3
    plotting.update_grad_norms(lines, h5)
    assert sum(line.get_visible() for line in lines) == 5


# ------------------------------------------------------------------------------ per layer


def test_layer_std_plot_shows_each_layer_and_names_layers_whose_std_is_zero():
    fig, ax = plotting.new_figure()
    art = plotting.plot_layer_std(ax, [1.0, 0.5, 0.0, 0.0], theory=1.0)
    assert np.array_equal(art.line.get_xdata(), [1, 2, 3, 4])
    assert np.allclose(art.line.get_ydata(), [1.0, 0.5, np.nan, np.nan], equal_nan=True)
    assert np.array_equal(art.theory.get_ydata(), [1.0] * 4)
    assert "layers 3-4" in art.note.get_text()
    assert ax.get_yscale() == "log"
    plotting.update_layer_std(art, [2.0, 3.0], theory=[2.0, 2.5])
    assert np.array_equal(art.line.get_xdata(), [1, 2])
    assert np.array_equal(art.theory.get_ydata(), [2.0, 2.5])
    assert art.note.get_text() == ""
    lo, hi = ax.get_ylim()
    assert lo < 2.0 and hi > 3.0


@pytest.mark.parametrize("depth", [1, 2, 7, 60, 128])
def test_a_layer_axis_has_whole_numbers_only_and_few_of_them(depth):
    fig, ax = plotting.new_figure()
    plotting.plot_layer_std(ax, np.ones(depth))
    fig.canvas.draw()
    lo, hi = ax.get_xlim()
    shown = [t for t in ax.get_xticks() if lo <= t <= hi]
    assert 1 <= len(shown) <= 6, shown
    assert all(float(t).is_integer() for t in shown), shown
    plt.close(fig)


def test_layer_histograms_one_step_line_per_layer_with_the_right_fractions():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(0, s, size=(200, 50)) for s in (1.0, 0.5, 0.25)]
    fig, ax = plotting.new_figure()
    art = plotting.plot_layer_histograms(ax, arrays, bins=40, range=(-6, 6), max_layers=10)
    visible = [line for line in art.lines if line.get_visible()]
    assert len(art.lines) == 10 and len(visible) == 3
    for line, a in zip(visible, arrays):
        y = line.get_ydata()[1:-1:2]  # one height per bin
        assert y.size == 40
        assert y.sum() == pytest.approx(1.0)  # every value lies inside (-6, 6)
        assert np.allclose(y, np.histogram(a, bins=40, range=(-6, 6))[0] / a.size)
    # the narrower layer is taller at the centre
    assert visible[2].get_ydata().max() > 1.8 * visible[0].get_ydata().max()
    assert art.mappable.get_clim() == (1, 3)
    plotting.update_layer_histograms(art, arrays[:2])
    assert sum(line.get_visible() for line in art.lines) == 2
    assert art.mappable.get_clim() == (1, 2)
    lo, hi = art.range[0]
    # the default range covers four times the largest root mean square; the range shown before
    # (6) still does, without leaving most of the axis empty, so it stays (a steady picture)
    assert 4 * diagnostics.rms(arrays[0]) < 6.0
    assert (lo, hi) == (-6.0, 6.0)
    plotting.update_layer_histograms(art, [10 * a for a in arrays[:2]])  # much wider: it grows
    lo, hi = art.range[0]
    assert lo == -hi and hi == plotting.nice_ceil(1.2 * 40 * diagnostics.rms(arrays[0]))


def test_histogram_fractions():
    h = plotting.histogram_fractions(np.array([0.1, 0.2, 0.9, 5.0]), bins=2, range=(0, 1))
    assert np.allclose(h, [0.5, 0.25])  # 5.0 lies outside and is not shown


# ------------------------------------------------------------------------------ activations


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_plot_activation_draws_f_and_its_derivative(name):
    fig, ax = plotting.new_figure()
    z = np.linspace(-3, 3, 31)
    art = plotting.plot_activation(ax, name, z=z)
    assert np.allclose(art.f.get_ydata(), activations.activate(name, z))
    assert np.allclose(art.fprime.get_ydata(), activations.derivative(name, z))


def test_plot_saturation_shades_the_flat_tails():
    Z = np.random.default_rng(0).normal(0.0, 5.0, size=20_000)
    fig, ax = plotting.new_figure()
    art = plotting.plot_saturation(ax, Z, "sigmoid", bins=50)
    t = activations.SATURATION_Z["sigmoid"]
    lo, hi = ax.get_xlim()
    assert art.shade_high.get_x() == pytest.approx(t)
    assert art.shade_high.get_x() + art.shade_high.get_width() == pytest.approx(hi)
    assert art.shade_low.get_x() + art.shade_low.get_width() == pytest.approx(-t)
    heights = art.hist.get_xy()[1:-1:2, 1][:50]
    assert heights.sum() == pytest.approx(np.mean(np.abs(Z) < hi), abs=1e-9)

    plotting.update_saturation(art, Z, "tanh")
    assert art.shade_high.get_x() == pytest.approx(activations.SATURATION_Z["tanh"])
    plotting.update_saturation(art, Z, "relu")  # ReLU: the zero-slope half is shaded
    assert art.shade_low.get_visible() and not art.shade_high.get_visible()
    assert art.shade_low.get_x() + art.shade_low.get_width() == pytest.approx(0.0)
    plotting.update_saturation(art, Z, "linear")
    assert not art.shade_low.get_visible() and not art.shade_high.get_visible()


# ------------------------------------------------------------------------------ units


def test_identical_units_draw_identical_curves_and_random_ones_do_not(moons):
    X, _ = moons
    fig, (a1, a2) = plotting.new_figure(1, 2)
    same = plotting.plot_unit_outputs(a1, MLP([2, 5, 1], init="constant", scale=0.3), X)
    assert len(same) == 5
    assert all(np.array_equal(line.get_ydata(), same[0].get_ydata()) for line in same)
    assert np.ptp(same[0].get_ydata()) > 0.1  # not flat: constant weights still see the input
    rand = plotting.plot_unit_outputs(a2, MLP([2, 5, 1], init="xavier_normal", seed=1), X)
    ys = np.array([line.get_ydata() for line in rand])
    assert len({tuple(np.round(y, 12)) for y in ys}) == 5


def test_data_path_runs_along_the_main_axis_through_the_mean():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 2)) * [5.0, 0.5] + [1.0, 2.0]
    t, points = plotting.data_path(X, n_points=101)
    direction = points[-1] - points[0]
    assert abs(direction[1] / direction[0]) < 0.05  # along x, the axis of largest spread
    assert direction[0] > 0  # deterministic sign
    i = np.argmin(np.abs(t))  # t = 0 is the data's mean
    assert np.allclose(points[i], X.mean(axis=0), atol=abs(t[i]) + 1e-12)
    assert t[0] < (X[:, 0] - X[:, 0].mean()).min() and t[-1] > (X[:, 0] - X[:, 0].mean()).max()


def test_update_unit_outputs_changes_the_curves_in_place(moons):
    X, _ = moons
    fig, ax = plotting.new_figure()
    lines = plotting.plot_unit_outputs(ax, MLP([2, 3, 1], activation="linear", seed=0), X)
    y0 = np.array([line.get_ydata() for line in lines])
    A = plotting.update_unit_outputs(
        lines, MLP([2, 3, 1], activation="linear", scale=2.0, seed=0), X
    )
    y1 = np.array([line.get_ydata() for line in lines])
    assert np.allclose(y1, 2 * y0)  # linear units, zero biases: outputs scale with the weights
    assert np.array_equal(A.T, y1)


def test_plotting_is_quiet_for_extreme_values():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, (a1, a2, a3) = plotting.new_figure(1, 3)
        plotting.plot_layer_std(a1, [1e-300, 1e-150, 1e200], theory=[1.0, 1e-160, 1e250])
        plotting.plot_saturation(a2, np.array([1e6, -1e6, 0.0]), "sigmoid")
        plotting.plot_layer_histograms(a3, [np.zeros((10, 10)), np.full((5, 5), 1e-200)])
        buf = io.BytesIO()
        fig.savefig(buf, format="png")


def test_nice_limits_hold_still_while_the_data_move_a_little():
    assert [plotting.nice_ceil(x) for x in (0.3, 1.0, 1.7, 2.2, 3.0, 7.0, 1e-3, 0.0)] == [
        0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 1e-3, 1.0
    ]  # fmt: skip
    lo, hi = plotting.nice_limits(0.1, 0.9)
    assert lo <= 0.1 - 0.04 and hi >= 0.9 + 0.04
    assert plotting.nice_limits(0.11, 0.88) == (lo, hi)  # the same limits for similar data
    assert plotting.decade_limits([0.03, 2.0]) == (1e-2, 10.0)  # padded 3x, whole decades
    assert plotting.decade_limits([0.031, 2.1]) == (1e-2, 10.0)


def test_count_limits_are_round_and_leave_at_most_a_quarter_empty():
    assert [plotting.count_limit(n) for n in (0, 1, 10, 11, 200, 210, 260, 2000, 2001)] == [
        1.0, 1.0, 10.0, 12.5, 200.0, 250.0, 300.0, 2000.0, 2500.0
    ]  # fmt: skip
    for n in range(1, 3001):
        top = plotting.count_limit(n)
        assert n <= top < n / 0.75 + 1e-9
    # a slider moved by one step mostly keeps the limit (4 of 5 steps of 10 from 200 to 1000)
    same = [plotting.count_limit(n) == plotting.count_limit(n + 10) for n in range(200, 1000, 10)]
    kept = sum(same)
    assert kept >= 0.75 * 80


def test_set_limits_and_set_text_leave_an_unchanged_figure_unchanged():
    fig, ax = plotting.new_figure()
    text = ax.text(0.5, 0.5, "a")
    plotting.set_limits(ax, x=(0, 2), y=(1, 3))
    fig.canvas.draw()
    assert not fig.stale
    plotting.set_limits(ax, x=(0, 2), y=(1, 3))
    plotting.set_text(text, "a")
    assert not fig.stale  # nothing to redraw
    plotting.set_limits(ax, x=(0, 2.5))
    assert fig.stale and ax.get_xlim() == (0, 2.5)


def test_several_runs_on_one_axes_all_stay_in_view():
    fig, (a1, a2) = plotting.new_figure(1, 2)
    plotting.plot_layer_std(a1, [1e-2, 1e-4, 1e-6], label="small")
    plotting.plot_layer_std(a1, [1.0, 1.0, 1.0, 1.0, 1.0], theory=1.0, label="level")
    lo, hi = a1.get_ylim()
    assert lo < 1e-6 and hi > 1.0
    assert a1.get_xlim()[1] > 5
    plotting.plot_loss(a2, [0.7, 0.6, 0.5])
    plotting.plot_loss(a2, np.geomspace(0.7, 1e-4, 40))
    lo, hi = a2.get_ylim()
    assert a2.get_yscale() == "log" and lo < 1e-4 and hi > 0.7
    assert a2.get_xlim()[1] >= 39


def test_loss_band_draws_the_median_and_shades_only_finite_ranges():
    fig, ax = plotting.new_figure()
    median = np.geomspace(0.7, 1e-3, 50)
    high = median * 2
    high[30:] = np.inf  # a run that diverged at epoch 30
    line, band = plotting.plot_loss_band(ax, median, median / 2, high, label="m", color="#123456")
    assert np.array_equal(line.get_ydata(), median) and ax.get_yscale() == "log"
    assert to_rgba(band.get_facecolor()[0], 1.0) == to_rgba("#123456")
    ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
    assert np.all(np.isfinite(ys)) and ys.max() <= 1.4 + 1e-12, "the band stops where it is open"


def test_a_spectrum_counts_values_beyond_its_bins_in_the_end_bins_and_says_so():
    values = np.array([0.0, 1e-12, 1e-5, 1.0, 1.0, 1e3])  # 3 below the bins (1e-4), 1 above
    fig, ax = plotting.new_figure()
    line = plotting.plot_spectrum(ax, values, label="s")
    shown = np.asarray(line.get_ydata(), float)
    assert shown[0] == pytest.approx(3 / 6) and shown[-1] == pytest.approx(1 / 6)
    assert shown.sum() == pytest.approx(1.0)  # every value counted, zeros included
    assert "end bins" in ax.get_xlabel() and "1e-4" in ax.get_xlabel()
    plotting.update_spectrum(line, values[::-1])
    assert np.array_equal(np.asarray(line.get_ydata(), float), shown)  # one way of counting


def test_unit_axes_of_a_bounded_activation_show_its_whole_range_whatever_the_data():
    fig, ax = plotting.new_figure()
    plotting.fit_unit_axes(ax, np.array([0.49, 0.51]), bounds=plotting.OUTPUT_RANGE["sigmoid"])
    assert ax.get_ylim() == pytest.approx((-0.05, 1.05))
    plotting.fit_unit_axes(ax, np.array([0.0, 0.99]), bounds=plotting.OUTPUT_RANGE["sigmoid"])
    assert ax.get_ylim() == pytest.approx((-0.05, 1.05))  # the same axis: nothing to redraw
    plotting.fit_unit_axes(ax, np.array([-3.0, 7.0]))  # unbounded (relu): fitted to the data
    lo, hi = ax.get_ylim()
    assert lo <= -3.0 and hi >= 7.0


def test_place_legend_moves_to_a_free_corner_and_stays_while_it_is_free():
    fig, ax = plotting.new_figure()
    (rising,) = ax.plot(np.linspace(0, 1, 50), np.linspace(0, 1, 50), label="rising")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    legend = ax.legend(loc="upper right")
    fig.canvas.draw()
    # the line runs through the upper right and lower left corners: one of the others is free
    corner = plotting.place_legend(legend, [rising], "upper right")
    assert corner in ("upper left", "lower right")
    assert plotting.place_legend(legend, [rising], corner) == corner  # free: it stays
    rising.set_data(np.linspace(0, 1, 50), np.linspace(1, 0, 50))  # now through that corner
    moved = plotting.place_legend(legend, [rising], corner)
    assert moved in ("upper right", "lower left")
    fig.canvas.draw()
    box = legend.get_window_extent()
    points = ax.transData.transform(rising.get_xydata())
    assert not any(box.contains(x, y) for x, y in points)  # drawn where no point is
