"""helpers.widgets: every control of every explorer, driven headless by setting ``.value``, on the
Agg backend and on ipympl's, checking that the right numbers and artists changed the right way."""

import base64
import gc
import io
import re

import matplotlib

matplotlib.use("agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from helpers import activations, data, diagnostics, init, plotting, widgets  # noqa: E402
from helpers.explorers import controls as C  # noqa: E402
from helpers.mlp import MLP  # noqa: E402
from helpers.train import train  # noqa: E402

IPYMPL = "module://ipympl.backend_nbagg"


@pytest.fixture(params=["agg", IPYMPL])
def backend(request):
    """Build the explorers under Agg (scripts, tests) and under ipympl (%matplotlib widget)."""
    old = matplotlib.get_backend()
    matplotlib.use(request.param)
    yield request.param
    matplotlib.use(old)


# Every explorer must be quiet: any warning fails a test. The one known exception is ipympl's
# own deprecation of its toolbar traits, raised inside ipympl/traitlets.
pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ipympl"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:traitlets"),
    pytest.mark.usefixtures("default_style"),
]


def title(ax):
    """The axes' title wherever it is placed (the course style puts titles on the left)."""
    return " ".join(ax.get_title(loc) for loc in ("left", "center", "right")).strip()


def visible(lines):
    return [line for line in lines if line.get_visible()]


# ------------------------------------------------------------------------------ common contract

CONTROLS = {
    "symmetry": ["scheme", "scale", "activation", "bias", "seed", "steps"],
    "saturation": ["scale", "activation", "fan_in"],
    "depth": ["scheme", "scale", "activation", "depth", "width"],
    "residual": ["block", "norm", "scaling", "depth", "scheme", "scale", "activation"],
    "training": [
        "dataset",
        "scheme",
        "scale",
        "activation",
        "depth",
        "width",
        "lr",
        "epochs",
        "seed",
        "restarts",
    ],
    "phase": ["scheme", "scale", "bias_variance"],
    "isometry": ["activation", "scale", "depth"],
}
SMALL = {"training": {"epochs": 50, "n": 100, "resolution": 40}}
HEAVY = {"steps", "epochs", "restarts", "dataset", "depth", "width", "seed", "fan_in"}


@pytest.mark.parametrize("name", list(widgets.EXPLORERS))
def test_explorer_contract(name, backend):
    ex = widgets.EXPLORERS[name](**SMALL.get(name, {}))
    try:
        assert list(ex.controls) == CONTROLS[name]
        assert "initlab-explorer" in ex.widget.get_state()["_dom_classes"]  # the CSS class
        for cname, control in ex.controls.items():
            assert control.description, f"{name}.{cname} has no label"
            if cname in HEAVY and hasattr(control, "continuous_update"):  # sliders, not menus
                assert control.continuous_update is False, f"{name}.{cname} must act on release"
        scale = ex.controls["scale"]
        assert isinstance(scale, ipywidgets.FloatLogSlider)
        assert scale.min <= -3 and scale.max >= 2 and scale.base == 10
        assert scale.value == 1.0
        if name == "training":
            assert ex.controls["lr"].continuous_update is False
            assert scale.continuous_update is False
        else:
            assert scale.continuous_update is True  # cheap: follows the drag
        if backend == IPYMPL:
            assert ex.mode == "live"
            canvas = ex.figure.canvas
            assert canvas in ex.widget.children
            assert canvas.header_visible is False
        else:
            assert ex.mode == "none"
            assert not any(isinstance(c, plotting.Figure) for c in ex.widget.children)
        ex.figure.canvas.draw()  # renders on both backends
    finally:
        ex.close()


def tree(widget):
    """Every widget shown inside ``widget`` (itself included)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from tree(child)


def test_scale_readout_is_formatted_compactly():
    ex = widgets.build_saturation_explorer()
    slider = ex.controls["scale"]
    (box,) = [w for w in tree(ex.widget) if slider in getattr(w, "children", ())]
    (label,) = [w for w in box.children if isinstance(w, ipywidgets.Label)]
    for value, text in [(0.01, "0.01"), (1.5, "1.5"), (100.0, "100"), (0.001, "0.001")]:
        slider.value = value
        assert label.value == text
    ex.close()


def test_bad_initial_values_are_refused_with_the_options():
    with pytest.raises(ValueError, match="'xavier'.*xavier_uniform"):
        widgets.build_symmetry_explorer(scheme="xavier")
    with pytest.raises(ValueError, match="scale must be between 0.001 and 100"):
        widgets.build_saturation_explorer(scale=1e3)
    with pytest.raises(ValueError, match="width must be one of"):
        widgets.build_depth_explorer(width=100)
    with pytest.raises(ValueError, match="dataset"):
        widgets.build_training_explorer(dataset="mnist")
    with pytest.raises(ValueError, match="bias"):
        widgets.build_symmetry_explorer(bias="ones")


# ------------------------------------------------------------------------------ 1. symmetry


def unit_curves(ex, which="trained"):
    lines = ex.unit_lines if which == "trained" else ex.unit_lines_init
    return np.array([line.get_ydata() for line in lines])


def test_symmetry_zero_init_keeps_one_distinct_unit_through_training(backend):
    ex = widgets.build_symmetry_explorer()  # zeros, sigmoid, circles
    v = ex.values
    assert v["distinct_init"] == 1 and v["distinct_trained"] == 1
    curves = unit_curves(ex)
    assert all(np.array_equal(c, curves[0]) for c in curves)  # drawn exactly on top
    assert "distinct units: 1 of 8" in title(ex.ax_units)
    assert np.all(v["spread"] == 0.0) and v["spread"].size == 201
    assert [b.get_height() for b in ex.grad_bars] == [0.0] * 8  # no gradient reaches them
    ex.close()


def test_symmetry_scheme_control_random_schemes_separate_the_units(backend):
    ex = widgets.build_symmetry_explorer()
    for scheme in init.SCHEMES:
        ex.controls["scheme"].value = scheme
        v = ex.values
        if scheme in init.RANDOM_SCHEMES:
            assert v["distinct_init"] == 8, scheme
            assert v["distinct_trained"] == 8, scheme
            assert v["spread"][0] > 0 and v["spread"][-1] > 0
            heights = np.array([b.get_height() for b in ex.grad_bars])
            assert len(set(heights)) > 1
            # the bars show the gradients in units of a power of ten (named on the axis)
            power = heights / v["grad_to_units"]
            assert np.allclose(power, power[0])
            assert np.isclose(np.log10(power[0]), round(np.log10(power[0])))
        else:
            assert v["distinct_trained"] == 1, scheme
            assert np.all(v["spread"] == 0.0), scheme
    ex.close()


def test_symmetry_constant_init_trains_but_units_stay_identical(backend):
    ex = widgets.build_symmetry_explorer(scheme="constant", activation="tanh")
    v = ex.values
    assert v["final_loss"] < 0.5 * v["loss"][0]  # it learns something...
    assert v["distinct_trained"] == 1  # ...with 8 copies of one unit
    curves = unit_curves(ex)
    assert np.ptp(curves[0]) > 0.1 and all(np.array_equal(c, curves[0]) for c in curves)
    heights = {b.get_height() for b in ex.grad_bars}
    assert len(heights) == 1 and heights != {0.0}  # the same non-zero gradient for every unit
    ex.close()


def test_symmetry_scale_control_scales_the_initial_units(backend):
    ex = widgets.build_symmetry_explorer(scheme="normal", activation="linear", scale=0.5)
    before = unit_curves(ex, "init")
    ex.controls["scale"].value = 1.0
    after = unit_curves(ex, "init")
    assert np.allclose(after, 2.0 * before)  # linear units, zero biases: outputs ∝ weights
    ex.close()


def test_symmetry_activation_control(backend):
    ex = widgets.build_symmetry_explorer(scheme="xavier_normal", scale=3.0, steps=0)
    for act, lo, hi in [("sigmoid", 0, 1), ("tanh", -1, 1), ("relu", 0, np.inf)]:
        ex.controls["activation"].value = act
        curves = unit_curves(ex, "init")
        assert curves.min() >= lo and curves.max() <= hi
    ex.controls["activation"].value = "relu"
    assert unit_curves(ex, "init").min() == 0.0  # ReLU's zeros
    ex.close()


def test_symmetry_bias_control_random_biases_break_the_symmetry(backend):
    ex = widgets.build_symmetry_explorer()
    ex.controls["bias"].value = "normal"
    assert ex.values["distinct_init"] == 8 and ex.values["distinct_trained"] == 8
    levels = unit_curves(ex, "init")[:, 0]  # zero weights: each unit outputs sigmoid(b_j)
    assert len(set(levels)) == 8
    ex.controls["bias"].value = "constant"
    assert ex.values["distinct_trained"] == 1
    assert np.allclose(unit_curves(ex, "init"), activations.sigmoid(0.5))
    ex.close()


def test_symmetry_seed_control_redraws_random_weights_only(backend):
    ex = widgets.build_symmetry_explorer(scheme="he_normal")
    a = unit_curves(ex, "init")
    ex.controls["seed"].value = 7
    b = unit_curves(ex, "init")
    assert not np.allclose(a, b)
    ex.controls["scheme"].value = "zeros"
    z7 = unit_curves(ex, "init")
    ex.controls["seed"].value = 0
    assert np.array_equal(z7, unit_curves(ex, "init"))  # zeros draws no random numbers
    ex.close()


def test_symmetry_steps_control_sets_the_training_length_and_matches_helpers_train(backend):
    ex = widgets.build_symmetry_explorer(scheme="xavier_normal", steps=0)
    assert ex.values["loss"].size == 1
    ex.controls["steps"].value = 120
    loss = ex.values["loss"]
    assert loss.size == 121 and ex.loss_line.get_xdata().size == 121
    assert loss[-1] < loss[0]
    reference = train(ex.model(), ex.X, ex.y, epochs=120, lr=ex.lr)
    assert np.array_equal(loss, reference.loss)  # the same gradient descent, bit for bit
    assert np.array_equal(ex.values["spread"], reference.spread[:, 0])
    ex.close()


def test_symmetry_steps_beyond_divergence_show_the_last_finite_state():
    ex = widgets.build_symmetry_explorer(scheme="normal", scale=10.0, activation="linear",
                                         lr=100.0, steps=300)  # fmt: skip
    reference = train(ex.model(), ex.X, ex.y, epochs=300, lr=100.0)
    assert reference.diverged and ex.values["diverged"]
    assert np.array_equal(ex.values["loss"], reference.loss)
    ex.close()


# ------------------------------------------------------------------------------ 2. saturation


def test_saturation_scale_x10_gives_pre_activation_std_x10(backend):
    ex = widgets.build_saturation_explorer(scale=0.05)
    s1, lim1 = ex.values["z_std"], ex.ax_z.get_xlim()
    ex.controls["scale"].value = 0.5
    s2, lim2 = ex.values["z_std"], ex.ax_z.get_xlim()
    assert s2 / s1 == pytest.approx(10.0, rel=0.05)
    assert s2 == pytest.approx(ex.values["z_std_theory"], rel=0.05)  # scale * sqrt(fan_in)
    assert lim2[1] >= 2 * lim1[1]  # the histogram's range follows the spread (nice numbers)
    ex.close()


def test_saturation_large_weights_pile_sigmoid_units_at_0_and_1(backend):
    ex = widgets.build_saturation_explorer(scale=1.0, fan_in=100)  # std(z) = 10
    v = ex.values
    assert v["saturated_fraction"] > 0.6
    assert v["saturated_fraction"] == pytest.approx(v["saturated_theory"], abs=0.03)
    heights = ex.a_hist.get_xy()[1:-1:2, 1][:60]
    assert heights[0] + heights[-1] > 0.5  # more than half the outputs in the two end bins
    assert v["mean_derivative"] < 0.06
    ex.controls["scale"].value = 0.001
    v = ex.values
    assert v["saturated_fraction"] == 0.0
    assert v["mean_derivative"] == pytest.approx(0.25, rel=0.01)
    heights = ex.a_hist.get_xy()[1:-1:2, 1][:60]
    assert heights[29] + heights[30] > 0.99  # all outputs next to sigmoid(0) = 0.5
    ex.close()


def test_saturation_exercise_five_percent_boundary_for_fan_in_100():
    # fewer than 5% saturate while std(z) < 3.64 / 1.96, i.e. scale < 0.186 for fan_in 100
    ex = widgets.build_saturation_explorer(scale=0.15, fan_in=100)
    assert ex.values["saturated_fraction"] < 0.05 and ex.values["saturated_theory"] < 0.05
    ex.controls["scale"].value = 0.25
    assert ex.values["saturated_fraction"] > 0.05 and ex.values["saturated_theory"] > 0.05
    ex.close()


def test_saturation_fan_in_control(backend):
    ex = widgets.build_saturation_explorer(scale=0.1, fan_in=25)
    s1 = ex.values["z_std"]
    ex.controls["fan_in"].value = 400
    assert ex.values["z_std"] / s1 == pytest.approx(4.0, rel=0.05)  # sqrt(400 / 25)
    ex.close()


def test_saturation_activation_control_moves_the_shaded_region(backend):
    ex = widgets.build_saturation_explorer(scale=0.3)
    ex.controls["activation"].value = "tanh"
    assert ex.sat.shade_high.get_x() == pytest.approx(activations.SATURATION_Z["tanh"])
    assert np.allclose(ex.act.f.get_ydata(), np.tanh(ex.act.f.get_xdata()))
    tanh_sat = ex.values["saturated_fraction"]
    assert tanh_sat == pytest.approx(diagnostics.saturated_fraction(ex.values["Z"], "tanh"))
    ex.controls["activation"].value = "relu"
    assert ex.values["saturated_fraction"] == 0.0
    assert ex.values["inactive_fraction"] == pytest.approx(0.5, abs=0.03)
    assert not ex.sat.shade_high.get_visible()
    assert "z ≤ 0" in title(ex.ax_a)
    ex.close()


# ------------------------------------------------------------------------------ 3. depth


def test_depth_control_one_histogram_per_layer(backend):
    ex = widgets.build_depth_explorer()
    assert len(visible(ex.hist_act.lines)) == 10 and len(visible(ex.hist_grad.lines)) == 10
    assert ex.std_act.line.get_xdata().size == 10
    ex.controls["depth"].value = 50
    assert len(visible(ex.hist_act.lines)) == 50 and len(visible(ex.hist_grad.lines)) == 50
    assert ex.values["act_std"].shape == (50,) and ex.values["grad_std"].shape == (50,)
    ex.controls["depth"].value = 3
    assert len(visible(ex.hist_act.lines)) == 3
    assert ex.hist_act.mappable.get_clim() == (1, 3)
    ex.close()


def test_depth_textbook_pairs_stay_level_and_small_weights_collapse(backend):
    ex = widgets.build_depth_explorer(scheme="he_normal", activation="relu")
    assert 0.5 < ex.values["act_ratio"] < 2 and 0.5 < ex.values["grad_ratio"] < 2
    ex.set(scheme="xavier_normal", activation="tanh", scale=init.gain("tanh"))
    assert 0.5 < ex.values["act_ratio"] < 2 and 0.5 < ex.values["grad_ratio"] < 2.5
    ex.set(scheme="normal", scale=0.01)  # 0.01 * N(0, 1): each layer multiplies std by 0.16
    v = ex.values
    assert v["act_std"][-1] < 1e-7 and v["act_ratio"] < 1e-6 and v["grad_ratio"] < 1e-6
    assert ex.ax_std.get_ylim()[0] < v["act_std"][-1]  # the collapse is on the plot
    ex.close()


def test_depth_xavier_relu_shrinks_by_sqrt2_per_layer():
    ex = widgets.build_depth_explorer(scheme="xavier_normal", activation="relu", depth=30)
    predicted = 2.0 ** (-29 / 2)  # fan_in = fan_out: Var(w) = 1/width, ReLU halves E[a^2]
    assert predicted / 2 < ex.values["act_ratio"] < predicted * 2
    ex.close()


def test_depth_plain_xavier_with_tanh_shrinks_slowly_as_its_theory_says():
    ex = widgets.build_depth_explorer()  # xavier_normal, scale 1 (no tanh gain), tanh
    v = ex.values
    assert 0.25 < v["act_ratio"] < 0.6
    assert np.allclose(v["act_std"], v["act_theory"], rtol=0.05)
    assert np.allclose(v["grad_std"], v["grad_theory"], rtol=0.05)
    theory_line = ex.std_act.theory.get_ydata()
    assert np.allclose(theory_line, v["act_theory"])
    ex.close()


def test_depth_scale_control_scales_the_first_layer_exactly_for_linear_units(backend):
    ex = widgets.build_depth_explorer(activation="linear", scale=0.5)
    before = ex.values["act_std"]
    ex.controls["scale"].value = 1.0
    # every layer's weights double, so layer l's linear outputs grow by 2**l
    assert np.allclose(ex.values["act_std"] / before, 2.0 ** np.arange(1, 11), rtol=1e-9)
    ex.close()


def test_depth_scheme_and_activation_controls(backend):
    ex = widgets.build_depth_explorer(depth=5, width=64)
    ex.controls["scheme"].value = "zeros"
    assert np.all(ex.values["act_std"] == 0.0)  # tanh(0) = 0 everywhere
    assert ex.values["act_theory"] is None
    assert "layers 1-5" in ex.std_act.note.get_text()
    ex.controls["activation"].value = "sigmoid"
    assert np.all(ex.values["act_std"] == 0.0)  # sigmoid(0) = 0.5 everywhere: still no spread
    ex.set(scheme="he_normal", activation="relu")
    assert ex.values["act_std"][0] == pytest.approx(ex.values["act_theory"][0], rel=0.1)
    assert ex.values["zero_share"] == pytest.approx(0.5, abs=0.05)  # ReLU's exact zeros, set aside
    assert all(np.all(a > 0) for a in ex.values["activations"])
    ex.close()


def test_depth_width_control(backend):
    ex = widgets.build_depth_explorer(depth=4, width=256)
    assert ex.values["activations"][0].size == 64 * 256
    ex.controls["width"].value = 32
    assert ex.values["activations"][0].size == 512 * 32
    ex.close()


def test_depth_backward_pass_matches_the_mlp():
    ex = widgets.build_depth_explorer(depth=4, width=32, activation="tanh")
    X, up = ex.inputs(32)
    model = MLP([32] * 6, activation="tanh", output="linear", init="xavier_normal", seed=0)
    _, cache = model.forward(X)
    grads = model.backward_from_delta(cache, up)
    expected = [diagnostics.std(grads.dA[l]) for l in range(1, 5)]
    assert np.allclose(ex.values["grad_std"], expected, rtol=1e-12)
    ex.close()


def test_depth_is_quiet_at_the_extremes_of_the_sliders():
    ex = widgets.build_depth_explorer()
    ex.set(scheme="normal", scale=100.0, activation="linear", depth=60, width=512)
    assert np.all(np.isfinite(ex.values["act_std"]))
    assert ex.values["act_std"][-1] == pytest.approx(ex.values["act_theory"][-1], rel=0.5)
    ex.set(scale=0.001, activation="sigmoid")
    ex.figure.canvas.draw()
    ex.close()


# ------------------------------------------------------------------------------ 4. training


def boundary(ex):
    return np.array(ex.boundary.image.get_array())


def test_training_changes_the_decision_boundary(backend):
    ex = widgets.build_training_explorer(epochs=0)
    untrained = boundary(ex)
    ex.controls["epochs"].value = 300
    trained = boundary(ex)
    assert np.mean(np.abs(trained - untrained)) > 0.1
    assert ex.values["final_accuracy"] > 0.95
    _, _, points = ex.boundary.grid
    expected = ex.values["model"].predict_proba(points).reshape(trained.shape)
    assert np.allclose(trained, expected)
    assert ex.loss_line.get_xdata().size == 301
    assert ex.progress.bar.value == 1.0
    ex.close()


def test_training_dataset_control(backend):
    ex = widgets.build_training_explorer(**SMALL["training"])
    ex.controls["dataset"].value = "circles"
    X, _ = data.make_circles(100, rng=np.random.default_rng(0))
    assert np.array_equal(ex.boundary.scatter.get_offsets(), X)
    ex.close()


def test_training_depth_and_width_controls(backend):
    ex = widgets.build_training_explorer(**SMALL["training"])
    ex.controls["depth"].value = 4
    assert ex.values["model"].sizes == [2, 16, 16, 16, 16, 1]
    assert len(visible(ex.grad_lines)) == 5
    ex.controls["width"].value = 5
    assert ex.values["model"].sizes == [2, 5, 5, 5, 5, 1]
    ex.close()


def test_training_lr_epochs_scheme_scale_activation_controls(backend):
    ex = widgets.build_training_explorer(**SMALL["training"])
    ex.controls["lr"].value = 0.001
    slow = ex.values["history"].loss
    assert slow[-1] > 0.95 * slow[0]
    ex.controls["lr"].value = 1.0
    fast = ex.values["history"].loss
    assert fast[-1] < 0.7 * fast[0]
    ex.controls["epochs"].value = 100
    assert ex.values["history"].loss.size == 101
    ex.controls["scheme"].value = "zeros"
    G = ex.values["history"].grad_norm
    assert np.all(G[:, :2] == 0.0)  # ReLU with zero weights: the hidden layers never learn
    assert "exactly 0" in ex.grad_note.get_text()
    ex.controls["scheme"].value = "he_normal"
    start = ex.values["history"].loss[0]
    ex.controls["scale"].value = 10.0
    assert ex.values["history"].loss[0] > 3 * start  # big weights: a confidently wrong start
    ex.controls["activation"].value = "tanh"
    assert ex.values["model"].activation == "tanh"
    ex.close()


def test_training_seed_and_restarts_controls(backend):
    ex = widgets.build_training_explorer(**SMALL["training"])
    loss0 = ex.values["history"].loss[0]
    ex.controls["seed"].value = 3
    assert ex.values["history"].loss[0] != loss0
    ex.controls["restarts"].value = 5
    v = ex.values
    assert v["final_losses"].shape == (5,) and list(v["seeds"]) == [3, 4, 5, 6, 7]
    best = int(np.argmin(v["final_losses"]))
    assert v["best_seed"] == 3 + best
    assert v["final_loss"] == v["final_losses"][best]
    assert len(visible(ex.restart_lines)) == 5
    offsets = ex.seed_dots.get_offsets()
    assert np.allclose(offsets[:, 1], v["final_losses"])
    reference = train(ex.model(seed=v["best_seed"]), *ex.data(), epochs=50, lr=0.5)
    assert np.array_equal(reference.loss, v["history"].loss)
    assert np.array_equal(reference.grad_norm, v["history"].grad_norm)
    ex.close()


def test_training_can_be_interrupted_and_shows_the_run_so_far():
    ex = widgets.build_training_explorer(epochs=50, n=100, resolution=40)
    shown = ex.progress.show
    fired = []

    def interrupt_half_way(fraction, seconds_left=None):
        # Jupyter's Kernel > Interrupt arrives as a KeyboardInterrupt, wherever the code is
        if fraction >= 0.5 and not fired:
            fired.append(fraction)
            raise KeyboardInterrupt
        shown(fraction, seconds_left)

    ex.progress.show = interrupt_half_way
    ex.controls["epochs"].value = 2000
    v = ex.values
    assert fired and v["stopped"] and v["finished"]
    assert 900 <= v["epochs_run"] < 2000
    assert v["history"].loss.size == v["epochs_run"] + 1
    assert "stopped" in ex.progress.label.value
    assert "stopped" in title(ex.ax_loss)
    ex.close()


# ------------------------------------------------------------------- style, display, leaks


def test_lecture_mode_restyles_live_explorers(backend):
    ex = widgets.build_depth_explorer(depth=3, width=32)
    title = ex.ax_std.title.get_fontsize()
    tick = ex.ax_std.get_xticklabels()[0].get_fontsize()
    lw = ex.std_act.line.get_linewidth()
    plotting.use_style("lecture")
    assert ex.ax_std.title.get_fontsize() > 1.5 * title
    assert ex.ax_std.get_xticklabels()[0].get_fontsize() > 1.5 * tick
    assert ex.std_act.line.get_linewidth() == pytest.approx(2 * lw)
    ex.controls["depth"].value = 4  # still works after restyling
    ex.figure.canvas.draw()
    plotting.use_style("default")
    assert ex.ax_std.title.get_fontsize() == pytest.approx(title)
    ex.close()


@pytest.mark.parametrize("name", list(widgets.EXPLORERS))
def test_static_view_png_and_stable_text(name, backend):
    kw = SMALL.get(name, {})
    a, b = widgets.EXPLORERS[name](**kw), widgets.EXPLORERS[name](**kw)
    bundle = a._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    image = Image.open(io.BytesIO(png))
    w, h = a.figure.get_size_inches() * 80
    assert image.size == (round(w), round(h))
    assert len(np.unique(np.asarray(image.convert("L")))) > 20  # a real picture, not blank
    assert bundle["text/plain"] == b._repr_mimebundle_()["text/plain"]
    assert "JupyterLab" in bundle["text/plain"]
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert re.fullmatch("[0-9a-f]{32}", view["model_id"])
    assert view["model_id"] == a.widget.model_id
    a.close()
    b.close()


def test_inline_backend_shows_a_picture_that_follows_the_controls():
    old = matplotlib.get_backend()
    matplotlib.use("module://matplotlib_inline.backend_inline")
    try:
        ex = widgets.build_saturation_explorer()
        assert ex.mode == "image"
        image = [c for c in ex.widget.children if isinstance(c, ipywidgets.Image)]
        assert len(image) == 1
        before = image[0].value
        ex.controls["scale"].value = 0.01
        assert bytes(image[0].value) != bytes(before)
        assert bytes(image[0].value).startswith(b"\x89PNG")
        ex.close()
    finally:
        matplotlib.use(old)


def _drive(ex, name):
    if name == "symmetry":
        ex.set(scheme="he_normal", scale=2.0, activation="tanh", bias="normal", seed=1, steps=20)
    elif name == "saturation":
        ex.set(scale=3.0, activation="tanh", fan_in=10)
        ex.controls["scale"].value = 0.02
    elif name == "depth":
        ex.set(scheme="he_normal", scale=1.5, activation="relu", depth=6, width=32)
    elif name == "residual":
        ex.set(block="plain", norm="batch", scaling="gpt2", depth=6, scheme="lecun_normal")
        ex.set(block="residual", norm="none", scaling="fixup", scale=0.5, activation="tanh")
    elif name == "training":
        ex.set(dataset="xor", scheme="lecun_normal", activation="tanh", depth=1, width=4)
        ex.set(lr=0.2, epochs=10, seed=2, restarts=2, scale=0.5)
    else:  # any other explorer of the registry: every control to another of its values
        ex.set(**{key: _other_value(w) for key, w in ex.controls.items()})


def _other_value(w):
    """A value of control ``w`` other than its current one (the last option of a menu, the
    low end of a slider: cheap to compute)."""
    if hasattr(w, "options") and not hasattr(w, "min"):
        values = C.choices(w)
        return next((v for v in reversed(values) if v != w.value), w.value)
    if isinstance(w, ipywidgets.FloatLogSlider):
        return w.base**w.min if w.value != w.base**w.min else w.base**w.max
    return w.min if w.value != w.min else w.max


ROUNDS = 8  # enough for a leak of one figure or widget a round to show; each round builds all


@pytest.mark.slow
def test_rounds_of_every_explorer_leave_no_figures_and_no_widgets(backend):
    figures = list(plt.get_fignums())
    gc.collect()
    shown = []
    small = {
        "symmetry": {"steps": 20},
        "training": {"epochs": 10, "n": 60, "resolution": 30},
        "depth": {"depth": 4, "width": 32},
        "residual": {"depth": 4},
    }
    for round_ in range(ROUNDS):
        for name, build in widgets.EXPLORERS.items():
            ex = build(**small.get(name, {}))
            _drive(ex, name)
            if round_ == 0:  # render once: drawing and the static picture must be quiet too
                ex.figure.canvas.draw()
                ex._repr_mimebundle_()
            ex.close()
            shown.extend(tree(ex.widget))
    assert plt.get_fignums() == figures
    assert all(w.comm is None for w in shown)  # every widget of every explorer was closed


def test_symmetry_shows_a_diverged_run_without_warnings():
    ex = widgets.build_symmetry_explorer(
        scheme="normal", scale=10.0, activation="linear", lr=100.0, steps=300
    )
    v = ex.values
    assert v["diverged"] and v["distinct_trained"] is None and v["loss"].size < 301
    assert np.all(np.isfinite(v["loss"]))
    assert "diverged" in title(ex.ax_units) and "diverged" in ex.readout.value
    ex.figure.canvas.draw()
    ex.close()
