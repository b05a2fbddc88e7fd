"""A fully connected network of any depth (notebook 08).

The parameters of an L-layer network are one dict with keys W1, b1, ..., WL, bL: layer l maps its input
(N, n_{l-1}) to (N, n_l) with W{l} of shape (n_{l-1}, n_l) and b{l} of shape (n_l,). Every layer but the
last is followed by ReLU; the last layer's outputs are the logits, left for the loss to interpret.
"""

from course_lib.activations import relu
from course_lib.backprop import dense_backward, relu_backward
from course_lib.layers import dense_forward, init_dense


def init_network(layer_sizes, rng, scheme="he"):
    """Initial parameters of a network with the given layer widths.

    layer_sizes: [n_0, n_1, ..., n_L], the input width first and the number of outputs last (L >= 1);
    rng: numpy.random.Generator; scheme: one of init_dense's schemes, used for every layer.
    Returns params with W{l} (n_{l-1}, n_l) and b{l} (n_l,) of zeros for l = 1..L, drawn in layer order.
    """
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs the input width and at least one layer, got {layer_sizes!r}")
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        params[f"W{layer}"], params[f"b{layer}"] = init_dense(n_in, n_out, rng, scheme)
    return params


def num_layers(params):
    """L, the number of dense layers in params (one weight matrix W1..WL each)."""
    return sum(1 for name in params if name.startswith("W"))


def mlp_forward(X, params):
    """Forward pass: dense, ReLU, dense, ReLU, ..., dense.

    X: (N, n_0); params: W1, b1, ..., WL, bL as made by init_network.
    Returns scores (N, n_L), the last layer's logits, and cache, a list with one (A_in, Z) pair per layer:
    A_in (N, n_{l-1}) the layer's input and Z (N, n_l) its output before ReLU.
    """
    cache = []
    A = X
    L = num_layers(params)
    for layer in range(1, L + 1):
        Z = dense_forward(A, params[f"W{layer}"], params[f"b{layer}"])
        cache.append((A, Z))
        A = relu(Z) if layer < L else Z
    return A, cache


def mlp_backward(dscores, cache, params):
    """Backward pass of mlp_forward.

    dscores: (N, n_L) gradient of the loss with respect to the scores (it already carries the loss's 1/N);
    cache: from mlp_forward; params: the same dict.
    Returns grads with a gradient for every key of params, each shaped like its parameter.
    The output layer has no ReLU, so its dZ is dscores itself.
    """
    grads = {}
    dZ = dscores
    for layer in range(len(cache), 0, -1):
        A_in, _ = cache[layer - 1]
        dA_in, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(dZ, A_in, params[f"W{layer}"])
        if layer > 1:
            _, Z_below = cache[layer - 2]
            dZ = relu_backward(dA_in, Z_below)
    return grads

