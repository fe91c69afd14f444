"""Shared helpers for the browser tests (and the browser benchmarks), used as ``_lab.<name>``:
what they need, which notebooks they test, and Debian's chromium as a Playwright context, here;
the throwaway JupyterLab server in ``_lab_server.py``; driving a notebook in it the way a student
would (selectors, Run All, errors, sliders, screenshots, pixels) in ``_lab_page.py``. Both are
re-exported here.

Everything was checked against JupyterLab 4.6.6, ipywidgets 8.1.9, ipympl 0.10.0 and Debian's
chromium, driven by Playwright's sync API.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SCREENSHOT_DIR = HERE / "screenshots"

#: Glob (relative to the repo root unless absolute) of the notebooks to test.
NOTEBOOKS_ENV = "INITLAB_NOTEBOOKS"
DEFAULT_NOTEBOOKS = "notebooks/*.ipynb"
#: Set to 1 (CI does) to turn "browser tooling missing" from a skip into a failure.
REQUIRE_ENV = "INITLAB_REQUIRE_BROWSER"
#: Seconds allowed for "Restart Kernel and Run All Cells" of one notebook.
RUN_TIMEOUT_ENV = "INITLAB_RUN_TIMEOUT"
DEFAULT_RUN_TIMEOUT = 240.0

CHROMIUM = os.environ.get("INITLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if str(HERE) not in sys.path:  # _lab_page.py and _lab_server.py, beside this file
    sys.path.insert(0, str(HERE))

# The page's and the server's public names (their __all__), used as _lab.<name>
from _lab_page import *  # noqa: E402, F403
from _lab_page import VIEWPORT  # noqa: E402
from _lab_server import *  # noqa: E402, F403

# ---------------------------------------------------------------------------
# Requirements
# ---------------------------------------------------------------------------


def missing_requirements() -> str | None:
    """Say what is missing to run the browser tests, with how to install it."""
    import importlib.util

    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(
            f"{CHROMIUM} not found: install Debian's chromium with "
            "`apt-get update && apt-get install -y chromium`"
        )
    for module, pip_name in (("playwright", "playwright"), ("jupyterlab", "jupyterlab")):
        if importlib.util.find_spec(module) is None:
            problems.append(f"python package {module!r} not importable: `pip install {pip_name}`")
    if not problems:
        return None
    return (
        "browser tests need Debian's chromium and the playwright Python package; "
        + "; ".join(problems)
        + ". Never run `playwright install` (it downloads a browser build; we use "
        f"/usr/bin/chromium). Set {REQUIRE_ENV}=1 to make this a failure instead of a skip."
    )


def browser_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0", "false", "no")


# ---------------------------------------------------------------------------
# Notebook discovery
# ---------------------------------------------------------------------------


def discover_notebooks() -> tuple[Path, list[Path]]:
    """Return (lab root dir, sorted notebook paths) from INITLAB_NOTEBOOKS.

    The root is the repo root when every notebook is inside it, else the
    deepest common parent of the notebooks (the lab can only open files
    under its root_dir).
    """
    pattern = os.environ.get(NOTEBOOKS_ENV, DEFAULT_NOTEBOOKS)
    if not os.path.isabs(pattern):
        pattern = str(REPO_ROOT / pattern)
    paths = sorted(
        Path(p).resolve()
        for p in glob.glob(pattern, recursive=True)
        if ".ipynb_checkpoints" not in Path(p).parts
    )
    root = REPO_ROOT
    if paths and not all(_is_under(p, REPO_ROOT) for p in paths):
        root = Path(os.path.commonpath([str(p.parent) for p in paths]))
    return root, paths


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def chromium_context():
    """Debian chromium (headless, CHROMIUM_ARGS, VIEWPORT, device scale 1) with a
    fresh throwaway profile, as a Playwright persistent context; always closed,
    and the profile removed, also on error or Ctrl-C."""
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="initlab-chromium-")
    pw = sync_playwright().start()
    context = None
    try:
        context = pw.chromium.launch_persistent_context(
            user_data,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=VIEWPORT,
            device_scale_factor=1,
        )
        yield context
    finally:
        try:
            if context is not None:
                context.close()
        finally:
            pw.stop()
            shutil.rmtree(user_data, ignore_errors=True)
