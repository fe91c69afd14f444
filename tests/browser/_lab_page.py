"""Driving a notebook in JupyterLab the way a student does (Playwright's sync API): the DOM
selectors, opening a notebook, Restart and Run All, its errors, sliders and dropdowns,
screenshots and their pixels. Checked against JupyterLab 4.6.6, ipywidgets 8.1.9, ipympl 0.10.0
and Debian's chromium."""

from __future__ import annotations

import contextlib
import io
import re
import time
from pathlib import Path

__all__ = [
    "VIEWPORT",
    "PANEL",
    "EXEC_INDICATOR",
    "MENUBAR_ITEM",
    "RESTART_RUN_ALL",
    "DIALOG_ACCEPT",
    "FIGURE",
    "FIGURE_CANVAS",
    "EXPLORER",
    "SLIDER",
    "SLIDER_HANDLE",
    "SLIDER_TRACK",
    "SLIDER_READOUT",
    "DROPDOWN_SELECT",
    "decode_png",
    "drawn_stats",
    "looks_drawn",
    "changed_pixels",
    "enough_change",
    "notebook_state",
    "RunStalled",
    "open_notebook",
    "restart_and_run_all",
    "wait_run_finished",
    "error_outputs",
    "format_errors",
    "full_notebook_screenshot",
    "move_mouse_away",
    "screenshot",
    "stable_screenshot",
    "drag_slider",
    "change_dropdown",
    "safe_name",
]

VIEWPORT = {"width": 1400, "height": 1000}

# --- DOM selectors (JupyterLab 4.6.6) ---------------------------------------
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
EXEC_INDICATOR = f"{PANEL} .jp-Notebook-ExecutionIndicator"
MENUBAR_ITEM = ".lm-MenuBar-item"
# Present in both the Kernel and the Run menu in 4.6.6.
RESTART_RUN_ALL = "li.lm-Menu-item[data-command='runmenu:restart-and-run-all']"
DIALOG_ACCEPT = ".jp-Dialog .jp-Dialog-button.jp-mod-accept"
FIGURE = ".jupyter-matplotlib-figure"
FIGURE_CANVAS = ".jupyter-matplotlib-canvas-div"
EXPLORER = ".initlab-explorer"
SLIDER = ".widget-slider"
SLIDER_HANDLE = ".noUi-handle"
SLIDER_TRACK = ".noUi-target"
SLIDER_READOUT = ".widget-readout"
DROPDOWN_SELECT = ".widget-dropdown select"


# ---------------------------------------------------------------------------
# Pixels
# ---------------------------------------------------------------------------


def decode_png(png: bytes):
    """PNG bytes -> float RGB array in [0, 1] (matplotlib is a dependency)."""
    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(png), format="png")
    if img.dtype.kind in "ui":
        img = img / 255.0
    if img.ndim == 2:
        return img[..., None].repeat(3, axis=2)
    return img[..., :3]


def drawn_stats(png: bytes) -> dict:
    img = decode_png(png)
    non_white = (img < 0.94).any(axis=2)
    return {
        "size": f"{img.shape[1]}x{img.shape[0]}",
        "non_white_fraction": float(non_white.mean()),
        "std": float(img.std()),
        "distinct_grey_levels": int(len(set((img.mean(axis=2) * 32).astype(int).ravel().tolist()))),
    }


def looks_drawn(stats: dict) -> bool:
    """A drawn matplotlib figure has axes, ticks, labels and data: a few % of
    non-white pixels and several grey levels. A blank or failed canvas has ~0."""
    return (
        0.005 <= stats["non_white_fraction"] <= 0.995
        and stats["std"] >= 0.02
        and stats["distinct_grey_levels"] >= 3
    )


def changed_pixels(png_a: bytes, png_b: bytes) -> int:
    a, b = decode_png(png_a), decode_png(png_b)
    if a.shape != b.shape:
        return max(a.shape[0] * a.shape[1], b.shape[0] * b.shape[1])
    return int((abs(a - b) > 0.08).any(axis=2).sum())


def enough_change(n_changed: int, png: bytes) -> bool:
    img = decode_png(png)
    return n_changed >= max(20, int(0.0003 * img.shape[0] * img.shape[1]))


# ---------------------------------------------------------------------------
# Driving JupyterLab
# ---------------------------------------------------------------------------

_STATE_JS = """
(panelSel) => {
  const panel = document.querySelector(panelSel);
  if (!panel) return null;
  const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator')
           || document.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
                       .map(e => e.textContent.trim());
  const dialog = document.querySelector('.jp-Dialog');
  return {
    status: ind ? ind.getAttribute('data-status') : null,
    prompts: prompts,
    busy: prompts.filter(p => p.includes('*')).length,
    numbered: prompts.filter(p => /\\[\\d+\\]/.test(p)).length,
    dialog: dialog ? dialog.innerText.replace(/\\s+/g, ' ').trim() : null,
  };
}
"""


def notebook_state(page) -> dict | None:
    return page.evaluate(_STATE_JS, PANEL)


class RunStalled(AssertionError):
    """The kernel restart never completed (frontend stuck in 'starting')."""


def open_notebook(page, url: str, timeout: float = 90.0, settle: float = 2.0) -> dict:
    """Open a notebook and wait for its kernel to be idle for `settle` s;
    accept a 'Select Kernel' dialog (notebook without kernelspec) if one shows.

    The settle time matters: restarting the kernel within ~1 s of it first
    becoming idle sometimes leaves JupyterLab 4.6.6 stuck in 'starting' for
    good (server log: "Replacing stale connection", then struct.error in
    deserialize_binary_message on the kernel websocket). 1 stall in 6 runs
    without the wait, 0 in 12 with it.
    """
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    page.wait_for_selector(PANEL, timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    state = None
    idle_since = None
    while time.monotonic() < deadline:
        state = notebook_state(page)
        if state and state["dialog"]:
            idle_since = None
            if "kernel" in state["dialog"].lower() and "select" in state["dialog"].lower():
                page.click(DIALOG_ACCEPT)
            else:
                raise AssertionError(f"unexpected dialog on open: {state['dialog']!r}")
        elif state and state["status"] == "idle":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return state
        else:
            idle_since = None
        time.sleep(0.2)
    raise AssertionError(
        f"kernel not idle {timeout:.0f} s after opening the notebook; last state: {state}"
    )


def restart_and_run_all(page, menu: str = "Kernel") -> None:
    """Kernel menu -> 'Restart Kernel and Run All Cells…' -> accept the dialog."""
    page.locator(MENUBAR_ITEM, has_text=re.compile(rf"^\s*{menu}\s*$")).first.click()
    page.locator(RESTART_RUN_ALL).first.click()
    page.locator(DIALOG_ACCEPT).click(timeout=15_000)


def wait_run_finished(page, timeout: float, settle: float = 1.5, stall: float = 45.0) -> dict:
    """Wait until the run started (restarting/busy or a [*] prompt) and then
    finished (indicator idle, no [*] prompt) and stayed so for `settle` s.

    Raises RunStalled if nothing changes for `stall` s while the kernel is
    not 'busy' (a cell that computes shows 'busy'): stuck in 'starting', or
    'idle' with cells never run / still queued."""
    started_js = """(sel) => {
      const ind = document.querySelector(sel);
      const s = ind && ind.getAttribute('data-status');
      const star = Array.from(document.querySelectorAll(
          '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt'))
          .some(e => e.textContent.includes('*'));
      return (s && s !== 'idle') || star;
    }"""
    t0 = time.monotonic()
    try:
        page.wait_for_function(started_js, arg=EXEC_INDICATOR, polling="raf", timeout=30_000)
    except Exception:
        # A very fast notebook may already be done; the checks below decide.
        pass
    t_started = time.monotonic() - t0
    deadline = t0 + timeout
    quiet_since = None
    state = None
    last_key, last_change = None, time.monotonic()
    timeline = []
    while time.monotonic() < deadline:
        state = notebook_state(page)
        key = state and (state["status"], state["busy"], state["numbered"])
        if key != last_key:
            last_key, last_change = key, time.monotonic()
            timeline.append((round(last_change - t0, 1),) + (key or (None,)))
        elif state and state["status"] != "busy" and time.monotonic() - last_change > stall:
            raise RunStalled(
                f"no progress for {stall:.0f} s after restart-and-run-all: indicator "
                f"{state['status']!r}, prompts {state['prompts']}; timeline "
                f"(s, status, [*] cells, numbered cells): {timeline[-12:]}"
            )
        done = (
            state is not None
            and state["status"] == "idle"
            and state["busy"] == 0
            and (state["numbered"] > 0 or not state["prompts"])
        )
        if done:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= settle:
                state["started_after"] = round(t_started, 2)
                state["timeline"] = timeline
                return state
        else:
            quiet_since = None
        time.sleep(0.25)
    raise AssertionError(
        f"run-all did not finish within {timeout:.0f} s: indicator status="
        f"{state and state['status']!r}, prompts={state and state['prompts']}; timeline "
        f"(s, status, [*] cells, numbered cells): {timeline[-12:]}"
    )


_ERRORS_JS = """
(panelSel) => {
  const panel = document.querySelector(panelSel);
  if (!panel) return [];
  const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell'));
  const found = [];
  cells.forEach((cell, i) => {
    const prompt = (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '';
    const src = Array.from(cell.querySelectorAll('.jp-InputArea-editor .cm-line'))
                     .map(l => l.textContent).join('\\n');
    const add = (kind, el) => found.push({
      cell: i, prompt: prompt.trim(), kind: kind,
      source: src.slice(0, 200),
      text: (el.innerText || el.textContent || '').trim(),
    });
    cell.querySelectorAll(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], " +
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error'], " +
        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
    ).forEach(el => add(el.getAttribute('data-mime-type').split('.').pop(), el));
    cell.querySelectorAll('.jupyter-widgets-error-widget')
        .forEach(el => add('widget-error', el));
  });
  return found;
}
"""

_ERROR_WORDS = re.compile(r"Traceback|\b\w*Error\b|\bException\b")


def error_outputs(page) -> list[dict]:
    """Error-looking outputs: stderr with a traceback / *Error, error mime
    outputs, and ipywidgets' 'Error displaying widget' views."""
    # A broken widget view says "Click to show javascript error."; clicking
    # reveals the message, which makes a far better failure report.
    broken = page.locator(f"{PANEL} .jupyter-widgets-error-widget")
    for k in range(broken.count()):
        with contextlib.suppress(Exception):
            if "Click to show" in broken.nth(k).inner_text(timeout=2000):
                broken.nth(k).click(timeout=2000)
    out = []
    for item in page.evaluate(_ERRORS_JS, PANEL):
        if item["kind"] == "stderr" and not _ERROR_WORDS.search(item["text"]):
            continue  # warnings and progress messages on stderr are fine
        out.append(item)
    return out


def format_errors(errors: list[dict], limit: int = 1500) -> str:
    parts = []
    for e in errors:
        text = e["text"]
        if e["kind"] == "widget-error":  # drop the minified JS stack frames
            text = "\n".join(l for l in text.splitlines() if not l.strip().startswith("at "))
        if len(text) > limit:
            text = text[:300] + "\n   ...\n" + text[-(limit - 300) :]
        parts.append(
            f"--- cell #{e['cell']} {e['prompt']} ({e['kind']}); source starts:\n"
            f"{e['source'][:120]}\n--- output:\n{text}"
        )
    return "\n".join(parts)


def full_notebook_screenshot(page, path: Path, max_height: int = 12000) -> None:
    """Screenshot of the whole notebook, not only what fits in the window:
    grow the viewport to the notebook's scroll height, shoot, restore."""
    size = page.viewport_size or VIEWPORT
    try:
        extra = page.evaluate(
            """(sel) => { const o = document.querySelector(sel + ' .jp-WindowedPanel-outer');
                          return o ? o.scrollHeight - o.clientHeight : 0; }""",
            PANEL,
        )
        height = min(max_height, size["height"] + max(0, int(extra)) + 40)
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(700)  # let Lumino relayout and ipympl repaint
        move_mouse_away(page)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), animations="disabled")
    finally:
        page.set_viewport_size(size)
        page.wait_for_timeout(300)


def move_mouse_away(page) -> None:
    """Park the pointer on the status bar so no ipympl toolbar fades in over a
    figure we are about to screenshot."""
    size = page.viewport_size or VIEWPORT
    page.mouse.move(5, size["height"] - 5)


def screenshot(locator, path: Path | None = None) -> bytes:
    png = locator.screenshot(animations="disabled", timeout=15_000)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    return png


def stable_screenshot(locator, timeout: float = 15.0, interval: float = 0.3) -> bytes:
    """Screenshot until two in a row are identical (figure done drawing)."""
    deadline = time.monotonic() + timeout
    prev = screenshot(locator)
    while time.monotonic() < deadline:
        time.sleep(interval)
        cur = screenshot(locator)
        if cur == prev or changed_pixels(prev, cur) == 0:
            return cur
        prev = cur
    return prev


def drag_slider(page, slider, fraction: float = 0.3) -> dict:
    """Drag the slider's noUi handle by `fraction` of the track width (towards
    the side with more room), with real mouse down/move/up events."""
    handle = slider.locator(SLIDER_HANDLE).first
    track = slider.locator(SLIDER_TRACK).first
    handle.scroll_into_view_if_needed()
    hb, tb = handle.bounding_box(), track.bounding_box()
    if not hb or not tb:
        raise AssertionError("slider handle or track has no bounding box (not visible?)")
    x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    direction = 1 if x < tb["x"] + tb["width"] / 2 else -1
    dx = direction * fraction * tb["width"]
    before = _slider_value(slider)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=5)
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()
    page.wait_for_timeout(200)
    after = _slider_value(slider)
    return {"before": before, "after": after, "dx": round(dx, 1)}


def _slider_value(slider) -> str:
    handle = slider.locator(SLIDER_HANDLE).first
    readout = slider.locator(SLIDER_READOUT)
    text = readout.first.inner_text().strip() if readout.count() else ""
    return f"{text} (aria-valuenow={handle.get_attribute('aria-valuenow')})"


def change_dropdown(select) -> dict:
    """Select an option different from the current one."""
    select.scroll_into_view_if_needed()
    current = select.input_value()
    values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
    others = [v for v in values if v != current]
    if not others:
        raise AssertionError(f"dropdown has no other option than {current!r}")
    target = others[0]
    select.select_option(value=target)
    return {"before": current, "after": select.input_value(), "options": values}


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"
