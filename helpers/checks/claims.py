"""Notebook 06: feedback for the exercise on putting "every weight 0.5 breaks the symmetry" to
the test.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

from .. import diagnostics as _diagnostics
from .. import lessons
from ..mlp import MLP as _MLP
from ..train import train as _train
from ._answers import as_number, as_word
from ._student import _answer

VERDICT_SYNONYMS = {
    "yes": "true",
    "no": "false",
    "depends": "it depends",
    True: "true",
    False: "false",
}
"""Other ways of writing a verdict (``True``/``False`` too) and the verdict they mean."""

# ---------------------------------------------------------------------------- 06 claims


def check_constant_claim(distinct_after_training, verdict) -> bool:
    """Exercise of notebook 06: put "every weight 0.5 breaks the symmetry, since it is not zero"
    to the test.

    ``distinct_after_training(value, activation)`` builds a ``2-8-1`` network whose weights all
    equal ``value`` (``init="constant", scale=value``, zero biases), trains it 500 epochs at
    learning rate 0.5 on the moons of the notebook, and returns the number of distinct hidden
    units (:func:`helpers.diagnostics.distinct_units` of the hidden outputs). ``verdict`` is
    ``"true"``, ``"false"`` or ``"it depends"`` (case ignored; ``"yes"``/``"no"``/``True``/``False``
    read as true/false). The count must be the exact whole number.
    """
    counts = {}
    for activation in ("tanh", "relu"):
        ok, got = _answer(distinct_after_training, 0.5, activation, what="distinct_after_training")
        if not ok:
            return False
        got = as_number(got, f"distinct_after_training(0.5, {activation!r})", integer=True)
        if got is None:
            return False
        X, _, y, _ = lessons.comparison_data("moons")
        model = _MLP([2, 8, 1], activation=activation, init="constant", scale=0.5)
        _train(model, X, y, epochs=500, lr=0.5, record_layers=False)
        _, cache = model.forward(X)
        truth = _diagnostics.distinct_units(cache.post[1])
        if got != truth:
            print(
                f"distinct_after_training(0.5, {activation!r}) returned {got}; a run as described "
                f"gives {truth}. Build MLP([2, 8, 1], activation=..., init='constant', "
                "scale=value), train it, then count the distinct columns of cache.post[1]."
            )
            return False
        counts[activation] = truth
    found = ", ".join(f"{a}: {n} of 8" for a, n in counts.items())
    verdict = as_word(verdict, "verdict", lessons.VERDICTS, synonyms=VERDICT_SYNONYMS)
    if verdict is None:
        return False
    if verdict != "false":
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
