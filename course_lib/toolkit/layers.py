"""Layer objects and the Sequential container of the training toolkit.

A layer is a thin object around the reference functions of notebooks 02-10. It keeps only its settings
(sizes, keep_prob, ...); the arrays live in dicts the container owns and passes in:

    init(rng, dtype)                              -> params, state      (dicts keyed by local names)
    forward(X, params, state, training, rng)      -> out, cache
    backward(dout, cache, params)                 -> dX, grads          (grads keyed like params)

Sequential numbers the layers of each kind and gathers everything into two flat dicts: `params`
(W1, b1, gamma1, beta1, W2, ...), which an optimizer updates in place, and `state` (batchnorm1: its
running statistics, ...), which only forward passes in training mode change.
"""

import numpy as np

from course_lib.activations import relu
from course_lib.backprop import dense_backward, relu_backward
from course_lib.batchnorm import batchnorm_backward, batchnorm_forward, layernorm_backward, layernorm_forward
from course_lib.layers import dense_forward, init_dense
from course_lib.regularization import dropout_backward, dropout_forward


class Layer:
    """A layer without parameters or state that passes its input through; subclasses override.

    kind: Sequential numbers the layers of each kind separately, so W2 belongs to the second "dense"
    layer and state["batchnorm2"] to the second "batchnorm" layer.
    """

    kind = "layer"

    def init(self, rng, dtype):
        """Initial params and state: two dicts of arrays in dtype, keyed by local names (empty here)."""
        return {}, {}

    def forward(self, X, params, state, training, rng):
        """X: (N, n_in) -> out (N, n_out) and the cache backward needs. state may be changed in place."""
        return X, None

    def backward(self, dout, cache, params):
        """dout: (N, n_out) -> dX (N, n_in) and grads, a dict keyed like params."""
        return dout, {}


class Dense(Layer):
    """out = X @ W + b, with W (n_in, n_out) and b (n_out,) initialised by init_dense."""

    kind = "dense"

    def __init__(self, n_in, n_out, scheme="he"):
        self.n_in, self.n_out, self.scheme = n_in, n_out, scheme

    def init(self, rng, dtype):
        W, b = init_dense(self.n_in, self.n_out, rng, self.scheme)
        return {"W": W.astype(dtype), "b": b.astype(dtype)}, {}

    def forward(self, X, params, state, training, rng):
        return dense_forward(X, params["W"], params["b"]), X

    def backward(self, dout, cache, params):
        dX, dW, db = dense_backward(dout, cache, params["W"])
        return dX, {"W": dW, "b": db}


class ReLU(Layer):
    """max(0, X) elementwise; its backward passes the gradient where the input was positive."""

    kind = "relu"

    def forward(self, X, params, state, training, rng):
        return relu(X), X

    def backward(self, dout, cache, params):
        return relu_backward(dout, cache), {}


class BatchNorm(Layer):
    """Batch normalisation of `size` features; gamma starts at 1, beta at 0, running statistics at 0 and 1."""

    kind = "batchnorm"

    def __init__(self, size, momentum=0.1, eps=1e-5):
        self.size, self.momentum, self.eps = size, momentum, eps

    def init(self, rng, dtype):
        params = {"gamma": np.ones(self.size, dtype), "beta": np.zeros(self.size, dtype)}
        state = {"running_mean": np.zeros(self.size, dtype), "running_var": np.ones(self.size, dtype)}
        return params, state

    def forward(self, X, params, state, training, rng):
        return batchnorm_forward(X, params["gamma"], params["beta"], state, training, self.momentum, self.eps)

    def backward(self, dout, cache, params):
        dX, dgamma, dbeta = batchnorm_backward(dout, cache)
        return dX, {"gamma": dgamma, "beta": dbeta}


class LayerNorm(Layer):
    """Layer normalisation of `size` features: the same in training and evaluation, no running statistics."""

    kind = "layernorm"

    def __init__(self, size, eps=1e-5):
        self.size, self.eps = size, eps

    def init(self, rng, dtype):
        return {"ln_gamma": np.ones(self.size, dtype), "ln_beta": np.zeros(self.size, dtype)}, {}

    def forward(self, X, params, state, training, rng):
        return layernorm_forward(X, params["ln_gamma"], params["ln_beta"], self.eps)

    def backward(self, dout, cache, params):
        dX, dgamma, dbeta = layernorm_backward(dout, cache)
        return dX, {"ln_gamma": dgamma, "ln_beta": dbeta}


class Dropout(Layer):
    """Inverted dropout that keeps each unit with probability keep_prob; the identity when not training."""

    kind = "dropout"

    def __init__(self, keep_prob):
        self.keep_prob = keep_prob

    def forward(self, X, params, state, training, rng):
        if training and rng is None:
            raise ValueError("Dropout needs an rng (numpy.random.Generator) in training mode")
        return dropout_forward(X, self.keep_prob, rng, training)

    def backward(self, dout, cache, params):
        return dropout_backward(dout, cache, self.keep_prob), {}


class Sequential:
    """Layers applied one after the other, with every array in two dicts.

    layers: Layer objects, e.g. [Dense(2, 64), ReLU(), Dense(64, 3)]; rng: numpy.random.Generator for the
    initial weights, drawn layer by layer; dtype: np.float64 (default) or np.float32 (1.3 to 1.6 times as
    fast on the course's networks, measured, and accurate enough for training).
    After construction:
      params: flat dict of trainable arrays, a layer's local names numbered per kind: W1, b1 for the first
              Dense, gamma1, beta1 for the first BatchNorm, ...; grads from backward share these keys;
      state:  dict of non-trained arrays, one dict per layer that has some: state["batchnorm1"] holds
              "running_mean" and "running_var".
    """

    def __init__(self, layers, rng, dtype=np.float64):
        self.layers = list(layers)
        self.dtype = np.dtype(dtype)
        self.params = {}
        self.state = {}
        # For each layer: {local name: key in self.params}, and its key in self.state (None if stateless).
        self.param_keys = []
        self.state_keys = []
        counts = {}
        for layer in self.layers:
            counts[layer.kind] = counts.get(layer.kind, 0) + 1
            number = counts[layer.kind]
            params, state = layer.init(rng, self.dtype)
            keys = {local: f"{local}{number}" for local in params}
            self.params.update({keys[local]: value for local, value in params.items()})
            self.param_keys.append(keys)
            state_key = f"{layer.kind}{number}" if state else None
            if state_key is not None:
                self.state[state_key] = state
            self.state_keys.append(state_key)

    def _layer_params(self, index):
        return {local: self.params[key] for local, key in self.param_keys[index].items()}

    def forward(self, X, training=False, rng=None):
        """Run every layer. X: (N, n_in). training: batch statistics and dropout on (rng then required).

        Returns the last layer's output (N, n_out) and caches, one (params used, layer cache) pair per
        layer, for backward: it differentiates with the very arrays this pass used.
        """
        caches = []
        for index, layer in enumerate(self.layers):
            state_key = self.state_keys[index]
            state = self.state[state_key] if state_key is not None else None
            layer_params = self._layer_params(index)
            X, cache = layer.forward(X, layer_params, state, training, rng)
            caches.append((layer_params, cache))
        return X, caches

    def backward(self, dout, caches):
        """Gradients of the loss for every key of params. dout: (N, n_out), from the loss; caches: from forward."""
        grads = {}
        for index in range(len(self.layers) - 1, -1, -1):
            layer_params, cache = caches[index]
            dout, layer_grads = self.layers[index].backward(dout, cache, layer_params)
            keys = self.param_keys[index]
            grads.update({keys[local]: grad for local, grad in layer_grads.items()})
        return grads

    def weights(self):
        """Everything that defines the trained model: {"params": params, "state": state} (references)."""
        return {"params": self.params, "state": self.state}

    def load_weights(self, weights):
        """Copy arrays from a dict shaped like weights() (e.g. an EarlyStopping snapshot) into the model."""
        for key, value in weights["params"].items():
            self.params[key] = np.array(value, dtype=self.dtype)
        for key, layer_state in weights["state"].items():
            self.state[key] = {name: np.array(value, dtype=self.dtype) for name, value in layer_state.items()}
