"""The exercise checkers never raise and never mislead on a wrong answer: each bad answer below
gets False and a message that says what was expected (issue 14, item 4)."""

import time

import numpy as np
import pytest

from helpers import checks, diagnostics, init, lessons, theory
from helpers.checks import _answers, _student
from helpers.mlp import MLP
from helpers.train import train


def _count(sizes):
    return MLP(sizes, output="linear").n_params


def _he(fan_in, fan_out, *, rng):
    return init.initialize("he_normal", fan_in, fan_out, rng=rng)


def _changes_in_words(activation):
    truth = lessons.parameters_changed_after_one_step(activation)
    return {k: "yes" if v else "no" for k, v in truth.items()}


def _forever(*args, **kwargs):
    while True:
        pass


MODEL = MLP([2, 3, 1])

# (id, checker, the student's answer, words the feedback must contain)
_CIRCLES = lessons.make_unbalanced("circles", n_major=120, n_minor=60, seed=0)

BAD_ANSWERS = [
    ("critical sigma_w^2 as a string", checks.check_critical_sigma_w2, "1.99", "string"),
    ("critical sigma_w^2 on the ordered side", checks.check_critical_sigma_w2, 1.5, "ordered"),
    ("critical sigma_w^2 negative", checks.check_critical_sigma_w2, -2.0, "positive"),
    ("trainable depth as xi_c", checks.check_trainable_depth,
     lambda w2, b2: theory.depth_scales("tanh", w2**0.5, b2**0.5).xi_c, "six of them"),
    ("trainable depth raising", checks.check_trainable_depth, lambda w2, b2: 1 / 0, "ZeroDivision"),
    ("lsuv leaving the weights", checks.check_lsuv_loop, lambda model, X: model, "did not change"),
    ("lsuv without return", checks.check_lsuv_loop, lambda model, X: None, "return"),
    ("layernorm over the batch", checks.check_layernorm_forward,
     lambda Z, g, b, eps=1e-5: g * (Z - Z.mean(0)) / np.sqrt(Z.var(0) + eps) + b, "BatchNorm"),
    ("layernorm of the wrong shape", checks.check_layernorm_forward,
     lambda Z, g, b, eps=1e-5: Z[:2], "shape"),
    ("stream std as the variance", checks.check_stream_std, lambda N, v: 1 + N * v, "variance"),
    ("stream std as a string", checks.check_stream_std, lambda N, v: "3", "string"),
    ("alpha squared", checks.check_alpha, lambda N: 1 / (2 * N), "alpha squared"),
    ("alpha as nan", checks.check_alpha, lambda N: float("nan"), "nan"),
    ("count as a string", checks.check_parameter_count, lambda s: "13", "string"),
    ("count of 1.9 for 2-1 is not truncated", checks.check_parameter_count, lambda s: 3.9, "3.9"),
    ("count as an array", checks.check_parameter_count, lambda s: np.array([1, 2]), "several"),
    ("count as a list", checks.check_parameter_count, lambda s: [_count(s)], "several"),
    ("count as True", checks.check_parameter_count, lambda s: True, "True"),
    ("count as nan", checks.check_parameter_count, lambda s: float("nan"), "nan"),
    ("count as a complex", checks.check_parameter_count, lambda s: 3 + 0j, "whole number"),
    ("count of weights only", checks.check_parameter_count, lambda s: 32, "biases"),
    ("count raising", checks.check_parameter_count, lambda s: 1 / 0, "ZeroDivisionError"),
    ("count not callable", checks.check_parameter_count, 113, "the function itself"),
    ("count returning None", checks.check_parameter_count, lambda s: None, "return"),
    ("changes with an unknown word", checks.check_predicted_changes,
     lambda a: {"W1": "maybe", "b1": False, "W2": False, "b2": True}, "'maybe'"),
    ("changes with wrong keys", checks.check_predicted_changes,
     lambda a: {"w1": True, "b1": False}, "missing"),
    ("changes as a string", checks.check_predicted_changes, lambda a: "W2", "dict"),
    ("changes as a list of lists", checks.check_predicted_changes, lambda a: [["W1"]], "dict"),
    ("changes as an array value", checks.check_predicted_changes,
     lambda a: {"W1": np.ones(3), "b1": 0, "W2": 0, "b2": 1}, "True or False"),
    ("changes 'yes' for every key is wrong", checks.check_predicted_changes,
     lambda a: dict.fromkeys(lessons.PARAMETER_NAMES, "yes"), "look again"),
    ("scale as a string of digits", checks.check_largest_safe_scale, lambda n: "0.19", "string"),
    ("scale as True", checks.check_largest_safe_scale, lambda n: True, "True"),
    ("scale as an array", checks.check_largest_safe_scale, lambda n: np.ones(2), "several"),
    ("scale infinite", checks.check_largest_safe_scale, lambda n: float("inf"), "finite"),
    ("scale negative", checks.check_largest_safe_scale, lambda n: -0.1, "positive"),
    ("scale huge", checks.check_largest_safe_scale, lambda n: 1e300, "smaller"),
    ("scale too small says the tolerance", checks.check_largest_safe_scale,
     lambda n: 0.1, "within 4%"),
    ("weights all zero", checks.check_xavier_uniform,
     lambda fi, fo, *, rng: np.zeros((fi, fo)), "every entry is 0"),
    ("weights as a string", checks.check_xavier_uniform, lambda fi, fo, *, rng: "W", "'W'"),
    ("weights as a dict", checks.check_he_normal, lambda fi, fo, *, rng: {"W": 1}, "array"),
    ("weights of strings", checks.check_he_normal,
     lambda fi, fo, *, rng: np.full((fi, fo), "1"), "string"),
    ("weights complex", checks.check_he_normal,
     lambda fi, fo, *, rng: _he(fi, fo, rng=rng) + 1j, "complex"),
    ("weights ragged", checks.check_he_normal, lambda fi, fo, *, rng: [[1.0], [1.0, 2.0]],
     "rectangular"),
    ("weights with nan", checks.check_he_normal,
     lambda fi, fo, *, rng: np.full((fi, fo), np.nan), "non-finite"),
    ("weights of a fixed seed", checks.check_he_normal,
     lambda fi, fo, *, rng: _he(fi, fo, rng=np.random.default_rng(0)), "Seeds 7 and 8"),
    ("weights transposed", checks.check_he_normal,
     lambda fi, fo, *, rng: _he(fo, fi, rng=rng), "PyTorch"),
    ("keep_best returns one thing", checks.check_keep_best, lambda *a, **k: MODEL, "two things"),
    ("keep_best returns three things", checks.check_keep_best,
     lambda *a, **k: (MODEL, [0.1] * 6, 1), "two things"),
    ("keep_best losses as a string", checks.check_keep_best,
     lambda *a, **k: (MODEL, "0.1"), "final_losses"),
    ("keep_best losses ragged", checks.check_keep_best,
     lambda *a, **k: (MODEL, [[0.1], [0.1, 0.2]]), "rectangular"),
    ("keep_best too few losses", checks.check_keep_best,
     lambda *a, **k: (MODEL, [0.1, 0.2]), "one loss per seed"),
    ("keep_best losses as a dict", checks.check_keep_best,
     lambda *a, **k: (MODEL, {0: 0.1}), "array"),
    ("keep_best losses nan", checks.check_keep_best,
     lambda *a, **k: (MODEL, [np.nan] * 6), "non-finite"),
    ("constant claim count 1.9 is not truncated to 1", lambda f: checks.check_constant_claim(
        f, "false"), lambda v, a: 1.9, "not a whole number"),
    ("constant claim count as a string", lambda f: checks.check_constant_claim(f, "false"),
     lambda v, a: "1", "string"),
    ("constant claim count as an array", lambda f: checks.check_constant_claim(f, "false"),
     lambda v, a: np.ones((2, 2)), "several"),
    ("constant claim with an unknown verdict", lambda v: checks.check_constant_claim(
        lambda value, a: 1, v), "maybe", "'it depends'"),
    ("constant claim with a numeric verdict", lambda v: checks.check_constant_claim(
        lambda value, a: 1, v), 0.5, "'false'"),
    ("constant claim with the verdict yes", lambda v: checks.check_constant_claim(
        lambda value, a: 1, v), "Yes", "do the units differ"),
    ("leaky gain as a string", checks.check_leaky_gain, lambda a: "2", "string"),
    ("leaky gain of the std, not the variance", checks.check_leaky_gain,
     lambda a: (2 / (1 + a * a)) ** 0.5, "square"),
    ("leaky gain with a instead of a^2", checks.check_leaky_gain, lambda a: 2 / (1 + a), "a^2"),
    ("leaky gain as an array", checks.check_leaky_gain, lambda a: np.ones(2), "several"),
    ("first update of the wrong shape", lambda f: checks.check_first_update(f, *_CIRCLES),
     lambda X, y: np.zeros((8, 2)), "expected (2, 8)"),
    ("first update as a string", lambda f: checks.check_first_update(f, *_CIRCLES),
     lambda X, y: "W1", "numeric array"),
    ("first update with nan", lambda f: checks.check_first_update(f, *_CIRCLES),
     lambda X, y: np.full((2, 8), np.nan), "non-finite"),
    ("first update with the sign flipped", lambda f: checks.check_first_update(f, *_CIRCLES),
     lambda X, y: -lessons.constant_first_update(), "sign"),
    ("restarts 1.9 is not rounded", checks.check_restarts, lambda q: 3.9, "not a whole number"),
    ("restarts as a string", checks.check_restarts, lambda q: "4", "string"),
    ("restarts of 0", checks.check_restarts, lambda q: 0, "at least 1"),
    ("restarts one short", checks.check_restarts,
     lambda q: lessons.restarts_for(q) - 1, "round up"),
]  # fmt: skip


@pytest.mark.parametrize(
    "check, answer, words", [c[1:] for c in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS]
)
def test_a_bad_answer_gets_feedback_not_an_exception(check, answer, words, capsys):
    assert check(answer) is False
    out = capsys.readouterr().out
    assert words in out, out


def test_a_function_that_never_returns_is_stopped(monkeypatch, capsys):
    assert _student.can_limit_time()
    monkeypatch.setattr(_student, "TIME_LIMIT", 0.3)
    start = time.perf_counter()
    assert checks.check_parameter_count(_forever) is False
    assert time.perf_counter() - start < 5
    assert "still running after 0.3 s" in capsys.readouterr().out

    # an `except Exception` in the student's loop cannot swallow the time limit
    def stubborn(sizes):
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass

    assert checks.check_parameter_count(stubborn) is False
    assert "still running" in capsys.readouterr().out


def test_the_time_limit_is_released_after_a_check(monkeypatch):
    import signal

    monkeypatch.setattr(_student, "TIME_LIMIT", 0.3)
    before = signal.getsignal(signal.SIGALRM)
    assert checks.check_parameter_count(_count) is True
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_yes_and_no_are_read_as_words(capsys):
    assert checks.check_predicted_changes(_changes_in_words) is True
    flipped = lambda a: {k: "no" for k in lessons.PARAMETER_NAMES}  # noqa: E731
    assert checks.check_predicted_changes(flipped) is False  # "no" is False, not truthy
    for word, value in [("No", False), (" yes ", True), ("FALSE", False), (1, True), (0, False)]:
        assert _answers.as_bool(word, "x") is value
    assert _answers.as_bool("perhaps", "x") is None
    assert "'perhaps'" in capsys.readouterr().out


def test_numbers_are_compared_exactly_not_truncated():
    assert _answers.as_number(113.0, "n", integer=True) == 113
    assert _answers.as_number(np.int64(5), "n", integer=True) == 5
    assert _answers.as_number(np.array([2.5]), "x") == 2.5
    for bad in (1.9, "3", True, None, [1], 2 + 0j, float("inf")):
        assert _answers.as_number(bad, "n", integer=True) is None


def test_a_right_count_given_as_a_float_or_numpy_integer_passes():
    assert checks.check_parameter_count(lambda s: float(_count(s))) is True
    assert checks.check_parameter_count(lambda s: np.int64(_count(s))) is True


def test_verdicts_accept_other_spellings_of_false():
    def distinct_after_training(value, activation):
        X, _, y, _ = lessons.comparison_data("moons")
        model = MLP([2, 8, 1], activation=activation, init="constant", scale=value)
        train(model, X, y, epochs=500, lr=0.5, record_layers=False)
        return diagnostics.distinct_units(model.forward(X)[1].post[1])

    for verdict in ("No", False, " FALSE "):
        assert checks.check_constant_claim(distinct_after_training, verdict) is True


def test_environment_check_with_a_bad_folder_argument_reports(capsys):
    assert checks.check_environment(labextension_dirs=5) is False
    assert "labextension_dirs must be a folder or a list of folders; got 5" in (
        capsys.readouterr().out
    )


def test_every_checker_is_in_the_catalogue():
    names = {n for n in checks.__all__ if n.startswith("check_")} - {"check_environment"}
    used = {c[1].__name__ for c in BAD_ANSWERS if c[1].__name__.startswith("check_")}
    used |= {"check_constant_claim", "check_first_update"}  # wrapped in lambdas above
    assert names <= used


class _BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


ODD_VALUES = [
    "", "abc", "1", 1.9, -1, 0, 10**400, float("nan"), float("inf"), True, 1j, [], [1],
    [[1, 2], [3]], {}, {"a": 1}, set(), np.array([]), np.zeros((0, 0)), np.array(["a"]),
    object(), _BadRepr(), (1, 2), (i for i in range(3)), np.float32(1.5), np.array(5),
    ValueError("x"), MLP, MODEL,
]  # fmt: skip

CHECKERS = {
    "check_parameter_count": lambda v: checks.check_parameter_count(lambda sizes: v),
    "check_predicted_changes": lambda v: checks.check_predicted_changes(lambda act: v),
    "check_largest_safe_scale": lambda v: checks.check_largest_safe_scale(lambda n: v),
    "check_xavier_uniform": lambda v: checks.check_xavier_uniform(lambda a, b, *, rng: v),
    "check_he_normal": lambda v: checks.check_he_normal(lambda a, b, *, rng: v),
    "check_keep_best": lambda v: checks.check_keep_best(lambda *a, **k: v),
    "check_keep_best (pair)": lambda v: checks.check_keep_best(lambda *a, **k: (MODEL, v)),
    "check_keep_best (model)": lambda v: checks.check_keep_best(lambda *a, **k: (v, [0.1] * 6)),
    "check_constant_claim": lambda v: checks.check_constant_claim(lambda x, a: v, "maybe"),
    "check_constant_claim (verdict)": lambda v: checks.check_constant_claim(lambda x, a: 8, v),
    "check_predicted_changes (values)": lambda v: checks.check_predicted_changes(
        lambda act: dict.fromkeys(lessons.PARAMETER_NAMES, v)
    ),
    "check_parameter_count (passed itself)": lambda v: checks.check_parameter_count(v),
    "check_leaky_gain": lambda v: checks.check_leaky_gain(lambda a: v),
    "check_first_update": lambda v: checks.check_first_update(lambda X, y: v, *_CIRCLES),
    "check_restarts": lambda v: checks.check_restarts(lambda q: v),
    "check_critical_sigma_w2": lambda v: checks.check_critical_sigma_w2(v),
    "check_trainable_depth": lambda v: checks.check_trainable_depth(lambda w2, b2: v),
    "check_lsuv_loop": lambda v: checks.check_lsuv_loop(lambda model, X: v),
    "check_layernorm_forward": lambda v: checks.check_layernorm_forward(
        lambda Z, g, b, eps=1e-5: v
    ),
    "check_stream_std": lambda v: checks.check_stream_std(lambda n, b: v),
    "check_alpha": lambda v: checks.check_alpha(lambda n: v),
}


@pytest.mark.parametrize("value", ODD_VALUES, ids=[f"odd{i}" for i in range(len(ODD_VALUES))])
@pytest.mark.parametrize("checker", list(CHECKERS))
def test_every_checker_survives_every_odd_answer(checker, value, capsys):
    assert CHECKERS[checker](value) is False
    assert capsys.readouterr().out.strip(), "the student is told something"


def test_a_student_calling_exit_is_reported(capsys):
    import sys

    assert checks.check_parameter_count(lambda sizes: sys.exit(1)) is False
    assert "exit" in capsys.readouterr().out
