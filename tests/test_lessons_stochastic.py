"""The lessons of notebooks 02 (section 6) and 06 (claim 11): SGD's randomness keeps a constant
start symmetric, dropout breaks it; dropout's backward pass passes the gradient check."""

from __future__ import annotations

import pytest

from helpers import lessons


@pytest.fixture(scope="module")
def rows():
    X, y = lessons.make_unbalanced("circles", n_major=120, n_minor=60, seed=0)
    return lessons.stochastic_symmetry(X, y, seeds=(0, 1))


def test_02_minibatch_sgd_keeps_constant_units_exactly_identical(rows):
    for r in rows:
        if r["dropout"] == 0.0:
            assert r["spread"] == 0.0, f"02: {r['label']} (seed {r['seed']}) must keep spread 0.0"
            assert r["distinct"] == 1
            assert len(set(r["w"].tolist())) == 1, "every unit has the same incoming weight"


def test_02_sgd_runs_really_are_random(rows):
    sgd = [r for r in rows if r["label"] == "minibatch SGD"]
    assert len(sgd) == 2 and sgd[0]["w"][0] != sgd[1]["w"][0], (
        "02: two shuffle seeds must give two different runs (the randomness is real)"
    )


def test_02_dropout_breaks_the_symmetry(rows):
    for r in rows:
        if r["dropout"] > 0.0:
            assert r["spread"] > 0.0 and r["distinct"] == len(r["w"]), f"02: {r['label']}"
    best_plain = max(r["accuracy"] for r in rows if r["dropout"] == 0.0)
    best_drop = max(r["accuracy"] for r in rows if r["dropout"] > 0.0)
    assert best_drop > best_plain, "02: the separated units fit the circles, one unit cannot"


def test_02_table_prints_every_run(rows):
    text = lessons.format_stochastic(rows)
    assert text.count("\n") == len(rows)
    assert all(label in text for label, _, _ in lessons.SGD_SETTINGS)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_02_dropout_gradient_check_below_1e_7(activation):
    g = lessons.dropout_gradient_check(activation=activation, seed=1)
    assert g["error"] < 1e-7
    assert 0.0 < g["dropped"] < 1.0


def test_06_claim_11_sgd_does_not_need_random_weights():
    c = lessons.claim_sgd_needs_random(seeds=(0, 1))
    assert c.verdict == "false"
    assert all(s == 0.0 for s in c.evidence["unit spread after SGD, per seed"])
    assert all(s > 0.0 for s in c.evidence["unit spread with dropout 0.2, per seed"])
    w = c.evidence["SGD runs differ from each other (W1[0, 0] per seed)"]
    assert w[0] != w[1]
    assert "SGD expects random weights" in lessons.claims_summary([c])
