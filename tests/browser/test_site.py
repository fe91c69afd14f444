"""The course website (tools/build_site.py) built from the committed notebooks, opened page by
page in chromium with every request to another host blocked."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

import _lab
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser_requirements, tmp_path_factory):
    """The built site served on 127.0.0.1: (base URL, html folder); the server always stops."""
    html = build_site.build(tmp_path_factory.mktemp("site"), quiet=True)
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", html
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


def page_names() -> list[str]:
    return ["index.html", "live.html", *(p.stem + ".html" for p in build_site.pages())]


def image_outputs(path: Path) -> int:
    """How many image outputs the notebook's code cells stored."""
    nb = nbformat.read(path, as_version=4)
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if any(k.startswith("image/") for k in out.get("data", {}))
    )


def open_offline(context, url: str, base: str):
    """Open ``url`` with every request outside ``base`` aborted; returns (page, problems)."""
    page = context.new_page()
    problems = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            problems.append(f"blocked: {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}")
            if not req.url.startswith("about:") else None)  # fmt: skip
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}")
            if res.status >= 400 else None)  # fmt: skip
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.goto(url, wait_until="networkidle")
    return page, problems


def test_every_page_opens_offline_with_its_images(site, chromium_context):
    base, _ = site
    notebooks = {p.stem + ".html": p for p in build_site.pages()}
    for name in page_names():
        page, problems = open_offline(chromium_context, base + name, base)
        try:
            assert not problems, f"{name}: {problems}"
            images = page.eval_on_selector_all(
                "article img", "els => els.map(e => [e.complete && e.naturalWidth > 0, e.src])"
            )
            broken = [src for ok, src in images if not ok]
            assert not broken, f"{name}: images that did not load: {broken}"
            if name in notebooks:
                shown = page.locator("article .cell_output img").count()
                assert shown == image_outputs(notebooks[name]), (name, shown)
                assert page.locator(".admonition", has_text="Run it live").count() == 1, name
            page.screenshot(path=str(_lab.SCREENSHOT_DIR / f"site-{Path(name).stem}.png"))
        finally:
            page.close()


def test_formulas_are_typeset_by_the_local_mathjax(site, chromium_context):
    base, _ = site
    page, problems = open_offline(chromium_context, base + "04_xavier_and_he.html", base)
    try:
        page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue"
                               " && MathJax.Hub.queue.pending === 0 && MathJax.isReady",
                               timeout=30_000)  # fmt: skip
        assert page.locator(".MathJax, .MathJax_Display").count() > 0
        assert not problems, problems
    finally:
        page.close()


def test_pages_link_in_order(site, chromium_context):
    base, _ = site
    names = page_names()
    for here, following in zip(names, names[1:]):
        page, problems = open_offline(chromium_context, base + here, base)
        try:
            href = page.get_attribute("a.right-next", "href")
            assert href is not None, f"{here} has no link to the next page"
            assert href.split("#")[0] == following, f"{here} -> {href}, expected {following}"
        finally:
            page.close()
    page, _ = open_offline(chromium_context, base + names[-1], base)
    try:
        assert page.locator("a.right-next").count() == 0
    finally:
        page.close()
