"""Property-based tests (hypothesis) over the documented range: sizes, schemes, activations,
outputs, both dtypes, scales from 1e-4 to 1e4 and learning rates from 1e-3 to 10. Every example
runs with warnings as errors and floating-point errors raised (underflow aside): no crash, no
warning, finite numbers, the documented shapes. The examples are fixed and bounded by the profile
in ``tests/conftest.py``."""

import contextlib
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import _validate, activations, diagnostics, init, theory
from helpers.mlp import MLP, OUTPUTS
from helpers.train import train

SCALES = st.floats(-4.0, 4.0).map(lambda e: 10.0**e)  # log-uniform over the documented range
SCHEMES = st.sampled_from(init.SCHEMES)
ACTIVATIONS = st.sampled_from(list(activations.ACTIVATIONS))
FANS = st.integers(1, 64)
SEEDS = st.integers(0, 2**32 - 1)
MAGNITUDES = st.floats(-300.0, 300.0).map(lambda e: 10.0**e)


@contextlib.contextmanager
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


@st.composite
def networks(draw):
    """(model, X, y): a small MLP anywhere in the documented range and data for its output."""
    output = draw(st.sampled_from(OUTPUTS))
    k = {"sigmoid": 1, "softmax": draw(st.integers(2, 4)), "linear": draw(st.integers(1, 3))}
    hidden = draw(st.lists(st.integers(1, 16), min_size=0, max_size=3))
    sizes = [draw(st.integers(1, 4))] + hidden + [k[output]]
    bias = draw(st.one_of(st.sampled_from(["zeros", "normal", "torch"]), st.floats(-1, 1)))
    model = MLP(
        sizes,
        activation=draw(ACTIVATIONS),
        output=output,
        init=draw(SCHEMES),
        scale=draw(SCALES),
        bias=bias,
        seed=draw(SEEDS),
        dtype=draw(st.sampled_from(["float64", "float32"])),
    )
    rng = np.random.default_rng(draw(SEEDS))
    n = draw(st.integers(1, 24))
    X = rng.normal(size=(n, sizes[0])) * draw(st.floats(1e-2, 1e2))
    y = {
        "sigmoid": rng.integers(0, 2, n),
        "softmax": rng.integers(0, k[output], n),
        "linear": rng.normal(size=(n, k[output])),
    }[output]
    return model, X, y


@given(SCHEMES, FANS, FANS, SCALES, SEEDS)
def test_initialize_gives_a_finite_matrix_of_the_right_shape(scheme, fan_in, fan_out, scale, seed):
    with strict():
        W = init.initialize(scheme, fan_in, fan_out, scale=scale, rng=np.random.default_rng(seed))
        s = init.std(scheme, fan_in, fan_out, scale=scale)
    assert W.shape == (fan_in, fan_out) and W.dtype == np.float64
    assert np.all(np.isfinite(W)) and np.isfinite(s) and s >= 0
    if scheme.endswith("uniform"):
        assert np.max(np.abs(W)) <= init.bound(scheme, fan_in, fan_out, scale=scale)


@given(ACTIVATIONS, st.lists(MAGNITUDES, min_size=1, max_size=20), st.booleans())
def test_activations_and_derivatives_are_finite_for_any_finite_input(name, mags, negate):
    z = np.array(mags) * (-1.0 if negate else 1.0)
    with strict():
        f, d = activations.activate(name, z), activations.derivative(name, z)
    assert f.shape == d.shape == z.shape
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(d))
    assert np.all(d >= 0) and np.all(d <= activations.MAX_SLOPE[name])


@given(st.lists(MAGNITUDES, min_size=1, max_size=20), SEEDS, st.sampled_from(["n", "n1"]))
def test_losses_from_logits_are_finite_and_read_columns_as_samples(mags, seed, layout):
    rng = np.random.default_rng(seed)
    z = np.array(mags) * rng.choice([-1.0, 1.0], len(mags))
    y = rng.integers(0, 2, len(mags))
    with strict():
        flat = activations.bce_with_logits(z, y)
        shaped = activations.bce_with_logits(z[:, None], y if layout == "n" else y[:, None])
        logits = np.column_stack([np.zeros_like(z), z])
        ce = activations.cross_entropy_with_logits(logits, y)
    assert np.isfinite(flat) and flat >= 0
    assert shaped == flat  # (n, 1) logits against (n,) labels: one sample per row, no broadcast
    assert np.isfinite(ce) and ce >= 0
    np.testing.assert_allclose(ce, flat, rtol=1e-9, atol=1e-12)  # 2-class softmax = sigmoid


@given(networks())
def test_forward_loss_and_backward_are_finite_with_the_documented_shapes(net):
    model, X, y = net
    n = X.shape[0]
    with strict():
        out, cache = model.forward(X)
        loss = model.loss_from_cache(cache, y)
        grads = model.backward(cache, y)
        pred = model.predict(X)
    assert out.shape == (n, model.sizes[-1]) and np.all(np.isfinite(out))
    assert np.isfinite(loss) and loss >= 0
    assert [g.shape for g in grads.dW] == [W.shape for W in model.weights]
    assert [g.shape for g in grads.db] == [b.shape for b in model.biases]
    assert all(np.all(np.isfinite(g)) for g in grads.dW + grads.db)
    assert pred.shape[0] == n
    if model.output == "sigmoid":
        assert loss == activations.bce_with_logits(cache.logits, y)  # the public helper agrees


@settings(max_examples=100)
@given(networks(), st.floats(-3.0, 1.0).map(lambda e: 10.0**e), st.integers(0, 3))
def test_training_never_warns_and_its_history_is_consistent(net, lr, epochs):
    model, X, y = net
    with strict():
        h = train(model, X, y, epochs=epochs, lr=lr)
    rows = len(h.loss)
    assert rows == h.epochs + 1 or (h.diverged and rows == 0)
    assert h.grad_norm.shape == (rows, model.n_layers)
    assert h.act_std.shape == (rows, model.n_layers - 1)
    assert np.all(np.isfinite(h.loss)) and isinstance(h.summary(), str)
    assert all(np.all(np.isfinite(W)) for W in model.weights)


@given(st.lists(MAGNITUDES, min_size=1, max_size=30), st.integers(1, 5))
def test_diagnostics_neither_overflow_nor_warn(mags, cols):
    x = np.resize(np.array(mags), (len(mags), cols))
    with strict():
        values = [diagnostics.rms(x), diagnostics.std(x), diagnostics.norm(x)]
        values += [diagnostics.unit_spread(x), diagnostics.dead_fraction(x)]
    assert all(np.isfinite(v) and v >= 0 for v in values)


@given(SCHEMES, st.lists(st.integers(1, 64), min_size=3, max_size=6), ACTIVATIONS, SCALES)
def test_theory_lines_are_finite_or_absent(scheme, sizes, activation, scale):
    with strict():
        flow = theory.scheme_flow(scheme, sizes, activation, scale=scale)
    if scheme in ("zeros", "constant"):
        assert flow is None
        return
    assert len(flow.z_std) == len(flow.grad_std) == len(sizes) - 2  # one per hidden layer
    for values in (flow.z_std, flow.a_std, flow.grad_std):
        assert np.all(np.isfinite(values) | (values == np.inf)) and np.all(values >= 0)


@given(st.text(max_size=20))
def test_any_name_gets_a_value_error_or_is_accepted(text):
    try:
        assert init.check_scheme(text) in init.SCHEMES
    except ValueError as exc:
        assert repr(text) in str(exc) and "allowed: zeros" in str(exc)


@given(st.sampled_from([s for s in init.SCHEMES if s.startswith(("he_", "xavier_"))]),
       st.sampled_from(["", "_"]), st.booleans())  # fmt: skip
def test_other_libraries_names_suggest_ours(scheme, tail, upper):
    theirs = scheme.replace("he_", "kaiming_").replace("xavier_", "glorot_") + tail
    theirs = theirs.upper() if upper else theirs
    try:
        _validate.choice(theirs, init.SCHEMES, "init scheme")
    except ValueError as exc:
        assert f"(did you mean {scheme!r}?)" in str(exc)
    else:
        raise AssertionError(f"{theirs!r} was accepted")
