"""Build the course website from the committed notebooks (their stored outputs; nothing runs).

Usage (from the repository root)::

    python tools/build_site.py                       # -> build/site/html/index.html
    python tools/build_site.py --out /tmp/site       # another output folder
    python tools/build_site.py --repo OWNER/NAME --hub-url https://hub.example.org
                                                     # with Binder and JupyterHub links

The site is built by Sphinx with myst-nb (which reads notebooks with their stored outputs) and
sphinx-book-theme, the parts Jupyter Book 1.x is made of, configured here directly, from:

- the README as the landing page, a "Run it live" page, every numbered notebook in order and the
  explorer page, each notebook with its stored figures and each explorer's saved picture;
- a short "run it live" panel at the top of every notebook page: the command that opens it
  locally and, with ``--repo``, a Binder link and an nbgitpuller link for ``--hub-url``;
- MathJax 2.7 copied from the ``jupyter-server-mathjax`` package (the files the offline slide
  decks use) and no other script, style sheet or font from any other host: a page opened from
  the output folder makes no request outside it.

The build runs Sphinx with warnings as errors (``-W --keep-going``): a broken
link, a missing image or a malformed cell fails it. The sources are assembled in
``<out>/source`` (a copy; the notebooks are not changed) and the pages are written to
``<out>/html``; open ``<out>/html/index.html`` in a browser, or copy that folder to any web server.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_slides  # noqa: E402  (the MathJax files the offline decks use: one list)
import navigation  # noqa: E402  (the series of notebooks and their titles: one source)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "build" / "site"
EXTRA_PAGES = ("explorer.ipynb",)
"""Notebooks shown after the numbered series."""
BINDER = "https://mybinder.org"
LIVE_TAG = "run-it-live"


def binder_link(repo: str, branch: str, notebook: str, binder: str = BINDER) -> str:
    """The Binder URL that opens ``notebooks/<notebook>`` of GitHub repository ``repo`` in
    JupyterLab (Binder's ``/v2/gh/OWNER/NAME/BRANCH?urlpath=...`` pattern)."""
    return f"{binder.rstrip('/')}/v2/gh/{repo}/{branch}?urlpath=lab/tree/notebooks/{notebook}"


def hub_link(hub: str, repo: str, branch: str, notebook: str) -> str:
    """The nbgitpuller URL that clones (or updates) the course into the student's home on the
    JupyterHub at ``hub`` and opens ``notebook`` in JupyterLab."""
    name = repo.split("/")[-1]
    return (
        f"{hub.rstrip('/')}/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2F"
        f"{repo.replace('/', '%2F')}&branch={branch}&urlpath=lab%2Ftree%2F{name}%2Fnotebooks%2F"
        f"{notebook}"
    )


def live_panel(notebook: str, *, repo: str | None, branch: str, hub: str | None) -> str:
    """The markdown of a notebook page's "run it live" panel."""
    parts = [f"locally: `jupyter lab notebooks/{notebook}`"]
    if repo:
        parts.append(f"[on Binder]({binder_link(repo, branch, notebook)})")
        if hub:
            parts.append(f"[on your JupyterHub]({hub_link(hub, repo, branch, notebook)})")
    parts.append("[more ways](live.md)")
    return (
        "```{admonition} Run it live\n:class: tip\nThe sliders of this page are pictures here. "
        "To move them, run the notebook: " + " · ".join(parts) + ".\n```"
    )


def pages(folder: Path = navigation.NOTEBOOKS) -> list[Path]:
    """The notebooks of the site, in reading order."""
    extra = [folder / name for name in EXTRA_PAGES if (folder / name).is_file()]
    return navigation.series(folder) + extra


def landing(readme: Path) -> str:
    """The README as the landing page: links to files of the repository become links to the
    files' pages where the site has them, and plain text where it does not."""
    text = readme.read_text(encoding="utf-8")

    def relink(match):
        label, target = match.group(1), match.group(2)
        if re.match(r"^[a-z]+://", target) or target.startswith("#"):
            return match.group(0)
        name = Path(target).name
        if target.startswith("notebooks/") and name.endswith(".ipynb"):
            return f"[{label}]({name})"
        return label

    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", relink, text)


def live_page(*, repo: str | None, branch: str, hub: str | None) -> str:
    """The "Run it live" page: locally, on Binder, on a JupyterHub."""
    binder = binder_link(repo, branch, "00_start_here.ipynb") if repo else None
    owner = repo or "OWNER/NAME"
    lines = [
        "# Run it live",
        "",
        "The pages of this site show every notebook with the outputs it was saved with. The",
        "explorers are pictures here; to move their sliders, run the notebooks.",
        "",
        "## On your computer",
        "",
        "With Python 3.11 or newer, from the repository's folder:",
        "",
        "```bash",
        "pip install -r requirements.txt && jupyter lab notebooks/",
        "```",
        "",
        "## On Binder",
        "",
        f"[Open the course on Binder]({binder})." if binder else "",
        "Binder builds the repository's `environment.yml` and opens JupyterLab; the link",
        "pattern is",
        "",
        "```text",
        f"{BINDER}/v2/gh/{owner}/{branch}?urlpath=lab/tree/notebooks/00_start_here.ipynb",
        "```",
        "",
        "## On your JupyterHub",
        "",
        "An nbgitpuller link puts the notebooks into each student's home on the hub (and updates",
        "them later without overwriting the student's changes). The pattern, with your hub's",
        "address for `HUB`:",
        "",
        "```text",
        hub_link(hub or "https://HUB", owner, branch, "00_start_here.ipynb"),
        "```",
        "",
        "The README's section for lecturers describes a hub for a class.",
        "",
    ]
    return "\n".join(lines)


SPHINX_CONFIG = {
    "project": "initlab",
    "extensions": ["myst_nb"],
    "html_theme": "sphinx_book_theme",
    "html_title": "initlab",
    "html_static_path": ["_static"],
    "html_show_copyright": False,
    "html_show_sphinx": False,
    "html_theme_options": {"show_navbar_depth": 1, "use_download_button": True,
                           "search_bar_text": "Search the course..."},
    "nb_execution_mode": "off",
    "nb_ipywidgets_js": {},
    # an explorer's output holds a widget view and the picture it saved: show the picture
    "nb_mime_priority_overrides": [("*", "application/vnd.jupyter.widget-view+json", None)],
    "myst_enable_extensions": ["dollarmath", "amsmath"],
    "myst_update_mathjax": False,
    "mathjax_path": f"mathjax/MathJax.js?config={export_slides.MATHJAX_CONFIG}",
    # the local MathJax (jupyter-server-mathjax) ships the STIX web fonts only, as in the decks,
    # and none of the fonts of its MathML output (which chromium would use for the hidden
    # MathML copy of each formula that the AssistiveMML extension adds)
    "mathjax2_config": {"HTML-CSS": {"availableFonts": [], "preferredFont": None,
                                     "webFont": "STIX-Web", "imageFont": None},
                        "MMLorHTML": {"prefer": "HTML"},
                        "menuSettings": {"assistiveMML": False}},
    "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
}  # fmt: skip
"""Sphinx's settings for the site: myst-nb reads the notebooks with their stored outputs and
runs nothing, sphinx-book-theme lays the pages out, MathJax 2.7 comes from ``_static``, and no
widget script is loaded (the explorers are their saved pictures)."""


def conf_py() -> str:
    """Sphinx's ``conf.py``: :data:`SPHINX_CONFIG`, one assignment a line."""
    return "".join(f"{key} = {value!r}\n" for key, value in SPHINX_CONFIG.items())


def index_page(readme: Path, names: list[str]) -> str:
    """The landing page: the README, then the (hidden) table of contents that orders the pages
    and their previous/next links."""
    entries = "\n".join(Path(name).stem for name in ["live.md", *names])
    return f"{landing(readme)}\n\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```\n"


def assemble(source: Path, *, repo=None, branch="main", hub=None) -> list[str]:
    """Write the book's sources into ``source`` (emptied first); returns the notebook names."""
    if source.exists():
        shutil.rmtree(source)
    (source / "_static").mkdir(parents=True)
    names = []
    for path in pages():
        nb = nbformat.read(path, as_version=4)
        panel = nbformat.v4.new_markdown_cell(
            live_panel(path.name, repo=repo, branch=branch, hub=hub),
            metadata={"tags": [LIVE_TAG]},
        )
        first_content = 1 if nb.cells and navigation.is_navigation(nb.cells[0]) else 0
        nb.cells.insert(first_content + 1, panel)  # after the title cell
        nb = export_slides.strip_test_markers(nb)
        nbformat.write(nb, source / path.name)
        names.append(path.name)
    (source / "index.md").write_text(index_page(ROOT / "README.md", names), encoding="utf-8")
    (source / "live.md").write_text(live_page(repo=repo, branch=branch, hub=hub), encoding="utf-8")
    (source / "conf.py").write_text(conf_py(), encoding="utf-8")
    _copy_mathjax(source / "_static")
    return names


def _copy_mathjax(static: Path) -> None:
    mathjax = export_slides.mathjax_source()
    if mathjax is None:
        raise RuntimeError(
            "the jupyter-server-mathjax package is not installed (pip install -r requirements.txt):"
            " the site's formulas need its MathJax 2.7 files"
        )
    export_slides.copy_mathjax(mathjax, static / "mathjax")


def build(out: Path = DEFAULT_OUT, *, repo=None, branch="main", hub=None, quiet=False) -> Path:
    """Assemble the sources and build the HTML pages; returns the folder of ``index.html``.

    Raises ``RuntimeError`` with Sphinx's output when the build fails or warns."""
    out = Path(out).resolve()
    source = out / "source"
    assemble(source, repo=repo, branch=branch, hub=hub)
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
           "-d", str(out / "doctrees"), str(source), str(html)]  # fmt: skip
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=source)
    if run.returncode != 0:
        raise RuntimeError(f"the site's build failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
    if not quiet:
        print(f"built {len(list(html.glob('*.html')))} pages")
    return html


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: build/site")
    parser.add_argument(
        "--repo", help="GitHub OWNER/NAME of the course, for the Binder and hub links"
    )
    parser.add_argument("--branch", default="main", help="branch the links open (default: main)")
    parser.add_argument("--hub-url", help="your JupyterHub's address, for the nbgitpuller links")
    args = parser.parse_args(argv)
    if args.hub_url and not args.repo:
        parser.error("--hub-url needs --repo (the repository the hub pulls)")
    html = build(args.out, repo=args.repo, branch=args.branch, hub=args.hub_url)
    print(f"site: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
