"""Softmax, the cross-entropy losses and accuracy (notebook 04).

Probabilities are rows: `probs` has shape (N, K), one sample per row and one class per column.
Labels `y` are integers of shape (N,) or, where a docstring says so, one-hot rows of shape (N, K).
"""

import numpy as np

# log(0) is -inf; clipping keeps every loss finite. The upper bound keeps log(1 - p) finite in the binary loss.
PROB_CLIP = (1e-7, 1.0 - 1e-7)


def one_hot(y, num_classes):
    """One-hot rows for integer labels.

    y: (N,) integers in [0, num_classes). Returns (N, num_classes) float64, a single 1.0 per row.
    """
    y = np.asarray(y)
    return (y[:, None] == np.arange(num_classes)).astype(np.float64)


def class_labels(y):
    """Integer labels from integer or one-hot labels.

    y: (N,) integers, or (N, K) one-hot rows. Returns (N,) integers.
    """
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 else y


def softmax(Z):
    """Row-wise softmax, stable for logits of any size.

    Z: (N, K) logits (a single row (K,) works too). Returns (N, K) probabilities, rows summing to 1, in
    Z's float dtype (float64 for integer logits).
    Subtracting each row's max changes nothing mathematically (the factor exp(-max) cancels between
    numerator and denominator) but keeps every exponent <= 0, so exp never overflows.
    """
    Z = np.asarray(Z)
    Z = Z.astype(np.result_type(Z.dtype, np.float32), copy=False)
    # A gap beyond ~1.8e308 between a logit and its row's max rounds to -inf, whose exp is exactly the 0 it should be.
    with np.errstate(over="ignore"):
        shifted = Z - Z.max(axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=-1, keepdims=True)


def categorical_cross_entropy(probs, y):
    """Mean cross-entropy of predicted probabilities against the true classes.

    probs: (N, K) rows of probabilities; y: (N,) integer labels or (N, K) one-hot rows.
    Returns a float: the mean over the batch of -log(probability given to the true class), with the
    probabilities first clipped to [1e-7, 1 - 1e-7] so a confident mistake costs about 16.1, not infinity.
    """
    probs = np.clip(probs, *PROB_CLIP)
    true_class_probs = probs[np.arange(len(probs)), class_labels(y)]
    return float(-np.mean(np.log(true_class_probs)))


def binary_cross_entropy(p, y):
    """Mean binary cross-entropy of predicted probabilities of class 1.

    p: (N,) or (N, 1) probabilities that each sample is of class 1; y: 0/1 labels of shape (N,) or (N, 1).
    Returns a float: the mean of -(y log p + (1 - y) log(1 - p)), with p clipped to [1e-7, 1 - 1e-7].
    """
    p = np.clip(np.ravel(p), *PROB_CLIP)
    y = np.ravel(y)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def predicted_labels(outputs):
    """The class each output row predicts.

    outputs: (N, K) scores or probabilities with K >= 2 (argmax of each row), or (N,) or (N, 1)
    probabilities of class 1 (1 where p >= 0.5, else 0, as sigmoid(0) = 0.5 is class 1). Returns (N,) integers.
    """
    outputs = np.asarray(outputs)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    return (np.ravel(outputs) >= 0.5).astype(np.int64)


def accuracy(outputs, y):
    """Fraction of samples whose predicted class is the true class.

    outputs: (N, K) with K >= 2, or (N,) or (N, 1) probabilities of class 1 (see predicted_labels);
    y: (N,) integer labels, (N, 1) 0/1 labels, or (N, K) one-hot rows. Returns a float in [0, 1].
    """
    y = np.asarray(y)
    true_labels = class_labels(y) if y.ndim == 2 and y.shape[1] > 1 else np.ravel(y)
    return float(np.mean(predicted_labels(outputs) == true_labels))
