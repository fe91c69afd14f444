"""The pure logic of benchmarks/bench_browser.py: summaries, goals, names, control values."""

import importlib.util
from pathlib import Path

import ipywidgets as W
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_browser.py"
_spec = importlib.util.spec_from_file_location("bench_browser", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_summary_counts_failures_apart():
    s = bench.summarize([10.0, None, 30.0, 20.0, None])
    assert s["n"] == 3 and s["failures"] == 2
    assert s["median"] == 20.0 and s["min"] == 10.0 and s["max"] == 30.0
    assert s["p95"] == pytest.approx(29.0)  # linear interpolation between 20 and 30


def test_summary_of_nothing_timed():
    s = bench.summarize([None, None])
    assert s == {"n": 0, "failures": 2, "median": None, "p95": None, "min": None, "max": None}


def test_goal_verdicts():
    fast = bench.summarize([50.0] * 19 + [150.0])
    assert bench.goal_verdict("depth", fast) == ("median <= 100 ms, p95 <= 200 ms", True)
    slow_tail = bench.summarize([50.0] * 18 + [300.0, 300.0])
    assert bench.goal_verdict("depth", slow_tail)[1] is False
    assert bench.goal_verdict("training", bench.summarize([450.0, 2000.0, 480.0])) == (
        "median <= 500 ms",
        True,
    )
    assert bench.goal_verdict("symmetry", bench.summarize([50.0, None]))[1] is False
    assert bench.goal_verdict("symmetry", bench.summarize([]))[1] is False
    assert bench.goal_verdict("explorer-7", fast) is None


def test_explorer_names_from_titles():
    assert bench.explorer_name("Symmetry explorer", 0) == "symmetry"
    assert bench.explorer_name("The depth Explorer (10 layers)", 2) == "depth"
    assert bench.explorer_name("", 3) == "explorer-3"


def test_values_from_what_the_page_shows():
    log = W.FloatLogSlider(value=1.0, base=10, min=-3, max=2, step=0.05)
    assert bench.python_value(log, {"kind": "slider", "value": "0.04999999999999982"}) == (
        pytest.approx(10**0.05)
    )
    assert bench.neighbour_value(log, 1.0, 1) == pytest.approx(10**0.05)
    assert bench.neighbour_value(log, 100.0, 1) == pytest.approx(100.0)  # clipped at the top

    steps = W.IntSlider(value=300, min=0, max=3000, step=50)
    assert bench.python_value(steps, {"kind": "slider", "value": "300"}) == 300
    assert bench.neighbour_value(steps, 300, -1) == 250

    width = W.SelectionSlider(options=(128, 256), value=256)
    assert bench.python_value(width, {"kind": "slider", "value": "1"}) == 256
    assert bench.neighbour_value(width, 256, -1) == 128

    bias = W.Dropdown(options=[("zeros", "zeros"), ("constant 0.5", "constant")], value="zeros")
    assert bench.python_value(bias, {"kind": "dropdown", "index": 1}) == "constant"
    assert bench.neighbour_value(bias, "zeros", 1) == "constant"
