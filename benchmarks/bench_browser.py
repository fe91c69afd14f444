"""What a student waits for: from a key press on an explorer's control to new pixels in the browser.

Usage (from the repository root; needs Debian's ``/usr/bin/chromium`` and the ``playwright``
Python package, as the browser tests do; never ``playwright install``)::

    python benchmarks/bench_browser.py                          # every explorer, every control
    python benchmarks/bench_browser.py --explorers symmetry,depth --controls scale
    python benchmarks/bench_browser.py --repeats 10 --json out.json --screenshots shots/
    python benchmarks/bench_browser.py --notebook notebooks/03_vanishing_and_saturation.ipynb

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
   loop hashes the canvas every frame. The latency is the time from the key event to the first
   frame whose pixels differ from those before the change (resolution: one frame, ~17 ms);
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

It prints one row per explorer and control (browser median, p95 and final median, Agg median,
the number of timed changes and of failures; the p95 is numpy's linear interpolation, so with
15 changes it lies between the two slowest) and one per explorer for all its controls
together, with the goals: median <= 100 ms and p95 <= 200 ms for the symmetry, saturation and
depth explorers, median <= 500 ms for the training explorer (a failure misses the goal). The
load average before and after and the versions of JupyterLab, ipympl, matplotlib and chromium
are printed with it: on a shared 2-core machine the figures move with the load. ``--json PATH``
writes every raw latency; ``--screenshots DIR`` saves a PNG of each explorer after its changes.

The page is read through its DOM only: the ``.initlab-explorer`` boxes, their title, the
``.widget-label`` description of each slider and dropdown, the ``.noUi-handle`` (its
``aria-valuetext``, ``aria-valuemax``) and ``<select>``, and the ipympl canvas; nothing in the
kernel is inspected, so the script runs unchanged on rewritten explorers.

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
  B.hash = (canvas) => {
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
    };
    B.done = true;
  };
  // Count the canvas's drawImage calls (how ipympl paints each picture it receives), to tell
  // "redrawn with the same pixels" from "not redrawn".
  B.hook = (canvas) => {
    if (canvas.__initlabHooked) return;
    const ctx = canvas.getContext('2d'), orig = ctx.drawImage;
    ctx.drawImage = function () {
      if (B.armed && B.t0 !== null) {
        B.lastDraw = performance.now();
        if (B.firstDraw === null) B.firstDraw = B.lastDraw;
      }
      return orig.apply(this, arguments);
    };
    canvas.__initlabHooked = true;
  };
  B.idle = (sel) => {
    const ind = document.querySelector(sel);
    return !ind || ind.getAttribute('data-status') === 'idle';
  };
  B.arm = (canvas, eventType, timeoutMs, settleMs, indicatorSel) => {
    B.hook(canvas);
    Object.assign(B, {armed: true, done: false, result: null, eventType: eventType, t0: null,
                      first: null, last: null, frames: 0, changes: 0, early: 0, cancel: null,
                      firstDraw: null, lastDraw: null});
    const tArm = performance.now();
    let prev = B.hash(canvas);
    const tick = () => {
      const now = performance.now();
      if (B.cancel) return B.finish(B.cancel);
      const h = B.hash(canvas);
      B.frames++;
      if (h !== prev) {
        prev = h;
        if (B.t0 === null) B.early++;  // a late redraw from before: new baseline
        else { B.changes++; if (B.first === null) B.first = now; B.last = now; }
      }
      if (B.first !== null && now - B.last >= settleMs) return B.finish('ok');
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
    const t0 = performance.now();
    let prev = B.hash(canvas), since = t0;
    const tick = () => {
      const now = performance.now(), h = B.hash(canvas);
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
  return {title: title, controls: sliders.concat(dropdowns).filter(c => c.ok),
          has_canvas: !!el.querySelector('.jupyter-matplotlib-figure canvas')};
}
"""

_ARM_JS = """(el, a) => window.__initlabBench.arm(
    el.querySelector('.jupyter-matplotlib-figure canvas'), a.event, a.timeout, a.settle,
    a.indicator)"""
_STABLE_JS = """(el, a) => window.__initlabBench.waitStable(
    el.querySelector('.jupyter-matplotlib-figure canvas'), a.settle, a.timeout)"""
_SLIDER_VALUE_JS = (
    "h => (h.getAttribute('aria-valuetext') || '') + '|' + (h.getAttribute('aria-valuenow') || '')"
)


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


def measure_in_browser(args, lab, notebook: Path, root: Path, log) -> dict:
    """Start the lab and the browser, run the notebook, time every explorer's controls; stop
    everything, whatever happens. Returns the raw results."""
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
                entry = _measure_explorer(page, lab, explorers.nth(i), i, args, log)
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


def _option_value(option):
    return option[1] if isinstance(option, tuple) else option


def python_value(control, dom: dict):
    """The Python value of ipywidget ``control`` for what the page showed (``dom``)."""
    import ipywidgets as W

    if dom["kind"] == "dropdown":
        return _option_value(list(control.options)[dom["index"]])
    x = float(dom["value"])
    if isinstance(control, W.FloatLogSlider):
        return float(control.base**x)
    if isinstance(control, W.SelectionSlider):  # the noUi slider runs over the indices
        return _option_value(list(control.options)[int(round(x))])
    if isinstance(control, W.IntSlider):
        return int(round(x))
    return x


def neighbour_value(control, value, direction: int):
    """The value one keyboard step (or one option) away from ``value`` in ``direction``."""
    import ipywidgets as W

    if isinstance(control, (W.Dropdown, W.SelectionSlider)):
        values = [_option_value(o) for o in control.options]
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


# ---------------------------------------------------------------------------------------------
# Report


def build_rows(browser: dict) -> list[dict]:
    """One row per explorer and control, then one per explorer for all its controls."""
    rows = []
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
                "problems": [],
                "goal": goal_verdict(entry["name"], s),
            }
        )
    return rows


def format_table(rows: list[dict]) -> str:
    head = (
        f"{'explorer':<11} {'control':<12} {'kind':<8} {'median':>7} {'p95':>6} {'final':>6} "
        f"{'Agg':>6} {'n':>4} {'fail':>4}  goal"
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
            f"{b['n']:>4} {b['failures']:>4}  {verdict}".rstrip()
        )
        if r["control"] == "(all)":
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
    args = p.parse_args(argv)
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
    try:
        browser = measure_in_browser(args, lab, notebook, root, log)
        if not args.no_agg:
            log("timing the same changes on Agg ...")
            measure_on_agg(browser, args, log)
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
            for k in ("repeats", "agg_repeats", "pause", "settle", "timeout", "controls")
        },
    }
    rows = build_rows(browser)
    print()
    print(
        "key press -> first changed canvas pixels in chromium (ms): median, p95; final: the\n"
        "last change of that redraw (median); Agg: control.value + fig.canvas.draw() (median)"
    )
    print(format_table(rows))
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
