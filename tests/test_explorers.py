"""The explorer contract (helpers.explorers.base), checked for every explorer in the registry and
for a minimal explorer written the way a lecturer would write a new one."""

import itertools

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import explorers, plotting  # noqa: E402
from helpers.explorers import controls as C  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("default_style")]

SMALL = {"training": {"epochs": 30, "n": 80, "resolution": 30}, "symmetry": {"steps": 30}}
# values each control can move to (the first that differs from its default is used)
OTHER = {
    "scheme": ["he_normal", "lecun_normal"],
    "scale": [0.3],
    "activation": ["tanh", "relu"],
    "bias": ["normal"],
    "bias_variance": [0.1],
    "seed": [5],
    "steps": [40],
    "fan_in": [30],
    "depth": [3],
    "width": [64, 32],
    "dataset": ["circles"],
    "lr": [0.2],
    "epochs": [50],
    "restarts": [2],
    "block": ["plain"],
    "norm": ["batch", "none"],
    "scaling": ["gpt2"],
}


def same(a, b) -> bool:
    """Deep equality of computed values (arrays bit for bit, nan equal to nan)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if hasattr(a, "weights"):  # a trained model: compare its parameters
        return same(a.weights, b.weights) and same(a.biases, b.biases)
    if hasattr(a, "loss") and hasattr(a, "grad_norm"):  # a History
        return same(a.loss, b.loss) and same(a.grad_norm, b.grad_norm)
    return a == b


@pytest.fixture(params=list(explorers.EXPLORERS))
def explorer(request):
    ex = explorers.EXPLORERS[request.param](**SMALL.get(request.param, {}))
    yield ex
    ex.close()


def test_compute_is_pure_and_returns_plain_numbers(explorer):
    state = explorer.state
    before = explorer.pixels()
    first = explorer.compute(state)
    second = explorer.compute(dict(state))
    assert isinstance(first, dict) and same(first, second)
    assert explorer.state == state  # no control moved
    assert np.array_equal(explorer.pixels(), before)  # no artist changed


def test_draw_returns_the_readout_and_update_shows_it(explorer):
    text = explorer.draw(explorer.compute(explorer.state))
    assert isinstance(text, str) and text
    explorer.update()
    assert explorer.readout.value == text


def test_every_control_is_labelled_and_changes_the_numbers_and_the_pixels(explorer):
    assert explorer.controls and all(c.description for c in explorer.controls.values())
    for name, control in explorer.controls.items():
        values, pixels = explorer.values, explorer.pixels()
        control.value = next(v for v in OTHER[name] if v != control.value)
        assert not same(explorer.values, values), f"{name} did not change the numbers"
        assert not np.array_equal(explorer.pixels(), pixels), f"{name} did not change the figure"


def test_rendering_blits_when_nothing_static_changed(explorer):
    explorer.render()
    full = explorer.renders["full"]
    explorer.render()  # nothing changed: only the animated artists are drawn again
    assert explorer.renders["full"] == full and explorer.renders["blit"] >= 1
    ref = explorer.pixels()
    explorer.figure.canvas.draw()  # a full draw gives the same picture
    assert np.array_equal(np.asarray(explorer.figure.canvas.buffer_rgba()), ref)


def test_redrawing_one_axes_gives_the_picture_of_a_full_draw(explorer):
    ax = explorer.figure.axes[0]
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.5 * (hi - lo))  # a static change in one Axes only
    axes = explorer.renders["axes"]
    partial = explorer.pixels()
    assert explorer.renders["axes"] == axes + 1
    explorer.figure.canvas.draw()
    full = np.asarray(explorer.figure.canvas.buffer_rgba())
    assert np.mean(np.any(partial != full, axis=2)) < 0.002  # antialiased edges at most


def test_a_label_that_reached_into_a_neighbour_leaves_no_hole_when_it_shrinks(explorer):
    """Redrawing one Axes clears where its decorations were; a label that had reached over its
    neighbours must not take their pixels with it when it shrinks back."""
    ax = explorer.figure.axes[0]
    label = ax.get_xlabel()
    ax.set_xlabel("a label wide enough to reach over the neighbouring panels " * 4)
    explorer.pixels()
    ax.set_xlabel(label)
    axes = explorer.renders["axes"]
    partial = explorer.pixels()
    assert explorer.renders["axes"] == axes + 1  # a redraw of Axes, not a full draw
    explorer.figure.canvas.draw()
    full = np.asarray(explorer.figure.canvas.buffer_rgba())
    assert np.mean(np.any(partial != full, axis=2)) < 0.002  # antialiased edges at most


SLOW = {"epochs", "restarts", "steps"}  # their ends take seconds: other tests move them there


def walk(explorer, *, extremes=True):
    """Move every control to each of its OTHER values (and the ends of its range), then back;
    yields after each move, with the explorer rendered."""
    for name, control in explorer.controls.items():
        start = control.value
        far = C.ends(control) if extremes and name not in SLOW else []
        for value in OTHER[name] + far + [start]:
            control.value = value
            explorer.render()
            yield name, value


def corners(explorer):
    """Every slider (but the slow ones) at its high end at once, then at its low end, with each
    option of each menu in turn: where the numbers, and so the tick labels, are longest;
    yields after each move, with the explorer rendered."""
    sliders = {n: C.ends(c) for n, c in explorer.controls.items() if n not in SLOW and C.ends(c)}
    menus = {n: C.choices(c) for n, c in explorer.controls.items()
             if n not in sliders and C.choices(c)}  # fmt: skip
    for end in (1, 0):
        explorer.set(**{n: values[end] for n, values in sliders.items()})
        for name, options in menus.items():
            start = explorer.controls[name].value
            for option in options:
                explorer.set(**{name: option})
                explorer.render()
                yield f"{'high' if end else 'low'} ends, {name}", option
            explorer.set(**{name: start})


def test_every_change_drawn_in_place_is_the_picture_of_a_full_draw(explorer):
    for name, value in walk(explorer):
        partial = explorer.pixels()
        explorer.figure.canvas.draw()
        full = np.asarray(explorer.figure.canvas.buffer_rgba())
        assert np.array_equal(partial, full), f"{name}={value}: not what a full draw shows"


def test_no_panel_reaches_over_another(explorer):
    """Each panel's drawing (its tight box: labels, tick labels, titles, legend) stays clear of
    every other panel's and inside the figure: no text runs into a neighbour or out of the
    picture, at the ends of the ranges too."""
    for name, value in itertools.chain(walk(explorer), corners(explorer)):
        renderer = explorer.figure.canvas.get_renderer()
        boxes = [(ax, ax.get_tightbbox(renderer)) for ax in explorer.figure.axes]
        x0, y0, x1, y1 = explorer.figure.bbox.padded(1.0).extents
        for ax, box in boxes:
            assert box.x0 >= x0 and box.y0 >= y0 and box.x1 <= x1 and box.y1 <= y1, (
                f"{name}={value}: the panel {ax.get_title(loc='left')!r} is cut at the edge"
            )
        for i, (ax, box) in enumerate(boxes):
            for other, other_box in boxes[i + 1 :]:
                assert not box.overlaps(other_box), (
                    f"{name}={value}: the panel {ax.get_title(loc='left')!r} reaches over "
                    f"{other.get_title(loc='left')!r}"
                )


def test_the_static_picture_shows_what_the_canvas_shows(explorer):
    from io import BytesIO

    from PIL import Image

    png = Image.open(BytesIO(explorer.png(dpi=explorer.figure.dpi))).convert("RGB")
    shown = explorer.pixels()[..., :3]
    assert png.size == (shown.shape[1], shown.shape[0])
    assert np.mean(np.asarray(png) != shown) < 0.01  # the same artists, animated ones included


def test_the_heading_shows_the_explorers_title(explorer):
    # an explorer's own attributes must not shadow the contract's names (``title`` is the
    # heading the widget shows and what repr() and the benchmarks read)
    assert isinstance(explorer.title, str) and explorer.title == type(explorer).title
    heading = explorer.widget.children[0]
    assert heading.value == f"<b>{type(explorer).title}</b>"
    assert repr(explorer).startswith(f"<{type(explorer).title}")


def test_the_registry_names_its_builders():
    for name, build in explorers.EXPLORERS.items():
        assert build.__name__ == f"build_{name}_explorer" and build.__doc__


# --------------------------------------------------------------------- a new explorer, minimal


class PowerExplorer(explorers.Explorer):
    """y = x ** power: the smallest explorer the contract allows."""

    title = "Power explorer"
    figsize = (4.0, 3.0)

    def make_controls(self, *, power):
        return {"power": C.log_slider(power, 0.1, 10.0, "power")}

    def build(self, fig):
        self.ax = fig.subplots()
        self.ax.set_xlim(0, 1)
        self.ax.set_ylim(0, 1)
        self.line = self.animate(self.ax.plot([], [])[0])

    def compute(self, state):
        x = np.linspace(0, 1, 50)
        return {"x": x, "y": x ** state["power"]}

    def draw(self, values):
        self.line.set_data(values["x"], values["y"])
        return f"y(0.5) = {values['y'][25]:.3f}"


def test_a_new_explorer_needs_only_the_four_methods():
    ex = PowerExplorer(power=1.0)
    assert ex.values["y"][-1] == 1.0 and "y(0.5)" in ex.readout.value
    full = ex.renders["full"]
    pixels = ex.pixels()
    ex.controls["power"].value = 3.0
    assert np.allclose(ex.line.get_ydata(), ex.line.get_xdata() ** 3)
    assert ex.renders["full"] == full  # fixed limits: the move is drawn by blitting
    assert not np.array_equal(ex.pixels(), pixels)
    assert "power=3" in ex.describe()
    plotting.use_style("lecture")  # restyling a registered explorer works for a new one too
    plotting.use_style("default")
    ex.close()
    with pytest.raises(RuntimeError, match="closed"):
        ex.update()


def test_shared_controls_refuse_bad_initial_values_naming_them():
    with pytest.raises(ValueError, match="scale must be between 0.001 and 100; got 1000"):
        C.scale_slider(1e3)
    with pytest.raises(ValueError, match="kaiming_normal.*did you mean 'he_normal'"):
        C.scheme_menu("kaiming_normal")
    with pytest.raises(ValueError, match="activation"):
        C.activation_menu("gelu")
    with pytest.raises(ValueError, match="steps must be between 0 and 10; got 20"):
        C.int_slider(20, 0, 10, "steps")
    with pytest.raises(TypeError, match="steps must be an integer"):
        C.int_slider("5", 0, 10, "steps")


def test_the_values_of_a_control_and_the_ends_of_its_range():
    bias = C.dropdown((("zeros", "zeros"), ("constant 0.5", "constant")), "zeros", "bias")
    assert C.choices(bias) == ["zeros", "constant"] and C.ends(bias) == []
    width = C.choice_slider((16, 64, 512), 64, "width")
    assert C.choices(width) == [16, 64, 512] and C.ends(width) == [16, 512]
    scale = C.scale_slider(1.0)
    assert C.choices(scale) == [] and np.allclose(C.ends(scale), [1e-3, 1e2])
    steps = C.int_slider(20, 0, 2000, "steps", step=10)
    assert C.choices(steps) == [] and C.ends(steps) == [0, 2000]
    assert C.choices(["a", ("B", "b")]) == ["a", "b"]


# ------------------------------------------------------------------- quiet at every setting


def extremes(control):
    """The values a student reaches at the ends of a control (every option of a menu)."""
    return C.choices(control) or C.ends(control)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(explorers.EXPLORERS))
def test_every_control_at_its_ends_is_quiet(name):
    """With warnings as errors (this module's marker): each control at each end, alone."""
    small = {"training": {"n": 60, "resolution": 20}}
    ex = explorers.EXPLORERS[name](**small.get(name, {}))
    start = ex.state
    heavy = {"epochs", "restarts", "steps"}  # their ends are timed in bench_browser.py
    for cname, control in ex.controls.items():
        for value in extremes(control):
            if cname in heavy and value == control.max:
                continue
            ex.set(**{cname: value})
            assert ex.values and ex.readout.value
        ex.set(**{cname: start[cname]})
    ex.close()


@pytest.mark.slow
def test_large_weights_and_learning_rates_are_quiet_for_every_scheme_and_activation():
    from helpers import activations, init

    sym = explorers.build_symmetry_explorer(steps=50, lr=50.0)
    depth = explorers.build_depth_explorer(depth=20, width=32)
    for scheme in init.SCHEMES:
        for activation in activations.ACTIVATIONS:
            for scale in (1e-3, 100.0):
                sym.set(scheme=scheme, activation=activation, scale=scale)
                depth.set(scheme=scheme, activation=activation, scale=scale)
    sym.close()
    depth.close()
    train = explorers.build_training_explorer(epochs=50, n=60, resolution=20, lr=10.0)
    for dataset in train.controls["dataset"].options:
        for activation in activations.ACTIVATIONS:
            train.set(dataset=dataset, activation=activation, scale=100.0, restarts=2)
            assert np.isfinite(train.values["final_losses"]).any() or train.values["n_diverged"]
    train.close()


@pytest.mark.parametrize(
    "name, control, first, then, blit",
    [
        ("symmetry", "steps", 210, 220, True),
        ("residual", "depth", 21, 24, True),
        ("depth", "depth", 11, 12, False),  # its layer colour bar spans the depth: redrawn
    ],
)
def test_a_count_slider_moved_a_little_keeps_its_axis(name, control, first, then, blit):
    ex = explorers.EXPLORERS[name](**SMALL.get(name, {}))
    try:
        ex.controls[control].value = first
        ex.render()
        renders = dict(ex.renders)
        counts = [ax for ax in ex.figure.axes if ax.get_xlim()[0] in (0.0, 0.5)
                  and ax.get_xlim()[1] >= first]  # fmt: skip
        limits = [ax.get_xlim() for ax in counts]
        assert counts
        ex.controls[control].value = then
        assert [ax.get_xlim() for ax in counts] == limits  # kept, and still shows every count
        assert all(hi >= then for _, hi in limits)
        if blit:
            assert ex.renders["full"] == renders["full"] and ex.renders["axes"] == renders["axes"]
            assert ex.renders["blit"] > renders["blit"]
    finally:
        ex.release()


def test_a_control_moved_back_and_forth_ends_up_blitted_on_one_layout():
    """Two sets of numbers whose layouts each crowd the other's (the symmetry explorer's
    colour-bar ticks for relu and tanh): the layout leaves more room until one fits both."""
    ex = explorers.build_symmetry_explorer(scheme="xavier_normal", steps=30)
    try:
        ex.set(scheme="constant", activation="tanh")
        fulls = []
        for value in ["relu", "tanh"] * 4:
            before = ex.renders["full"]
            ex.controls["activation"].value = value
            fulls.append(ex.renders["full"] - before)
            partial = ex.pixels()
            ex.figure.canvas.draw()
            assert np.array_equal(partial, np.asarray(ex.figure.canvas.buffer_rgba()))
        assert fulls[-4:] == [0, 0, 0, 0], fulls  # settled: no new layout, no full draw
    finally:
        ex.release()


@pytest.mark.parametrize("name", list(explorers.EXPLORERS))
def test_alternating_between_the_ends_of_a_control_stops_laying_out_again(name):
    ex = explorers.EXPLORERS[name](**SMALL.get(name, {}))
    try:
        for cname, control in ex.controls.items():
            ends = extremes(control) if cname not in SLOW else []
            if len(ends) < 2:
                continue
            start, (a, b) = control.value, (ends[0], ends[-1])
            for value in [a, b] * 3:
                control.value = value
            before = ex.renders["full"]
            for value in [a, b] * 2:
                control.value = value
            assert ex.renders["full"] == before, f"{cname}: {a!r} <-> {b!r} lays out each time"
            control.value = start
    finally:
        ex.release()


def test_a_released_explorer_holds_no_axes_of_its_figure():
    """After panels crowded (the layout made room, and remembers where), release() frees every
    Axes: nothing of the explorer refers to them any more."""
    import gc
    import weakref

    ex = explorers.build_symmetry_explorer(scheme="xavier_normal", steps=30)
    ex.set(scheme="constant", activation="tanh")
    for value in ["relu", "tanh"] * 2:  # each layout crowds the other's: the layout made room
        ex.controls["activation"].value = value
    refs = [weakref.ref(ax) for ax in ex.figure.axes]
    ex.release()
    gc.collect()
    assert [r for r in refs if r() is not None] == []


def test_a_closed_explorer_still_shows_its_whole_figure(explorer):
    before = explorer.pixels()
    explorer.close()
    assert np.array_equal(explorer.pixels(), before)  # the animated artists too
