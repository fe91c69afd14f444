"""Lesson results keep per-layer numbers, not networks: a notebook holds every result it
printed until the kernel stops, so a result that kept its network's weights would keep a
student's kernel large (benchmarks/bench_memory.py prints each notebook's kernel memory)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from helpers import lessons
from helpers.mlp import MLP


def held(obj, seen=None) -> tuple[int, list[str]]:
    """Bytes of the numpy arrays reachable from ``obj`` through dicts, sequences and
    dataclasses, and the type names of any networks among them."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0, []
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes, []
    if isinstance(obj, MLP):
        return 0, [type(obj).__name__]
    if isinstance(obj, dict):
        children = list(obj.values())
    elif isinstance(obj, (list, tuple)):
        children = list(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        children = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    else:
        return 0, []
    total, nets = 0, []
    for child in children:
        b, n = held(child, seen)
        total, nets = total + b, nets + n
    return total, nets


@pytest.mark.parametrize("activation, depth, width", [("tanh", 10, 512), ("relu", 30, 256)])
def test_a_signal_profile_keeps_numbers_per_layer_only(activation, depth, width):
    p = lessons.signal_profile("xavier_normal", activation, depth=depth, width=width)
    nbytes, nets = held(p)
    assert nets == []
    weights = depth * width * width * 8  # what one network's weights would take
    assert nbytes < weights / 100, nbytes
    assert p["init"] == "xavier_normal" and p["scale"] == 1.0 and p["activation"] == activation


def test_the_gain_experiment_keeps_no_network():
    rows = lessons.gain_experiment(depth=6, width=64)
    nbytes, nets = held(rows)
    assert nets == []
    assert nbytes < 6 * 64 * 64 * 8, nbytes
