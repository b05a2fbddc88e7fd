"""Checks for notebook 04: softmax, the categorical and binary cross-entropy losses, and accuracy."""

import numpy as np

from autograde_tests.core import Case, Notebook, case_rng, check_cases, seed_text
from autograde_tests.mistakes import nb04 as catalogue
from course_lib import losses

SEED = 4

SOFTMAX_HINT = ("each row of the result is one sample's probabilities: e to the power of each logit, divided "
                "by the sum of those powers over the same row, so every row sums to 1.")
LARGE_HINT = "e^z overflows for z above about 709.8: subtract each row's largest logit before exponentiating."
CCE_HINT = ("the loss is the mean over the samples of −log(the probability given to the sample's true class), "
            "with the probabilities clipped to [1e-7, 1 − 1e-7] first.")
BCE_HINT = ("the loss is the mean over the samples of −(y·log p + (1 − y)·log(1 − p)), with p clipped to "
            "[1e-7, 1 − 1e-7] first.")
ACCURACY_HINT = ("the predicted class is the position of each row's largest entry for (N, K) outputs, and 1 "
                 "where p ≥ 0.5 (else 0) for (N,) or (N, 1) probabilities; accuracy is the fraction of "
                 "samples whose prediction equals the label.")
CLIP_HINT = ("probabilities of exactly 0 and 1 are clipped to [1e-7, 1 − 1e-7] before the log, so the loss "
             "stays finite and a confident right answer still costs about 1e-7.")
ONE_HOT_HINT = "one-hot labels are rows with a single 1 at the true class: the same classes as integer labels."


def _array(rows, dtype=float):
    return np.array(rows, dtype=dtype)


def _random_probs(rng, n, k, scale=2.0):
    return losses.softmax(scale * rng.standard_normal((n, k)))


# ---------------------------------------------------------------------------------------------
# softmax


def check_softmax(fn, hidden=False):
    """softmax: rows are probabilities, and large logits do not overflow"""
    cases = [
        # Square and not symmetric, so that a sum over the wrong axis or without keepdims gives wrong
        # numbers rather than a shape error.
        Case((_array([[1.0, 2.0, 3.0], [2.0, -1.0, 0.5], [0.0, 0.0, 4.0]]),)),
        Case((_array([[1000.0, 1001.0, 999.0], [0.0, 1.0, -1.0]]),), label="Z = [[1000, 1001, 999], [0, 1, -1]]",
             hint=LARGE_HINT),
    ]
    if hidden:
        Z = 3.0 * case_rng(SEED).standard_normal((6, 4))
        cases += [
            Case((Z,), label=f"Z = 3 * standard normal of shape (6, 4) from {seed_text(SEED)}"),
            Case((Z.astype(np.float32),), label="the same Z as float32"),
            Case((Z[:1],), label="the first row of the same Z alone, shape (1, 4)",
                 hint="a batch of one sample is still a batch: the output has shape (1, K)."),
            Case((Z[:, :2],), label="the first two columns of the same Z, shape (6, 2)"),
            Case((_array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [5.0, 1e4, 1e4]]),), hint=LARGE_HINT),
            Case((_array([[3, 1, -2], [0, 0, 0]], dtype=np.int64),), hint="integer logits work the same way."),
        ]
    check_cases(fn, "softmax", losses.softmax, cases, hint=SOFTMAX_HINT)


# ---------------------------------------------------------------------------------------------
# categorical_cross_entropy

_PROBS = _array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.05, 0.15, 0.8]])
_LABELS = np.array([0, 2, 1, 1])


def check_categorical_cross_entropy(fn, hidden=False):
    """categorical_cross_entropy: the mean of −log p of the true class, clipped, labels or one-hot"""
    cases = [
        Case((_PROBS, _LABELS), hint=CCE_HINT),
        Case((_PROBS, losses.one_hot(_LABELS, 3)), hint=ONE_HOT_HINT),
        Case((_array([[0.0, 1.0, 0.0], [0.2, 0.8, 0.0]]), np.array([0, 1])), hint=CLIP_HINT),
        Case((_array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])), hint=CLIP_HINT),
    ]
    if hidden:
        rng = case_rng(SEED)
        probs, y = _random_probs(rng, 8, 5), rng.integers(0, 5, size=8)
        text = f"probs = softmax of 2 * standard normal (8, 5), y = integers in [0, 5) from {seed_text(SEED)}"
        cases += [
            Case((probs, y), label=text, hint=CCE_HINT),
            Case((probs, losses.one_hot(y, 5)), label="the same probs, y as one-hot rows (8, 5)",
                 hint=ONE_HOT_HINT),
            Case((probs.astype(np.float32), y), label="the same probs as float32, the same y"),
            Case((probs[:1], y[:1]), label="the first sample alone: probs (1, 5), y (1,)",
                 hint="a batch of one sample is still a batch."),
            Case((_array([[0.5, 0.5], [0.9, 0.1], [0.0, 1.0]]), np.array([1, 1, 0])), hint=CLIP_HINT),
        ]
    check_cases(fn, "categorical_cross_entropy", losses.categorical_cross_entropy, cases, hint=CCE_HINT)


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy

_P = _array([0.9, 0.2, 0.6, 0.35])
_Y = np.array([1, 0, 0, 1])


def check_binary_cross_entropy(fn, hidden=False):
    """binary_cross_entropy: the mean binary loss for p of shape (N,) or (N, 1), clipped"""
    cases = [
        Case((_P, _Y), hint=BCE_HINT),
        Case((_P[:, None], _Y), label=f"p = {_P.tolist()} as a column of shape (4, 1), y = {_Y.tolist()}",
             hint="p of shape (N, 1) and y of shape (N,) hold the same N samples."),
        Case((_array([0.0, 0.3, 0.8]), np.array([0, 1, 1])), hint=CLIP_HINT),
        Case((_array([1.0, 0.3, 0.8]), np.array([1, 0, 1])), hint=CLIP_HINT),
    ]
    if hidden:
        rng = case_rng(SEED)
        p, y = 1.0 / (1.0 + np.exp(-2.0 * rng.standard_normal(10))), rng.integers(0, 2, size=10)
        text = f"p = sigmoid of 2 * standard normal (10,), y = integers in [0, 2) from {seed_text(SEED)}"
        cases += [
            Case((p, y), label=text, hint=BCE_HINT),
            Case((p[:, None], y[:, None]), label="the same p and y, both as columns of shape (10, 1)"),
            Case((p[:, None], y), label="the same p as a column (10, 1), y of shape (10,)",
                 hint="p of shape (N, 1) and y of shape (N,) hold the same N samples."),
            Case((p.astype(np.float32), y), label="the same p as float32, the same y"),
            Case((p, y.astype(float)), label="the same p, y as the floats 0.0 and 1.0"),
            Case((p[:1], y[:1]), label="the first sample alone: p (1,), y (1,)"),
            Case((_array([[0.0], [1.0], [0.0], [1.0]]), np.array([1, 0, 0, 1])), hint=CLIP_HINT),
        ]
    check_cases(fn, "binary_cross_entropy", losses.binary_cross_entropy, cases, hint=BCE_HINT)


# ---------------------------------------------------------------------------------------------
# accuracy

_SCORES = _array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.3, 0.2, 0.9], [1.5, 0.4, 3.0]])
_SCORE_LABELS = np.array([0, 1, 1, 2])


def check_accuracy(fn, hidden=False):
    """accuracy: argmax for (N, K) outputs, threshold 0.5 for (N,) or (N, 1), labels or one-hot"""
    probabilities = _array([0.9, 0.5, 0.2, 0.7, 0.4, 0.6])
    binary_labels = np.array([1, 1, 0, 1, 0, 0])
    cases = [
        # Square, so that an argmax down the columns gives N predictions too, and wrong ones.
        Case((_array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]]), np.array([1, 0, 0])),
             hint=ACCURACY_HINT),
        Case((_SCORES, _SCORE_LABELS), hint=ACCURACY_HINT),
        Case((_SCORES, losses.one_hot(_SCORE_LABELS, 3)), hint=ONE_HOT_HINT),
        Case((probabilities, binary_labels), hint="a probability of exactly 0.5 counts as class 1."),
        Case((probabilities[:, None], binary_labels),
             label=f"outputs = {probabilities.tolist()} as a column of shape (6, 1), y = {binary_labels.tolist()}",
             hint="outputs of shape (N, 1) and labels of shape (N,) hold the same N samples."),
    ]
    if hidden:
        rng = case_rng(SEED)
        scores, y = rng.standard_normal((20, 4)), rng.integers(0, 4, size=20)
        p, y2 = rng.random(12), rng.integers(0, 2, size=12)
        cases += [
            Case((scores, y), label=f"outputs = standard normal (20, 4), y = integers in [0, 4) from "
                 f"{seed_text(SEED)}", hint=ACCURACY_HINT),
            Case((scores, losses.one_hot(y, 4)), label="the same outputs, y as one-hot rows (20, 4)",
                 hint=ONE_HOT_HINT),
            Case((losses.softmax(scores).astype(np.float32), y), label="the softmax of the same outputs as "
                 "float32, the same y"),
            Case((p, y2), label=f"outputs = uniform in [0, 1) of shape (12,), y = integers in [0, 2) from "
                 f"{seed_text(SEED)}"),
            Case((p[:, None], y2[:, None]), label="the same outputs and y, both as columns of shape (12, 1)"),
            Case((scores[:, :2], y2[:1].repeat(20)), label="the first two columns of the same outputs (20, 2), "
                 "every label the same"),
            Case((scores[:1], y[:1]), label="the first sample alone: outputs (1, 4), y (1,)"),
        ]
    check_cases(fn, "accuracy", losses.accuracy, cases, hint=ACCURACY_HINT)


NOTEBOOK = Notebook("04_softmax_and_loss", [
    ("softmax", check_softmax, losses.softmax),
    ("categorical_cross_entropy", check_categorical_cross_entropy, losses.categorical_cross_entropy),
    ("binary_cross_entropy", check_binary_cross_entropy, losses.binary_cross_entropy),
    ("accuracy", check_accuracy, losses.accuracy),
], catalogue)
CHECKS = NOTEBOOK.checks
