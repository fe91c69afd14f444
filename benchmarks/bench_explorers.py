"""How long an explorer takes from a control change to a finished drawing, against the naive way.

Usage (from the repository root)::

    python benchmarks/bench_explorers.py            # every explorer, every control
    python benchmarks/bench_explorers.py --repeat 30 --explorer depth

For each explorer at its default size and each of its controls, the script sets the control's
``.value``, which recomputes the numbers, updates the artists in place and renders the figure on
Agg the way the explorer does live (blitting what moved, redrawing only the Axes whose limits
changed): everything but ipympl's PNG and the browser (``bench_browser.py`` times those too). It
prints the median and the 95th percentile of that time, wall clock and CPU. ``--blas-threads 0``
times the same without the explorers' one-BLAS-thread limit, to see whether the limit helps.

It then times the naive way, what ``ipywidgets.interact`` does with the inline backend: on each
change, make a new figure with the same panels and numbers, lay it out, render it to a PNG
(``bbox_inches="tight"``, as the inline backend does) and close it. The speed-up is the naive
median over the in-place median.

Goals on a 2-core machine: median <= 50 ms and p95 <= 100 ms for the symmetry, saturation and
depth explorers (depth 10); the training explorer retrains 300 epochs of a 2-16-16-1 net on 400
points and redraws in <= 400 ms; the in-place update at least 3 times faster than the naive
way. The residual, phase and isometry explorers are timed the same way, without a goal. The
machine's load average is printed with the results: timings on a shared machine vary.
"""

from __future__ import annotations

import argparse
import copy
import io
import itertools
import os
import sys
import time

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from helpers import plotting, widgets  # noqa: E402

# The values each control cycles through (every step is a real change of value).
CYCLES = {
    "symmetry": {
        "scheme": ["xavier_normal", "he_normal", "zeros", "orthogonal", "lecun_uniform"],
        "scale": [0.5, 1.0, 2.0, 1.5, 0.8],
        "activation": ["tanh", "relu", "sigmoid", "leaky_relu"],
        "bias": ["normal", "constant", "zeros"],
        "seed": [1, 2, 3, 4],
        "steps": [150, 200, 250, 180],
    },
    "saturation": {
        "scale": [0.05, 0.2, 1.0, 5.0, 0.5],
        "activation": ["tanh", "relu", "sigmoid", "leaky_relu"],
        "fan_in": [50, 100, 200, 400, 20],
    },
    "depth": {
        "scheme": ["he_normal", "xavier_normal", "normal", "lecun_normal", "orthogonal"],
        "scale": [0.5, 1.0, 2.0, 1.5, 0.8],
        "activation": ["relu", "tanh", "sigmoid", "linear"],
        "depth": [9, 10, 11, 12],
        "width": [128, 256],
    },
    "training": {
        "seed": [1, 2, 3, 0],
        "scale": [0.5, 1.0, 2.0],
        "scheme": ["xavier_normal", "he_normal"],
        "lr": [0.3, 0.5, 0.8],
    },
    "residual": {
        "block": ["plain", "residual"],
        "norm": ["batch", "none", "layer"],
        "scaling": ["gpt2", "rezero", "none"],
        "depth": [19, 20, 21, 24],
        "scheme": ["xavier_normal", "he_normal"],
        "scale": [0.5, 1.0, 2.0, 1.5, 0.8],
        "activation": ["tanh", "relu"],
    },
    "phase": {
        "scheme": ["xavier_normal", "he_normal", "lecun_normal"],
        "scale": [0.5, 1.0, 2.0, 1.5, 0.8],
        "bias_variance": [0.02, 0.04, 0.1, 0.3],
    },
    "isometry": {
        "activation": ["linear", "relu", "tanh"],
        "scale": [0.5, 1.0, 2.0, 1.5, 0.8],
        "depth": [99, 100, 101, 110],
    },
}
START = {"symmetry": {"scheme": "xavier_normal"}}
GOALS = {
    "symmetry": (50.0, 100.0),
    "saturation": (50.0, 100.0),
    "depth": (50.0, 100.0),
    "training": (400.0, None),
}


def _timed(fn) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of ``fn()``.

    The wall time is what a student waits. The CPU time is the work itself: on a machine that
    other programs keep busy, the wall time also counts the waiting for a free core.
    """
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return 1000.0 * (time.perf_counter() - start), 1000.0 * (time.process_time() - cpu)


def time_in_place(
    name: str, control: str, repeat: int, *, state: dict | None = None, values=None
) -> np.ndarray:
    """Milliseconds (wall, CPU) from ``control.value = v`` to the figure's pixels being up to
    date (the explorer renders as part of the update: a blit, the changed Axes, or everything):
    shape (repeat, 2).

    ``state`` (``{control: value}``) is set before timing; ``values`` (default ``CYCLES``) are
    the values the control cycles through."""
    ex = widgets.EXPLORERS[name](**START.get(name, {}))
    if state:
        ex.set(**state)
    fig = ex.figure
    fig.canvas.draw()
    values = itertools.cycle(CYCLES[name][control] if values is None else values)
    times = []
    for _ in range(repeat):
        value = next(values)
        if value == ex.controls[control].value:
            value = next(values)

        def change(value=value):
            ex.controls[control].value = value

        times.append(_timed(change))
    ex.close()
    return np.array(times)


def naive_redraw(ex) -> None:
    """What ``interact`` does with the inline backend: a new figure per change, the same numbers
    and panels, laid out and rendered to a PNG, then closed."""
    fig = plt.figure(figsize=ex.figsize, layout="constrained")
    naive = copy.copy(ex)  # a twin whose artists live on the new figure, not on ex's
    naive.animate = lambda *artists: artists[0] if artists else None  # plain artists, no blitting
    with matplotlib.rc_context(plotting.style_rc()):
        naive.build(fig)
    naive.draw(naive.compute(ex.state))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)


def time_naive(name: str, control: str, repeat: int) -> np.ndarray:
    ex = widgets.EXPLORERS[name](**START.get(name, {}))
    values = itertools.cycle(CYCLES[name][control])
    times = []
    for _ in range(repeat):
        value = next(values)
        ex.controls[control].value = value  # (the in-place update is not timed)
        times.append(_timed(lambda: naive_redraw(ex)))
    ex.close()
    return np.array(times)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="changes per control (default 20)")
    parser.add_argument(
        "--repeat-training", type=int, default=8, help="changes per training control"
    )
    parser.add_argument("--naive-repeat", type=int, default=8, help="naive redraws per explorer")
    parser.add_argument("--explorer", choices=list(widgets.EXPLORERS), action="append")
    parser.add_argument(
        "--blas-threads", type=int, default=1,
        help="BLAS threads while an explorer computes (default 1, as the explorers; 0: no limit)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    names = args.explorer or list(widgets.EXPLORERS)
    widgets.Explorer.blas_threads = args.blas_threads or None

    print(f"load average before: {load_average()}  ({os.cpu_count()} CPUs)")
    print(f"BLAS threads while computing: {args.blas_threads or 'no limit'}")
    print("control change -> figure rendered on Agg (wall clock; CPU time beside)")
    head = f"{'explorer':<11} {'control':<11} {'median ms':>9} {'p95 ms':>8} {'median CPU ms':>13}"
    print(head)

    def row(name, control, t):
        wall, cpu = t[:, 0], t[:, 1]
        print(
            f"{name:<11} {control:<11} {np.median(wall):9.1f} {np.percentile(wall, 95):8.1f} "
            f"{np.median(cpu):13.1f}"
        )

    summary, per_control = {}, {}
    for name in names:
        repeat = args.repeat_training if name == "training" else args.repeat
        all_times = []
        for control in CYCLES[name]:
            t = time_in_place(name, control, repeat)
            all_times.append(t)
            per_control[name, control] = t
            row(name, control, t)
        t = np.concatenate(all_times)
        summary[name] = t
        row(name, "(all)", t)

    print()
    print("naive way (new figure + PNG per change, as interact with the inline backend):")
    print(f"{'explorer':<11} {'control':<8} {'naive ms':>9} {'in place ms':>11} {'speed-up':>8}")
    failed = []
    for name in names:
        control = "seed" if name == "training" else "scale"
        naive = time_naive(name, control, args.naive_repeat)[:, 0]
        # the speed-up compares the same control; the goals apply to every control together
        ratio = float(np.median(naive)) / float(np.median(per_control[name, control][:, 0]))
        live = float(np.median(summary[name][:, 0]))
        goal_med, goal_p95 = GOALS.get(name, (None, None))
        p95 = float(np.percentile(summary[name][:, 0], 95))
        ok = goal_med is None or (live <= goal_med and (goal_p95 is None or p95 <= goal_p95))
        if goal_med is None:
            goal, verdict = "no goal", "-"
        else:
            goal = f"median <= {goal_med:g} ms" + (f", p95 <= {goal_p95:g} ms" if goal_p95 else "")
            verdict = "met" if ok else "MISSED"
        same = float(np.median(per_control[name, control][:, 0]))
        print(
            f"{name:<11} {control:<8} {np.median(naive):9.1f} {same:11.1f} {ratio:7.1f}x  "
            f"{goal}: {verdict}; speed-up >= 3x: {'met' if ratio >= 3 else 'MISSED'}"
        )
        if not ok or ratio < 3:
            failed.append(name)
    print(f"load average after: {load_average()}")
    if failed:
        print(f"goals missed for: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
