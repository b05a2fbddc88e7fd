"""course_lib.widgets.stopping: the early-stopping explorer replays a recorded curve through a stopper and
shows where it stops and which epoch it restores."""


import ipywidgets
import numpy as np
import pytest

from course_lib.early_stopping import EarlyStopping
from course_lib.widgets.stopping import early_stopping_explorer
from tests.widget_testing import printed_by_a_headless_widget_cell, shown_png

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

# A validation curve that falls to its lowest at epoch 5 (0.40), wobbles, then climbs; 40 epochs.
CURVE = np.concatenate([[1.0, 0.8, 0.6, 0.5, 0.45, 0.40, 0.41, 0.405, 0.42, 0.398],
                        0.4 + 0.02 * np.arange(1, 31)])



def _by_hand(curve, patience, min_delta):
    """Where the course's EarlyStopping stops on curve, written out independently of the widget."""
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(curve):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch, best
    return None, best_epoch, best


def test_controls_and_starting_setting():
    explorer = early_stopping_explorer(CURVE)
    assert isinstance(explorer, ipywidgets.VBox)
    assert explorer.values == {"patience": 10, "min_delta": 0.0}
    patience = explorer.controls["patience"]
    assert (patience.min, patience.max) == (1, 39)
    assert (explorer.controls["min_delta"].min, explorer.controls["min_delta"].max) == (0.0, 0.1)
    shown_png(explorer)
    assert explorer.readout.value == ("patience 10, min_delta 0.000: stops after epoch 19 (20 of 40 epochs run); "
                                      "restores epoch 9 (validation loss 0.3980); the whole run's lowest is at "
                                      "epoch 9")


@pytest.mark.parametrize(("patience", "min_delta"), [(1, 0.0), (3, 0.0), (3, 0.01), (10, 0.05), (39, 0.0)])
def test_stop_and_restored_epoch_are_those_of_early_stopping(patience, min_delta):
    explorer = early_stopping_explorer(CURVE)
    explorer.set_values(patience=patience, min_delta=min_delta)
    stop, best_epoch, best = _by_hand(CURVE, patience, min_delta)
    results = explorer.results
    assert (results["stop_epoch"], results["best_epoch"], results["kept_epoch"]) == (stop, best_epoch, best_epoch)
    assert results["best_loss"] == best
    assert results["epochs_run"] == (len(CURVE) if stop is None else stop + 1)
    assert results["lowest_epoch"] == 9


def test_min_delta_ignores_the_small_late_improvement():
    explorer = early_stopping_explorer(CURVE)
    explorer.set_values(patience=5, min_delta=0.005)
    # 0.398 at epoch 9 beats 0.40 by less than 0.005: epoch 5 stays the best, and the stop comes at 10.
    assert (explorer.results["best_epoch"], explorer.results["stop_epoch"]) == (5, 10)


def test_a_curve_that_keeps_improving_never_stops():
    explorer = early_stopping_explorer(np.linspace(1.0, 0.1, 12))
    assert explorer.results["stop_epoch"] is None and explorer.results["epochs_run"] == 12
    assert "never stops (all 12 epochs run)" in explorer.readout.value


def test_the_given_class_is_used_and_its_kept_weights_are_reported():
    calls = []

    class KeepsLatest(EarlyStopping):
        """Records its calls and, wrongly, keeps the params of every update."""

        def update(self, val_loss, params):
            calls.append((type(val_loss), sorted(params)))
            stop = super().update(val_loss, params)
            self.best_params = params
            return stop

    explorer = early_stopping_explorer(list(CURVE), stopper_class=KeepsLatest)
    assert calls[0] == (float, ["epoch"]) and len(calls) == 20
    assert explorer.results["best_epoch"] == 9 and explorer.results["kept_epoch"] == 19


def test_the_curve_is_copied_and_global_random_state_is_left_alone():
    curve = CURVE.copy()
    state = np.random.get_state()[1].copy()
    explorer = early_stopping_explorer(curve, train_losses=curve / 2)
    curve[:] = 0.0
    explorer.set_values(patience=2)
    assert explorer.results["best_loss"] == 0.40
    assert np.array_equal(np.random.get_state()[1], state)


def test_too_short_a_curve_is_refused():
    with pytest.raises(ValueError, match="at least 2 losses"):
        early_stopping_explorer([0.5])


def test_renders_in_headless_nbclient_execution():
    printed = printed_by_a_headless_widget_cell(
        "import numpy as np\n"
        "from course_lib.widgets.stopping import early_stopping_explorer\n"
        "explorer = early_stopping_explorer(np.r_[1.0, 0.5, 0.4, 0.45, 0.5, 0.6],\n"
        "                                   train_losses=[1, 0.5, 0.3, 0.2, 0.1, 0.05])\n"
        "display(explorer)\n"
        "explorer.set_values(patience=2, min_delta=0.01)\n"
        "print(explorer.readout.value)")
    assert printed.startswith("patience 2, min_delta 0.010: stops after epoch 4 (5 of 6 epochs run); "
                                         "restores epoch 2")
