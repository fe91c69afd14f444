"""How long a visitor of the explorer app waits: page requested -> every explorer drawn.

Usage (from the repository root; Debian's ``/usr/bin/chromium`` and the ``playwright`` package,
as for the browser tests)::

    python benchmarks/bench_app.py                 # without a pool, then with a pool of 2
    python benchmarks/bench_app.py --pools 0,1,3 --visitors 3 --warm 60

For each pool size, ``tools/present.py``'s own code starts Voilà on 127.0.0.1 with
``notebooks/explorer.ipynb`` as one page (``pool`` kernels preheated: they run the notebook
before anyone asks), waits ``--warm`` seconds (long enough for the pool to have run the
notebook; with no pool nothing happens meanwhile), then lets ``--visitors`` visitors open the
page one after the other in a fresh chromium tab each, ``--gap`` seconds apart. For each it
prints the time from the request to the moment the page holds every explorer with a drawn
figure (an ipympl figure canvas holding opaque, non-white pixels: the kernel's picture has
arrived and been painted), and, before that, to the moment the explorers' widgets are on the page
(their figures still empty: Voilà's JavaScript has loaded and built the widgets). A visitor
served from the pool gets a kernel that has run the notebook already; once the pool is empty, a
visitor waits for a kernel to run it. Everything it starts, it stops. Load averages are printed
with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import _lab  # noqa: E402  (the browser tests' chromium and selectors)
import present  # noqa: E402

DRAWN = """(n) => {
  // ipympl puts two canvases in each figure's canvas div: the figure, then a transparent one on
  // top (the zoom rectangle). A figure counts as drawn when its canvas holds opaque pixels that
  // are not white: an undrawn canvas is transparent black, so that colour alone would not do.
  const divs = [...document.querySelectorAll('.initlab-explorer .jupyter-matplotlib-canvas-div')];
  if (divs.length < n) return false;
  return divs.slice(0, n).every(div => {
    const c = div.querySelector('canvas');
    if (!c || c.width === 0 || c.height === 0) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4 * 97)
      if (d[i + 3] === 255 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) return true;
    return false;
  });
}"""


SHOWN = """(n) => document.querySelectorAll(
  '.initlab-explorer .jupyter-matplotlib-canvas-div').length >= n"""


def visit(context, url: str, n_explorers: int, timeout: float) -> tuple[float, float]:
    """Seconds from the request of ``url`` to ``n_explorers`` explorers on the page (their
    widgets built, the figures still empty), and to all their figures drawn."""
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, timeout=timeout * 1000)
        page.wait_for_function(SHOWN, arg=n_explorers, timeout=timeout * 1000, polling=20)
        shown = time.perf_counter() - start
        page.wait_for_function(DRAWN, arg=n_explorers, timeout=timeout * 1000, polling=20)
        return shown, time.perf_counter() - start
    finally:
        page.close()


def run(pool: int, *, warm: float, visitors: int, gap: float, n_explorers: int, timeout: float):
    times = []
    with open(os.devnull, "wb") as log:
        with present.serving(present.EXPLORER_APP, slides=False, style="default", log=log,
                             pool=pool) as server:  # fmt: skip
            time.sleep(warm if pool else 0)
            with _lab.chromium_context() as context:
                for k in range(visitors):
                    if k:
                        time.sleep(gap)
                    times.append(visit(context, server.url, n_explorers, timeout))
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pools", default="0,2", help="pool sizes to compare (default 0,2)")
    parser.add_argument("--visitors", type=int, default=3, help="visitors per pool size")
    parser.add_argument("--warm", type=float, default=45.0, help="seconds before the first visit")
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between visitors")
    parser.add_argument(
        "--explorers",
        type=int,
        default=None,
        help="explorers on the page (default: the explorer cells of the notebook)",
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per visit")
    args = parser.parse_args(argv)
    problem = _lab.missing_requirements()
    if problem:
        parser.error(problem)
    pools = [int(p) for p in args.pools.split(",")]
    if args.explorers is None:
        nb = nbformat.read(present.EXPLORER_APP, as_version=4)
        args.explorers = sum("_explorer(" in c.source for c in nb.cells if c.cell_type == "code")
    print(f"load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for pool in pools:
        times = run(pool, warm=args.warm, visitors=args.visitors, gap=args.gap,
                    n_explorers=args.explorers, timeout=args.timeout)  # fmt: skip
        shown = ", ".join(f"{a:.2f} / {b:.2f} s" for a, b in times)
        print(f"pool {pool}: request -> {args.explorers} explorers shown / their figures drawn, "
              f"visitor by visitor: {shown}")  # fmt: skip
    print(f"load average at end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
