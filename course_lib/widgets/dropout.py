"""Explorer of notebook 09: which units an inverted-dropout mask keeps, and the rescaled activations."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib import regularization
from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer, slider

# Fixed activations for every redraw: a batch of 6 samples of 16 units, uniform in [0, 1.5), so that a
# change in the picture comes from the mask alone.
_ACTIVATION_SEED = 909
_SHAPE = (6, 16)
_ACTIVATION_HIGH = 1.5
MAX_SEED = 999


def dropout_explorer(dropout_fn=None):
    """See a dropout mask and what it does to a batch of activations, for any keep_prob and seed.

    dropout_fn(A, keep_prob, rng, training) -> (out, mask), default course_lib.regularization.dropout_forward.
    Controls "keep_prob" (0.1..1.0, step 0.05, starting at 0.5), "seed" (0..999; the mask is drawn from
    np.random.default_rng(seed)) and "mode" ("train", "eval"); the "resample" button moves seed on by
    one, which draws a new mask. The fixed activations A are a batch of 6 samples of 16 units; the plot shows
    A, the mask (kept units light, dropped ones dark) and out, on one colour scale.
    results: "A" (6, 16), "out" (6, 16), "mask" (6, 16) booleans (all True in eval mode, where
    dropout_fn returns None), "kept_fraction", "mean_A" and "mean_out" (floats).
    """
    dropout_fn = regularization.dropout_forward if dropout_fn is None else dropout_fn
    controls = {
        "keep_prob": slider("keep_prob", 0.5, 0.1, 1.0, 0.05, style=WIDE_DESCRIPTIONS),
        "seed": widgets.BoundedIntText(value=0, min=0, max=MAX_SEED, description="seed", style=WIDE_DESCRIPTIONS,
                                       layout={"width": "200px"}),
        "mode": widgets.ToggleButtons(options=["train", "eval"], value="train", description="mode"),
    }
    A = np.random.default_rng(_ACTIVATION_SEED).uniform(0.0, _ACTIVATION_HIGH, _SHAPE)

    def draw(values):
        keep_prob, training = values["keep_prob"], values["mode"] == "train"
        out, mask = dropout_fn(A.copy(), keep_prob, np.random.default_rng(values["seed"]), training)
        out = np.asarray(out, dtype=np.float64)
        mask = np.ones(_SHAPE, dtype=bool) if mask is None else np.asarray(mask).astype(bool)
        results = {"A": A, "out": out, "mask": mask, "kept_fraction": float(mask.mean()),
                   "mean_A": float(A.mean()), "mean_out": float(out.mean())}
        return _figure(A, mask, out, keep_prob, training), _readout(values, results), results

    resample = widgets.Button(description="resample", tooltip="draw a new mask (seed + 1)")
    explorer = Explorer(controls, draw, extras=(resample,))

    def next_seed(_button):
        seed = controls["seed"]
        seed.value = seed.value + 1 if seed.value < MAX_SEED else 0

    resample.on_click(next_seed)
    explorer.resample_button = resample
    return explorer


def _readout(values, results):
    """E.g. "train, keep_prob 0.5, seed 0: 47 of 96 units kept; mean of A 0.74, mean of out 0.70"."""
    mask = results["mask"]
    head = f"{values['mode']}, keep_prob {values['keep_prob']:.2f}, seed {values['seed']}: "
    return (head + f"{int(mask.sum())} of {mask.size} units kept; mean of A {results['mean_A']:.3f}, "
            f"mean of out {results['mean_out']:.3f}")


def _figure(A, mask, out, keep_prob, training):
    """A, the mask and out as three heat maps of samples × units."""
    figure = Figure(figsize=(9.5, 3.3))
    figure.subplots_adjust(left=0.05, right=0.93, bottom=0.12, top=0.86, wspace=0.12)
    ax_a, ax_mask, ax_out = figure.subplots(1, 3, sharey=True)
    # One colour scale for A and out, wide enough for the largest rescaled unit.
    top = max(_ACTIVATION_HIGH, float(out.max(initial=0.0)))
    ax_a.imshow(A, vmin=0.0, vmax=top, cmap="viridis", aspect="auto")
    ax_mask.imshow(mask, vmin=0, vmax=1, cmap="gray", aspect="auto")
    image = ax_out.imshow(out, vmin=0.0, vmax=top, cmap="viridis", aspect="auto")
    figure.colorbar(image, ax=[ax_a, ax_mask, ax_out], fraction=0.03, pad=0.02)
    ax_a.set_title("activations A")
    ax_mask.set_title(f"mask: {int(mask.sum())} of {mask.size} kept" if training else "eval: no mask")
    ax_out.set_title(f"out = A · mask / {keep_prob:.2f}" if training else "out = A")
    ax_a.set_ylabel("sample")
    for ax in (ax_a, ax_mask, ax_out):
        ax.set_xlabel("unit")
    return figure
