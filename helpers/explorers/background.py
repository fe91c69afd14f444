"""Long computations in slices on the kernel's event loop, so that the kernel stays responsive.

An explorer whose numbers can take seconds (the training explorer at its maxima) implements
``compute_steps(state)``: a generator that does a slice of the work per ``next()`` and yields
``(fraction_done, snapshot)``, where ``snapshot()`` returns the values so far (a dict like the
final one), and finally *returns* the values. :func:`run_steps` runs it to the end at once (what
``compute`` and every update made from code do). A change made in the browser instead starts a
:class:`Background` run: slices of about :data:`SLICE_SECONDS` are scheduled on the kernel's
asyncio loop, which handles the next message from the browser (another control, the Stop button)
between two slices; every :data:`FRAME_SECONDS` the figure shows the snapshot and the progress
bar the fraction done and the time left; a newer change cancels the run (last value wins).
"""

from __future__ import annotations

import asyncio
import time

SLICE_SECONDS = 0.05
"""About how long one slice of work keeps the kernel busy."""
FRAME_SECONDS = 0.8
"""How often a background run shows what it has so far (the time between two frames)."""
PAUSE_SECONDS = 0.002
"""The pause between two slices, in which the kernel handles messages."""


def run_steps(steps, progress=None):
    """Exhaust a ``compute_steps`` generator; ``progress(fraction)`` after every slice.
    Returns what the generator returns. A *Kernel > Interrupt* (KeyboardInterrupt) that arrives
    outside the generator is passed into it as :class:`Stop`, so that it ends where it is."""
    stopping = None
    while True:
        try:
            try:
                fraction, _ = steps.throw(Stop()) if stopping else next(steps)
            except StopIteration as end:
                return end.value
            except Stop:  # the generator does not stop early: interrupt as usual
                raise stopping from None
            if progress is not None:
                progress(fraction)
        except KeyboardInterrupt as interrupt:
            if stopping is not None:
                raise
            stopping = interrupt


def event_loop():
    """The running asyncio loop if this call is handling a message from the browser (a widget's
    comm message in an IPython kernel), else None: then work runs at once, as code expects."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        kernel = getattr(shell, "kernel", None)
        parent = kernel.get_parent() if kernel is not None else {}
        if (parent or {}).get("header", {}).get("msg_type") != "comm_msg":
            return None
        return asyncio.get_running_loop()
    except (ImportError, RuntimeError, AttributeError, TypeError):
        return None


_GOING = object()


class Stop(Exception):
    """Thrown into a ``compute_steps`` generator to end it early: it should stop its work where
    it is (as after *Kernel > Interrupt*) and return the values it has."""


class Progress:
    """A progress bar, a label (fraction done, time left) and a Stop button."""

    def __init__(self, on_stop):
        import ipywidgets as W

        self.bar = W.FloatProgress(value=0.0, min=0.0, max=1.0, description="progress",
                                   layout=W.Layout(width="400px"),
                                   style={"description_width": "initial"})  # fmt: skip
        self.label = W.Label("")
        self.button = W.Button(description="Stop", disabled=True, tooltip="stop and show",
                               layout=W.Layout(width="70px"))  # fmt: skip
        self.button.on_click(lambda _: on_stop())
        self.widget = W.HBox([self.bar, self.button, self.label])

    def show(self, fraction: float, seconds_left: float | None = None) -> None:
        self.bar.value = min(max(float(fraction), 0.0), 1.0)
        left = "" if seconds_left is None else f", about {seconds_left:.0f} s left"
        self.label.value = f"{100 * self.bar.value:.0f}%{left}"

    def running(self, yes: bool) -> None:
        self.button.disabled = not yes


class Background:
    """One explorer's background run: at most one at a time, the newest wins.

    ``on_frame(values, fraction, seconds_left)`` after every slice (``values`` a snapshot every
    :data:`FRAME_SECONDS`, else None); ``on_done(values, stopped)`` gets the final values (after
    :meth:`stop`, those the generator returned when it was stopped; an exception if it failed);
    ``context()`` is entered around every slice (BLAS thread limits).
    """

    def __init__(self, on_frame, on_done, context):
        self._on_frame, self._on_done, self._context = on_frame, on_done, context
        self._generation = 0
        self._job = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self, loop, steps) -> None:
        """Run ``steps`` (a ``compute_steps`` generator) in slices on ``loop``; a run still going
        is cancelled."""
        self.cancel()
        self._generation += 1
        now = time.perf_counter()
        self._job = {"steps": steps, "start": now, "frame": now, "snapshot": None,
                     "fraction": 0.0, "stop": False}  # fmt: skip
        loop.call_soon(self._slice, loop, self._generation)

    def cancel(self) -> None:
        """Forget the run in progress (its results are never shown)."""
        if self._job is not None:
            self._job["steps"].close()
        self._job = None
        self._generation += 1

    def stop(self) -> None:
        """End the run in progress at its next slice and show what it has (stopped)."""
        if self._job is not None:
            self._job["stop"] = True

    def _slice(self, loop, generation) -> None:
        job = self._job
        if generation != self._generation or job is None:
            return  # cancelled by a newer change
        start = time.perf_counter()
        try:
            with self._context():
                while time.perf_counter() - start < SLICE_SECONDS:
                    if job["stop"]:
                        job["steps"].throw(Stop())
                    job["fraction"], job["snapshot"] = next(job["steps"])
        except StopIteration as end:
            result = end.value
        except Stop:  # the generator did not catch it: show its last snapshot
            result = job["snapshot"]() if job["snapshot"] is not None else None
        except Exception as error:  # a bug in compute_steps: say so instead of hanging
            result = error
        else:
            result = _GOING
        if result is not _GOING:  # drawn after a pause: a newer change may make it moot
            loop.call_later(PAUSE_SECONDS, self._complete, generation, result)
            return
        now = time.perf_counter()
        frame = now - job["frame"] >= FRAME_SECONDS and job["snapshot"] is not None
        self._on_frame(None, job["fraction"], self._left(job, now))
        # short pauses let the kernel read and handle the browser's next message: after this
        # slice, and after drawing the figure (a separate step) when a frame is due
        after = self._draw if frame else self._slice
        loop.call_later(PAUSE_SECONDS, after, loop, generation)

    def _complete(self, generation, result) -> None:
        job = self._job
        if generation != self._generation or job is None:
            return
        self._job = None
        self._on_done(result, job["stop"])

    def _draw(self, loop, generation) -> None:
        job = self._job
        if generation != self._generation or job is None:
            return
        with self._context():
            values = job["snapshot"]()
        self._on_frame(values, job["fraction"], self._left(job, time.perf_counter()))
        job["frame"] = time.perf_counter()
        loop.call_later(PAUSE_SECONDS, self._slice, loop, generation)

    @staticmethod
    def _left(job, now) -> float | None:
        f = job["fraction"]
        return (now - job["start"]) * (1 - f) / f if f > 0 else None


def show_frame(explorer, values, fraction, seconds_left) -> None:
    """A background run's progress, and the figure for ``values`` when there are some."""
    explorer.progress.show(fraction, seconds_left)
    if values is not None and not explorer._closed:
        explorer.draw(values)
        explorer.render()


def show_result(explorer, result, stopped) -> None:
    """A background run's end: its values become the explorer's, or its error is shown."""
    explorer.progress.running(False)
    if explorer._closed or result is None:
        return
    if isinstance(result, BaseException):
        explorer.readout.value = f"<b>error</b>: {type(result).__name__}: {result}"
        return
    explorer.values = result
    readout = explorer.draw(result) or ""
    explorer.render()
    explorer.readout.value = readout
