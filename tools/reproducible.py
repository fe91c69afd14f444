"""The same numbers on every x86-64 processor: pin the matrix-product kernel of OpenBLAS.

numpy's OpenBLAS chooses its kernels by the processor it runs on (``Haswell`` for AVX2 chips,
``SkylakeX`` for AVX-512 ones, ...). They add up the terms of a matrix product in different
orders, so their results differ in the last bit. Most of the course's numbers do not notice;
a few training runs are chaotic (tanh networks at a large learning rate on the spirals, notebook
05): a difference in the last bit grows over hundreds of steps until the run ends elsewhere, and
a table printed with two significant digits changes.

The notebooks are stored as the ``Haswell`` kernel computes them, so the course's own runs (the
tests and the nbval kernels they start, ``tools/run_notebooks.py``) ask OpenBLAS for that kernel
through its documented ``OPENBLAS_CORETYPE`` variable, on every x86-64 processor that can run it
(AVX2 and FMA). It must be set before numpy is imported: this module imports nothing that loads
numpy, and it only affects processes started after the call (the kernels of a Jupyter server,
a notebook runner). A student's own JupyterLab is not pinned; the notebooks say which of their
numbers are chaotic and which conclusions hold whatever the last bit.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

KERNEL = "Haswell"
"""The OpenBLAS kernel the stored notebooks were computed with."""

VARIABLE = "OPENBLAS_CORETYPE"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The processor's feature flags (Linux); empty where they cannot be read."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def pin_blas_kernel(environ=None, *, machine: str | None = None, flags=None) -> str | None:
    """Set ``OPENBLAS_CORETYPE`` to :data:`KERNEL` in ``environ`` (default ``os.environ``) on an
    x86-64 processor with AVX2 and FMA, unless it is set already; returns the value in effect,
    or None where nothing is pinned (another architecture, or flags that cannot be read)."""
    environ = os.environ if environ is None else environ
    if environ.get(VARIABLE):
        return environ[VARIABLE]
    machine = (machine or platform.machine()).lower()
    flags = cpu_flags() if flags is None else set(flags)
    if machine not in ("x86_64", "amd64") or not {"avx2", "fma"} <= flags:
        return None
    environ[VARIABLE] = KERNEL
    return KERNEL
