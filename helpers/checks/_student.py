"""Calling the student's function kindly: the one place every ``check_*`` of
:mod:`helpers.checks` calls an exercise's function through.

A function that never returns is stopped after :data:`TIME_LIMIT` seconds where the platform
allows it: on POSIX (Linux, macOS) in the main thread, which is where a notebook kernel runs a
cell, by ``signal.setitimer`` and ``SIGALRM``. Elsewhere (Windows, or a check called from another
thread) there is no limit: the student stops a hanging function with Kernel -> Interrupt, which
the check reports as stopped instead of raising. The alarm interrupts Python code; one long call
into compiled code (a huge matrix product) finishes before the limit takes effect.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from ._answers import short

TIME_LIMIT = 120.0
"""Seconds one call of a student's function may take before the check stops it (None: no
limit). Generous: the slowest exercise (training six networks) takes a few seconds."""


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException, so a student's ``except Exception`` cannot swallow
    it."""


def can_limit_time() -> bool:
    """Whether :data:`TIME_LIMIT` can be enforced here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _time_limit(seconds):
    if not seconds or not can_limit_time():
        yield
        return

    def alarm(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _answer(fn, *args, what: str, **kwargs):
    """Call the student's ``fn(*args, **kwargs)``. Returns ``(ok, value)``; prints a kind message
    when the exercise is not filled in yet, the function raised, ran past :data:`TIME_LIMIT`, was
    interrupted, or returned nothing."""
    if not callable(fn):
        print(f"Pass the function itself ({what}, no parentheses after its name); got {short(fn)}.")
        return False, None
    call = f"{what}({', '.join(short(a, 30) for a in args)})"
    try:
        with _time_limit(TIME_LIMIT):
            value = fn(*args, **kwargs)
    except NotImplementedError:
        print(
            f"Not filled in yet: replace `raise NotImplementedError` in {what} with your code, "
            "then run its cell and this one again."
        )
        return False, None
    except _TimeUp:
        print(
            f"{call} was still running after {TIME_LIMIT:g} s, so the check stopped it: "
            "look for a loop that never ends (or far more work than the exercise asks)."
        )
        return False, None
    except KeyboardInterrupt:
        print(f"{call} was interrupted before it returned; nothing was checked.")
        return False, None
    except SystemExit:
        print(f"{call} called exit() (or sys.exit()): return a value instead.")
        return False, None
    except Exception as exc:  # the student's code: report, never crash the notebook
        print(f"{call} raised {type(exc).__name__}: {exc}")
        return False, None
    if value is None:
        print(f"{call} returned None: did you forget the `return`?")
        return False, None
    return True, value
