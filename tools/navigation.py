"""Write the navigation links (previous | index | next) at the top and bottom of every numbered
notebook.

Usage (from the repository root)::

    python tools/navigation.py            # insert or update the links in notebooks/NN_*.ipynb
    python tools/navigation.py --check    # exit 1 if any notebook's links are missing or stale
    python tools/navigation.py notebooks/02_symmetry_problem.ipynb   # rewrite only this one

The series is every ``notebooks/NN_name.ipynb`` (two digits, an underscore), in file-name order;
``00_start_here.ipynb`` is the index. Each link shows the target's number and title (the first
``# heading`` of its first non-navigation markdown cell). The first and the last cell of each
notebook are markdown cells tagged ``navigation``; running the script again replaces them, so it
is idempotent and only rewrites notebooks whose links changed. Navigation cells have no outputs,
so the notebooks need not be re-executed afterwards (nbval does not compare markdown).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
INDEX = "00_start_here.ipynb"
TAG = "navigation"
NUMBERED = re.compile(r"^(\d\d)_\w+\.ipynb$")


def series(folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered notebooks of ``folder``, in order."""
    return sorted(p for p in folder.glob("*.ipynb") if NUMBERED.match(p.name))


def is_navigation(cell) -> bool:
    """True for the previous | index | next cells this script writes."""
    return TAG in cell.get("metadata", {}).get("tags", [])


def title(nb, path: Path) -> str:
    """The notebook's title: its first ``# heading``, or one made from the file name."""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or is_navigation(cell):
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        break
    return path.stem[3:].replace("_", " ").capitalize()


def label(path: Path, heading: str) -> str:
    """Link text: the notebook's number and title (the number once, even if the title has it)."""
    number = path.name[:2]
    return heading if heading.startswith(number) else f"{number} · {heading}"


def links(i: int, paths: list[Path], titles: list[str]) -> str:
    """The markdown of the navigation line of notebook ``paths[i]``."""
    parts = []
    if i > 0:
        parts.append(f"[← {label(paths[i - 1], titles[i - 1])}]({paths[i - 1].name})")
    parts.append("**index**" if paths[i].name == INDEX else f"[index]({INDEX})")
    if i < len(paths) - 1:
        parts.append(f"[{label(paths[i + 1], titles[i + 1])} →]({paths[i + 1].name})")
    return " | ".join(parts)


def _nav_cell(source: str, where: str):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = f"navigation-{where}"
    cell.metadata = {"tags": [TAG], "slideshow": {"slide_type": "skip"}, "editable": False}
    return cell


def with_navigation(nb, source: str):
    """``nb`` with its navigation cells replaced by a first and a last cell showing ``source``."""
    body = [c for c in nb.cells if not is_navigation(c)]
    nb.cells = [_nav_cell(source, "top"), *body, _nav_cell(source, "bottom")]
    return nb


def update(folder: Path = NOTEBOOKS, *, check: bool = False, only=None) -> list[Path]:
    """Insert or refresh the links; return the notebooks that changed (or would, with check).

    The links always come from the whole series in ``folder``; ``only`` (paths) limits which
    notebooks are rewritten or checked.
    """
    paths = series(folder)
    books = [nbformat.read(p, as_version=4) for p in paths]
    titles = [title(nb, p) for nb, p in zip(books, paths)]
    wanted = None if only is None else {Path(p).resolve() for p in only}
    if wanted is not None:
        unknown = wanted - {p.resolve() for p in paths}
        if unknown:
            names = ", ".join(sorted(p.name for p in unknown))
            raise ValueError(f"not a numbered notebook of {folder}: {names}")
    changed = []
    for i, (path, nb) in enumerate(zip(paths, books)):
        if wanted is not None and path.resolve() not in wanted:
            continue
        before = nbformat.writes(nb)
        after = nbformat.writes(with_navigation(nb, links(i, paths, titles)))
        if after != before:
            changed.append(path)
            if not check:
                nbformat.write(nb, path)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="report stale links and exit 1; change nothing"
    )
    parser.add_argument("--folder", type=Path, default=NOTEBOOKS, help="default: notebooks/")
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="rewrite only these (default: the whole series)"
    )
    args = parser.parse_args(argv)
    try:
        changed = update(args.folder, check=args.check, only=args.notebooks or None)
    except ValueError as exc:
        parser.error(str(exc))
    for path in changed:
        print(f"{'stale' if args.check else 'updated'}: {path.name}")
    if not changed:
        print(f"navigation up to date in {len(series(args.folder))} notebooks")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
