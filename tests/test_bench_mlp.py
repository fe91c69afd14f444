"""benchmarks/bench_mlp.py's matrix products: the shapes of an epoch and the run that times them."""

import importlib.util
from pathlib import Path

import numpy as np

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_mlp.py"
_spec = importlib.util.spec_from_file_location("bench_mlp", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_an_epoch_has_a_forward_and_a_weight_product_per_layer_and_passes_down_above_the_first():
    n = bench.NETS["large"]["n"]
    assert bench.product_shapes("large") == [
        ((n, 784), (784, 256)), ((784, n), (n, 256)),
        ((n, 256), (256, 256)), ((256, n), (n, 256)), ((n, 256), (256, 256)),
        ((n, 256), (256, 10)), ((256, n), (n, 10)), ((n, 10), (10, 256)),
    ]  # fmt: skip
    for name, spec in bench.NETS.items():
        shapes = bench.product_shapes(name)
        assert len(shapes) == 3 * (len(spec["sizes"]) - 1) - 1
        assert all(p[1] == q[0] for p, q in shapes)


def test_the_products_run_multiplies_each_pair_once_an_epoch_into_its_own_array():
    calls = []

    def matmul(P, Q, out):
        calls.append((P.shape, Q.shape, out.shape, out.dtype))
        np.matmul(P, Q, out=out)

    run = bench.products_run("small", "float32", matmul)
    run(3)
    shapes = bench.product_shapes("small")
    assert [(p, q) for p, q, _, _ in calls] == shapes * 3
    assert all(o == (p[0], q[1]) and d == np.float32 for p, q, o, d in calls)
    again = []
    bench.products_run("small", "float32", lambda P, Q, out: again.append(P.sum()))(1)
    first = []
    bench.products_run("small", "float32", lambda P, Q, out: first.append(P.sum()))(1)
    assert again == first  # seeded operands: the same numbers every time
