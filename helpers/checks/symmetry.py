"""Notebook 02: feedback for the exercise on which parameters move in the first step from zero
weights.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

from .. import lessons
from ._answers import as_bool, short
from ._student import _answer

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


def _as_change_dict(value, what: str) -> dict | None:
    """The student's answer as ``{name: bool}``, or None after saying what was expected: a dict
    with exactly the keys W1, b1, W2, b2 (values True/False or words such as "yes"/"no"), or a
    set/list of the names that change."""
    names = lessons.PARAMETER_NAMES
    if isinstance(value, dict):
        keys = {str(k) for k in value}
        if keys != set(names):
            missing = [k for k in names if k not in keys]
            extra = sorted(keys - set(names))
            print(
                f"{what} returned a dict with the keys {sorted(keys)}; expected exactly "
                f"{', '.join(names)}"
                + (f" (missing {', '.join(missing)})" if missing else "")
                + (f" (not parameters: {', '.join(extra)})" if extra else "")
                + "."
            )
            return None
        parsed = {k: as_bool(value[k], f"{what}[{k!r}]") for k in names}
        return None if None in parsed.values() else parsed
    if isinstance(value, (set, frozenset, list, tuple)):
        if all(isinstance(k, str) for k in value) and set(value) <= set(names):
            return {k: k in value for k in names}
    print(
        f"{what} returned {short(value)}; return a dict with the keys 'W1', 'b1', 'W2', 'b2' and "
        "True/False values (or a set of the names that change)."
    )
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
        guess = _as_change_dict(value, f"predict_changes({act!r})")
        if guess is None:
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
