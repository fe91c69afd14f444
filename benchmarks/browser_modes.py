"""bench_browser.py's two other measurements: ``--burst`` (a fast drag ends on the last value)
and ``--worst-case`` (every slider at its extreme: the kernel never frozen, progress shown)."""

from __future__ import annotations

import time

from browser_page import (
    ARM_JS,
    BURST_JS,
    CONTROLS_JS,
    LOG_COUNT_JS,
    SLIDER_VALUE_JS,
    SNAPSHOT_JS,
    new_errors,
    slider_handle,
    wait_quiet,
)
from browser_report import (
    BURST_EXPLORERS,
    burst_verdict,
    busy_summary,
    explorer_name,
    ms,
    progress_summary,
    worst_case_verdict,
    worst_cases,
)


def explorer_info(explorer, i, args, default_names):
    """``(name, info)`` of an explorer to measure, or ``None`` to skip it."""
    info = explorer.evaluate(CONTROLS_JS)
    name = explorer_name(info["title"], i)
    if name not in (args.explorers or default_names or [name]) or not info["has_canvas"]:
        return None
    return name, info


def warn_no_figure(name, info, log) -> None:
    if not all(info["canvas_size"]):
        log(
            f"WARNING: {name}: its canvas is {info['canvas_size']} pixels, the figure is not "
            "shown; only the read-outs and the kernel are measured"
        )


def burst_explorer(page, lab, explorer, i, args, log) -> dict | None:
    """``--burst``: N ArrowRight presses on one slider within ``--burst-seconds``; the time from
    the last key to settled pixels, and whether the explorer shows the last value."""
    found = explorer_info(explorer, i, args, BURST_EXPLORERS)
    if found is None:
        return None
    name, info = found
    entry = {"name": name, "title": info["title"], "index": i, "control": args.burst_control}
    warn_no_figure(name, info, log)
    sliders = [c for c in info["controls"] if c["kind"] == "slider"]
    control = next((c for c in sliders if c["description"] == args.burst_control), None)
    if control is None:
        log(f"{name}: no slider {args.burst_control!r}, skipped")
        return None
    n = args.burst
    handle = slider_handle(lab, explorer, control)
    errors_before, log_before = len(lab.error_outputs(page)), page.evaluate(LOG_COUNT_JS)
    explorer.scroll_into_view_if_needed()
    lab.move_mouse_away(page)
    # Untimed: n steps down (or to the bottom), so that the burst of n ArrowRight has room.
    handle.focus()
    for _ in range(n):
        page.keyboard.press("ArrowLeft")
    wait_quiet(page, lab, explorer, args)
    entry["start"] = explorer.evaluate(SNAPSHOT_JS, {"nth": control["nth"]})
    page.wait_for_timeout(args.pause * 1000)
    handle.focus()
    explorer.evaluate(
        BURST_JS,
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
    entry["after"] = explorer.evaluate(SNAPSHOT_JS, {"nth": control["nth"]})
    # Untimed: the same value again, on its own (one step away and back).
    for key in ("ArrowLeft", "ArrowRight"):
        handle.focus()
        page.keyboard.press(key)
        page.wait_for_timeout(args.pause * 1000)
        wait_quiet(page, lab, explorer, args)
    entry["again"] = explorer.evaluate(SNAPSHOT_JS, {"nth": control["nth"]})
    entry["errors"] = new_errors(page, lab, errors_before)
    entry["log_messages"] = page.evaluate(LOG_COUNT_JS) - log_before
    entry["busy"] = busy_summary(entry["result"]["statuses"])
    entry["verdict"] = burst_verdict(
        entry["result"], entry["after"], entry["again"], entry["errors"]
    )
    v, r = entry["verdict"], entry["result"]
    log(
        f"  {name:<11} {n} keys in {ms(r['burst_ms'])} ms ({r['moves']} moves): settled "
        f"{ms(v['settled'])} ms after the last, {'on' if v['on_last_value'] else 'NOT on'} the "
        f"last value, {len(entry['errors'])} error output(s), {entry['log_messages']} log "
        f"message(s)"
    )
    if entry["errors"]:
        log(lab.format_errors(entry["errors"], limit=600))
    return entry


def restore_slider(page, lab, handle, value: str, limit: int = 400) -> None:
    """Back to ``value`` (an aria-valuetext): Home, then ArrowRight until there (cheap values
    first: every slider of the worst cases costs more the higher it is)."""
    handle.focus()
    page.keyboard.press("Home")
    for _ in range(limit):
        now = handle.evaluate(SLIDER_VALUE_JS).split("|")[0]
        if float(now) >= float(value):
            return
        page.keyboard.press("ArrowRight")


def worst_case_explorer(page, lab, explorer, i, args, log) -> dict | None:
    """``--worst-case``: each case of :func:`worst_cases` from the values the page showed; the
    timed key is End on the case's last slider."""
    found = explorer_info(explorer, i, args, None)
    if found is None:
        return None
    name, info = found
    warn_no_figure(name, info, log)
    sliders = {c["description"]: c for c in info["controls"] if c["kind"] == "slider"}
    entry = {"name": name, "title": info["title"], "index": i, "cases": []}
    explorer.scroll_into_view_if_needed()
    timeout_ms = args.worst_timeout * 1000
    for case in worst_cases(name, sliders):
        errors_before = len(lab.error_outputs(page))
        lab.move_mouse_away(page)
        wait_quiet(page, lab, explorer, args, args.worst_timeout)
        for description in case[:-1]:  # untimed: the other sliders of the case first
            slider_handle(lab, explorer, sliders[description]).focus()
            page.keyboard.press("End")
            page.wait_for_timeout(args.pause * 1000)
            wait_quiet(page, lab, explorer, args, args.worst_timeout)
        page.wait_for_timeout(args.pause * 1000)
        handle = slider_handle(lab, explorer, sliders[case[-1]])
        handle.focus()
        before = handle.evaluate(SLIDER_VALUE_JS)
        explorer.evaluate(
            ARM_JS,
            {
                "event": "keydown",
                "timeout": timeout_ms,
                "settle": args.settle * 1000,
                "indicator": lab.EXEC_INDICATOR,
                "track": True,
            },
        )
        page.keyboard.press("End")
        after = handle.evaluate(SLIDER_VALUE_JS)
        if after == before:
            page.evaluate("() => { window.__initlabBench.cancel = 'control did not move'; }")
        page.wait_for_function(
            "() => window.__initlabBench.done",
            polling=50,
            timeout=(4 * args.worst_timeout + args.settle + 10) * 1000,
        )
        result = page.evaluate("() => window.__initlabBench.result")
        shown = explorer.evaluate(SNAPSHOT_JS, {"nth": sliders[case[-1]]["nth"]})["label"]
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
            handle = slider_handle(lab, explorer, sliders[description])
            restore_slider(page, lab, handle, start)
            page.wait_for_timeout(args.pause * 1000)
            wait_quiet(page, lab, explorer, args, args.worst_timeout)
            now = handle.evaluate(SLIDER_VALUE_JS).split("|")[0]
            if now != start:
                row["not_restored"].append(description)
                log(f"WARNING: {name}: {description} is at {now}, not back at {start}")
        row["errors"] = new_errors(page, lab, errors_before)
        entry["cases"].append(row)
        log(
            f"  {name:<11} {row['case']:<22} first pixels {ms(result['latency'])} ms, last "
            f"{ms(result['final'])} ms, kernel busy {ms(busy['longest'])} ms"
            + ("" if progress is None else f", progress moved: {progress['moved']}")
            + f", {len(row['errors'])} error output(s)"
        )
        if row["errors"]:
            log(lab.format_errors(row["errors"], limit=600))
    return entry
