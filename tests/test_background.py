"""Long computations in the background: the kernel's event loop stays free, the newest change
wins, Stop shows the run so far (helpers.explorers.background and Explorer.start)."""

import asyncio
import threading
import time

import pytest

from helpers.explorers import background
from helpers.explorers.background import Background, Stop, run_steps
from helpers.widgets import build_symmetry_explorer, build_training_explorer


def counting(n, seconds_each=0.01, log=None):
    """A compute_steps generator: n slices of busy work, returns the number done."""
    done = 0
    try:
        while done < n:
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < seconds_each:
                pass
            done += 1
            yield done / n, lambda done=done: {"done": done}
    except Stop:
        if log is not None:
            log.append("stopped")
    return {"done": done}


def test_run_steps_reports_progress_and_returns_the_values():
    seen = []
    assert run_steps(counting(5, 0.0), seen.append) == {"done": 5}
    assert seen == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_an_interrupt_outside_the_generator_stops_it_where_it_is():
    log = []

    def progress(fraction):
        if fraction >= 0.5:
            raise KeyboardInterrupt

    assert run_steps(counting(10, 0.0, log), progress) == {"done": 5}
    assert log == ["stopped"]

    def uncatching():
        yield 0.5, None
        yield 1.0, None

    with pytest.raises(KeyboardInterrupt):  # a generator that cannot stop early: as usual
        run_steps(uncatching(), progress)


def run(coroutine):
    """Run ``coroutine`` on a fresh event loop in its own thread, as a kernel's loop would run
    it (the test process may have a loop of its own running, e.g. Playwright's); returns its
    result or raises its exception."""
    out = {}

    def target():
        try:
            out["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # handed to the test
            out["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the scenario did not finish in 120 s"
    if "error" in out:
        raise out["error"]
    return out.get("value")


async def _ticks(until, gaps):
    """Record the longest time the loop was not free, until ``until()`` is true."""
    last = time.perf_counter()
    while not until():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


def test_a_background_run_leaves_the_loop_free_and_the_newest_wins():
    done, frames = [], []

    async def scenario():
        loop = asyncio.get_running_loop()
        runner = Background(
            lambda v, f, left: frames.append((v, f, left)),
            lambda v, stopped: done.append((v, stopped)),
            lambda: __import__("contextlib").nullcontext(),
        )
        runner.start(loop, counting(1000, 0.002))  # about 2 s of work
        await asyncio.sleep(0.3)
        runner.start(loop, counting(100, 0.002))  # a newer change: the first never finishes
        gaps = []
        await _ticks(lambda: not runner.running, gaps)
        return gaps

    gaps = run(scenario())
    assert done == [({"done": 100}, False)]
    assert max(gaps) < 3 * background.SLICE_SECONDS
    fractions = [f for _, f, _ in frames]
    assert all(0 < f <= 1 for f in fractions)
    assert any(left is not None and left > 0 for _, _, left in frames)


def test_the_training_explorer_trains_in_the_background_and_stops_on_request():
    ex = build_training_explorer(epochs=3000, restarts=4, n=100, resolution=30)
    finished = dict(ex.values)
    gaps = []

    async def scenario():
        ex.start()
        assert ex.running and not ex.progress.button.disabled
        await asyncio.sleep(0.4)
        ex.stop()
        await _ticks(lambda: not ex.running, gaps)

    run(scenario())
    v = ex.values
    assert v["stopped"] and 0 < v["epochs_run"] < 3000
    assert v["history"].loss.size == v["epochs_run"] + 1
    assert "stopped" in ex.progress.label.value and ex.progress.button.disabled
    assert max(gaps) < 0.5  # a slice, or drawing a frame: never longer than half a second
    # the same settings computed at once give the finished run
    ex.update()
    assert ex.values["final_loss"] == finished["final_loss"] and not ex.values["stopped"]
    ex.close()


def test_an_update_cancels_the_background_run_and_explorers_that_compute_at_once_refuse():
    ex = build_training_explorer(epochs=2000, n=100, resolution=30)
    reference = ex.values["final_loss"]

    async def scenario():
        ex.start()
        await asyncio.sleep(0.05)
        ex.update()  # code wins over the browser's run in progress
        assert not ex.running and ex.progress.button.disabled
        await asyncio.sleep(0.3)

    run(scenario())
    assert ex.values["final_loss"] == reference and not ex.values["stopped"]
    ex.close()
    sym = build_symmetry_explorer(steps=10)
    with pytest.raises(TypeError, match="update"):
        sym.start()
    sym.close()
