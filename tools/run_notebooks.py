"""Re-execute the course notebooks top to bottom, each in a fresh kernel, and save the outputs.

Usage (from the repository root)::

    python tools/run_notebooks.py                 # every notebooks/*.ipynb, in order
    python tools/run_notebooks.py notebooks/02_*.ipynb

Every notebook is committed executed: nbval compares a fresh run against these stored outputs,
and a static view (GitHub, an HTML export) shows them. The script prints how long each notebook
took and exits non-zero if any cell raised. The kernels compute with the OpenBLAS kernel the
stored notebooks were made with (``tools/reproducible.py``), so that a re-run on another
processor changes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reproducible  # noqa: E402
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]


def coalesce_streams(cell) -> None:
    """Merge consecutive stdout (or stderr) outputs of a cell into one.

    How print() output is split into messages depends on timing; merging makes the saved file
    the same on every run (nbval merges them the same way before comparing).
    """
    merged = []
    for out in cell.get("outputs", []):
        prev = merged[-1] if merged else None
        if (
            out.output_type == "stream"
            and prev is not None
            and prev.output_type == "stream"
            and prev.name == out.name
        ):
            prev.text += out.text
        else:
            merged.append(out)
    if "outputs" in cell:
        cell.outputs = merged


def run(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,  # the explorers store a static image instead (see widgets.py)
        record_timing=False,  # no timestamps: re-running an unchanged notebook changes nothing
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        coalesce_streams(cell)
    nbformat.write(nb, path)
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    kernel = reproducible.pin_blas_kernel()  # the kernels started below inherit it
    print(f"OpenBLAS kernel: {kernel or 'as the processor chooses'}")
    failed = []
    for path in paths:
        try:
            seconds = run(path.resolve(), args.timeout)
            print(f"{seconds:6.1f} s  {path.name}")
        except CellExecutionError as exc:
            failed.append(path.name)
            print(f" FAILED   {path.name}\n{exc}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
