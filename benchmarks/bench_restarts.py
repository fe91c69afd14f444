"""Time 20 restarts of the training explorer's network trained as one stacked computation
(:func:`helpers.batched.train_restarts`) against one run of :func:`helpers.train.train`.

Run from the repository root::

    python benchmarks/bench_restarts.py            # both networks, 1 BLAS thread
    python benchmarks/bench_restarts.py --threads 2
    python benchmarks/bench_restarts.py --quick    # fewer epochs and repeats

Two settings of the training explorer, both ReLU with He-normal weights on 400 moons points,
full batch, lr 0.1:

- its default network, ``2-16-16-1``, 300 epochs;
- its largest, 8 hidden layers of 64 units, 3000 epochs (``--quick``: 300).

Rows: one ``train()`` run recording what ``train_restarts`` records (loss, accuracy, gradient
norms: ``record=("grad_norm",)``); the same with ``record_layers=False``; 20 separate ``train()``
runs (what the explorer did before); ``train_restarts`` of 20 seeds. The goal: 20 restarts cost
at most 4x one run. Every figure is the fastest of its repeats; the load average is printed,
since other work on the machine slows every figure.

A last column says what no implementation on this machine can beat: the matrix products alone
of 20 networks (forward, weight and input gradients of every layer, as stacked ``np.matmul``
calls into preallocated arrays, nothing else), over the same epochs, as a multiple of one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

GOAL = 4.0
RESTARTS = 20


def setting(name: str, quick: bool) -> tuple[list[int], int]:
    if name == "default":
        return [2, 16, 16, 1], 300
    return [2] + [64] * 8 + [1], 300 if quick else 3000


def timed(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def products_only(sizes: list[int], n: int, epochs: int):
    """The stacked matrix products of ``epochs`` epochs of RESTARTS networks, and nothing else."""
    rng = np.random.default_rng(0)
    shapes = list(zip(sizes[:-1], sizes[1:]))
    W = [rng.normal(size=(RESTARTS, a, b)) for a, b in shapes]
    A = [rng.normal(size=(RESTARTS, n, k)) for k in sizes]  # every layer's input / output
    D = [rng.normal(size=(RESTARTS, n, k)) for k in sizes]  # and its gradient
    dW = [np.empty_like(w) for w in W]

    def run():
        for _ in range(epochs):
            for l, w in enumerate(W):
                np.matmul(A[l], w, out=A[l + 1])
            for l in range(len(W) - 1, -1, -1):
                np.matmul(np.swapaxes(A[l], 1, 2), D[l + 1], out=dW[l])
                if l:  # a single output unit: an outer product, as helpers._kernels does
                    product = np.multiply if W[l].shape[-1] == 1 else np.matmul
                    product(D[l + 1], np.swapaxes(W[l], 1, 2), out=D[l])

    return run


def measure(name: str, quick: bool, repeats: int) -> dict:
    from helpers.batched import train_restarts
    from helpers.data import make_moons
    from helpers.mlp import MLP
    from helpers.train import train

    sizes, epochs = setting(name, quick)
    X, y = make_moons(400, noise=0.2, rng=np.random.default_rng(0))

    def nets(n):
        return [MLP(sizes, activation="relu", init="he_normal", seed=s) for s in range(n)]

    def one(**kw):
        return lambda: train(nets(1)[0], X, y, epochs=epochs, lr=0.1, **kw)

    def separate():
        for m in nets(RESTARTS):
            train(m, X, y, epochs=epochs, lr=0.1, record_layers=False)

    def stacked():
        train_restarts(nets(RESTARTS), X, y, epochs=epochs, lr=0.1)

    few = 1 if name == "largest" and not quick else repeats
    return {
        "products": timed(products_only(sizes, len(X), epochs), few),
        "label": "-".join(map(str, sizes)) + f", {epochs} epochs",
        "one": timed(one(record=("grad_norm",)), repeats),
        "one_bare": timed(one(record_layers=False), repeats),
        "separate": timed(separate, few),
        "stacked": timed(stacked, few),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--quick", action="store_true", help="fewer epochs and repeats")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    repeats = 2 if args.quick else 3
    with threadpool_limits(limits=args.threads, user_api="blas"):
        rows = [measure(name, args.quick, repeats) for name in ("default", "largest")]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"{RESTARTS} restarts of the training explorer's network (relu, he_normal, 400 moons)")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {args.threads} BLAS thread(s)"
        + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else "")
        + f"; Python {platform.python_version()}; numpy {np.__version__}"
    )
    head = (
        f"{'network':<28} {'one train()':>12} {'one, loss only':>15} "
        f"{'20 x train()':>13} {'train_restarts':>15} {'restarts/one':>13} {'goal':>6} "
        f"{'products alone':>15}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ratio = r["stacked"] / r["one"]
        print(
            f"{r['label']:<28} {r['one'] * 1e3:>9.1f} ms {r['one_bare'] * 1e3:>12.1f} ms "
            f"{r['separate'] * 1e3:>10.1f} ms {r['stacked'] * 1e3:>12.1f} ms {ratio:>12.2f}x "
            f"{'<=' + format(GOAL, 'g') + 'x':>6} {r['products'] / r['one']:>14.2f}x"
        )
    for r in rows:
        ratio = r["stacked"] / r["one"]
        print(
            f"  {r['label']}: {'met' if ratio <= GOAL else 'NOT met'}; stacked is "
            f"{r['separate'] / r['stacked']:.1f}x faster than 20 separate loss-only runs; the "
            f"20 networks' matrix products alone take {r['products'] * 1e3:.1f} ms, "
            f"{r['products'] / r['one']:.2f}x one run"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
