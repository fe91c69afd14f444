"""Settings for every test the README's ``pytest`` runs (tests/ and the nbval notebooks)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
import reproducible  # noqa: E402

# The kernels that nbval and the browser tests start compute the notebooks as they are stored,
# on every x86-64 processor (tools/reproducible.py says why). This process has loaded numpy
# already, so the tests that run in it use the processor's own kernel: they must hold on both.
reproducible.pin_blas_kernel()
