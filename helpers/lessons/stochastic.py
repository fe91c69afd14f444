"""Notebooks 02 and 06: does the randomness of SGD break the symmetry of a constant start?

Minibatch SGD shuffles the samples, but every hidden unit sees the same batch, so units that start
equal still get equal gradients (unit spread exactly 0.0, as with full-batch gradient descent).
Dropout draws a mask per unit and per sample: the units see different data, get different
gradients and separate.

Part of :mod:`helpers.lessons`; see its docstring.
"""

from __future__ import annotations

import numpy as np

from .. import _validate, diagnostics, dropout, gradcheck
from .. import data as datasets
from ..mlp import MLP
from ..train import train
from .claims import Claim

# ---------------------------------------------------------------------------- 02 SGD and dropout

SGD_SETTINGS = (
    ("full-batch GD", None, 0.0),
    ("minibatch SGD", 16, 0.0),
    ("full-batch GD + dropout", None, 0.2),
    ("minibatch SGD + dropout", 16, 0.2),
)
"""(label, batch size or None, dropout rate) of the four runs of :func:`stochastic_symmetry`."""


def constant_run(X, y, *, value=0.5, activation="tanh", hidden=8, epochs=500, lr=1.0, **kw):
    """Train a ``2-hidden-1`` network whose weights all start at ``value`` (biases 0).

    ``kw`` goes to :func:`helpers.train.train` (``batch_size``, ``dropout``, ``seed``). Returns
    a dict: ``spread`` (hidden layer, after training), ``distinct`` (hidden units with different
    outputs), ``accuracy``, ``loss``, ``w`` (the first row of ``W1``) and ``model``.
    """
    model = MLP([X.shape[1], hidden, 1], activation=activation, init="constant", scale=value)
    history = train(model, X, y, epochs=epochs, lr=lr, record=("spread",), **kw)
    _, cache = model.forward(X)
    return {
        "spread": float(history.spread[-1, 0]),
        "distinct": diagnostics.distinct_units(cache.post[1]),
        "accuracy": history.final_accuracy,
        "loss": history.final_loss,
        "w": model.weights[0][0].copy(),
        "model": model,
    }


def stochastic_symmetry(X, y, *, seeds=(0, 1), p=0.2, batch_size=16, **kw) -> list:
    """The four runs of :data:`SGD_SETTINGS` (``p`` and ``batch_size`` replace theirs), each
    with every seed of ``seeds`` (the seed of the shuffle and of the masks); full-batch descent
    without dropout draws nothing, so it runs once.

    Returns one dict per (setting, seed): ``label``, ``seed``, ``batch_size``, ``dropout`` and
    the numbers of :func:`constant_run`.
    """
    p = dropout.check_rate(p)
    rows = []
    for label, bs, rate in SGD_SETTINGS:
        bs = batch_size if bs else None
        rate = p if rate else 0.0
        for seed in seeds if (bs or rate) else seeds[:1]:
            r = constant_run(X, y, batch_size=bs, dropout=rate, seed=seed, **kw)
            rows.append({"label": label, "seed": seed, "batch_size": bs, "dropout": rate, **r})
    return rows


def format_stochastic(rows) -> str:
    """The table notebook 02 prints from :func:`stochastic_symmetry`."""
    lines = ["run                      seed  unit spread  distinct  accuracy  W1[0, :3]"]
    for r in rows:
        w = " ".join(f"{v:+.4f}" for v in r["w"][:3])
        spread = f"{r['spread']:.4g}" if r["spread"] else "0.0"  # exactly zero: say so
        lines.append(
            f"{r['label']:<24} {r['seed']:>4}  {spread:>11}  {r['distinct']} of "
            f"{len(r['w'])}    {r['accuracy']:>6.1%}  {w}"
        )
    return "\n".join(lines)


def dropout_gradient_check(*, sizes=(2, 8, 8, 1), p=0.5, activation="tanh", seed=0) -> dict:
    """The backward pass through dropout against central differences, in float64.

    A Xavier-initialised network on 32 moons points, one fixed mask per hidden layer from
    ``default_rng(seed)``. Returns ``error`` (largest relative error, see
    :func:`helpers.gradcheck.check_gradients`), ``dropped`` (fraction of outputs dropped) and
    ``masks``.
    """
    rng = np.random.default_rng(seed)
    X, y = datasets.make_moons(32, rng=rng)
    model = MLP(list(sizes), activation=activation, init="xavier_normal", bias="normal", seed=seed)
    masks = dropout.draw_masks(model, X.shape[0], p, rng=rng)
    error = gradcheck.check_gradients(model, X, y, masks=masks)
    dropped = float(np.mean(np.concatenate([m.ravel() for m in masks]) == 0))
    return {"error": error, "dropped": dropped, "masks": masks}


# ---------------------------------------------------------------------------- 06 claim 11


def claim_sgd_needs_random(*, seeds=(0, 1, 2), p=0.2) -> Claim:
    """Claim 11: "weights must be random because that is what SGD expects" (the seed pages).

    A constant start (every weight 0.5, tanh, ``2-8-1``) trained on the moons (300 points) by
    minibatch SGD with shuffled batches of 16, with and without dropout, for each seed.
    """
    seeds = [_validate.positive_int(s, "seed", minimum=0) for s in seeds]
    X, y = datasets.make_moons(300, rng=np.random.default_rng(0))
    run = dict(epochs=100, lr=0.5, batch_size=16)
    sgd = [constant_run(X, y, seed=s, **run) for s in seeds]
    drop = [constant_run(X, y, dropout=p, seed=s, **run) for s in seeds]
    evidence = {
        "unit spread after SGD, per seed": [r["spread"] for r in sgd],
        "distinct units of 8 after SGD": [r["distinct"] for r in sgd],
        "SGD runs differ from each other (W1[0, 0] per seed)": [float(r["w"][0]) for r in sgd],
        f"unit spread with dropout {p:g}, per seed": [r["spread"] for r in drop],
        f"distinct units of 8 with dropout {p:g}": [r["distinct"] for r in drop],
    }
    stays = all(r["spread"] == 0.0 and r["distinct"] == 1 for r in sgd)
    breaks = all(r["spread"] > 0.0 for r in drop)
    verdict = "false" if stays and breaks else "it depends"
    because = (
        "SGD's randomness is in which samples form a batch, and every unit sees the same batch, "
        "so equal units stay exactly equal (spread 0.0) as with full-batch descent; the random "
        "start is needed to break the symmetry, whatever the optimiser; randomness per unit "
        "(dropout) does break it"
    )
    return Claim(
        number="11",
        statement="Weights must be random because stochastic gradient descent expects it.",
        short="SGD expects random weights",
        verdict=verdict,
        because=because,
        evidence=evidence,
    )
