"""Notebook 05's grid (schemes compared one factor at a time: scheme x activation over seeds,
each cell at its own learning rate) and notebook 07 (deep plain networks trained, He et al. 2015,
figure 3), asserted through the helpers."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import data, diagnostics, lessons, plotting
from helpers import init as schemes
from helpers.mlp import MLP


@pytest.fixture(scope="module")
def spirals_grid():
    """The grid notebook 05 prints: four schemes and the two first-layer swaps on the spirals."""
    return lessons.scheme_grid("spirals", lessons.SCHEME_STARTS + lessons.FIRST_LAYER_STARTS)


@pytest.fixture(scope="module")
def failing_grid():
    return lessons.scheme_grid("circles", lessons.FAILING_STARTS)


def _prior_loss(name):
    _, _, y, _ = lessons.comparison_data(name)
    p = np.mean(y)
    return -(p * np.log(p) + (1 - p) * np.log(1 - p))


def test_05_grid_every_cell_at_the_argmin_of_its_median(spirals_grid):
    g = spirals_grid
    assert len(g.cells) == 6 * 2 and g.activations == ["tanh", "relu"]
    for c in g.cells:
        assert c.final.shape == (len(lessons.LR_GRID), 5), "05: every seed at every learning rate"
        assert c.lr in lessons.LR_GRID, "05: the learning rate comes from the shared grid"
        assert c.median == pytest.approx(np.median(c.final[c.best]))
        assert np.all(c.medians >= c.median), "05: the chosen lr has the lowest median loss"
        assert c.low <= c.median <= c.high, "05: the median lies within the seeds' range"
        assert 0 <= c.median_seed < 5 and c.losses[c.median_seed] == pytest.approx(c.median)
        assert len(c.histories) == len(c.models) == 5
        band = lessons.loss_band(c)
        assert np.all(band["low"] <= band["median"]) and np.all(band["median"] <= band["high"])
        assert band["median"][-1] == pytest.approx(c.median)
    text = g.format()
    assert all(st.label in text for st in g.starts) and "[" in text


def test_05_grid_every_scheme_learns_the_spirals_and_pairing_does_not_decide(spirals_grid):
    g = spirals_grid
    prior = _prior_loss("spirals")
    med = {(st.label, a): g.cell(st.label, a).median for st in lessons.SCHEME_STARTS
           for a in ("tanh", "relu")}  # fmt: skip
    assert all(m < prior - 0.1 for m in med.values()), "05: every scheme learns, both activations"
    tanh = {label: m for (label, a), m in med.items() if a == "tanh"}
    assert max(tanh, key=tanh.get) == "Xavier normal", "05: Xavier, derived for tanh, is slowest"
    assert med[("He normal", "tanh")] <= 2 * med[("He normal", "relu")], (
        "05: He does at least as well with tanh as with ReLU: the scheme/activation pairing of the "
        "old comparison was not the cause"
    )
    he, lecun = g.cell("He normal", "relu"), g.cell("LeCun normal", "relu")
    assert max(he.low, lecun.low) <= min(he.high, lecun.high), "05: He and LeCun overlap (ReLU)"
    relu = {label: m for (label, a), m in med.items() if a == "relu"}
    assert max(relu, key=relu.get) == "PyTorch default", "05: PyTorch's default slowest with ReLU"
    assert len({g.cell(st.label, "tanh").lr for st in lessons.SCHEME_STARTS}) > 1, (
        "05: the best learning rate differs between schemes"
    )
    assert min(tanh, key=tanh.get) == "He normal", "05: He is the fastest with tanh"
    # (whether one He/tanh seed jumps out of the good region depends on the last bit of the
    # arithmetic, i.e. on the processor's OpenBLAS kernel: 05 says so, nothing asserts it)


def test_05_grid_the_first_layer_makes_the_difference(spirals_grid):
    g = spirals_grid
    sizes = (2, 16, 16, 1)
    by_w1 = sorted(lessons.SCHEME_STARTS, key=lambda st: -st.layer_stds(sizes)[0])
    tanh = [g.cell(st.label, "tanh").median for st in by_w1]
    assert tanh == sorted(tanh), "05: with tanh, the larger the first layer, the lower the loss"
    swap_x, swap_h = (st.label for st in lessons.FIRST_LAYER_STARTS)
    for a in ("tanh", "relu"):
        he = g.cell("He normal", a).median
        assert 0.5 * he <= g.cell(swap_x, a).median <= 2 * he, f"05: Xavier + He's W1 ~ He ({a})"
        assert g.cell(swap_h, a).median > 2 * he, f"05: He + Xavier's W1 loses its lead ({a})"


def test_05_first_layer_scales_are_the_schemes_formulas():
    lecun, xavier, he, torch = (st.layer_stds((2, 16, 16, 1)) for st in lessons.SCHEME_STARTS)
    assert he[0] == pytest.approx(1.0) and xavier[0] == pytest.approx(np.sqrt(2 / 18))
    assert lecun[1] == pytest.approx(xavier[1]), "05: LeCun = Xavier when fan_in = fan_out"
    assert torch == pytest.approx([1 / np.sqrt(3 * n) for n in (2, 16, 16)])
    text = lessons.first_layer_scales()
    assert "1.000" in text and "0.333" in text and "0.144" in text


def test_05_swapped_first_layer_and_pytorch_default_are_what_they_say():
    swap = lessons.FIRST_LAYER_STARTS[0].build((2, 16, 16, 1), "tanh", 3)
    plain = MLP([2, 16, 16, 1], activation="tanh", init="xavier_normal", seed=3)
    ratio = schemes.std("he_normal", 2, 16) / schemes.std("xavier_normal", 2, 16)
    assert np.allclose(swap.weights[0], ratio * plain.weights[0]), "05: only W1 is rescaled"
    assert all(np.array_equal(a, b) for a, b in zip(swap.weights[1:], plain.weights[1:]))
    net = lessons.PYTORCH_DEFAULT.build((64, 128, 10), "relu", 0, output="softmax")
    for W, b in zip(net.weights, net.biases):
        bound = 1 / np.sqrt(W.shape[0])
        assert np.max(np.abs(W)) <= bound and np.max(np.abs(W)) > 0.95 * bound
        assert np.max(np.abs(b)) <= bound and np.count_nonzero(b) == b.size, "05: nn.Linear bias"
    assert not lessons.FAILING_STARTS[0].random and lessons.PYTORCH_DEFAULT.random
    assert plotting.scheme_color("pytorch_default") not in plotting.SCHEME_COLORS.values()


def test_05_failing_starts_over_seeds(failing_grid):
    g = failing_grid
    prior = _prior_loss("circles")
    for a in ("tanh", "relu"):
        zeros = g.cell("zeros", a)
        assert zeros.median == pytest.approx(prior, abs=1e-3), "05: zeros: the constant guess"
        assert zeros.low == zeros.high, "05: zeros draws nothing random: no spread"
        assert g.cell("too small N(0,0.01^2)", a).median > prior - 0.02, "05: too small is stuck"
    const = g.cell("constant 0.5", "tanh")
    assert const.median < prior - 0.05, "05: a constant tanh start learns a little"
    assert diagnostics.unit_spread(const.models[0].weights[0]) == 0.0, "05: one unit per layer"
    assert g.cell("too large N(0,10^2)", "tanh").median < 0.2, "05: saturated tanh still fits"
    assert g.cell("too large N(0,10^2)", "relu").median > prior - 0.05, "05: ReLU x10 fails"


def test_05_a_diverging_cell_counts_as_worst_and_says_so():
    g = lessons.scheme_grid(
        "moons", [lessons.FAILING_STARTS[3]], activations=("relu",), seeds=range(2),
        lrs=(0.3, 1e6), epochs=5,
    )  # fmt: skip
    c = g.cells[0]
    assert c.diverged[1].all() and np.all(np.isinf(c.final[1])), "05: a diverged run is inf"
    assert c.lr == 0.3, "05: a learning rate whose runs diverge is never chosen over a finite one"
    one = lessons.scheme_grid(
        "moons", [lessons.FAILING_STARTS[3]], activations=("relu",), seeds=range(2),
        lrs=(1e6,), epochs=5,
    )  # fmt: skip
    assert "div." in one.format(), "05: the table shows divergence, not inf"


@pytest.fixture(scope="module")
def deep_digits():
    return lessons.deep_training("digits")  # what notebook 07 prints


@pytest.fixture(scope="module")
def deep_moons():
    return lessons.deep_training("moons", epochs=100, n_train=150)


def _check_cells(result):
    for c in result.cells:
        assert c.lr in lessons.DEEP_LRS and np.all(c.medians >= c.median), "07: lr = argmin"
        assert c.low <= c.median <= c.high and c.final.shape == (len(lessons.DEEP_LRS), 5)
    text = result.format()
    assert all(st.label in text for st in lessons.DEEP_STARTS)


@pytest.mark.parametrize("which", ["digits", "moons"])
def test_07_thirty_layers_he_trains_where_xavier_and_pytorch_stall(which, request):
    r = request.getfixturevalue(f"deep_{which}")
    assert r.sizes[1:-1] == (32,) * 30, "07: 30 hidden layers of 32"
    _check_cells(r)
    guess = np.log(10) if which == "digits" else np.log(2)
    he, xavier, torch = (r.cell(st.label) for st in lessons.DEEP_STARTS)
    assert he.median < np.median(r.init_loss["He normal"]) - 0.3, "07: He's loss falls"
    assert he.high < guess, "07: every He seed ends below the uniform guess"
    for c in (xavier, torch):
        assert abs(c.median - guess) < 0.02 and c.low > guess - 0.05, "07: stalled at ln(classes)"
        assert he.median < c.median - 0.3, "07: He beats the stalled starts by a margin"
    label = {c.start.label: c for c in r.cells}
    sig = {k: np.median(v) for k, v in r.init_signal.items()}
    assert sig["He normal"] > 1e3 * sig["Xavier normal"] > 1e6 * sig["PyTorch default"], (
        "07: the input-dependent signal at layer 30: He >> Xavier >> PyTorch's default"
    )
    g1 = {k: np.median(v[:, 0]) for k, v in r.init_grad.items()}
    assert g1["He normal"] > 1e3 * g1["Xavier normal"] > 1e6 * g1["PyTorch default"]
    assert set(label) == {st.label for st in lessons.DEEP_STARTS}


def test_07_stalled_digits_networks_answer_the_same_for_every_image(deep_digits):
    _, _, y, _, k = lessons.deep_data("digits")
    share = np.bincount(y).max() / len(y)
    acc = deep_digits.train_accuracy["Xavier normal"][deep_digits.cell("Xavier normal").best]
    assert k == 10 and np.median(acc) <= share + 1e-12, "07: no better than the commonest digit"


def test_07_xavier_is_he_scaled_exactly_and_he_fluctuates():
    f = lessons.exact_and_measured("digits", seeds=range(5))
    r1 = np.sqrt(2 / 96) / np.sqrt(2 / 64)
    assert f["factors"] == pytest.approx((r1, 1 / np.sqrt(2)))
    assert f["predicted"] == pytest.approx(r1 * 2 ** (-29 / 2), rel=1e-12)
    assert np.allclose(f["ratio"], f["predicted"], rtol=1e-9), "07: exact for every seed"
    drift = f["he_drift"]
    assert np.all(drift > 0) and np.all(drift < 1), "07: expectation 1, yet these five are below"
    assert drift.max() / drift.min() > 10, "07: one finite network drifts: a wide spread"
    assert "exactly predicted" in lessons.format_exact_and_measured(f)


def test_07_digits_data_are_real_standardised_on_the_training_rows_only():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,) and X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    Xtr, Xte, ytr, yte, k = lessons.deep_data("digits", n_train=128)
    assert Xtr.shape == (128, 64) and Xte.shape == (1669, 64) and k == 10
    assert np.allclose(Xtr.mean(axis=0), 0.0)
    sd = Xtr.std(axis=0)
    assert np.all(np.isclose(sd, 1.0) | np.isclose(sd, 0.0)), "constant pixels are only shifted"
    order = np.random.default_rng(0).permutation(1797)
    raw_tr, raw_te = X[order[:128]], X[order[128:]]
    mean, s = raw_tr.mean(axis=0), raw_tr.std(axis=0)
    assert np.allclose(Xte, (raw_te - mean) / np.where(s > 0, s, 1.0)), "07: training stats only"
    a, b = lessons.deep_data("digits")[0], lessons.deep_data("digits")[0]
    assert np.array_equal(a, b), "07: the same seed gives the same split"


def test_05_07_same_seeds_same_numbers():
    kw = dict(activations=("tanh",), seeds=range(3), lrs=(1.0,), epochs=20)
    a = lessons.scheme_grid("moons", lessons.SCHEME_STARTS, **kw)
    b = lessons.scheme_grid("moons", lessons.SCHEME_STARTS, **kw)
    assert all(np.array_equal(x.final, y.final) for x, y in zip(a.cells, b.cells))
    kw = dict(depth=4, width=8, seeds=range(2), lrs=(0.03,), epochs=5)
    a, b = lessons.deep_training("digits", **kw), lessons.deep_training("digits", **kw)
    assert all(np.array_equal(x.final, y.final) for x, y in zip(a.cells, b.cells))
