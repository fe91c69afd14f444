"""Notebook 09's printed numbers: each asserted from theory, an independent computation or a
property of the experiment (run once per module)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import checks, lessons, meanfield, mup, theory


@pytest.fixture(scope="module")
def trained():
    return lessons.trainability()


@pytest.fixture(scope="module")
def lsuv_result():
    return lessons.lsuv_comparison("relu", seeds=(0, 1, 2))


@pytest.fixture(scope="module")
def sweep():
    return lessons.mup_sweep()


def test_critical_line_printed(capsys):
    line = lessons.critical_line("tanh")
    text = lessons.format_critical_line(line)
    for b2, w2 in line.items():
        assert theory.chi1("tanh", math.sqrt(w2), math.sqrt(b2)) == pytest.approx(1, abs=1e-9)
        assert f"{w2:.3f}" in text
    assert "1.761" in text  # Schoenholz et al.: about 1.76 at sigma_b^2 = 0.05
    assert theory.chi1("relu", np.sqrt(2), 0.0) == 1.0


def test_phase_grid_has_the_critical_line_where_xi_c_peaks():
    g = lessons.phase_grid("tanh", n_w=36, n_b=4)
    for i, crit in enumerate(g["critical_w2"]):
        j = int(np.argmax(np.minimum(g["xi_c"][i], 1e6)))
        assert abs(g["sigma_w2"][j] - crit) <= (g["sigma_w2"][1] - g["sigma_w2"][0]) * 1.01


def test_agreement_table_within_finite_width_tolerance():
    rows = lessons.propagation_agreement(lessons.PROPAGATION_SETTINGS, seeds=(0, 1, 2))
    tol = 5 / math.sqrt(1000)  # see test_meanfield.test_theory_matches_a_wide_network
    for r in rows:
        assert r["dq"][0] < tol and r["dc"][0] < tol
        assert r["dq"][1] <= r["dq"][0] <= r["dq"][2]
    xi = [r["xi_c"] for r in rows]
    assert xi[1] > 100 * max(xi[0], xi[2])  # the critical setting's depth scale is huge
    text = lessons.format_agreement(rows)
    assert f"{rows[2]['dc'][0]:.3f}" in text


def test_correlation_curves_go_where_the_phases_say():
    (_, mo, to), (_, mc, tc), (_, mx, tx) = lessons.correlation_curves()
    assert np.all(np.diff(to[1:]) > 0) and to[-1] > 0.95 and mo[-1] > 0.9  # ordered: c -> 1
    ds = theory.depth_scales("tanh", math.sqrt(3.0), math.sqrt(0.05))
    cstar = ds.c_star  # chaotic: decorrelated towards c* < c0, at the rate exp(-1 / xi_c)
    assert cstar < tx[-1] < 0.5 and tx[-1] - cstar < (0.5 - cstar) * math.exp(-10 / ds.xi_c)
    assert abs(mx[-1] - tx[-1]) < 5 / math.sqrt(1000)


def test_trainability_follows_six_xi_c(trained):
    acc, depths, six = trained["accuracy"], trained["depths"], trained["six_xi_c"]
    beyond = [(i, j) for i, L in enumerate(depths) for j in range(len(six)) if L > six[j]]
    assert beyond, "the grid must reach past 6 xi_c somewhere"
    assert len(trained["seeds"]) >= 3
    assert np.all(trained["low"] <= acc) and np.all(acc <= trained["high"])
    for i, j in beyond:  # every seed, not only the median
        assert trained["high"][i, j] < 0.3, (depths[i], trained["sigma_w2"][j])
    assert np.all(acc[0] > 0.5)  # depth 4 trains from every setting
    near = [trained["sigma_w2"].index(1.76), trained["sigma_w2"].index(2.5)]
    assert int(np.argmax(acc[-1])) in near  # at depth 40 the best are next to the line
    for j, w2 in enumerate(trained["sigma_w2"]):
        xi = theory.depth_scales("tanh", math.sqrt(w2), math.sqrt(0.05)).xi_c
        assert six[j] == pytest.approx(6 * xi)
    text = lessons.format_trainability(trained)
    lo, hi = trained["low"][-1, near[0]], trained["high"][-1, near[0]]
    assert f"{acc[-1, near[0]]:.0%}" in text and f"{100 * lo:.0f}-{100 * hi:.0f}" in text


def test_isometry_table():
    rows = lessons.isometry_table(depths=(1, 10, 100))
    by = {(r["activation"], r["weights"], r["depth"]): r for r in rows}
    for L in (1, 10, 100):  # orthogonal linear: exactly 1 at every depth
        r = by[("linear", "orthogonal", L)]
        assert r["max"] == pytest.approx(1, abs=1e-9) and r["p5"] == pytest.approx(1, abs=1e-9)
    for act in ("linear", "tanh"):  # Gaussian: the spread grows with depth
        g = [by[(act, "gaussian", L)] for L in (1, 10, 100)]
        assert g[0]["max"] < g[1]["max"] < g[2]["max"] and g[2]["p50"] < 1e-3
    t = by[("tanh", "orthogonal", 100)]
    assert 0.5 < t["p5"] and t["p95"] < 2 and 0.8 < t["p50"] < 1.2
    # the mean squared singular value is 1 at criticality in expectation, for both kinds
    for w in ("gaussian", "orthogonal"):
        s = lessons.jacobian_spectrum("tanh", w, 10)
        assert np.mean(s**2) == pytest.approx(1.0, rel=0.35)
    for r in rows:  # medians over three seeds, within the seeds' range
        assert r["max_range"][0] <= r["max"] <= r["max_range"][1]
        assert r["p50_range"][0] <= r["p50"] <= r["p50_range"][1]
    text = lessons.format_isometry(rows)
    assert f"{t['p50']:.3g} [{t['p50_range'][0]:.3g}-" in text
    assert "< 1e-12" in text  # Gaussian depth 100: below the floor


def test_lsuv_comparison(lsuv_result):
    r = lsuv_result
    assert all(abs(s - 1) < 0.006 for s in r["lsuv"]["signal"])  # var within 0.01 of 1
    # Xavier's ReLU signal: theory's mean-field std at layer 30 (factor 1/2 per layer)
    predicted = theory.scheme_flow("xavier_normal", [64] + [32] * 30 + [10], "relu").z_std[-1]
    assert 0.1 * predicted < r["xavier_normal"]["signal"][0] < 10 * predicted
    assert r["lsuv"]["final_loss"][0] < r["he_normal"]["final_loss"][0]
    assert r["he_normal"]["final_loss"][0] < r["xavier_normal"]["final_loss"][0]
    assert r["xavier_normal"]["final_loss"][0] == pytest.approx(math.log(10), abs=0.01)
    assert r["lsuv_steps"] == 1  # zero biases: one rescaling is exact
    text = lessons.format_lsuv(r)
    assert f"{r['lsuv']['final_loss'][0]:.3f}" in text and "at most 1 time" in text


def test_mup_sweep(sweep):
    sp, mu, widths, lrs = sweep["standard"], sweep["mup"], sweep["widths"], sweep["lrs"]
    assert widths[0] == 32 and widths[-1] >= 512 and len(sweep["seeds"]) >= 3
    assert np.allclose(np.diff(np.log(lrs)), math.log(2) / 2)  # a grid of factors sqrt 2
    # identical at the base width (the two parametrisations coincide there)
    np.testing.assert_array_equal(sp["loss"][0], mu["loss"][0])
    # SP: the step in function space grows with the width (the output layer's kernel is
    # ~ width), so the best learning rate falls, about as 1 / width; every seed agrees
    sp_best, mu_best = np.array(sp["best_lr"]), np.array(mu["best_lr"])
    assert np.all(np.diff(sp_best) < 0) and sp_best[0] / sp_best[-1] >= 4
    assert max(sp["seed_best"][-1]) < min(sp["seed_best"][0])
    # muP: the best learning rate stays within one step of the grid at every width
    assert mu_best.max() / mu_best.min() <= math.sqrt(2) + 1e-9
    for q in (sp, mu):  # the median lies within the seeds' range; best of the median curve
        assert np.all(q["low"] <= q["median"]) and np.all(q["median"] <= q["high"])
        for i, row in enumerate(q["median"]):
            assert row[lrs.index(q["best_lr"][i])] == row.min() < math.inf
    # muP: at a learning rate that trains every width, wider is better
    j = lrs.index(mu_best[0])
    assert np.all(np.diff(mu["median"][:, j]) < 0)
    text = lessons.format_mup(sweep)
    assert f"{mu['median'][-1, j]:.3f}" in text and f"{sp_best[-1]:.3g} [" in text
    assert "diverged" in text  # SP at the base width's best learning rate, wider


def test_mup_is_standard_at_the_base_width_and_its_rules():
    a, wa, ba = mup.build(32, parametrization="mup", base_width=32)
    b, wb, bb = mup.build(32, parametrization="standard", base_width=32)
    assert wa == wb and ba == bb
    assert all(np.array_equal(p, q) for p, q in zip(a.weights, b.weights))
    m, w, bm = mup.build(128, parametrization="mup", base_width=32, n_in=64, depth=2)
    assert w == [4.0, 1.0, 0.25] and bm == [4.0, 4.0, 1.0]
    # output weights: variance gain^2 / (fan_in * r), He's gain^2 = 2 for ReLU
    assert np.var(m.weights[-1]) == pytest.approx(2 / (128 * 4), rel=0.1)


def test_mup_diverging_run_stops_quietly():
    from helpers.lessons.deep import deep_data

    X, _, y, _, _ = deep_data("digits", n_train=64)
    model, w, b = mup.build(64, parametrization="standard")
    run = mup.train_sgd(model, X, y, lr=1e3, steps=50, w_mult=w, b_mult=b)
    assert run.diverged and run.final_loss == math.inf and len(run.losses) < 51
    assert all(np.all(np.isfinite(W)) for W in model.weights)


def test_mup_minibatches_are_seeded_and_checked():
    from helpers.lessons.deep import deep_data

    X, _, y, _, _ = deep_data("digits", n_train=64)
    runs = []
    for _ in range(2):
        model, w, b = mup.build(64, parametrization="mup")
        runs.append(mup.train_sgd(model, X, y, lr=0.1, steps=5, w_mult=w, b_mult=b,
                                  batch_size=16, seed=3))  # fmt: skip
    np.testing.assert_array_equal(runs[0].losses, runs[1].losses)
    assert runs[0].final_loss == model.loss(X, y) and len(runs[0].losses) == 5
    with pytest.raises(ValueError, match="batch_size"):
        mup.train_sgd(model, X, y, lr=0.1, steps=5, w_mult=w, b_mult=b, batch_size=65)


def test_checks_accept_right_and_refuse_wrong_answers(capsys):
    truth = meanfield.critical_sigma_w("tanh", math.sqrt(0.1)) ** 2
    assert checks.check_critical_sigma_w2(truth)
    assert not checks.check_critical_sigma_w2(1.5)
    assert "ordered" in capsys.readouterr().out
    right = lambda w2, b2: 6 * theory.depth_scales("tanh", w2**0.5, b2**0.5).xi_c  # noqa: E731
    wrong = lambda w2, b2: theory.depth_scales("tanh", w2**0.5, b2**0.5).xi_c  # noqa: E731
    assert checks.check_trainable_depth(right)
    assert not checks.check_trainable_depth(wrong)
    assert "six of them" in capsys.readouterr().out

    def good(model, X, tol=0.05, max_iter=10):
        for l, W in enumerate(model.weights, start=1):
            for _ in range(max_iter):
                v = np.var(model.forward(X)[1].pre[l])
                if abs(v - 1) <= tol:
                    break
                W /= np.sqrt(v)
        return model

    def one_pass_backwards(model, X, tol=0.05, max_iter=10):
        for l in range(len(model.weights), 0, -1):
            model.weights[l - 1] /= np.sqrt(np.var(model.forward(X)[1].pre[l]))
        return model

    assert checks.check_lsuv_loop(good)
    assert not checks.check_lsuv_loop(one_pass_backwards)
    assert not checks.check_lsuv_loop(lambda model, X: model)
