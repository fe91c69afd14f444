"""tools/navigation.py: the previous | index | next links of the numbered notebooks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("navigation", ROOT / "tools" / "navigation.py")
navigation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(navigation)


def _notebook(path: Path, title: str | None) -> None:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("x = 1")]
    if title is not None:
        cells.insert(0, nbformat.v4.new_markdown_cell(f"# {title}\n\nSome text."))
    nb.cells = cells
    nbformat.write(nb, path)


@pytest.fixture
def series(tmp_path):
    _notebook(tmp_path / "00_start_here.ipynb", "Start here")
    _notebook(tmp_path / "01_first.ipynb", "The first lesson")
    _notebook(tmp_path / "02_second_one.ipynb", None)
    _notebook(tmp_path / "explorer.ipynb", "Not numbered")
    return tmp_path


def _nav(path: Path):
    nb = nbformat.read(path, as_version=4)
    return nb.cells[0], nb.cells[-1], nb


def test_links_name_previous_index_and_next_with_titles(series):
    changed = navigation.update(series)
    assert sorted(p.name for p in changed) == [
        "00_start_here.ipynb",
        "01_first.ipynb",
        "02_second_one.ipynb",
    ], "only the numbered notebooks get navigation"
    top, bottom, nb = _nav(series / "01_first.ipynb")
    assert top.source == (
        "[← 00 · Start here](00_start_here.ipynb) | [index](00_start_here.ipynb) | "
        "[02 · Second one →](02_second_one.ipynb)"
    ), "a notebook without a heading is named after its file"
    assert bottom.source == top.source
    assert top.metadata["tags"] == ["navigation"]
    assert top.metadata["slideshow"]["slide_type"] == "skip"
    assert nb.cells[1].source.startswith("# The first lesson"), "the content is kept, in order"
    first, _, _ = _nav(series / "00_start_here.ipynb")
    assert first.source.startswith("**index** | [01 · The first lesson →]"), "no previous for 00"
    last, _, _ = _nav(series / "02_second_one.ipynb")
    assert last.source.endswith("[index](00_start_here.ipynb)"), "no next for the last one"
    untouched = nbformat.read(series / "explorer.ipynb", as_version=4)
    assert len(untouched.cells) == 2


def test_running_twice_changes_nothing(series):
    navigation.update(series)
    before = {p.name: p.read_bytes() for p in series.glob("*.ipynb")}
    assert navigation.update(series) == [], "the second run must find nothing to change"
    assert {p.name: p.read_bytes() for p in series.glob("*.ipynb")} == before
    assert navigation.main(["--check", "--folder", str(series)]) == 0


def test_check_reports_stale_links_without_writing(series):
    navigation.update(series)
    _notebook(series / "03_third.ipynb", "A new lesson")
    before = (series / "02_second_one.ipynb").read_bytes()
    assert navigation.main(["--check", "--folder", str(series)]) == 1
    assert (series / "02_second_one.ipynb").read_bytes() == before, "--check must not write"
    navigation.update(series)
    top, _, nb = _nav(series / "02_second_one.ipynb")
    assert top.source.endswith("[03 · A new lesson →](03_third.ipynb)")
    assert sum("navigation" in c.metadata.get("tags", []) for c in nb.cells) == 2


def test_only_rewrites_the_named_notebooks(series):
    changed = navigation.update(series, only=[series / "01_first.ipynb"])
    assert [p.name for p in changed] == ["01_first.ipynb"]
    assert "navigation" not in _nav(series / "00_start_here.ipynb")[0].metadata.get("tags", [])
    with pytest.raises(ValueError, match="explorer.ipynb"):
        navigation.update(series, only=[series / "explorer.ipynb"])


def test_the_course_notebooks_have_current_links():
    assert navigation.update(check=True) == [], (
        "run `python tools/navigation.py` after adding or renaming a notebook"
    )
