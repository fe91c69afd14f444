"""Notebook 04: the variance argument behind LeCun, Xavier/Glorot and He/Kaiming.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import _validate, activations, diagnostics, theory
from .. import init as schemes
from ..mlp import MLP
from ..theory import SECOND_MOMENT_FACTOR  # noqa: F401  (re-exported by helpers.lessons)
from .scale import gaussian_inputs

# ---------------------------------------------------------------------------- 04 Xavier and He


def variance_rules(*, seed: int = 0) -> list:
    """Check the three rules behind every variance-preserving scheme by sampling.

    1. A sum of ``fan_in`` independent products with zero-mean weights:
       ``Var(z) = fan_in * Var(w) * E[x^2]`` (``= fan_in Var(w) Var(x)`` for zero-mean ``x``);
       here ``fan_in = 400``, ``w ~ N(0, 0.05^2)``, ``x ~ N(0, 2^2)``, so 400 * 0.0025 * 4 = 4.
    2. The variance of U(-a, a) is ``a^2 / 3`` (``a = 0.3``: 0.03), which turns a std into the
       bound of a uniform scheme, ``a = sqrt(3) * std``.
    3. ReLU keeps half of the second moment of a symmetric input: ``E[relu(z)^2] = Var(z) / 2``
       (``z ~ N(0, 2^2)``: 2).

    Returns
    -------
    list of (rule, measured, theory)
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 2.0, size=(2000, 400))
    W = rng.normal(0.0, 0.05, size=(400, 200))
    u = rng.uniform(-0.3, 0.3, size=200_000)
    z = rng.normal(0.0, 2.0, size=200_000)
    return [
        ("Var(z) = fan_in Var(w) Var(x)", float(np.var(X @ W)), 400 * 0.05**2 * 2.0**2),
        ("Var(U(-a, a)) = a^2 / 3, a = 0.3", float(np.var(u)), 0.3**2 / 3.0),
        ("E[relu(z)^2] = Var(z) / 2", float(np.mean(activations.relu(z) ** 2)), 2.0**2 / 2.0),
    ]


def _measure_flow(model: MLP, X: np.ndarray, *, seed: int) -> dict:
    """Forward statistics of every hidden layer, and the std of a random N(0, 1) signal sent back
    from the output (seeded) as it reaches each hidden layer's outputs
    (:func:`helpers.diagnostics.model_signal_flow`)."""
    signal = np.random.default_rng(seed + 1).normal(size=(X.shape[0], model.sizes[-1]))
    flow = diagnostics.model_signal_flow(model, X, signal)
    return {
        "z_std": np.array([diagnostics.std(Z) for Z in flow.pre]),
        "a_std": np.array([diagnostics.std(A) for A in flow.post]),
        "a_rms": np.array([diagnostics.rms(A) for A in flow.post]),
        "saturated": np.array(
            [diagnostics.saturated_fraction(Z, model.activation) for Z in flow.pre]
        ),
        "grad_std": np.array([diagnostics.std(g) for g in flow.grads]),
        "grad_input": diagnostics.std(flow.grad_input),
    }


def signal_profile(
    init: str,
    activation: str,
    *,
    depth: int = 10,
    width: int = 512,
    scale: float = 1.0,
    n_samples: int = 128,
    seed: int = 0,
) -> dict:
    """How the signal's size changes through a deep, square network, forward and backward.

    The network has ``depth`` hidden layers of ``width`` units and a linear output of ``width``
    units, weights from ``init`` times ``scale``, zero biases; inputs are N(0, 1)
    (:func:`gaussian_inputs`, shape ``(n_samples, width)``). Backwards, an N(0, 1) signal enters at
    the output, as in :func:`helpers.diagnostics.backward_std`.

    Returns
    -------
    dict of arrays of shape (depth,), index 0 = hidden layer 1:
        ``z_std``, ``a_std``, ``a_rms`` (root mean square of the activations, the square root of
        their second moment), ``saturated`` (tanh/sigmoid), ``grad_std`` (std of ``dA_l``);
        ``grad_input`` (float, the gradient reaching the inputs);
        ``theory_z``, ``theory_a`` (predicted ``a_rms``), ``theory_grad``: the small-signal
        variance rule the schemes are derived from (exact in expectation for linear and ReLU
        units, ``tanh z ~ z`` for tanh; None for sigmoid), also whole as ``small_signal``
        (a :class:`helpers.theory.SignalTheory`, or None); ``mean_field``: the mean-field
        prediction (:mod:`helpers.theory`; None for ``zeros`` and ``constant``), which is the
        same for linear and ReLU units and follows the real tanh; ``init``, ``scale`` and
        ``activation`` as the network was built. The network itself is not
        kept: its weights are ``depth`` times ``width``² numbers, more than every other number
        here, and a notebook holding many profiles would hold them all.
    """
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    sizes = [width] * (depth + 2)
    model = MLP(sizes, activation=activation, output="linear", init=init, scale=scale, seed=seed)
    out = _measure_flow(model, gaussian_inputs(n_samples, width, seed=seed), seed=seed)
    out.update(init=model.init, scale=model.scale, activation=model.activation)
    small = None
    if activation in SECOND_MOMENT_FACTOR:
        small = theory.scheme_flow(init, sizes, activation, scale=scale, rule="small_signal")
    out["small_signal"] = small
    out["mean_field"] = theory.scheme_flow(init, sizes, activation, scale=scale)
    out["theory_z"], out["theory_a"], out["theory_grad"] = (
        (None,) * 3 if small is None else (small.z_std, small.a_rms, small.grad_std)
    )
    return out


TANH_CASES = (
    ("0.01 N(0,1)", "normal", 0.01),
    ("N(0,1)", "normal", 1.0),
    ("LeCun", "lecun_normal", 1.0),
    ("Xavier", "xavier_normal", 1.0),
)
"""(label, scheme, scale) of the deep tanh experiment of notebook 04."""


def format_profiles(profiles: dict, layers=(1, 5, 10), *, rms: bool = False) -> str:
    """A table of :func:`signal_profile` results, one line per label: the activations' std (or
    root mean square, ``rms=True``) at ``layers`` (1-based), the saturated fraction of the last
    layer, and the gradient's std at layer 1 and at the last layer. Values to 3 significant
    digits."""
    what = "RMS" if rms else "std"
    w = max(len(label) for label in profiles) + 1
    head = "".join(f"{f'{what}(A_{l})':>10}" for l in layers)
    lines = [f"{'':<{w}}{head}{'saturated':>10}{'grad at 1':>10}{'grad at L':>10}"]
    for label, p in profiles.items():
        a = p["a_rms"] if rms else p["a_std"]
        cols = "".join(f"{a[l - 1]:>10.3g}" for l in layers)
        g = p["grad_std"]
        lines.append(f"{label:<{w}}{cols}{p['saturated'][-1]:>10.1%}{g[0]:>10.3g}{g[-1]:>10.3g}")
    return "\n".join(lines)


def format_theories(profiles: dict, layers=(1, 5, 10)) -> str:
    """Measured against both theories, for each :func:`signal_profile` in ``profiles``: three
    lines per label, the measurement, the small-signal rule (``theory_*``, what the schemes'
    derivations use) and the mean-field prediction (``mean_field``, the real activation), with
    the std of the activations at ``layers`` (1-based) and of the gradient at layer 1 and at the
    last layer. Values to 3 significant digits; "-" where a theory has no value."""
    w = max(len(label) for label in profiles) + 2
    head = "".join(f"{f'std(A_{l})':>10}" for l in layers)
    lines = [f"{'':<{w}}{'':<18}{head}{'grad at 1':>10}{'grad at L':>10}"]
    for label, p in profiles.items():
        small, mean_field = p["small_signal"], p["mean_field"]
        rows = [
            ("measured", p["a_std"], p["grad_std"]),
            ("small-signal rule", *((small.a_std, small.grad_std) if small else (None, None))),
            (
                "mean field",
                *((mean_field.a_std, mean_field.grad_std) if mean_field else (None,) * 2),
            ),
        ]
        for i, (what, a, g) in enumerate(rows):
            values = [None] * (len(layers) + 2) if a is None else [a[l - 1] for l in layers]
            values[len(layers) :] = [None, None] if g is None else [g[0], g[-1]]
            cols = "".join(f"{'-':>10}" if v is None else f"{v:>10.3g}" for v in values)
            lines.append(f"{label if i == 0 else '':<{w}}{what:<18}{cols}")
    return "\n".join(lines)


FAN_MODES = ("fan_in", "fan_out", "fan_avg")
"""Which fan sets the weight variance ``1 / n``: LeCun's forward condition (``fan_in``), the
backward condition (``fan_out``), or Glorot & Bengio's compromise (``fan_avg``, the average,
i.e. ``2 / (fan_in + fan_out)``). The names are Keras's ``VarianceScaling`` modes."""


def funnel_profile(
    mode: str,
    *,
    sizes=(1024, 512, 256, 128, 64, 32, 16),
    n_samples: int = 128,
    seed: int = 0,
) -> dict:
    """Forward and backward std through a *linear* network whose layers halve in width.

    Weights are N(0, 1/n) with ``n`` the layer's ``fan_in``, ``fan_out`` or their average
    (``mode``, see :data:`FAN_MODES`). With equal widths the three coincide; here they differ,
    and a linear network makes the variance rule exact (in expectation), so the measurement can be
    compared with the prediction layer by layer.

    Returns
    -------
    dict
        ``z_std`` and ``grad_std`` (shape (L-1,), hidden layers 1..L-1), their predictions
        ``theory_z`` and ``theory_grad``, and the per-layer factors ``forward_factor``
        (``sqrt(fan_in / n)``) and ``backward_factor`` (``sqrt(fan_out / n)``).
    """
    mode = _validate.choice(mode, FAN_MODES, "mode")
    sizes = [_validate.positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    model = MLP(sizes, activation="linear", output="linear", init="normal", seed=seed)
    rng = np.random.default_rng(seed)
    fans = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        model.weights[i] = rng.normal(0.0, np.sqrt(1.0 / n), size=(fan_in, fan_out))
        fans.append((fan_in, fan_out, n))
    out = _measure_flow(model, gaussian_inputs(n_samples, sizes[0], seed=seed), seed=seed)
    stds = [np.sqrt(1.0 / n) for _, _, n in fans]
    th = theory.variance_flow(sizes, stds, "linear", rule="small_signal")  # exact: linear
    return {
        "z_std": out["z_std"],
        "grad_std": out["grad_std"],
        "theory_z": th.z_std,
        "theory_grad": th.grad_std,
        "forward_factor": np.array([np.sqrt(a / n) for a, _, n in fans]),
        "backward_factor": np.array([np.sqrt(b / n) for _, b, n in fans]),
    }


GAIN_CASES = (
    ("tanh", "xavier_normal", 1.0, "Xavier"),
    ("tanh", "xavier_normal", 5.0 / 3.0, "Xavier x gain 5/3"),
    ("tanh", "he_normal", 1.0, "He (mismatch)"),
    ("relu", "xavier_normal", 1.0, "Xavier (mismatch)"),
    ("relu", "xavier_normal", float(np.sqrt(2.0)), "Xavier x gain sqrt 2"),
    ("relu", "he_normal", 1.0, "He"),
)
"""(activation, scheme, scale, label) of the gain experiment of notebook 04."""


def gain_experiment(*, depth: int = 30, width: int = 256, n_samples: int = 128, seed: int = 0):
    """Each case of :data:`GAIN_CASES` through ``depth`` square layers: what a mismatched scheme
    does and what the gain fixes.

    Returns
    -------
    list of dict
        Per case: ``activation``, ``label``, ``scale``, ``a_rms_last`` (root mean square of the
        last hidden layer's activations), ``saturated_last``, ``grad_first`` (std of the
        gradient reaching hidden layer 1) and the full ``profile``
        (:func:`signal_profile`).
    """
    rows = []
    for activation, init, scale, label in GAIN_CASES:
        p = signal_profile(
            init,
            activation,
            depth=depth,
            width=width,
            scale=scale,
            n_samples=n_samples,
            seed=seed,
        )
        rows.append(
            {
                "activation": activation,
                "label": label,
                "scale": scale,
                "a_rms_last": float(p["a_rms"][-1]),
                "saturated_last": float(p["saturated"][-1]),
                "grad_first": float(p["grad_std"][0]),
                "profile": p,
            }
        )
    return rows


def weight_statistics(W, scheme: str, fan_in: int, fan_out: int) -> dict:
    """Compare a drawn matrix with what ``scheme`` should give (used by the checks of notebook 04).

    Returns
    -------
    dict
        ``std`` and ``expected_std``, ``ratio`` (their quotient), ``mean`` with its standard error
        ``mean_se``, ``max_abs``, ``bound`` (uniform schemes; else None) and ``excess_kurtosis``
        (-1.2 for a uniform distribution, 0 for a normal one).
    """
    W = np.asarray(W, dtype=np.float64)
    expected = schemes.std(scheme, fan_in, fan_out)
    s = float(np.std(W))
    centred = W - W.mean()
    kurt = float(np.mean(centred**4) / s**4 - 3.0) if s > 0 else float("nan")
    uniform = scheme in ("uniform", "lecun_uniform", "xavier_uniform", "he_uniform")
    return {
        "std": s,
        "expected_std": expected,
        "ratio": s / expected if expected > 0 else float("nan"),
        "mean": float(W.mean()),
        "mean_se": expected / np.sqrt(W.size),
        "max_abs": float(np.max(np.abs(W))),
        "bound": schemes.bound(scheme, fan_in, fan_out) if uniform else None,
        "excess_kurtosis": kurt,
    }
