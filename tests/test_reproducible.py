"""tools/reproducible.py: when the OpenBLAS kernel is pinned, and that a pinned kernel is the one
numpy uses in a process started after the pin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import reproducible  # noqa: E402

AVX2 = {"avx2", "fma", "sse4_2"}


def test_pinned_on_x86_64_with_avx2_and_fma():
    env = {}
    assert reproducible.pin_blas_kernel(env, machine="x86_64", flags=AVX2) == "Haswell"
    assert env == {"OPENBLAS_CORETYPE": "Haswell"}


@pytest.mark.parametrize("machine, flags", [("aarch64", AVX2), ("x86_64", {"sse4_2"}),
                                            ("x86_64", set())])  # fmt: skip
def test_not_pinned_where_the_kernel_cannot_run(machine, flags):
    env = {}
    assert reproducible.pin_blas_kernel(env, machine=machine, flags=flags) is None
    assert env == {}


def test_a_kernel_chosen_by_the_user_is_kept():
    env = {"OPENBLAS_CORETYPE": "Zen"}
    assert reproducible.pin_blas_kernel(env, machine="x86_64", flags=AVX2) == "Zen"
    assert env == {"OPENBLAS_CORETYPE": "Zen"}


def test_cpu_flags_of_a_missing_file_are_empty(tmp_path):
    assert reproducible.cpu_flags(tmp_path / "none") == set()


def test_a_process_started_after_the_pin_uses_the_pinned_kernel():
    env = {k: v for k, v in __import__("os").environ.items() if k != "OPENBLAS_CORETYPE"}
    pinned = reproducible.pin_blas_kernel(env)
    if pinned is None:
        pytest.skip("this processor cannot run the pinned kernel: nothing is pinned")
    code = ("import json, numpy; from threadpoolctl import threadpool_info; "
            "print(json.dumps([i.get('architecture') for i in threadpool_info()"
            " if i.get('internal_api') == 'openblas']))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout  # fmt: skip
    assert json.loads(out) == [pinned]
