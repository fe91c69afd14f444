"""Feedback for the notebooks' exercises: every ``check_*`` prints what is right or what to look
at again, and returns True or False (so a notebook cell never raises on a wrong answer).

A check called before the exercise is filled in (the stub raises ``NotImplementedError`` or
returns ``None``) says so kindly instead of failing.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np  # noqa: F401  (used by the checks below)

from . import lessons

# ======================================================================= notebooks 00-03

# ---------------------------------------------------------------------------- helpers for checks


def _answer(fn, *args, what: str, **kwargs):
    """Call the student's ``fn(*args, **kwargs)``. Returns ``(ok, value)``; prints a kind message
    when the exercise is not filled in yet, the function raised, or it returned nothing."""
    if not callable(fn):
        print(f"Pass the function itself ({what}, no parentheses after its name); got {fn!r}.")
        return False, None
    try:
        value = fn(*args, **kwargs)
    except NotImplementedError:
        print(
            f"Not filled in yet: replace `raise NotImplementedError` in {what} with your code, "
            "then run its cell and this one again."
        )
        return False, None
    except Exception as exc:  # the student's code: report, never crash the notebook
        print(f"{what}{args!r} raised {type(exc).__name__}: {exc}")
        return False, None
    if value is None:
        print(f"{what}{args!r} returned None: did you forget the `return`?")
        return False, None
    return True, value


# ---------------------------------------------------------------------------- 00 environment

MINIMUM_VERSIONS = {
    "numpy": "2.0",
    "matplotlib": "3.9",
    "ipywidgets": "8.1",
    "ipympl": "0.9.4",
    "jupyterlab": "4.2",
}
"""The lower bounds of ``requirements.txt`` for the packages the explorers depend on."""

LAB_EXTENSIONS = {
    "@jupyter-widgets/jupyterlab-manager": "the widget manager (pip install jupyterlab_widgets)",
    "jupyter-matplotlib": "ipympl's figures (pip install ipympl)",
}
"""JupyterLab extensions the explorers need: folder name -> what it is and how to install it."""


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
        if not piece.isdigit():
            break
    return tuple(parts)


def _labextension_dirs() -> list[Path]:
    try:
        from jupyter_core.paths import jupyter_path

        return [Path(p) for p in jupyter_path("labextensions")]
    except ImportError:
        return [Path(sys.prefix) / "share" / "jupyter" / "labextensions"]


def environment_report(*, labextension_dirs=None) -> dict:
    """What the course needs from the environment, found without starting JupyterLab.

    Parameters
    ----------
    labextension_dirs : list of path, optional
        Where to look for JupyterLab's prebuilt extensions; default: Jupyter's data path for
        ``labextensions`` in this kernel's environment (``sys.prefix/share/jupyter/...`` and the
        user's Jupyter data folder).

    Returns
    -------
    dict
        ``python``: version string; ``packages``: name -> installed version or None;
        ``too_old``: names below :data:`MINIMUM_VERSIONS`; ``extensions``: folder name -> bool;
        ``backend``: matplotlib's backend; ``live_figures``: whether it is ipympl's;
        ``ok``: True when nothing is missing or too old.
    """
    import matplotlib

    dirs = (
        _labextension_dirs() if labextension_dirs is None else [Path(d) for d in labextension_dirs]
    )
    packages = {}
    for name in MINIMUM_VERSIONS:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    too_old = [
        n
        for n, v in packages.items()
        if v is not None and _version_tuple(v) < _version_tuple(MINIMUM_VERSIONS[n])
    ]
    extensions = {
        ext: any((d / ext / "package.json").is_file() for d in dirs) for ext in LAB_EXTENSIONS
    }
    backend = matplotlib.get_backend()
    ok = all(v is not None for v in packages.values()) and not too_old and all(extensions.values())
    return {
        "python": platform.python_version(),
        "packages": packages,
        "too_old": too_old,
        "extensions": extensions,
        "backend": backend,
        "live_figures": "ipympl" in backend or backend.lower() == "widget",
        "ok": ok,
    }


def check_environment(*, labextension_dirs=None) -> bool:
    """Print the versions that matter for the course and say what to do about anything missing.

    Returns True when every package is installed and recent enough and both JupyterLab
    extensions (widget manager, jupyter-matplotlib) are found. See :func:`environment_report`.
    """
    r = environment_report(labextension_dirs=labextension_dirs)
    print(f"{'python':<12} {r['python']}")
    for name, version in r["packages"].items():
        status = "MISSING" if version is None else ("TOO OLD" if name in r["too_old"] else "ok")
        print(f"{name:<12} {version or '-':<10} {status} (need >= {MINIMUM_VERSIONS[name]})")
    for ext, found in r["extensions"].items():
        print(f"JupyterLab extension {ext}: {'found' if found else 'NOT FOUND'}")
    live = "live (ipympl)" if r["live_figures"] else "static: run %matplotlib widget first"
    print(f"matplotlib backend: {r['backend']} -> figures are {live}")
    problems = [n for n, v in r["packages"].items() if v is None] + r["too_old"]
    for name in problems:
        print(f"-> install or upgrade {name}: pip install -U -r requirements.txt")
    for ext, found in r["extensions"].items():
        if not found:
            print(f"-> {ext} is {LAB_EXTENSIONS[ext]}; then restart JupyterLab and reload the page")
    if r["ok"]:
        print("Everything the explorers need is installed.")
    else:
        print(
            "Until this is fixed the explorers show a still picture instead of sliders. "
            "(Extensions were looked for in this kernel's environment; if JupyterLab runs from "
            "another one, run `jupyter labextension list` there.)"
        )
    return r["ok"]


# ---------------------------------------------------------------------------- 01 forward pass


def check_parameter_count(count_parameters) -> bool:
    """Exercise of notebook 01: ``count_parameters(sizes)`` must return ``MLP(sizes).n_params``."""
    cases = ([2, 16, 1], [3, 5, 4, 2], [784, 128, 10], [2, 1], [4, 8, 8, 8, 3])
    for sizes in cases:
        ok, got = _answer(count_parameters, sizes, what="count_parameters")
        if not ok:
            return False
        truth = lessons.count_parameters_by_edges(sizes)
        if got == truth["total"]:
            continue
        print(
            f"count_parameters({sizes}) gave {got!r}; the network has {truth['total']} parameters."
        )
        if got == truth["weights"]:
            print(
                "You counted the weights (the edges) but not the biases: every unit after the "
                "input layer also has one bias, an edge from a constant input of 1."
            )
        elif got == truth["weights"] + sum(sizes):
            print("Only the units after the input layer have a bias: inputs are data, not units.")
        elif got == sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + len(sizes) - 1:
            print("One bias per UNIT, not one per layer.")
        else:
            print("Layer l has sizes[l-1] * sizes[l] weights (edges) and sizes[l] biases.")
        return False
    print(
        f"Correct for all {len(cases)} networks, e.g. {cases[2]} has "
        f"{lessons.count_parameters_by_edges(cases[2])['total']:,} parameters."
    )
    return True


# ---------------------------------------------------------------------------- 02 symmetry

_CHANGE_HINTS = {
    ("W1", True): (
        "W1 cannot move in the first step: its gradient is X^T dZ1 with "
        "dZ1 = (dZ2 @ W2^T) * f'(Z1), and W2 is still all zeros, so dZ1 = 0."
    ),
    (
        "b1",
        True,
    ): "b1's gradient is the column sum of dZ1 = (dZ2 @ W2^T) * f'(Z1): zero while W2 = 0.",
    ("W2", True): (
        "W2's gradient is A1^T dZ2, and A1 = f(0) = 0 for {act}: every hidden unit outputs 0, "
        "so there is nothing for W2 to learn from."
    ),
    ("W2", False): (
        "For sigmoid A1 = sigmoid(0) = 0.5, not 0: dW2 = A1^T dZ2 = 0.5 * mean(p - y) for every "
        "entry, which is not zero when the classes are unbalanced."
    ),
    ("b2", False): (
        "b2's gradient is mean(p - y) = 0.5 - (fraction of class 1) = 0.5 - 1/3 on these data: "
        "not zero, so the output bias moves whatever the activation."
    ),
}


def _as_change_dict(value) -> dict | None:
    names = lessons.PARAMETER_NAMES
    if isinstance(value, dict) and set(value) == set(names):
        return {k: bool(value[k]) for k in names}
    if isinstance(value, (set, frozenset, list, tuple)) and set(value) <= set(names):
        return {k: k in value for k in names}
    return None


def check_predicted_changes(predict_changes) -> bool:
    """Exercise of notebook 02: which of W1, b1, W2, b2 change in the first step of training a
    zero-initialised 2-8-1 network on the unbalanced circles, for sigmoid, tanh and ReLU.

    ``predict_changes(activation)`` returns a dict ``{"W1": bool, "b1": bool, "W2": bool,
    "b2": bool}`` (or the set of names that change). The truth is measured with
    :func:`helpers.lessons.parameters_changed_after_one_step`.
    """
    right = True
    for act in ("sigmoid", "tanh", "relu"):
        ok, value = _answer(predict_changes, act, what="predict_changes")
        if not ok:
            return False
        guess = _as_change_dict(value)
        if guess is None:
            print(
                f"predict_changes({act!r}) returned {value!r}; return a dict with the keys "
                "'W1', 'b1', 'W2', 'b2' and True/False values (or a set of the names that change)."
            )
            return False
        truth = lessons.parameters_changed_after_one_step(act)
        wrong = [k for k in lessons.PARAMETER_NAMES if guess[k] != truth[k]]
        if wrong:
            right = False
            print(f"{act}: not quite, look again at {', '.join(wrong)}.")
            for k in wrong:
                print("   " + _CHANGE_HINTS.get((k, guess[k]), "").format(act=act))
        else:
            moved = [k for k in lessons.PARAMETER_NAMES if truth[k]]
            verb = "changes" if len(moved) == 1 else "change"
            print(f"{act}: right, only {' and '.join(moved)} {verb}.")
    if right:
        print(
            "All three correct: with zero weights, the gradient of every earlier layer is blocked."
        )
    return right


# ---------------------------------------------------------------------------- 03 saturation


def check_largest_safe_scale(largest_safe_scale, *, tolerance: float = 0.04) -> bool:
    """Exercise of notebook 03: ``largest_safe_scale(fan_in)`` returns the largest weight std at
    which fewer than 5% of sigmoid units saturate (inputs N(0, 1)).

    An answer within ``tolerance`` (relative) of the closed form
    :func:`helpers.lessons.largest_safe_scale` passes; the saturated fraction at the answer is
    also measured and printed.
    """
    answers = {}
    for fan_in in (100, 25, 400):
        ok, got = _answer(largest_safe_scale, fan_in, what="largest_safe_scale")
        if not ok:
            return False
        try:
            got = float(got)
        except (TypeError, ValueError):
            print(f"largest_safe_scale({fan_in}) returned {got!r}; return a number (a weight std).")
            return False
        if not np.isfinite(got) or got <= 0:
            print(
                f"largest_safe_scale({fan_in}) returned {got}; a weight std is a positive number."
            )
            return False
        truth = lessons.largest_safe_scale(fan_in)
        (measured,), _ = lessons.saturation_versus_scale([got], fan_in=fan_in)
        answers[fan_in] = got
        if fan_in != 100 and got == answers[100] and abs(got - truth) > tolerance * truth:
            print(
                f"largest_safe_scale({fan_in}) gave the same {got:.4g} as for fan_in 100, but the "
                "answer depends on fan_in: z = x @ w sums fan_in terms, so std(z) = "
                "scale * sqrt(fan_in)."
            )
            return False
        if got > truth * (1 + tolerance):
            print(
                f"fan_in {fan_in}: at scale {got:.4g}, {measured:.1%} of the units saturate "
                "(measured): more than 5%. The largest safe scale is smaller."
            )
            return False
        if got < truth * (1 - tolerance):
            print(
                f"fan_in {fan_in}: at scale {got:.4g} only {measured:.1%} saturate (measured): "
                "safe, but not the largest safe scale. Look for a larger one."
            )
            return False
    best = lessons.largest_safe_scale(100)
    (m100,), (t100,) = lessons.saturation_versus_scale([best])
    print(
        f"Right: for fan_in 100, weight stds up to {best:.3f} keep at most 5% of sigmoid units "
        f"saturated (at {best:.3f} itself: theory {t100:.1%}, measured {m100:.1%} on 100 000 "
        f"pre-activations). The bound is {best * 10:.2f} / sqrt(fan_in): it shrinks like "
        "1/sqrt(fan_in), as LeCun's std sqrt(1 / fan_in) does."
    )
    return True


# ======================================================================= notebooks 04-06

from . import data as _data  # noqa: E402  (this section's own imports)
from . import diagnostics as _diagnostics  # noqa: E402
from .mlp import MLP as _MLP  # noqa: E402
from .train import train as _train  # noqa: E402

# ---------------------------------------------------------------------------- 04 Xavier and He

_STD_CANDIDATES = (
    ("sqrt(1/fan_in) (LeCun)", lambda a, b: np.sqrt(1 / a)),
    ("sqrt(2/fan_in) (He)", lambda a, b: np.sqrt(2 / a)),
    ("sqrt(2/(fan_in+fan_out)) (Xavier)", lambda a, b: np.sqrt(2 / (a + b))),
    ("sqrt(1/fan_out)", lambda a, b: np.sqrt(1 / b)),
    ("sqrt(2/fan_out)", lambda a, b: np.sqrt(2 / b)),
    ("sqrt(6/(fan_in+fan_out)): the bound used as the std", lambda a, b: np.sqrt(6 / (a + b))),
    ("sqrt(6/fan_in): the He-uniform bound used as the std", lambda a, b: np.sqrt(6 / a)),
    ("sqrt(2/(3(fan_in+fan_out))): the std used as bound", lambda a, b: np.sqrt(2 / (a + b) / 3)),
    ("2/(fan_in+fan_out): the variance, without the square root", lambda a, b: 2 / (a + b)),
    ("2/fan_in: the variance, without the square root", lambda a, b: 2 / a),
)  # fmt: skip


def _which_std(std: float, fan_in: int, fan_out: int) -> str | None:
    for name, f in _STD_CANDIDATES:
        if abs(std / f(fan_in, fan_out) - 1.0) < 0.03:
            return name
    return None


def _check_scheme(fn, scheme: str, what: str, formula: str) -> bool:
    """Shared statistical check of an initialiser ``fn(fan_in, fan_out, *, rng)`` for ``scheme``."""
    uniform = scheme.endswith("uniform")
    for fan_in, fan_out in ((300, 200), (40, 1000)):
        ok, W = _answer(fn, fan_in, fan_out, what=what, rng=np.random.default_rng(7))
        if not ok:
            return False
        W = np.asarray(W, dtype=np.float64)
        if W.shape != (fan_in, fan_out):
            hint = (
                " That is PyTorch's (out, in) layout; here W is (fan_in, fan_out) and Z = A @ W."
                if W.shape == (fan_out, fan_in)
                else ""
            )
            print(
                f"{what}({fan_in}, {fan_out}) returned shape {W.shape}; expected "
                f"({fan_in}, {fan_out}).{hint}"
            )
            return False
        if not np.all(np.isfinite(W)):
            print(f"{what}({fan_in}, {fan_out}) returned non-finite values (nan or inf).")
            return False
        _, again = _answer(fn, fan_in, fan_out, what=what, rng=np.random.default_rng(7))
        _, other = _answer(fn, fan_in, fan_out, what=what, rng=np.random.default_rng(8))
        if again is None or other is None:
            return False
        if not np.array_equal(W, np.asarray(again)) or np.array_equal(W, np.asarray(other)):
            print(
                "Draw every number from the `rng` you are given (rng.uniform or rng.normal), "
                "not from np.random: the same rng seed must give the same matrix, and another "
                "seed another matrix."
            )
            return False
        s = lessons.weight_statistics(W, scheme, fan_in, fan_out)
        if abs(s["ratio"] - 1.0) > 0.03:
            guess = _which_std(s["std"], fan_in, fan_out)
            said = f" That matches {guess}." if guess else ""
            print(
                f"{what}({fan_in}, {fan_out}): your weights have std {s['std']:.4g}, but "
                f"{scheme} should give {s['expected_std']:.4g} = {formula}.{said}"
            )
            return False
        if abs(s["mean"]) > 6 * s["mean_se"]:
            print(
                f"{what}({fan_in}, {fan_out}): the weights' mean is {s['mean']:.4g}, far from 0: "
                "draw symmetric around zero."
            )
            return False
        looks_uniform = s["excess_kurtosis"] < -0.6
        if uniform and not looks_uniform:
            print(
                f"{what}: the std is right but the values are not uniform (excess kurtosis "
                f"{s['excess_kurtosis']:.2f}; a uniform distribution has -1.2): use "
                "rng.uniform(-a, a, size=...)."
            )
            return False
        if not uniform and looks_uniform:
            print(
                f"{what}: the std is right but the values look uniform, not normal (excess "
                f"kurtosis {s['excess_kurtosis']:.2f}; a normal distribution has 0): use "
                "rng.normal(0, std, size=...)."
            )
            return False
        if uniform and s["max_abs"] > s["bound"] * (1 + 1e-12):
            print(
                f"{what}: a weight of {s['max_abs']:.4g} lies outside the bound {s['bound']:.4g}."
            )
            return False
    s = lessons.weight_statistics(W, scheme, 40, 1000)
    shape = (
        f"U(-{s['bound']:.4f}, {s['bound']:.4f})" if uniform else f"N(0, {s['expected_std']:.4f}^2)"
    )
    print(
        f"Correct: {what}(40, 1000) draws {shape}; measured std {s['std']:.4f}, expected "
        f"{s['expected_std']:.4f} = {formula}. Same seed, same matrix: reproducible."
    )
    return True


def check_xavier_uniform(xavier_uniform) -> bool:
    """Exercise of notebook 04: ``xavier_uniform(fan_in, fan_out, *, rng)`` returns a
    ``(fan_in, fan_out)`` matrix from U(-a, a) with ``a = sqrt(6 / (fan_in + fan_out))``.

    Checked statistically against :mod:`helpers.init` on two shapes: shape, use of ``rng``, std
    (within 3%), mean, uniform shape (excess kurtosis) and the bound. A wrong std is matched
    against the usual slips (LeCun's or He's formula, the std used as the bound, ...) and named.
    """
    return _check_scheme(
        xavier_uniform, "xavier_uniform", "xavier_uniform", "sqrt(2/(fan_in+fan_out))"
    )


def check_he_normal(he_normal) -> bool:
    """Exercise of notebook 04: ``he_normal(fan_in, fan_out, *, rng)`` returns a
    ``(fan_in, fan_out)`` matrix from N(0, 2 / fan_in). Checked as :func:`check_xavier_uniform`."""
    return _check_scheme(he_normal, "he_normal", "he_normal", "sqrt(2/fan_in)")


# ---------------------------------------------------------------------------- 05 training compared


def check_keep_best(keep_best) -> bool:
    """Exercise of notebook 05: ``keep_best(make_model, X, y, seeds, *, epochs, lr)`` trains
    ``make_model(seed)`` for each seed (full-batch, :func:`helpers.train.train`) and returns
    ``(best_model, final_losses)``: the trained model with the lowest final loss and the list of
    every run's final loss, in the order of ``seeds``.

    The check runs it on six seeds of a ``2-3-1`` ReLU network on circles (the restart sweep of
    the notebook, shortened) and compares with its own runs.
    """
    seeds = [0, 1, 2, 3, 4, 5]
    X, y = _data.make_circles(300, noise=0.05, factor=0.5, rng=np.random.default_rng(0))

    def make_model(seed):
        return _MLP([2, 3, 1], activation="relu", init="he_normal", seed=seed)

    ok, result = _answer(keep_best, make_model, X, y, seeds, what="keep_best", epochs=300, lr=0.3)
    if not ok:
        return False
    reference = lessons.restart_sweep(seeds, epochs=300, lr=0.3, data_seed=0)
    try:
        best, losses = result
    except (TypeError, ValueError):
        print("keep_best should return two things: (best_model, final_losses).")
        return False
    losses = np.asarray(losses, dtype=np.float64).ravel()
    if losses.shape != (len(seeds),):
        print(f"final_losses should hold one loss per seed ({len(seeds)}); got {losses.shape}.")
        return False
    if not np.allclose(losses, reference.final_loss, rtol=1e-9, atol=1e-12):
        print(
            "Your final losses differ from a plain run of train(make_model(seed), X, y, "
            "epochs=epochs, lr=lr) for each seed: train each model once, from its own seed, "
            "and record history.final_loss."
        )
        return False
    if not isinstance(best, _MLP):
        print(f"best_model should be the trained MLP; got {type(best).__name__}.")
        return False
    got = best.loss(X, y)
    if not np.isclose(got, reference.final_loss.min(), rtol=1e-9, atol=1e-12):
        print(
            f"best_model has loss {got:.4f} on the data, but the lowest final loss is "
            f"{reference.final_loss.min():.4f}: keep the model of the best run (after training)."
        )
        return False
    print(
        f"Correct: over {len(seeds)} seeds the final losses range from {losses.min():.3f} to "
        f"{losses.max():.3f}; keep_best returns the run with {losses.min():.3f}."
    )
    return True


# ---------------------------------------------------------------------------- 06 claims


def check_constant_claim(distinct_after_training, verdict) -> bool:
    """Exercise of notebook 06: put "every weight 0.5 breaks the symmetry, since it is not zero"
    to the test.

    ``distinct_after_training(value, activation)`` builds a ``2-8-1`` network whose weights all
    equal ``value`` (``init="constant", scale=value``, zero biases), trains it 500 epochs at
    learning rate 0.5 on the moons of the notebook, and returns the number of distinct hidden
    units (:func:`helpers.diagnostics.distinct_units` of the hidden outputs). ``verdict`` is
    ``"true"``, ``"false"`` or ``"it depends"``.
    """
    counts = {}
    for activation in ("tanh", "relu"):
        ok, got = _answer(distinct_after_training, 0.5, activation, what="distinct_after_training")
        if not ok:
            return False
        X, _, y, _ = lessons.comparison_data("moons")
        model = _MLP([2, 8, 1], activation=activation, init="constant", scale=0.5)
        _train(model, X, y, epochs=500, lr=0.5, record_layers=False)
        _, cache = model.forward(X)
        truth = _diagnostics.distinct_units(cache.post[1])
        if int(got) != truth:
            print(
                f"distinct_after_training(0.5, {activation!r}) returned {got}; a run as described "
                f"gives {truth}. Build MLP([2, 8, 1], activation=..., init='constant', "
                "scale=value), train it, then count the distinct columns of cache.post[1]."
            )
            return False
        counts[activation] = truth
    found = ", ".join(f"{a}: {n} of 8" for a, n in counts.items())
    if not isinstance(verdict, str) or verdict.strip().lower() not in lessons.VERDICTS:
        print(f"Set verdict to one of {', '.join(map(repr, lessons.VERDICTS))}; got {verdict!r}.")
        return False
    if verdict.strip().lower() != "false":
        print(
            f"Your experiment found {found} distinct hidden units after training: do the units "
            "differ? Choose the verdict the numbers support."
        )
        return False
    print(
        f"Correct: with every weight 0.5 the hidden units stay identical ({found} distinct). "
        "Any constant keeps the symmetry; only different values (random ones) break it. Verdict: "
        "false."
    )
    return True
