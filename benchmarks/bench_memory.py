"""How much memory a student's kernel holds after *Run All*, notebook by notebook.

Usage (from the repository root)::

    python benchmarks/bench_memory.py                         # every notebooks/*.ipynb
    python benchmarks/bench_memory.py notebooks/04_*.ipynb    # some notebooks
    python benchmarks/bench_memory.py --json mem.json

Each notebook runs top to bottom in a fresh kernel (nbclient, as ``tools/run_notebooks.py``
does; the stored notebook is not changed). After its last cell the kernel reports its own
memory from ``/proc/self``: the resident set (RSS, what ``top`` shows), the proportional set
(PSS: shared library pages divided among the processes that map them, the fair share of one
student on a hub) and the peak RSS of the run. The goal of a class on a hub is a kernel under
250 MB after Run All (a hub's memory guarantee per student is sized from these figures, see
``deploy/``). Linux only (``/proc``). The load average is printed with the figures: on a shared
machine the run times move with the load, the memory does not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
GOAL_MB = 250.0

#: Run in the kernel after the notebook: its memory as JSON on stdout.
PROBE = r"""
import gc as _gc, json as _json
_gc.collect()
def _kb(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1
print(_json.dumps({"rss": _kb("/proc/self/status", "VmRSS"),
                   "peak": _kb("/proc/self/status", "VmHWM"),
                   "pss": _kb("/proc/self/smaps_rollup", "Pss")}))
"""


def measure(path: Path, timeout: int = 600) -> dict:
    """Run ``path`` in a fresh kernel; its memory (MB) after the last cell, and the run time."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False)  # fmt: skip
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    kb = json.loads(text.strip().splitlines()[-1])
    return {"notebook": path.name, "seconds": seconds, **{k: v / 1024 for k, v in kb.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: every notebooks/*.ipynb")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not Path("/proc/self/smaps_rollup").is_file():
        parser.error("this benchmark reads /proc/self/smaps_rollup: Linux only")
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'notebook':<46} {'RSS MB':>7} {'PSS MB':>7} {'peak MB':>8} {'run s':>6}")
    rows = []
    for path in paths:
        row = measure(path)
        rows.append(row)
        print(f"{row['notebook']:<46} {row['rss']:7.0f} {row['pss']:7.0f} {row['peak']:8.0f} "
              f"{row['seconds']:6.1f}")  # fmt: skip
    largest = max(rows, key=lambda r: r["rss"])
    verdict = "met" if largest["rss"] <= GOAL_MB else "NOT MET"
    print(f"largest: {largest['notebook']} {largest['rss']:.0f} MB RSS "
          f"(goal <= {GOAL_MB:.0f} MB after Run All: {verdict})")  # fmt: skip
    print(f"load average at end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
