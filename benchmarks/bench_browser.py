"""What a student waits for: from a key press on an explorer's control to new pixels in the browser.

Usage (from the repository root; needs Debian's ``/usr/bin/chromium`` and the ``playwright``
Python package, as the browser tests do; never ``playwright install``)::

    python benchmarks/bench_browser.py                          # every explorer, every control
    python benchmarks/bench_browser.py --explorers symmetry,depth --controls scale
    python benchmarks/bench_browser.py --repeats 10 --json out.json --screenshots shots/
    python benchmarks/bench_browser.py --notebook notebooks/03_vanishing_and_saturation.ipynb
    python benchmarks/bench_browser.py --burst 50                # a burst of key presses
    python benchmarks/bench_browser.py --worst-case              # every slider at its extreme
    python benchmarks/bench_browser.py --floor                   # and what the page costs alone

What it does:

1. Starts JupyterLab on 127.0.0.1 (a free port, no token, throwaway settings, workspace and
   runtime directories) with the harness of the browser tests (``tests/browser/_lab.py``), with
   this checkout first on ``PYTHONPATH`` so that the kernel imports this checkout's ``helpers``.
2. Opens the notebook (default ``notebooks/explorer.ipynb``) in Debian's headless chromium via
   Playwright, runs *Restart Kernel and Run All Cells* and waits until the kernel is idle.
   The browser may fetch nothing but 127.0.0.1: any other request is blocked and reported.
3. For every explorer on the page (a ``.initlab-explorer`` box holding an ipympl canvas,
   ``.jupyter-matplotlib-figure canvas``; named after its title, "Symmetry explorer" ->
   ``symmetry``) and each of its controls (sliders, found by their description label, and
   dropdowns), changes the control ``--repeats`` times, back and forth between its starting
   value and the next one (an odd count ends with one more, untimed, change back, so that the
   next control starts from what the page showed): a slider by focusing its ``.noUi-handle``
   and pressing ArrowRight / ArrowLeft alternately (ArrowLeft first at the top of the range),
   a dropdown by selecting the neighbouring option (Playwright's ``select_option``: a closed
   ``<select>`` ignores arrow keys in headless chromium).

   The timing is done in the page. Before each change the explorer's canvas pixels are hashed
   (``getContext('2d').getImageData``); a capture-phase ``keydown`` listener on ``window`` (the
   ``input`` event for dropdowns) notes ``performance.now()``; then a ``requestAnimationFrame``
   loop looks at the canvas every frame and hashes its pixels in each frame after something
   painted it (ipympl's ``drawImage``, ``clearRect``, ``putImageData``, found by wrapping those
   methods of the canvas's 2-D context), after a change of its size, and every 30th frame in
   any case: reading back and hashing a large canvas every frame would take ~2 ms of the page's
   main thread per frame, CPU a student's page does not spend. The latency is the time from the
   key event to the first frame whose pixels differ from those before the change (resolution:
   one frame, ~17 ms);
   "final" is the time to the last change before the pixels stay the same for ``--settle``
   seconds (more than one frame when a redraw arrives in pieces). No change within
   ``--timeout`` seconds counts as a failure, as does a key press that did not move the control.
   A change after which ipympl repaints the canvas (``drawImage``) with the very same pixels
   (the ``seed`` of a network whose weights are all one constant) is counted as "same pixels":
   neither timed nor a failure.
   Between changes the script waits for the pixels to settle, for the kernel to be idle and
   then ``--pause`` seconds more, so that every change starts from a finished redraw.
4. Stops the browser and the server (also on Ctrl-C or an error), then times the same
   explorers and controls on Agg in this process with ``bench_explorers.time_in_place`` (the
   control's ``.value`` set, then ``fig.canvas.draw()``), starting from the control values the
   page showed and alternating between the same two values. The difference between the two is
   what ipympl and the browser add: PNG encoding, the messages, decoding and painting.

With ``--floor`` it then times the *floor* (:mod:`floor_explorer`): in a throwaway notebook on
a second JupyterLab, an explorer that does almost nothing (one blitted line, no numbers worth
the name) at each measured explorer's figure size, on its ``scale`` slider as in step 3. Its
median, in the ``floor`` column, is what JupyterLab, ipywidgets and ipympl cost on their own for
a canvas of that size: the part of an explorer's latency that its own code cannot remove.

It prints one row per explorer and control (browser median, p95 and final median, Agg median,
the number of timed changes and of failures; the p95 is numpy's linear interpolation, so with
15 changes it lies between the two slowest) and one per explorer for all its controls
together, with the goals: median <= 100 ms and p95 <= 200 ms for the symmetry, saturation and
depth explorers, median <= 500 ms for the training explorer (a failure misses the goal). The
load average before and after and the versions of JupyterLab, ipympl, matplotlib and chromium
are printed with it: on a shared 2-core machine the figures move with the load. ``--json PATH``
writes every raw latency; ``--screenshots DIR`` saves a PNG of each explorer after its changes.

A second table says where the time goes (``browser_report.STAGES``), per explorer and per floor
explorer. For every change the page also notes its first message to the server after the key
event (by wrapping ``WebSocket.prototype.send``), the first PNG picture it receives (ipympl makes
a Blob URL of each: ``URL.createObjectURL`` wrapped) and the first paint of the canvas. Key ->
message is the browser's handling of the key; message -> picture the server, the kernel (the
explorer's own work and ipympl's PNG) and the way back; picture -> paint the decoding; paint ->
seen the wait for the frame that shows it. The wrappers only note the time; they change nothing.

The code: this script starts the servers and the browser and reports; ``browser_page.py`` holds
the JavaScript and the steps that drive one control, ``browser_modes.py`` the ``--burst`` and
``--worst-case`` measurements, ``browser_agg.py`` the Agg timings and ``browser_report.py`` the
summaries, goals and tables.

The page is read through its DOM only: the ``.initlab-explorer`` boxes, their title, the
``.widget-label`` description of each slider and dropdown, the ``.noUi-handle`` (its
``aria-valuetext``, ``aria-valuemax``) and ``<select>``, and the ipympl canvas; nothing in the
kernel is inspected, so the script runs unchanged on rewritten explorers.

Two other measurements on the same server, page and notebook run (instead of the table above,
without the Agg timings; ``--json`` keeps their raw numbers too):

``--burst N``
    A student dragging a slider fast. For each explorer (symmetry, saturation and depth unless
    ``--explorers`` says otherwise) the handle of the ``--burst-control`` slider (``scale``)
    gets N ArrowRight presses paced over ``--burst-seconds`` (1 s), after N untimed ArrowLeft
    presses that make room below. In the page, every keydown, every move of the handle
    (``aria-valuetext``), every change of the canvas pixels and of the kernel status (the
    notebook's execution indicator) is noted; "settled" is the time from the last key event to
    the last change of the pixels, once nothing has changed for ``--settle`` s and the kernel
    is idle. Then the script reads what the explorer shows: the slider's value, its read-out
    (the label beside a log slider, formatted like 0.01 / 1.5 / 100, which must be that value)
    and the explorer's read-out (the HTML under the controls), and the canvas hash; sets the
    same value again on its own, untimed (one ArrowLeft, one ArrowRight, each left to settle)
    and compares: equal read-outs and pixels mean the burst ended on the figure of the last
    value. New error outputs in the notebook (the harness's ``error_outputs``: tracebacks on
    stderr, error outputs, broken widget views) and new messages in JupyterLab's log console
    (where the output of widget callbacks goes) count as errors. Goal: settled within 1 s of
    the last key, on the last value, no error.
``--worst-case``
    Every slider at its extreme, one case at a time, from the values the page showed (each
    case's sliders are put back afterwards, untimed: Home, then ArrowRight up to the old value):
    symmetry ``steps`` 2000; saturation ``fan_in`` 1000; depth ``depth`` 60, ``width`` 512 and
    both; training ``layers``, ``width``, ``epochs``, ``restarts`` each alone
    (``browser_report.WORST_CASES``).
    The timed key is End on the handle (noUiSlider's keyboard support). As in step 3 it notes
    the key event and the first and last changed pixels; every frame it also notes the kernel
    status the execution indicator shows (a kernel busy with a widget message does not answer
    anything else: the longest busy spell after the key is how long the kernel froze, the
    time to its last return to idle when it answers again) and the width of the explorer's
    progress bar. A change is over when the pixels have not changed for
    ``--settle`` s and the kernel is idle (``--worst-timeout``, 120 s, before it fails). Goal:
    the kernel never busy for more than 3 s, and anything that takes more than 1 s shows a
    progress bar (ipywidgets' ``.widget-hprogress``) that moves (a value strictly between 0 and
    100% seen during the run).

An explorer whose canvas is 0x0 pixels (ipympl never sized it: the figure is not shown) is
skipped by the default measurement; the two modes above report it ("figure: NONE", goal not
met) and still measure its read-outs and its kernel.

This is a benchmark, not a test: it always exits 0 when it could measure, whether or not the
goals are met (1 when it could not run, 130 on Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
BROWSER_TESTS = REPO_ROOT / "tests" / "browser"
DEFAULT_NOTEBOOK = "notebooks/explorer.ipynb"
if str(HERE) not in sys.path:  # the modules beside this script: browser_*.py
    sys.path.insert(0, str(HERE))

from browser_agg import measure_on_agg  # noqa: E402
from browser_modes import burst_explorer, worst_case_explorer  # noqa: E402
from browser_page import BENCH_JS, CONTROLS_JS, time_changes  # noqa: E402
from browser_report import (  # noqa: E402
    BURST_CONTROL,
    build_rows,
    burst_table,
    explorer_name,
    format_table,
    latencies,
    ms,
    stages_table,
    summarize,
    worst_case_table,
)

# ---------------------------------------------------------------------------------------------
# In the browser


def measure_in_browser(args, lab, notebook: Path, root: Path, log, measure=None) -> dict:
    """Start the lab and the browser, run the notebook, time every explorer's controls (with
    ``measure(page, lab, explorer, index, args, log)``, default :func:`_measure_explorer`);
    stop everything, whatever happens. Returns the raw results."""
    measure = measure or _measure_explorer
    out = {"explorers": [], "blocked_requests": []}
    server = lab.LabServer(root)
    try:
        server.start()
        log(f"JupyterLab on {server.url} (pid {server.pid}), root {root}")
        with lab.chromium_context() as context:
            out["chromium"] = _chromium_version(context, lab.CHROMIUM)

            def guard(route):
                host = urllib.parse.urlsplit(route.request.url).hostname
                if host in ("127.0.0.1", "localhost"):
                    route.continue_()
                else:
                    out["blocked_requests"].append(route.request.url)
                    route.abort()

            context.route("**/*", guard)
            page = context.new_page()
            page.set_default_timeout(30_000)
            rel = notebook.relative_to(root).as_posix()
            _run_notebook(page, lab, server, rel, args, log)
            errors = lab.error_outputs(page)
            if errors:
                log(f"WARNING: {len(errors)} error output(s) after Run All:")
                log(lab.format_errors(errors, limit=600))
            page.evaluate(BENCH_JS)
            explorers = page.locator(f"{lab.PANEL} {lab.EXPLORER}")
            log(f"{explorers.count()} explorer(s) on the page")
            for i in range(explorers.count()):
                entry = measure(page, lab, explorers.nth(i), i, args, log)
                if entry is not None:
                    out["explorers"].append(entry)
            with contextlib.suppress(Exception):
                server.shutdown_sessions_for(rel)
    finally:
        server.stop()
    return out


def _run_notebook(page, lab, server, rel, args, log) -> None:
    t0 = time.monotonic()
    for attempt in (1, 2):
        lab.open_notebook(page, server.notebook_url(rel))
        lab.restart_and_run_all(page, menu="Kernel")
        try:
            lab.wait_run_finished(page, timeout=args.run_timeout)
            break
        except lab.RunStalled as exc:  # a JupyterLab restart race: retry once
            if attempt == 2:
                raise
            log(f"WARNING: {exc}; reloading and retrying once")
    log(f"{rel}: opened and ran in {time.monotonic() - t0:.1f} s")


def _measure_explorer(page, lab, explorer, i, args, log) -> dict | None:
    info = explorer.evaluate(CONTROLS_JS)
    name = explorer_name(info["title"], i)
    if args.explorers and name not in args.explorers:
        return None
    if not info["has_canvas"]:
        log(f"{name}: no ipympl canvas inside, skipped")
        return None
    if not all(info["canvas_size"]):
        log(f"{name}: its canvas is {info['canvas_size']} pixels (no figure shown), skipped")
        return None
    controls = [
        c for c in info["controls"] if not args.controls or c["description"] in args.controls
    ]
    entry = {"name": name, "title": info["title"], "index": i, "controls": []}
    explorer.scroll_into_view_if_needed()
    for control in info["controls"]:
        if control not in controls:
            continue
        t0 = time.monotonic()
        results = time_changes(page, lab, explorer, control, args)
        lat = latencies(results)
        s = summarize(lat)
        log(
            f"  {name:<11} {control['description']:<12} median {ms(s['median'])} ms, "
            f"p95 {ms(s['p95'])} ms, {s['failures']} failure(s) "
            f"({time.monotonic() - t0:.0f} s)"
        )
        entry["controls"].append({**control, "results": results})
    entry["dom_state"] = info["controls"]
    if args.screenshots:
        lab.move_mouse_away(page)
        path = Path(args.screenshots) / f"{i:02d}-{lab.safe_name(name)}.png"
        lab.screenshot(explorer, path)
        entry["screenshot"] = str(path)
    return entry


def _chromium_version(context, executable: str) -> str:
    browser = getattr(context, "browser", None)
    if browser is not None:
        with contextlib.suppress(Exception):
            return browser.version
    with contextlib.suppress(Exception):
        out = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
        return out.strip()
    return "unknown"


# ---------------------------------------------------------------------------------------------
# The floor (on Agg: browser_agg.py)


def measure_floor(args, lab, browser: dict, log) -> dict:
    """Time a :class:`floor_explorer.FloorExplorer` of each measured explorer's figure size
    (its ``scale`` slider, ``--repeats`` changes, in a throwaway notebook and a new JupyterLab
    of its own). Returns ``{explorer name: summary of the floor's latencies}``."""
    import floor_explorer

    from helpers.explorers import EXPLORERS

    names = [e["name"] for e in browser["explorers"] if e["name"] in EXPLORERS]
    if not names:
        return {}
    floor_args = argparse.Namespace(**{**vars(args), "explorers": [], "controls": ["scale"]})
    floor_args.screenshots = None
    with tempfile.TemporaryDirectory(prefix="initlab-floor-") as tmp:
        root = Path(tmp).resolve()
        notebook = floor_explorer.write_notebook(root, floor_explorer.explorer_sizes(names))
        measured = measure_in_browser(floor_args, lab, notebook, root, log)
    browser["floor_raw"] = measured["explorers"]
    browser["blocked_requests"] += measured["blocked_requests"]
    out = {}
    for entry in measured["explorers"]:
        pooled = [x for c in entry["controls"] for x in latencies(c["results"])]
        out[entry["name"].removeprefix("floor-")] = summarize(pooled)
    return out


# ---------------------------------------------------------------------------------------------
# Report (the tables: browser_report.py)


def versions(chromium: str) -> dict:
    import ipympl
    import ipywidgets
    import jupyterlab
    import matplotlib

    return {
        "jupyterlab": jupyterlab.__version__,
        "ipympl": ipympl.__version__,
        "ipywidgets": ipywidgets.__version__,
        "matplotlib": matplotlib.__version__,
        "numpy": np.__version__,
        "chromium": chromium,
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------------------------------------
# Command line


def _parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help=f"default {DEFAULT_NOTEBOOK}")
    p.add_argument("--explorers", default="", help="comma-separated, e.g. symmetry,depth")
    p.add_argument("--controls", default="", help="comma-separated descriptions, e.g. scale,depth")
    p.add_argument("--repeats", type=int, default=15, help="changes per control (default 15)")
    p.add_argument(
        "--agg-repeats", type=int, default=10, help="Agg changes per control (default 10)"
    )
    p.add_argument("--pause", type=float, default=0.3, help="s after a redraw (default 0.3)")
    p.add_argument("--settle", type=float, default=0.4, help="s of unchanged pixels = redraw done")
    p.add_argument("--timeout", type=float, default=15.0, help="s before a change fails")
    p.add_argument("--run-timeout", type=float, default=300.0, help="s for Run All")
    p.add_argument("--json", metavar="PATH", help="write the raw numbers here")
    p.add_argument("--screenshots", metavar="DIR", help="save a PNG of each explorer here")
    p.add_argument("--no-agg", action="store_true", help="skip the Agg timings")
    p.add_argument(
        "--floor",
        action="store_true",
        help="also time an explorer that does almost nothing, at each explorer's figure size",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--burst",
        type=int,
        default=0,
        metavar="N",
        help="instead: N ArrowRight presses on one slider, time from the last to settled pixels",
    )
    mode.add_argument(
        "--worst-case",
        action="store_true",
        help="instead: each slider of WORST_CASES to its maximum (End), pixels and kernel busy",
    )
    p.add_argument(
        "--burst-seconds", type=float, default=1.0, help="--burst: s for the N keys (default 1)"
    )
    p.add_argument(
        "--burst-control", default=BURST_CONTROL, help=f"--burst: slider (default {BURST_CONTROL})"
    )
    p.add_argument(
        "--worst-timeout",
        type=float,
        default=120.0,
        help="--worst-case: s before a change fails (default 120)",
    )
    args = p.parse_args(argv)
    if args.burst < 0:
        p.error("--burst N needs N >= 1")
    args.explorers = [x.strip() for x in args.explorers.split(",") if x.strip()]
    args.controls = [x.strip() for x in args.controls.split(",") if x.strip()]
    return args


def _resolve_notebook(arg: str) -> Path:
    path = Path(arg)
    if not path.is_absolute() and not path.exists():
        path = REPO_ROOT / path
    path = path.resolve()
    if not path.is_file():
        raise SystemExit(f"no such notebook: {arg}")
    return path


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


_INTERRUPTED: list[int] = []


def _on_signal(signum, frame):
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = _parse_args(argv)
    notebook = _resolve_notebook(args.notebook)
    # This checkout's helpers, in this process and in the kernel the lab starts.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    for path in (str(REPO_ROOT), str(HERE), str(BROWSER_TESTS)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import _lab as lab

    problem = lab.missing_requirements()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    root = REPO_ROOT if notebook.is_relative_to(REPO_ROOT) else notebook.parent
    # Ctrl-C also reaches Playwright's driver, which then closes the browser: whatever error
    # that causes here, the finally clauses stop the server and the browser.
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    def log(msg):
        print(msg, flush=True)

    load_start = _load()
    log(f"load average at start: {' / '.join(map(str, load_start))} ({os.cpu_count()} CPUs)")
    started = time.time()
    measure = None
    if args.burst:
        measure = burst_explorer
    elif args.worst_case:
        measure = worst_case_explorer
    try:
        browser = measure_in_browser(args, lab, notebook, root, log, measure)
        if measure is None and not args.no_agg:
            log("timing the same changes on Agg ...")
            measure_on_agg(browser, args, log)
        if measure is None and args.floor:
            log("timing the floor: an explorer that does almost nothing, at the same sizes ...")
            browser["floor"] = measure_floor(args, lab, browser, log)
    except BaseException:
        if not _INTERRUPTED:
            raise
        print("interrupted: the browser and the server were stopped", file=sys.stderr)
        return 130
    load_end = _load()
    import helpers

    info = {
        "notebook": str(notebook),
        "helpers": str(Path(helpers.__file__).parent),
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "cpus": os.cpu_count(),
        "load_start": load_start,
        "load_end": load_end,
        "versions": versions(browser.get("chromium", "unknown")),
        "settings": {
            k: getattr(args, k)
            for k in ("repeats", "agg_repeats", "pause", "settle", "timeout", "controls", "floor")
            + (("burst", "burst_seconds", "burst_control") if args.burst else ())
            + (("worst_case", "worst_timeout") if args.worst_case else ())
        },
    }
    print()
    if args.burst:
        rows = browser["explorers"]
        print(
            f"--burst {args.burst}: ArrowRight {args.burst} times in ~{args.burst_seconds:g} s on "
            f"the {args.burst_control!r} handle. settled: ms from the last key\n"
            "event to the last change of the canvas pixels (none after it for --settle s, kernel\n"
            "idle); drawn: canvas changes during the burst; idle at: ms from the last key to\n"
            "the kernel's last return to idle; last value: the read-outs and pixels equal those\n"
            "of the same value set again on its own; errors: new error outputs + log console\n"
            "messages"
        )
        print(burst_table(rows))
    elif args.worst_case:
        rows = browser["explorers"]
        print(
            "--worst-case: End on each slider of the case (the others at the values the page\n"
            "showed); first / last: ms from the key to the first / last changed canvas pixels;\n"
            "busy: the kernel's longest busy spell after the key (its execution indicator),\n"
            "idle at: ms to its last return to idle; progress: the progress bar's width moved"
        )
        print(worst_case_table(rows))
    else:
        rows = build_rows(browser)
        print(
            "key press -> first changed canvas pixels in chromium (ms): median, p95; final: the\n"
            "last change of that redraw (median); Agg: control.value + fig.canvas.draw()\n"
            "(median); floor (--floor): the median of an explorer of the same figure size that\n"
            "does almost nothing (one blitted line): JupyterLab, ipywidgets and ipympl alone"
        )
        print(format_table(rows))
        print()
        print(
            "where the time goes (median ms of each stage over the changes that have all four\n"
            "times; the stages' medians need not add up to the total's):"
        )
        print(stages_table(browser))
    print()
    print(f"load average at start: {' / '.join(map(str, load_start))}")
    print(f"load average at end:   {' / '.join(map(str, load_end))} ({os.cpu_count()} CPUs)")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(f"helpers from {info['helpers']}; {info['seconds']:.0f} s in all")
    if browser["blocked_requests"]:
        blocked = sorted(set(browser["blocked_requests"]))
        print(f"blocked {len(browser['blocked_requests'])} request(s) not to 127.0.0.1: ")
        print("  " + "\n  ".join(blocked[:5]))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps({**info, "rows": rows, "raw": browser}, indent=1, default=str)
        )
        print(f"raw numbers: {args.json}")
    if args.screenshots:
        print(f"screenshots: {args.screenshots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
