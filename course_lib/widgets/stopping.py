"""Explorer of notebook 11: where early stopping would end a recorded run, for any patience and min_delta."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib.early_stopping import EarlyStopping
from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer, slider

MAX_PATIENCE = 100
MAX_MIN_DELTA = 0.1


def early_stopping_explorer(val_losses, stopper_class=None, train_losses=None):
    """Replay a recorded validation curve through an early stopper and see where it stops.

    val_losses: one validation loss per epoch of a finished run (at least 2).
    stopper_class: called as stopper_class(patience, min_delta); its update(val_loss, params) -> bool is
        called once per epoch, in order, until it returns True, and best_epoch and best_loss are read then.
        Default course_lib.early_stopping.EarlyStopping. params is {"epoch": array([e])} at epoch e, so that
        best_params tells which epoch was kept.
    train_losses: the same run's training losses, drawn faintly for comparison (optional).
    Controls "patience" (1..min(100, epochs - 1), starting at min(10, that)) and "min_delta" (0..0.1, step
    0.001, starting at 0). The plot shows the whole curve, the epochs the stopper would have run in full
    colour, the best epoch (a star) and the stop; the readout says how many epochs would run and which
    one would be restored.
    results: "stop_epoch" (0-based index of the update that returned True, None when it never did),
    "epochs_run" (int), "best_epoch" (int or None), "best_loss" (float), "kept_epoch" (the epoch stored in
    best_params, None without one) and "lowest_epoch" (where the whole curve is lowest).
    """
    stopper_class = EarlyStopping if stopper_class is None else stopper_class
    val_losses = np.asarray(val_losses, dtype=np.float64).copy()
    if val_losses.ndim != 1 or len(val_losses) < 2:
        raise ValueError(f"val_losses must hold at least 2 losses, one per epoch, got shape {val_losses.shape}")
    train_losses = None if train_losses is None else np.asarray(train_losses, dtype=np.float64).copy()
    longest = max(1, min(MAX_PATIENCE, len(val_losses) - 1))
    controls = {
        "patience": widgets.IntSlider(value=min(10, longest), min=1, max=longest, description="patience",
                                      continuous_update=False, style=WIDE_DESCRIPTIONS),
        "min_delta": slider("min_delta", 0.0, 0.0, MAX_MIN_DELTA, 0.001, style=WIDE_DESCRIPTIONS),
    }
    controls["min_delta"].readout_format = ".3f"

    def draw(values):
        results = _replay(val_losses, stopper_class, values["patience"], values["min_delta"])
        figure = _figure(val_losses, train_losses, results, values)
        return figure, _readout(values, results, len(val_losses)), results

    return Explorer(controls, draw)


def _replay(val_losses, stopper_class, patience, min_delta):
    """Feed val_losses (E,) to stopper_class(patience, min_delta) until update returns True.

    Returns the explorer's results dict (see early_stopping_explorer).
    """
    stopper = stopper_class(patience, min_delta)
    stop_epoch = None
    for epoch, loss in enumerate(val_losses):
        if stopper.update(float(loss), {"epoch": np.array([epoch])}):
            stop_epoch = epoch
            break
    best_params = stopper.best_params
    kept = None if best_params is None else int(np.asarray(best_params["epoch"]).ravel()[0])
    best_epoch = None if stopper.best_epoch is None else int(stopper.best_epoch)
    return {"stop_epoch": stop_epoch, "epochs_run": len(val_losses) if stop_epoch is None else stop_epoch + 1,
            "best_epoch": best_epoch, "best_loss": float(stopper.best_loss), "kept_epoch": kept,
            "lowest_epoch": int(np.argmin(val_losses))}


def _readout(values, results, epochs):
    """E.g. "patience 10, min_delta 0.000: stops after epoch 20 (21 of 300 epochs run); restores epoch 10
    (validation loss 0.4689); the whole run's lowest is at epoch 10"."""
    head = f"patience {values['patience']}, min_delta {values['min_delta']:.3f}: "
    if results["stop_epoch"] is None:
        ran = f"never stops (all {epochs} epochs run)"
    else:
        ran = f"stops after epoch {results['stop_epoch']} ({results['epochs_run']} of {epochs} epochs run)"
    restored = ("keeps no weights" if results["best_epoch"] is None else
                f"restores epoch {results['best_epoch']} (validation loss {results['best_loss']:.4f})")
    return f"{head}{ran}; {restored}; the whole run's lowest is at epoch {results['lowest_epoch']}"


def _figure(val_losses, train_losses, results, values):
    """The recorded curves, the part the stopper runs in full colour, the best epoch and the stop."""
    epochs = np.arange(len(val_losses))
    run = results["epochs_run"]
    figure = Figure(figsize=(9, 3.6))
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.88)
    ax = figure.subplots()
    if train_losses is not None:
        ax.plot(np.arange(len(train_losses)), train_losses, color="C0", alpha=0.3, label="train")
    ax.plot(epochs, val_losses, color="C1", alpha=0.3, ls="--")
    ax.plot(epochs[:run], val_losses[:run], color="C1", ls="--", label="validation, epochs run")
    if results["best_epoch"] is not None:
        ax.plot(results["best_epoch"], results["best_loss"], "k*", markersize=12,
                label=f"restored: epoch {results['best_epoch']}")
    if results["stop_epoch"] is not None:
        ax.axvline(results["stop_epoch"], color="C3", ls=":", label=f"stop: epoch {results['stop_epoch']}")
    top = float(np.percentile(np.concatenate([val_losses, [] if train_losses is None else train_losses]), 98))
    ax.set_ylim(0.0, 1.1 * top)
    ax.set_xlabel("epoch (0-based)")
    ax.set_ylabel("loss")
    ax.set_title(f"early stopping with patience {values['patience']}, min_delta {values['min_delta']:.3f}")
    ax.legend(loc="upper right")
    return figure
