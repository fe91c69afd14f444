"""Notebook 06: common claims about initialisation, each put to an experiment; here the
:class:`Claim` record, the summary table and claims 1-4 (zero weights, zero and random biases).

Part of :mod:`helpers.lessons`; see its docstring. Claims 5-10 are in :mod:`.claims_scale`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _validate, diagnostics
from .. import data as datasets
from ..mlp import MLP
from ..train import train
from .symmetry import make_unbalanced
from .training import comparison_data

# ---------------------------------------------------------------------------- 06 claims 1-4


VERDICTS = ("true", "false", "it depends")
"""The verdicts notebook 06 gives."""


@dataclass
class Claim:
    """A statement about initialisation, the numbers an experiment measured, and the verdict.

    ``verdict`` is one of :data:`VERDICTS` and is decided from ``evidence`` by the function that
    ran the experiment, so a change in the helpers that changes the evidence changes the verdict
    (and nbval and ``tests/test_lessons_training.py`` notice).
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
