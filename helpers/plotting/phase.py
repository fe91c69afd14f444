"""The pictures of signal propagation: the (sigma_w^2, sigma_b^2) phase diagram, correlations
through depth, the trainability map, Jacobian spectra and the muP sweep.

Numbers come from :mod:`helpers.meanfield` and :mod:`helpers.lessons.signal_training`; nothing
here computes them.
"""

from __future__ import annotations

import numpy as np

from .colors import scheme_color
from .style import tidy_axes


def plot_phase(ax, sigma_w2, sigma_b2, xi_c, critical_w2, *, cap: float = 100.0):
    """Heat map of ``min(xi_c, cap)`` over ``sigma_w2`` (x) and ``sigma_b2`` (y), the critical
    line ``chi1 = 1`` (``critical_w2`` per ``sigma_b2``), the phases labelled. Returns a dict of
    artists with ``marker`` (a point to move with :func:`update_phase_marker`)."""
    mesh = ax.pcolormesh(sigma_w2, sigma_b2, np.minimum(xi_c, cap), shading="auto",
                         cmap="viridis", vmin=0, vmax=cap)  # fmt: skip
    (line,) = ax.plot(critical_w2, sigma_b2, color="white", lw=2, ls="--", label="chi1 = 1")
    ax.text(0.04, 0.9, "ordered", transform=ax.transAxes, color="white", fontweight="bold")
    ax.text(0.72, 0.1, "chaotic", transform=ax.transAxes, color="white", fontweight="bold")
    (marker,) = ax.plot([], [], "o", color="red", ms=9, mec="white")
    ax.set_xlabel("sigma_w^2 = Var(W) fan_in")
    ax.set_ylabel("sigma_b^2")
    ax.set_title(f"depth scale xi_c (capped at {cap:g})")
    return {"mesh": mesh, "line": line, "marker": marker}


def update_phase_marker(artists, sigma_w2: float, sigma_b2: float) -> None:
    artists["marker"].set_data([sigma_w2], [sigma_b2])


def plot_correlation_depth(ax, c_measured, c_theory):
    """Correlation of two inputs per layer: measured (points) and mean-field theory (line)."""
    layers = np.arange(len(c_theory))
    (th,) = ax.plot(layers, c_theory, color="black", lw=2, label="theory")
    (me,) = ax.plot(layers, c_measured, "o", color=scheme_color("xavier_normal"), ms=4,
                    label="measured")  # fmt: skip
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("layer")
    ax.set_ylabel("correlation c")
    ax.legend(loc="lower right")
    tidy_axes(ax)
    return {"theory": th, "measured": me}


def update_correlation_depth(artists, c_measured, c_theory) -> None:
    layers = np.arange(len(c_theory))
    artists["theory"].set_data(layers, c_theory)
    artists["measured"].set_data(layers, c_measured)


def plot_trainability(ax, result: dict):
    """Training accuracy over (sigma_w^2, depth) with ``6 xi_c`` drawn over it."""
    w2, depths = np.array(result["sigma_w2"]), np.array(result["depths"])
    mesh = ax.pcolormesh(np.arange(len(w2)), np.arange(len(depths)), result["accuracy"],
                         shading="nearest", cmap="magma", vmin=0, vmax=1)  # fmt: skip
    for i in range(len(depths)):
        for j in range(len(w2)):
            ax.text(j, i, f"{result['accuracy'][i, j]:.0%}", ha="center", va="center",
                    color="grey", fontsize=8)  # fmt: skip
    six = np.interp(np.minimum(result["six_xi_c"], depths[-1] * 2), depths, np.arange(len(depths)))
    ax.plot(np.arange(len(w2)), six, color="cyan", lw=2, label="L = 6 xi_c")
    ax.set_xticks(np.arange(len(w2)), [f"{v:g}" for v in w2])
    ax.set_yticks(np.arange(len(depths)), [str(d) for d in depths])
    ax.set_ylim(-0.5, len(depths) - 0.5)
    ax.set_xlabel("sigma_w^2")
    ax.set_ylabel("depth L")
    ax.legend(loc="upper right")
    return {"mesh": mesh}


def plot_spectrum(ax, values, *, label: str, color=None, bins=None):
    """Histogram (as a step outline) of singular values on a log axis; values beyond the bins
    are counted in the end bins, and the axis label says so."""
    bins = SPECTRUM_BINS if bins is None else bins
    (line,) = ax.step(bins[:-1], _fractions(values, bins), where="post", label=label, color=color)
    ax.set_xscale("log")
    ax.set_xlabel(
        f"singular value of the Jacobian\n(below {_short(bins[0])} or above "
        f"{_short(bins[-1])}: counted in the end bins)"
    )
    ax.set_ylabel("fraction")
    return line


def _short(x: float) -> str:
    """``1e-4`` for a power of ten, else three significant digits."""
    k = np.log10(x)
    return f"1e{round(k)}" if np.isclose(k, round(k)) else f"{x:.3g}"


def _fractions(values, bins) -> np.ndarray:
    """The fraction of ``values`` in each bin, those beyond the bins in the end bins."""
    v = np.asarray(values, dtype=float)
    counts, _ = np.histogram(np.clip(v, bins[0], bins[-1]), bins=bins)
    return counts / max(v.size, 1)


def plot_lr_sweep(ax, lrs, losses, widths, *, title: str, spread=None):
    """Final loss against the learning rate, one line per width (diverged runs left out);
    ``spread``, if given, ``(low, high)`` arrays of the same shape as ``losses``, is shaded
    (e.g. the min-max over seeds)."""
    lines = []
    for i, (w, row) in enumerate(zip(widths, losses)):
        y = np.where(np.isfinite(row), row, np.nan)
        (ln,) = ax.plot(lrs, y, "o-", label=f"width {w}", ms=4)
        if spread is not None:
            lo, hi = (np.where(np.isfinite(a[i]), a[i], np.nan) for a in spread)
            ax.fill_between(lrs, lo, hi, color=ln.get_color(), alpha=0.2, lw=0)
        lines.append(ln)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("final training loss")
    ax.set_title(title)
    ax.legend(fontsize=8)
    tidy_axes(ax)
    return lines


SPECTRUM_BINS = np.logspace(-4, 1.5, 56)
"""Bins of :func:`plot_spectrum` (singular values below 1e-4 are counted in the first, those
above 10^1.5 in the last)."""


def update_spectrum(line, values, bins=SPECTRUM_BINS) -> None:
    """New singular values for a line of :func:`plot_spectrum`."""
    line.set_data(bins[:-1], _fractions(values, bins))
