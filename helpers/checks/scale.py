"""Notebook 03: feedback for the exercise on the largest weight scale that keeps sigmoid units
out of saturation.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

from .. import lessons
from ._answers import as_number
from ._student import _answer

# ---------------------------------------------------------------------------- 03 saturation


def check_largest_safe_scale(largest_safe_scale, *, tolerance: float = 0.04) -> bool:
    """Exercise of notebook 03: ``largest_safe_scale(fan_in)`` returns the largest weight std at
    which fewer than 5% of sigmoid units saturate (inputs N(0, 1)).

    An answer within ``tolerance`` (relative, default 4%) of the closed form
    :func:`helpers.lessons.largest_safe_scale` passes, and the messages say so; the saturated
    fraction at the answer is also measured and printed.
    """
    answers = {}
    for fan_in in (100, 25, 400):
        ok, got = _answer(largest_safe_scale, fan_in, what="largest_safe_scale")
        if not ok:
            return False
        got = as_number(got, f"largest_safe_scale({fan_in})")
        if got is None:
            return False
        if got <= 0:
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
                f"(measured): more than 5%. The largest safe scale is smaller (the check accepts "
                f"answers within {tolerance:.0%} of it)."
            )
            return False
        if got < truth * (1 - tolerance):
            print(
                f"fan_in {fan_in}: at scale {got:.4g} only {measured:.1%} saturate (measured): "
                "safe, but not the largest safe scale. Look for a larger one (the check accepts "
                f"answers within {tolerance:.0%} of it)."
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
