"""Initialisation schemes: sample statistics, the published formulas, orthogonality and gains."""

import math

import numpy as np
import pytest

from helpers import init

SHAPES = [(256, 512), (784, 300)]
UNIFORM_SCHEMES = ["uniform", "lecun_uniform", "xavier_uniform", "he_uniform"]


def draw(scheme, fan_in, fan_out, scale=1.0, seed=0):
    return init.initialize(scheme, fan_in, fan_out, scale=scale, rng=np.random.default_rng(seed))


def test_scheme_list_is_the_documented_one():
    assert set(init.SCHEMES) == {
        "zeros",
        "constant",
        "uniform",
        "normal",
        "lecun_uniform",
        "lecun_normal",
        "xavier_uniform",
        "xavier_normal",
        "he_uniform",
        "he_normal",
        "orthogonal",
    }
    assert set(init.RANDOM_SCHEMES) == set(init.SCHEMES) - {"zeros", "constant"}


@pytest.mark.parametrize("scale", [1.0, 0.3])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scheme", init.RANDOM_SCHEMES)
def test_sample_std_within_2_percent_of_theory(scheme, shape, scale):
    W = draw(scheme, *shape, scale=scale)
    expected = init.std(scheme, *shape, scale=scale)
    assert expected > 0
    assert np.std(W) == pytest.approx(expected, rel=0.02)
    # centred on zero: |mean| within 5 standard errors
    assert abs(np.mean(W)) < 5 * expected / math.sqrt(W.size)


@pytest.mark.parametrize("shape", SHAPES)
def test_zeros_is_exactly_zero_and_ignores_scale(shape):
    for scale in (0.0, 1.0, 7.5):
        W = draw("zeros", *shape, scale=scale)
        assert W.dtype == np.float64
        assert np.all(W == 0.0)
        assert init.std("zeros", *shape, scale=scale) == 0.0


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scale", [0.0, 0.5, 1.0, 3.25])
def test_constant_is_exactly_scale(shape, scale):
    W = draw("constant", *shape, scale=scale)
    assert W.dtype == np.float64
    assert np.all(W == scale)
    assert init.std("constant", *shape, scale=scale) == 0.0


@pytest.mark.parametrize("scale", [1.0, 0.05, 4.0])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scheme", UNIFORM_SCHEMES)
def test_uniform_schemes_fill_but_never_exceed_their_bound(scheme, shape, scale):
    W = draw(scheme, *shape, scale=scale)
    a = init.bound(scheme, *shape, scale=scale)
    assert np.max(np.abs(W)) <= a
    assert np.max(W) >= 0.99 * a
    assert np.min(W) <= -0.99 * a


def test_uniform_bounds_follow_the_literature():
    fi, fo = 256, 512
    assert init.bound("xavier_uniform", fi, fo) == pytest.approx(
        math.sqrt(6 / (fi + fo)), rel=1e-15
    )
    assert init.bound("he_uniform", fi, fo) == pytest.approx(math.sqrt(6 / fi), rel=1e-15)
    assert init.bound("lecun_uniform", fi, fo) == pytest.approx(math.sqrt(3 / fi), rel=1e-15)
    assert init.bound("uniform", fi, fo, scale=0.7) == 0.7
    # a uniform on (-a, a) has variance a^2 / 3
    for scheme in UNIFORM_SCHEMES:
        assert init.bound(scheme, fi, fo, scale=2.0) == pytest.approx(
            math.sqrt(3) * init.std(scheme, fi, fo, scale=2.0), rel=1e-15
        )


def test_std_follows_the_literature():
    fi, fo = 784, 300
    assert init.std("xavier_normal", fi, fo) == pytest.approx(math.sqrt(2 / (fi + fo)), rel=1e-15)
    assert init.std("xavier_uniform", fi, fo) == pytest.approx(math.sqrt(2 / (fi + fo)), rel=1e-15)
    assert init.std("he_normal", fi, fo) == pytest.approx(math.sqrt(2 / fi), rel=1e-15)
    assert init.std("he_uniform", fi, fo) == pytest.approx(math.sqrt(2 / fi), rel=1e-15)
    assert init.std("lecun_normal", fi, fo) == pytest.approx(math.sqrt(1 / fi), rel=1e-15)
    assert init.std("lecun_uniform", fi, fo) == pytest.approx(math.sqrt(1 / fi), rel=1e-15)
    assert init.std("normal", fi, fo, scale=0.02) == 0.02
    assert init.std("uniform", fi, fo, scale=1.5) == pytest.approx(1.5 / math.sqrt(3), rel=1e-15)
    assert init.std("orthogonal", fi, fo, scale=2.0) == pytest.approx(2 / math.sqrt(fi), rel=1e-15)


@pytest.mark.parametrize("shape", SHAPES)
def test_sample_std_matches_the_published_formulas(shape):
    # written from the papers, independently of init.std
    fi, fo = shape
    published = {
        "he_normal": math.sqrt(2 / fi),
        "he_uniform": math.sqrt(2 / fi),
        "lecun_normal": math.sqrt(1 / fi),
        "lecun_uniform": math.sqrt(1 / fi),
        "xavier_normal": math.sqrt(2 / (fi + fo)),
        "xavier_uniform": math.sqrt(2 / (fi + fo)),
    }
    for scheme, s in published.items():
        assert np.std(draw(scheme, fi, fo)) == pytest.approx(s, rel=0.02), scheme


@pytest.mark.parametrize("scheme", init.RANDOM_SCHEMES)
def test_scale_multiplies_the_std(scheme):
    base = init.std(scheme, 300, 200)
    for scale in (0.001, 0.5, 5 / 3, 100.0):
        assert init.std(scheme, 300, 200, scale=scale) == pytest.approx(scale * base, rel=1e-14)
    # and the drawn matrix: the same generator state gives exactly scale times the matrix
    W1 = draw(scheme, 300, 200, scale=1.0, seed=3)
    W3 = draw(scheme, 300, 200, scale=3.0, seed=3)
    # (uniform draws are -a + 2a u: compare against the scale of the matrix, not entrywise)
    np.testing.assert_allclose(W3, 3.0 * W1, rtol=0, atol=1e-14 * np.max(np.abs(W3)))


@pytest.mark.parametrize("scheme", init.SCHEMES)
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (1, 1), (1, 7), (7, 1)])
def test_shape_is_fan_in_by_fan_out(scheme, shape):
    W = draw(scheme, *shape)
    assert W.shape == shape
    assert W.dtype == np.float64
    assert np.all(np.isfinite(W))


@pytest.mark.parametrize("scheme", ["zeros", "constant"])
def test_deterministic_schemes_do_not_consume_the_generator(scheme):
    rng = np.random.default_rng(5)
    before = rng.bit_generator.state
    init.initialize(scheme, 10, 20, scale=0.5, rng=rng)
    assert rng.bit_generator.state == before
    # so the next random draw is the one a fresh generator would make
    assert rng.normal() == np.random.default_rng(5).normal()


@pytest.mark.parametrize("scheme", init.RANDOM_SCHEMES)
def test_random_schemes_consume_the_generator(scheme):
    rng = np.random.default_rng(5)
    W1 = init.initialize(scheme, 10, 20, rng=rng)
    W2 = init.initialize(scheme, 10, 20, rng=rng)
    assert not np.array_equal(W1, W2)
    # every column differs from every other: the symmetry between units is broken
    assert len({W1[:, j].tobytes() for j in range(20)}) == 20


@pytest.mark.parametrize("scale", [1.0, 1.7, 0.01])
def test_orthogonal_tall_has_orthonormal_columns(scale):
    W = draw("orthogonal", 784, 300, scale=scale)
    np.testing.assert_allclose(
        W.T @ W, scale**2 * np.eye(300), rtol=0, atol=1e-10 * max(1, scale**2)
    )


@pytest.mark.parametrize("scale", [1.0, 1.7, 0.01])
def test_orthogonal_wide_has_orthonormal_rows(scale):
    W = draw("orthogonal", 256, 512, scale=scale)
    np.testing.assert_allclose(
        W @ W.T, scale**2 * np.eye(256), rtol=0, atol=1e-10 * max(1, scale**2)
    )


def test_orthogonal_square_is_orthogonal_both_ways():
    W = draw("orthogonal", 64, 64, scale=2.0)
    np.testing.assert_allclose(W.T @ W, 4 * np.eye(64), atol=1e-10)
    np.testing.assert_allclose(W @ W.T, 4 * np.eye(64), atol=1e-10)


def test_orthogonal_is_not_biased_by_the_qr_sign_convention():
    # With the sign fix the columns are uniform on the sphere, so W[0, 0] averages 0.
    # Without it, LAPACK's Householder QR makes R's diagonal negative and W[0, 0] = -|a|/||a||
    # averages about -0.5 for 3x3 matrices.
    rng = np.random.default_rng(0)
    corner = np.array([init.initialize("orthogonal", 3, 3, rng=rng)[0, 0] for _ in range(4000)])
    assert abs(corner.mean()) < 0.05
    assert 0.4 < np.mean(corner > 0) < 0.6


# PyTorch's published torch.nn.init.calculate_gain values (documentation table).
TORCH_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1 + 0.01**2)),
    "selu": 3.0 / 4.0,
}


@pytest.mark.parametrize("activation", sorted(TORCH_GAINS))
def test_gain_equals_pytorch_calculate_gain(activation):
    assert init.gain(activation) == pytest.approx(TORCH_GAINS[activation], rel=1e-15)


def test_gain_names_only_activations_pytorch_documents():
    assert set(init.GAINS) <= set(TORCH_GAINS)


def test_leaky_relu_gain_with_param():
    for slope in (0.0, 0.01, 0.1, 0.2, 1.0):
        assert init.gain("leaky_relu", slope) == pytest.approx(
            math.sqrt(2.0 / (1 + slope**2)), rel=1e-15
        )
    assert init.gain("leaky_relu", 0.0) == pytest.approx(init.gain("relu"), rel=1e-15)
    assert init.gain("leaky_relu", 1.0) == pytest.approx(1.0, rel=1e-15)  # a linear unit


def test_he_is_lecun_times_the_relu_gain():
    # He et al.'s std is LeCun's multiplied by gain("relu") = sqrt(2)
    for fi, fo in SHAPES:
        assert init.std("he_normal", fi, fo) == pytest.approx(
            init.gain("relu") * init.std("lecun_normal", fi, fo), rel=1e-15
        )


def test_same_generator_state_gives_identical_matrices_and_different_seeds_differ():
    for scheme in init.RANDOM_SCHEMES:
        assert np.array_equal(draw(scheme, 30, 20, seed=1), draw(scheme, 30, 20, seed=1))
        assert not np.array_equal(draw(scheme, 30, 20, seed=1), draw(scheme, 30, 20, seed=2))
