"""Export course notebooks as reveal.js slide decks that work offline.

Usage (from the repository root)::

    python tools/export_slides.py                          # every notebook -> slides_html/
    python tools/export_slides.py notebooks/02_*.ipynb     # some notebooks
    python tools/export_slides.py --output-dir /tmp/deck --no-code notebooks/03_*.ipynb

Each notebook becomes ``<output-dir>/<name>.slides.html``, with the files it needs copied once into
``<output-dir>/assets/`` (reveal.js 5.2.1, require.js, jQuery and, when the
``jupyter-server-mathjax`` package is installed, the part of MathJax 2.7 that typesets the
notebooks' formulas). Every script, style sheet and font is referenced by a relative path: copy the
whole output folder to a USB stick and open a deck in any browser, with no network.

The decks show the stored outputs of the executed notebooks: the explorers appear as the picture
their cell saved (run them live with ``python tools/present.py``). The slides follow each cell's
``slideshow`` metadata (Jupyter's "Slide type"). Code cells are shown, because the course's short
code cells are part of the lesson; ``--no-code`` leaves them out. The test markers that only nbval
reads (``# NBVAL_IGNORE_OUTPUT`` and the like) are removed from the code shown.

Keys: arrows or space to move, ``S`` for the speaker view, ``F`` for full screen, ``Esc`` for the
overview.
"""

from __future__ import annotations

import argparse
import copy
import filecmp
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SLIDES_DIR = Path(__file__).resolve().parent / "slides"
TEMPLATES = SLIDES_DIR / "templates"
TEMPLATE_NAME = "initlab_slides"
VENDOR = SLIDES_DIR / "vendor"
STYLESHEET = SLIDES_DIR / "initlab.css"
DEFAULT_OUTPUT = ROOT / "slides_html"
ASSETS = "assets"  # folder beside the decks, referenced by relative URLs
#: Slide size in CSS pixels (reveal.js scales it to the screen); the live slides use the same.
SLIDE_SIZE = (1280, 860)

#: Output formats in the order a deck prefers them. The widget view is left out on purpose: its
#: JavaScript comes from a CDN, so an explorer shows its stored PNG, and an ipympl figure the
#: ``text/html`` picture it stores.
DISPLAY_PRIORITY = [
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/markdown",
    "text/latex",
    "text/plain",
]

#: The MathJax 2.7 configuration that jupyter-server-mathjax ships (it has no CommonHTML output).
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
#: What of MathJax a deck loads, relative to jupyter_server_mathjax/static: the loader, the
#: combined configuration, the extensions it pulls in after typesetting, the HTML-CSS output and
#: its STIX web fonts (about 2 MB of the package's 12 MB).
MATHJAX_FILES = (
    "LICENSE",
    "MathJax.js",
    "config/TeX-AMS-MML_HTMLorMML-full.js",
    "config/Safe.js",
    "extensions/Safe.js",
    "extensions/MathMenu.js",
    "extensions/MathZoom.js",
    "extensions/TeX/*.js",
    "extensions/HTML-CSS/*.js",
    "jax/element/mml/**/*.js",
    "jax/input/TeX/*.js",
    "jax/output/HTML-CSS/**/*.js",
    "fonts/HTML-CSS/STIX-Web/woff/**/*.woff",
)

_TEST_MARKER = re.compile(r"^\s*#\s*NBVAL_[A-Z_]+\s*$")


def mathjax_source() -> Path | None:
    """The MathJax 2.7 folder of the ``jupyter-server-mathjax`` package, or None if missing."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        return None
    static = Path(jupyter_server_mathjax.__file__).resolve().parent / "static"
    return static if (static / "MathJax.js").is_file() else None


def _copy_file(src: Path, dst: Path) -> None:
    if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


#: The vendored packages (folders of tools/slides/vendor) that an offline deck loads.
DECK_PACKAGES = ("reveal.js", "requirejs", "jquery")


def copy_assets(
    output_dir: Path, *, mathjax: bool = True, packages=DECK_PACKAGES, prefix: str = ASSETS
) -> dict:
    """Copy vendored packages, the course's style sheet (and MathJax) into ``output_dir/assets``.

    Parameters
    ----------
    output_dir : Path
        The assets go to its ``assets/`` folder (created if needed).
    mathjax : bool
        Also copy the part of MathJax the decks use (when jupyter-server-mathjax is installed).
    packages : sequence of str
        Folders of ``tools/slides/vendor`` to copy.
    prefix : str
        URL under which ``assets/`` will be reached (relative for a deck).

    Returns
    -------
    dict
        The URLs of what the templates load: ``reveal`` (the folder), ``require``, ``jquery``,
        ``fontawesome``, ``css`` and ``mathjax`` (empty when MathJax is not copied).
    """
    assets = Path(output_dir) / ASSETS
    for package in packages:
        folder = VENDOR / package
        if not folder.is_dir():
            raise ValueError(
                f"unknown vendored package {package!r}; tools/slides/vendor has "
                f"{', '.join(sorted(p.name for p in VENDOR.iterdir() if p.is_dir()))}"
            )
        for src in sorted(folder.rglob("*")):
            if src.is_file():
                _copy_file(src, assets / src.relative_to(VENDOR))
    _copy_file(STYLESHEET, assets / STYLESHEET.name)
    urls = {
        "reveal": f"{prefix}/reveal.js",
        "require": f"{prefix}/requirejs/require.js",
        "jquery": f"{prefix}/jquery/jquery.min.js",
        "fontawesome": f"{prefix}/fontawesome/css/all.min.css",
        "css": f"{prefix}/{STYLESHEET.name}",
        "mathjax": "",
    }
    source = mathjax_source() if mathjax else None
    if source is not None:
        copy_mathjax(source, assets / "mathjax")
        urls["mathjax"] = f"{prefix}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    return urls


def copy_mathjax(source: Path, dest: Path) -> None:
    """Copy the :data:`MATHJAX_FILES` of the MathJax folder ``source`` into ``dest``."""
    for pattern in MATHJAX_FILES:
        matches = sorted(p for p in source.glob(pattern) if p.is_file())
        if not matches:
            raise FileNotFoundError(
                f"MathJax file(s) {pattern!r} not found in {source}: the installed "
                "jupyter-server-mathjax is not the MathJax 2.7 layout this script expects"
            )
        for src in matches:
            _copy_file(src, dest / src.relative_to(source))


def strip_test_markers(nb):
    """A copy of ``nb`` whose code cells lose the lines that only nbval reads."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = cell.source.splitlines()
            cell.source = "\n".join(line for line in lines if not _TEST_MARKER.match(line))
    return nb


def make_exporter(urls: dict, *, code: bool = True):
    """nbconvert's SlidesExporter with the course template and the local asset URLs."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    return SlidesExporter(
        config=Config({"NbConvertBase": {"display_data_priority": list(DISPLAY_PRIORITY)}}),
        extra_template_basedirs=[str(TEMPLATES)],
        template_name=TEMPLATE_NAME,
        reveal_url_prefix=urls["reveal"],
        reveal_theme="white",
        reveal_transition="none",
        reveal_number="c/t",
        reveal_scroll=True,
        reveal_width=str(SLIDE_SIZE[0]),
        reveal_height=str(SLIDE_SIZE[1]),
        require_js_url=urls["require"],
        jquery_url=urls["jquery"],
        mathjax_url=urls["mathjax"],
        exclude_input=not code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def export(notebook, output_dir=DEFAULT_OUTPUT, *, code: bool = True, mathjax: bool = True) -> Path:
    """Write ``output_dir/<notebook name>.slides.html`` and its assets; return the HTML path.

    Parameters
    ----------
    notebook : path-like
        An executed ``.ipynb`` (the deck shows its stored outputs).
    output_dir : path-like
        Created if needed; the assets go to its ``assets/`` folder.
    code : bool
        Show the code cells' source (default) or only their outputs.
    mathjax : bool
        Copy MathJax beside the deck (needs the ``jupyter-server-mathjax`` package).
    """
    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise ValueError(f"notebook must be an existing .ipynb file; got {str(notebook)!r}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    urls = copy_assets(output_dir, mathjax=mathjax)
    nb = strip_test_markers(nbformat.read(notebook, as_version=4))
    body, _ = make_exporter(urls, code=code).from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem}, "initlab": {"css_url": urls["css"]}}
    )
    target = output_dir / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"where the decks go (default: {DEFAULT_OUTPUT.relative_to(ROOT)}/)",
    )
    parser.add_argument(
        "--no-code", action="store_true", help="leave out the code; show only the outputs"
    )
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if mathjax_source() is None:
        print(
            "warning: jupyter-server-mathjax is not installed, so formulas stay as TeX source "
            "(pip install -r requirements.txt installs it)",
            file=sys.stderr,
        )
    for path in paths:
        try:
            target = export(path, args.output_dir, code=not args.no_code)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
