"""Notebook 09: what the edge of chaos does to training; dynamical isometry; LSUV; muP.

Part of :mod:`helpers.lessons`; see its docstring. Every experiment is scaled down to run in a
few seconds (the notebook's budget is a minute): the sizes are in each function's docstring.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import _validate, activations, batched, meanfield, mup
from .. import init as schemes
from ..mlp import MLP
from ..train import train
from .deep import deep_data
from .signal_propagation import one_blas_thread

TRAIN_SIGMA_W2 = (0.6, 1.0, 1.4, 1.76, 2.5, 4.0, 8.0)
TRAIN_DEPTHS = (4, 10, 20, 40)
TRAIN_SIGMA_B2 = 0.05


@one_blas_thread
def trainability(sigma_w2=TRAIN_SIGMA_W2, depths=TRAIN_DEPTHS, *, sigma_b2=TRAIN_SIGMA_B2,
                 width=32, n_train=128, epochs=50, lr=0.05, seeds=(0, 1, 2)) -> dict:  # fmt: skip
    """Training accuracy of tanh networks over (sigma_w^2, depth), with ``6 xi_c`` beside it.

    Schoenholz et al. (2017, figure 5) trained MNIST networks of width 300 and depth up to 300
    for thousands of steps; here: 128 digits (8x8, scikit-learn's), width 32, depths
    ``depths``, ``epochs`` full-batch steps at learning rate ``lr``, every seed of ``seeds``
    (trained as one stack, :func:`helpers.batched.train_restarts`). Returns ``accuracy``
    (the median over seeds, shape ``(len(depths), len(sigma_w2))``), ``low`` and ``high``
    (min and max over seeds), ``six_xi_c`` (per sigma_w^2) and the axes.
    """
    X, _, y, _, k = deep_data("digits", n_train=n_train, seed=0)
    sb = math.sqrt(_validate.real(sigma_b2, "sigma_b2", minimum=0.0))
    acc = np.empty((len(depths), len(sigma_w2), len(seeds)))
    for i, L in enumerate(depths):
        for j, w2 in enumerate(sigma_w2):
            models = [MLP([X.shape[1]] + [width] * L + [k], activation="tanh", output="softmax",
                          init="lecun_normal", scale=math.sqrt(w2), bias="normal",
                          bias_scale=sb, seed=s) for s in seeds]  # fmt: skip
            hs = batched.train_restarts(models, X, y, epochs=epochs, lr=lr, record=())
            acc[i, j] = [h.final_accuracy for h in hs]
    xi = [meanfield.depth_scales("tanh", math.sqrt(w2), sb).xi_c for w2 in sigma_w2]
    return {"sigma_w2": tuple(sigma_w2), "depths": tuple(depths), "accuracy": np.median(acc, 2),
            "low": acc.min(2), "high": acc.max(2), "seeds": tuple(seeds),
            "six_xi_c": 6.0 * np.array(xi), "sigma_b2": sigma_b2, "chance": 1.0 / k}  # fmt: skip


def format_trainability(r: dict) -> str:
    """The median accuracy per cell, then the seeds' range (min-max) per cell."""
    head = "depth \\ sigma_w^2 " + "".join(f"{w:>9g}" for w in r["sigma_w2"])
    rows = [f"training accuracy, median of {len(r['seeds'])} seeds", head]
    for L, a in zip(r["depths"], r["accuracy"]):
        rows.append(f"{L:>17} " + "".join(f"{v:>9.0%}" for v in a))
    rows.append(f"{'6 xi_c':>17} " + "".join(
        f"{'inf' if math.isinf(v) else f'{v:.0f}':>9}" for v in r["six_xi_c"]))  # fmt: skip
    rows += ["range over seeds (min-max)", head]
    for L, lo, hi in zip(r["depths"], r["low"], r["high"]):
        rows.append(f"{L:>17} " + "".join(
            f"{f'{100 * a:.0f}-{100 * b:.0f}':>9}" for a, b in zip(lo, hi)))  # fmt: skip
    return "\n".join(rows)


@functools.lru_cache(maxsize=16)
@one_blas_thread
def jacobian_spectrum(activation: str, weights: str, depth: int, *, width: int = 200,
                      sigma_b2: float = 1e-5, seed: int = 0) -> np.ndarray:  # fmt: skip
    """Singular values of the input-output Jacobian ``d x_L / d x_0`` of a ``depth``-layer net.

    Square layers of ``width`` units at the critical point (:func:`critical_point`): linear
    units at ``sigma_w = 1``, ``sigma_b = 0``; tanh at ``sigma_b^2 = sigma_b2`` and the
    ``sigma_w`` with ``chi1 = 1``. ``weights``: ``"gaussian"`` (N(0, sigma_w^2 / width)) or
    ``"orthogonal"`` (``sigma_w`` times a random orthogonal matrix). Pennington et al. (2017)
    used width 1000. Kept after the first call (read-only), so a figure after a table of the
    same spectra costs nothing.
    """
    weights = _validate.choice(weights, ("gaussian", "orthogonal"), "weights")
    depth = _validate.positive_int(depth, "depth")
    mats = jacobian_factors(activation, weights, depth, width=width, sigma_b2=sigma_b2, seed=seed)
    J = mats[0]
    for M in mats[1:]:
        J = J @ M
    s = np.linalg.svd(J, compute_uv=False)
    s.flags.writeable = False
    return s


@functools.lru_cache(maxsize=32)
def critical_point(activation: str, sigma_b2: float) -> tuple[float, float]:
    """``(sigma_w, sigma_b)`` on the critical line: for linear and ReLU-like units zero biases
    and their critical ``sigma_w`` (1 and He's sqrt(2)), else :func:`meanfield.critical_sigma_w`
    at ``sigma_b = sqrt(sigma_b2)`` (kept: a bisection)."""
    if activation in ("linear", "relu", "leaky_relu"):
        return meanfield.critical_sigma_w(activation, 0.0), 0.0
    sb = math.sqrt(sigma_b2)
    return meanfield.critical_sigma_w(activation, sb), sb


def jacobian_draws(weights: str, depth: int, *, width: int = 200, seed: int = 0,
                   biases: bool = True):  # fmt: skip
    """The random numbers of :func:`jacobian_factors`, at unit scale: the input's direction
    ``x`` (norm ``sqrt(width)``), ``depth`` weight matrices (orthogonal, or N(0, 1/width)) and,
    if ``biases``, ``depth`` bias vectors N(0, 1). Every scale multiplies these."""
    weights = _validate.choice(weights, ("gaussian", "orthogonal"), "weights")
    rng = np.random.default_rng(seed)
    scheme = "orthogonal" if weights == "orthogonal" else "normal"
    scale = 1.0 if weights == "orthogonal" else 1.0 / math.sqrt(width)
    x = rng.normal(size=width)
    x *= math.sqrt(width) / np.linalg.norm(x)
    mats, bs = [], []
    for _ in range(depth):
        mats.append(schemes.initialize(scheme, width, width, scale=scale, rng=rng))
        bs.append(rng.normal(size=width) if biases else np.zeros(width))
    return x, mats, bs


def gains_from(activation: str, draws, sigma_w: float, sigma_b: float, q: float, depth: int):
    """The forward pass of :func:`factors_from`: per layer the vector ``g_l = sigma_w f'(h_l)``,
    so that the factor ``W_l D_l`` is the unit-scale matrix of ``draws`` times ``g_l`` column
    by column (and a running product ``J_l = (J_{l-1} W_l^0) * g_l`` needs no factor at all)."""
    x0, mats, bs = draws
    x = x0 * math.sqrt(max(q - sigma_b**2, 0.0)) / max(sigma_w, 1e-300)
    out = []
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for W0, b0 in zip(mats[:depth], bs[:depth]):
            h = sigma_w * (x @ W0) + sigma_b * b0
            out.append(sigma_w * activations.derivative(activation, h))
            x = activations.activate(activation, h)
    return out


def factors_from(activation: str, draws, sigma_w: float, sigma_b: float, q: float, depth: int):
    """The Jacobian's factors ``W_l D_l`` for the first ``depth`` layers of ``draws``
    (:func:`jacobian_draws`) at ``sigma_w``, ``sigma_b``, with the input scaled so that ``h_1``
    has length ``q`` (:func:`gains_from`)."""
    g = gains_from(activation, draws, sigma_w, sigma_b, q, depth)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return [W0 * gl[None, :] for W0, gl in zip(draws[1], g)]  # W_l D_l


def jacobian_factors(activation, weights, depth, *, width=200, sigma_b2=1e-5, seed=0):
    """The factors ``W_l D_l`` (row convention: ``h_l = x_{l-1} W_l + b_l``, ``x_l = f(h_l)``,
    ``D_l = diag(f'(h_l))``) whose product ``W_1 D_1 ... W_L D_L`` is ``d x_L / d x_0``
    (Pennington et al. 2017), at the critical point (:func:`critical_point`); ``x_0`` is
    scaled so that ``h_1`` has the fixed-point length ``q*``."""
    sw, sb = critical_point(activation, sigma_b2)
    q = meanfield.q_star(activation, sw, sb)  # ReLU at its critical point keeps q0 = 1
    draws = jacobian_draws(weights, depth, width=width, seed=seed, biases=sb > 0)
    return factors_from(activation, draws, sw, sb, q, depth)


@one_blas_thread
def isometry_table(depths=(1, 10, 100), *, width=200, seeds=(0, 1, 2)) -> list[dict]:
    """For linear and tanh, Gaussian and orthogonal weights at criticality, per depth: the
    largest singular value of the Jacobian, its 5%, 50% and 95% quantiles, each the median
    over ``seeds`` (one network each), and ``max_range``, ``p50_range``: the min and max over
    the seeds of the largest and of the median singular value (the smallest ones of a deep
    Gaussian product fall below float64's resolution of the product: not shown)."""
    rows = []
    for act in ("linear", "tanh"):
        for w in ("gaussian", "orthogonal"):
            for L in depths:
                spectra = [jacobian_spectrum(act, w, L, width=width, seed=d) for d in seeds]
                st = np.array([[*np.quantile(s, [0.05, 0.5, 0.95]), s.max()] for s in spectra])
                p5, p50, p95, top = np.median(st, axis=0)
                lo, hi = st.min(axis=0), st.max(axis=0)
                rows.append({"activation": act, "weights": w, "depth": L, "max": float(top),
                             "p5": float(p5), "p50": float(p50), "p95": float(p95),
                             "max_range": (float(lo[3]), float(hi[3])),
                             "p50_range": (float(lo[1]), float(hi[1]))})  # fmt: skip
    return rows


FLOOR = 1e-12
"""Singular values below this are shown as ``< 1e-12``: a product of 100 Gaussian matrices
has many, and their digits are rounding error of the product (they change with the order of
the floating-point sums)."""


def _sv(v: float, spec: str) -> str:
    return "< 1e-12" if v < FLOOR else format(v, spec)


def format_isometry(rows) -> str:
    """One row per network: medians over the seeds, and the seeds' range of ``s_max`` and of
    the median singular value."""
    out = ["median over seeds [min-max]",
           f"{'net':<20}{'depth':>6}{'s_max':>20}{'5%':>11}{'median':>28}{'95%':>9}"]  # fmt: skip
    for r in rows:
        name = f"{r['activation']}, {r['weights']}"
        top, mid = (f"{_sv(r[k], '.3g')} [{_sv(r[k + '_range'][0], '.3g')}-"
                    f"{_sv(r[k + '_range'][1], '.3g')}]" for k in ("max", "p50"))  # fmt: skip
        out.append(f"{name:<20}{r['depth']:>6}{top:>20}{_sv(r['p5'], '.2e'):>11}{mid:>28}"
                   f"{_sv(r['p95'], '.3g'):>9}")  # fmt: skip
    return "\n".join(out)


LSUV_STARTS = ("he_normal", "xavier_normal", "lsuv")


@one_blas_thread
def lsuv_comparison(activation: str = "relu", *, depth: int = 30, width: int = 32, seeds=(0, 1, 2),
                    epochs: int = 60, lr: float = 0.03, n_train: int = 128) -> dict:  # fmt: skip
    """He, Xavier and LSUV on notebook 07's deep plain network (``depth`` hidden layers of
    ``width``, 128 digits, full-batch gradient descent at ``lr`` for ``epochs``).

    Per start (:data:`LSUV_STARTS`; ``lsuv`` is :func:`helpers.init.lsuv` on the training
    batch): ``signal`` (std of the last hidden layer's pre-activations at the start),
    ``final_loss`` and ``test`` accuracy, each ``(median, min, max)`` over ``seeds``, and
    ``lsuv_steps`` (the most rescalings any layer needed)."""
    X, X_test, y, y_test, k = deep_data("digits", n_train=n_train, seed=0)
    sizes = [X.shape[1]] + [width] * depth + [k]
    out = {"depth": depth, "width": width, "activation": activation, "epochs": epochs}
    steps = 0
    for start in LSUV_STARTS:
        sig, loss, test = [], [], []
        for s in seeds:
            init = "orthogonal" if start == "lsuv" else start
            model = MLP(sizes, activation=activation, output="softmax", init=init, seed=s)
            if start == "lsuv":
                record = schemes.lsuv(model, X, seed=s)
                steps = max(steps, max(r.iterations for r in record))
            _, cache = model.forward(X)
            sig.append(float(np.std(cache.pre[depth])))
            h = train(model, X, y, epochs=epochs, lr=lr, record_layers=False)
            loss.append(h.final_loss)
            test.append(model.accuracy(X_test, y_test))
        out[start] = {"signal": _spread(sig), "final_loss": _spread(loss), "test": _spread(test)}
    out["lsuv_steps"] = steps
    return out


def _spread(v):
    v = np.asarray(v, dtype=float)
    return float(np.median(v)), float(v.min()), float(v.max())


def format_lsuv(r: dict) -> str:
    rows = [f"{r['activation']}, {r['depth']} hidden layers of {r['width']}, {r['epochs']} epochs "
            f"(median [min-max] over seeds)",
            f"{'start':<15}{'signal std':>22}{'final loss':>24}{'test accuracy':>22}"]  # fmt: skip
    for start in LSUV_STARTS:
        s, f, t = (r[start][k] for k in ("signal", "final_loss", "test"))
        rows.append(f"{start:<15}{s[0]:>9.2g} [{s[1]:.2g}-{s[2]:.2g}]"
                    f"{f[0]:>11.3f} [{f[1]:.3f}-{f[2]:.3f}]"
                    f"{t[0]:>10.0%} [{t[1]:.0%}-{t[2]:.0%}]")  # fmt: skip
    rows.append(f"LSUV rescaled each layer at most {r['lsuv_steps']} time(s)")
    return "\n".join(rows)


MUP_WIDTHS = (32, 128, 512)
MUP_LRS = tuple(2.0 ** (k / 2) for k in range(-13, -2))
"""2^-6.5 (0.011) to 2^-1.5 (0.35) in steps of sqrt(2)."""


@one_blas_thread
def mup_sweep(widths=MUP_WIDTHS, lrs=MUP_LRS, *, steps: int = 200, seeds=(0, 1, 2),
              depth: int = 1, base_width: int = 32, n_train: int = 1024,
              batch_size: int = 64) -> dict:  # fmt: skip
    """Final training loss over (width, learning rate) in the standard parametrisation and in
    muP (:mod:`helpers.mup`): a ReLU MLP with ``depth`` hidden layers, linear output and the
    squared error on one-hot targets, ``n_train`` digits, ``steps`` SGD steps on minibatches
    of ``batch_size``, the loss on all ``n_train`` digits at the end; every seed of ``seeds``
    (the initialisation and the batches' order); a diverged run counts as ``inf``.

    Returns per parametrisation ``loss`` (shape ``(len(widths), len(lrs), len(seeds))``),
    ``median`` (over seeds), ``best_lr`` (per width, of the median curve) and ``seed_best``
    (per width, the best learning rate of each seed). At ``base_width`` the two
    parametrisations are the same networks (:func:`helpers.mup.build`): trained once."""
    X, _, y, _, k = deep_data("digits", n_train=n_train, seed=0)
    Y = np.eye(k)[y]
    out = {"widths": tuple(widths), "lrs": tuple(lrs), "steps": steps, "seeds": tuple(seeds),
           "depth": depth, "n_train": n_train, "batch_size": batch_size}  # fmt: skip
    for p in mup.PARAMETRIZATIONS:
        loss = np.empty((len(widths), len(lrs), len(seeds)))
        for i, w in enumerate(widths):
            if p == "mup" and w == base_width:
                loss[i] = out["standard"]["loss"][i]
                continue
            for j, lr in enumerate(lrs):
                for m, s in enumerate(seeds):
                    model, wm, bm = mup.build(w, parametrization=p, base_width=base_width,
                                              depth=depth, output="linear", seed=s)  # fmt: skip
                    loss[i, j, m] = mup.train_sgd(model, X, Y, lr=lr, steps=steps, w_mult=wm,
                                                  b_mult=bm, batch_size=batch_size,
                                                  seed=s).final_loss  # fmt: skip
        med = np.median(loss, axis=2)
        best = [float(lrs[int(np.argmin(row))]) for row in med]
        seed_best = [[float(lrs[int(np.argmin(loss[i, :, m]))]) for m in range(len(seeds))]
                     for i in range(len(widths))]  # fmt: skip
        out[p] = {"loss": loss, "median": med, "best_lr": best, "seed_best": seed_best,
                  "low": loss.min(axis=2), "high": loss.max(axis=2)}  # fmt: skip
    return out


def _loss_cell(v: float) -> str:
    return "diverged" if math.isinf(v) else f"{v:.3f}"


def format_mup(r: dict) -> str:
    """Best learning rate per width (of the median over seeds, and the range of the seeds'
    own best ones), and the median final loss at the base width's best learning rate."""
    j = r["lrs"].index(r["standard"]["best_lr"][0])
    lo, hi, at = r["lrs"][0], r["lrs"][-1], r["lrs"][j]
    rows = [f"{r['steps']} steps, {len(r['seeds'])} seeds; learning rates {lo:.3g} to {hi:.3g}"
            " (x sqrt 2)",
            f"{'':>6}  {'best learning rate: median [seeds]':<48}  median loss at lr {at:.3g}",
            f"{'width':>6}  {'standard':<24}{'muP':<24}  {'standard':<10}{'muP':<10}"]  # fmt: skip
    sp, mu = r["standard"], r["mup"]
    for i, w in enumerate(r["widths"]):
        cells = []
        for q in (sp, mu):
            sb = q["seed_best"][i]
            cells.append(f"{q['best_lr'][i]:.3g} [{min(sb):.3g}-{max(sb):.3g}]")
        rows.append(f"{w:>6}  {cells[0]:<24}{cells[1]:<24}  {_loss_cell(sp['median'][i, j]):<10}"
                    f"{_loss_cell(mu['median'][i, j]):<10}")  # fmt: skip
    return "\n".join(rows)
