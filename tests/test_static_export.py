"""A static HTML export of every executed notebook shows every figure, with no kernel and no
widget JavaScript: each figure and each explorer is stored with a PNG that the export inlines."""

import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PNG_IMG = re.compile(r'<img[^>]+src="data:image/png;base64,')


def figure_outputs(nb) -> int:
    """Outputs that carry a picture: a PNG, or HTML embedding one (ipympl's fallback)."""
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data or "data:image/png" in data.get("text/html", ""):
                count += 1
    return count


def explorers_without_picture(nb) -> list[str]:
    """Explorer outputs (a widget view whose text says "... explorer (...)") with no PNG."""
    missing = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = data.get("text/plain", "")
            if "application/vnd.jupyter.widget-view+json" in data and " explorer (" in text:
                if "image/png" not in data:
                    missing.append(text[:60])
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_static_html_shows_every_figure(path):
    nb = nbformat.read(path, as_version=4)
    assert not explorers_without_picture(nb), (
        f"{path.name}: explorers stored without a static picture: {explorers_without_picture(nb)}"
    )
    expected = figure_outputs(nb)
    assert expected > 0, f"{path.name} stores no figure at all: was it committed executed?"
    html, _ = HTMLExporter().from_notebook_node(nb)
    shown = len(PNG_IMG.findall(html))
    assert shown == expected, (
        f"{path.name}: {expected} figure outputs but the HTML export shows {shown} images "
        "(an explorer or figure without a PNG fallback shows nothing in a static view)"
    )
