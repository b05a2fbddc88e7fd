"""Plots shared by the notebooks: data, decision boundaries, training curves and activations.

Every function draws on the Axes it is given (or on a new figure when ax is None), returns what it
drew on, and never calls plt.show(), so notebooks, widgets and tests decide how a figure is shown.
Class k is always drawn in colour k of matplotlib's "tab10" cycle, in points and regions alike.
"""

import matplotlib.pyplot as plt
import numpy as np

_CLASS_COLORS = plt.get_cmap("tab10").colors


def class_color(k):
    """The colour of class k (an RGB tuple), shared by points and decision regions."""
    return _CLASS_COLORS[int(k) % len(_CLASS_COLORS)]


def _axes_or_new(ax):
    """ax, or the Axes of a new figure when ax is None."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


def plot_points(X, y, ax=None, title=None):
    """Scatter 2-D points, one colour and one legend entry per class.

    X: (N, 2); y: (N,) integer labels. Returns the Axes.
    """
    ax = _axes_or_new(ax)
    X, y = np.asarray(X), np.asarray(y)
    for k in np.unique(y):
        members = y == k
        ax.scatter(X[members, 0], X[members, 1], s=20, color=class_color(k), edgecolors="black",
                   linewidths=0.5, label=f"class {k}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best")
    if title is not None:
        ax.set_title(title)
    return ax


def labels_from_predictions(outputs):
    """Class labels from whatever a classifier's predict returned.

    outputs: (M, K) with K >= 2: scores or probabilities per class, label = argmax.
             (M,) or (M, 1) of integers or booleans: labels as they are.
             (M,) or (M, 1) of floats that are all whole numbers: labels (e.g. 0.0 / 1.0 / 2.0).
             (M,) or (M, 1) of other floats, all in [0, 1]: probability of class 1, label = (p >= 0.5).
    Returns (M,) int64. Raises ValueError for anything else, e.g. raw (M,) scores outside [0, 1],
    whose threshold (0 for a logit?) cannot be guessed.
    """
    outputs = np.asarray(outputs)
    if outputs.ndim == 2 and outputs.shape[1] >= 2:
        return outputs.argmax(axis=1)
    values = outputs.reshape(len(outputs))
    if values.dtype.kind in "biu" or np.all(values == np.round(values)):
        return values.astype(np.int64)
    if np.all((values >= 0.0) & (values <= 1.0)):
        return (values >= 0.5).astype(np.int64)
    raise ValueError(
        "predict returned one value per point that are neither labels (whole numbers) nor probabilities "
        f"in [0, 1] (range {values.min():.3g} to {values.max():.3g}); return labels or probabilities."
    )


def _grid_over(X, resolution):
    """A resolution x resolution grid covering the points with a 10% margin.

    X: (N, 2). Returns xx, yy (resolution, resolution) and their points (resolution**2, 2).
    """
    low, high = X.min(axis=0), X.max(axis=0)
    # A single point or a line of points still gets a visible, non-degenerate area around it.
    margin = 0.1 * np.where(high > low, high - low, 1.0)
    xs = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    ys = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack((xx.ravel(), yy.ravel()))


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None):
    """Shade the plane by the class predict assigns, then draw the points on top.

    predict: maps (M, 2) points to labels, per-class scores or class-1 probabilities; see
             labels_from_predictions for how each form becomes a label.
    X: (N, 2); y: (N,) integer labels. Each predicted class k gets one filled contour, its region,
    in the colour of class k. Returns the Axes.
    """
    ax = _axes_or_new(ax)
    X, y = np.asarray(X), np.asarray(y)
    xx, yy, grid = _grid_over(X, resolution)
    labels = labels_from_predictions(predict(grid)).reshape(xx.shape)
    for k in np.unique(labels):
        # One 0/1 indicator per class: a single contourf over the labels would interpolate between
        # regions 0 and 2 and paint a false strip of class 1 along their border.
        ax.contourf(xx, yy, (labels == k).astype(float), levels=[0.5, 1.5], colors=[class_color(k)], alpha=0.3)
    return plot_points(X, y, ax=ax, title=title)


def plot_history(history, axes=None):
    """Training curves: loss on the left, accuracy on the right, against the epoch (1, 2, ...).

    history: dict of equal-length lists "loss" and "accuracy", optionally "val_loss" and "val_accuracy"
    (drawn dashed, labelled "validation"). axes: two Axes, or None for a new 1 x 2 figure.
    Returns the two Axes as an array (2,).
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 4))
    axes = np.asarray(axes, dtype=object).ravel()
    for ax, name in zip(axes, ("loss", "accuracy"), strict=True):
        epochs = np.arange(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], label="train")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], "--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend(loc="best")
    return axes


def plot_activation(fn, grad_fn=None, z=None, ax=None, title=None):
    """An activation function and, optionally, its derivative.

    fn, grad_fn: elementwise functions of an array; z: (M,) inputs, default linspace(-6, 6, 601).
    Draws f(z) as a solid line and f'(z) dashed. Returns the Axes.
    """
    ax = _axes_or_new(ax)
    z = np.linspace(-6.0, 6.0, 601) if z is None else np.asarray(z)
    ax.plot(z, fn(z), label="f(z)")
    if grad_fn is not None:
        ax.plot(z, grad_fn(z), "--", label="f'(z)")
    ax.set_xlabel("z")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best")
    if title is not None:
        ax.set_title(title)
    return ax
