"""Explorer of notebook 10: one sample's batch-norm output, with batch statistics and with running ones, as
the companions in its batch change."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib.batchnorm import batchnorm_forward
from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer, slider

# The training data the running statistics are learned from: 3 features, each N(1, 2²), 200 batches of 32.
TRAINING_MEAN, TRAINING_STD = 1.0, 2.0
_TRAINING_SEED = 1010
_TRAINING_BATCHES, _BATCH_SIZE = 200, 32
# The one sample followed, and the fixed noise of its companions (shifted by the control).
SAMPLE = np.array([1.5, -0.5, 3.0])
MAX_COMPANIONS = 15
_COMPANION_SEED = 1011
SHIFT_RANGE = (-4.0, 8.0)


def batch_dependence_explorer(forward_fn=None):
    """See how one sample's output depends on the rest of its batch with batch statistics, and not with
    running ones.

    forward_fn(Z, gamma, beta, bn_state, training=...) -> (out, cache), default
    course_lib.batchnorm.batchnorm_forward. It first learns running statistics from 200 training batches of
    3 features drawn from N(1, 2²) (fixed seed), with gamma = 1 and beta = 0. Then the sample
    x = [1.5, -0.5, 3.0] is put in a batch with `companions` other samples: the same fixed noise, centred on
    `shift` instead of 1.
    Controls "shift" (-4..8, step 0.5, starting at 1.0, like the training data) and "companions" (0..15,
    starting at 7; 0 leaves x alone in its batch). The left plot shows x's three outputs both ways, the right
    one x's first output against the shift, with the current shift marked.
    results: "batch_out" (3,) x's output normalised with its batch's statistics, "running_out" (3,) with the
    running statistics, "running_mean" and "running_var" (3,), "shifts" and "batch_curve" (the right plot's
    curve, x's first output for each shift).
    """
    forward_fn = batchnorm_forward if forward_fn is None else forward_fn
    gamma, beta = np.ones(3), np.zeros(3)
    state = {}
    training = np.random.default_rng(_TRAINING_SEED)
    for _ in range(_TRAINING_BATCHES):
        batch = training.normal(TRAINING_MEAN, TRAINING_STD, size=(_BATCH_SIZE, 3))
        forward_fn(batch, gamma.copy(), beta.copy(), state, training=True)
    running = {key: np.array(value, dtype=np.float64) for key, value in state.items()}
    noise = np.random.default_rng(_COMPANION_SEED).normal(0.0, TRAINING_STD, size=(MAX_COMPANIONS, 3))
    shifts = np.linspace(*SHIFT_RANGE, 25)

    def output_of_x(shift, companions, use_batch):
        batch = np.vstack([SAMPLE, shift + noise[:companions]])
        bn_state = {} if use_batch else {key: value.copy() for key, value in running.items()}
        out, _ = forward_fn(batch, gamma.copy(), beta.copy(), bn_state, training=use_batch)
        return np.asarray(out, dtype=np.float64)[0]

    controls = {
        "shift": slider("shift", TRAINING_MEAN, *SHIFT_RANGE, 0.5, style=WIDE_DESCRIPTIONS),
        "companions": widgets.IntSlider(value=7, min=0, max=MAX_COMPANIONS, description="companions",
                                        continuous_update=False, style=WIDE_DESCRIPTIONS),
    }

    def draw(values):
        shift, companions = values["shift"], values["companions"]
        results = {"batch_out": output_of_x(shift, companions, True),
                   "running_out": output_of_x(shift, companions, False),
                   "running_mean": running["running_mean"].copy(), "running_var": running["running_var"].copy(),
                   "shifts": shifts.copy(),
                   "batch_curve": np.array([output_of_x(s, companions, True)[0] for s in shifts])}
        return _figure(results, values), _readout(values, results), results

    return Explorer(controls, draw)


def _readout(values, results):
    """E.g. "x with 7 companions around 1.0: batch statistics give [0.41, -0.44, 0.18], running ones
    [0.32, -0.81, 1.07]"."""
    def shown(out):
        return "[" + ", ".join(f"{v:.2f}" for v in out) + "]"

    who = ("x alone in its batch" if values["companions"] == 0 else
           f"x with {values['companions']} companions around {values['shift']:.1f}")
    return (f"{who}: batch statistics give {shown(results['batch_out'])}, running ones "
            f"{shown(results['running_out'])}")


def _figure(results, values):
    """x's outputs both ways as bars (left); x's first output against the companions' shift (right)."""
    figure = Figure(figsize=(9.5, 3.4))
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.86, wspace=0.28)
    ax_bars, ax_curve = figure.subplots(1, 2)
    features = np.arange(3)
    ax_bars.bar(features - 0.2, results["batch_out"], width=0.4, color="C3", label="batch statistics (the bug)")
    ax_bars.bar(features + 0.2, results["running_out"], width=0.4, color="C2", label="running statistics")
    ax_bars.axhline(0.0, color="black", linewidth=0.8)
    ax_bars.set_xticks(features)
    ax_bars.set_xlabel("feature")
    ax_bars.set_ylim(-4.0, 4.0)
    ax_bars.set_title("x's normalised output")
    ax_bars.legend(loc="lower left", fontsize="small")
    ax_curve.plot(results["shifts"], results["batch_curve"], color="C3", label="batch statistics")
    ax_curve.axhline(results["running_out"][0], color="C2", label="running statistics")
    ax_curve.axvline(values["shift"], color="gray", ls=":")
    ax_curve.set_xlabel("centre of the companions")
    ax_curve.set_ylim(-4.0, 4.0)
    ax_curve.set_title(f"x's feature 0, {values['companions']} companions")
    ax_curve.legend(loc="upper right", fontsize="small")
    return figure
