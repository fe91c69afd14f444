"""Presenting the course without a browser: the offline slide export (tools/export_slides.py), the
Voilà launcher's set-up (tools/present.py), the lecture-style switch it relies on, the slide
metadata of the notebooks and the explorer page (notebooks/explorer.ipynb).

The same things in a real browser: tests/browser/test_presenting.py.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import export_slides  # noqa: E402
import present  # noqa: E402

from helpers import plotting  # noqa: E402
from helpers.explorers import EXPLORERS  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
LESSON = NOTEBOOKS / "04_xavier_and_he.ipynb"  # math, figures and an explorer
EXPLORER_PAGE = NOTEBOOKS / "explorer.ipynb"
BUILDERS = tuple(f"build_{name}_explorer" for name in EXPLORERS)
"""Every explorer of the registry: the explorer page shows each of them once."""


class _References(HTMLParser):
    """Collect every script src, style-sheet href and img src of an HTML page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.stylesheets, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.stylesheets.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])


def _references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


def _local_file(base: Path, url: str) -> Path:
    return base / unquote(urlsplit(url).path)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """04 exported with code, and the same notebook without code."""
    out = tmp_path_factory.mktemp("slides")
    html = export_slides.export(LESSON, out)
    bare = export_slides.export(LESSON, out / "no_code", code=False)
    return out, html.read_text(encoding="utf-8"), bare.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The offline deck


def test_deck_loads_nothing_from_the_network(deck):
    out, html, _ = deck
    refs = _references(html)
    remote = [u for u in refs.scripts + refs.stylesheets if re.match(r"(?i)(https?:)?//", u)]
    assert not remote, f"the deck loads scripts or style sheets from the network: {remote}"
    # The same, read as text: no <script src="http..."> or <link ... href="http...">.
    assert not re.search(r"<script[^>]+src=[\"']https?:", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html, re.I)
    assert not re.search(r"import\s+\w+\s+from\s+[\"']https?:", html), "a CDN module import"


def test_every_local_asset_of_the_deck_exists(deck):
    out, html, _ = deck
    refs = _references(html)
    local = [u for u in refs.scripts + refs.stylesheets if not u.startswith("data:")]
    names = {Path(urlsplit(u).path).name for u in local}
    for needed in ("reveal.css", "white.css", "require.js", "jquery.min.js", "MathJax.js"):
        assert needed in names, f"the deck does not load {needed}; it loads {sorted(names)}"
    missing = [u for u in local if not _local_file(out, u).is_file()]
    assert not missing, f"the deck references files that were not copied beside it: {missing}"
    # The scripts that require.js loads at run time, and the theme's fonts.
    reveal = out / "assets" / "reveal.js"
    for path in ("dist/reveal.js", "plugin/notes/notes.js"):
        assert (reveal / path).is_file(), f"assets/reveal.js/{path} missing"
        assert f"assets/reveal.js/{path.removesuffix('.js')}" in html or path in html
    fonts = reveal / "dist" / "theme" / "fonts" / "source-sans-pro"
    css = (fonts / "source-sans-pro.css").read_text()
    for woff in re.findall(r"url\('\./([\w-]+\.woff)'\)", css):
        assert (fonts / woff).is_file(), f"font {woff} of the theme missing"


def test_deck_has_one_slide_per_section_and_shows_the_explorer_picture(deck):
    _, html, _ = deck
    nb = nbformat.read(LESSON, as_version=4)
    slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in nb.cells)
    # Each "slide" cell opens an outer <section> and its first inner one.
    assert html.count("<section") >= 2 * slides > 6
    assert "build_depth_explorer" in html, "the explorer's code cell is missing from the deck"
    # Every picture the shown cells stored (static figures and the explorer's PNG) is on a slide.
    stored = sum(
        "image/png" in out.get("data", {})
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("slideshow", {}).get("slide_type") != "skip"
        for out in c.outputs
    )
    images = [u for u in _references(html).images if u.startswith("data:image/png;base64,")]
    assert stored >= 5 and len(images) == stored, f"{stored} pictures stored, {len(images)} shown"
    assert "application/vnd.jupyter.widget-view+json" not in html


def test_deck_drops_skipped_cells_and_test_markers(deck):
    _, html, _ = deck
    assert "NBVAL_" not in html, "nbval's markers belong to the tests, not to the slides"
    assert "%matplotlib widget" not in html, "the setup cell is marked skip"
    assert "## Solutions" not in html and ">Solutions<" not in html


def test_no_code_option_hides_the_code_but_keeps_the_outputs(deck):
    _, html, bare = deck
    assert "build_depth_explorer" in html
    assert "build_depth_explorer" not in bare
    assert 'class="highlight hl-ipython3"' in html
    assert 'class="highlight hl-ipython3"' not in bare
    images = [u for u in _references(bare).images if u.startswith("data:image/png")]
    assert len(images) == len([u for u in _references(html).images if u.startswith("data:")])


def test_export_refuses_what_is_not_a_notebook(tmp_path):
    with pytest.raises(ValueError, match="ipynb"):
        export_slides.export(ROOT / "README.md", tmp_path)
    with pytest.raises(ValueError, match="no_such"):
        export_slides.export(NOTEBOOKS / "no_such.ipynb", tmp_path)
    with pytest.raises(ValueError, match="unknown vendored package 'mathjax'"):
        export_slides.copy_assets(tmp_path, packages=("mathjax",))


def test_mathjax_subset_is_what_the_page_asks_for(tmp_path):
    source = export_slides.mathjax_source()
    assert source is not None, "jupyter-server-mathjax (in requirements.txt) is not installed"
    urls = export_slides.copy_assets(tmp_path)
    assert urls["mathjax"].startswith("assets/mathjax/MathJax.js?config=")
    config = urls["mathjax"].split("config=")[1].split(",")
    mathjax = tmp_path / "assets" / "mathjax"
    for name in config:
        assert (mathjax / "config" / f"{name}.js").is_file(), f"config {name} not copied"
    size = sum(p.stat().st_size for p in mathjax.rglob("*") if p.is_file())
    assert size < 4e6, f"the MathJax copy grew to {size / 1e6:.1f} MB"


def test_command_line_writes_one_deck_per_notebook(tmp_path, capsys):
    code = export_slides.main(
        [str(EXPLORER_PAGE), str(LESSON), "--output-dir", str(tmp_path), "--no-code"]
    )
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [
        "explorer.slides.html",
        "04_xavier_and_he.slides.html",
    ]
    page = (tmp_path / "explorer.slides.html").read_text(encoding="utf-8")
    images = [u for u in _references(page).images if u.startswith("data:image/png;base64,")]
    assert len(images) == len(BUILDERS), "one picture per explorer"


# ---------------------------------------------------------------------------------------------
# The Voilà launcher (without starting Voilà)


def test_voila_command_serves_one_notebook_on_loopback(tmp_path):
    workdir = present.prepare_voila_dir(tmp_path)
    cmd = present.voila_command(LESSON, workdir, port=8899)
    assert cmd[1:3] == ["-m", "voila"] and cmd[3] == str(LESSON.resolve())
    assert "--Voila.ip=127.0.0.1" in cmd and "--Voila.port=8899" in cmd
    assert "--no-browser" in cmd
    assert f"--template={present.LIVE_TEMPLATE}" in cmd
    assert f"--Voila.config_file_paths={workdir.resolve()}" in cmd
    app = present.voila_command(EXPLORER_PAGE, workdir, port=8899, slides=False)
    assert f"--template={present.APP_TEMPLATE}" in app


def test_voila_command_preheats_a_pool_of_kernels_when_asked(tmp_path):
    plain = present.voila_command(EXPLORER_PAGE, tmp_path, port=8899, slides=False)
    assert not any(a.startswith(("--preheat_kernel", "--pool_size")) for a in plain)
    pooled = present.voila_command(EXPLORER_PAGE, tmp_path, port=8899, slides=False, pool=3)
    assert "--preheat_kernel=True" in pooled and "--pool_size=3" in pooled
    for bad in (-1, 65, 1.5, True, "2"):
        with pytest.raises(ValueError, match="pool"):
            present.voila_command(EXPLORER_PAGE, tmp_path, port=8899, slides=False, pool=bad)


@pytest.mark.parametrize("port", [0, 70000, "8866", True])
def test_voila_command_refuses_bad_ports(tmp_path, port):
    with pytest.raises(ValueError, match="port"):
        present.voila_command(LESSON, tmp_path, port=port)


def test_voila_command_refuses_what_is_not_a_notebook(tmp_path):
    with pytest.raises(ValueError, match="README.md"):
        present.voila_command(ROOT / "README.md", tmp_path)


def _served(workdir: Path, template: str, url: str) -> bool:
    path = urlsplit(url).path
    assert path.startswith(present.STATIC_URL + "/"), f"{url} is not on Voilà's static route"
    static = workdir / "voila" / "templates" / template / "static"
    return (static / path.removeprefix(present.STATIC_URL + "/")).is_file()


def test_live_template_directory_serves_every_file_it_names(tmp_path):
    workdir = present.prepare_voila_dir(tmp_path)
    template = workdir / "voila" / "templates" / present.LIVE_TEMPLATE
    assert json.loads((template / "conf.json").read_text())["base_template"] == "reveal"
    config = json.loads((workdir / "voila.json").read_text())
    resources = config["VoilaConfiguration"]["resources"]
    urls = [
        resources["reveal"]["url_prefix"] + "/dist/reveal.css",
        resources["reveal"]["url_prefix"] + "/dist/theme/white.css",
        config["VoilaExporter"]["jquery_url"],
        *resources["initlab"].values(),
    ]
    assert len(urls) == 7
    missing = [u for u in urls if not _served(workdir, present.LIVE_TEMPLATE, u)]
    assert not missing, f"the live slides would ask for files that are not there: {missing}"
    size = (resources["reveal"]["width"], resources["reveal"]["height"])
    assert size == export_slides.SLIDE_SIZE


def test_page_template_directory_serves_every_file_it_names(tmp_path):
    workdir = present.prepare_voila_dir(tmp_path, slides=False)
    template = workdir / "voila" / "templates" / present.APP_TEMPLATE
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    config = json.loads((workdir / "voila.json").read_text())
    assert "reveal" not in config["VoilaConfiguration"]["resources"]
    urls = list(config["VoilaConfiguration"]["resources"]["initlab"].values())
    missing = [u for u in urls if not _served(workdir, present.APP_TEMPLATE, u)]
    assert urls and not missing, f"the page would ask for files that are not there: {missing}"


def test_voila_environment_sets_lecture_style_and_template_path(tmp_path):
    env = present.voila_env(tmp_path, base={"JUPYTER_PATH": "/elsewhere", "HOME": "/h"})
    assert env["INITLAB_STYLE"] == "lecture" and env["HOME"] == "/h"
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path.resolve())
    assert env["JUPYTER_PATH"].endswith("/elsewhere")
    assert present.voila_env(tmp_path, "default", base={})["INITLAB_STYLE"] == "default"
    with pytest.raises(ValueError, match="style must be one of lecture, default; got 'big'"):
        present.voila_env(tmp_path, "big")


def test_launcher_refuses_a_missing_notebook_before_starting_anything(capsys):
    with pytest.raises(SystemExit) as exc:
        present.main(["notebooks/no_such.ipynb", "--port", "8898"])
    assert exc.value.code == 2
    assert "no_such.ipynb" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The lecture-style switch the launcher relies on (helpers.plotting.use_style)


@pytest.fixture
def restore_style(monkeypatch):
    mode = plotting.current_style()
    yield
    monkeypatch.delenv("INITLAB_STYLE", raising=False)
    plotting.use_style(mode)


def test_initlab_style_turns_the_notebooks_default_into_lecture(monkeypatch, restore_style):
    monkeypatch.setenv("INITLAB_STYLE", "lecture")
    plotting.use_style("default")  # what every notebook's setup cell calls
    assert plotting.current_style() == "lecture"
    big = plotting.style_rc()["font.size"]
    monkeypatch.delenv("INITLAB_STYLE")
    plotting.use_style("default")
    assert plotting.current_style() == "default"
    assert plotting.style_rc()["font.size"] < big


def test_initlab_style_never_overrides_an_explicit_lecture(monkeypatch, restore_style):
    monkeypatch.setenv("INITLAB_STYLE", "default")
    plotting.use_style("lecture")
    assert plotting.current_style() == "lecture"


def test_initlab_style_with_a_bad_value_names_the_variable(monkeypatch, restore_style):
    monkeypatch.setenv("INITLAB_STYLE", "projector")
    with pytest.raises(ValueError, match=r"INITLAB_STYLE 'projector'.*allowed: default, lecture"):
        plotting.use_style("default")


# ---------------------------------------------------------------------------------------------
# Slide metadata of the notebooks


def _slide_type(cell) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


@pytest.mark.parametrize(
    "path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name.removesuffix(".ipynb")
)
def test_slide_metadata_makes_a_deck(path):
    nb = nbformat.read(path, as_version=4)
    allowed = {"slide", "subslide", "fragment", "-", "skip", "notes"}
    types = [_slide_type(c) for c in nb.cells]
    bad = [(i, t) for i, t in enumerate(types) if t not in allowed]
    assert not bad, f"{path.name}: cells without a valid slide type (index, type): {bad}"
    shown = [c for c in nb.cells if _slide_type(c) != "skip"]
    assert _slide_type(shown[0]) == "slide" and shown[0].source.startswith("# "), (
        f"{path.name}: the first slide must be the title"
    )
    for i, cell in enumerate(nb.cells):
        if "%matplotlib" in cell.source or "navigation" in cell.metadata.get("tags", []):
            assert types[i] == "skip", f"{path.name}: cell {i} (setup/navigation) must be skipped"
        if cell.cell_type == "markdown" and re.match(r"##\s+\d+\.", cell.source):
            assert types[i] == "slide", (
                f"{path.name}: numbered section {cell.source.splitlines()[0]!r} (cell {i}) "
                f"must start a slide, not {types[i]!r}"
            )
    solving = False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            solving = cell.source.startswith("## Solutions")
        if solving:
            assert types[i] == "skip", f"{path.name}: solution cell {i} would be on a slide"


# ---------------------------------------------------------------------------------------------
# The explorer page


def test_explorer_page_shows_every_explorer_executed():
    nb = nbformat.read(EXPLORER_PAGE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "explorer.ipynb must be committed executed"
    for builder in BUILDERS:
        cells = [c for c in code if f"{builder}(" in c.source]
        assert len(cells) == 1, f"explorer.ipynb must build {builder} once"
        cell = cells[0]
        assert cell.source.startswith("# NBVAL_IGNORE_OUTPUT"), builder
        bundles = [o.get("data", {}) for o in cell.outputs]
        assert any("image/png" in b for b in bundles), f"{builder}: no stored picture"
    assert not any("navigation" in c.metadata.get("tags", []) for c in nb.cells)
    assert nb.cells[0].source.startswith("# ")
    captions = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert sum("**Try it:**" in s and "**What to notice:**" in s for s in captions) == len(BUILDERS)


def test_explorer_page_is_not_a_numbered_lesson():
    import navigation

    assert EXPLORER_PAGE.resolve() not in [p.resolve() for p in navigation.series()]
