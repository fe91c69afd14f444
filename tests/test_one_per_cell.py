"""Re-running a notebook cell releases the explorers its earlier runs built, and memory stays
flat over many re-runs (a real kernel started here, on 127.0.0.1, and shut down at the end;
the cell id travels with each execution as JupyterLab sends it)."""

import json

import pytest
from _kernel import Kernel

CELL = """
from helpers.widgets import build_depth_explorer
ex = build_depth_explorer(depth=60, width=512)
ex
"""
PROBE = """
import gc, json
import comm
from helpers.explorers.base import Explorer
gc.collect()
live = [o for o in gc.get_objects() if isinstance(o, Explorer)]
print(json.dumps({
    "open": sum(not o._closed for o in live),
    "with_figure": sum(bool(o.figure.axes) for o in live),
    "widgets": len(comm.get_comm_manager().comms),
    "rss_mb": open("/proc/self/statm").read().split()[1],
}))
"""


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    try:
        k.run("%matplotlib widget")
        yield k
    finally:
        k.close()


def probe(kernel) -> dict:
    out = json.loads(kernel.run(PROBE).strip().splitlines()[-1])
    out["rss_mb"] = int(out["rss_mb"]) * 4096 / 2**20
    return out


def test_re_running_a_cell_replaces_its_explorer_and_memory_stays_flat(kernel):
    kernel.run(CELL, metadata={"cellId": "cell-a"})
    first = probe(kernel)
    for _ in range(4):
        kernel.run(CELL, metadata={"cellId": "cell-a"})
    warm = probe(kernel)
    for _ in range(16):
        kernel.run(CELL, metadata={"cellId": "cell-a"})
    after = probe(kernel)
    assert first["open"] == warm["open"] == after["open"] == 1
    assert after["with_figure"] == 1, after
    assert after["widgets"] == warm["widgets"] == first["widgets"], (first, warm, after)
    growth = after["rss_mb"] - warm["rss_mb"]
    assert growth < 25, f"{growth:.1f} MB more after 16 more re-runs ({warm} -> {after})"
    # another cell's explorer is not touched; two built by one run of a cell are both kept
    kernel.run(CELL, metadata={"cellId": "cell-b"})
    kernel.run(CELL + "\nex2 = build_depth_explorer(depth=5)", metadata={"cellId": "cell-c"})
    assert probe(kernel)["open"] == 4
