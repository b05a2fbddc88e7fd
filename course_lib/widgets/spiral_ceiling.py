"""Explorer of notebook 12: how noise, and the source's one-curve mistake, limit what any classifier can do
on the two spirals."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib.plotting import class_color
from course_lib.widgets.explorer import WIDE_DESCRIPTIONS, Explorer, slider

GEOMETRIES = ("as specified", "source's mistake")
# Points per arm, as make_two_spirals draws by default.
_POINTS_PER_ARM = 300
# The shading of the nearest-curve rule's regions: a grid of this many points per side.
_GRID = 120
_VIEW = 1.25
# Monte-Carlo draws behind each ceiling estimate: a standard error below 0.005, and about 0.1 s each.
_CEILING_SAMPLES = 5000


def spiral_ceiling_explorer(data_fn=None, mistaken_data_fn=None, ceiling_fn=None, seed=0):
    """Change the noise of the two spirals and see how many points lie nearer the other arm.

    data_fn(n, noise, seed) -> (X (2n, 2), y (2n,)): the arms as specified, default
    course_lib.datasets.make_two_spirals; mistaken_data_fn: the same with the source's mistake, default
    course_lib.capstone.make_two_spirals_with_source_mistake; ceiling_fn(noise, rng) -> float, the best
    accuracy any classifier can reach on data_fn's arms, default course_lib.capstone.bayes_accuracy with
    5000 Monte-Carlo draws (each value computed once, from numpy.random.default_rng(seed)).
    Controls "noise" (0.01 to 0.15, step 0.01, starting at 0.03) and "geometry" (GEOMETRIES, starting at
    "as specified"). The plot shows the 600 points of data_fn(300, noise, seed) (or of mistaken_data_fn),
    the two noiseless arms (the same call with noise 0) as lines, and shades the plane by the nearest-curve
    rule: the class of the nearest noiseless point. The readout gives that rule's accuracy on the points
    and, for the arms as specified, the ceiling.
    results: "noise" (float, rounded to 2 decimals), "geometry", "rule_accuracy" (float: the fraction of
    the points whose nearest noiseless point is of their own class) and "ceiling" (float, or None for the
    source's mistake, whose arms ceiling_fn does not describe).
    """
    if data_fn is None or mistaken_data_fn is None or ceiling_fn is None:
        from course_lib import capstone, datasets

        data_fn = datasets.make_two_spirals if data_fn is None else data_fn
        mistaken_data_fn = capstone.make_two_spirals_with_source_mistake if mistaken_data_fn is None \
            else mistaken_data_fn
        if ceiling_fn is None:
            def ceiling_fn(noise, rng):
                return capstone.bayes_accuracy(noise, rng, samples=_CEILING_SAMPLES)
    ceilings = {}
    controls = {
        "noise": slider("noise", 0.03, 0.01, 0.15, 0.01, style=WIDE_DESCRIPTIONS),
        "geometry": widgets.ToggleButtons(options=list(GEOMETRIES), value=GEOMETRIES[0], description="arms"),
    }

    def draw(values):
        noise = round(float(values["noise"]), 2)
        geometry = values["geometry"]
        make = data_fn if geometry == GEOMETRIES[0] else mistaken_data_fn
        X, y = (np.asarray(a) for a in make(n=_POINTS_PER_ARM, noise=noise, seed=seed))
        curve_points, curve_labels = (np.asarray(a) for a in make(n=_POINTS_PER_ARM, noise=0.0, seed=seed))
        rule_accuracy = float(np.mean(_nearest_curve_labels(X, curve_points, curve_labels) == y))
        ceiling = None
        if geometry == GEOMETRIES[0]:
            if noise not in ceilings:
                ceilings[noise] = float(ceiling_fn(noise, np.random.default_rng(seed)))
            ceiling = ceilings[noise]
        text = f"noise {noise:.2f}: the nearest-curve rule labels {rule_accuracy:.3f} of these points right"
        text += (f"; no classifier can expect more than about {ceiling:.3f}" if ceiling is not None
                 else "; the two classes share one curve, so most points could belong to either")
        results = {"noise": noise, "geometry": geometry, "rule_accuracy": rule_accuracy, "ceiling": ceiling}
        return _spiral_figure(X, y, curve_points, curve_labels, noise, geometry), text, results

    return Explorer(controls, draw)


def _nearest_curve_labels(X, curve_points, curve_labels):
    """(N,) the label of the nearest of the noiseless points (M, 2) for each row of X (N, 2)."""
    squared = np.sum((X[:, None, :] - curve_points[None, :, :]) ** 2, axis=2)
    return curve_labels[np.argmin(squared, axis=1)]


def _spiral_figure(X, y, curve_points, curve_labels, noise, geometry):
    """The points, the noiseless arms in order of angle, and the nearest-curve rule's regions."""
    figure = Figure(figsize=(5.2, 5.0))
    figure.subplots_adjust(left=0.1, right=0.97, bottom=0.08, top=0.92)
    ax = figure.subplots()
    axis = np.linspace(-_VIEW, _VIEW, _GRID)
    xx, yy = np.meshgrid(axis, axis)
    grid = np.column_stack((xx.ravel(), yy.ravel()))
    regions = _nearest_curve_labels(grid, curve_points, curve_labels).reshape(xx.shape)
    for k in (0, 1):
        ax.contourf(xx, yy, (regions == k).astype(float), levels=[0.5, 1.5], colors=[class_color(k)], alpha=0.25)
    for k in (0, 1):
        arm = curve_points[curve_labels == k]
        # Points along an arm lie in order of their distance from the centre: sorting by it draws the curve.
        arm = arm[np.argsort(np.hypot(arm[:, 0], arm[:, 1]))]
        # Arm 1 dashed: with the source's mistake it lies on top of arm 0, which must stay visible.
        ax.plot(arm[:, 0], arm[:, 1], "-" if k == 0 else "--", color=class_color(k), linewidth=1.5)
        ax.scatter(X[y == k, 0], X[y == k, 1], s=7, color=class_color(k), label=f"class {k}")
    ax.set_xlim(-_VIEW, _VIEW)
    ax.set_ylim(-_VIEW, _VIEW)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title(f"{geometry}, noise {noise:.2f}")
    return figure
