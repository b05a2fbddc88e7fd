"""Known mistakes and accepted alternatives for notebook 12 (the capstone), keyed by graded function name.

A check names the first mistake that behaves like the student's code on the case that failed, and trying
a mistake means training it, so every mistake here trains in milliseconds: each stands for a network
with one thing wrong by a stand-in that learns instantly, a vote of the nearest training points, which
labels fresh spiral points about as well as a good network (0.98 to 0.99 held out). What is wrong with it
is the mistake's: what predict returns, or how it uses its input, rng or the batch it is given.
The alternatives are real deep networks, trained the way the exercise describes.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from autograde_tests.core import Mistake
from course_lib import backprop, losses, network, optimizers
from course_lib.early_stopping import EarlyStopping, train_val_split
from course_lib.toolkit import (
    Adam,
    BatchNorm,
    CosineDecay,
    Dense,
    Dropout,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
    fit,
)
from course_lib.toolkit import predict as toolkit_predict

# ---------------------------------------------------------------------------------------------
# The stand-in: a vote of the k nearest training points.

NEIGHBOURS = 5


def _class_1_votes(X_train, y_train, X, neighbours=NEIGHBOURS):
    """(N,) fraction of the `neighbours` nearest training points (N_train, 2) of each row of X (N, 2)
    that are class 1."""
    squared = np.sum((np.asarray(X)[:, None, :] - X_train[None, :, :]) ** 2, axis=2)
    nearest = np.argpartition(squared, neighbours, axis=1)[:, :neighbours]
    return np.mean(y_train[nearest], axis=1)


def _voter(X, y, rng):
    """The stand-in "trained" on (X, y): it draws its initial weights from rng like a network would."""
    rng.standard_normal((2, 8))
    return np.array(X, dtype=np.float64), np.array(y)


# ---------------------------------------------------------------------------------------------
# train_spiral_classifier(X, y, rng) -> predict


def _float_labels(X, y, rng):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        return (_class_1_votes(X_train, y_train, X_new) > 0.5).astype(np.float64)

    return predict


def _column_of_labels(X, y, rng):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        return (_class_1_votes(X_train, y_train, X_new) > 0.5).astype(np.int64)[:, None]

    return predict


def _probabilities(X, y, rng):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        return _class_1_votes(X_train, y_train, X_new)

    return predict


def _ignores_its_input(X, y, rng):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        return (_class_1_votes(X_train, y_train, X) > 0.5).astype(np.int64)

    return predict


def _classes_swapped(X, y, rng):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        return (_class_1_votes(X_train, y_train, X_new) < 0.5).astype(np.int64)

    return predict


def _linear_model(X, y, rng, steps=200, lr=1.0):
    w, b = 0.01 * rng.standard_normal(2), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        w = w - lr * X.T @ (p - y) / len(y)
        b = b - lr * np.mean(p - y)

    def predict(X_new):
        return (np.asarray(X_new) @ w + b > 0).astype(np.int64)

    return predict


def _dropout_when_predicting(X, y, rng, keep_prob=0.7, neighbours=9):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        squared = np.sum((np.asarray(X_new)[:, None, :] - X_train[None, :, :]) ** 2, axis=2)
        nearest = np.argpartition(squared, neighbours, axis=1)[:, :neighbours]
        kept = rng.random(nearest.shape) < keep_prob
        votes = np.sum(y_train[nearest] * kept, axis=1) / np.maximum(kept.sum(axis=1), 1)
        return (votes > 0.5).astype(np.int64)

    return predict


def _batch_statistics_when_predicting(X, y, rng):
    X_train, y_train = _voter(X, y, rng)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    normalised_train = (X_train - mean) / std

    def predict(X_new):
        X_new = np.asarray(X_new, dtype=np.float64)
        normalised = (X_new - X_new.mean(axis=0)) / (X_new.std(axis=0) + 1e-5)
        return (_class_1_votes(normalised_train, y_train, normalised) > 0.5).astype(np.int64)

    return predict


def _labels_from(X, y, rng):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        return (_class_1_votes(X_train, y_train, X_new) > 0.5).astype(np.int64)

    return predict


def _fixed_seed_instead_of_rng(X, y, rng):
    return _labels_from(X, y, np.random.default_rng(0))


def _unseeded_generator_instead_of_rng(X, y, rng):
    """A Generator made without a seed: every training is another network. The stand-in shows it the way
    a network would, by labelling one point in a hundred differently from one training to the next
    (each point's label stays the same for one trained predict, however it is batched)."""
    own = np.random.default_rng()
    X_train, y_train = _voter(X, y, own)
    key = own.random()

    def predict(X_new):
        X_new = np.asarray(X_new, dtype=np.float64)
        labels = (_class_1_votes(X_train, y_train, X_new) > 0.5).astype(np.int64)
        # One point in a hundred: few enough that accuracy stays above the bar, enough that two
        # trainings' held-out labels differ.
        flipped = np.mod(key * 1e4 + X_new @ np.array([1e3, 1e6]), 1.0) < 0.01
        return np.where(flipped, 1 - labels, labels)

    return predict


def _global_random_state(X, y, rng):
    order = np.random.permutation(len(X))
    return _labels_from(np.asarray(X)[order], np.asarray(y)[order], rng)


# ---------------------------------------------------------------------------------------------
# Alternatives: deep networks trained in other ways than the reference.


def _two_logits_with_cosine_decay(X, y, rng):
    """Two softmax outputs instead of one sigmoid, a cosine schedule, narrower layers."""
    X_train, y_train, X_val, y_val = train_val_split(X, y, 0.15, rng)
    layers = []
    for n_in, n_out in ((2, 96), (96, 96), (96, 48)):
        layers += [Dense(n_in, n_out), BatchNorm(n_out), ReLU(), Dropout(0.95)]
    model = Sequential([*layers, Dense(48, 2)], rng, dtype=np.float32)
    loss = SoftmaxCrossEntropy()
    fit(model, X_train, y_train, loss, Adam(lr=1e-2), rng, epochs=300, batch_size=96,
        validation_data=(X_val, y_val), lr_schedule=CosineDecay(1e-2, 300, lr_min=1e-4),
        early_stopping=EarlyStopping(patience=50), progress=False)
    return lambda X_new: toolkit_predict(model, X_new, loss)


def _full_batch_plain_network(X, y, rng, layer_sizes=(2, 64, 64, 64, 2), steps=1500, lr=0.01):
    """No batch norm or dropout: a plain ReLU network, full batch, Adam with a step decay, keeping the
    parameters of the best validation loss seen every 25 steps. One BLAS thread, as fit uses: on a busy
    machine the default threads make these small products many times slower."""
    X_train, y_train, X_val, y_val = train_val_split(X, y, 0.2, rng)
    params = network.init_network(list(layer_sizes), rng)
    state = {}
    stopper = EarlyStopping(patience=8)
    with threadpool_limits(1, user_api="blas"):
        for step in range(steps):
            scores, cache = network.mlp_forward(X_train, params)
            dscores = backprop.softmax_cce_backward(losses.softmax(scores), y_train)
            optimizers.adam_update(params, network.mlp_backward(dscores, cache, params), state,
                                   lr=optimizers.step_decay(lr, 0.5, 500, step))
            if step % 25 == 24:
                val_scores, _ = network.mlp_forward(X_val, params)
                if stopper.update(losses.categorical_cross_entropy(losses.softmax(val_scores), y_val), params):
                    break
    best = stopper.best_params

    def predict(X_new):
        scores, _ = network.mlp_forward(np.asarray(X_new, dtype=np.float64), best)
        return np.argmax(scores, axis=1)

    return predict


MISTAKES = {
    "train_spiral_classifier": [
        Mistake("labels as floats",
                "predict gives 0.0 and 1.0: right values, but in a float array. Labels are whole numbers, "
                "so the result needs an integer dtype.", _float_labels),
        Mistake("labels in a column",
                "a network with one output unit gives an (N, 1) column, returned as it is instead of "
                "flattened to (N,).", _column_of_labels),
        Mistake("probabilities instead of labels",
                "predict returns the probability of class 1 for each point; the exercise asks for the "
                "class itself, 1 where that probability is above one half.", _probabilities),
        Mistake("predict ignores its input",
                "predict labels the training points it closed over instead of the X it is called with "
                "(the inner function reads the outer X, not its own argument).", _ignores_its_input),
        Mistake("classes swapped",
                "the boundary is right but every label is the other class: class 1 was given where the "
                "probability of class 1 is low, or the two outputs were read in the wrong order.",
                _classes_swapped),
        Mistake("a linear model",
                "no hidden layer (or dense layers with no activation between them, which compose to one "
                "linear map): one straight boundary cannot follow two interleaved spirals, and gets about "
                "half the points right.", _linear_model),
        Mistake("dropout left on when predicting",
                "predict runs the network in training mode, so dropout still silences random units and the "
                "same point can get another label on the next call.", _dropout_when_predicting),
        Mistake("batch statistics when predicting",
                "batch normalisation uses the mean and variance of the points being predicted instead of "
                "its running statistics, so a point's label depends on the other points in its batch.",
                _batch_statistics_when_predicting),
        Mistake("a fixed seed instead of rng",
                "the function makes its own Generator with a fixed seed and never draws from the rng it is "
                "given, so a grader's seed changes nothing.", _fixed_seed_instead_of_rng),
        Mistake("a Generator without a seed instead of rng",
                "the function makes its own Generator without a seed (np.random.default_rng()) and never "
                "draws from the rng it is given, so every run trains another network and no seed can "
                "reproduce it.", _unseeded_generator_instead_of_rng),
        Mistake("NumPy's global random state",
                "the shuffles or initial weights come from np.random's global functions instead of rng, so "
                "the result depends on whatever ran before.", _global_random_state),
    ],
}

ALTERNATIVES = {
    "train_spiral_classifier": [_two_logits_with_cosine_decay, _full_batch_plain_network],
}
