"""Known mistakes and accepted alternatives for notebook 04 (softmax and the losses), keyed by graded function name.

A check names the first mistake that behaves like the student's code on the case that failed, so where
two mistakes could look alike the more specific one comes first.
"""

import numpy as np

from autograde_tests.core import Mistake

LOW, HIGH = 1e-7, 1.0 - 1e-7

# ---------------------------------------------------------------------------------------------
# softmax(Z)


def _softmax_naive(Z):
    exps = np.exp(Z)
    return exps / exps.sum(axis=1, keepdims=True)


def _softmax_over_columns(Z):
    exps = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=0, keepdims=True)


def _softmax_over_axis_0(Z):
    exps = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exps / exps.sum(axis=0, keepdims=True)


def _softmax_global_max(Z):
    exps = np.exp(Z - np.max(Z))
    return exps / exps.sum(axis=1, keepdims=True)


def _softmax_column_max(Z):
    exps = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def _softmax_sum_without_keepdims(Z):
    exps = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1)


def _softmax_in_place(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


# ---------------------------------------------------------------------------------------------
# categorical_cross_entropy(probs, y)


def _labels(y):
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 else y


def _onehot(y, num_classes):
    y = np.asarray(y)
    return y if y.ndim == 2 else np.eye(num_classes)[y]


def _cce_sum(probs, y):
    clipped = np.clip(probs, LOW, HIGH)
    return float(-np.sum(np.log(clipped[np.arange(len(probs)), _labels(y)])))


def _cce_mean_over_every_entry(probs, y):
    clipped = np.clip(probs, LOW, HIGH)
    return float(np.mean(-_onehot(y, probs.shape[1]) * np.log(clipped)))


def _cce_columns_for_every_sample(probs, y):
    clipped = np.clip(probs, LOW, HIGH)
    return float(-np.mean(np.log(clipped[:, _labels(y)])))


def _cce_one_hot_as_indices(probs, y):
    clipped = np.clip(probs, LOW, HIGH)
    return float(-np.mean(np.log(clipped[np.arange(len(probs)), y])))


def _cce_not_clipped(probs, y):
    return float(-np.mean(np.log(probs[np.arange(len(probs)), _labels(y)])))


def _cce_clipped_below_only(probs, y):
    clipped = np.maximum(probs, LOW)
    return float(-np.mean(np.log(clipped[np.arange(len(probs)), _labels(y)])))


def _cce_per_sample(probs, y):
    clipped = np.clip(probs, LOW, HIGH)
    return -np.log(clipped[np.arange(len(probs)), _labels(y)])


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy(p, y)


def _bce_terms(p, y):
    return y * np.log(p) + (1 - y) * np.log(1 - p)


def _bce_broadcast(p, y):
    return float(-np.mean(_bce_terms(np.clip(p, LOW, HIGH), y)))


def _bce_not_clipped(p, y):
    return float(-np.mean(_bce_terms(np.ravel(p), np.ravel(y))))


def _bce_clipped_below_only(p, y):
    return float(-np.mean(_bce_terms(np.maximum(np.ravel(p), LOW), np.ravel(y))))


def _bce_one_term(p, y):
    p, y = np.clip(np.ravel(p), LOW, HIGH), np.ravel(y)
    return float(-np.mean(y * np.log(p)))


def _bce_sum(p, y):
    return float(-np.sum(_bce_terms(np.clip(np.ravel(p), LOW, HIGH), np.ravel(y))))


def _bce_sign(p, y):
    return float(np.mean(_bce_terms(np.clip(np.ravel(p), LOW, HIGH), np.ravel(y))))


# ---------------------------------------------------------------------------------------------
# accuracy(outputs, y)


def _true_labels(y):
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else np.ravel(y)


def _accuracy_argmax_axis0(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return float(np.mean(outputs.argmax(axis=0) == _true_labels(y)))
    return float(np.mean((np.ravel(outputs) >= 0.5) == np.ravel(y)))


def _accuracy_one_hot_as_is(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return float(np.mean(outputs.argmax(axis=1) == y))
    return float(np.mean((np.ravel(outputs) >= 0.5) == np.ravel(y)))


def _accuracy_strict_threshold(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return float(np.mean(outputs.argmax(axis=1) == _true_labels(y)))
    return float(np.mean((np.ravel(outputs) > 0.5) == np.ravel(y)))


def _accuracy_argmax_always(outputs, y):
    return float(np.mean(np.argmax(outputs, axis=-1) == _true_labels(y)))


def _accuracy_column_against_labels(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return float(np.mean(outputs.argmax(axis=1) == _true_labels(y)))
    return float(np.mean((outputs >= 0.5) == y))


def _accuracy_count(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return int(np.sum(outputs.argmax(axis=1) == _true_labels(y)))
    return int(np.sum((np.ravel(outputs) >= 0.5) == np.ravel(y)))


def _accuracy_count_as_float(outputs, y):
    return float(_accuracy_count(outputs, y))


COUNT = ("accuracy is the fraction of samples predicted correctly, a number between 0 and 1: divide the count "
         "by N.")
OVERWRITES = ("assigning into the argument (or an operation with out= on it) changes the caller's array: "
              "build the result as a new array.")
CLIP_LOW = ("a probability of exactly 0 makes log(0) = −∞ (with a warning) and the loss infinite: clip the "
            "probabilities to [1e-7, 1 − 1e-7] before the log.")

MISTAKES = {
    "softmax": [
        Mistake("sum without keepdims",
                "the row sums have shape (N,), and dividing an (N, K) array by them lines the sums up with "
                "the columns, not the rows. Keep the summed axis, shape (N, 1), so each row is divided by "
                "its own sum.", _softmax_sum_without_keepdims),
        Mistake("normalised over columns",
                "softmax turns each row (one sample) into probabilities: the sum in the denominator runs "
                "over the classes of that row (axis 1), not over the samples of a column.",
                _softmax_over_columns),
        Mistake("softmax over axis 0",
                "axis 0 runs down a column, across the samples: taking the max and the sum there turns "
                "each column into probabilities. Softmax works on each row, one sample's classes, and "
                "every row sums to 1.", _softmax_over_axis_0),
        Mistake("max over the columns",
                "the number subtracted must be the same for every entry of a row (that row's max); "
                "subtracting each column's max shifts the classes by different amounts and changes the "
                "ratios between them.", _softmax_column_max),
        Mistake("no max subtraction",
                "e^z overflows to inf for z above about 709.8, and inf / inf is nan. Subtract each row's "
                "max first: the exponents are then all ≤ 0 and the result is mathematically the same.",
                _softmax_naive),
        Mistake("max of the whole array",
                "subtracting one max for the whole batch is right on paper, but a row whose logits are "
                "all far below that max underflows to e^(−1000) = 0 everywhere, and 0 / 0 is nan. "
                "Subtract each row's own max.", _softmax_global_max),
        Mistake("overwrites Z", OVERWRITES, _softmax_in_place),
    ],
    "categorical_cross_entropy": [
        Mistake("per-sample losses, not their mean",
                "the loss of a batch is one number, the mean over the samples of −log(probability of "
                "the true class).", _cce_per_sample),
        Mistake("sum instead of mean (1/N forgotten)",
                "the loss is the mean over the batch: divide the sum of −log p by N, so that the loss "
                "does not grow with the batch size.", _cce_sum),
        Mistake("mean over every entry (1/(N·K))",
                "only the true class's entry of each row counts, and the mean runs over the N samples; "
                "averaging over all N·K entries also divides by the number of classes K.",
                _cce_mean_over_every_entry),
        Mistake("picks columns for every sample",
                "indexing with the labels alone selects whole columns, giving an N × N table of "
                "probabilities; each sample i needs only its own entry, row i, column y[i]. Pair a row "
                "index 0, 1, ..., N − 1 with the labels.", _cce_columns_for_every_sample),
        Mistake("one-hot labels used as indices",
                "one-hot labels are rows of 0s and a single 1, not class numbers: turn them into class "
                "numbers (the position of the 1 in each row) before picking entries.",
                _cce_one_hot_as_indices),
        Mistake("clipping forgotten", CLIP_LOW, _cce_not_clipped),
        Mistake("clips only from below",
                "the exercise clips to [1e-7, 1 − 1e-7], both ends: a probability of exactly 1 costs "
                "−log(1 − 1e-7) ≈ 1e-7, not 0 (the upper bound matters most in the binary loss, where "
                "log(1 − p) appears).", _cce_clipped_below_only),
    ],
    "binary_cross_entropy": [
        Mistake("(N, 1) against (N,) broadcasts to (N, N)",
                "p of shape (N, 1) and y of shape (N,) broadcast to an N × N table that pairs every "
                "prediction with every label. Flatten both to shape (N,) first.", _bce_broadcast),
        Mistake("clipping forgotten", CLIP_LOW, _bce_not_clipped),
        Mistake("clips only from below",
                "a probability of exactly 1 makes log(1 − p) = log(0) = −∞: clip to [1e-7, 1 − 1e-7], "
                "both ends.", _bce_clipped_below_only),
        Mistake("the (1 − y) term missing",
                "the binary loss has two terms, y·log p for the samples of class 1 and (1 − y)·log(1 − p) "
                "for those of class 0; without the second, class-0 samples cost nothing.", _bce_one_term),
        Mistake("sum instead of mean (1/N forgotten)",
                "the loss is the mean over the batch: divide by N, so that it does not grow with the "
                "batch size.", _bce_sum),
        Mistake("sign flipped",
                "log p ≤ 0, so the sum of the log terms is negative: the loss is minus their mean, a "
                "number ≥ 0.", _bce_sign),
    ],
    "accuracy": [
        Mistake("argmax over the wrong axis",
                "each row is one sample: its predicted class is the position of the largest entry along "
                "the row (axis 1), not down a column (axis 0).", _accuracy_argmax_axis0),
        Mistake("one-hot labels compared as they are",
                "one-hot labels are rows of 0s and a single 1: turn them into class numbers (the position "
                "of the 1) before comparing them with the predicted classes.", _accuracy_one_hot_as_is),
        Mistake("strict threshold at 0.5",
                "a probability of exactly 0.5 counts as class 1 (as sigmoid(0) = 0.5 does): the test is "
                "p ≥ 0.5, not p > 0.5.", _accuracy_strict_threshold),
        Mistake("argmax of a single probability",
                "outputs of shape (N,) or (N, 1) hold one probability per sample, the probability of "
                "class 1: an argmax over one value is always 0. Threshold at 0.5 instead.",
                _accuracy_argmax_always),
        Mistake("(N, 1) against (N,) broadcasts to (N, N)",
                "comparing an (N, 1) array with an (N,) array pairs every prediction with every label, an "
                "N × N table. Flatten both to shape (N,) first.", _accuracy_column_against_labels),
        Mistake("count instead of fraction", COUNT, _accuracy_count),
        Mistake("count instead of fraction, as a float", COUNT, _accuracy_count_as_float),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _softmax_logsumexp(Z):
    row_max = np.max(Z, axis=1)[:, None]
    log_norm = row_max + np.log(np.sum(np.exp(Z - row_max), axis=1))[:, None]
    return np.exp(Z - log_norm)


def _softmax_rows_loop(Z):
    rows = []
    for z in Z:
        e = np.exp(z - z.max())
        rows.append(e / e.sum())
    return np.array(rows)


def _softmax_reciprocal(Z):
    exps = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exps * (1.0 / exps.sum(axis=1, keepdims=True))


def _cce_one_hot_product(probs, y):
    y = np.asarray(y)
    onehot = y if y.ndim == 2 else np.eye(probs.shape[1])[y]
    return float(-np.sum(onehot * np.log(np.clip(probs, 1e-7, 1 - 1e-7))) / probs.shape[0])


def _cce_loop(probs, y):
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 else y
    total = 0.0
    for row, label in zip(probs, labels):
        total -= np.log(min(max(row[label], 1e-7), 1 - 1e-7))
    return total / len(probs)


def _cce_take_along_axis(probs, y):
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 else np.asarray(y)
    picked = np.take_along_axis(probs, labels[:, None], axis=1)
    return -np.log(np.clip(picked, 1e-7, 1 - 1e-7)).mean().item()


def _bce_where(p, y):
    p = np.clip(p.reshape(-1), 1e-7, 1 - 1e-7)
    y = np.asarray(y).reshape(-1)
    return float(np.mean(np.where(y == 1, -np.log(p), -np.log(1 - p))))


def _bce_loop(p, y):
    total = 0.0
    for pi, yi in zip(np.ravel(p), np.ravel(y)):
        pi = min(max(pi, 1e-7), 1 - 1e-7)
        total += -(yi * np.log(pi) + (1 - yi) * np.log(1 - pi))
    return float(total / np.size(p))


def _bce_log1p(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7).ravel()
    y = np.reshape(y, -1)
    return float(-(y @ np.log(p) + (1 - y) @ np.log1p(-p)) / len(p))


def _accuracy_loop(outputs, y):
    outputs, y = np.asarray(outputs), np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    correct = 0
    for row, label in zip(outputs.reshape(len(outputs), -1), y):
        predicted = int(np.argmax(row)) if row.size > 1 else int(row[0] >= 0.5)
        correct += predicted == label
    return correct / len(y)


def _accuracy_count_nonzero(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] >= 2:
        predicted = np.argmax(outputs, axis=1)
    else:
        predicted = np.where(outputs.reshape(-1) >= 0.5, 1, 0)
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 and np.shape(y)[1] >= 2 else np.reshape(y, -1)
    return np.count_nonzero(predicted == labels) / predicted.size


ALTERNATIVES = {
    "softmax": [_softmax_logsumexp, _softmax_rows_loop, _softmax_reciprocal],
    "categorical_cross_entropy": [_cce_one_hot_product, _cce_loop, _cce_take_along_axis],
    "binary_cross_entropy": [_bce_where, _bce_loop, _bce_log1p],
    "accuracy": [_accuracy_loop, _accuracy_count_nonzero],
}
