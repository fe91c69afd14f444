"""Notebook 04's lessons (LeCun, Xavier/Glorot, He/Kaiming, gains, the libraries' defaults),
asserted through the helpers."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import checks, lessons
from helpers import init as schemes

# ---------------------------------------------------------------------------- 04 Xavier and He


def test_04_variance_rules_hold_by_sampling():
    for rule, measured, theory in lessons.variance_rules(seed=0):
        assert measured == pytest.approx(theory, rel=0.03), f"04: {rule} must hold by sampling"


@pytest.mark.parametrize("mode", lessons.FAN_MODES)
@pytest.mark.parametrize("seed", [0, 1])
def test_04_funnel_follows_the_forward_and_backward_variance_rules(mode, seed):
    f = lessons.funnel_profile(mode, seed=seed)
    assert np.allclose(f["z_std"], f["theory_z"], rtol=0.08), (
        f"04: in a linear network the forward std must follow the variance rule ({mode})"
    )
    assert np.allclose(f["grad_std"], f["theory_grad"], rtol=0.08), (
        f"04: in a linear network the backward std must follow the variance rule ({mode})"
    )
    expected = {"fan_in": (1.0, np.sqrt(0.5)), "fan_out": (np.sqrt(2), 1.0)}
    expected["fan_avg"] = (np.sqrt(4 / 3), np.sqrt(2 / 3))
    fwd, bwd = expected[mode]
    assert np.allclose(f["forward_factor"], fwd) and np.allclose(f["backward_factor"], bwd), (
        f"04: halving widths: {mode} multiplies forward by {fwd:.3f}, backward by {bwd:.3f}"
    )


def test_04_the_three_fan_modes_coincide_for_square_layers():
    for a in (16, 256):
        assert schemes.std("lecun_normal", a, a) == pytest.approx(
            schemes.std("xavier_normal", a, a)
        ), "04: with fan_in == fan_out, LeCun and Xavier give the same std"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_04_tiny_weights_shrink_tanh_by_scale_sqrt_width_per_layer(seed):
    p = lessons.signal_profile("normal", "tanh", depth=10, width=512, scale=0.01, seed=seed)
    assert np.allclose(p["a_std"], p["theory_a"], rtol=0.1), (
        "04: 0.01 N(0,1) in 512-wide tanh layers multiplies the std by 0.226 per layer"
    )
    assert 1e-7 < p["a_std"][-1] < 1e-6, "04: about 3.4e-7 of the signal reaches layer 10"
    assert 1e-7 < p["grad_std"][0] < 1e-6, "04: and about 3.5e-7 of the gradient reaches layer 1"


@pytest.mark.parametrize("seed", [0, 1])
def test_04_standard_normal_weights_saturate_tanh_and_grow_the_gradient(seed):
    p = lessons.signal_profile("normal", "tanh", depth=10, width=512, scale=1.0, seed=seed)
    assert np.all(p["saturated"] > 0.9), "04: N(0,1) in 512-wide tanh layers saturates > 90%"
    assert np.all(np.abs(p["a_std"] - 0.98) < 0.01), "04: every saturated layer outputs +-1"
    factor = (p["grad_std"][0] / p["grad_std"][-1]) ** (1 / 9)
    assert 3.0 < factor < 4.0, f"04: the gradient grows ~3.5x per layer backwards, got {factor:.2f}"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_04_xavier_on_tanh_keeps_the_signal_but_decays_below_linear_theory(seed):
    lecun = lessons.signal_profile("lecun_normal", "tanh", depth=10, width=512, seed=seed)
    xavier = lessons.signal_profile("xavier_normal", "tanh", depth=10, width=512, seed=seed)
    assert np.allclose(lecun["a_std"], xavier["a_std"]), "04: square layers: LeCun = Xavier"
    a, g = xavier["a_std"], xavier["grad_std"]
    assert np.all(np.diff(a) < 0) and np.all(a < xavier["theory_a"]), (
        "04: tanh contracts: the std decays, below the linear theory of 1"
    )
    assert 0.15 < a[-1] < 0.35 and 0.25 < g[0] < 0.6, (
        "04: with Xavier, 10 tanh layers keep the signal within a factor of about 3"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_04_mean_field_follows_tanh_where_the_small_signal_rule_does_not(seed):
    tanh = {
        label: lessons.signal_profile(scheme, "tanh", depth=10, width=512, scale=scale, seed=seed)
        for label, scheme, scale in lessons.TANH_CASES
    }
    for label, p in tanh.items():
        mf = p["mean_field"]
        assert np.allclose(p["a_std"], mf.a_std, rtol=0.03), (
            f"04: the mean field predicts every tanh layer's std ({label})"
        )
        assert np.allclose(p["grad_std"], mf.grad_std, rtol=0.2), (
            f"04: ...and the gradient's, also for the saturated N(0,1) ({label})"
        )
    small = tanh["0.01 N(0,1)"]["small_signal"]
    assert np.allclose(small.a_std[1:] / small.a_std[:-1], 0.01 * np.sqrt(512)), "04: x0.226"
    assert tanh["0.01 N(0,1)"]["a_std"][0] < 0.97 * small.a_std[0], "04: tanh bends in layer 1"
    xavier = tanh["Xavier"]
    assert np.allclose(xavier["small_signal"].a_std, 1.0), "04: the derivation's level line"
    assert xavier["mean_field"].a_std[-1] < 0.25, "04: the mean field has the contraction"
    saturated = tanh["N(0,1)"]
    assert saturated["small_signal"].grad_std[0] > 1e6 * saturated["grad_std"][0], (
        "04: tanh z ~ z is no guide for a saturated net"
    )
    assert "mean field" in lessons.format_theories(tanh)


def test_04_mean_field_predicts_the_gain_rows_for_tanh():
    for r in lessons.gain_experiment(seed=0):
        if r["activation"] != "tanh":
            continue
        mf = r["profile"]["mean_field"]
        assert r["a_rms_last"] == pytest.approx(mf.a_rms[-1], rel=0.05), r["label"]
        assert r["grad_first"] == pytest.approx(mf.grad_std[0], rel=0.1), r["label"]


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_04_the_two_theories_are_one_for_relu_and_linear(activation):
    p = lessons.signal_profile("he_normal", activation, depth=5, width=64)
    for a, b in zip(p["small_signal"], p["mean_field"]):
        assert np.array_equal(a, b), "04: for ReLU and linear units nothing is approximated"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_04_xavier_on_relu_halves_the_second_moment_each_layer(seed):
    p = lessons.signal_profile("xavier_normal", "relu", depth=30, width=256, seed=seed)
    log2_m2 = np.log2(p["a_rms"][-1] ** 2)
    assert -32 < log2_m2 < -28, (
        f"04: about 2^-30 of the second moment at layer 30, got 2^{log2_m2:.1f}"
    )
    ratios = (p["a_rms"][1:] / p["a_rms"][:-1]) ** 2
    assert np.median(ratios) == pytest.approx(0.5, abs=0.08), "04: ReLU halves it per layer"
    assert p["grad_std"][0] < 3e-4, "04: the gradient vanishes backwards too"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_04_he_keeps_a_30_layer_relu_net_of_order_one(seed):
    p = lessons.signal_profile("he_normal", "relu", depth=30, width=256, seed=seed)
    assert np.all((p["a_rms"] > 0.3) & (p["a_rms"] < 3.0)), "04: He keeps the forward signal ~1"
    assert np.all((p["grad_std"] > 0.3) & (p["grad_std"] < 5.0)), "04: and the gradient ~1"
    assert np.allclose(p["theory_a"], 1.0) and np.allclose(p["theory_grad"], np.sqrt(2)), (
        "04: the variance rule predicts a constant signal under He"
    )


def test_04_gains_fix_the_mismatches():
    rows = {(r["activation"], r["label"]): r for r in lessons.gain_experiment(seed=0)}
    xr, gr, he = (
        rows["relu", "Xavier (mismatch)"],
        rows["relu", "Xavier x gain sqrt 2"],
        rows["relu", "He"],
    )
    assert xr["a_rms_last"] < 1e-3, "04: Xavier on a 30-layer ReLU net loses the signal"
    assert gr["a_rms_last"] == pytest.approx(he["a_rms_last"], rel=1e-9), (
        "04: for square layers Xavier x sqrt 2 is He"
    )
    xt, gt, ht = (
        rows["tanh", "Xavier"],
        rows["tanh", "Xavier x gain 5/3"],
        rows["tanh", "He (mismatch)"],
    )
    assert xt["a_rms_last"] < 0.2 < 0.5 < ht["a_rms_last"] < gt["a_rms_last"] < 0.8, (
        "04: tanh over 30 layers: Xavier decays, He (gain sqrt 2) and 5/3 keep the signal"
    )
    assert 0.05 < gt["saturated_last"] < 0.15 and ht["saturated_last"] < 0.05, (
        "04: gain 5/3 saturates about 10% of tanh units, He a few percent"
    )
    assert gt["grad_first"] > 10 and 2 < ht["grad_first"] < 10 and xt["grad_first"] < 0.5, (
        "04: backwards, gain 5/3 grows the gradient about 24x, He about 5x, Xavier shrinks it"
    )


def test_04_library_formulas_are_the_helpers_formulas():
    rows = lessons.library_equivalents(256, 128, seed=0)
    for r in rows:
        assert r["ours"] == pytest.approx(
            r["documented"], rel=0.01 if r["kind"] == "bias" else 1e-12
        ), f"04: {r['library']}: helpers must give the documented {r['formula']}"
        assert r["drawn_std"] == pytest.approx(r["expected_std"], rel=0.05), (
            f"04: {r['library']}: a drawn matrix must have the std the formula implies"
        )
    linear = next(r for r in rows if r["library"].startswith("torch nn.Linear weight"))
    assert linear["documented"] == pytest.approx(1 / 16), "04: nn.Linear's bound is 1/sqrt(fan_in)"
    assert linear["expected_std"] == pytest.approx(np.sqrt(1 / (3 * 256))), (
        "04: nn.Linear's default variance is 1/(3 fan_in), a third of LeCun's"
    )


def test_04_pytorch_linear_default_shrinks_a_deep_relu_net_by_sqrt6_per_layer():
    p = lessons.signal_profile("he_uniform", "relu", depth=10, width=256, scale=1 / np.sqrt(6))
    assert p["a_rms"][-1] == pytest.approx(p["theory_a"][-1], rel=0.3)
    assert p["a_rms"][-1] < 3e-4, (
        "04: ten default nn.Linear + ReLU layers leave ~1e-4 of the signal"
    )


def _init_fn(scheme, transpose=False, fans=None):
    def fn(fan_in, fan_out, *, rng):
        a, b = (fan_out, fan_in) if transpose else (fan_in, fan_out)
        W = schemes.initialize(scheme, a, b, rng=rng)
        return W.T if transpose else W

    return fn


def test_04_checks_accept_the_right_initialisers(capsys):
    assert checks.check_xavier_uniform(_init_fn("xavier_uniform")) is True
    assert checks.check_he_normal(_init_fn("he_normal")) is True
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize(
    ("check", "fn", "hint"),
    [
        ("xavier_uniform", _init_fn("lecun_uniform"), "LeCun"),
        ("xavier_uniform", _init_fn("xavier_normal"), "not uniform"),
        (
            "xavier_uniform",
            lambda fi, fo, *, rng: rng.uniform(
                -np.sqrt(2 / (fi + fo)), np.sqrt(2 / (fi + fo)), (fi, fo)
            ),
            "the std used as bound",
        ),
        (
            "xavier_uniform",
            lambda fi, fo, *, rng: (
                np.random.default_rng().uniform(-1, 1, (fi, fo)) * np.sqrt(6 / (fi + fo))
            ),
            "you are given (rng.uniform",
        ),
        (
            "xavier_uniform",
            lambda fi, fo, *, rng: _init_fn("xavier_uniform")(fo, fi, rng=rng),
            "PyTorch",
        ),
        ("he_normal", _init_fn("he_uniform"), "not normal"),
        (
            "he_normal",
            lambda fi, fo, *, rng: rng.normal(0, np.sqrt(2 / fo), (fi, fo)),
            "sqrt(2/fan_out)",
        ),
        (
            "he_normal",
            lambda fi, fo, *, rng: rng.normal(0, 2 / fi, (fi, fo)),
            "without the square root",
        ),
        ("he_normal", _init_fn("xavier_normal"), "Xavier"),
    ],
)
def test_04_checks_name_the_usual_slips(check, fn, hint, capsys):
    assert getattr(checks, f"check_{check}")(fn) is False, f"04: a wrong {check} must not pass"
    assert hint in capsys.readouterr().out, f"04: the check must point at the slip ({hint})"


def test_04_checks_are_kind_to_an_unfilled_stub(capsys):
    def stub(fan_in, fan_out, *, rng):
        raise NotImplementedError

    assert checks.check_xavier_uniform(stub) is False
    assert "Not filled in yet" in capsys.readouterr().out
