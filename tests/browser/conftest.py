"""Fixtures for the browser tests: a throwaway JupyterLab server and Debian's
chromium driven by Playwright.

Run:  python -m pytest tests/browser -m browser -v

Needs /usr/bin/chromium (`apt-get install -y chromium`) and the playwright
Python package (`pip install playwright`); never `playwright install`. Without
them the tests skip, unless INITLAB_REQUIRE_BROWSER=1 (CI), then they fail.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # works whatever pytest's import mode is
    sys.path.insert(0, str(HERE))

import _lab  # noqa: E402


def pytest_configure(config):
    # pyproject.toml is not ours to edit yet; register the marker here.
    config.addinivalue_line(
        "markers",
        "browser: drives notebooks in a real JupyterLab + headless chromium (slow)",
    )


@pytest.fixture(scope="session")
def browser_requirements():
    """Skip (or, with INITLAB_REQUIRE_BROWSER=1, fail) when tooling is missing."""
    problem = _lab.missing_requirements()
    if problem:
        if _lab.browser_required():
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="session")
def lab_notebooks():
    """(lab root_dir, sorted notebook paths), from INITLAB_NOTEBOOKS."""
    return _lab.discover_notebooks()


@pytest.fixture(scope="session")
def lab_server(browser_requirements, lab_notebooks):
    """A `jupyter lab` server for the whole session; always stopped."""
    root, _ = lab_notebooks
    server = _lab.LabServer(root, keep_log_as=_lab.SCREENSHOT_DIR / "jupyter-lab.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium_context(browser_requirements):
    """Debian chromium (headless) with a fresh profile; always closed."""
    with _lab.chromium_context() as context:
        yield context


@pytest.fixture
def lab_page(chromium_context):
    """A fresh tab; its JavaScript errors are collected in page.js_errors."""
    page = chromium_context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            page.js_errors.append(f"console.{msg.type}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        page.close()
