"""Time one full-batch training epoch (forward + backward + SGD update) of the helpers' MLP,
and of the same networks in PyTorch on the CPU when PyTorch is importable.

Run from the repository root::

    python benchmarks/bench_mlp.py              # helpers only, or helpers and PyTorch
    python benchmarks/bench_mlp.py --threads 2  # only 2 BLAS / PyTorch threads
    python benchmarks/bench_mlp.py --quick      # one round, fewer repeats
    python benchmarks/bench_mlp.py --torch-python /path/to/venv/bin/python  # torch elsewhere

Two networks:

- ``2-16-16-1``, tanh hidden units, sigmoid output, on 400 points of the moons dataset: the size
  of network the notebooks train live, where Python overhead dominates;
- ``784-256-256-10``, ReLU hidden units, softmax output, on 1,000 random samples (seeded): an
  MNIST-sized network, where the matrix products dominate.

Rows:

- ``helpers f64`` and ``helpers f32``: ``model._forward(X, reuse=True)``,
  ``model._backward(..., input_grad=False, reuse=True)`` and ``model.step``, for a float64 and
  a float32 model: the same work as PyTorch's ``forward``, ``loss.backward()`` and
  ``optimizer.step()`` (neither computes the gradient with respect to the input data), written
  into the model's work arrays as :func:`helpers.train.train` does;
- ``helpers train()``: :func:`helpers.train.train`, per epoch, with everything it records each
  epoch (loss, accuracy, per-layer gradient norms, activation std, saturation, dead units and
  unit spread): what a notebook pays;
- ``torch float64`` and ``torch float32``: ``torch.nn.Sequential`` of ``Linear`` layers with the
  same initial weights, ``BCEWithLogitsLoss`` / ``CrossEntropyLoss``, ``torch.optim.SGD``.

PyTorch is run by ``--torch-python`` (default: this interpreter), with the repository on its
``PYTHONPATH`` so that the same data and initial weights can be made there.

Each framework is timed in its own child process (so that one library's idle BLAS or OpenMP
threads cannot slow the other), with the same number of threads: ``--threads`` (default: 1, and
every core) sets ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` and
``torch.set_num_threads``. The two children take turns for ``--rounds`` rounds, and every figure
is the fastest of all its repeats: the one least disturbed by other work on the machine (the load
average is printed with the table; on a busy machine the multi-threaded figures suffer most).
Environment variables such as ``OPENBLAS_CORETYPE`` are reported and left as they are.

Under each table: what ``train()`` costs over the plain loop, and the minor page faults per epoch
(memory taken fresh from the operating system: the first epoch of every timed run, since each run
hands its arrays back when it ends). Then, per network, the epoch's matrix products alone
(:func:`product_shapes`: the forward products, the weight gradients and the gradients passed
down, on seeded operands of the same shapes), timed in each child with its own library's product
(``np.matmul(..., out=)``; ``torch.mm(..., out=)``), and the rest of each epoch: the ratio of the
products is what the two BLAS libraries decide, the rest what the code around them does.

Before timing, the PyTorch child also checks that the two implementations compute the same
thing: five float64 epochs from the same initial weights give the same losses; the largest
relative difference is printed, with a warning if it exceeds 1e-12.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

NETS = {
    "small": {
        "sizes": [2, 16, 16, 1],
        "activation": "tanh",
        "output": "sigmoid",
        "n": 400,
        "lr": 0.1,
    },
    "large": {
        "sizes": [784, 256, 256, 10],
        "activation": "relu",
        "output": "softmax",
        "n": 1000,
        "lr": 0.01,
    },
}
GOALS = {"small": 1.0, "large": 1.0}  # helpers / torch at the same dtype, at most
SAME_LOSS = 1e-12  # largest relative loss difference between the two implementations
SEED = 0


# ---------------------------------------------------------------------------------------- data


def make_problem(name: str, dtype: str = "float64"):
    """The benchmark's data and a freshly initialised model (same for every framework)."""
    from helpers.data import make_moons
    from helpers.mlp import MLP

    spec = NETS[name]
    rng = np.random.default_rng(SEED)
    if name == "small":
        X, y = make_moons(spec["n"], noise=0.2, rng=rng)
    else:
        X = rng.normal(size=(spec["n"], spec["sizes"][0]))
        y = rng.integers(0, spec["sizes"][-1], size=spec["n"])
    model = MLP(
        spec["sizes"],
        activation=spec["activation"],
        output=spec["output"],
        init="he_normal" if spec["activation"] == "relu" else "xavier_uniform",
        seed=SEED,
        dtype=dtype,
    )
    return model, X, y


def product_shapes(name: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The matrix products of one epoch of ``name``, as pairs of operand shapes ``(rows, inner),
    (inner, cols)``: per layer (fan_in a, fan_out b, n samples) the forward ``A @ W`` (n x a,
    a x b), the weight gradient ``A.T @ dZ`` (a x n, n x b) and, above the first layer, the
    gradient passed down ``dZ @ W.T`` (n x b, b x a). :func:`products_run` multiplies
    C-contiguous operands of these shapes: the same products, whichever transposes each
    library hands its BLAS."""
    spec = NETS[name]
    n, out = spec["n"], []
    for l, (a, b) in enumerate(zip(spec["sizes"][:-1], spec["sizes"][1:]), start=1):
        out += [((n, a), (a, b)), ((a, n), (n, b))]
        if l > 1:
            out.append(((n, b), (b, a)))
    return out


def products_run(name: str, dtype: str, matmul, wrap=None):
    """``run(epochs)``: the matrix products of ``epochs`` epochs of ``name``, each one
    ``matmul(P, Q, out)`` on seeded operands of :func:`product_shapes` (``wrap``, if given,
    turns every numpy array into the framework's own, e.g. ``torch.from_numpy``). What a
    framework's BLAS costs alone, whatever its code around the products."""
    rng = np.random.default_rng(SEED)
    wrap = wrap or (lambda a: a)
    work = []
    for (r, k), (k2, c) in product_shapes(name):
        P = rng.standard_normal((r, k)).astype(dtype)
        Q = rng.standard_normal((k2, c)).astype(dtype)
        work.append((wrap(P), wrap(Q), wrap(np.empty((r, c), dtype))))

    def run(epochs):
        for _ in range(epochs):
            for P, Q, out in work:
                matmul(P, Q, out)

    return run


def minor_faults() -> int:
    """Minor page faults of this process so far (0 where ``resource`` is unavailable)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def best_times(steps: dict, repeats: int) -> dict:
    """Fastest time per epoch of each variant over ``repeats`` rounds, and its page faults.

    ``steps`` maps a name to ``(run, epochs)``: ``run()`` performs ``epochs`` epochs. The
    variants take turns within every round, so that a burst of other work on the machine
    slows all of them alike instead of one. Returns ``{name: seconds per epoch}`` plus
    ``{name + "/faults": minor page faults per epoch}`` (memory taken fresh from the system).
    """
    for run, _ in steps.values():
        run()  # warm up (allocations, thread pools)
    best = dict.fromkeys(steps, float("inf"))
    faults = dict.fromkeys(steps, 0)
    for _ in range(repeats):
        for name, (run, epochs) in steps.items():
            f0 = minor_faults()
            t0 = time.perf_counter()
            run()
            best[name] = min(best[name], (time.perf_counter() - t0) / epochs)
            faults[name] += minor_faults() - f0
    for name, (_, epochs) in steps.items():
        best[f"{name}/faults"] = faults[name] / (repeats * epochs)
    return best


def helpers_loop(model, X, t, lr: float, epochs: int) -> None:
    """Plain full-batch gradient descent, written as a student writes it in a notebook.

    (``cache`` and ``grads`` live on from one epoch to the next, as in any loop: a function that
    dropped them after every epoch would hand its ~26 MB of arrays back to the operating system
    each time and page-fault them in again, which costs the large network about a third more.)
    """
    for _ in range(epochs):
        _, cache = model._forward(X, reuse=True)
        grads = model._backward(cache, t, input_grad=False, reuse=True)
        model.step(grads, lr)


def torch_loop(net, Xt, yt, loss_fn, opt, epochs: int) -> None:
    """The same loop in PyTorch."""
    for _ in range(epochs):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(Xt), yt)
        loss.backward()
        opt.step()


def plan(name: str, quick: bool) -> tuple[int, int]:
    """(epochs per timed run, repeats) for a network."""
    epochs, repeats = (200, 7) if name == "small" else (10, 5)
    return (epochs // 2, 3) if quick else (epochs, repeats)


# ---------------------------------------------------------------------------------------- workers


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')} (threadpoolctl absent)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return (
                f"{pool.get('internal_api')} {pool.get('version')}, "
                f"kernel {pool.get('architecture')}, {pool.get('num_threads')} threads"
            )
    return "unknown"


def worker_helpers(quick: bool) -> dict:
    from helpers.train import train

    out = {"numpy": np.__version__, "blas": blas_info()}
    for name, spec in NETS.items():
        epochs, repeats = plan(name, quick)
        lr = spec["lr"]
        steps = {}
        for dtype, label in (("float64", "loop"), ("float32", "loop32")):
            model, X, y = make_problem(name, dtype)
            X, t = model.as_input(X), model.check_targets(y, X.shape[0])

            def run_loop(model=model, X=X, t=t, lr=lr, n=epochs):
                helpers_loop(model, X, t, lr, n)

            steps[label] = (run_loop, epochs)

        # train(epochs=E) records E + 1 rows and takes E steps: its time per epoch is time / E
        tmodel, tX, ty = make_problem(name)

        def run_train(model=tmodel, X=tX, y=ty, lr=lr, n=epochs):
            train(model, X, y, epochs=n, lr=lr)

        steps["train"] = (run_train, epochs)
        for dtype, label in (("float64", "products"), ("float32", "products32")):
            run = products_run(name, dtype, lambda P, Q, out: np.matmul(P, Q, out=out))
            steps[label] = (lambda run=run, n=epochs: run(n), epochs)
        best = best_times(steps, repeats)
        for k, v in best.items():
            out[f"{name}/{k}"] = v
    return out


def torch_net(torch, model, dtype):
    """A torch.nn.Sequential with the same layers and initial weights as ``model``."""
    layers = []
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[model.activation]
    for l, (W, b) in enumerate(zip(model.weights, model.biases), start=1):
        lin = torch.nn.Linear(W.shape[0], W.shape[1], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W.T, dtype=dtype))  # PyTorch stores (fan_out, fan_in)
            lin.bias.copy_(torch.tensor(b, dtype=dtype))
        layers.append(lin)
        if l < model.n_layers:
            layers.append(act())
    return torch.nn.Sequential(*layers)


def torch_problem(torch, name: str, dtype):
    model, X, y = make_problem(name)
    net = torch_net(torch, model, dtype)
    Xt = torch.tensor(X, dtype=dtype)
    if model.output == "sigmoid":
        yt = torch.tensor(y, dtype=dtype)[:, None]
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        yt = torch.tensor(y, dtype=torch.long)
        loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=NETS[name]["lr"])
    return model, X, y, net, Xt, yt, loss_fn, opt


def worker_torch(quick: bool, threads: int) -> dict:
    import torch

    torch.set_num_threads(threads)
    out = {"torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    for name in NETS:
        # the same computation: five float64 epochs from the same start give the same losses
        model, X, y, net, Xt, yt, loss_fn, opt = torch_problem(torch, name, torch.float64)
        t = model.check_targets(y, X.shape[0])
        gap = 0.0
        for _ in range(5):
            _, cache = model._forward(X)
            ours = model._loss(cache, t)
            model.step(model._backward(cache, t, input_grad=False), NETS[name]["lr"])
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(Xt), yt)
            loss.backward()
            opt.step()
            gap = max(gap, abs(ours - loss.item()) / max(abs(ours), 1e-300))
        out[f"{name}/check"] = gap

        epochs, repeats = plan(name, quick)
        steps = {}
        for dtype, label in ((torch.float64, "f64"), (torch.float32, "f32")):
            _, _, _, net, Xt, yt, loss_fn, opt = torch_problem(torch, name, dtype)

            def run(net=net, Xt=Xt, yt=yt, loss_fn=loss_fn, opt=opt, n=epochs):
                torch_loop(net, Xt, yt, loss_fn, opt, n)

            steps[f"{name}/torch_{label}"] = (run, epochs)
        for dtype, label in (("float64", "products"), ("float32", "products32")):
            run = products_run(
                name, dtype, lambda P, Q, out: torch.mm(P, Q, out=out), torch.from_numpy
            )
            steps[f"{name}/torch_{label}"] = (lambda run=run, n=epochs: run(n), epochs)
        out.update(best_times(steps, repeats))
    return out


# ---------------------------------------------------------------------------------------- driver


def child(kind: str, threads: int, quick: bool, python: str = sys.executable) -> dict | None:
    """Run one worker in a fresh interpreter with ``threads`` BLAS/OpenMP threads."""
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    cmd = [python, os.path.abspath(__file__), "--worker", kind, "--threads", str(threads)]
    if quick:
        cmd.append("--quick")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        print(f"[{kind} worker failed]\n{proc.stderr}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def merge(best: dict | None, new: dict) -> dict:
    """Keep the fastest time of each figure over rounds (and the largest check gap)."""
    if best is None:
        return dict(new)
    for k, v in new.items():
        if k.endswith("/check"):
            best[k] = max(best[k], v)
        elif isinstance(v, float):
            best[k] = min(best[k], v)
    return best


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


def table(threads: int, ours: dict, theirs: dict | None) -> list[str]:
    """The printed table for one thread count, and the verdict lines under it."""
    lines = [f"threads per framework: {threads}   ({ours['blas']})"]
    head = (
        f"{'network':<36} {'helpers f64':>12} {'helpers f32':>12} {'train() f64':>12} "
        f"{'torch f64':>11} {'torch f32':>11} {'f64 ratio':>9} {'f32 ratio':>9} {'goal':>6}"
    )
    lines += [head, "-" * len(head)]
    verdicts = []
    for name, spec in NETS.items():
        label = "-".join(map(str, spec["sizes"])) + f" {spec['activation']}/{spec['output']}"
        label += f", n={spec['n']}"
        loop, loop32, tr = ours[f"{name}/loop"], ours[f"{name}/loop32"], ours[f"{name}/train"]
        f64 = theirs[f"{name}/torch_f64"] if theirs else None
        f32 = theirs[f"{name}/torch_f32"] if theirs else None
        r64 = f"{loop / f64:.2f}x" if f64 else "-"
        r32 = f"{loop32 / f32:.2f}x" if f32 else "-"
        lines.append(
            f"{label:<36} {fmt_ms(loop):>12} {fmt_ms(loop32):>12} {fmt_ms(tr):>12} "
            f"{fmt_ms(f64):>11} {fmt_ms(f32):>11} {r64:>9} {r32:>9} "
            f"{'<=' + format(GOALS[name], 'g') + 'x':>6}"
        )
        line = f"  {label}: train() costs {tr / loop:.1f}x the plain loop"
        faults = f"{ours[f'{name}/loop/faults']:.0f}"
        if theirs:
            faults += f" (torch float64: {theirs[f'{name}/torch_f64/faults']:.0f})"
        line += f"; page faults per epoch {faults}"
        if f64:
            met = ["met" if r <= GOALS[name] else "NOT met" for r in (loop / f64, loop32 / f32)]
            gap = theirs[f"{name}/check"]
            line += (
                f"; goal <= {GOALS[name]:g}: float64 {met[0]}, float32 {met[1]}; "
                f"losses equal torch's to {gap:.0e}"
            )
            if gap > SAME_LOSS:
                line += f"  WARNING: more than {SAME_LOSS:g}, not the same computation"
        verdicts.append(line)
        verdicts.append(products_line(name, label, ours, theirs))
    return lines + verdicts


def products_line(name: str, label: str, ours: dict, theirs: dict | None) -> str:
    """How much of an epoch is the matrix products (numpy's BLAS, and PyTorch's) and how much
    the rest: the part of the ratio that the helpers' own code decides."""
    p64, p32 = ours[f"{name}/products"], ours[f"{name}/products32"]
    rest = ours[f"{name}/loop"] - p64
    line = (
        f"  {label}: matrix products alone {fmt_ms(p64)} f64 / {fmt_ms(p32)} f32 in numpy; "
        f"the rest of the helpers' f64 epoch {fmt_ms(rest)}"
    )
    if theirs:
        t64, t32 = theirs[f"{name}/torch_products"], theirs[f"{name}/torch_products32"]
        their_rest = theirs[f"{name}/torch_f64"] - t64
        line += (
            f"; in torch {fmt_ms(t64)} / {fmt_ms(t32)}, the rest {fmt_ms(their_rest)}"
            f"; numpy's products / torch's: {p64 / t64:.2f}x f64, {p32 / t32:.2f}x f32"
        )
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads",
        type=int,
        action="append",
        help="threads per framework (repeatable); default: 1 and every core",
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per setting")
    parser.add_argument("--quick", action="store_true", help="one round, fewer repeats")
    parser.add_argument(
        "--torch-python",
        default=sys.executable,
        help="the Python interpreter that runs PyTorch (default: this one)",
    )
    parser.add_argument("--worker", choices=["helpers", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    cores = os.cpu_count() or 1

    if args.worker == "helpers":
        print(json.dumps(worker_helpers(args.quick)))
        return 0
    if args.worker == "torch":
        print(json.dumps(worker_torch(args.quick, (args.threads or [cores])[0])))
        return 0

    thread_counts = args.threads or sorted({1, cores})
    rounds = 1 if args.quick else max(args.rounds, 1)
    has_torch = _can_import_torch(args.torch_python)
    results = {}
    for threads in thread_counts:
        ours = theirs = None
        for _ in range(rounds):  # alternate the frameworks so both see the same machine load
            new = child("helpers", threads, args.quick)
            if new is None:
                return 1
            ours = merge(ours, new)
            if has_torch:
                new = child("torch", threads, args.quick, args.torch_python)
                theirs = merge(theirs, new) if new is not None else theirs
        results[threads] = (ours, theirs)

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    first = results[thread_counts[0]]
    print("One full-batch training epoch: forward + backward + SGD update")
    print(f"(fastest of {rounds} alternating rounds x several repeats per figure)")
    print(
        f"machine: {platform.machine()}, {cores} cores"
        + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else "")
        + f"; Python {platform.python_version()}; numpy {first[0]['numpy']}"
        + (f"; torch {first[1]['torch']} (CPU)" if first[1] else "")
    )
    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    coretype = {k: os.environ[k] for k in names if k in os.environ}
    print(
        "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: "
        + (", ".join(f"{k}={v}" for k, v in coretype.items()) if coretype else "not set")
        + " (left as found)"
    )
    for threads in thread_counts:
        print()
        print("\n".join(table(threads, *results[threads])))
    print()
    if not has_torch:
        print(
            "PyTorch is not importable by the interpreter given: helpers figures only. To "
            "compare, pass --torch-python with an interpreter that has torch and numpy."
        )
    return 0


def _can_import_torch(python: str) -> bool:
    """True if ``python`` can import torch (this interpreter is asked without a child)."""
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        return importlib.util.find_spec("torch") is not None
    try:
        proc = subprocess.run([python, "-c", "import torch"], capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


if __name__ == "__main__":
    sys.exit(main())
