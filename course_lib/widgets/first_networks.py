"""Explorers of notebooks 01-03: the perceptron's line, activation functions, initialisation schemes."""

import inspect
from functools import partial

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from course_lib import activations, datasets, layers, neurons
from course_lib.plotting import class_color
from course_lib.widgets.explorer import Explorer, slider

_GATES = {"AND": datasets.and_data, "OR": datasets.or_data, "XOR": datasets.xor_data}
_GATE_VIEW = (-0.5, 1.5)

# Log-axis tick labels as plain text (see _power_of_ten).
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

# One fixed seed: every redraw of init_explorer sends the same batch through freshly drawn weights,
# so switching scheme, depth or width changes the curve only because of that setting.
_INIT_SEED = 2024
_INIT_BATCH = 256


# --- neuron_explorer (notebook 01) -------------------------------------------------------------------


def neuron_explorer(perceptron_fn=None):
    """Move a perceptron's decision line over the AND, OR and XOR truth tables.

    perceptron_fn(inputs (2,), weights (2,), bias) -> 0 or 1; default course_lib.neurons.perceptron.
    Controls "w1", "w2", "bias" (-2..2, step 0.1) and "dataset" ("AND", "OR", "XOR"). Starts on AND with
    w = (1.0, -0.5), b = -0.2, which gets 3 of 4 points right. The plot shades where w.x + b >= 0 and rings
    in red the points perceptron_fn gets wrong; the readout says "<k> of 4 points correct".
    results: "predictions" (4,) of perceptron_fn's outputs, "correct" and "total" (ints).
    """
    perceptron_fn = neurons.perceptron if perceptron_fn is None else perceptron_fn
    controls = {
        "w1": slider("w1", 1.0, -2.0, 2.0, 0.1),
        "w2": slider("w2", -0.5, -2.0, 2.0, 0.1),
        "bias": slider("bias", -0.2, -2.0, 2.0, 0.1),
        "dataset": widgets.ToggleButtons(options=list(_GATES), value="AND", description="data"),
    }

    def draw(values):
        X, y = _GATES[values["dataset"]]()
        weights = np.array([values["w1"], values["w2"]])
        predictions = np.array([int(perceptron_fn(x, weights, values["bias"])) for x in X])
        correct = int(np.sum(predictions == y))
        figure = _neuron_figure(X, y, predictions, weights, values["bias"], values["dataset"])
        results = {"predictions": predictions, "correct": correct, "total": len(y)}
        return figure, f"{correct} of {len(y)} points correct", results

    return Explorer(controls, draw)


def _neuron_figure(X, y, predictions, weights, bias, gate):
    """The four points coloured by target, the decision line, and rings around mistakes.

    X: (4, 2); y, predictions: (4,); weights: (2,); bias: float.
    """
    figure = Figure(figsize=(6.0, 4.5))
    figure.subplots_adjust(left=0.12, right=0.74, bottom=0.11, top=0.92)
    ax = figure.add_subplot()
    _shade_positive_side(ax, weights, bias)
    for k in (0, 1):
        members = y == k
        ax.scatter(X[members, 0], X[members, 1], s=200, color=class_color(k), edgecolors="black",
                   label=f"target {k}", zorder=3)
    wrong = predictions != y
    ax.scatter(X[wrong, 0], X[wrong, 1], s=600, facecolors="none", edgecolors="red", linewidths=2,
               label="wrong", zorder=4)
    # A fixed view, so that moving a slider moves the line rather than the axes.
    ax.set_xlim(*_GATE_VIEW)
    ax.set_ylim(*_GATE_VIEW)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"{gate}:  w = ({weights[0]:.1f}, {weights[1]:.1f}),  b = {bias:.1f}")
    # Outside the view, so the legend never hides the point at (0, 1).
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", markerscale=0.5)
    return figure


def _shade_positive_side(ax, weights, bias):
    """Draw the line w.x + b = 0 and shade the half-plane w.x + b >= 0, where the output is 1.

    weights: (2,); bias: float. With w = 0 there is no line and the output is 1 everywhere or nowhere.
    """
    fill = {"color": class_color(1), "alpha": 0.15, "label": "output 1"}
    length = np.linalg.norm(weights)
    if length == 0.0:
        if bias >= 0:
            low, high = _GATE_VIEW
            ax.fill([low, high, high, low], [low, low, high, high], **fill)
        return
    normal = weights / length
    along = np.array([-normal[1], normal[0]])
    foot = -bias / length * normal  # the point of the line closest to the origin
    ax.axline(foot, foot + along, color="black", linewidth=1.5)
    # A rectangle on the positive side, far larger than the view, stands in for the half-plane.
    reach = 10.0 + np.linalg.norm(foot)
    corners = np.array([foot - reach * along, foot + reach * along,
                        foot + reach * (along + normal), foot + reach * (normal - along)])
    ax.fill(corners[:, 0], corners[:, 1], **fill)


# --- activation_explorer (notebook 03) ---------------------------------------------------------------


def _step_grad(z):
    """Derivative of step: 0 everywhere except at z = 0, where it does not exist (shown as 0)."""
    return np.zeros(np.shape(z))


_DEFAULT_ACTIVATIONS = {
    "step": (activations.step, _step_grad),
    "sigmoid": (activations.sigmoid, activations.sigmoid_grad),
    "relu": (activations.relu, activations.relu_grad),
    "leaky_relu": (activations.leaky_relu, activations.leaky_relu_grad),
}


def _takes_alpha(fn):
    """Whether fn has a parameter named alpha (leaky_relu does)."""
    try:
        return "alpha" in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # some callables have no inspectable signature
        return False


def _with_alpha(fn, alpha):
    """fn with alpha fixed when it takes one, else fn unchanged."""
    return partial(fn, alpha=alpha) if _takes_alpha(fn) else fn


def activation_explorer(functions=None):
    """Compare activation functions and their derivatives, and read both off at one z.

    functions: dict name -> (fn, grad_fn), both elementwise; default step, sigmoid, relu and leaky_relu
    from course_lib.activations (step's derivative shown as 0, also at z = 0 where it does not exist).
    Controls "function" (dropdown), "alpha" (0..1, passed only to functions with an alpha parameter and
    disabled otherwise), "z_range" (plot z in [-z_range, z_range], widened to include z) and "z" (-10..10).
    Plots f (left) and f' (right) with z marked. results: "z", "f" and "grad" (floats).
    """
    functions = _DEFAULT_ACTIVATIONS if functions is None else functions
    names = list(functions)
    controls = {
        "function": widgets.Dropdown(options=names, value=names[0], description="function"),
        "alpha": slider("alpha", 0.1, 0.0, 1.0, 0.01),
        "z_range": slider("z range", 6.0, 1.0, 10.0, 0.5),
        "z": slider("z", 1.0, -10.0, 10.0, 0.1),
    }

    def show_alpha_when_used(_change=None):
        controls["alpha"].disabled = not _takes_alpha(functions[controls["function"].value][0])

    show_alpha_when_used()
    controls["function"].observe(show_alpha_when_used, names="value")

    def draw(values):
        name, z = values["function"], values["z"]
        fn, grad_fn = (_with_alpha(g, values["alpha"]) for g in functions[name])
        half_width = max(values["z_range"], abs(z))
        zs = np.linspace(-half_width, half_width, 601)
        f_at_z, grad_at_z = float(fn(np.array(z))), float(grad_fn(np.array(z)))
        figure = Figure(figsize=(9, 3.5))
        figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.9, wspace=0.2)
        ax_f, ax_grad = figure.subplots(1, 2)
        _curve_with_marker(ax_f, zs, fn(zs), z, f_at_z, f"{name}(z)", "C0")
        _curve_with_marker(ax_grad, zs, grad_fn(zs), z, grad_at_z, f"{name}'(z)", "C1")
        text = f"{name} at z = {z:.2f}:  f(z) = {f_at_z:.4f},  f'(z) = {grad_at_z:.4f}"
        return figure, text, {"z": z, "f": f_at_z, "grad": grad_at_z}

    return Explorer(controls, draw)


def _curve_with_marker(ax, zs, curve, z, value, title, color):
    """One panel: curve (M,) over zs (M,), with the point (z, value) marked."""
    ax.plot(zs, curve, color=color)
    ax.axvline(z, color="grey", linewidth=0.8, linestyle=":")
    ax.plot([z], [value], "o", color=color)
    ax.set_title(title)
    ax.set_xlabel("z")
    ax.grid(True, alpha=0.3)


# --- init_explorer (notebook 02) ---------------------------------------------------------------------


def init_explorer(init_fn=None, forward_fn=None):
    """How the initialisation scheme decides whether a signal survives a deep ReLU network.

    init_fn(n_in, n_out, rng, scheme) -> (W, b), default course_lib.layers.init_dense;
    forward_fn(X, W, b) -> (N, n_out), default course_lib.layers.dense_forward.
    Controls "scheme" ("zeros", "small", "xavier", "he"), "depth" (1..20 layers) and "width" (8..256).
    A fixed batch of 256 standard-normal samples goes through `depth` dense layers of `width` units with
    ReLU between them; the plot shows the standard deviation of each layer's output on a log scale.
    results: "stds" (depth,), the standard deviation of each layer's output before its ReLU.
    """
    init_fn = layers.init_dense if init_fn is None else init_fn
    forward_fn = layers.dense_forward if forward_fn is None else forward_fn
    controls = {
        "scheme": widgets.Dropdown(options=list(layers.INIT_SCHEMES), value="small", description="scheme"),
        "depth": widgets.IntSlider(value=10, min=1, max=20, description="layers", continuous_update=False),
        "width": widgets.IntSlider(value=64, min=8, max=256, step=8, description="width",
                                   continuous_update=False),
    }

    def draw(values):
        stds = _layer_output_stds(init_fn, forward_fn, values["scheme"], values["depth"], values["width"])
        text = (f"{values['scheme']}: output std {stds[0]:.2g} after layer 1, "
                f"{stds[-1]:.2g} after layer {len(stds)}")
        return _init_figure(stds, values["scheme"]), text, {"stds": stds}

    return Explorer(controls, draw)


def _layer_output_stds(init_fn, forward_fn, scheme, depth, width):
    """Standard deviation of each dense layer's output (before its ReLU) for the fixed batch.

    Returns (depth,) float64.
    """
    rng = np.random.default_rng(_INIT_SEED)
    A = rng.standard_normal((_INIT_BATCH, width))
    stds = np.empty(depth)
    for layer in range(depth):
        W, b = init_fn(width, width, rng, scheme)
        Z = forward_fn(A, W, b)
        stds[layer] = np.std(Z)
        A = activations.relu(Z)
    return stds


def _init_figure(stds, scheme):
    """stds (depth,) against the layer number on a log scale; exact zeros marked on the bottom edge."""
    figure = Figure(figsize=(6, 3.8))
    figure.subplots_adjust(left=0.14, right=0.97, bottom=0.13, top=0.95)
    ax = figure.add_subplot()
    ax.set_yscale("log")
    layer = np.arange(1, len(stds) + 1)
    positive = stds > 0
    if positive.any():
        ax.plot(layer[positive], stds[positive], "o-", label=f"{scheme}: std of layer output")
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    if not positive.all():
        # log(0) has no place on the axis: mark those layers at the bottom edge instead.
        ax.plot(layer[~positive], np.full((~positive).sum(), 0.03), "x", color="red", markersize=10,
                transform=ax.get_xaxis_transform(), label="std exactly 0")
    # At least 1e-3..1e1 on screen, so that the run-to-run wobble of "he" around 1 looks as flat as it is.
    shown = stds[positive]
    ax.set_ylim(min(1e-3, shown.min(initial=np.inf) / 3), max(10.0, shown.max(initial=0.0) * 3))
    ax.set_xlim(0.5, len(stds) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("layer")
    ax.set_ylabel("std of output (log scale)")
    ax.legend(loc="upper right")
    return figure


def _power_of_ten(value, _position):
    """Tick label 10ⁿ in plain Unicode text: matplotlib's mathtext labels triple the time of a redraw."""
    return "10" + str(round(np.log10(value))).translate(_SUPERSCRIPTS)
