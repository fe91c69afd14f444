"""Figures a student can read: one colour per start in every figure, text of at least 10 pt,
per-layer histograms that stay readable when layers collapse, a map per hidden unit, and no
empty panels."""

import itertools
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from helpers import activations, explorers, init, lessons, plotting  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("default_style")]

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALL_STARTS = {**plotting.SCHEME_COLORS, **plotting.START_COLORS}


# ------------------------------------------------------------------------------ colours


def test_lab_matches_the_cie_reference_values():
    assert plotting.lab("white") == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert plotting.lab("black") == pytest.approx([0.0, 0.0, 0.0], abs=0.01)
    # sRGB primaries in CIE L*a*b* (D65), as tabulated in the colour-science literature
    assert plotting.lab("#ff0000") == pytest.approx([53.24, 80.09, 67.20], abs=0.05)
    assert plotting.lab("#0000ff") == pytest.approx([32.30, 79.19, -107.86], abs=0.05)
    assert plotting.color_distance("#ff0000", "#ff0000") == 0.0
    d = plotting.color_distance("white", "black")
    assert d == pytest.approx(100.0, abs=0.01) == plotting.color_distance("black", "white")


def test_every_start_has_a_colour_and_any_two_differ_clearly():
    assert set(plotting.SCHEME_COLORS) == set(init.SCHEMES)
    for name in ALL_STARTS:
        assert plotting.start_color(name) == ALL_STARTS[name]
    assert len(set(ALL_STARTS.values())) == len(ALL_STARTS)
    d, a, b = plotting.closest_colors(ALL_STARTS)
    assert d >= plotting.MIN_START_DISTANCE, (a, b, d)
    brute = min(
        plotting.color_distance(ALL_STARTS[x], ALL_STARTS[y])
        for x, y in itertools.combinations(ALL_STARTS, 2)
    )
    assert d == pytest.approx(brute)
    # the margin for starts shown side by side rejects the two browns that once drew
    # 0.01·N(0,1) and N(0,1)
    assert plotting.color_distance("#c49a6c", "#8c564b") < plotting.SIDE_BY_SIDE_DISTANCE


SIDE_BY_SIDE = {
    "03 tanh gradients": ["σ = 1 (85% saturated)", "σ = 0.01 (none saturated)"],
    "03 relu": [f"σ = {name} ({start})" for name, _, start in lessons.RELU_SCALES],
    "04 funnel": list(lessons.FAN_MODES),
    "04 tanh": [label for label, _, _ in lessons.TANH_CASES],
    "04 gains tanh": [c[3] for c in lessons.GAIN_CASES if c[0] == "tanh"],
    "04 gains relu": [c[3] for c in lessons.GAIN_CASES if c[0] == "relu"],
    "05 schemes": [s.label for s in lessons.SCHEME_STARTS],
    "05 failing": [s.label for s in lessons.FAILING_STARTS],
    "05 first layer": [s.label for s in lessons.FIRST_LAYER_STARTS],
    "05 reference": [label for label, _, _ in lessons.REFERENCE_RUNS],
    "07 deep": [s.label for s in lessons.DEEP_STARTS],
}


@pytest.mark.parametrize("figure", list(SIDE_BY_SIDE))
def test_starts_one_figure_draws_side_by_side_are_far_apart(figure):
    colors = {label: plotting.start_color(label) for label in SIDE_BY_SIDE[figure]}
    d, a, b = plotting.closest_colors(colors)
    assert d >= plotting.SIDE_BY_SIDE_DISTANCE, (a, b, d)


def test_labels_name_the_start_they_draw():
    he = plotting.SCHEME_COLORS["he_normal"]
    for label in ("He", "He normal", "He (mismatch)", "Kaiming", "He, Xavier's layer 1"):
        assert plotting.start_color(label) == he  # He is one colour everywhere
    small = plotting.START_COLORS["normal_small"]
    for label in ("0.01 N(0,1)", "N(0, 0.01²)", "normal scale 0.01", "σ = 0.01", "too small x"):
        assert plotting.start_color(label) == small
    assert plotting.start_color("N(0,1)") == plotting.SCHEME_COLORS["normal"] != small
    assert plotting.start_color("N(0,1) x 10") == plotting.START_COLORS["normal_large"]
    assert plotting.start_color("Xavier x gain 5/3") == plotting.START_COLORS["xavier_gain"]
    assert plotting.start_color("Xavier uniform") == plotting.SCHEME_COLORS["xavier_uniform"]
    assert plotting.start_color("fan_in") == plotting.SCHEME_COLORS["lecun_normal"]
    # every start of the lessons gets the colour of its scheme, or of its naive normal's size
    starts = lessons.SCHEME_STARTS + lessons.FAILING_STARTS + lessons.FIRST_LAYER_STARTS
    for s in starts:
        if s.bias == "torch":
            expected = "pytorch_default"
        elif s.init == "normal":
            expected = "normal_small" if s.scale < 0.1 else "normal_large"
        else:
            expected = s.init
        assert plotting.start_color(s.label) == ALL_STARTS[expected], s.label


def test_start_color_refuses_what_it_does_not_know():
    with pytest.raises(ValueError, match="'banana'.*he_normal"):
        plotting.start_color("banana")
    with pytest.raises(TypeError, match="start"):
        plotting.start_color(3)


def _notebook_cells(name):
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _run_cells(name, *needles):
    """Run a notebook's setup cell and then the code cells containing each of ``needles``, in
    that order; returns the namespace (magics left out)."""
    cells = _notebook_cells(name)
    setup = next(c for c in cells if "SEED = " in c)
    ns: dict = {}
    for needle in (None, *needles):
        src = setup if needle is None else next(c for c in cells if needle in c)
        exec("\n".join(ln for ln in src.splitlines() if not ln.startswith("%")), ns)
    return ns


def _labelled_lines(fig):
    return [ln for ax in fig.axes for ln in ax.lines if not ln.get_label().startswith("_")]


def _small_texts(fig):
    fig.canvas.draw()
    return [
        (t.get_text(), t.get_fontsize())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_fontsize() < plotting.MIN_FONT_SIZE
    ]


@pytest.mark.parametrize(
    "notebook, needles",
    [
        ("03_vanishing_and_saturation.ipynb", ("relu_scales = ", "for (name, _, start)")),
        ("04_xavier_and_he.ipynb", ("lessons.gain_experiment", "the same runs, layer by layer")),
        ("04_xavier_and_he.ipynb", ("lessons.TANH_CASES", "mf, xavier = ")),
    ],
)
def test_lesson_figures_draw_each_start_in_its_colour_with_10_pt_text(notebook, needles):
    fig = _run_cells(notebook, *needles)["fig"]
    lines = _labelled_lines(fig)
    assert len(lines) >= 3
    for line in lines:
        label = line.get_label()
        color = plotting.start_color(label.removesuffix(": theory").removesuffix(": mean field"))
        if label.endswith(": theory"):  # drawn over the measurement in a darker shade
            color = plotting.theory_color(color)
        assert to_hex(line.get_color()) == color, label
    assert _small_texts(fig) == []


def test_the_training_explorer_draws_the_loss_in_the_start_colour():
    ex = explorers.build_training_explorer(epochs=5, n=40, resolution=20)
    assert to_hex(ex.loss_line.get_color()) == plotting.start_color("He")
    ex.controls["scheme"].value = "xavier_normal"
    assert to_hex(ex.loss_line.get_color()) == plotting.start_color("Xavier")
    ex.close()


PICKING = re.compile(
    r"colou?rs?\s*=\s*(?:[\"'#(\[]|np\.)|[\"']C\d[\"']|#[0-9a-fA-F]{6}\b|cmap\s*=|"
    r"(?:fontsize|labelsize)\s*=\s*(?:[\"'](?:x+-)?small[\"']|[0-9]\b|[0-9]\.)"
)


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb")))
def test_notebook_cells_pick_no_colours_and_no_small_text(notebook):
    for src in _notebook_cells(notebook):
        assert PICKING.search(src) is None, src


def test_the_picking_pattern_finds_what_it_is_for():
    for src in ('ax.plot(x, color="C3")', "colors = np.where(bad, a, b)", 'c = "#b2182b"',
                'ax.legend(fontsize="small")', "ax.tick_params(labelsize=7)"):  # fmt: skip
        assert PICKING.search(src), src
    assert PICKING.search("color=plotting.start_color(label)") is None


def test_outcome_plots_colour_stuck_runs_red():
    fig, (a, b) = plotting.new_figure(1, 2)
    losses = [np.linspace(1, 0.1, 5), np.full(5, 0.7)]
    lines = plotting.plot_seed_losses(a, losses, [False, True])
    assert [to_hex(ln.get_color()) for ln in lines] == [
        plotting.STUCK_COLORS["fine"], plotting.STUCK_COLORS["stuck"]
    ]  # fmt: skip
    bars = plotting.plot_final_losses(b, [3, 1], [0.1, 0.7], [False, True])
    expected = [to_hex(c) for c in plotting.outcome_colors([0, 1])]
    assert [to_hex(r.get_facecolor()) for r in bars] == expected
    with pytest.raises(ValueError, match="one value per run"):
        plotting.plot_final_losses(b, [1, 2], [0.1], [True])
    with pytest.raises(ValueError, match="stuck has 1"):
        plotting.plot_seed_losses(a, losses, [True])


def test_shade_saturated_shades_where_the_activation_saturates():
    fig, ax = plotting.new_figure()
    t = activations.SATURATION_Z["tanh"]
    spans = plotting.shade_saturated(ax, "tanh", (-8, 8))
    assert [(r.get_x(), r.get_x() + r.get_width()) for r in spans] == [
        pytest.approx((-8, -t)), pytest.approx((t, 8))
    ]  # fmt: skip
    assert len(plotting.shade_saturated(ax, "relu", (-8, 8))) == 1
    assert plotting.shade_saturated(ax, "linear") == []


# ------------------------------------------------------------------------------ explorers

SMALL = {"training": {"epochs": 30, "n": 80, "resolution": 30}, "symmetry": {"steps": 30}}


def _has_data(ax) -> bool:
    """True if the Axes shows something: a visible line with points, image, patch with area or
    collection with offsets."""
    for ln in ax.lines:
        if ln.get_visible() and np.isfinite(np.asarray(ln.get_ydata(), dtype=float)).sum() >= 1:
            return True
    if any(im.get_visible() for im in ax.images):
        return True
    for coll in ax.collections:
        if coll.get_visible() and (len(coll.get_offsets()) or len(coll.get_paths())):
            return True
    return any(p.get_visible() and abs(getattr(p, "get_height", lambda: 1)()) > 0
               for p in ax.patches)  # fmt: skip


@pytest.mark.parametrize("name", list(explorers.EXPLORERS))
def test_every_explorer_text_is_at_least_10_pt_and_no_panel_is_empty(name):
    ex = explorers.EXPLORERS[name](**SMALL.get(name, {}))
    ex.pixels()
    assert _small_texts(ex.figure) == []
    for ax in ex.figure.axes:
        assert _has_data(ax), ax.get_title(loc="left")
    ex.close()


def test_the_training_explorer_with_one_seed_shows_the_accuracy_not_an_empty_seed_panel():
    ex = explorers.build_training_explorer(epochs=20, n=60, resolution=20, restarts=1)
    acc = ex.values["history"].accuracy
    assert ex.accuracy_line.get_visible() and np.array_equal(ex.accuracy_line.get_ydata(), acc)
    assert not ex.seed_dots.get_visible() and not ex.ax_seeds.get_legend().get_visible()
    assert "accuracy" in ex.ax_seeds.get_ylabel()
    ex.controls["restarts"].value = 3
    assert not ex.accuracy_line.get_visible() and ex.seed_dots.get_visible()
    assert len(ex.seed_dots.get_offsets()) == 3 and ex.ax_seeds.get_ylabel() == "final loss"
    ex.controls["restarts"].value = 1
    assert ex.accuracy_line.get_visible() and not ex.seed_dots.get_visible()
    ex.close()


def test_symmetry_maps_are_identical_for_a_constant_start_and_differ_for_a_random_one():
    ex = explorers.build_symmetry_explorer(scheme="constant", scale=0.5, steps=20, hidden=12)
    maps = ex.values["unit_maps"]
    from helpers.explorers.symmetry import MAP_RESOLUTION, MAP_UNITS

    assert maps.shape == (MAP_UNITS, MAP_RESOLUTION, MAP_RESOLUTION) == (8, 24, 24)
    assert len(ex.maps) == 8
    assert all(np.array_equal(m, maps[0]) for m in maps)  # symmetric units stay identical
    assert np.ptp(maps[0]) > 0  # a map, not a constant
    for im, m in zip(ex.maps, maps):
        assert np.array_equal(np.asarray(im.get_array()), m)
    # the map is the unit's output over the grid, computed independently
    grid, _ = plotting.unit_map_grid(ex.X, resolution=MAP_RESOLUTION)
    A = ex.values["model"].forward(grid)[1].post[1]
    assert np.array_equal(maps[3], A[:, 3].reshape(MAP_RESOLUTION, MAP_RESOLUTION))
    ex.controls["scheme"].value = "xavier_normal"
    maps = ex.values["unit_maps"]
    assert all(not np.allclose(a, b) for a, b in itertools.combinations(maps, 2))
    assert [tuple(im.get_clim()) for im in ex.maps] == [(0.0, 1.0)] * 8  # sigmoid: one scale
    ex.close()
    few = explorers.build_symmetry_explorer(hidden=3, steps=0)
    assert len(few.maps) == 3 and few.values["unit_maps"].shape[0] == 3
    few.close()


def test_depth_histograms_keep_collapsing_layers_apart_on_a_log_magnitude_axis():
    ex = explorers.build_depth_explorer(scheme="normal", scale=0.01, depth=8)
    v = ex.values
    assert ex.ax_act.get_xscale() == "log" and ex.ax_grad.get_xscale() == "log"
    lo, hi = ex.ax_act.get_xlim()
    peaks = []
    for line, a in zip(ex.hist_act.lines, v["activations"]):
        x, y = line.get_xdata(), line.get_ydata()
        assert y.sum() / 2 > 0.99  # (each bin twice in the outline) nearly every value is shown
        m = np.abs(a[a != 0])
        assert lo <= np.quantile(m, 0.01) and m.max() <= hi
        peaks.append(np.log10(x[np.argmax(y)]))
    # each layer's peak moves left by the layer's std ratio (within two bins)
    bin_width = np.log10(hi / lo) / ex.hist_act.bins
    shift = np.diff(peaks)
    expected = np.diff(np.log10(v["act_std"]))
    assert np.all(np.abs(shift - expected) <= 2 * bin_width + 1e-12)
    assert np.all(shift < -0.5)  # a factor of about 0.16 per layer: no two layers on one spike
    ex.close()


def test_magnitude_histograms_count_log_equal_bins_of_all_values():
    fig, ax = plotting.new_figure()
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=500), 1e-3 * rng.normal(size=(20, 25)), np.zeros(10)]
    art = plotting.plot_layer_histograms(ax, arrays, bins=30, range=(1e-6, 10.0), magnitude=True)
    for line, a in zip(art.lines, arrays):
        a = np.ravel(a)
        nz = np.abs(a[a != 0])
        expected = np.histogram(np.log10(nz), bins=30, range=(-6, 1))[0] / a.size
        assert np.allclose(line.get_ydata()[1:-1:2], expected)
    assert np.allclose(art.lines[0].get_xdata()[::2][:31], np.logspace(-6, 1, 31))
    with pytest.raises(ValueError, match="0 < lo < hi"):
        plotting.update_layer_histograms(art, arrays, range=(0.0, 1.0))
    lo, hi = plotting.default_magnitude_range(arrays[:2])
    assert lo <= np.quantile(np.abs(arrays[1]), 0.005) and hi >= np.abs(arrays[0]).max()
    assert np.log10(lo) == int(np.log10(lo)) and np.log10(hi) == int(np.log10(hi))
