"""Notebook 04: what the variance rule does not say. One finite network scatters around the
expectation the rule computes (over seeds, more with depth, less with width), and PyTorch's
default random bias takes over a deep ReLU stack.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import _validate, diagnostics, theory
from ..mlp import MLP
from .scale import gaussian_inputs
from .variance import signal_profile

# ---------------------------------------------------------------------------- 04 spread over seeds


def seed_spread(
    init: str = "he_normal",
    activation: str = "relu",
    *,
    depth: int = 30,
    width: int = 256,
    seeds=range(20),
    n_samples: int = 128,
) -> dict:
    """:func:`helpers.lessons.signal_profile` for many seeds: how far one network is from theory.

    Returns
    -------
    dict
        ``m2_last`` (per seed: second moment of the last hidden layer's activations),
        ``grad_first`` (per seed: std of the gradient reaching layer 1), both ndarrays of
        shape (len(seeds),); ``theory_m2``, ``theory_grad`` (the variance rule: the
        expectation); ``seeds``.
    """
    seeds = [_validate.positive_int(s, "seed", minimum=0) for s in seeds]
    m2, grad = [], []
    for seed in seeds:
        p = signal_profile(
            init, activation, depth=depth, width=width, n_samples=n_samples, seed=seed
        )
        m2.append(p["a_rms"][-1] ** 2)
        grad.append(p["grad_std"][0])
    return {
        "m2_last": np.array(m2),
        "grad_first": np.array(grad),
        "theory_m2": float(p["theory_a"][-1] ** 2),
        "theory_grad": float(p["theory_grad"][0]),
        "seeds": seeds,
    }


def format_seed_spread(s: dict) -> str:
    """Median, range and mean over the seeds of :func:`seed_spread`, against the theory."""
    rows = [
        ("second moment of A_L", s["m2_last"], s["theory_m2"]),
        ("gradient std at layer 1", s["grad_first"], s["theory_grad"]),
    ]
    head = f"over {len(s['seeds'])} seeds"
    lines = [f"{head:<24}" + "".join(f"{k:>8}" for k in ("median", "min", "max", "mean", "theory"))]
    for name, v, th in rows:
        stats = (np.median(v), v.min(), v.max(), v.mean(), th)
        lines.append(f"{name:<24}" + "".join(f"{x:>8.3g}" for x in stats))
    return "\n".join(lines)


def width_depth_spread(
    *, widths=(32, 64, 128, 256), depths=(10, 30), n_seeds: int = 16, n_samples: int = 64
) -> dict:
    """The scatter of a He-initialised ReLU network's last-layer second moment over seeds.

    For each depth and width: ``depth`` hidden ReLU layers of ``width`` units (He normal, zero
    biases), N(0, 1) inputs, seeds 0..n_seeds-1. Returns ``spread[depth]`` (ndarray over
    ``widths``): the std over seeds of log2 of the second moment (0 would be an exact rule);
    ``theory[depth]``: :func:`helpers.theory.relu_log2_spread` for one input; ``widths``.
    """
    n_seeds = _validate.positive_int(n_seeds, "n_seeds", minimum=2)
    spread, th = {}, {}
    for depth in depths:
        depth = _validate.positive_int(depth, "depth")
        row = []
        for width in widths:
            X = gaussian_inputs(n_samples, width, seed=0)
            logs = []
            for seed in range(n_seeds):
                model = MLP([width] * (depth + 1) + [1], activation="relu", init="he_normal",
                            seed=seed)  # fmt: skip
                _, cache = model.forward(X)
                logs.append(np.log2(diagnostics.rms(cache.post[depth]) ** 2))
            row.append(float(np.std(logs, ddof=1)))
        spread[depth] = np.array(row)
        th[depth] = np.array([theory.relu_log2_spread(depth, w) for w in widths])
    return {"spread": spread, "theory": th, "widths": list(widths)}


# ---------------------------------------------------------------------------- 04 nn.Linear default


def torch_linear_profile(*, depth: int = 10, width: int = 256, n_samples: int = 256, seed=0):
    """``nn.Linear`` + ReLU with PyTorch's default weights and biases, emulated, layer by layer.

    Weights ``he_uniform`` with ``scale = 1/sqrt(6)`` (bound ``1/sqrt(fan_in)``), biases
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (``bias="torch"``), or zero biases for comparison;
    N(0, 1) inputs. Each layer's activations ``A`` (n, width) are split into the part that is
    the same for every input, the column means ``mean(A, axis=0)``, and the input-dependent
    rest ``A - mean(A, axis=0)``.

    Returns
    -------
    dict
        ``"torch"`` and ``"zeros"`` (the bias), each a dict of arrays of shape (depth,):
        ``common`` (RMS of the column means), ``varying`` (RMS of the rest), ``cosine`` (mean
        cosine similarity of the activation vectors of two different inputs).
    """
    depth = _validate.positive_int(depth, "depth")
    X = gaussian_inputs(n_samples, width, seed=seed)
    out = {}
    for bias in ("torch", "zeros"):
        model = MLP([width] * (depth + 1) + [1], activation="relu", init="he_uniform",
                    scale=1 / np.sqrt(6), bias=bias, seed=seed)  # fmt: skip
        _, cache = model.forward(X)
        common, varying, cosine = [], [], []
        for A in cache.post[1 : depth + 1]:
            mean = A.mean(axis=0)
            common.append(diagnostics.rms(mean))
            varying.append(diagnostics.rms(A - mean))
            cosine.append(_mean_cosine(A))
        out[bias] = {k: np.array(v) for k, v in
                     (("common", common), ("varying", varying), ("cosine", cosine))}  # fmt: skip
    return out


def _mean_cosine(A: np.ndarray) -> float:
    """Mean cosine similarity between the rows of ``A`` (pairs of different rows); rows that are
    all zero count as 0."""
    norms = np.linalg.norm(A, axis=1)
    U = np.divide(A, norms[:, None], out=np.zeros_like(A), where=norms[:, None] > 0)
    G = U @ U.T
    n = A.shape[0]
    return float((G.sum() - np.trace(G)) / (n * (n - 1)))
