"""Notebook 06, claims 5-10: what the schemes prescribe, how large the weights may be, what
restarts achieve and what the libraries do by default; each claim put to an experiment.

Part of :mod:`helpers.lessons`; see its docstring. The :class:`Claim` record and claims 1-4 are
in :mod:`.claims`.
"""

from __future__ import annotations

import numpy as np

from .. import activations, diagnostics
from .. import init as schemes
from ..mlp import MLP
from ..train import train
from .claims import Claim
from .restarts import RestartSweep, restart_sweep
from .scale import gaussian_inputs
from .training import comparison_data
from .variance import signal_profile

# ---------------------------------------------------------------------------- 06 claims 5-10


def claim_xavier_fan_in() -> Claim:
    """Claim 5: "Xavier sets the weights inversely proportional to the square root of the number
    of neurons in the previous layer."  That is LeCun's rule; Xavier uses fan_in + fan_out."""
    shapes = [(100, 400), (400, 100), (256, 256)]
    xavier = {f"{a}x{b}": schemes.std("xavier_normal", a, b) for a, b in shapes}
    prev = {f"{a}x{b}": 1.0 / np.sqrt(a) for a, b in shapes}
    same = {k: bool(np.isclose(xavier[k], prev[k])) for k in xavier}
    evidence = {
        "Xavier std sqrt(2/(fan_in+fan_out))": xavier,
        "1/sqrt(fan_in) (LeCun)": prev,
        "equal": same,
    }
    verdict = "false" if not all(same.values()) else "true"
    return Claim(
        "5",
        "Xavier sets the weights inversely proportional to the square root of the number of "
        "neurons in the previous layer.",
        "Xavier std = 1/sqrt(previous layer width)",
        verdict,
        "that is LeCun's rule (and the 'commonly used heuristic' U(+-1/sqrt(n)) that Glorot & "
        "Bengio compare against); Xavier averages fan_in and fan_out, and agrees with LeCun only "
        "when they are equal",
        evidence,
    )


def claim_small_weights(*, seed: int = 0) -> Claim:
    """Claim 6: "Weights must be small random numbers."

    N(0, 0.01^2) against Xavier in a 10-layer tanh network of width 256 (signal size), and a
    ``2-[32 x 6]-1`` tanh network trained on the moons (600 epochs, lr 0.3); the He std for
    ``fan_in`` 2 and 512.
    """
    small = signal_profile("normal", "tanh", depth=10, width=256, scale=0.01, seed=seed)
    xav = signal_profile("xavier_normal", "tanh", depth=10, width=256, seed=seed)
    X, _, y, _ = comparison_data("moons", seed=seed)
    acc = {}
    for label, init, scale in (("N(0,0.01^2)", "normal", 0.01), ("Xavier", "xavier_normal", 1.0)):
        model = MLP([2] + [32] * 6 + [1], activation="tanh", init=init, scale=scale, seed=seed)
        acc[label] = train(model, X, y, epochs=600, lr=0.3, record_layers=False).final_accuracy
    evidence = {
        "std of layer-10 activations, N(0,0.01^2) vs Xavier": [
            small["a_std"][-1],
            xav["a_std"][-1],
        ],
        "6 hidden layers on the moons, train accuracy": acc,
        "He std for fan_in = 2 and 512": [
            schemes.std("he_normal", 2, 1),
            schemes.std("he_normal", 512, 1),
        ],
    }
    fails = small["a_std"][-1] < 1e-5 and acc["N(0,0.01^2)"] < acc["Xavier"] - 0.05
    return Claim(
        "6",
        "Weights must be small random numbers.",
        "weights must be small random numbers",
        "it depends" if fails else "true",
        "random, yes (to break the symmetry); 'small' is relative: too small kills the signal in "
        "a deep network, and the right std is about gain / sqrt(fan_in) - 1.0 for a layer with "
        "2 inputs, 0.06 for one with 512",
        evidence,
    )


def claim_global_optimum(sweep: RestartSweep | None = None) -> Claim:
    """Claim 7: "Random initialisation lets us escape local optima and reach the global optimum."

    Uses :func:`restart_sweep` (24 seeds of a ``2-3-1`` ReLU network on circles).
    """
    sweep = restart_sweep() if sweep is None else sweep
    stuck = sweep.stuck()
    evidence = {
        "seeds": len(sweep.seeds),
        "stuck (final loss > 0.3)": int(stuck.sum()),
        "final loss: best, median, worst": [
            float(sweep.final_loss.min()),
            float(np.median(sweep.final_loss)),
            float(sweep.final_loss.max()),
        ],
        "groups whose best run succeeds, 1 run / 3 runs": [sweep.best_of(1), sweep.best_of(3)],
    }
    helps = sweep.best_of(3) > sweep.best_of(1)
    verdict = "false" if stuck.any() else "it depends"
    return Claim(
        "7",
        "Random initialisation lets us escape local optima and reach the global optimum.",
        "random init reaches the global optimum",
        verdict,
        "different seeds end in different places and some get stuck; keeping the best of several "
        + ("restarts helps" if helps else "restarts did not help here")
        + ", but nothing guarantees (or certifies) a global optimum; random starts exist to break "
        "the symmetry",
        evidence,
        extra={"sweep": sweep},
    )


def claim_bias_defaults(*, fan_in: int = 64, fan_out: int = 32, seed: int = 0) -> Claim:
    """Claim 8: "Bias weights are zero by default." Keras ``Dense`` yes (``bias_initializer=
    'zeros'``); PyTorch ``nn.Linear`` no (U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""
    torch_b = MLP([fan_in, fan_out], output="linear", bias="torch", seed=seed).biases[0]
    keras_b = MLP([fan_in, fan_out], output="linear", bias="zeros", seed=seed).biases[0]
    bound = 1.0 / np.sqrt(fan_in)
    evidence = {
        "nn.Linear-style biases: non-zero, all within +-1/sqrt(fan_in)": [
            int(np.count_nonzero(torch_b)),
            bool(np.all(np.abs(torch_b) <= bound)),
        ],
        "Dense-style biases: non-zero": int(np.count_nonzero(keras_b)),
    }
    differs = np.count_nonzero(torch_b) > 0 and np.count_nonzero(keras_b) == 0
    return Claim(
        "8",
        "Bias weights are zero by default.",
        "biases are zero by default",
        "it depends" if differs else "true",
        "on the library: Keras's Dense starts them at 0, PyTorch's nn.Linear draws them from "
        "U(-1/sqrt(fan_in), 1/sqrt(fan_in))",
        evidence,
    )


def sigmoid_scale_experiment(
    scales=(1.0, 16.0), *, depth: int = 5, width: int = 256, n_samples: int = 500, seed: int = 0
) -> dict:
    """Saturation and gradients in a deep sigmoid network at two weight scales.

    ``depth`` hidden sigmoid layers of ``width`` units, weights LeCun-normal times each scale, zero
    biases, N(0, 1) inputs and random 0/1 labels (binary cross-entropy; seeded).

    Returns
    -------
    dict: scale -> dict
        ``saturated`` (fraction, all hidden layers), ``mean_slope`` (mean sigmoid'(z)),
        ``grad_first`` (norm of the loss gradient for the first layer's weights) and
        ``grad_last`` (for the output layer's).
    """
    X = gaussian_inputs(n_samples, width, seed=seed)
    y = (np.random.default_rng(seed + 1).random(n_samples) < 0.5).astype(np.float64)
    out = {}
    for s in scales:
        model = MLP(
            [width] * (depth + 1) + [1],
            activation="sigmoid",
            init="lecun_normal",
            scale=s,
            seed=seed,
        )
        _, cache = model.forward(X)
        grads = model.backward(cache, y)
        Z = np.concatenate([cache.pre[l].ravel() for l in range(1, depth + 1)])
        out[float(s)] = {
            "saturated": diagnostics.saturated_fraction(Z, "sigmoid"),
            "mean_slope": float(np.mean(activations.sigmoid_prime(Z))),
            "grad_first": diagnostics.norm(grads.dW[0]),
            "grad_last": diagnostics.norm(grads.dW[-1]),
        }
    return out


def claim_sigmoid_saturation(*, seed: int = 0) -> Claim:
    """Claim 9: "Large weights make sigmoid saturate, so gradients vanish." Measured forward
    (saturation) and backward (gradient norms) by :func:`sigmoid_scale_experiment`, and in
    training: a ``2-32-32-32-1`` sigmoid network on the moons, Xavier vs 16 x Xavier."""
    m = sigmoid_scale_experiment(seed=seed)
    X, _, y, _ = comparison_data("moons", seed=seed)
    acc = {}
    for s in (1.0, 16.0):
        model = MLP(
            [2, 32, 32, 32, 1], activation="sigmoid", init="xavier_normal", scale=s, seed=seed
        )
        acc[f"x{s:g}"] = train(model, X, y, epochs=600, lr=0.5, record_layers=False).final_accuracy
    evidence = {
        "saturated fraction, scale 1 vs 16": [m[1.0]["saturated"], m[16.0]["saturated"]],
        "mean sigmoid'(z), scale 1 vs 16": [m[1.0]["mean_slope"], m[16.0]["mean_slope"]],
        "first-layer gradient norm, scale 1 vs 16": [m[1.0]["grad_first"], m[16.0]["grad_first"]],
        "moons, 3 sigmoid layers, train accuracy (Xavier x1, x16)": acc,
    }
    saturates = m[16.0]["saturated"] > 0.5 and m[16.0]["mean_slope"] < 0.5 * m[1.0]["mean_slope"]
    vanish = m[16.0]["grad_first"] < m[1.0]["grad_first"]
    verdict = "true" if saturates and vanish else ("it depends" if saturates else "false")
    return Claim(
        "9",
        "Large weights make sigmoid saturate, so gradients vanish.",
        "large weights: sigmoid saturates, gradients vanish",
        verdict,
        "the saturation is real and each unit's own slope collapses, but the backward pass also "
        "multiplies by the large weights: here the first layer's gradient is larger, not smaller; "
        "what makes deep sigmoid gradients vanish is a gain of 1 (Xavier, LeCun) for a unit "
        "whose slope is at most 1/4",
        evidence,
    )


def claim_orthogonal(
    *, depth: int = 50, width: int = 64, n_samples: int = 256, seed: int = 0
) -> Claim:
    """Claim 10: "Orthogonal initialisation keeps the size of every input exactly, however deep
    the (linear) network." Saxe, McClelland & Ganguli (2013)."""
    X = gaussian_inputs(n_samples, width, seed=seed)
    ratios = {}
    for init in ("orthogonal", "lecun_normal"):
        model = MLP(
            [width] * (depth + 1) + [width],
            activation="linear",
            output="linear",
            init=init,
            seed=seed,
        )
        out, _ = model.forward(X)
        r = np.linalg.norm(out, axis=1) / np.linalg.norm(X, axis=1)
        ratios[init] = [float(r.min()), float(r.max())]
    evidence = {f"|output| / |input| over {n_samples} inputs, min and max": ratios}
    exact = max(abs(v - 1.0) for v in ratios["orthogonal"]) < 1e-9
    return Claim(
        "10",
        "Orthogonal initialisation keeps the size of every input exactly, however deep the "
        "linear network.",
        "orthogonal init preserves every input's norm",
        "true" if exact else "false",
        "an orthogonal matrix is a rotation (or reflection): every product of them is one too; "
        "Gaussian weights keep the size only on average, and the spread grows with depth",
        evidence,
    )
