"""The training explorer: train a small network and see what the initialisation changes."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import _validate, batched, plotting
from .. import data as datasets
from .. import train as training
from ..mlp import MLP
from . import controls as C
from .background import Stop
from .base import Explorer

MAX_DEPTH, MAX_RESTARTS = 8, 20


class TrainingExplorer(Explorer):
    """Train a small network and see what the initialisation changes: see
    :func:`build_training_explorer`."""

    title = "Training explorer"
    figsize = (8.4, 6.0)

    def make_controls(self, *, dataset, scheme, scale, activation, depth, width, lr, epochs,
                      seed, restarts, n, resolution):  # fmt: skip
        self.n = _validate.positive_int(n, "n (samples)", minimum=4)
        self.resolution = _validate.positive_int(resolution, "resolution", minimum=10)
        self._data_cache: dict = {}
        controls = {
            "dataset": C.dropdown(datasets.DATASETS, dataset, "dataset"),
            "scheme": C.scheme_menu(scheme),
            "scale": C.scale_slider(scale, continuous=False),
            "activation": C.activation_menu(activation),
            "depth": C.int_slider(depth, 1, MAX_DEPTH, "layers", what="depth"),
            "width": C.int_slider(width, 2, 64, "width"),
            "lr": C.log_slider(lr, 1e-3, 10.0, "lr", what="lr (learning rate)", continuous=False),
            "epochs": C.int_slider(epochs, 0, 3000, "epochs", step=50),
            "seed": C.int_slider(seed, 0, 99, "seed"),
            "restarts": C.int_slider(restarts, 1, MAX_RESTARTS, "restarts"),
        }
        return controls

    def data(self, name=None):
        """``X (n, 2), y (n,)`` of the current (or named) dataset, drawn with seed 0."""
        name = self.controls["dataset"].value if name is None else name
        if name not in self._data_cache:
            self._data_cache[name] = datasets.make_dataset(
                name, self.n, rng=np.random.default_rng(0)
            )
        return self._data_cache[name]

    def model(self, seed=None, state=None) -> MLP:
        """A fresh (untrained) network with the settings of ``state`` (default: the controls)."""
        s = self.state if state is None else state
        return MLP(
            [2] + [s["width"]] * s["depth"] + [1], activation=s["activation"], output="sigmoid",
            init=s["scheme"], scale=s["scale"], seed=s["seed"] if seed is None else seed,
        )  # fmt: skip

    def build(self, fig):
        (self.ax_loss, self.ax_db), (self.ax_grad, self.ax_seeds) = fig.subplots(2, 2)
        X, y = self.data()
        self.boundary = plotting.plot_decision_boundary(
            self.ax_db, self.model(), X, y, resolution=self.resolution
        )
        lw = 0.6 * plotting.linewidth()
        self.restart_lines = [self.ax_loss.plot([], [], color="0.6", linewidth=lw, alpha=0.6)[0]
                              for _ in range(MAX_RESTARTS)]  # fmt: skip
        self.loss_line = plotting.plot_loss(self.ax_loss, [], color="0.1")
        history = training.train(self.model(), X, y, epochs=0, lr=1.0)
        self.grad_lines = plotting.plot_grad_norms(self.ax_grad, history, max_layers=MAX_DEPTH + 1)
        self.ax_grad.set_ylabel("‖∂L/∂W‖")
        self.grad_note = self.ax_grad.text(0.97, 0.95, "", transform=self.ax_grad.transAxes,
                                           ha="right", va="top")  # fmt: skip
        ax = self.ax_seeds
        self.seed_dots = ax.scatter([], [], s=30, color="0.35", zorder=3)
        self.best_dot = ax.scatter([], [], s=110, color="0.05", marker="*", zorder=4,
                                   label="best seed")  # fmt: skip
        self.median_line = ax.axhline(np.nan, color="0.2", linestyle="--", linewidth=1,
                                      label="median")  # fmt: skip
        ax.legend(loc="upper right")
        (self.accuracy_line,) = ax.plot([], [], color="0.1", visible=False)
        self.seed_note = ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top")
        self._one_seed = None
        self._seeds_panel(one_seed=self.controls["restarts"].value == 1)
        self.titles = [plotting.panel_title(a, " ") for a in fig.axes[:4]]
        self.animate(*self.restart_lines, self.loss_line, *self.grad_lines, self.grad_note,
                     self.seed_dots, self.best_dot, self.median_line, self.seed_note,
                     self.accuracy_line,
                     self.boundary.contour, self.boundary.scatter, *self.titles)  # fmt: skip

    def compute_steps(self, state):
        """Train every restart in slices of about 20 ms (see :mod:`.background`); yields the
        fraction of the epochs done and returns the values."""
        X, y = self.data()
        epochs, restarts = state["epochs"], state["restarts"]
        seeds = [state["seed"] + r for r in range(restarts)]
        models = [self.model(seed=seed, state=state) for seed in seeds]
        run = batched.RestartRun(models, X, y, epochs=epochs, lr=state["lr"])

        def snapshot():
            return self._values(run, seeds, models)

        while not run.done:
            try:
                run.advance(seconds=0.02)
                yield (run.epoch + 1) / (epochs + 1), snapshot
            except (KeyboardInterrupt, Stop):  # Kernel > Interrupt, or the Stop button
                run.stop()
        return snapshot()

    def _values(self, run, seeds, models) -> dict:
        """The values of a run, finished or not."""
        histories = run.histories()
        runs = list(zip(seeds, models, histories))
        finals = np.array([h.final_loss if h.loss.size else np.inf for h in histories])
        ok = np.array([not h.diverged for h in histories])
        candidates = np.where(ok, finals, np.inf)
        best = int(np.argmin(candidates)) if np.any(np.isfinite(candidates)) else 0
        seed_b, model_b, hist_b = runs[best]
        return {
            "final_loss": hist_b.final_loss if hist_b.loss.size else float("nan"),
            "final_accuracy": hist_b.final_accuracy if hist_b.loss.size else float("nan"),
            "final_losses": finals,
            "seeds": np.array(seeds),
            "best_seed": seed_b,
            "diverged": bool(hist_b.diverged),
            "diverged_at": hist_b.diverged_at,
            "n_diverged": int(np.sum(~ok)),
            "stopped": run.stopped,
            "finished": run.done,
            "epochs_run": hist_b.epochs,
            "history": hist_b,
            "histories": histories,
            "model": model_b.copy(),
        }

    def draw(self, v):
        s = self.state
        X, y = self.data()
        hist = v["history"]
        several = len(v["histories"]) > 1
        for i, line in enumerate(self.restart_lines):
            shown = several and i < len(v["histories"])
            line.set_visible(shown)
            if shown:
                line.set_data(np.arange(v["histories"][i].loss.size), v["histories"][i].loss)
        self.loss_line.set_color(plotting.start_color(s["scheme"]))
        plotting.update_loss(self.loss_line, hist.loss)
        curves = [h.loss for h in v["histories"]] if several else [hist.loss]
        plotting.fit_loss_axes(self.ax_loss, curves)
        plotting.set_limits(self.ax_loss, x=(0, plotting.count_limit(s["epochs"])))
        t_loss, t_db, t_grad, t_seeds = self.titles
        t_loss.set_text(f"loss {C.fmt(v['final_loss'])}{self._ending(v)}")
        self.boundary = plotting.update_decision_boundary(self.boundary, v["model"], X, y)
        t_db.set_text(f"seed {v['best_seed']}: accuracy {C.pct(v['final_accuracy'])}")
        self._draw_gradients(hist, s["epochs"])
        t_grad.set_text("gradient norm per layer")
        med = self._draw_seeds(v)
        k = v["final_losses"].size
        fin = v["final_losses"][np.isfinite(v["final_losses"])]
        spread = f": spread {C.fmt(float(fin.max() - fin.min()))}" if fin.size > 1 else ""
        t_seeds.set_text(f"final loss, {k} seeds{spread}" if k > 1
                         else f"seed {v['best_seed']}: training accuracy")  # fmt: skip
        if self.progress is not None and v["finished"]:
            self.progress.show(1.0 if not v["stopped"] else self.progress.bar.value)
            self.progress.label.value = (
                f"stopped after {v['epochs_run']} of {s['epochs']} epochs" if v["stopped"]
                else f"{k} run{'s' if k > 1 else ''} x {s['epochs']} epochs, "
                f"{v['history'].seconds:.2f} s"
            )  # fmt: skip
        return (
            f"final loss <b>{C.fmt(v['final_loss'])}</b>, accuracy "
            f"<b>{C.pct(v['final_accuracy'])}</b> after {v['epochs_run']} epochs"
            + (f" (best of {k} seeds; median {C.fmt(med)})" if k > 1 else "")
            + (
                f" &middot; <b>diverged at epoch {v['diverged_at']}</b> (shown: the last finite "
                "state)"
                if v["diverged"]
                else ""
            )  # fmt: skip
            + (" &middot; <b>stopped</b>" if v["stopped"] else "")
            + (" &middot; raise <i>restarts</i> to compare seeds" if k == 1 else "")
        )

    @staticmethod
    def _ending(v) -> str:
        if v["diverged"]:
            return f" (diverged at epoch {v['diverged_at']})"
        if v["stopped"]:
            return " (stopped)"
        return "" if v["finished"] else f" (training: epoch {v['epochs_run']})"

    def _draw_gradients(self, hist, epochs: int) -> None:
        plotting.update_grad_norms(self.grad_lines, hist)
        L = hist.grad_norm.shape[1]
        for i, line in enumerate(self.grad_lines[:L]):
            line.set_label("output" if i + 1 == L else f"layer {i + 1}")  # short: 3 columns fit
        plotting.set_limits(self.ax_grad, x=(0, plotting.count_limit(epochs)))
        if self.ax_grad.get_legend() is None or len(self.ax_grad.get_legend().texts) != L:
            self.ax_grad.legend(loc="lower left", ncols=3 if L > 3 else 1,
                                fontsize=plotting.fontsize("legend"))  # fmt: skip
        G = hist.grad_norm
        zero = [i + 1 for i in range(L) if np.all(G[:, i] == 0)]
        self.grad_note.set_text(f"layer {', '.join(map(str, zero))}: exactly 0" if zero else "")

    def _seeds_panel(self, *, one_seed: bool) -> None:
        """The fourth panel: the final loss of every seed, or with one seed (nothing to
        compare) that run's training accuracy per epoch. Changes the Axes only on a switch."""
        if one_seed == self._one_seed:
            return
        self._one_seed = one_seed
        ax = self.ax_seeds
        for artist in (self.seed_dots, self.best_dot, self.median_line, ax.get_legend()):
            artist.set_visible(not one_seed)
        self.accuracy_line.set_visible(one_seed)
        if one_seed:
            ax.xaxis.set_major_locator(mpl.ticker.AutoLocator())
            plotting.tidy_axes(ax)
            ax.set(xlabel="epoch", ylabel="training accuracy", ylim=(0.0, 1.05))
            ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        else:
            ax.set_xticks([])
            ax.set(xlabel="", ylabel="final loss", xlim=(-1, 1))
            ax.yaxis.set_major_formatter(mpl.ticker.ScalarFormatter())

    def _draw_seeds(self, v) -> float:
        finals = v["final_losses"]
        k = finals.size
        self._seeds_panel(one_seed=k == 1)
        if k == 1:
            acc = v["history"].accuracy
            self.accuracy_line.set_data(np.arange(acc.size), acc)
            plotting.set_limits(self.ax_seeds, x=(0, plotting.count_limit(self.state["epochs"])))
            self.seed_note.set_text("")
            return float(finals[0])
        xs = (np.arange(k) - (k - 1) / 2) / max(k, 2) * 1.2 if k > 1 else np.zeros(1)
        shown = np.where(np.isfinite(finals), finals, np.nan)
        self.seed_dots.set_offsets(np.column_stack([xs, shown]))
        best = int(np.nonzero(v["seeds"] == v["best_seed"])[0][0])
        self.best_dot.set_offsets([[xs[best], shown[best]]])
        fin = shown[np.isfinite(shown)]
        med = float(np.median(fin)) if fin.size else np.nan
        self.median_line.set_ydata([med, med])
        if fin.size:
            lims = plotting.sticky_limits(self.ax_seeds.get_ylim(), fin.min(), fin.max())
            plotting.set_limits(self.ax_seeds, y=lims)
        self.seed_note.set_text(f"{v['n_diverged']} diverged" if v["n_diverged"] else "")
        return med


def build_training_explorer(
    *,
    dataset: str = "moons",
    scheme: str = "he_normal",
    scale: float = 1.0,
    activation: str = "relu",
    depth: int = 2,
    width: int = 16,
    lr: float = 0.5,
    epochs: int = 300,
    seed: int = 0,
    restarts: int = 1,
    n: int = 400,
    resolution: int = 100,
) -> TrainingExplorer:
    """Train a 2-``width``-...-1 network (``depth`` hidden layers) on a 2-D dataset.

    Full-batch gradient descent (learning rate ``lr``) for ``epochs`` epochs on ``n`` points of
    ``dataset`` (drawn with seed 0); the network's parameters are drawn with ``seed``. With
    ``restarts`` > 1 the same settings are trained from seeds ``seed, seed + 1, ...``, all at
    once (:func:`helpers.batched.train_restarts`), and the best run (lowest final loss) is shown.

    Controls (every one retrains, so the sliders act on release): ``dataset``, ``scheme``,
    ``scale``, ``activation``, ``depth``, ``width``, ``lr``, ``epochs``, ``seed``, ``restarts``.

    Panels: the loss curve (every restart faint, the best dark), the decision boundary of the
    best run, the gradient norm of each layer over training, and the final loss of every seed
    (with one restart, nothing to compare: that run's training accuracy per epoch instead).
    Changed in the browser, the training runs in the background in slices (the kernel stays
    responsive; a newer change starts again, the figure shows the runs so far, a progress bar
    the time left, and Stop ends them where they are); changed from code, it runs at once, and
    *Kernel > Interrupt* stops it and shows it so far.

    ``values``: ``final_loss``, ``final_accuracy``, ``final_losses`` (one per seed), ``seeds``,
    ``best_seed``, ``diverged``, ``diverged_at`` (the best run's), ``n_diverged``, ``stopped``,
    ``finished``, ``epochs_run``, ``history`` (the
    best run's :class:`helpers.train.History`), ``histories`` (every run's), ``model`` (the best
    run's trained MLP).
    """
    return TrainingExplorer(
        dataset=dataset, scheme=scheme, scale=scale, activation=activation, depth=depth,
        width=width, lr=lr, epochs=epochs, seed=seed, restarts=restarts, n=n,
        resolution=resolution,
    )  # fmt: skip
