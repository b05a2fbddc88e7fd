"""The training loop: plain gradient descent on a two-layer network (notebook 06).

Parameters and gradients are dicts sharing keys: grads["W1"] is the gradient of params["W1"].
"""

import numpy as np

from course_lib.activations import relu
from course_lib.backprop import dense_backward, relu_backward, softmax_cce_backward
from course_lib.layers import dense_forward, init_dense
from course_lib.losses import accuracy, categorical_cross_entropy, softmax


def sgd_update(params, grads, lr):
    """One step of plain gradient descent, in place: params[k] -= lr * grads[k] for every key of grads.

    params, grads: dicts of arrays sharing keys and shapes; lr: the learning rate (float).
    Returns None; the caller's params dict holds the new arrays afterwards. New arrays rather than
    changes to the old ones, so arrays the caller kept (say, initial weights to start another run from)
    stay as they were.
    """
    for name, grad in grads.items():
        params[name] = params[name] - lr * grad


def decayed_learning_rate(lr0, decay, step):
    """The learning rate after `step` updates under 1/t decay: lr0 / (1 + decay * step). Returns a float."""
    return float(lr0 / (1.0 + decay * step))


def linear_forward(X, params):
    """A linear softmax classifier: softmax(X @ W + b).

    X: (N, D); params: W (D, K), b (K,). Returns probs (N, K).
    """
    return softmax(dense_forward(X, params["W"], params["b"]))


def two_layer_forward(X, params):
    """Forward pass of Dense -> ReLU -> Dense -> softmax.

    X: (N, D); params: W1 (D, H), b1 (H,), W2 (H, K), b2 (K,).
    Returns probs (N, K) and cache (X, Z1, A1), the arrays two_layer_backward needs; Z1, A1 are (N, H).
    """
    Z1 = dense_forward(X, params["W1"], params["b1"])
    A1 = relu(Z1)
    probs = softmax(dense_forward(A1, params["W2"], params["b2"]))
    return probs, (X, Z1, A1)


def two_layer_backward(probs, y, cache, params):
    """Gradients of the mean categorical cross-entropy for every parameter of the two-layer network.

    probs: (N, K) from two_layer_forward; y: (N,) integer labels or (N, K) one-hot; cache: its (X, Z1, A1).
    Returns grads with keys W1 (D, H), b1 (H,), W2 (H, K), b2 (K,).
    """
    X, Z1, A1 = cache
    dZ2 = softmax_cce_backward(probs, y)
    dA1, dW2, db2 = dense_backward(dZ2, A1, params["W2"])
    dZ1 = relu_backward(dA1, Z1)
    _, dW1, db1 = dense_backward(dZ1, X, params["W1"])
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def train_two_layer_net(X, y, hidden_size=64, learning_rate=3.0, epochs=3000, decay=1e-3, rng=None):
    """Train Dense(D, hidden_size) -> ReLU -> Dense(hidden_size, K) -> softmax, full batch, plain SGD.

    X: (N, D) inputs (used as float64); y: (N,) integer labels in [0, K), K = y.max() + 1.
    Weights start He-initialised from rng, biases at zero; rng=None means numpy.random.default_rng(0), so
    every call is deterministic. Epoch e (from 0) takes one step with decayed_learning_rate(learning_rate,
    decay, e). Returns params (keys W1 b1 W2 b2) and history, whose lists "loss" and "accuracy" hold one
    float per epoch, measured on the forward pass of that epoch, before its update.
    The defaults (those of notebook 06's exercise) reach a training accuracy of 0.83-0.87 on
    spiral_data(100, 3) for default_rng(0..9): the decay (the rate falls from 3.0 to 0.75) stops full-batch
    SGD from oscillating at the end.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    num_classes = int(y.max()) + 1
    W1, b1 = init_dense(X.shape[1], hidden_size, rng, scheme="he")
    W2, b2 = init_dense(hidden_size, num_classes, rng, scheme="he")
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        probs, cache = two_layer_forward(X, params)
        history["loss"].append(categorical_cross_entropy(probs, y))
        history["accuracy"].append(accuracy(probs, y))
        grads = two_layer_backward(probs, y, cache, params)
        sgd_update(params, grads, decayed_learning_rate(learning_rate, decay, epoch))
    return params, history


def train_linear_classifier(X, y, learning_rate=1.0, epochs=1000, rng=None):
    """Train a linear softmax classifier softmax(X @ W + b), full batch, plain SGD.

    X: (N, D) inputs (used as float64); y: (N,) integer labels in [0, K), K = y.max() + 1.
    W starts as 0.01 * N(0, 1) from rng (rng=None means numpy.random.default_rng(0)), b at zero.
    Returns params (keys W (D, K), b (K,)) and history with lists "loss" and "accuracy", one float per epoch.
    Its decision boundaries are straight lines, which is why it stalls on the spirals: on spiral_data(100, 3)
    it converges to a loss of 1.08 and a training accuracy of 0.39.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    W, b = init_dense(X.shape[1], int(y.max()) + 1, rng, scheme="small")
    params = {"W": W, "b": b}
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        probs = linear_forward(X, params)
        history["loss"].append(categorical_cross_entropy(probs, y))
        history["accuracy"].append(accuracy(probs, y))
        dZ = softmax_cce_backward(probs, y)
        _, dW, db = dense_backward(dZ, X, params["W"])
        sgd_update(params, {"W": dW, "b": db}, learning_rate)
    return params, history
