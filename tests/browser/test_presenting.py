"""Presenting, in a real (headless) chromium: the Voilà explorer page, live Voilà slides and the
offline slide deck.

* Voilà page (``python tools/present.py --app``): notebooks/explorer.ipynb without code; every
  explorer's figure is drawn and reacts to its controls.
* Live slides (``python tools/present.py notebooks/03_...``): reveal.js slides with a live
  explorer in the lecture style; no request leaves the machine.
* Offline deck (``python tools/export_slides.py``): opened from disk with the network blocked,
  reveal.js starts, MathJax typesets, and an explorer's stored picture is on its slide.

Voilà is started through tools/present.py's own code (``present.serving``). Screenshots go to
tests/browser/screenshots/presenting/ (git-ignored). Run:
``python -m pytest tests/browser/test_presenting.py -m browser -v``.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import _lab
import nbformat
import pytest

pytestmark = pytest.mark.browser

ROOT = _lab.REPO_ROOT
sys.path.insert(0, str(ROOT / "tools"))

import export_slides  # noqa: E402
import present  # noqa: E402

SHOTS = _lab.SCREENSHOT_DIR / "presenting"
EXPLORER_PAGE = ROOT / "notebooks" / "explorer.ipynb"
LIVE_LESSON = ROOT / "notebooks" / "03_vanishing_and_saturation.ipynb"  # the quickest to run
STATIC_LESSON = ROOT / "notebooks" / "04_xavier_and_he.ipynb"  # maths and an explorer
EXPLORER_CANVAS = _lab.FIGURE_CANVAS
PAGE_TIMEOUT_MS = 180_000  # Voilà runs the whole notebook before the page is complete

#: Page errors of Voilà 0.5.13's own scripts, harmless here: its reveal template calls a
#: heartbeat function it does not define, and its bundled MathJax 3 (used for widget labels)
#: stumbles over the MathJax 2 that the live slides load for the notebooks' formulas.
KNOWN_VOILA_ERRORS = ("voila_heartbeat is not a function", "reading 'loader'")


@pytest.fixture(scope="module")
def voila_requirements(browser_requirements):
    if importlib.util.find_spec("voila") is None:
        problem = "python package 'voila' not importable: `pip install -r requirements.txt`"
        if _lab.browser_required():
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


class Offline:
    """Abort every request of ``page`` that would leave the machine, and remember it."""

    LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "file:", "data:", "blob:")

    def __init__(self, page):
        self.blocked: list[str] = []
        self.page_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.LOCAL):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.page_errors if not any(k in e for k in KNOWN_VOILA_ERRORS)]


def wait_for_change(locator, before: bytes, timeout: float = 30.0) -> tuple[bytes, int]:
    """Screenshot ``locator`` until it differs enough from ``before`` (then until it is
    stable); return the last screenshot and the number of changed pixels."""
    deadline = time.monotonic() + timeout
    current = _lab.screenshot(locator)
    n = _lab.changed_pixels(before, current)
    while not _lab.enough_change(n, before) and time.monotonic() < deadline:
        time.sleep(0.3)
        current = _lab.screenshot(locator)
        n = _lab.changed_pixels(before, current)
    if _lab.enough_change(n, before):
        current = _lab.stable_screenshot(locator)
        n = _lab.changed_pixels(before, current)
    return current, n


def drawn_figure(page, explorer, what: str) -> tuple[object, bytes]:
    canvas = explorer.locator(EXPLORER_CANVAS).first
    canvas.scroll_into_view_if_needed()
    _lab.move_mouse_away(page)
    png = _lab.stable_screenshot(canvas)
    stats = _lab.drawn_stats(png)
    assert _lab.looks_drawn(stats), f"{what}: the figure looks blank: {stats}"
    return canvas, png


def readout_scale(explorer) -> float:
    """Font size of the explorer's read-out over that of its title: 1 in the default style,
    larger in the lecture style (helpers.widgets sizes the read-out by the style)."""
    sizes = explorer.locator(".widget-html-content").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert len(sizes) >= 2, f"expected a title and a read-out in the explorer; font sizes {sizes}"
    return sizes[-1] / sizes[0]


def whole_page_screenshot(page, path: Path, max_height: int = 8000) -> None:
    """Screenshot of the whole Voilà page: Voilà's lab template scrolls inside an element, not
    the document, so grow the window to the height of the tallest scrolled element."""
    size = page.viewport_size
    extra = page.evaluate(
        """() => Math.max(0, ...Array.from(document.querySelectorAll('*'))
                 .map(e => e.scrollHeight - e.clientHeight)
                 .filter(d => Number.isFinite(d)))"""
    )
    try:
        page.set_viewport_size(
            {"width": size["width"], "height": min(max_height, size["height"] + extra)}
        )
        page.wait_for_timeout(700)
        page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
        _lab.move_mouse_away(page)
        page.screenshot(path=str(path), animations="disabled")
    finally:
        page.set_viewport_size(size)


def act_and_check(page, explorer, what: str, action) -> dict:
    """Do ``action`` on an explorer's control; its figure must change."""
    canvas, before = drawn_figure(page, explorer, what)
    detail = action()
    _lab.move_mouse_away(page)
    after, n = wait_for_change(canvas, before)
    assert _lab.enough_change(n, before), (
        f"{what}: the figure did not change ({n} pixels changed) after {detail}"
    )
    return {"what": what, "changed_pixels": n, **detail}


def check_voila_app(page, notebook: Path, shots: Path, *, n_explorers=None) -> list[dict]:
    """Serve ``notebook`` as a Voilà page; every explorer must be drawn and react.

    Drags the first slider of every explorer, then changes the first explorer's first dropdown;
    each time the explorer's figure must change. Returns what was done. ``n_explorers``
    (default: the notebook's cells that build an explorer) is how many the page must show.
    """
    if n_explorers is None:
        nb = nbformat.read(notebook, as_version=4)
        n_explorers = sum("_explorer(" in c.source for c in nb.cells if c.cell_type == "code")
    shots.mkdir(parents=True, exist_ok=True)
    offline = Offline(page)
    done = []
    with open(shots / "voila-app.log", "wb") as log:
        # as `present.py --app` serves it: from a pool of kernels that ran the notebook already
        with present.serving(notebook, slides=False, style="default", log=log, pool=1) as server:
            page.goto(server.url, timeout=PAGE_TIMEOUT_MS)
            explorers = page.locator(_lab.EXPLORER)
            canvases = page.locator(f"{_lab.EXPLORER} {EXPLORER_CANVAS}")
            deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
            while canvases.count() < n_explorers and time.monotonic() < deadline:
                time.sleep(0.5)
            assert explorers.count() == n_explorers, (
                f"{notebook.name}: {explorers.count()} explorers on the Voilà page "
                f"({canvases.count()} live figures), expected {n_explorers}"
            )
            text = page.inner_text("body")
            assert "build_" not in text and "%matplotlib" not in text, "code shown on the page"
            assert page.locator(".jp-InputArea-editor:visible").count() == 0, "code cells shown"
            first = explorers.nth(0)
            assert readout_scale(first) == pytest.approx(1.0, abs=0.05), (
                "default style expected on the Voilà page"
            )
            for i in range(n_explorers):
                explorer = explorers.nth(i)
                slider = explorer.locator(_lab.SLIDER).first
                done.append(
                    act_and_check(
                        page,
                        explorer,
                        f"explorer {i + 1}, first slider",
                        lambda s=slider: _lab.drag_slider(page, s),
                    )
                )
            select = first.locator(_lab.DROPDOWN_SELECT).first
            done.append(
                act_and_check(
                    page, first, "explorer 1, first dropdown", lambda: _lab.change_dropdown(select)
                )
            )
            whole_page_screenshot(page, shots / "voila_app_after_drag.png")
    assert not offline.blocked, f"the Voilà page asked the network for {offline.blocked}"
    assert not offline.unexpected_errors(), f"page errors: {offline.unexpected_errors()}"
    return done


def test_voila_explorer_page_draws_and_reacts(voila_requirements, lab_page, record_property):
    t0 = time.monotonic()
    done = check_voila_app(lab_page, EXPLORER_PAGE, SHOTS)
    record_property("seconds", round(time.monotonic() - t0, 1))
    print(f"\nVoilà explorer page: {done}")


def test_live_slides_show_a_working_explorer_in_lecture_style(voila_requirements, lab_page):
    page = lab_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    offline = Offline(page)
    with open(SHOTS / "voila-slides.log", "wb") as log:
        with present.serving(LIVE_LESSON, slides=True, style="lecture", log=log) as server:
            page.goto(server.url, timeout=PAGE_TIMEOUT_MS)
            page.wait_for_selector(".reveal.ready", timeout=PAGE_TIMEOUT_MS)
            n_slides = page.locator(".reveal .slides section").count()
            assert n_slides > 3, f"only {n_slides} slide sections"
            # The slide on screen is the innermost present section: a section with vertical
            # sub-slides (class "stack") is "present" too, and contains the hidden sub-slides.
            explorer = page.locator("section.present:not(.stack) .initlab-explorer")
            for _ in range(n_slides):
                if explorer.count():
                    break
                page.keyboard.press("Space")  # the next slide or sub-slide
                page.wait_for_timeout(300)
            assert explorer.count(), "no slide of the deck shows a live explorer"
            explorer = explorer.first
            title = page.locator("section.present h2").first.inner_text()
            scale = readout_scale(explorer)
            assert scale >= 1.3, (
                f"the explorer on the slide is not in the lecture style (read-out/title font "
                f"ratio {scale:.2f}); INITLAB_STYLE=lecture should reach the kernel"
            )
            slider = explorer.locator(_lab.SLIDER).first
            done = act_and_check(
                page, explorer, f"slide {title!r}", lambda: _lab.drag_slider(page, slider)
            )
            _lab.screenshot(page, SHOTS / "live_slide_after_drag.png")
    print(f"\nlive slide {title!r}: {done}; read-out scale {scale:.2f}")
    assert not offline.blocked, f"the live slides asked the network for {offline.blocked}"
    assert not offline.unexpected_errors(), f"page errors: {offline.unexpected_errors()}"


def test_offline_deck_starts_typesets_and_shows_the_explorer_picture(
    browser_requirements, lab_page, tmp_path
):
    page = lab_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    html = export_slides.export(STATIC_LESSON, tmp_path)
    offline = Offline(page)
    offline.LOCAL = ("file:", "data:", "blob:")  # nothing else, not even loopback
    page.goto(html.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
    assert page.locator(".reveal .slides section").count() > 3
    page.wait_for_selector(".MathJax", state="attached", timeout=30_000)
    where = page.evaluate(
        """() => { for (const s of Reveal.getSlides()) {
                     if (s.textContent.includes('build_depth_explorer(')) {
                       const i = Reveal.getIndices(s); return [i.h, i.v]; } }
                   return null; }"""
    )
    assert where is not None, "no slide shows the depth explorer's cell"
    page.evaluate("([h, v]) => Reveal.slide(h, v)", where)
    cell = page.locator("section.present .jp-CodeCell", has_text="build_depth_explorer(")
    picture = cell.locator("img").first
    picture.scroll_into_view_if_needed()
    assert picture.is_visible(), "the explorer's picture is not visible on its slide"
    assert picture.evaluate("img => img.complete && img.naturalWidth > 300")
    stats = _lab.drawn_stats(_lab.screenshot(picture))
    assert _lab.looks_drawn(stats), f"the explorer's picture looks blank: {stats}"
    _lab.screenshot(page, SHOTS / "static_explorer_slide.png")
    assert not offline.blocked, f"the offline deck asked the network for {offline.blocked}"
    assert not offline.page_errors, f"page errors: {offline.page_errors}"
