"""The website's sources (tools/build_site.py): pages, order, links and settings; the build
itself and the pages in chromium are tested in tests/browser/test_site.py."""

from __future__ import annotations

import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402
import navigation  # noqa: E402


def test_pages_are_the_series_in_order_then_the_explorer_page():
    names = [p.name for p in build_site.pages()]
    assert names == [p.name for p in navigation.series()] + ["explorer.ipynb"]
    assert names[0] == "00_start_here.ipynb"


def test_the_landing_page_orders_every_page_after_run_it_live():
    names = [p.name for p in build_site.pages()]
    text = build_site.index_page(ROOT / "README.md", names)
    toctree = text[text.index("```{toctree}") :].splitlines()
    entries = [line for line in toctree[1:] if line and not line.startswith((":", "```"))]
    assert entries == ["live", *(Path(n).stem for n in names)]


def test_readme_links_become_page_links_or_text():
    text = build_site.landing(ROOT / "README.md")
    for target in ("](notebooks/", "](tools/", "](helpers/"):
        assert target not in text
    assert "# initlab" in text


def test_binder_and_hub_links_follow_their_patterns():
    url = build_site.binder_link("someone/initlab", "main", "03_vanishing_and_saturation.ipynb")
    assert url == ("https://mybinder.org/v2/gh/someone/initlab/main"
                   "?urlpath=lab/tree/notebooks/03_vanishing_and_saturation.ipynb")  # fmt: skip
    hub = build_site.hub_link("https://hub.example.org/", "someone/initlab", "main", "x.ipynb")
    parsed = urllib.parse.urlparse(hub)
    assert parsed.path == "/hub/user-redirect/git-pull"
    query = urllib.parse.parse_qs(parsed.query)
    assert query == {
        "repo": ["https://github.com/someone/initlab"],
        "branch": ["main"],
        "urlpath": ["lab/tree/initlab/notebooks/x.ipynb"],
    }


@pytest.mark.parametrize("repo, hub", [(None, None), ("someone/initlab", None),
                                       ("someone/initlab", "https://hub.example.org")])  # fmt: skip
def test_the_run_it_live_panel_names_what_it_was_given(repo, hub):
    panel = build_site.live_panel("02_symmetry_problem.ipynb", repo=repo, branch="main", hub=hub)
    assert "jupyter lab notebooks/02_symmetry_problem.ipynb" in panel
    assert ("on Binder" in panel) == (repo is not None)
    assert ("on your JupyterHub" in panel) == (hub is not None)
    assert "(live.md)" in panel


def test_the_settings_load_nothing_from_another_host():
    conf = build_site.conf_py()
    namespace: dict = {}
    exec(conf, namespace)  # the generated conf.py is plain Python
    assert namespace["nb_execution_mode"] == "off"
    assert namespace["nb_ipywidgets_js"] == {}
    assert not namespace["mathjax_path"].startswith(("http:", "https:", "//"))
    assert "://" not in conf


def test_the_sources_are_assembled_without_touching_the_notebooks(tmp_path):
    before = {p: p.read_bytes() for p in build_site.pages()}
    names = build_site.assemble(tmp_path / "source")
    assert names == [p.name for p in before]
    for name in names:
        assert (tmp_path / "source" / name).is_file()
    assert (tmp_path / "source" / "_static" / "mathjax" / "MathJax.js").is_file()
    assert {p: p.read_bytes() for p in before} == before
    copied = (tmp_path / "source" / "02_symmetry_problem.ipynb").read_text(encoding="utf-8")
    assert build_site.LIVE_TAG in copied and "NBVAL_IGNORE_OUTPUT" not in copied
