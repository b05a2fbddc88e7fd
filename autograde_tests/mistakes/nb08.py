"""Known mistakes and accepted alternatives for notebook 08 (networks of any depth), keyed by graded function
name.

A check names the first mistake that behaves like the student's code on the case that failed, so where
two mistakes could look alike the more specific one comes first. init_network's output is random, so its
check matches a mistake by the measured symptom (which layer, which standard deviation ratio) rather
than by equal values.
"""

import numpy as np

from autograde_tests.core import Mistake

# ---------------------------------------------------------------------------------------------
# init_network(layer_sizes, rng, scheme="he")

_STD = {"small": lambda n_in, n_out: 0.01, "xavier": lambda n_in, n_out: np.sqrt(1 / n_in),
        "he": lambda n_in, n_out: np.sqrt(2 / n_in)}


def _draw(n_in, n_out, rng, scheme, std=_STD):
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return rng.standard_normal((n_in, n_out)) * std[scheme](n_in, n_out), np.zeros(n_out)


def _pairs(layer_sizes):
    return list(zip(layer_sizes[:-1], layer_sizes[1:]))


def _init_keys_from_zero(layer_sizes, rng, scheme="he"):
    params = {}
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes)):
        params[f"W{layer}"], params[f"b{layer}"] = _draw(n_in, n_out, rng, scheme)
    return params


def _init_last_layer_left_out(layer_sizes, rng, scheme="he"):
    params = {}
    for layer in range(1, len(layer_sizes) - 1):
        params[f"W{layer}"], params[f"b{layer}"] = _draw(layer_sizes[layer - 1], layer_sizes[layer], rng, scheme)
    return params


def _init_output_layer_xavier(layer_sizes, rng, scheme="he"):
    params = {}
    pairs = _pairs(layer_sizes)
    for layer, (n_in, n_out) in enumerate(pairs, start=1):
        used = "xavier" if layer == len(pairs) and scheme == "he" else scheme
        params[f"W{layer}"], params[f"b{layer}"] = _draw(n_in, n_out, rng, used)
    return params


def _init_fan_out(layer_sizes, rng, scheme="he"):
    std = {**_STD, "xavier": lambda n_in, n_out: np.sqrt(1 / n_out), "he": lambda n_in, n_out: np.sqrt(2 / n_out)}
    params = {}
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes), start=1):
        params[f"W{layer}"], params[f"b{layer}"] = _draw(n_in, n_out, rng, scheme, std)
    return params


def _init_transposed(layer_sizes, rng, scheme="he"):
    params = {}
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes), start=1):
        W, b = _draw(n_in, n_out, rng, scheme)
        params[f"W{layer}"], params[f"b{layer}"] = W.T, b
    return params


def _init_scheme_ignored(layer_sizes, rng, scheme="he"):
    params = {}
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes), start=1):
        params[f"W{layer}"], params[f"b{layer}"] = _draw(n_in, n_out, rng, "he")
    return params


def _init_global_random(layer_sizes, rng, scheme="he"):
    params = {}
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes), start=1):
        scale = 0.0 if scheme == "zeros" else _STD[scheme](n_in, n_out)
        params[f"W{layer}"], params[f"b{layer}"] = np.random.randn(n_in, n_out) * scale, np.zeros(n_out)
    return params


def _init_generator_per_layer(layer_sizes, rng, scheme="he"):
    params = {}
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes), start=1):
        params[f"W{layer}"], params[f"b{layer}"] = _draw(n_in, n_out, np.random.default_rng(layer), scheme)
    return params


def _init_width_of_first_layer(layer_sizes, rng, scheme="he"):
    params = {}
    n_first = layer_sizes[0]
    for layer, (n_in, n_out) in enumerate(_pairs(layer_sizes), start=1):
        std = {**_STD, "xavier": lambda a, b: np.sqrt(1 / n_first), "he": lambda a, b: np.sqrt(2 / n_first)}
        params[f"W{layer}"], params[f"b{layer}"] = _draw(n_in, n_out, rng, scheme, std)
    return params


# ---------------------------------------------------------------------------------------------
# mlp_forward(X, params)


def _count_layers(params):
    return sum(1 for name in params if name.startswith("W"))


def _forward(hidden_activation=lambda Z: np.maximum(Z, 0), output_activation=lambda Z: Z,
             cache_pair=lambda A_in, Z, A_out: (A_in, Z), bias=True, layers_used=lambda L: L):
    """A forward pass with one of its pieces replaced."""

    def mlp_forward(X, params):
        L = _count_layers(params)
        A, cache = X, []
        for layer in range(1, layers_used(L) + 1):
            Z = A @ params[f"W{layer}"] + (params[f"b{layer}"] if bias else 0)
            A_out = hidden_activation(Z) if layer < L else output_activation(Z)
            cache.append(cache_pair(A, Z, A_out))
            A = A_out
        return A, cache

    return mlp_forward


# ---------------------------------------------------------------------------------------------
# mlp_backward(dscores, cache, params)


def _backward_keys_reversed(dscores, cache, params):
    L = len(cache)
    grads, dZ = {}, dscores
    for step, layer in enumerate(range(L, 0, -1)):
        A_in, _ = cache[layer - 1]
        grads[f"W{step + 1}"], grads[f"b{step + 1}"] = A_in.T @ dZ, dZ.sum(axis=0)
        if layer > 1:
            dZ = (dZ @ params[f"W{layer}"].T) * (cache[layer - 2][1] > 0)
    return grads


def _backward(output_slope=False, mask=lambda dA, Z: dA * (Z > 0), dW_of=lambda A_in, dZ: A_in.T @ dZ,
              db_of=lambda dZ: dZ.sum(axis=0), last_layer=1):
    """A backward pass with one of its pieces replaced."""

    def mlp_backward(dscores, cache, params):
        grads = {}
        L = len(cache)
        dZ = dscores * (cache[-1][1] > 0) if output_slope else dscores
        for layer in range(L, last_layer - 1, -1):
            A_in, _ = cache[layer - 1]
            grads[f"W{layer}"], grads[f"b{layer}"] = dW_of(A_in, dZ), db_of(dZ)
            if layer > 1:
                dZ = mask(dZ @ params[f"W{layer}"].T, cache[layer - 2][1])
        return grads

    return mlp_backward


MISTAKES = {
    "init_network": [
        Mistake("layer keys counted from 0",
                "the layers are numbered from 1, as in W1 and b1 for the first layer after the input; an "
                "index starting at 0 gives keys W0, b0, ... and no key for the last layer's number.",
                _init_keys_from_zero),
        Mistake("last layer left out (off by one)",
                "layer_sizes holds L + 1 widths (the input's, then one per layer), so there are L = "
                "len(layer_sizes) − 1 layers; stopping one layer early drops the output layer.",
                _init_last_layer_left_out),
        Mistake("output layer scaled differently",
                "the scheme applies to every layer, the output layer included: its standard deviation is the "
                "scheme's for its own n_in, not a different rule for the last layer.", _init_output_layer_xavier),
        Mistake("n_out in the scale (fan-out)",
                "He's variance 2 / n_in and Xavier's 1 / n_in count the inputs of a unit, the rows of W, "
                "because the sum a unit computes has n_in terms; n_out counts the columns.", _init_fan_out),
        Mistake("first layer's n_in for every layer",
                "each layer's scale comes from its own number of inputs, the width of the layer below it, "
                "not from the network's input width.", _init_width_of_first_layer),
        Mistake("W transposed",
                "W{l} has one row per input and one column per unit: shape (n_(l−1), n_l), so that the "
                "layer's output is its input times W.", _init_transposed),
        Mistake("scheme ignored",
                "the scheme argument chooses the initialisation for every layer; He is only the default.",
                _init_scheme_ignored),
        Mistake("np.random instead of rng",
                "np.random's functions use NumPy's hidden global state: draw every weight from the rng "
                "argument, so that the caller's seed decides the network.", _init_global_random),
        Mistake("new Generator for each layer",
                "a Generator made inside the function (one per layer, seeded by the layer's number) ignores "
                "the caller's rng: every seed gives the same network. Draw every layer from rng, in order.",
                _init_generator_per_layer),
    ],
    "mlp_forward": [
        Mistake("ReLU on the output layer too",
                "the last layer's outputs are the logits, which may be negative: the loss (softmax or "
                "sigmoid) interprets them. ReLU follows every layer but the last.",
                _forward(output_activation=lambda Z: np.maximum(Z, 0))),
        Mistake("no ReLU between the layers",
                "without a nonlinearity between them, the layers compose into a single linear map: every "
                "layer but the last is followed by ReLU.", _forward(hidden_activation=lambda Z: Z)),
        Mistake("cache holds the activation instead of Z",
                "the backward pass needs each layer's pre-activation Z, before ReLU (ReLU's slope is read "
                "from it), and the exercise's cache pairs each layer's input with that Z.",
                _forward(cache_pair=lambda A_in, Z, A_out: (A_in, A_out))),
        Mistake("cache holds the layer's output as its input",
                "dW of a layer is its input's transpose times dZ, so the cache keeps what went into the layer "
                "(X for the first), not what came out of it.",
                _forward(cache_pair=lambda A_in, Z, A_out: (A_out, Z))),
        Mistake("cache holds Z only",
                "the backward pass needs two things from every layer: its input, for dW, and its Z, for "
                "ReLU's slope; each entry of the exercise's cache is the pair (A_in, Z).",
                _forward(cache_pair=lambda A_in, Z, A_out: Z)),
        Mistake("cache pairs in the wrong order",
                "each entry of the cache is the pair (A_in, Z): the layer's input first, then its "
                "pre-activation.", _forward(cache_pair=lambda A_in, Z, A_out: (Z, A_in))),
        Mistake("bias left out",
                "every layer adds its bias to the matrix product.", _forward(bias=False)),
        Mistake("last layer left out (off by one)",
                "a network with keys W1 ... WL has L layers, and the loop runs through all of them, the "
                "output layer included.", _forward(layers_used=lambda L: L - 1)),
    ],
    "mlp_backward": [
        Mistake("ReLU's derivative applied to the output layer",
                "the forward pass puts no ReLU after the last layer, so its dZ is dscores itself; masking it "
                "where the last layer's Z is negative throws away real gradient.", _backward(output_slope=True)),
        Mistake("ReLU mask from the gradient's sign",
                "ReLU's slope depends on the forward pass: it is 1 where that layer's Z was positive and 0 "
                "elsewhere, whatever the sign of the gradient arriving from above.",
                _backward(mask=lambda dA, Z: np.where(dA > 0, dA, 0.0))),
        Mistake("ReLU skipped on the way down",
                "between two layers the gradient goes back through ReLU, which blocks it wherever that "
                "layer's Z was not positive.", _backward(mask=lambda dA, Z: dA)),
        Mistake("1/N applied again",
                "dscores already carries the loss's 1/N; a dense layer's backward only multiplies by its "
                "input, so dividing by N again makes every gradient N times too small.",
                _backward(dW_of=lambda A_in, dZ: A_in.T @ dZ / len(dZ), db_of=lambda dZ: dZ.sum(axis=0) / len(dZ))),
        Mistake("gradients stored under the wrong layer's keys",
                "the loop runs from the last layer down to the first, but each layer's gradients still "
                "belong under that layer's own keys: the gradient of W3 is stored as W3 whichever step "
                "of the loop computes it.", _backward_keys_reversed),
        Mistake("first layer left out",
                "the loop over the layers goes down to layer 1: W1 and b1 need their gradients too.",
                _backward(last_layer=2)),
        Mistake("db kept 2-D",
                "each bias gradient has its bias's shape, (n_l,): summing over the samples while keeping "
                "the summed axis gives (1, n_l).", _backward(db_of=lambda dZ: dZ.sum(axis=0, keepdims=True))),
        Mistake("dW transposed",
                "dW has W's shape, (n_in, n_out): the input's transpose times dZ, not dZ's transpose times "
                "the input.", _backward(dW_of=lambda A_in, dZ: dZ.T @ A_in)),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _init_indexing(layer_sizes, rng, scheme="he"):
    variance = {"small": lambda n: 1e-4, "xavier": lambda n: 1.0 / n, "he": lambda n: 2.0 / n}
    params = {}
    for layer in range(1, len(layer_sizes)):
        n_in, n_out = int(layer_sizes[layer - 1]), int(layer_sizes[layer])
        if scheme == "zeros":
            params[f"W{layer}"] = np.zeros((n_in, n_out))
        else:
            params[f"W{layer}"] = rng.normal(0.0, np.sqrt(variance[scheme](n_in)), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def _init_branches(layer_sizes, rng, scheme="he"):
    sizes = [int(n) for n in layer_sizes]
    weights = {}
    for number, n_in, n_out in zip(range(1, len(sizes)), sizes, sizes[1:]):
        if scheme == "zeros":
            W = np.zeros((n_in, n_out))
        elif scheme == "small":
            W = 0.01 * rng.standard_normal(size=(n_in, n_out))
        elif scheme == "xavier":
            W = rng.standard_normal(size=(n_in, n_out)) / np.sqrt(n_in)
        else:
            W = rng.standard_normal(size=(n_in, n_out)) * (2.0 / n_in) ** 0.5
        weights["W" + str(number)] = W
        weights["b" + str(number)] = np.zeros(n_out)
    return weights


def _forward_while(X, params):
    cache, A, layer = [], X, 1
    while f"W{layer}" in params:
        Z = np.dot(A, params[f"W{layer}"]) + params[f"b{layer}"]
        cache.append((A, Z))
        A = np.where(Z > 0, Z, 0.0).astype(Z.dtype) if f"W{layer + 1}" in params else Z
        layer += 1
    return A, cache


def _forward_hidden_then_output(X, params):
    L = len(params) // 2
    cache, A = [], X
    for layer in range(1, L):
        Z = A @ params["W" + str(layer)] + params["b" + str(layer)]
        cache.append((A, Z))
        A = Z * (Z > 0)
    Z = A @ params["W" + str(L)] + params["b" + str(L)]
    cache.append((A, Z))
    return Z, cache


def _backward_reversed(dscores, cache, params):
    grads = {}
    dZ = dscores
    for index, (A_in, _) in reversed(list(enumerate(cache))):
        layer = index + 1
        grads["W" + str(layer)] = np.dot(A_in.T, dZ)
        grads["b" + str(layer)] = np.sum(dZ, axis=0)
        if index > 0:
            below = cache[index - 1][1]
            dZ = np.where(below > 0, np.dot(dZ, params["W" + str(layer)].T), 0.0).astype(dZ.dtype)
    return grads


def _backward_einsum(dscores, cache, params):
    grads, dZ = {}, dscores
    for layer in range(len(cache), 0, -1):
        A_in = cache[layer - 1][0]
        grads[f"W{layer}"] = np.einsum("ni,nk->ik", A_in, dZ)
        grads[f"b{layer}"] = np.einsum("nk->k", dZ)
        dA = np.einsum("nk,ik->ni", dZ, params[f"W{layer}"])
        if layer > 1:
            dZ = dA * (cache[layer - 2][1] > 0)
    return grads


ALTERNATIVES = {
    "init_network": [_init_indexing, _init_branches],
    "mlp_forward": [_forward_while, _forward_hidden_then_output],
    "mlp_backward": [_backward_reversed, _backward_einsum],
}
