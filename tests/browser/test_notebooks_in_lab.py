"""Run every notebook in a real JupyterLab + headless chromium, as a student would.

For each notebook (``notebooks/*.ipynb``, or the glob in INITLAB_NOTEBOOKS):
Kernel menu -> "Restart Kernel and Run All Cells…", then check that

* no output is an error (traceback on stderr, error output, broken widget view);
* every ipympl figure is drawn (screenshot has axes/lines, not a blank canvas);
* every explorer (a widget box with the CSS class ``initlab-explorer``) reacts:
  dragging its first slider and changing its first dropdown each change the
  pixels of its figure.

Screenshots go to tests/browser/screenshots/<notebook>/ (git-ignored).
"""

from __future__ import annotations

import hashlib
import shutil
import time

import _lab
import pytest

pytestmark = pytest.mark.browser

LAB_ROOT, NOTEBOOKS = _lab.discover_notebooks()


def _nb_id(path):
    try:
        return path.relative_to(LAB_ROOT).as_posix()
    except ValueError:
        return path.name


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[_nb_id(p) for p in NOTEBOOKS])
def test_notebook_runs_and_explorers_react(notebook, lab_server, lab_page, record_property):
    page = lab_page
    rel = notebook.relative_to(lab_server.root_dir).as_posix()
    shots = _lab.SCREENSHOT_DIR / _lab.safe_name(rel.removesuffix(".ipynb"))
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    problems: list[str] = []
    digest_before = hashlib.sha256(notebook.read_bytes()).hexdigest()

    def fail_now(what: str):
        _lab.screenshot(page, shots / "zz-failure.png")
        pytest.fail(_report(rel, [what], page, shots), pytrace=False)

    try:
        # -- open, restart & run all ----------------------------------------
        t0 = time.monotonic()
        try:
            _lab.open_notebook(page, lab_server.notebook_url(rel))
        except AssertionError as exc:
            fail_now(f"opening the notebook: {exc}")
        t_open = time.monotonic() - t0

        try:
            _lab.restart_and_run_all(page, menu="Kernel")
        except Exception as exc:  # noqa: BLE001
            fail_now(f"could not click Kernel > Restart Kernel and Run All Cells…: {exc}")
        t1 = time.monotonic()
        try:
            try:
                state = _lab.wait_run_finished(page, timeout=_run_timeout())
            except _lab.RunStalled as exc:
                # A JupyterLab restart race, not the notebook's fault: retry once.
                print(f"\nWARNING {rel}: {exc}; reloading and retrying once")
                _lab.screenshot(page, shots / "zz-stalled-restart.png")
                _lab.open_notebook(page, lab_server.notebook_url(rel))
                _lab.restart_and_run_all(page, menu="Kernel")
                t1 = time.monotonic()
                state = _lab.wait_run_finished(page, timeout=_run_timeout())
        except AssertionError as exc:
            fail_now(str(exc))
        t_run = time.monotonic() - t1
        record_property("open_seconds", round(t_open, 1))
        record_property("run_all_seconds", round(t_run, 1))
        print(
            f"\n{rel}: opened in {t_open:.1f} s, restart+run-all took {t_run:.1f} s, "
            f"(run seen starting after {state['started_after']} s), prompts {state['prompts']}"
        )
        _lab.full_notebook_screenshot(page, shots / "00-after-run-all.png")

        # -- no error outputs ------------------------------------------------
        errors = _lab.error_outputs(page)
        if errors:
            problems.append(
                f"{len(errors)} error output(s) after Run All:\n" + _lab.format_errors(errors)
            )

        # -- every ipympl figure drawn -------------------------------------
        panel = page.locator(_lab.PANEL)
        figures = panel.locator(_lab.FIGURE)
        n_fig = figures.count()
        for i in range(n_fig):
            canvas = figures.nth(i).locator(_lab.FIGURE_CANVAS).first
            ok, stats = _wait_drawn(page, canvas, shots / f"figure-{i:02d}.png")
            if not ok:
                title = figures.nth(i).locator(".jupyter-matplotlib-header").first
                label = title.inner_text().strip() if title.count() else "?"
                problems.append(
                    f"ipympl figure #{i} ({label!r}) looks blank/undrawn after 15 s: {stats} "
                    f"(see {shots / f'figure-{i:02d}.png'})"
                )

        # -- every explorer reacts ---------------------------------------
        explorers = panel.locator(_lab.EXPLORER)
        n_exp = explorers.count()
        for i in range(n_exp):
            problems.extend(_check_explorer(page, explorers.nth(i), i, shots))

        print(
            f"{rel}: {n_fig} ipympl figure(s), {n_exp} explorer(s), "
            f"{len(errors)} error output(s); checks took "
            f"{time.monotonic() - t0 - t_open - t_run:.1f} s"
        )
        _lab.full_notebook_screenshot(page, shots / "99-end.png")
    finally:
        try:
            lab_server.shutdown_sessions_for(rel)
        except Exception:
            pass

    if hashlib.sha256(notebook.read_bytes()).hexdigest() != digest_before:
        problems.append(
            f"{notebook} changed on disk during the test: the harness must never save "
            "(autosave is off in its settings) - or someone edited it meanwhile"
        )
    if problems:
        pytest.fail(_report(rel, problems, page, shots), pytrace=False)


# ---------------------------------------------------------------------------


def _run_timeout() -> float:
    import os

    return float(os.environ.get(_lab.RUN_TIMEOUT_ENV, _lab.DEFAULT_RUN_TIMEOUT))


def _report(rel, problems, page, shots) -> str:
    lines = [f"notebook {rel}: {len(problems)} problem(s)"]
    lines += [f"[{n + 1}] {p}" for n, p in enumerate(problems)]
    js = getattr(page, "js_errors", [])
    if js:
        lines.append("browser console errors (last 5, for context):")
        lines += [f"    {e[:300]}" for e in js[-5:]]
    lines.append(f"screenshots: {shots}")
    return "\n".join(lines)


def _wait_drawn(page, canvas, path, timeout: float = 15.0):
    _lab.move_mouse_away(page)
    deadline = time.monotonic() + timeout
    while True:
        png = _lab.screenshot(canvas, path)
        stats = _lab.drawn_stats(png)
        if _lab.looks_drawn(stats):
            return True, stats
        if time.monotonic() >= deadline:
            return False, stats
        time.sleep(0.5)


def _figure_shots(canvases) -> list[bytes]:
    return [_lab.screenshot(canvases.nth(k)) for k in range(canvases.count())]


def _wait_any_change(canvases, before: list[bytes], timeout: float = 10.0):
    """Poll the explorer's figures until one changes; return (changed?, detail)."""
    deadline = time.monotonic() + timeout
    while True:
        after = _figure_shots(canvases)
        counts = [_lab.changed_pixels(b, a) for b, a in zip(before, after)]
        if any(_lab.enough_change(n, b) for n, b in zip(counts, before)):
            return True, counts, after
        if time.monotonic() >= deadline:
            return False, counts, after
        time.sleep(0.25)


def _explorer_label(explorer) -> str:
    labels = explorer.locator(".widget-label")
    texts = [labels.nth(k).inner_text().strip() for k in range(min(labels.count(), 4))]
    return ", ".join(t for t in texts if t) or "no labels"


def _check_explorer(page, explorer, i, shots) -> list[str]:
    problems = []
    label = _explorer_label(explorer)
    where = f"explorer #{i} [{label}]"
    canvases = explorer.locator(_lab.FIGURE_CANVAS)
    sliders = explorer.locator(_lab.SLIDER)
    selects = explorer.locator(_lab.DROPDOWN_SELECT)
    n_fig, n_sl, n_dd = canvases.count(), sliders.count(), selects.count()
    if n_fig == 0:
        return [f"{where}: has no ipympl figure (.jupyter-matplotlib-figure) inside"]
    if n_sl == 0 and n_dd == 0:
        return [f"{where}: has neither a slider nor a dropdown inside"]

    controls = []
    if n_sl:
        controls.append(("slider", lambda: _lab.drag_slider(page, sliders.first)))
    if n_dd:
        controls.append(("dropdown", lambda: _lab.change_dropdown(selects.first)))

    for kind, act in controls:
        stem = f"explorer-{i:02d}-{kind}"
        _lab.move_mouse_away(page)
        explorer.scroll_into_view_if_needed()
        # Baseline only once the figure has stopped changing, so a late first
        # draw cannot pass for a reaction to the control.
        for k in range(n_fig):
            _lab.stable_screenshot(canvases.nth(k))
        before = _figure_shots(canvases)
        _lab.screenshot(explorer, shots / f"{stem}-before.png")
        try:
            moved = act()
        except Exception as exc:  # noqa: BLE001 - report, go on with the rest
            problems.append(f"{where}: could not operate the {kind}: {exc}")
            continue
        _lab.move_mouse_away(page)
        changed, counts, _ = _wait_any_change(canvases, before)
        _lab.screenshot(explorer, shots / f"{stem}-after.png")
        if moved["before"] == moved["after"]:
            problems.append(
                f"{where}: the {kind} did not change value ({moved}); harness or widget "
                f"problem, figure pixels changed: {counts}"
            )
        elif not changed:
            problems.append(
                f"{where}: {kind} changed {moved['before']!r} -> {moved['after']!r} but the "
                f"figure did not change within 10 s (changed pixels per figure: {counts}); "
                f"does its observer update the plot and call fig.canvas.draw_idle()? "
                f"see {shots / (stem + '-before.png')} / -after.png"
            )
    return problems
