"""The pure logic of benchmarks/bench_browser.py (browser_report.py, browser_agg.py): summaries,
goals, names, control values, tables."""

import importlib.util
from pathlib import Path

import ipywidgets as W
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_browser.py"
_spec = importlib.util.spec_from_file_location("bench_browser", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)  # puts benchmarks/ on sys.path for its own modules
agg = importlib.import_module("browser_agg")
report = importlib.import_module("browser_report")


def test_summary_counts_failures_apart():
    s = report.summarize([10.0, None, 30.0, 20.0, None])
    assert s["n"] == 3 and s["failures"] == 2
    assert s["median"] == 20.0 and s["min"] == 10.0 and s["max"] == 30.0
    assert s["p95"] == pytest.approx(29.0)  # linear interpolation between 20 and 30


def test_summary_of_nothing_timed():
    s = report.summarize([None, None])
    assert s == {"n": 0, "failures": 2, "median": None, "p95": None, "min": None, "max": None}


def test_goal_verdicts():
    fast = report.summarize([50.0] * 19 + [150.0])
    assert report.goal_verdict("depth", fast) == ("median <= 100 ms, p95 <= 200 ms", True)
    slow_tail = report.summarize([50.0] * 18 + [300.0, 300.0])
    assert report.goal_verdict("depth", slow_tail)[1] is False
    assert report.goal_verdict("training", report.summarize([450.0, 2000.0, 480.0])) == (
        "median <= 500 ms",
        True,
    )
    assert report.goal_verdict("symmetry", report.summarize([50.0, None]))[1] is False
    assert report.goal_verdict("symmetry", report.summarize([]))[1] is False
    assert report.goal_verdict("explorer-7", fast) is None


def test_explorer_names_from_titles():
    assert report.explorer_name("Symmetry explorer", 0) == "symmetry"
    assert report.explorer_name("The depth Explorer (10 layers)", 2) == "depth"
    assert report.explorer_name("", 3) == "explorer-3"


def test_values_from_what_the_page_shows():
    log = W.FloatLogSlider(value=1.0, base=10, min=-3, max=2, step=0.05)
    assert agg.python_value(log, {"kind": "slider", "value": "0.04999999999999982"}) == (
        pytest.approx(10**0.05)
    )
    assert agg.neighbour_value(log, 1.0, 1) == pytest.approx(10**0.05)
    assert agg.neighbour_value(log, 100.0, 1) == pytest.approx(100.0)  # clipped at the top

    steps = W.IntSlider(value=300, min=0, max=3000, step=50)
    assert agg.python_value(steps, {"kind": "slider", "value": "300"}) == 300
    assert agg.neighbour_value(steps, 300, -1) == 250

    width = W.SelectionSlider(options=(128, 256), value=256)
    assert agg.python_value(width, {"kind": "slider", "value": "1"}) == 256
    assert agg.neighbour_value(width, 256, -1) == 128

    bias = W.Dropdown(options=[("zeros", "zeros"), ("constant 0.5", "constant")], value="zeros")
    assert agg.python_value(bias, {"kind": "dropdown", "index": 1}) == "constant"
    assert agg.neighbour_value(bias, "zeros", 1) == "constant"


# --burst and --worst-case


def test_worst_cases_follow_the_plan_and_the_page():
    assert report.worst_cases(
        "training", ["scale", "layers", "width", "lr", "epochs", "seed", "restarts"]
    ) == [  # fmt: skip
        ("layers",),
        ("width",),
        ("epochs",),
        ("restarts",),
    ]
    assert report.worst_cases("depth", ["scale", "depth", "width"])[-1] == ("depth", "width")
    assert report.worst_cases("depth", ["scale", "depth"]) == [("depth",)]  # no width slider
    assert report.worst_cases("explorer-5", ["a", "b"]) == [("a",), ("b",)]


def test_busy_spells_from_status_changes():
    # idle before the key, busy 10..1200 ms, idle, busy again 1250..1300 ms
    st = [[-50.0, "idle"], [10.0, "busy"], [1200.0, "idle"], [1250.0, "busy"], [1300.0, "idle"]]
    b = report.busy_summary(st)
    assert b == {"longest": 1190.0, "spells": 2, "idle_at": 1300.0, "open": False}
    # a spell that began before the key counts from the key; one over before it not at all
    b = report.busy_summary([[-300.0, "busy"], [-200.0, "idle"], [-20.0, "busy"], [80.0, "idle"]])
    assert b["longest"] == 80.0 and b["spells"] == 1
    # still busy at the end: open, lasting until `end`
    b = report.busy_summary([[0.0, "idle"], [5.0, "busy"]], end=4005.0)
    assert b["open"] and b["idle_at"] is None and b["longest"] == 4000.0
    assert report.busy_summary([[-10.0, "idle"]]) == {
        "longest": 0.0,
        "spells": 0,
        "idle_at": 0.0,
        "open": False,
    }


def test_progress_moved_only_with_a_value_between_the_ends():
    assert report.progress_summary(
        [[-5.0, "100%"], [3.0, "0%"], [900.0, "42.5%"], [2e3, "100%"]]
    ) == {
        "values": [0.0, 42.5, 100.0],
        "moved": True,
    }
    assert not report.progress_summary([[-5.0, "100%"], [3.0, "0%"], [2e3, "100%"]])["moved"]
    assert not report.progress_summary([])["moved"]


def _result(status="ok", final=200.0):
    return {"status": status, "latency": final, "final": final}


def test_worst_case_verdicts():
    quick = report.busy_summary([[0.0, "idle"], [5.0, "busy"], [300.0, "idle"]])
    assert report.worst_case_verdict(_result(), quick, None) == (True, [])
    slow = report.busy_summary([[0.0, "idle"], [5.0, "busy"], [2505.0, "idle"]])
    moved = report.progress_summary([[100.0, "0%"], [1000.0, "50%"]])
    still = report.progress_summary([[100.0, "0%"], [2400.0, "100%"]])
    assert report.worst_case_verdict(_result(final=2600.0), slow, moved) == (True, [])
    assert report.worst_case_verdict(_result(final=2600.0), slow, still) == (
        False,
        ["progress bar did not move"],
    )
    assert report.worst_case_verdict(_result(final=2600.0), slow, None) == (
        False,
        ["no progress shown"],
    )
    frozen = report.busy_summary([[0.0, "idle"], [5.0, "busy"], [5005.0, "idle"]])
    assert report.worst_case_verdict(_result(final=5100.0), frozen, moved) == (
        False,
        ["kernel busy 5.0 s"],
    )
    # the kernel busy long after a quick first picture still needs progress
    assert not report.worst_case_verdict(_result(final=150.0), slow, None)[0]
    assert report.worst_case_verdict(_result("timeout", None), quick, None)[1] == ["timeout"]


def _snap(value="0.5", label="3.16", readout="std(z) = 3.16", hash_="ab:840x560"):
    return {"value": value, "label": label, "beside": True, "readout": readout, "hash": hash_}


def test_burst_verdicts():
    result = {"status": "ok", "changes": [-400.0, -20.0, 130.0, 180.0]}
    v = report.burst_verdict(result, _snap(), _snap(), [])
    assert v["settled"] == 180.0 and v["changes_after_last_key"] == 2
    assert v["on_last_value"] and v["figure"] and v["met"] and v["mismatches"] == []
    late = {"status": "ok", "changes": [1500.0]}
    assert not report.burst_verdict(late, _snap(), _snap(), [])["met"]
    # nothing drawn after the last key, and the figure of an earlier value
    stale = report.burst_verdict(
        {"status": "ok", "changes": [-50.0]}, _snap(), _snap(hash_="cd"), []
    )
    assert stale["settled"] == 0.0 and not stale["on_last_value"] and not stale["met"]
    assert stale["mismatches"] == ["hash: 'ab:840x560' after the burst, 'cd' set again"]
    # drawn after the last key, with other (sticky) axis limits than the value set again
    limits = report.burst_verdict(result, _snap(), _snap(hash_="cd"), [])
    assert limits["on_last_value"] and limits["met"] and not limits["same_picture"]
    # the explorer's read-out of another value
    other = report.burst_verdict(result, _snap(readout="std(z) = 2.9"), _snap(), [])
    assert not other["on_last_value"] and "readout" in other["mismatches"][0]
    # a label that does not show the handle's value (10 ** 0.5 = 3.16)
    wrong_label = report.burst_verdict(result, _snap(label="2.82"), _snap(label="2.82"), [])
    assert wrong_label["mismatches"] == ["label '2.82', value 3.16"]
    assert not report.burst_verdict(result, _snap(), _snap(), [{"kind": "error"}])["met"]
    empty = report.burst_verdict(result, _snap(hash_="empty:0x0"), _snap(hash_="empty:0x0"), [])
    assert not empty["figure"] and empty["settled"] is None and not empty["met"]
    assert empty["on_last_value"]  # the read-outs still agree
    assert (
        report.burst_verdict({"status": "never settled", "changes": []}, _snap(), _snap(), [])[
            "settled"
        ]
        is None
    )


def test_log_slider_labels():
    assert report.log_slider_label("0") == "1"
    assert report.log_slider_label("-2") == "0.01"
    assert report.log_slider_label("0.1760912590556813") == "1.5"
    assert report.log_slider_label("2.0") == "100"


def _burst_entry(name, settled_changes, hash_="ab:1x1"):
    result = {"status": "ok", "keys": 50, "moves": 50, "burst_ms": 1002.0,
              "changes": settled_changes}  # fmt: skip
    snap = _snap(hash_=hash_)
    verdict = report.burst_verdict(result, snap, snap, [])
    return {"name": name, "control": "scale", "result": result, "errors": [], "log_messages": 0,
            "busy": {"idle_at": 250.0}, "verdict": verdict}  # fmt: skip


def test_tables():
    text = report.burst_table([_burst_entry("depth", [-5.0, 90.0]),
                              _burst_entry("symmetry", [], "empty:0x0")])  # fmt: skip
    depth, symmetry = text.splitlines()[2:4]
    assert depth.split()[:7] == ["depth", "scale", "50", "1002", "50", "2", "90"]
    assert depth.endswith(": met")
    assert "NONE" in symmetry and symmetry.endswith("NOT MET")
    busy = report.busy_summary([[0.0, "idle"], [5.0, "busy"], [4005.0, "idle"]])
    progress = report.progress_summary([[9.0, "0%"], [2000.0, "40%"]])
    met, reasons = report.worst_case_verdict(_result(final=4100.0), busy, progress)
    case = {"case": "epochs max", "shown": "3000", "result": _result(final=4100.0), "busy": busy,
            "progress": progress, "met": met, "reasons": reasons, "errors": []}  # fmt: skip
    row = report.worst_case_table([{"name": "training", "cases": [case]}]).splitlines()[2]
    assert row.split()[:9] == ["training", "epochs", "max", "3000", "4100", "4100", "4000",
                               "4005", "moved"]  # fmt: skip
    assert row.endswith("NOT MET (kernel busy 4.0 s)")


def _timed_control(description, latencies_ms):
    results = [{"status": "ok", "latency": x, "final": x} for x in latencies_ms]
    return {"description": description, "kind": "slider", "results": results}


def test_the_floor_column_sits_on_each_explorers_row_for_all_its_controls():
    browser = {
        "explorers": [{"name": "depth", "controls": [_timed_control("scale", [130.0, 150.0])]}],
        "floor": {"depth": report.summarize([70.0, 80.0, 90.0])},
    }
    rows = report.build_rows(browser)
    assert [r["control"] for r in rows] == ["scale", "(all)"]
    assert rows[1]["floor_median"] == 80.0 and "floor_median" not in rows[0]
    head, _, scale, everything = report.format_table(rows).splitlines()
    assert head.split()[6:8] == ["Agg", "floor"]
    assert scale.split()[:8] == ["depth", "scale", "slider", "140", "149", "140", "-", "-"]
    assert everything.split()[:7] == ["depth", "(all)", "140", "149", "-", "-", "80"]
    del browser["floor"]  # not measured: no floor anywhere
    assert report.build_rows(browser)[1]["floor_median"] is None


def _staged(sent, received, drawn, latency, status="ok"):
    return {"status": status, "sent": sent, "received": received, "drawn": drawn,
            "latency": latency, "final": latency}  # fmt: skip


def test_where_the_time_goes_from_the_times_the_page_notes():
    results = [
        _staged(2.0, 40.0, 55.0, 60.0),
        _staged(4.0, 60.0, 70.0, 90.0),
        _staged(3.0, 50.0, 52.0, 70.0),
        _staged(None, 50.0, 52.0, 70.0),  # no message seen: left out
        _staged(3.0, 30.0, 20.0, 70.0),  # out of order (a paint before the picture): left out
        _staged(3.0, 50.0, 52.0, None, status="timeout"),
    ]
    st = report.stages(results)
    assert st["n"] == 3 and st["total"] == 70.0
    assert st["page"] == 3.0  # key -> message
    assert st["kernel"] == 47.0  # 38, 56, 47
    assert st["decode"] == 10.0  # 15, 10, 2
    assert st["frame"] == 18.0  # 5, 20, 18
    assert report.stages([]) == {"n": 0, "total": None, "page": None, "kernel": None,
                                "decode": None, "frame": None}  # fmt: skip
    browser = {
        "explorers": [{"name": "depth", "controls": [{"results": results}]}],
        "floor_raw": [{"name": "floor-depth", "controls": [{"results": results[:1]}]}],
    }
    head, _, depth, floor_row = report.stages_table(browser).splitlines()
    assert head.split()[-2:] == ["total", "n"]
    assert depth.split() == ["depth", "3", "47", "10", "18", "70", "3"]
    assert floor_row.split() == ["floor-depth", "2", "38", "15", "5", "60", "1"]


_FLOOR_PATH = _PATH.parent / "floor_explorer.py"
_floor_spec = importlib.util.spec_from_file_location("floor_explorer", _FLOOR_PATH)
floor = importlib.util.module_from_spec(_floor_spec)
_floor_spec.loader.exec_module(floor)


def test_the_floor_explorer_keeps_the_contract_and_only_blits(tmp_path):
    from helpers.explorers import EXPLORERS

    sizes = floor.explorer_sizes(["symmetry", "depth"])
    ex = floor.build_floor_explorer("symmetry", sizes["symmetry"])
    try:
        assert ex.title == "Floor-symmetry explorer"
        assert report.explorer_name(ex.title, 0) == "floor-symmetry"
        built = EXPLORERS["symmetry"]()
        assert ex.pixel_size() == built.pixel_size()  # the canvas of the explorer it stands for
        built.release()
        before = dict(ex.renders)
        ex.controls["scale"].value = 100.0
        assert ex.values["y"].max() == pytest.approx(2.0, rel=1e-3)  # log10(100) sin(6x)
        assert ex.renders["blit"] == before["blit"] + 1
        assert ex.renders["full"] == before["full"] and ex.renders["axes"] == before["axes"]
        assert ex.readout.value == "scale 100"
    finally:
        ex.close()
    with pytest.raises(ValueError, match="figsize"):
        floor.build_floor_explorer("x", (8.4, 0.0))
    with pytest.raises(ValueError, match="unknown explorer"):
        floor.explorer_sizes(["symmetry", "nope"])
    import nbformat

    nb = nbformat.read(floor.write_notebook(tmp_path, sizes), as_version=4)
    sources = [c.source for c in nb.cells]
    assert sources[0].startswith("%matplotlib widget")
    assert sources[1:] == ["build_floor_explorer('symmetry', (8.4, 5.6))",
                           "build_floor_explorer('depth', (8.4, 3.4))"]  # fmt: skip


def test_the_script_reads_its_options_and_names_its_modules(capsys):
    args = bench._parse_args(["--explorers", "symmetry, depth", "--controls", "scale", "--floor"])
    assert args.explorers == ["symmetry", "depth"] and args.controls == ["scale"] and args.floor
    assert args.burst_control == report.BURST_CONTROL
    with pytest.raises(SystemExit) as stop:
        bench._parse_args(["--burst", "-1"])
    assert stop.value.code == 2 and "--burst N needs N >= 1" in capsys.readouterr().err
    for module in ("browser_page", "browser_modes", "browser_agg", "browser_report"):
        assert module in bench.__doc__ and (_PATH.parent / f"{module}.py").is_file()
