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

A second table says where the time goes (:data:`STAGES`), per explorer and per floor explorer:
the page also notes, for every change, its first message to the server after the key event (by
wrapping ``WebSocket.prototype.send``), the first PNG picture it receives (ipympl makes a Blob
URL of each: ``URL.createObjectURL`` wrapped) and the first paint of the canvas. Key -> message
is the browser's handling of the key; message -> picture the server, the kernel (the explorer's
own work and ipympl's PNG) and the way back; picture -> paint the decoding; paint -> seen the
wait for the frame that shows it. The wrappers only note the time; they change nothing.

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
    both; training ``layers``, ``width``, ``epochs``, ``restarts`` each alone (``WORST_CASES``).
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
import collections
import contextlib
import json
import math
import os
import platform
import re
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

#: Goals in the browser (ms): median, p95 (None: no p95 goal). Explorers not named: no goal.
GOALS = {
    "symmetry": (100.0, 200.0),
    "saturation": (100.0, 200.0),
    "depth": (100.0, 200.0),
    "training": (500.0, None),
}

# ---------------------------------------------------------------------------------------------
# Pure logic: summaries and goals


def summarize(latencies) -> dict:
    """Summary of a list of latencies in ms, ``None`` marking a failure: ``n`` (timed changes),
    ``failures``, ``median``, ``p95`` (numpy's linear interpolation), ``min``, ``max`` (``None``
    when nothing was timed)."""
    ok = [float(x) for x in latencies if x is not None]
    out = {"n": len(ok), "failures": len(latencies) - len(ok)}
    if ok:
        a = np.asarray(ok)
        out.update(
            median=float(np.median(a)),
            p95=float(np.percentile(a, 95)),
            min=float(a.min()),
            max=float(a.max()),
        )
    else:
        out.update(median=None, p95=None, min=None, max=None)
    return out


def latencies(results) -> list:
    """The latency (ms) of each change, ``None`` for a failure; changes after which the figure
    was redrawn with the same pixels (nothing to wait for) are left out."""
    return [
        r["latency"] if r["status"] == "ok" else None
        for r in results
        if r["status"] != "same pixels"
    ]


STAGES = (
    ("page", "key -> message", None, "sent"),
    ("kernel", "message -> picture", "sent", "received"),
    ("decode", "picture -> paint", "received", "drawn"),
    ("frame", "paint -> seen", "drawn", "latency"),
)
"""Where a change's time goes, ``(name, heading, from, to)``: from the key event to the page's
first message to the server; from there to the first PNG it receives (the server, the kernel's
turn with the explorer's own work, ipympl's PNG, and the way back); to the first paint of the
canvas (the browser decoding the picture, ipympl's copy of it); to the first frame that shows
the new pixels. Each is a difference of two times the page notes for every change."""


def stages(results) -> dict:
    """The median of each :data:`STAGES` over the changes that were timed (``ok``) and have all
    four times in order, ``n`` of them, and the median latency of those changes. The medians
    of the stages need not add up to the median latency."""
    full = []
    for r in results:
        t = [0.0] + [r.get(k) for k in ("sent", "received", "drawn", "latency")]
        if r.get("status") == "ok" and None not in t and all(a <= b for a, b in zip(t, t[1:])):
            full.append(dict(zip(("key", "sent", "received", "drawn", "latency"), t)))
    out = {
        "n": len(full),
        "total": float(np.median([r["latency"] for r in full])) if full else None,
    }
    for name, _, start, end in STAGES:
        d = [r[end] - r[start or "key"] for r in full]
        out[name] = float(np.median(d)) if d else None
    return out


def goal_verdict(name: str, summary: dict) -> tuple[str, bool] | None:
    """``(goal text, met?)`` for explorer ``name``, or ``None`` when it has no goal. A goal is
    missed when any change failed or nothing was timed."""
    if name not in GOALS:
        return None
    med_goal, p95_goal = GOALS[name]
    text = f"median <= {med_goal:g} ms" + (f", p95 <= {p95_goal:g} ms" if p95_goal else "")
    if summary["n"] == 0 or summary["failures"]:
        return text, False
    met = summary["median"] <= med_goal and (p95_goal is None or summary["p95"] <= p95_goal)
    return text, met


def explorer_name(title: str, index: int) -> str:
    """``"Symmetry explorer"`` -> ``"symmetry"``; ``explorer-<index>`` when the title says
    nothing usable."""
    m = re.search(r"([A-Za-z][\w-]*)\s+explorer", title or "", flags=re.IGNORECASE)
    return m.group(1).lower() if m else f"explorer-{index}"


#: --burst: explorers (by default) and the control whose handle gets the burst.
BURST_EXPLORERS = ("symmetry", "saturation", "depth")
BURST_CONTROL = "scale"
#: --burst goal: settled within this many ms of the last key, on the last value, no error.
BURST_GOAL_MS = 1000.0

#: --worst-case: the sliders (by description) each case drives to their maximum with End, in
#: order, from the values the page showed; the last one is timed. Explorers not named: every
#: slider alone.
WORST_CASES = {
    "symmetry": (("steps",),),
    "saturation": (("fan_in",),),
    "depth": (("depth",), ("width",), ("depth", "width")),
    "training": (("layers",), ("width",), ("epochs",), ("restarts",)),
}
#: --worst-case goals (ms): no longer freeze of the kernel; longer than this shows progress.
FREEZE_GOAL_MS = 3000.0
PROGRESS_AFTER_MS = 1000.0


def worst_cases(name: str, sliders) -> list[tuple[str, ...]]:
    """The cases of :data:`WORST_CASES` for explorer ``name`` whose sliders (descriptions) are
    all on the page; for an explorer not named there, each of ``sliders`` alone."""
    sliders = list(sliders)
    if name not in WORST_CASES:
        return [(d,) for d in sliders]
    return [case for case in WORST_CASES[name] if all(d in sliders for d in case)]


def busy_summary(statuses, end=None) -> dict:
    """The kernel's busy spells from ``statuses``, ``[[ms after the key, "busy" | "idle"],
    ...]`` (each entry a change of the status, times from the key event; a spell open at the
    end lasts until ``end``, or the last entry): ``longest`` (ms, 0 when never seen busy after
    the key), ``spells``, ``idle_at`` (ms after the key at which the kernel went idle for the
    last time, ``None`` when it was still busy) and ``open`` (still busy at the end)."""
    spells, start = [], None
    last_t = 0.0
    for t, status in statuses:
        last_t = max(last_t, t)
        if status == "busy" and start is None:
            start = t
        elif status == "idle" and start is not None:
            spells.append((max(start, 0.0), t))
            start = None
    spells = [(a, b) for a, b in spells if b > 0]  # spells over before the key do not count
    open_ = start is not None
    if open_:
        spells.append((max(start, 0.0), last_t if end is None else max(end, last_t)))
    return {
        "longest": max((b - a for a, b in spells), default=0.0),
        "spells": len(spells),
        "idle_at": None if open_ else (spells[-1][1] if spells else 0.0),
        "open": open_,
    }


def _percent(width) -> float | None:
    m = re.fullmatch(r"\s*([0-9.]+)\s*%\s*", str(width))
    return float(m.group(1)) if m else None


def progress_summary(samples) -> dict:
    """What a progress bar did after the key, from ``samples`` ``[[ms after the key, CSS width
    ("37%")], ...]`` (one per change): ``values`` (the widths seen after the key, in %),
    ``moved`` (it showed at least one value strictly between 0 and 100%, i.e. a run in
    progress)."""
    values = [_percent(w) for t, w in samples if t >= 0]
    values = [v for v in values if v is not None]
    return {"values": values, "moved": any(0 < v < 100 for v in values)}


def worst_case_verdict(result: dict, busy: dict, progress: dict | None) -> tuple[bool, list]:
    """``(met?, reasons it is not)`` for one control at its extreme: the change was drawn
    (status ok), the kernel was never busy for more than :data:`FREEZE_GOAL_MS`, and a change
    that took more than :data:`PROGRESS_AFTER_MS` (to its last pixels or to the kernel's last
    idle) showed a moving progress bar (``progress`` None: the explorer has none)."""
    reasons = []
    if result["status"] != "ok":
        reasons.append(result["status"])
    if busy["open"]:
        reasons.append("kernel still busy at the end")
    if busy["longest"] > FREEZE_GOAL_MS:
        reasons.append(f"kernel busy {busy['longest'] / 1000:.1f} s")
    took = max(result.get("final") or 0.0, busy["idle_at"] or 0.0, busy["longest"])
    if took > PROGRESS_AFTER_MS and not (progress and progress["moved"]):
        reasons.append("no progress shown" if progress is None else "progress bar did not move")
    return not reasons, reasons


def log_slider_label(value_text: str) -> str:
    """What the label beside a log slider shows for the handle's value (the exponent, as
    ``aria-valuetext``): ``helpers.explorers.controls.fmt`` of 10 ** value."""
    from helpers.explorers.controls import fmt

    return fmt(10 ** float(value_text))


def burst_verdict(result: dict, after: dict, again: dict, errors: list) -> dict:
    """Summary of one ``--burst``: ``settled`` (ms from the last key event to the last change of
    the canvas pixels; 0 when nothing changed after the last key; ``None`` when it did not
    settle or the canvas shows nothing), ``figure`` (the canvas is not 0x0), ``on_last_value``
    (the read-outs after the burst are those of the same value set again on its own, the
    slider's label shows its value, and the canvas was drawn after the last key or shows the
    very pixels of the value set again), ``same_picture`` (the pixels are those of the value set
    again: axis limits, which stay put while they fit, may differ), ``mismatches`` (what
    differed), ``met`` (the
    goal: a figure settled within :data:`BURST_GOAL_MS`, on the last value, no error output)."""
    changes = [t for t in result.get("changes") or [] if t is not None]
    shown = not str(after["hash"]).startswith("empty:")
    settled = None
    if result["status"] == "ok" and shown:
        settled = max([0.0] + [t for t in changes if t >= 0])
    drawn_after = sum(1 for t in changes if t >= 0)
    # The explorers' axis limits are sticky (they keep limits that still fit), so the same value
    # reached another way may show other limits: the pixels must match only when nothing was
    # drawn after the last key (then the figure could be an earlier value's).
    keys = ("value", "label", "readout") + (() if drawn_after else ("hash",))
    mismatches = [
        f"{k}: {after[k]!r} after the burst, {again[k]!r} set again"
        for k in keys
        if after[k] != again[k]
    ]
    if after.get("beside"):  # a log slider: its label is the formatted 10 ** value
        with contextlib.suppress(ValueError, TypeError, OverflowError, ImportError):
            expected = log_slider_label(after["value"])
            if after["label"] != expected:
                mismatches.append(f"label {after['label']!r}, value {expected}")
    on_last = not mismatches
    met = (
        result["status"] == "ok"
        and shown
        and settled is not None
        and settled <= BURST_GOAL_MS
        and on_last
        and not errors
    )
    return {
        "settled": settled,
        "changes_after_last_key": drawn_after,
        "same_picture": after["hash"] == again["hash"],
        "figure": shown,
        "on_last_value": on_last,
        "mismatches": mismatches,
        "met": met,
    }


def _ms(x) -> str:
    return "-" if x is None else f"{x:.0f}"


# ---------------------------------------------------------------------------------------------
# In the page

# Installed once per page. arm() hashes the canvas and starts a requestAnimationFrame loop that
# waits for the key event (t0), for the first frame with different pixels (first) and for the
# pixels to stay the same for settleMs (last: the final change).
_BENCH_JS = r"""
() => {
  if (window.__initlabBench) return true;
  const B = {armed: false, done: true};
  window.__initlabBench = B;
  const stamp = (ev) => {
    if (B.armed && B.t0 === null && ev.type === B.eventType) B.t0 = performance.now();
  };
  window.addEventListener('keydown', stamp, true);
  window.addEventListener('input', stamp, true);
  // Where the time goes (B.stages): the first message the page sends after the key event (the
  // control's new value, over the kernel's WebSocket) and the first PNG picture it receives
  // (ipympl makes a Blob URL of each one), noted by wrapping the two calls; the first paint
  // is noted by B.hook. Other pages' sockets and pictures are not on this page.
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function () {
    if (B.armed && B.t0 !== null && B.sent === null) B.sent = performance.now();
    return send.apply(this, arguments);
  };
  const objectURL = URL.createObjectURL;
  URL.createObjectURL = function (obj) {
    if (B.armed && B.t0 !== null && B.received === null && obj && obj.type === 'image/png')
      B.received = performance.now();
    return objectURL.apply(this, arguments);
  };
  B.hash = (canvas) => {
    if (!canvas.width || !canvas.height) return 'empty:' + canvas.width + 'x' + canvas.height;
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const u = new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2);
    let h = 0x811c9dc5;
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193);
    return (h >>> 0).toString(16) + ':' + canvas.width + 'x' + canvas.height;
  };
  B.finish = (status) => {
    B.armed = false;
    B.result = {
      status: status,
      latency: (B.first !== null && B.t0 !== null) ? B.first - B.t0 : null,
      final: (B.last !== null && B.t0 !== null) ? B.last - B.t0 : null,
      drawn: (B.firstDraw !== null && B.t0 !== null) ? B.firstDraw - B.t0 : null,
      frames: B.frames, changes: B.changes, early_changes: B.early,
      sent: (B.sent !== null && B.t0 !== null) ? B.sent - B.t0 : null,
      received: (B.received !== null && B.t0 !== null) ? B.received - B.t0 : null,
    };
    if (B.t0 !== null) {  // times relative to the key event (only filled in with track)
      B.result.statuses = B.statuses.map(([t, s]) => [t - B.t0, s]);
      B.result.progress = B.progress.map(([t, w]) => [t - B.t0, w]);
    }
    B.done = true;
  };
  // Count the canvas's drawImage calls (how ipympl paints each picture it receives), to tell
  // "redrawn with the same pixels" from "not redrawn"; and note any paint (drawImage, clearRect,
  // putImageData) so that the pixels are hashed only in frames after one (see B.changed).
  B.hook = (canvas) => {
    if (canvas.__initlabHooked) return;
    const ctx = canvas.getContext('2d');
    for (const name of ['drawImage', 'clearRect', 'putImageData']) {
      const orig = ctx[name];
      ctx[name] = function () {
        canvas.__initlabPainted = true;
        if (name === 'drawImage' && B.armed && B.t0 !== null) {
          B.lastDraw = performance.now();
          if (B.firstDraw === null) B.firstDraw = B.lastDraw;
        }
        return orig.apply(this, arguments);
      };
    }
    canvas.__initlabHooked = true;
  };
  // The canvas's hash if it may have changed since the last call, else `prev`. Reading back and
  // hashing an 840x600 canvas takes ~2 ms of the page's main thread, every frame; a student's
  // page does not, and on 2 cores that time is taken from the kernel and the browser. So the
  // pixels are read only in the frame after a paint, after a change of the canvas size (which
  // clears it), and every 30th frame in any case.
  B.changed = (canvas, prev, frame) => {
    const size = canvas.width + 'x' + canvas.height;
    if (canvas.__initlabPainted || !prev.endsWith(':' + size) || frame % 30 === 0) {
      canvas.__initlabPainted = false;
      return B.hash(canvas);
    }
    return prev;
  };
  B.idle = (sel) => {
    const ind = document.querySelector(sel);
    return !ind || ind.getAttribute('data-status') === 'idle';
  };
  // With track (the --worst-case mode): every frame, note the kernel status the execution
  // indicator shows and the width of the explorer's progress bar, and count the change as
  // done only once the kernel is idle too.
  B.track = (canvas, indicatorSel, now) => {
    const status = B.idle(indicatorSel) ? 'idle' : 'busy';
    const st = B.statuses;
    if (!st.length || st[st.length - 1][1] !== status) {
      st.push([now, status]);
      if (status === 'idle') B.idleSince = now;
    }
    const box = canvas.closest('.initlab-explorer');
    const bar = box && box.querySelector(
        '.widget-hprogress .progress-bar, .widget-vprogress .progress-bar');
    const width = bar ? (bar.closest('.widget-vprogress') ? bar.style.height : bar.style.width)
                      : null;
    const pr = B.progress;
    if (width !== null && (!pr.length || pr[pr.length - 1][1] !== width)) pr.push([now, width]);
  };
  B.arm = (canvas, eventType, timeoutMs, settleMs, indicatorSel, track) => {
    B.hook(canvas);
    Object.assign(B, {armed: true, done: false, result: null, eventType: eventType, t0: null,
                      first: null, last: null, frames: 0, changes: 0, early: 0, cancel: null,
                      firstDraw: null, lastDraw: null, sent: null, received: null,
                      statuses: [], progress: [],
                      idleSince: -Infinity});
    const tArm = performance.now();
    let prev = B.hash(canvas);
    const tick = () => {
      const now = performance.now();
      if (B.cancel) return B.finish(B.cancel);
      const h = B.changed(canvas, prev, B.frames);
      B.frames++;
      if (track) B.track(canvas, indicatorSel, now);
      if (h !== prev) {
        prev = h;
        if (B.t0 === null) B.early++;  // a late redraw from before: new baseline
        else { B.changes++; if (B.first === null) B.first = now; B.last = now; }
      }
      if (B.first !== null && now - B.last >= settleMs && (!track || B.idle(indicatorSel)))
        return B.finish('ok');
      // A canvas that was never sized (0x0) shows nothing: with track, the change is over when
      // the kernel has been idle for settleMs.
      if (track && h.startsWith('empty:') && B.t0 !== null && B.idle(indicatorSel)
          && now - Math.max(B.t0, B.idleSince) >= settleMs) return B.finish('no figure');
      if (B.first === null && B.lastDraw !== null && now - B.lastDraw >= settleMs
          && B.idle(indicatorSel)) return B.finish('same pixels');
      if (B.t0 === null && now - tArm > timeoutMs) return B.finish('no key event');
      if (B.t0 !== null && B.first === null && now - B.t0 > timeoutMs) return B.finish('timeout');
      if (B.t0 !== null && now - B.t0 > 4 * timeoutMs) return B.finish('never settled');
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return true;
  };
  B.waitStable = (canvas, settleMs, timeoutMs) => new Promise((resolve) => {
    B.hook(canvas);
    const t0 = performance.now();
    let prev = B.hash(canvas), since = t0, frame = 0;
    const tick = () => {
      const now = performance.now(), h = B.changed(canvas, prev, ++frame);
      if (h !== prev) { prev = h; since = now; }
      if (now - since >= settleMs) return resolve(true);
      if (now - t0 > timeoutMs) return resolve(false);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return true;
}
"""

# The explorer's title and its controls as the page shows them.
_CONTROLS_JS = r"""
(el) => {
  const text = (e) => e ? e.textContent.replace(/\s+/g, ' ').trim() : '';
  const title = text(el.querySelector('.widget-html-content'));
  const sliders = Array.from(el.querySelectorAll('.widget-slider')).map((s, i) => {
    const h = s.querySelector('.noUi-handle');
    return {kind: 'slider', nth: i, description: text(s.querySelector('.widget-label')),
            value: h && (h.getAttribute('aria-valuetext') || h.getAttribute('aria-valuenow')),
            min: h && h.getAttribute('aria-valuemin'), max: h && h.getAttribute('aria-valuemax'),
            ok: !!h};
  });
  const dropdowns = Array.from(el.querySelectorAll('.widget-dropdown')).map((d, i) => {
    const s = d.querySelector('select');
    return {kind: 'dropdown', nth: i, description: text(d.querySelector('.widget-label')),
            index: s ? s.selectedIndex : -1, n_options: s ? s.options.length : 0,
            value: s ? s.value : null, ok: !!s};
  });
  const canvas = el.querySelector('.jupyter-matplotlib-figure canvas');
  return {title: title, controls: sliders.concat(dropdowns).filter(c => c.ok),
          has_canvas: !!canvas, canvas_size: canvas ? [canvas.width, canvas.height] : null};
}
"""

_ARM_JS = """(el, a) => window.__initlabBench.arm(
    el.querySelector('.jupyter-matplotlib-figure canvas'), a.event, a.timeout, a.settle,
    a.indicator, !!a.track)"""
_STABLE_JS = """(el, a) => window.__initlabBench.waitStable(
    el.querySelector('.jupyter-matplotlib-figure canvas'), a.settle, a.timeout)"""
_SLIDER_VALUE_JS = (
    "h => (h.getAttribute('aria-valuetext') || '') + '|' + (h.getAttribute('aria-valuenow') || '')"
)


# --burst: installed on the explorer for one burst. Notes every keydown, every move of the
# slider's handle (its aria-valuetext), every change of the canvas pixels and of the kernel
# status the execution indicator shows; once the script says the burst is over (R.ended), waits
# until the canvas has not changed for settleMs after the last key and the kernel is idle.
_BURST_JS = r"""
(el, a) => {
  const B = window.__initlabBench;
  const canvas = el.querySelector('.jupyter-matplotlib-figure canvas');
  const handle = el.querySelectorAll('.widget-slider')[a.nth].querySelector('.noUi-handle');
  B.hook(canvas);
  const R = {keys: [], moves: 0, changes: [], statuses: [], ended: false, done: false,
             result: null};
  B.burst = R;
  const onKey = (ev) => { if (!R.done) R.keys.push(performance.now()); };
  window.addEventListener('keydown', onKey, true);
  const obs = new MutationObserver((records) => {
    for (const r of records)
      if (!R.done && r.oldValue !== handle.getAttribute('aria-valuetext')) R.moves++;
  });
  obs.observe(handle, {attributes: true, attributeFilter: ['aria-valuetext'],
                       attributeOldValue: true});
  let prev = B.hash(canvas);
  const tStart = performance.now();
  const finish = (status) => {
    obs.disconnect();
    window.removeEventListener('keydown', onKey, true);
    R.done = true;
    const k = R.keys, t0 = k.length ? k[k.length - 1] : null;  // the last key event
    const rel = (t) => t0 === null ? null : t - t0;
    R.result = {status: status, keys: k.length, moves: R.moves,
                burst_ms: k.length ? k[k.length - 1] - k[0] : null,
                changes: R.changes.map(rel), statuses: R.statuses.map(([t, s]) => [rel(t), s])};
  };
  let frame = 0;
  const tick = () => {
    const now = performance.now(), h = B.changed(canvas, prev, ++frame);
    if (h !== prev) { prev = h; R.changes.push(now); }
    const status = B.idle(a.indicator) ? 'idle' : 'busy', st = R.statuses;
    if (!st.length || st[st.length - 1][1] !== status) st.push([now, status]);
    if (R.ended && R.keys.length) {
      const lastKey = R.keys[R.keys.length - 1];
      const quiet = Math.max(lastKey, R.changes.length ? R.changes[R.changes.length - 1] : 0);
      if (now - quiet >= a.settle && status === 'idle') return finish('ok');
      if (now - lastKey > a.timeout) return finish('never settled');
    } else if (R.ended || now - tStart > a.timeout + a.burstMs) return finish('no key event');
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return true;
}
"""

# What the explorer shows for one slider: its value (the handle's aria-valuetext), its read-out
# as displayed (the slider's own .widget-readout, else the label beside it: a log slider's
# formatted value), the explorer's read-out (its last .widget-html outside the controls' grid)
# and the hash of the canvas pixels.
_SNAPSHOT_JS = r"""
(el, a) => {
  const text = (e) => e ? e.textContent.replace(/\s+/g, ' ').trim() : '';
  const s = el.querySelectorAll('.widget-slider')[a.nth];
  const h = s.querySelector('.noUi-handle');
  const own = s.querySelector('.widget-readout');
  let label = own && own.offsetParent !== null ? text(own) : '', beside = false;
  if (!label && s.parentElement) {
    label = text(Array.from(s.parentElement.children).find(
        (c) => c !== s && c.classList.contains('widget-label')));
    beside = true;
  }
  const htmls = Array.from(el.querySelectorAll('.widget-html'))
                     .filter((e) => !e.closest('.widget-gridbox'));
  return {value: h.getAttribute('aria-valuetext') || h.getAttribute('aria-valuenow'),
          label: label, beside: beside,
          readout: htmls.length > 1 ? text(htmls[htmls.length - 1]) : '',
          hash: window.__initlabBench.hash(el.querySelector('.jupyter-matplotlib-figure canvas'))};
}
"""

# JupyterLab's log console counter (status bar): output of widget callbacks lands there.
_LOG_COUNT_JS = r"""
() => {
  const e = document.querySelector('.jp-LogConsoleStatusItem');
  const m = e && e.textContent.match(/\d+/);
  return m ? parseInt(m[0], 10) : 0;
}
"""


def _wait_idle(page, lab, timeout_s: float) -> None:
    with contextlib.suppress(Exception):
        page.wait_for_selector(
            f"{lab.EXEC_INDICATOR}[data-status='idle']", state="attached", timeout=timeout_s * 1000
        )


def _time_changes(page, lab, explorer, control: dict, args) -> list[dict]:
    """Change one control ``args.repeats`` times; one result dict per change."""
    timeout_ms, settle_ms = args.timeout * 1000, args.settle * 1000
    if control["kind"] == "slider":
        target = explorer.locator(lab.SLIDER).nth(control["nth"]).locator(lab.SLIDER_HANDLE).first
        at_top = float(control["value"]) >= float(control["max"])
        keys = ["ArrowLeft", "ArrowRight"] if at_top else ["ArrowRight", "ArrowLeft"]
        event = "keydown"
    else:
        target = explorer.locator(".widget-dropdown select").nth(control["nth"])
        start = control["index"]
        other = start + 1 if start + 1 < control["n_options"] else start - 1
        keys = [other, start]  # option indices
        event = "input"
    results = []
    lab.move_mouse_away(page)
    target.scroll_into_view_if_needed()
    explorer.evaluate(_STABLE_JS, {"settle": settle_ms, "timeout": timeout_ms})
    # An odd count ends with one more, untimed, change back: the next control starts from
    # the values the page showed.
    for k in range(args.repeats + args.repeats % 2):
        key = keys[k % 2]
        _wait_idle(page, lab, args.timeout)
        page.wait_for_timeout(args.pause * 1000)
        if control["kind"] == "slider":
            target.focus()
            before = target.evaluate(_SLIDER_VALUE_JS)
        explorer.evaluate(
            _ARM_JS,
            {
                "event": event,
                "timeout": timeout_ms,
                "settle": settle_ms,
                "indicator": lab.EXEC_INDICATOR,
            },
        )
        if control["kind"] == "slider":
            page.keyboard.press(key)
            if target.evaluate(_SLIDER_VALUE_JS) == before:
                page.evaluate("() => { window.__initlabBench.cancel = 'control did not move'; }")
        else:
            target.select_option(index=key)
        page.wait_for_function(
            "() => window.__initlabBench.done",
            polling=50,
            timeout=(4 * args.timeout + args.settle + 10) * 1000,
        )
        result = page.evaluate("() => window.__initlabBench.result")
        result["action"] = key if control["kind"] == "slider" else f"option {key}"
        if k < args.repeats:
            results.append(result)
    _wait_idle(page, lab, args.timeout)
    return results


def _wait_quiet(page, lab, explorer, args, timeout_s=None) -> None:
    """Until the kernel is idle and the canvas pixels have not changed for ``--settle`` s."""
    timeout_s = timeout_s or args.timeout
    stable = {"settle": args.settle * 1000, "timeout": timeout_s * 1000}
    _wait_idle(page, lab, timeout_s)
    explorer.evaluate(_STABLE_JS, stable)
    _wait_idle(page, lab, timeout_s)


def _new_errors(page, lab, before: int) -> list[dict]:
    errors = lab.error_outputs(page)
    return errors[before:] if len(errors) >= before else errors


def _explorer_info(explorer, i, args, default_names):
    """``(name, info)`` of an explorer to measure, or ``None`` to skip it."""
    info = explorer.evaluate(_CONTROLS_JS)
    name = explorer_name(info["title"], i)
    if name not in (args.explorers or default_names or [name]) or not info["has_canvas"]:
        return None
    return name, info


def _warn_no_figure(name, info, log) -> None:
    if not all(info["canvas_size"]):
        log(
            f"WARNING: {name}: its canvas is {info['canvas_size']} pixels, the figure is not "
            "shown; only the read-outs and the kernel are measured"
        )


def _slider_handle(lab, explorer, control: dict):
    return explorer.locator(lab.SLIDER).nth(control["nth"]).locator(lab.SLIDER_HANDLE).first


def _burst_explorer(page, lab, explorer, i, args, log) -> dict | None:
    """``--burst``: N ArrowRight presses on one slider within ``--burst-seconds``; the time from
    the last key to settled pixels, and whether the explorer shows the last value."""
    found = _explorer_info(explorer, i, args, BURST_EXPLORERS)
    if found is None:
        return None
    name, info = found
    entry = {"name": name, "title": info["title"], "index": i, "control": args.burst_control}
    _warn_no_figure(name, info, log)
    sliders = [c for c in info["controls"] if c["kind"] == "slider"]
    control = next((c for c in sliders if c["description"] == args.burst_control), None)
    if control is None:
        log(f"{name}: no slider {args.burst_control!r}, skipped")
        return None
    n = args.burst
    handle = _slider_handle(lab, explorer, control)
    errors_before, log_before = len(lab.error_outputs(page)), page.evaluate(_LOG_COUNT_JS)
    explorer.scroll_into_view_if_needed()
    lab.move_mouse_away(page)
    # Untimed: n steps down (or to the bottom), so that the burst of n ArrowRight has room.
    handle.focus()
    for _ in range(n):
        page.keyboard.press("ArrowLeft")
    _wait_quiet(page, lab, explorer, args)
    entry["start"] = explorer.evaluate(_SNAPSHOT_JS, {"nth": control["nth"]})
    page.wait_for_timeout(args.pause * 1000)
    handle.focus()
    explorer.evaluate(
        _BURST_JS,
        {
            "nth": control["nth"],
            "settle": args.settle * 1000,
            "timeout": args.timeout * 1000,
            "burstMs": args.burst_seconds * 1000,
            "indicator": lab.EXEC_INDICATOR,
        },
    )
    t_start = time.monotonic()
    for k in range(n):  # paced by the clock: key k at k / (n - 1) of --burst-seconds
        delay = t_start + k * args.burst_seconds / max(n - 1, 1) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        page.keyboard.press("ArrowRight")
    page.evaluate("() => { window.__initlabBench.burst.ended = true; }")
    page.wait_for_function(
        "() => window.__initlabBench.burst.done",
        polling=50,
        timeout=(args.timeout + args.settle + 10) * 1000,
    )
    entry["result"] = page.evaluate("() => window.__initlabBench.burst.result")
    entry["after"] = explorer.evaluate(_SNAPSHOT_JS, {"nth": control["nth"]})
    # Untimed: the same value again, on its own (one step away and back).
    for key in ("ArrowLeft", "ArrowRight"):
        handle.focus()
        page.keyboard.press(key)
        page.wait_for_timeout(args.pause * 1000)
        _wait_quiet(page, lab, explorer, args)
    entry["again"] = explorer.evaluate(_SNAPSHOT_JS, {"nth": control["nth"]})
    entry["errors"] = _new_errors(page, lab, errors_before)
    entry["log_messages"] = page.evaluate(_LOG_COUNT_JS) - log_before
    entry["busy"] = busy_summary(entry["result"]["statuses"])
    entry["verdict"] = burst_verdict(
        entry["result"], entry["after"], entry["again"], entry["errors"]
    )
    v, r = entry["verdict"], entry["result"]
    log(
        f"  {name:<11} {n} keys in {_ms(r['burst_ms'])} ms ({r['moves']} moves): settled "
        f"{_ms(v['settled'])} ms after the last, {'on' if v['on_last_value'] else 'NOT on'} the "
        f"last value, {len(entry['errors'])} error output(s), {entry['log_messages']} log "
        f"message(s)"
    )
    if entry["errors"]:
        log(lab.format_errors(entry["errors"], limit=600))
    return entry


def _restore_slider(page, lab, handle, value: str, limit: int = 400) -> None:
    """Back to ``value`` (an aria-valuetext): Home, then ArrowRight until there (cheap values
    first: every slider of the worst cases costs more the higher it is)."""
    handle.focus()
    page.keyboard.press("Home")
    for _ in range(limit):
        now = handle.evaluate(_SLIDER_VALUE_JS).split("|")[0]
        if float(now) >= float(value):
            return
        page.keyboard.press("ArrowRight")


def _worst_case_explorer(page, lab, explorer, i, args, log) -> dict | None:
    """``--worst-case``: each case of :func:`worst_cases` from the values the page showed; the
    timed key is End on the case's last slider."""
    found = _explorer_info(explorer, i, args, None)
    if found is None:
        return None
    name, info = found
    _warn_no_figure(name, info, log)
    sliders = {c["description"]: c for c in info["controls"] if c["kind"] == "slider"}
    entry = {"name": name, "title": info["title"], "index": i, "cases": []}
    explorer.scroll_into_view_if_needed()
    timeout_ms = args.worst_timeout * 1000
    for case in worst_cases(name, sliders):
        errors_before = len(lab.error_outputs(page))
        lab.move_mouse_away(page)
        _wait_quiet(page, lab, explorer, args, args.worst_timeout)
        for description in case[:-1]:  # untimed: the other sliders of the case first
            _slider_handle(lab, explorer, sliders[description]).focus()
            page.keyboard.press("End")
            page.wait_for_timeout(args.pause * 1000)
            _wait_quiet(page, lab, explorer, args, args.worst_timeout)
        page.wait_for_timeout(args.pause * 1000)
        handle = _slider_handle(lab, explorer, sliders[case[-1]])
        handle.focus()
        before = handle.evaluate(_SLIDER_VALUE_JS)
        explorer.evaluate(
            _ARM_JS,
            {
                "event": "keydown",
                "timeout": timeout_ms,
                "settle": args.settle * 1000,
                "indicator": lab.EXEC_INDICATOR,
                "track": True,
            },
        )
        page.keyboard.press("End")
        after = handle.evaluate(_SLIDER_VALUE_JS)
        if after == before:
            page.evaluate("() => { window.__initlabBench.cancel = 'control did not move'; }")
        page.wait_for_function(
            "() => window.__initlabBench.done",
            polling=50,
            timeout=(4 * args.worst_timeout + args.settle + 10) * 1000,
        )
        result = page.evaluate("() => window.__initlabBench.result")
        shown = explorer.evaluate(_SNAPSHOT_JS, {"nth": sliders[case[-1]]["nth"]})["label"]
        has_bar = explorer.locator(".widget-hprogress, .widget-vprogress").count() > 0
        busy = busy_summary(result.get("statuses") or [], result.get("final"))
        progress = progress_summary(result.get("progress") or []) if has_bar else None
        met, reasons = worst_case_verdict(result, busy, progress)
        row = {
            "case": " + ".join(f"{d} max" for d in case),
            "shown": shown,
            "value_after": after.split("|")[0],
            "result": result,
            "busy": busy,
            "progress": progress,
            "met": met,
            "reasons": reasons,
        }
        # Untimed: every slider of the case back where it was.
        row["not_restored"] = []
        for description in case:
            start = sliders[description]["value"]
            handle = _slider_handle(lab, explorer, sliders[description])
            _restore_slider(page, lab, handle, start)
            page.wait_for_timeout(args.pause * 1000)
            _wait_quiet(page, lab, explorer, args, args.worst_timeout)
            now = handle.evaluate(_SLIDER_VALUE_JS).split("|")[0]
            if now != start:
                row["not_restored"].append(description)
                log(f"WARNING: {name}: {description} is at {now}, not back at {start}")
        row["errors"] = _new_errors(page, lab, errors_before)
        entry["cases"].append(row)
        log(
            f"  {name:<11} {row['case']:<22} first pixels {_ms(result['latency'])} ms, last "
            f"{_ms(result['final'])} ms, kernel busy {_ms(busy['longest'])} ms"
            + ("" if progress is None else f", progress moved: {progress['moved']}")
            + f", {len(row['errors'])} error output(s)"
        )
        if row["errors"]:
            log(lab.format_errors(row["errors"], limit=600))
    return entry


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
            page.evaluate(_BENCH_JS)
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
    info = explorer.evaluate(_CONTROLS_JS)
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
        results = _time_changes(page, lab, explorer, control, args)
        lat = latencies(results)
        s = summarize(lat)
        log(
            f"  {name:<11} {control['description']:<12} median {_ms(s['median'])} ms, "
            f"p95 {_ms(s['p95'])} ms, {s['failures']} failure(s) "
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
# On Agg, in this process


def python_value(control, dom: dict):
    """The Python value of ipywidget ``control`` for what the page showed (``dom``)."""
    import ipywidgets as W

    from helpers.explorers.controls import choices

    if dom["kind"] == "dropdown":
        return choices(control)[dom["index"]]
    x = float(dom["value"])
    if isinstance(control, W.FloatLogSlider):
        return float(control.base**x)
    if isinstance(control, W.SelectionSlider):  # the noUi slider runs over the indices
        return choices(control)[int(round(x))]
    if isinstance(control, W.IntSlider):
        return int(round(x))
    return x


def neighbour_value(control, value, direction: int):
    """The value one keyboard step (or one option) away from ``value`` in ``direction``."""
    import ipywidgets as W

    from helpers.explorers.controls import choices

    if isinstance(control, (W.Dropdown, W.SelectionSlider)):
        values = choices(control)
        return values[values.index(value) + direction]
    if isinstance(control, W.FloatLogSlider):
        x = math.log(value, control.base) + direction * control.step
        return float(control.base ** min(max(x, control.min), control.max))
    return min(max(value + direction * control.step, control.min), control.max)


def agg_plan(name: str, dom_controls: list[dict]) -> dict:
    """For explorer ``name``: ``{"state": {control: value}, "timed": {description: (control,
    [next value, start value])}}``, from the controls the page showed (matched by their
    description)."""
    from helpers import widgets

    ex = widgets.EXPLORERS[name]()
    try:
        by_description = {c.description: key for key, c in ex.controls.items()}
        state, timed = {}, {}
        for dom in dom_controls:
            key = by_description.get(dom["description"])
            if key is None:
                continue
            control = ex.controls[key]
            value = python_value(control, dom)
            state[key] = value
            if dom["kind"] == "dropdown":
                direction = 1 if dom["index"] + 1 < dom["n_options"] else -1
            else:
                direction = -1 if float(dom["value"]) >= float(dom["max"]) else 1
            timed[dom["description"]] = (key, [neighbour_value(control, value, direction), value])
        return {"state": state, "timed": timed}
    finally:
        ex.close()


def measure_on_agg(browser: dict, args, log) -> None:
    """Add ``agg_ms`` (wall-clock ms per change) to every timed control in ``browser``."""
    import bench_explorers

    from helpers import widgets

    for entry in browser["explorers"]:
        if entry["name"] not in widgets.EXPLORERS:
            log(f"{entry['name']}: not a known explorer, no Agg timing")
            continue
        plan = agg_plan(entry["name"], entry["dom_state"])
        entry["agg_state"] = {k: repr(v) for k, v in plan["state"].items()}
        for control in entry["controls"]:
            if control["description"] not in plan["timed"]:
                continue
            key, values = plan["timed"][control["description"]]
            t = bench_explorers.time_in_place(
                entry["name"], key, args.agg_repeats, state=plan["state"], values=values
            )
            control["agg_ms"] = [float(x) for x in t[:, 0]]
            control["agg_cpu_ms"] = [float(x) for x in t[:, 1]]
            control["agg_values"] = [repr(v) for v in values]


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
# Report


def build_rows(browser: dict) -> list[dict]:
    """One row per explorer and control, then one per explorer for all its controls (with the
    median of the floor of its figure's size, where ``--floor`` measured it)."""
    rows, floors = [], browser.get("floor", {})
    for entry in browser["explorers"]:
        pooled, pooled_agg = [], []
        for control in entry["controls"]:
            lat = latencies(control["results"])
            final = [r["final"] for r in control["results"] if r["status"] == "ok"]
            agg = control.get("agg_ms")
            pooled += lat
            pooled_agg += agg or []
            rows.append(
                {
                    "explorer": entry["name"],
                    "control": control["description"],
                    "kind": control["kind"],
                    "browser": summarize(lat),
                    "final_median": float(np.median(final)) if final else None,
                    "agg_median": float(np.median(agg)) if agg else None,
                    "problems": [
                        f"{n}x {status}"
                        for status, n in sorted(
                            collections.Counter(r["status"] for r in control["results"]).items()
                        )
                        if status != "ok"
                    ],
                }
            )
        s = summarize(pooled)
        rows.append(
            {
                "explorer": entry["name"],
                "control": "(all)",
                "kind": "",
                "browser": s,
                "final_median": None,
                "agg_median": float(np.median(pooled_agg)) if pooled_agg else None,
                "floor_median": (floors.get(entry["name"]) or {}).get("median"),
                "problems": [],
                "goal": goal_verdict(entry["name"], s),
            }
        )
    return rows


def format_table(rows: list[dict]) -> str:
    head = (
        f"{'explorer':<11} {'control':<12} {'kind':<8} {'median':>7} {'p95':>6} {'final':>6} "
        f"{'Agg':>6} {'floor':>6} {'n':>4} {'fail':>4}  goal"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        b = r["browser"]
        goal = r.get("goal")
        verdict = ""
        if goal is not None:
            verdict = f"{goal[0]}: {'met' if goal[1] else 'NOT MET'}"
        elif r["control"] == "(all)":
            verdict = "(no goal)"
        if r["problems"]:
            verdict = ", ".join(r["problems"])
        lines.append(
            f"{r['explorer']:<11} {r['control']:<12} {r['kind']:<8} {_ms(b['median']):>7} "
            f"{_ms(b['p95']):>6} {_ms(r['final_median']):>6} {_ms(r['agg_median']):>6} "
            f"{_ms(r.get('floor_median')):>6} {b['n']:>4} {b['failures']:>4}  {verdict}".rstrip()
        )
        if r["control"] == "(all)":
            lines.append("")
    return "\n".join(lines).rstrip()


def stages_table(browser: dict) -> str:
    """Where the time goes (:data:`STAGES`), one row per explorer over all its controls, and
    one per floor explorer when ``--floor`` measured them."""
    entries = list(browser["explorers"]) + list(browser.get("floor_raw") or [])
    head = f"{'explorer':<16}" + "".join(f" {h:>18}" for _, h, _, _ in STAGES)
    head += f" {'total':>6} {'n':>4}"
    lines = [head, "-" * len(head)]
    for entry in entries:
        st = stages([r for c in entry["controls"] for r in c["results"]])
        cells = "".join(f" {_ms(st[name]):>18}" for name, _, _, _ in STAGES)
        lines.append(f"{entry['name']:<16}{cells} {_ms(st['total']):>6} {st['n']:>4}")
    return "\n".join(lines)


def burst_table(entries: list[dict]) -> str:
    """The ``--burst`` table: one row per explorer."""
    head = (
        f"{'explorer':<11} {'control':<8} {'keys':>4} {'in ms':>6} {'moves':>5} {'drawn':>5} "
        f"{'settled':>7} {'idle at':>7} {'figure':<6} {'last value':<10} {'errors':>6}  goal"
    )
    lines = [head, "-" * len(head)]
    for e in entries:
        r, v = e["result"], e["verdict"]
        errors = len(e["errors"]) + max(e.get("log_messages", 0), 0)
        goal = f"settled <= {BURST_GOAL_MS:g} ms, last value, no error: "
        goal += "met" if v["met"] else "NOT MET"
        if r["status"] != "ok":
            goal += f" ({r['status']})"
        lines.append(
            f"{e['name']:<11} {e['control']:<8} {r['keys']:>4} {_ms(r['burst_ms']):>6} "
            f"{r['moves']:>5} {len(r['changes']):>5} {_ms(v['settled']):>7} "
            f"{_ms(e['busy']['idle_at']):>7} {'yes' if v['figure'] else 'NONE':<6} "
            f"{'yes' if v['on_last_value'] else 'NO':<10} {errors:>6}  {goal}"
        )
        lines += [f"{'':<11} differs: {m}" for m in v["mismatches"]]
        if v["figure"] and not v.get("same_picture", True) and v["on_last_value"]:
            lines.append(f"{'':<11} pixels differ from the value set again (sticky axis limits)")
    return "\n".join(lines)


def worst_case_table(entries: list[dict]) -> str:
    """The ``--worst-case`` table: one row per explorer and case."""
    head = (
        f"{'explorer':<11} {'case':<22} {'shown':>6} {'first':>6} {'last':>6} {'busy':>6} "
        f"{'idle at':>7} {'progress':>8} {'errors':>6}  goal"
    )
    lines = [head, "-" * len(head)]
    for e in entries:
        for c in e["cases"]:
            r, b, pr = c["result"], c["busy"], c["progress"]
            progress = "-" if pr is None else ("moved" if pr["moved"] else "still")
            goal = f"busy <= {FREEZE_GOAL_MS / 1000:g} s, progress if > "
            goal += f"{PROGRESS_AFTER_MS / 1000:g} s: " + ("met" if c["met"] else "NOT MET")
            if c["reasons"]:
                goal += f" ({', '.join(c['reasons'])})"
            lines.append(
                f"{e['name']:<11} {c['case']:<22} {c['shown']:>6} {_ms(r['latency']):>6} "
                f"{_ms(r['final']):>6} {_ms(b['longest']):>6} {_ms(b['idle_at']):>7} "
                f"{progress:>8} {len(c['errors']):>6}  {goal}"
            )
        lines.append("")
    return "\n".join(lines).rstrip()


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
        measure = _burst_explorer
    elif args.worst_case:
        measure = _worst_case_explorer
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
