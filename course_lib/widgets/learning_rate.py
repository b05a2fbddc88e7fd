"""Explorer of notebook 06: train one network again and again, each time with another learning rate."""

import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullLocator

from course_lib.datasets import spiral_data
from course_lib.layers import init_dense
from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer

# Log-spaced, with round labels: a factor of about 3 between neighbours.
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
# Older runs beyond this many are dropped, so that the legend stays readable.
_MAX_RUNS = 8
# A fixed log-scale view from a well-trained loss up to the clipped loss of confident mistakes (16.1).
_LOSS_VIEW = (0.15, 20.0)
_LOSS_TICKS = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


def learning_rate_explorer(sgd_update_fn=None, forward_fn=None, backward_fn=None, hidden_size=64, seed=0):
    """Train the same two-layer network on spiral_data(100, 3) with the learning rate of your choice.

    sgd_update_fn(params, grads, lr) -> None, updating params in place; default course_lib.training.sgd_update.
    forward_fn(X (N, D), params) -> (probs (N, K), cache); backward_fn(probs, y (N,), cache, params) -> grads
    (dict keyed like params); defaults course_lib.training.two_layer_forward and two_layer_backward.
    params has keys W1 (2, hidden_size), b1 (hidden_size,), W2 (hidden_size, 3), b2 (3,).
    Controls "lr" (a log-scale slider over LEARNING_RATES, 1e-4 to 100, starting at 0.01) and "steps" (100
    to 3000, starting at 1000); buttons "Train" and "Clear runs". Train starts from the same He-initialised
    weights every time (drawn from numpy.random.default_rng(seed)), takes `steps` full-batch SGD steps at the
    constant rate lr with a tqdm.auto progress bar in the widget, and adds the run's loss and accuracy curves
    to the plot beside the earlier runs (labelled by lr; the last 8 lrs are kept, and a new run at an lr
    already shown replaces the old one). The readout gives the run's first and final loss and its final
    accuracy, and says "diverged" when the loss became nan or inf or ended higher than it started. An error
    raised by one of the functions shows in the progress area (in a notebook) and adds no run.

    Measured with the defaults (1000 steps, 64 hidden units, seed 0; the loss starts at 1.212):
      too small  lr 0.001: loss 1.108 at the end, accuracy 0.39 (1e-4: 1.192);
      plateau    lr 0.01 to 1: 1.07 to 1.01, accuracy 0.43 to 0.53;
      good       lr 3: loss 0.657, accuracy 0.68 (2000 steps: 0.552, 0.72), spiky: near the edge of stability;
      diverged   lr 10: ends at 1.31, above the start; lr 30: 8.45, accuracy 0.33 (one class for all).
    About 0.2 s per 1000 steps, drawing included. With 300 steps even lr 3 only reaches 0.995: plain SGD
    needs about a thousand steps to leave this data's plateau, hence the default.

    explorer.runs: the kept runs, oldest first, each a dict with "lr", "steps", "loss" and "accuracy"
    ((steps,) arrays, nan after a non-finite loss, where training stops), "final_step" (int, the last step
    measured) and "diverged" (bool). results (empty until the first run): the latest run's "lr", "steps",
    "initial_loss", "final_loss", "final_accuracy", "diverged".
    explorer.train() does what the Train button does; explorer.clear() what Clear runs does.
    """
    if sgd_update_fn is None or forward_fn is None or backward_fn is None:
        from course_lib import training  # imported here so earlier notebooks never need notebook 06's module

        sgd_update_fn = training.sgd_update if sgd_update_fn is None else sgd_update_fn
        forward_fn = training.two_layer_forward if forward_fn is None else forward_fn
        backward_fn = training.two_layer_backward if backward_fn is None else backward_fn
    X, y = spiral_data(100, 3)
    X, y = X.astype(np.float64), y.astype(np.int64)

    def train_run(lr, steps):
        initial_params = _initial_params(X.shape[1], hidden_size, int(y.max()) + 1, seed)
        return _train(X, y, initial_params, lr, steps, forward_fn, backward_fn, sgd_update_fn)

    controls = {
        "lr": widgets.SelectionSlider(options=[(f"{lr:g}", lr) for lr in LEARNING_RATES], value=0.01,
                                      description="learning rate", style=WIDE_DESCRIPTIONS),
        "steps": widgets.IntSlider(value=1000, min=100, max=3000, step=100, description="steps",
                                   continuous_update=False, style=WIDE_DESCRIPTIONS),
    }
    return LearningRateExplorer(controls, train_run)


class LearningRateExplorer(Explorer):
    """An Explorer whose plot changes only when Train is pressed: each press adds one training run.

    Besides the Explorer's controls, readout, plot and results: train_button, clear_button, progress (an
    Output showing the last run's progress bar) and runs (see learning_rate_explorer).
    """

    def __init__(self, controls, train_run):
        """controls: "lr" and "steps"; train_run(lr, steps) -> run dict (see learning_rate_explorer)."""
        self.runs = []
        self._train_run = train_run
        self.train_button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.clear_button = widgets.Button(description="Clear runs")
        self.progress = widgets.Output()
        buttons = widgets.HBox([self.train_button, self.clear_button])
        super().__init__(controls, self._draw_runs, extras=(buttons, self.progress), redraw_on_change=False)
        self.train_button.on_click(lambda _button: self.train())
        self.clear_button.on_click(lambda _button: self.clear())

    def train(self):
        """Train with the current lr and steps, then redraw with this run added."""
        lr, steps = self.values["lr"], self.values["steps"]
        run = None
        self.train_button.disabled = True
        try:
            # Emptying the synced outputs clears the old bar in the browser (clear_output() outside a kernel
            # would print escape codes instead).
            self.progress.outputs = ()
            # In a kernel, tqdm.auto's bar is a widget displayed here, inside the explorer; so is the
            # traceback of an error (the Output shows it and swallows it; outside a kernel it propagates).
            with self.progress:
                run = self._train_run(lr, steps)
        finally:
            self.train_button.disabled = False
        if run is None:
            return
        # Every run starts from the same weights, so an earlier run at this lr is the start of this one
        # (or this run the start of it): keep only the newest.
        earlier = [r for r in self.runs if r["lr"] != lr]
        self.runs = [*earlier, run][-_MAX_RUNS:]
        self.redraw()

    def clear(self):
        """Forget every run and clear the plot."""
        self.runs = []
        self.progress.outputs = ()
        self.redraw()

    def _draw_runs(self, _values):
        if not self.runs:
            return _runs_figure([]), "No run yet: choose a learning rate and press Train.", {}
        run = self.runs[-1]
        final_step = run["final_step"]
        results = {"lr": run["lr"], "steps": run["steps"], "initial_loss": float(run["loss"][0]),
                   "final_loss": float(run["loss"][final_step]),
                   "final_accuracy": float(run["accuracy"][final_step]), "diverged": run["diverged"]}
        text = (f"lr = {run['lr']:g}, {run['steps']} steps: loss {results['initial_loss']:.3f} \u2192 "
                f"{results['final_loss']:.3f}")
        if final_step < run["steps"] - 1:
            text += f" at step {final_step}"
        text += f", accuracy {results['final_accuracy']:.2f}"
        if run["diverged"]:
            text += " \u2014 diverged"
        return _runs_figure(self.runs), text, results


def _initial_params(n_in, hidden_size, num_classes, seed):
    """He-initialised weights and zero biases from default_rng(seed): the same start for every run.

    Returns params W1 (n_in, hidden_size), b1 (hidden_size,), W2 (hidden_size, num_classes), b2 (num_classes,).
    """
    rng = np.random.default_rng(seed)
    W1, b1 = init_dense(n_in, hidden_size, rng, scheme="he")
    W2, b2 = init_dense(hidden_size, num_classes, rng, scheme="he")
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def _train(X, y, params, lr, steps, forward_fn, backward_fn, sgd_update_fn):
    """Full-batch SGD at the constant rate lr, `steps` times, with a tqdm.auto progress bar.

    X: (N, D); y: (N,) integer labels; params: updated in place by sgd_update_fn.
    Returns a run dict: "lr", "steps", "loss" and "accuracy" (steps,) measured before each step's update
    (nan after a non-finite loss, where training stops), "final_step" (the last step measured) and "diverged".
    """
    from tqdm.auto import tqdm

    from course_lib.losses import accuracy, categorical_cross_entropy

    losses, accuracies = np.full(steps, np.nan), np.full(steps, np.nan)
    # A divergent rate overflows on purpose: the loss curve shows it, so numpy's warnings would only repeat it.
    # Outside a notebook, tqdm writes text to stderr, which nbgrader scores as a failure: send it nowhere.
    with np.errstate(all="ignore"), tqdm(total=steps, desc=f"lr {lr:g}", file=io.StringIO()) as bar:
        for step in range(steps):
            probs, cache = forward_fn(X, params)
            losses[step] = categorical_cross_entropy(probs, y)
            accuracies[step] = accuracy(probs, y)
            bar.update()
            if not np.isfinite(losses[step]):
                break
            sgd_update_fn(params, backward_fn(probs, y, cache, params), lr)
    final_loss = losses[step]
    diverged = bool(not np.isfinite(final_loss) or final_loss > losses[0])
    return {"lr": lr, "steps": steps, "loss": losses, "accuracy": accuracies, "final_step": step,
            "diverged": diverged}


def _runs_figure(runs):
    """Loss (log scale, left) and accuracy (right) against the step, one curve per run."""
    figure = Figure(figsize=(10, 3.6))
    figure.subplots_adjust(left=0.07, right=0.82, bottom=0.14, top=0.9, wspace=0.22)
    ax_loss, ax_accuracy = figure.subplots(1, 2)
    # In order of lr, so the legend reads from small to large; at most 8 runs, so the colours differ.
    for index, run in enumerate(sorted(runs, key=lambda run: run["lr"])):
        color = f"C{index}"
        label = f"lr {run['lr']:g}" + (" (diverged)" if run["diverged"] else "")
        steps = np.arange(run["steps"])
        ax_loss.plot(steps, run["loss"], color=color, label=label)
        ax_accuracy.plot(steps, run["accuracy"], color=color, label=label)
    ax_loss.set_yscale("log")
    ax_loss.set_ylim(*_LOSS_VIEW)
    # Plain tick labels: matplotlib's default log labels use mathtext, which triples the time of a redraw.
    ax_loss.yaxis.set_major_locator(FixedLocator(_LOSS_TICKS))
    ax_loss.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax_loss.yaxis.set_minor_locator(NullLocator())
    ax_loss.set_title("training loss (log scale)")
    ax_accuracy.axhline(1 / 3, color="grey", linewidth=0.8, linestyle=":")  # chance: one class for all
    ax_accuracy.set_ylim(0.0, 1.0)
    ax_accuracy.set_title("training accuracy")
    for ax in (ax_loss, ax_accuracy):
        ax.set_xlabel("step")
        ax.grid(True, alpha=0.3)
    if runs:
        ax_accuracy.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize="small")
    else:
        ax_loss.text(0.5, 0.5, "press Train", transform=ax_loss.transAxes, ha="center", color="grey")
    return figure

