"""Notebook 09: signal propagation, the edge of chaos measured in real networks.

The mean-field theory of :mod:`helpers.meanfield` against wide networks of
:class:`helpers.mlp.MLP`: the critical line, the length and correlation of two inputs through
depth, the depth scale ``xi_c``. The trainability experiment, dynamical isometry, LSUV and muP
are in :mod:`.signal_training`.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from threadpoolctl import threadpool_limits

from .. import _validate, meanfield
from ..mlp import MLP


def one_blas_thread(fn):
    """Run ``fn`` with numpy's matrix products on one BLAS thread: these experiments multiply
    small matrices, where extra threads gain little and, on a busy two-core machine, lose a
    factor of ten."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return wrapper


CRITICAL_BIAS_VARIANCES = (0.01, 0.05, 0.1, 0.3)
"""The ``sigma_b^2`` at which :func:`critical_line` reports the critical ``sigma_w^2``."""


def critical_line(activation: str = "tanh", bias_variances=CRITICAL_BIAS_VARIANCES) -> dict:
    """``sigma_b^2 -> critical sigma_w^2`` (``chi1 = 1``): :func:`meanfield.critical_sigma_w`."""
    return {
        float(v): meanfield.critical_sigma_w(activation, math.sqrt(v)) ** 2 for v in bias_variances
    }


def format_critical_line(line: dict) -> str:
    rows = [f"sigma_b^2 = {v:<5g} critical sigma_w^2 = {w:.3f}" for v, w in line.items()]
    return "\n".join(rows)


def input_pair(q0: float, c0: float, n: int, *, seed: int = 0) -> np.ndarray:
    """Two inputs (rows) of ``n`` entries with ``sum(x^2) / n = q0`` and correlation ``c0``
    exactly (a random pair of directions, made orthonormal, then mixed)."""
    n = _validate.positive_int(n, "n", minimum=2)
    q0 = _validate.real(q0, "q0", positive=True)
    c0 = _validate.real(c0, "c0", minimum=-1.0)
    if c0 > 1.0:
        raise ValueError(f"c0 must be a correlation in [-1, 1]; got {c0}")
    g = np.random.default_rng(seed).normal(size=(n, 2))
    e, _ = np.linalg.qr(g)
    x1 = e[:, 0]
    x2 = c0 * e[:, 0] + math.sqrt(1.0 - c0 * c0) * e[:, 1]
    return math.sqrt(q0 * n) * np.stack([x1, x2])


@functools.lru_cache(maxsize=16)
def measured_propagation(activation, sigma_w, sigma_b, *, q0=1.0, c0=0.5, depth=20, width=1000,
                         seed=0) -> dict:  # fmt: skip
    """Length ``q`` and correlation ``c`` of the pre-activations of two inputs through a real
    network, and the mean-field prediction (:func:`meanfield.propagate`).

    The network: ``MLP([width] * (depth + 1) + [1])`` with ``lecun_normal`` weights at scale
    ``sigma_w`` (so ``Var(W) * fan_in = sigma_w^2``) and N(0, sigma_b^2) biases. Returns arrays
    of shape ``(depth + 1,)`` (index 0: the inputs): ``q`` (mean over units and the two inputs
    of ``Z^2``), ``c`` (cosine of the two inputs' ``Z``), ``q_theory``, ``c_theory``.
    """
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width", minimum=2)
    bias = {"bias": "normal", "bias_scale": sigma_b} if sigma_b > 0 else {"bias": 0.0}
    model = MLP([width] * (depth + 1) + [1], activation=activation, init="lecun_normal",
                scale=sigma_w, seed=seed, output="linear", **bias)  # fmt: skip
    X = input_pair(q0, c0, width, seed=seed + 1)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        _, cache = model.forward(X)
        Zs = [X] + [cache.pre[l] for l in range(1, depth + 1)]
        q = np.array([float(np.mean(Z * Z)) for Z in Zs])
        norms = [np.linalg.norm(Z, axis=1) for Z in Zs]
        c = np.array([float(Z[0] @ Z[1] / (n[0] * n[1])) for Z, n in zip(Zs, norms)])
    q_th, c_th = meanfield.propagate(activation, sigma_w, sigma_b, q0=q0, c0=c0, depth=depth)
    for a in (q, c, q_th, c_th):
        a.flags.writeable = False  # kept (lru_cache): the agreement table and the curves share it
    return {"q": q, "c": c, "q_theory": q_th, "c_theory": c_th}


@one_blas_thread
def propagation_agreement(settings=None, *, depth=20, width=1000, seeds=(0, 1, 2)) -> list[dict]:
    """For each ``(label, activation, sigma_w^2, sigma_b^2)``: the largest relative error of the
    measured ``q`` and the largest absolute error of ``c`` against theory over the layers,
    median and range over ``seeds``; plus ``xi_c`` of the setting."""
    rows = []
    for label, act, w2, b2 in PROPAGATION_SETTINGS if settings is None else settings:
        sw, sb = math.sqrt(w2), math.sqrt(b2)
        dq, dc = [], []
        for s in seeds:
            m = measured_propagation(act, sw, sb, depth=depth, width=width, seed=s)
            dq.append(float(np.max(np.abs(m["q"] / m["q_theory"] - 1.0))))
            dc.append(float(np.max(np.abs(m["c"] - m["c_theory"]))))
        rows.append({"label": label, "xi_c": meanfield.depth_scales(act, sw, sb).xi_c,
                     "dq": _spread(dq), "dc": _spread(dc)})  # fmt: skip
    return rows


def _spread(values) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    return float(np.median(v)), float(v.min()), float(v.max())


def format_agreement(rows) -> str:
    out = [f"{'setting':<26}{'xi_c':>8}  max |q/q_th - 1|        max |c - c_th|"]
    for r in rows:
        xi = "inf" if math.isinf(r["xi_c"]) else f"{r['xi_c']:.1f}"
        q, c = r["dq"], r["dc"]
        out.append(f"{r['label']:<26}{xi:>8}  {q[0]:.3f} ({q[1]:.3f}-{q[2]:.3f})"
                   f"    {c[0]:.3f} ({c[1]:.3f}-{c[2]:.3f})")  # fmt: skip
    return "\n".join(out)


PROPAGATION_SETTINGS = (
    ("tanh, ordered 1.2 / 0.05", "tanh", 1.2, 0.05),
    ("tanh, critical 1.76 / 0.05", "tanh", 1.76, 0.05),
    ("tanh, chaotic 3.0 / 0.05", "tanh", 3.0, 0.05),
)
"""``(label, activation, sigma_w^2, sigma_b^2)`` of notebook 09's section 2."""


@one_blas_thread
def correlation_curves(settings=PROPAGATION_SETTINGS, *, depth=20, width=1000, seed=0):
    """Per setting: ``(label, measured c, theory c)`` of :func:`measured_propagation`."""
    out = []
    for label, act, w2, b2 in settings:
        m = measured_propagation(act, math.sqrt(w2), math.sqrt(b2), depth=depth, width=width,
                                 seed=seed)  # fmt: skip
        out.append((label, m["c"], m["c_theory"]))
    return out


@functools.lru_cache(maxsize=4)
def phase_grid(activation: str = "tanh", *, n_w: int = 36, n_b: int = 16):
    """The phase diagram's numbers: ``sigma_w2`` (0.5..4), ``sigma_b2`` (0..0.3), ``xi_c``
    (:func:`meanfield.xi_c_map`) and the critical ``sigma_w^2`` per ``sigma_b^2``. Kept after
    the first call (about a second) for the notebook's figure and the phase explorer alike:
    the arrays are read-only."""
    w2 = np.linspace(0.5, 4.0, n_w)
    b2 = np.linspace(0.0, 0.3, n_b)
    xi = meanfield.xi_c_map(activation, w2, b2)
    crit = np.array([meanfield.critical_sigma_w(activation, math.sqrt(v)) ** 2 for v in b2])
    for a in (w2, b2, xi, crit):
        a.flags.writeable = False
    return {"sigma_w2": w2, "sigma_b2": b2, "xi_c": xi, "critical_w2": crit}
