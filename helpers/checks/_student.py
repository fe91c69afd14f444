"""Calling the student's function kindly: the one place every ``check_*`` of
:mod:`helpers.checks` calls an exercise's function through.
"""

from __future__ import annotations


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
