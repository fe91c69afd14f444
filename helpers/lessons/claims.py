"""Notebook 06: common claims about initialisation, each put to an experiment.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _validate, activations, diagnostics
from .. import data as datasets
from .. import init as schemes
from ..mlp import MLP
from ..train import train
from .restarts import RestartSweep, restart_sweep
from .scale import gaussian_inputs
from .symmetry import make_unbalanced
from .training import comparison_data
from .variance import signal_profile

# ---------------------------------------------------------------------------- 06 claims


VERDICTS = ("true", "false", "it depends")
"""The verdicts notebook 06 gives."""


@dataclass
class Claim:
    """A statement about initialisation, the numbers an experiment measured, and the verdict.

    ``verdict`` is one of :data:`VERDICTS` and is decided from ``evidence`` by the function that
    ran the experiment, so a change in the helpers that changes the evidence changes the verdict
    (and nbval and ``tests/test_lessons.py`` notice).
    """

    number: str
    statement: str
    short: str
    verdict: str
    because: str
    evidence: dict
    extra: dict = field(default_factory=dict)
    """Objects for figures (trained models, data), not part of the printed report."""

    def report(self) -> str:
        """The evidence, one ``name: value`` line each, then the verdict."""
        lines = []
        for k, v in self.evidence.items():
            lines.append(f"  {k}: {_fmt(v)}")
        return "\n".join([f"Claim {self.number}: {self.statement}", *lines, self.verdict_line()])

    def verdict_line(self) -> str:
        return f"Verdict: {self.verdict.upper()} - {self.because}"


def _fmt(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def claims_summary(claims) -> str:
    """The summary table of notebook 06: number, claim, verdict, where it is shown."""
    w = max(len(c.short) for c in claims)
    lines = [f"{'#':<3} {'claim':<{w}}  {'verdict':<10}  shown in", "-" * (w + 27)]
    for c in claims:
        lines.append(
            f"{c.number:<3} {c.short:<{w}}  {c.verdict:<10}  section {c.number.rstrip('ab')}"
        )
    return "\n".join(lines)


def _zero_net(X, y, activation: str, *, bias="zeros", bias_scale: float = 0.1, seed: int = 0):
    """A ``2-8-1`` network with zero weights (and ``bias``), trained 500 epochs at lr 0.5."""
    model = MLP(
        [2, 8, 1], activation=activation, init="zeros", bias=bias, bias_scale=bias_scale, seed=seed
    )
    start = model.get_params()
    history = train(model, X, y, epochs=500, lr=0.5)
    _, cache = model.forward(X)
    return {
        "model": model,
        "history": history,
        "moved": float(np.max(np.abs(model.weights[0] - start[0]))),
        "distinct": diagnostics.distinct_units(cache.post[1]),
        "dead": int(np.sum(np.all(cache.pre[1] <= 0, axis=0))) if activation == "relu" else 0,
    }


def claim_zero_weights(*, seed: int = 0) -> Claim:
    """Claim 1: "If all weights are zero, every neuron learns the same features."

    Zero weights and biases, ``2-8-1`` networks trained on moons with 160 vs 140 samples
    (:func:`make_unbalanced`: real data is rarely exactly balanced), then the same sigmoid
    network on 400 points with exactly 200 of each class.
    """
    X, y = make_unbalanced("moons", 160, 140, seed=seed)
    runs = {a: _zero_net(X, y, a) for a in ("sigmoid", "tanh", "relu")}
    Xb, yb = datasets.make_moons(400, rng=np.random.default_rng(seed))  # exactly balanced
    balanced = _zero_net(Xb, yb, "sigmoid")
    evidence = {
        "hidden weights moved (largest change)": {a: r["moved"] for a, r in runs.items()},
        "distinct hidden units of 8": {a: r["distinct"] for a, r in runs.items()},
        "train accuracy": {a: r["history"].final_accuracy for a, r in runs.items()},
        "sigmoid, exactly balanced classes: weights moved": balanced["moved"] > 1e-6,
    }
    sig, others = runs["sigmoid"], [runs["tanh"], runs["relu"]]
    same = sig["distinct"] == 1 and sig["moved"] > 0
    nothing = all(r["moved"] == 0.0 for r in others)
    verdict = "true" if same and nothing else "false"
    because = (
        "sigmoid units all learn one and the same feature; tanh and ReLU units learn nothing "
        "at all (tanh(0) = relu(0) = 0 blocks every gradient); on exactly balanced classes even "
        "sigmoid units stay put"
        if verdict == "true"
        else "the measurements do not show identical learning units"
    )
    return Claim(
        "1",
        "If all weights are zero, every neuron learns the same features.",
        "zero weights: every neuron learns the same features",
        verdict,
        because,
        evidence,
    )


def claim_zero_is_guessing(*, seed: int = 0) -> Claim:
    """Claim 2: "A zero-initialised network is no better than random guessing."

    ``2-8-1`` networks with zero weights and biases on three datasets of 160 vs 140 samples
    (:func:`make_unbalanced`); each is compared with the best constant guess, the majority class.
    """
    evidence = {}
    acc = {}
    for name in ("linear", "moons", "circles"):
        X, y = make_unbalanced(name, 160, 140, seed=seed)
        majority = float(max(np.mean(y), 1 - np.mean(y)))
        acc[name] = {a: _zero_net(X, y, a)["history"].final_accuracy for a in ("sigmoid", "tanh")}
        evidence[f"{name}: accuracy (majority class {majority:.1%})"] = acc[name]
    good = acc["linear"]["sigmoid"] > 0.9
    bad = acc["circles"]["sigmoid"] < 0.65 and all(
        acc[n]["tanh"] < 0.6 for n in ("linear", "moons", "circles")
    )
    verdict = "it depends" if good and bad else ("true" if bad else "false")
    because = (
        "on the data and the activation: a zero-initialised sigmoid network behaves like a "
        "network with ONE hidden unit, enough for a straight boundary (linear blobs, roughly the "
        "moons) but not for circles; tanh and ReLU networks never leave the constant guess"
    )
    return Claim(
        "2",
        "A zero-initialised network is no better than random guessing.",
        "zero init is no better than guessing",
        verdict,
        because,
        evidence,
    )


def claim_random_biases(*, seed: int = 0) -> Claim:
    """Claim 3: "Non-zero random biases with zero weights still leave the neurons symmetric."

    Zero weights, biases N(0, 0.5^2) (every layer), ``2-8-1`` networks on the moons.
    """
    X, _, y, _ = comparison_data("moons", seed=seed)
    runs = {
        a: _zero_net(X, y, a, bias="normal", bias_scale=0.5) for a in ("sigmoid", "tanh", "relu")
    }
    evidence = {
        "distinct hidden units of 8 after training": {a: r["distinct"] for a, r in runs.items()},
        "unit spread (0 = symmetric)": {
            a: float(r["history"].spread[-1, 0]) for a, r in runs.items()
        },
        "dead ReLU units (negative bias, zero weights)": runs["relu"]["dead"],
        "train accuracy": {a: r["history"].final_accuracy for a, r in runs.items()},
    }
    broken = all(r["distinct"] > 1 for r in runs.values())
    verdict = "false" if broken else "true"
    because = (
        "different biases give different outputs f(b_j), so the output weights and then the "
        "hidden weights receive different gradients and the units separate (a ReLU whose bias is "
        "negative is dead from the start)"
        if broken
        else "the units stayed identical"
    )
    return Claim(
        "3",
        "Non-zero random biases with zero weights still leave the neurons symmetric.",
        "random biases + zero weights stay symmetric",
        verdict,
        because,
        evidence,
    )


def train_without_biases(model: MLP, X, y, *, epochs: int, lr: float) -> MLP:
    """Full-batch gradient descent that keeps every bias at its current value (a bias-free
    network when they start at 0): the bias gradients are computed but not applied."""
    epochs = _validate.positive_int(epochs, "epochs", minimum=0)
    lr = _validate.real(lr, "lr", positive=True)
    for _ in range(epochs):
        _, cache = model.forward(X)
        grads = model.backward(cache, y)
        grads.db = [np.zeros_like(b) for b in grads.db]
        model.step(grads, lr)
    return model


def claim_zero_biases(*, seeds=range(3), epochs: int = 600) -> list:
    """Claims 4a and 4b: "Biases have no effect whatsoever when initialised to 0" and "It is fine
    to initialise biases to zero".

    A ``2-16-16-1`` ReLU network with He weights on the circles (:func:`comparison_data`), over
    ``seeds``: biases starting at 0, at N(0, 0.1^2), and as ``nn.Linear`` draws them; then the
    same network trained with its biases held at 0 (a network without biases).
    """
    X, _, y, _ = comparison_data("circles")
    loss, moved, with_bias, frozen, models = {}, [], [], [], {}
    for bias in ("zeros", "normal", "torch"):
        finals = []
        for s in seeds:
            model = MLP([2, 16, 16, 1], activation="relu", init="he_normal", bias=bias, seed=s)
            h = train(model, X, y, epochs=epochs, lr=0.3, record_layers=False)
            finals.append(h.final_loss)
            if bias == "zeros":
                moved.append(max(float(np.max(np.abs(b))) for b in model.biases))
                with_bias.append(h.final_accuracy)
                models.setdefault("with biases", model)
        loss[bias] = float(np.median(finals))
    for s in seeds:
        model = MLP([2, 16, 16, 1], activation="relu", init="he_normal", seed=s)
        frozen.append(train_without_biases(model, X, y, epochs=epochs, lr=0.3).accuracy(X, y))
        models.setdefault("without biases", model)
    ev_a = {
        "largest |bias| after training, biases started at 0 (per seed)": moved,
        "train accuracy with biases (per seed)": with_bias,
        "train accuracy, biases held at 0 (per seed)": frozen,
    }
    effect = min(moved) > 0.0 and np.median(frozen) < np.median(with_bias) - 0.1
    a = Claim(
        "4a",
        "Biases have no effect whatsoever when initialised to 0.",
        "biases initialised to 0 have no effect",
        "false" if effect else "true",
        "zero is only where they start: they get gradients and move; held at 0, a ReLU network "
        "is positively homogeneous (f(cx) = c f(x) for c > 0), its boundary is made of rays "
        "from the origin, and it cannot enclose the inner circle",
        ev_a,
        extra={"models": models, "X": X, "y": y},
    )
    fine = loss["zeros"] <= 2.0 * min(loss.values())
    b = Claim(
        "4b",
        "It is fine to initialise biases to zero.",
        "biases may start at zero",
        "true" if fine else "false",
        "with random weights the symmetry is already broken; the final loss does not depend on "
        "how the biases started (zero is the Keras default and common practice)",
        {"median final loss by bias start": loss},
    )
    return [a, b]


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
        "through deep sigmoid layers it is SMALL weights that make gradients vanish "
        "(sigmoid' <= 1/4 per layer)",
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
