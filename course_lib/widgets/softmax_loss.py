"""Explorer of notebook 04: logits as sliders, their softmax as bars, and the loss of one true class."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer, slider

# A logit gap of 20 gives the lowest class a probability of about 2e-9, below the loss's clip at 1e-7, so the
# clipping can be seen at work.
_LOGIT_RANGE = 10.0
# The lower clip of categorical_cross_entropy, fixed by the exercise: below it the loss stops growing.
_CLIP_LOW = 1e-7
_STARTING_LOGITS = (2.0, 1.0, 0.1)


def softmax_explorer(softmax_fn=None, cross_entropy_fn=None, num_classes=3):
    """Set K logits with sliders and watch softmax turn them into probabilities and one class's loss.

    softmax_fn(Z (N, K)) -> (N, K) probabilities, default course_lib.losses.softmax;
    cross_entropy_fn(probs (N, K), y (N,) integer labels) -> float, default
    course_lib.losses.categorical_cross_entropy (which clips probabilities to [1e-7, 1 - 1e-7]).
    Both are called on one sample (N = 1). num_classes: K, 2 to 6.
    Controls "z0" ... "z{K-1}" (logits, -10..10, step 0.1; the first three start at 2.0, 1.0, 0.1, others
    at 0) and "true_class" (a dropdown of 0 .. K-1, starting at 0). The left panel shows the logits, the
    right one the probabilities with the true class's bar outlined. The readout gives the probabilities and the loss
    -log p_true, noting when p_true fell below 1e-7 and was clipped (the loss then stays at about 16.12).
    results: "probs" (K,), "p_true" (float, before clipping), "loss" (float, from cross_entropy_fn) and
    "clipped" (bool: p_true < 1e-7).
    """
    if softmax_fn is None or cross_entropy_fn is None:
        from course_lib import losses  # imported here so notebooks 01-03 never need notebook 04's module

        softmax_fn = losses.softmax if softmax_fn is None else softmax_fn
        cross_entropy_fn = losses.categorical_cross_entropy if cross_entropy_fn is None else cross_entropy_fn
    if not 2 <= num_classes <= 6:
        raise ValueError(f"num_classes must be between 2 and 6, got {num_classes}")
    classes = list(range(num_classes))
    controls = {f"z{k}": slider(f"logit z{k}", _starting_logit(k), -_LOGIT_RANGE, _LOGIT_RANGE, 0.1,
                                style=WIDE_DESCRIPTIONS) for k in classes}
    controls["true_class"] = widgets.Dropdown(options=classes, value=0, description="true class",
                                              style=WIDE_DESCRIPTIONS, layout={"width": "180px"})

    def draw(values):
        logits = np.array([values[f"z{k}"] for k in classes])
        true_class = values["true_class"]
        probs = np.asarray(softmax_fn(logits[None, :]), dtype=np.float64)[0]
        loss = float(cross_entropy_fn(probs[None, :], np.array([true_class])))
        p_true = float(probs[true_class])
        clipped = p_true < _CLIP_LOW
        text = ("p = [" + ", ".join(f"{p:.3f}" for p in probs) + f"]; true class {true_class}: "
                + _loss_text(true_class, p_true, loss, clipped))
        results = {"probs": probs, "p_true": p_true, "loss": loss, "clipped": clipped}
        return _softmax_figure(logits, probs, true_class, loss), text, results

    return Explorer(controls, draw)


def _starting_logit(k):
    return _STARTING_LOGITS[k] if k < len(_STARTING_LOGITS) else 0.0


def _loss_text(true_class, p_true, loss, clipped):
    """The readout's loss part, e.g. "loss = -log p0 = 0.417" (with U+2212 minus signs, as in the plot)."""
    if clipped:
        return f"loss = \u2212log(1e-7) = {loss:.3f} (p{true_class} = {p_true:.1e}, clipped to 1e-7)"
    return f"loss = \u2212log p{true_class} = {loss:.3f}"


def _softmax_figure(logits, probs, true_class, loss):
    """Logits (K,) as bars on the left, probs (K,) as bars on the right with the true class outlined."""
    classes = np.arange(len(logits))
    figure = Figure(figsize=(9, 3.4))
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.88, wspace=0.25)
    ax_logits, ax_probs = figure.subplots(1, 2)

    ax_logits.bar(classes, logits, color="C7")
    ax_logits.axhline(0.0, color="black", linewidth=0.8)
    ax_logits.set_ylim(-_LOGIT_RANGE, _LOGIT_RANGE)
    ax_logits.set_title("logits z")

    is_true = classes == true_class
    ax_probs.bar(classes, probs, color=np.where(is_true, "C1", "C0"),
                 edgecolor=np.where(is_true, "black", "none"), linewidth=2)
    for k, p in zip(classes, probs):
        ax_probs.text(k, p + 0.02, f"{p:.3f}", ha="center", va="bottom", fontsize="small")
    ax_probs.set_ylim(0.0, 1.12)
    ax_probs.set_title(f"softmax(z); loss for class {true_class} = {loss:.3f}")

    for ax in (ax_logits, ax_probs):
        ax.set_xticks(classes)
        ax.set_xlabel("class")
    return figure
