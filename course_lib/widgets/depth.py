"""Explorer of notebook 08: how depth, activation and initialisation decide what reaches each layer, forwards
(the activations) and backwards (the gradients)."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from course_lib import activations, backprop, layers, losses, network
from course_lib.widgets.explorer import Explorer

# One fixed batch and one fixed set of labels for every redraw: a change in the plot comes from the setting
# that was changed, never from new data.
_SEED = 808
_BATCH = 200
_CLASSES = 10
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
ACTIVATIONS = ("relu", "sigmoid")


def depth_explorer(init_network_fn=None, mlp_forward_fn=None, mlp_backward_fn=None):
    """Choose depth, width, activation and initialisation; see each layer's activations and gradients.

    init_network_fn(layer_sizes, rng, scheme) -> params (W1, b1, ..., WL, bL), default
    course_lib.network.init_network; mlp_forward_fn(X, params) -> (scores, cache) with cache one (A_in, Z)
    pair per layer, and mlp_backward_fn(dscores, cache, params) -> grads, defaults course_lib.network's:
    these run the ReLU networks. A sigmoid network runs through this module's own forward and backward pass
    (the same loop with sigmoid and its slope in place of ReLU), since mlp_forward is ReLU only.
    Controls "depth" (number of dense layers L, 2..20), "width" (units per hidden layer, 16..256),
    "activation" ("relu", "sigmoid") and "scheme" ("zeros", "small", "xavier", "he"). A fixed batch of 200
    standard-normal inputs of `width` features goes through layers of `width` units and a last layer of 10
    logits; the loss is softmax cross-entropy against fixed random labels.
    results: "activation_std" (L - 1,), the standard deviation of each hidden layer's output after its
    activation; "gradient_std" (L,), the standard deviation of each dW{l}; "gradient_ratio" (float or nan),
    gradient_std of W1 over that of WL (nan when WL's is 0).
    """
    init_network_fn = network.init_network if init_network_fn is None else init_network_fn
    mlp_forward_fn = network.mlp_forward if mlp_forward_fn is None else mlp_forward_fn
    mlp_backward_fn = network.mlp_backward if mlp_backward_fn is None else mlp_backward_fn
    controls = {
        "depth": widgets.IntSlider(value=10, min=2, max=20, description="layers", continuous_update=False),
        "width": widgets.IntSlider(value=64, min=16, max=256, step=16, description="width",
                                   continuous_update=False),
        "activation": widgets.ToggleButtons(options=list(ACTIVATIONS), value="relu", description="activation"),
        "scheme": widgets.ToggleButtons(options=list(layers.INIT_SCHEMES), value="he", description="init"),
    }
    passes = {"relu": (mlp_forward_fn, mlp_backward_fn), "sigmoid": (sigmoid_forward, sigmoid_backward)}

    def draw(values):
        forward, backward = passes[values["activation"]]
        results = layer_statistics(init_network_fn, forward, backward, values["depth"], values["width"],
                                   values["scheme"])
        text = _readout(values, results)
        return _figure(results, values), text, results

    return Explorer(controls, draw)


def sigmoid_forward(X, params):
    """mlp_forward with sigmoid instead of ReLU after every layer but the last.

    X: (N, n_0). Returns scores (N, n_L) and cache, one (A_in, Z) pair per layer.
    """
    L = network.num_layers(params)
    A, cache = X, []
    for layer in range(1, L + 1):
        Z = layers.dense_forward(A, params[f"W{layer}"], params[f"b{layer}"])
        cache.append((A, Z))
        A = activations.sigmoid(Z) if layer < L else Z
    return A, cache


def sigmoid_backward(dscores, cache, params):
    """Backward pass of sigmoid_forward: grads for every key of params. dscores: (N, n_L)."""
    grads, dZ = {}, dscores
    for layer in range(len(cache), 0, -1):
        A_in, _ = cache[layer - 1]
        dA_in, grads[f"W{layer}"], grads[f"b{layer}"] = backprop.dense_backward(dZ, A_in, params[f"W{layer}"])
        if layer > 1:
            dZ = dA_in * activations.sigmoid_grad(cache[layer - 2][1])
    return grads


def layer_statistics(init_network_fn, forward_fn, backward_fn, depth, width, scheme):
    """One forward and backward pass of a freshly initialised network on the fixed batch.

    Returns {"activation_std": (depth - 1,), "gradient_std": (depth,), "gradient_ratio": float}.
    """
    rng = np.random.default_rng(_SEED)
    X = rng.standard_normal((_BATCH, width))
    y = rng.integers(0, _CLASSES, size=_BATCH)
    params = init_network_fn([width] * depth + [_CLASSES], rng, scheme)
    scores, cache = forward_fn(X, params)
    grads = backward_fn(backprop.softmax_cce_backward(losses.softmax(scores), y), cache, params)
    # The input of layer l + 1 is the output of hidden layer l, after its activation.
    activation_std = np.array([np.std(cache[layer][0]) for layer in range(1, depth)], dtype=np.float64)
    gradient_std = np.array([np.std(grads[f"W{layer}"]) for layer in range(1, depth + 1)], dtype=np.float64)
    ratio = float(gradient_std[0] / gradient_std[-1]) if gradient_std[-1] > 0 else float("nan")
    return {"activation_std": activation_std, "gradient_std": gradient_std, "gradient_ratio": ratio}


def _readout(values, results):
    """E.g. "relu, he, 10 layers of 64: activation std 0.82 → 0.77; gradient std of W1 / W10 = 0.9"."""
    acts = results["activation_std"]
    L = values["depth"]
    head = f"{values['activation']}, {values['scheme']}, {L} layers of {values['width']}: "
    if np.isnan(results["gradient_ratio"]):
        tail = f"every gradient of W is 0 (W{L}'s too)"
    else:
        tail = f"gradient std of W1 / W{L} = {results['gradient_ratio']:.2g}"
    return head + f"activation std {acts[0]:.2g} (layer 1) → {acts[-1]:.2g} (layer {L - 1}); " + tail


def _figure(results, values):
    """Activation stds (left) and gradient stds of every W (right) against the layer, on log scales."""
    figure = Figure(figsize=(9.5, 3.6))
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.88, wspace=0.28)
    ax_act, ax_grad = figure.subplots(1, 2)
    _log_panel(ax_act, results["activation_std"], "hidden layer", "std of activations", "C0")
    _log_panel(ax_grad, results["gradient_std"], "layer", "std of dW", "C3")
    ax_act.set_title(f"forward: {values['activation']}, {values['scheme']}")
    ax_grad.set_title("backward: gradients of the weights")
    return figure


def _log_panel(ax, stds, xlabel, ylabel, color):
    layer = np.arange(1, len(stds) + 1)
    positive = stds > 0
    ax.set_yscale("log")
    if positive.any():
        ax.plot(layer[positive], stds[positive], "o-", color=color)
    if not positive.all():
        # log(0) has no place on the axis: mark those layers on the bottom edge instead.
        ax.plot(layer[~positive], np.full((~positive).sum(), 0.03), "x", color="red", markersize=9,
                transform=ax.get_xaxis_transform(), label="exactly 0")
        ax.legend(loc="upper right")
    shown = stds[positive]
    low = min(1e-4, shown.min(initial=np.inf) / 3)
    high = max(10.0, shown.max(initial=0.0) * 3)
    ax.set_ylim(low, high)
    ax.set_xlim(0.5, len(stds) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel + " (log scale)")


def _power_of_ten(value, _position):
    """Tick label 10ⁿ in plain text: mathtext labels slow every redraw down."""
    return "10" + str(round(np.log10(value))).translate(_SUPERSCRIPTS)
