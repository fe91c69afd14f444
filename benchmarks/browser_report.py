"""bench_browser.py's pure logic: summaries of the latencies, where the time goes, the goals and
verdicts, and the printed tables. Nothing here needs a browser."""

from __future__ import annotations

import collections
import contextlib
import re

import numpy as np

#: Goals in the browser (ms): median, p95 (None: no p95 goal). Explorers not named: no goal.
GOALS = {
    "symmetry": (100.0, 200.0),
    "saturation": (100.0, 200.0),
    "depth": (100.0, 200.0),
    "training": (500.0, None),
}


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


def ms(x) -> str:
    return "-" if x is None else f"{x:.0f}"


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
            f"{r['explorer']:<11} {r['control']:<12} {r['kind']:<8} {ms(b['median']):>7} "
            f"{ms(b['p95']):>6} {ms(r['final_median']):>6} {ms(r['agg_median']):>6} "
            f"{ms(r.get('floor_median')):>6} {b['n']:>4} {b['failures']:>4}  {verdict}".rstrip()
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
        cells = "".join(f" {ms(st[name]):>18}" for name, _, _, _ in STAGES)
        lines.append(f"{entry['name']:<16}{cells} {ms(st['total']):>6} {st['n']:>4}")
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
            f"{e['name']:<11} {e['control']:<8} {r['keys']:>4} {ms(r['burst_ms']):>6} "
            f"{r['moves']:>5} {len(r['changes']):>5} {ms(v['settled']):>7} "
            f"{ms(e['busy']['idle_at']):>7} {'yes' if v['figure'] else 'NONE':<6} "
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
                f"{e['name']:<11} {c['case']:<22} {c['shown']:>6} {ms(r['latency']):>6} "
                f"{ms(r['final']):>6} {ms(b['longest']):>6} {ms(b['idle_at']):>7} "
                f"{progress:>8} {len(c['errors']):>6}  {goal}"
            )
        lines.append("")
    return "\n".join(lines).rstrip()
