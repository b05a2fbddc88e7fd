"""Known mistakes and accepted alternatives for notebook 06 (the training loop), keyed by graded function name.

A check names the first mistake that behaves like the student's code on the case that failed. Every
mistake of train_two_layer_net fails the first, short run already (most within a few milliseconds), so
that naming one never costs a full training run on the spirals.
"""

import numpy as np

from autograde_tests.core import Mistake
from course_lib import layers, losses, training

# ---------------------------------------------------------------------------------------------
# sgd_update(params, grads, lr)


def _sgd_uphill(params, grads, lr):
    for name in grads:
        params[name] = params[name] + lr * grads[name]


def _sgd_returns_new_dict(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}


def _sgd_rebinds_local_name(params, grads, lr):
    params = {name: params[name] - lr * grads[name] for name in params}  # noqa: F841 -- the mistake


def _sgd_without_lr(params, grads, lr):
    for name in grads:
        params[name] = params[name] - grads[name]


def _sgd_weights_only(params, grads, lr):
    for name in grads:
        if name.startswith("W"):
            params[name] = params[name] - lr * grads[name]


def _sgd_returns_after_first_key(params, grads, lr):
    for name in grads:
        params[name] = params[name] - lr * grads[name]
        return


def _sgd_steps_the_gradients(params, grads, lr):
    for name in grads:
        grads[name] -= lr * grads[name]
        params[name] = params[name] - grads[name]


# ---------------------------------------------------------------------------------------------
# decayed_learning_rate(lr0, decay, step)


def _decay_multiplied(lr0, decay, step):
    return lr0 * decay * step


def _decay_grows(lr0, decay, step):
    return lr0 * (1 + decay * step)


def _decay_without_one(lr0, decay, step):
    return lr0 / (decay * step)


def _decay_exponential(lr0, decay, step):
    return lr0 * np.exp(-decay * step)


def _decay_counts_from_one(lr0, decay, step):
    return lr0 / (1 + decay * (step + 1))


def _decay_floor_division(lr0, decay, step):
    return lr0 // (1 + decay * step)


# ---------------------------------------------------------------------------------------------
# train_two_layer_net(X, y, hidden_size=64, learning_rate=3.0, epochs=5000, decay=1e-3, rng=None)


def _training(init="he", direction=-1.0, epochs_offset=0, record="every_epoch", summed_loss=False,
              accuracy_scale=1.0, draw=None, as_list=False):
    """A training loop like the exercise's, with one thing done wrong (each keyword names one).

    init: init_dense's scheme for both layers; direction: -1 steps downhill, +1 uphill; epochs_offset:
    epochs run minus epochs asked; record: "every_epoch" or "once" (after the loop); summed_loss: the
    loss recorded is N times the mean; accuracy_scale: a factor on the accuracy recorded; draw: where the
    initial weights come from ("global" for np.random, "own" for a Generator of its own); as_list: params
    returned as a list.
    """

    def train_two_layer_net(X, y, hidden_size=64, learning_rate=3.0, epochs=3000, decay=1e-3, rng=None):
        rng = np.random.default_rng(0) if rng is None or draw == "own" else rng
        X = np.asarray(X, dtype=np.float64)
        num_classes = int(y.max()) + 1
        if draw == "global":
            params = {"W1": np.random.randn(X.shape[1], hidden_size) * np.sqrt(2 / X.shape[1]),
                      "b1": np.zeros(hidden_size),
                      "W2": np.random.randn(hidden_size, num_classes) * np.sqrt(2 / hidden_size),
                      "b2": np.zeros(num_classes)}
        else:
            params = {}
            params["W1"], params["b1"] = layers.init_dense(X.shape[1], hidden_size, rng, init)
            params["W2"], params["b2"] = layers.init_dense(hidden_size, num_classes, rng, init)
        history = {"loss": [], "accuracy": []}
        for epoch in range(epochs + epochs_offset):
            probs, cache = training.two_layer_forward(X, params)
            if record == "every_epoch":
                history["loss"].append((len(X) if summed_loss else 1) * losses.categorical_cross_entropy(probs, y))
                history["accuracy"].append(accuracy_scale * losses.accuracy(probs, y))
            grads = training.two_layer_backward(probs, y, cache, params)
            rate = training.decayed_learning_rate(learning_rate, decay, epoch)
            for name in params:
                params[name] = params[name] + direction * rate * grads[name]
        if record == "once":
            probs, _ = training.two_layer_forward(X, params)
            history["loss"].append(losses.categorical_cross_entropy(probs, y))
            history["accuracy"].append(losses.accuracy(probs, y))
        if as_list:
            return [params["W1"], params["b1"], params["W2"], params["b2"]], history
        return params, history

    return train_two_layer_net


MISTAKES = {
    "sgd_update": [
        Mistake("step uphill", "gradient descent moves each parameter against its gradient, the direction in "
                "which the loss falls; adding lr times the gradient climbs.", _sgd_uphill),
        Mistake("a new dict returned", "the exercise updates the caller's params dict and returns None; a "
                "new dict is not what the caller holds, so its params stay as they were.",
                _sgd_returns_new_dict),
        Mistake("a new dict under the old name", "assigning a new dict to the name params inside the "
                "function only rebinds the local name: the caller's dict never sees the new values. Store "
                "the new arrays under the keys of the dict you were given.", _sgd_rebinds_local_name),
        Mistake("learning rate left out", "each step is the gradient scaled by the learning rate lr.",
                _sgd_without_lr),
        Mistake("biases left out", "every parameter with a gradient takes a step, the biases b too, not only "
                "the weights W.", _sgd_weights_only),
        Mistake("return inside the loop", "a return indented inside the loop ends the function after the "
                "first key, so only one parameter is updated.", _sgd_returns_after_first_key),
        Mistake("gradients changed", "grads belongs to the caller, who may still need it (to print or "
                "check it): read it, never write into it.", _sgd_steps_the_gradients),
    ],
    "decayed_learning_rate": [
        Mistake("decay multiplied in", "the decay divides: at step 0 the rate is lr0 itself, not 0, and it "
                "falls slowly as decay·step grows.", _decay_multiplied),
        Mistake("rate grows", "the factor 1 + decay·t grows with every step t: multiplying lr0 by it makes "
                "the rate grow, while the schedule divides lr0 by it, so that the rate shrinks.", _decay_grows),
        Mistake("1 + missing", "without the 1 in the denominator the rate at step 0 is lr0 / 0; the 1 "
                "makes the first rate lr0.", _decay_without_one),
        Mistake("exponential decay", "that is exponential decay, lr0·e^(−decay·t); this schedule is 1/t "
                "decay: the rate falls like 1/t once decay·t is large, far more slowly than an exponential.",
                _decay_exponential),
        Mistake("steps counted from 1", "step 0 is the first update and gets lr0 itself: use step as given, "
                "not step + 1.", _decay_counts_from_one),
        Mistake("floor division", "// rounds down to a whole number, so any rate below 1 becomes 0: use /.",
                _decay_floor_division),
    ],
    "train_two_layer_net": [
        Mistake("step uphill", "each update moves the parameters against their gradients; adding the "
                "gradient makes the loss rise.", _training(direction=1.0)),
        Mistake("weights start at zero", "with all weights zero every hidden unit computes the same thing "
                "and ReLU passes back zero gradients: nothing can learn. Start from He initialisation.",
                _training(init="zeros")),
        Mistake("initial weights far too small", "weights of 0.01·N(0, 1) shrink the signal at every "
                "layer, so the scores start almost equal and the gradients reaching the first layer are tiny: "
                "the run learns, but far too slowly to get anywhere in the epochs given. He initialisation "
                "(the exercise's) scales each layer's weights to its number of inputs.", _training(init="small")),
        Mistake("history recorded once", "the history has one entry per epoch: measure and append inside "
                "the loop, not once after it.", _training(record="once")),
        Mistake("one epoch short", "the loop runs one epoch fewer than asked: range(epochs) already "
                "counts epochs 0 to epochs − 1.", _training(epochs_offset=-1)),
        Mistake("loss summed, not averaged", "the loss recorded is the mean over the batch (that is what "
                "categorical cross-entropy returns), not the sum of the per-sample losses.",
                _training(summed_loss=True)),
        Mistake("accuracy in percent", "accuracy is a fraction in [0, 1], not a percentage.",
                _training(accuracy_scale=100.0)),
        Mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state, so two "
                "runs differ for no visible reason: draw the initial weights from the rng argument.",
                _training(draw="global")),
        Mistake("own Generator instead of rng", "a Generator made inside the function ignores the rng the "
                "caller passed, so every seed gives the same run: draw from rng, and make a Generator only "
                "when rng is None.", _training(draw="own")),
        Mistake("params as a list", "params is a dict keyed W1, b1, W2, b2, the keys the forward and "
                "backward passes read.", _training(as_list=True)),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _sgd_in_place_arrays(params, grads, lr):
    for name, grad in grads.items():
        params[name] -= lr * grad


def _sgd_dict_update(params, grads, lr):
    params.update({name: value - lr * grads[name] for name, value in params.items()})


def _sgd_numpy_out(params, grads, lr):
    for name in params:
        np.subtract(params[name], np.multiply(lr, grads[name], dtype=params[name].dtype), out=params[name])


def _decay_reciprocal(lr0, decay, step):
    return lr0 * (1.0 / (1.0 + decay * step))


def _decay_numpy(lr0, decay, step):
    return float(np.divide(lr0, np.add(1.0, np.multiply(decay, step))))


def _train_own_passes(X, y, hidden_size=100, learning_rate=2.0, epochs=4000, decay=5e-4, rng=None):
    """Its own forward and backward with one-hot labels, Xavier-scaled weights and other defaults."""
    rng = np.random.default_rng(0) if rng is None else rng
    X = X.astype(float)
    labels = np.asarray(y, dtype=int)
    onehot = np.eye(labels.max() + 1)[labels]
    W1 = rng.normal(0.0, np.sqrt(2.0 / X.shape[1]), (X.shape[1], hidden_size))
    W2 = rng.normal(0.0, np.sqrt(1.0 / hidden_size), (hidden_size, onehot.shape[1]))
    params = {"W1": W1, "b1": np.zeros(hidden_size), "W2": W2, "b2": np.zeros(onehot.shape[1])}
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
        logits = hidden @ params["W2"] + params["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        history["loss"].append(float(-np.mean(np.log(np.clip((probs * onehot).sum(axis=1), 1e-7, 1.0)))))
        history["accuracy"].append(float(np.mean(probs.argmax(axis=1) == labels)))
        dlogits = (probs - onehot) / len(X)
        dhidden = (dlogits @ params["W2"].T) * (hidden > 0)
        grads = {"W2": hidden.T @ dlogits, "b2": dlogits.sum(axis=0), "W1": X.T @ dhidden, "b1": dhidden.sum(axis=0)}
        rate = learning_rate / (1.0 + decay * epoch)
        for name, grad in grads.items():
            params[name] -= rate * grad
    return params, history


def _train_records_after_update(X, y, hidden_size=100, learning_rate=2.0, epochs=3000, decay=5e-4, rng=None):
    """course_lib's pieces, the history measured after each epoch's update, numbered epochs from 1."""
    if rng is None:
        rng = np.random.default_rng(0)
    X = np.asarray(X, dtype=np.float64)
    W1, b1 = layers.init_dense(X.shape[1], hidden_size, rng, "he")
    W2, b2 = layers.init_dense(hidden_size, int(np.max(y)) + 1, rng, "he")
    params = dict(W1=W1, b1=b1, W2=W2, b2=b2)
    history = dict(loss=[], accuracy=[])
    probs, cache = training.two_layer_forward(X, params)
    for epoch in range(1, epochs + 1):
        grads = training.two_layer_backward(probs, y, cache, params)
        training.sgd_update(params, grads, training.decayed_learning_rate(learning_rate, decay, epoch - 1))
        probs, cache = training.two_layer_forward(X, params)
        history["loss"].append(losses.categorical_cross_entropy(probs, y))
        history["accuracy"].append(losses.accuracy(probs, y))
    return params, history


ALTERNATIVES = {
    "sgd_update": [_sgd_in_place_arrays, _sgd_dict_update, _sgd_numpy_out],
    "decayed_learning_rate": [
        _decay_reciprocal,
        _decay_numpy,
        lambda lr0, decay, step: lr0 / (decay * step + 1),
    ],
    "train_two_layer_net": [_train_own_passes, _train_records_after_update],
}
