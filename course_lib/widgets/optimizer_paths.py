"""Explorer of notebook 07: four optimizers race down the same long, narrow valley from the same start."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer, slider

# The valley: loss(p) = p @ A @ p / 2 with curvature 0.1 along the valley and 10 across it (a condition
# number of 100), its axis turned 15 degrees so that it lies along neither coordinate.
_ANGLE = np.deg2rad(15.0)
_ROTATION = np.array([[np.cos(_ANGLE), np.sin(_ANGLE)], [-np.sin(_ANGLE), np.cos(_ANGLE)]])
_CURVATURE = _ROTATION.T @ np.diag([0.1, 10.0]) @ _ROTATION
START = (-3.5, 0.0)
_VIEW_X, _VIEW_Y = (-4.0, 4.0), (-2.5, 2.5)
# A path this far from the minimum is diverging: stop it before its numbers overflow.
_ESCAPED = 1e3
_COLORS = {"SGD": "C0", "momentum": "C1", "RMSProp": "C2", "Adam": "C3"}


def valley_loss(p):
    """The race's loss surface at p (2,): p @ A @ p / 2, minimum 0 at the origin. Returns a float."""
    return float(p @ _CURVATURE @ p / 2)


def valley_gradient(p):
    """Gradient of valley_loss at p (2,): A @ p, shape (2,)."""
    return _CURVATURE @ p


def optimizer_race(sgd_update_fn=None, momentum_update_fn=None, rmsprop_update_fn=None, adam_update_fn=None):
    """Race SGD, momentum, RMSProp and Adam down a narrow valley and draw each one's path over its contours.

    Each function updates params in place, as in the exercises, with params = {"p": array (2,)} and
    grads = {"p": valley_gradient(p)}; each optimizer's state dict starts empty and is its own:
      sgd_update_fn(params, grads, lr), default course_lib.training.sgd_update;
      momentum_update_fn(params, grads, velocities, lr), default course_lib.optimizers.momentum_update;
      rmsprop_update_fn(params, grads, cache, lr), default course_lib.optimizers.rmsprop_update;
      adam_update_fn(params, grads, state, lr), default course_lib.optimizers.adam_update;
    their other hyperparameters keep their defaults (momentum 0.9, rho 0.9, betas 0.9 and 0.999).
    The surface is valley_loss: curvature 10 across the valley and 0.1 along it, its axis turned 15 degrees;
    every path starts at START = (-3.5, 0.0), where the loss is 4.67.
    Controls "lr" (0.01..0.3, step 0.01, starting at 0.18; shared by all four) and "steps" (10..300, step
    10, starting at 100). A path farther than 1000 from the minimum stops there and counts as diverged.
    The readout lists each optimizer's final loss ("diverged" instead for those).

    Measured (final losses after 100 steps):
      lr 0.18: SGD 0.0151 (it zig-zags across the valley, then crawls along it), momentum 2.2e-05,
               RMSProp 0.0533 (its steps stay about lr long, so it keeps hopping around the minimum),
               Adam 0.00095;
      lr 0.05: SGD 0.21, momentum 4.1e-05, RMSProp 0.0046, Adam 0.17;
      lr 0.2 and above: SGD no longer settles (2 / 10 is its limit across the valley), the others do.
    results: "final_loss" and "diverged" (dicts optimizer name -> float / bool) and "paths" (dict name ->
    (n, 2) array of the positions, START first; n = steps + 1 unless the path diverged earlier).
    """
    if None in (sgd_update_fn, momentum_update_fn, rmsprop_update_fn, adam_update_fn):
        from course_lib import optimizers, training  # imported here: only notebook 07 needs them

        sgd_update_fn = training.sgd_update if sgd_update_fn is None else sgd_update_fn
        momentum_update_fn = optimizers.momentum_update if momentum_update_fn is None else momentum_update_fn
        rmsprop_update_fn = optimizers.rmsprop_update if rmsprop_update_fn is None else rmsprop_update_fn
        adam_update_fn = optimizers.adam_update if adam_update_fn is None else adam_update_fn

    def sgd_step(params, grads, _state, lr):
        sgd_update_fn(params, grads, lr)

    # One calling convention for the race: update(params, grads, state, lr).
    racers = {"SGD": sgd_step, "momentum": momentum_update_fn, "RMSProp": rmsprop_update_fn,
              "Adam": adam_update_fn}
    controls = {
        "lr": slider("learning rate", 0.18, 0.01, 0.3, 0.01, style=WIDE_DESCRIPTIONS),
        "steps": widgets.IntSlider(value=100, min=10, max=300, step=10, description="steps",
                                   continuous_update=False, style=WIDE_DESCRIPTIONS),
    }

    def draw(values):
        lr, steps = values["lr"], values["steps"]
        paths = {name: _path(update, lr, steps) for name, update in racers.items()}
        diverged = {name: _escaped(path[-1]) for name, path in paths.items()}
        final_loss = {name: valley_loss(path[-1]) for name, path in paths.items()}
        # Separated by a visible mark: the browser shows a run of spaces as one.
        summary = " \u00b7 ".join(f"{name} diverged" if diverged[name] else f"{name} {final_loss[name]:.3g}"
                                  for name in racers)
        text = f"final loss after {steps} steps at lr {lr:g}: {summary}"
        results = {"final_loss": final_loss, "diverged": diverged, "paths": paths}
        return _race_figure(paths, diverged, final_loss, lr, steps), text, results

    return Explorer(controls, draw)


def _path(update, lr, steps):
    """Positions (n, 2) of one optimizer from START, one row per step, stopping early if it escapes."""
    params, state = {"p": np.array(START)}, {}
    points = [params["p"].copy()]
    # A diverging path overflows on purpose; the readout says so, numpy's warnings would only repeat it.
    with np.errstate(all="ignore"):
        for _ in range(steps):
            update(params, {"p": valley_gradient(params["p"])}, state, lr)
            # A copy: an update may change the array in place, which would rewrite the recorded path.
            point = np.array(params["p"], dtype=np.float64)
            points.append(point)
            if _escaped(point):
                break
    return np.array(points)


def _escaped(point):
    """Whether point (2,) is non-finite or farther than _ESCAPED from the minimum: a diverging path."""
    return bool(not np.all(np.isfinite(point)) or np.linalg.norm(point) > _ESCAPED)


def _race_figure(paths, diverged, final_loss, lr, steps):
    """The valley's contours with every path (n, 2) drawn over them, the start and the minimum marked."""
    figure = Figure(figsize=(8.4, 4.2))
    figure.subplots_adjust(left=0.07, right=0.72, bottom=0.12, top=0.91)
    ax = figure.add_subplot()
    xs, ys = np.meshgrid(np.linspace(*_VIEW_X, 161), np.linspace(*_VIEW_Y, 101))
    grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
    losses = 0.5 * np.einsum("ni,ij,nj->n", grid, _CURVATURE, grid).reshape(xs.shape)
    ax.contour(xs, ys, losses, levels=np.geomspace(0.01, 50.0, 12), colors="grey", linewidths=0.6)
    for name, path in paths.items():
        label = f"{name}: diverged" if diverged[name] else f"{name}: {final_loss[name]:.3g}"
        ax.plot(path[:, 0], path[:, 1], ".-", color=_COLORS[name], markersize=3, linewidth=1.1, label=label)
    ax.plot(*START, "o", color="black", markersize=7, label="start")
    ax.plot(0.0, 0.0, "*", color="black", markersize=12, label="minimum")
    ax.set_xlim(*_VIEW_X)
    ax.set_ylim(*_VIEW_Y)
    ax.set_aspect("equal")
    ax.set_xlabel("p₀")
    ax.set_ylabel("p₁")
    ax.set_title(f"{steps} steps at learning rate {lr:g}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", title="final loss")
    return figure
