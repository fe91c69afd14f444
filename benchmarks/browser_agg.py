"""bench_browser.py on Agg, in this process: the same explorers and controls, from the values the
page showed, alternating between the same two values (``bench_explorers.time_in_place``)."""

from __future__ import annotations

import math


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
