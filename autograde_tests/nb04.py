"""Checks for notebook 04: softmax, the categorical and binary cross-entropy losses, and accuracy."""

import numpy as np

from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook
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


# Probabilities and labels that notebook 05's backward passes of the two losses are checked on too.
PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.05, 0.15, 0.8]])
BINARY_P = np.array([0.9, 0.2, 0.6, 0.35])
BINARY_Y = np.array([1, 0, 0, 1])


def drawn_class_probs(seed):
    """(probs, y, label): probs = softmax of 2 * standard normal (8, 5) and y = integers in [0, 5), drawn
    from case_rng(seed)."""
    rng = case_rng(seed)
    return (losses.softmax(2.0 * rng.standard_normal((8, 5))), rng.integers(0, 5, size=8),
            f"probs = softmax of 2 * standard normal (8, 5), y = integers in [0, 5) from {seed_text(seed)}")


def drawn_binary_probs(seed):
    """(p, y, label): p = sigmoid of 2 * standard normal (10,) and y = integers in [0, 2), drawn from
    case_rng(seed)."""
    rng = case_rng(seed)
    return (1.0 / (1.0 + np.exp(-2.0 * rng.standard_normal(10))), rng.integers(0, 2, size=10),
            f"p = sigmoid of 2 * standard normal (10,), y = integers in [0, 2) from {seed_text(seed)}")


def _softmax_cases(hidden):
    """softmax: rows are probabilities, and large logits do not overflow"""
    cases = [
        # Square and not symmetric, so that a sum over the wrong axis or without keepdims gives wrong
        # numbers rather than a shape error.
        Case((np.array([[1.0, 2.0, 3.0], [2.0, -1.0, 0.5], [0.0, 0.0, 4.0]]),)),
        Case((np.array([[1000.0, 1001.0, 999.0], [0.0, 1.0, -1.0]]),), label="Z = [[1000, 1001, 999], [0, 1, -1]]",
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
            Case((np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [5.0, 1e4, 1e4]]),), hint=LARGE_HINT),
            Case((np.array([[3, 1, -2], [0, 0, 0]], dtype=np.int64),), hint="integer logits work the same way."),
        ]
    return cases


SOFTMAX = Exercise("softmax", losses.softmax, _softmax_cases, hint=SOFTMAX_HINT)
check_softmax = SOFTMAX.check


# ---------------------------------------------------------------------------------------------
# categorical_cross_entropy

_LABELS = np.array([0, 2, 1, 1])


def _categorical_cross_entropy_cases(hidden):
    """categorical_cross_entropy: the mean of −log p of the true class, clipped, labels or one-hot"""
    cases = [
        Case((PROBS, _LABELS), hint=CCE_HINT),
        Case((PROBS, losses.one_hot(_LABELS, 3)), hint=ONE_HOT_HINT),
        Case((np.array([[0.0, 1.0, 0.0], [0.2, 0.8, 0.0]]), np.array([0, 1])), hint=CLIP_HINT),
        Case((np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])), hint=CLIP_HINT),
    ]
    if hidden:
        probs, y, text = drawn_class_probs(SEED)
        cases += [
            Case((probs, y), label=text, hint=CCE_HINT),
            Case((probs, losses.one_hot(y, 5)), label="the same probs, y as one-hot rows (8, 5)",
                 hint=ONE_HOT_HINT),
            Case((probs.astype(np.float32), y), label="the same probs as float32, the same y"),
            Case((probs[:1], y[:1]), label="the first sample alone: probs (1, 5), y (1,)",
                 hint="a batch of one sample is still a batch."),
            Case((np.array([[0.5, 0.5], [0.9, 0.1], [0.0, 1.0]]), np.array([1, 1, 0])), hint=CLIP_HINT),
        ]
    return cases


CATEGORICAL_CROSS_ENTROPY = Exercise("categorical_cross_entropy", losses.categorical_cross_entropy,
                                     _categorical_cross_entropy_cases, hint=CCE_HINT)
check_categorical_cross_entropy = CATEGORICAL_CROSS_ENTROPY.check


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy


def _binary_cross_entropy_cases(hidden):
    """binary_cross_entropy: the mean binary loss for p of shape (N,) or (N, 1), clipped"""
    cases = [
        Case((BINARY_P, BINARY_Y), hint=BCE_HINT),
        Case((BINARY_P[:, None], BINARY_Y),
             label=f"p = {BINARY_P.tolist()} as a column of shape (4, 1), y = {BINARY_Y.tolist()}",
             hint="p of shape (N, 1) and y of shape (N,) hold the same N samples."),
        Case((np.array([0.0, 0.3, 0.8]), np.array([0, 1, 1])), hint=CLIP_HINT),
        Case((np.array([1.0, 0.3, 0.8]), np.array([1, 0, 1])), hint=CLIP_HINT),
    ]
    if hidden:
        p, y, text = drawn_binary_probs(SEED)
        cases += [
            Case((p, y), label=text, hint=BCE_HINT),
            Case((p[:, None], y[:, None]), label="the same p and y, both as columns of shape (10, 1)"),
            Case((p[:, None], y), label="the same p as a column (10, 1), y of shape (10,)",
                 hint="p of shape (N, 1) and y of shape (N,) hold the same N samples."),
            Case((p.astype(np.float32), y), label="the same p as float32, the same y"),
            Case((p, y.astype(float)), label="the same p, y as the floats 0.0 and 1.0"),
            Case((p[:1], y[:1]), label="the first sample alone: p (1,), y (1,)"),
            Case((np.array([[0.0], [1.0], [0.0], [1.0]]), np.array([1, 0, 0, 1])), hint=CLIP_HINT),
        ]
    return cases


BINARY_CROSS_ENTROPY = Exercise("binary_cross_entropy", losses.binary_cross_entropy, _binary_cross_entropy_cases,
                                hint=BCE_HINT)
check_binary_cross_entropy = BINARY_CROSS_ENTROPY.check


# ---------------------------------------------------------------------------------------------
# accuracy

_SCORES = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.3, 0.2, 0.9], [1.5, 0.4, 3.0]])
_SCORE_LABELS = np.array([0, 1, 1, 2])


def _accuracy_cases(hidden):
    """accuracy: argmax for (N, K) outputs, threshold 0.5 for (N,) or (N, 1), labels or one-hot"""
    probabilities = np.array([0.9, 0.5, 0.2, 0.7, 0.4, 0.6])
    binary_labels = np.array([1, 1, 0, 1, 0, 0])
    cases = [
        # Square, so that an argmax down the columns gives N predictions too, and wrong ones.
        Case((np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]]), np.array([1, 0, 0])),
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
    return cases


ACCURACY = Exercise("accuracy", losses.accuracy, _accuracy_cases, hint=ACCURACY_HINT)
check_accuracy = ACCURACY.check


LOW, HIGH = 1e-7, 1.0 - 1e-7
COUNT = ("accuracy is the fraction of samples predicted correctly, a number between 0 and 1: divide the count "
         "by N.")
OVERWRITES = ("assigning into the argument (or an operation with out= on it) changes the caller's array: "
              "build the result as a new array.")
CLIP_LOW = ("a probability of exactly 0 makes log(0) = −∞ (with a warning) and the loss infinite: clip the "
            "probabilities to [1e-7, 1 − 1e-7] before the log.")


def one_hot_rows(y, num_classes):
    """y as (N, num_classes) one-hot rows: one-hot labels as they are, integer labels converted."""
    y = np.asarray(y)
    return y if y.ndim == 2 else np.eye(num_classes)[y]


def _bce_terms(p, y):
    return y * np.log(p) + (1 - y) * np.log(1 - p)


def _true_labels(y):
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else np.ravel(y)


def _softmax_with(shift=lambda Z: Z.max(axis=1, keepdims=True), sum_axis=1, keepdims=True):
    """A softmax that subtracts shift(Z) and divides by the sum over `sum_axis` (right with the defaults)."""

    def softmax(Z):
        exps = np.exp(Z - shift(Z))
        return exps / exps.sum(axis=sum_axis, keepdims=keepdims)

    return softmax


def _cce_with(pick=lambda probs, y: probs[np.arange(len(probs)), losses.class_labels(y)],
              clip=lambda probs: np.clip(probs, LOW, HIGH), total=lambda logs: float(-np.mean(logs))):
    """A categorical cross-entropy: total(log of pick(clip(probs), y)), right with the defaults."""
    return lambda probs, y: total(np.log(pick(clip(probs), y)))


def _accuracy_with(multiclass=lambda outputs, y: outputs.argmax(axis=1) == _true_labels(y),
                   binary=lambda outputs, y: (np.ravel(outputs) >= 0.5) == np.ravel(y),
                   total=lambda hits: float(np.mean(hits))):
    """An accuracy: total(the hits of multiclass outputs (N, K) or of binary ones), right with the defaults."""

    def accuracy(outputs, y):
        return total(multiclass(outputs, y) if outputs.ndim == 2 and outputs.shape[1] > 1 else binary(outputs, y))

    return accuracy


# ---------------------------------------------------------------------------------------------
# softmax: known mistakes, the more specific first


SOFTMAX.mistake("sum without keepdims", "the row sums have shape (N,), and dividing an (N, K) array by them lines "
                "the sums up with the columns, not the rows. Keep the summed axis, shape (N, 1), so each row is "
                "divided by its own sum.")(_softmax_with(keepdims=False))

SOFTMAX.mistake("normalised over columns", "softmax turns each row (one sample) into probabilities: the sum in the "
                "denominator runs over the classes of that row (axis 1), not over the samples of a column.")(
    _softmax_with(sum_axis=0))

SOFTMAX.mistake("softmax over axis 0", "axis 0 runs down a column, across the samples: taking the max and the sum "
                "there turns each column into probabilities. Softmax works on each row, one sample's classes, and "
                "every row sums to 1.")(_softmax_with(lambda Z: Z.max(axis=0, keepdims=True), sum_axis=0))

SOFTMAX.mistake("max over the columns", "the number subtracted must be the same for every entry of a row (that row's "
                "max); subtracting each column's max shifts the classes by different amounts and changes the ratios "
                "between them.")(_softmax_with(lambda Z: Z.max(axis=0, keepdims=True)))

SOFTMAX.mistake("no max subtraction", "e^z overflows to inf for z above about 709.8, and inf / inf is nan. Subtract "
                "each row's max first: the exponents are then all ≤ 0 and the result is mathematically the same.")(
    _softmax_with(lambda Z: 0))

SOFTMAX.mistake("max of the whole array", "subtracting one max for the whole batch is right on paper, but a row "
                "whose logits are all far below that max underflows to e^(−1000) = 0 everywhere, and 0 / 0 is nan. "
                "Subtract each row's own max.")(_softmax_with(np.max))


@SOFTMAX.mistake("overwrites Z", OVERWRITES)
def _softmax_in_place(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


@SOFTMAX.alternative
def _softmax_logsumexp(Z):
    row_max = np.max(Z, axis=1)[:, None]
    log_norm = row_max + np.log(np.sum(np.exp(Z - row_max), axis=1))[:, None]
    return np.exp(Z - log_norm)


@SOFTMAX.alternative
def _softmax_rows_loop(Z):
    rows = []
    for z in Z:
        e = np.exp(z - z.max())
        rows.append(e / e.sum())
    return np.array(rows)


@SOFTMAX.alternative
def _softmax_reciprocal(Z):
    exps = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exps * (1.0 / exps.sum(axis=1, keepdims=True))


# ---------------------------------------------------------------------------------------------
# categorical_cross_entropy: known mistakes, the more specific first


CATEGORICAL_CROSS_ENTROPY.mistake("per-sample losses, not their mean", "the loss of a batch is one number, the mean "
                                  "over the samples of −log(probability of the true class).")(
    _cce_with(total=lambda logs: -logs))

CATEGORICAL_CROSS_ENTROPY.mistake("sum instead of mean (1/N forgotten)", "the loss is the mean over the batch: "
                                  "divide the sum of −log p by N, so that the loss does not grow with the batch "
                                  "size.")(_cce_with(total=lambda logs: float(-np.sum(logs))))

CATEGORICAL_CROSS_ENTROPY.mistake("mean over every entry (1/(N·K))", "only the true class's entry of each row "
                                  "counts, and the mean runs over the N samples; averaging over all N·K entries also "
                                  "divides by the number of classes K.")(
    lambda probs, y: float(np.mean(-one_hot_rows(y, probs.shape[1]) * np.log(np.clip(probs, LOW, HIGH)))))

CATEGORICAL_CROSS_ENTROPY.mistake("picks columns for every sample", "indexing with the labels alone selects whole "
                                  "columns, giving an N × N table of probabilities; each sample i needs only its own "
                                  "entry, row i, column y[i]. Pair a row index 0, 1, ..., N − 1 with the labels.")(
    _cce_with(pick=lambda probs, y: probs[:, losses.class_labels(y)]))

CATEGORICAL_CROSS_ENTROPY.mistake("one-hot labels used as indices", "one-hot labels are rows of 0s and a single 1, "
                                  "not class numbers: turn them into class numbers (the position of the 1 in each "
                                  "row) before picking entries.")(
    _cce_with(pick=lambda probs, y: probs[np.arange(len(probs)), y]))

CATEGORICAL_CROSS_ENTROPY.mistake("clipping forgotten", CLIP_LOW)(_cce_with(clip=lambda probs: probs))

CATEGORICAL_CROSS_ENTROPY.mistake("clips only from below", "the exercise clips to [1e-7, 1 − 1e-7], both ends: a "
                                  "probability of exactly 1 costs −log(1 − 1e-7) ≈ 1e-7, not 0 (the upper bound "
                                  "matters most in the binary loss, where log(1 − p) appears).")(
    _cce_with(clip=lambda probs: np.maximum(probs, LOW)))


@CATEGORICAL_CROSS_ENTROPY.alternative
def _cce_one_hot_product(probs, y):
    y = np.asarray(y)
    onehot = y if y.ndim == 2 else np.eye(probs.shape[1])[y]
    return float(-np.sum(onehot * np.log(np.clip(probs, 1e-7, 1 - 1e-7))) / probs.shape[0])


@CATEGORICAL_CROSS_ENTROPY.alternative
def _cce_loop(probs, y):
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 else y
    total = 0.0
    for row, label in zip(probs, labels):
        total -= np.log(min(max(row[label], 1e-7), 1 - 1e-7))
    return total / len(probs)


@CATEGORICAL_CROSS_ENTROPY.alternative
def _cce_take_along_axis(probs, y):
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 else np.asarray(y)
    picked = np.take_along_axis(probs, labels[:, None], axis=1)
    return -np.log(np.clip(picked, 1e-7, 1 - 1e-7)).mean().item()


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy: known mistakes, the more specific first


BINARY_CROSS_ENTROPY.mistake("(N, 1) against (N,) broadcasts to (N, N)", "p of shape (N, 1) and y of shape (N,) "
                             "broadcast to an N × N table that pairs every prediction with every label. Flatten both "
                             "to shape (N,) first.")(lambda p, y: float(-np.mean(_bce_terms(np.clip(p, LOW, HIGH), y))))

BINARY_CROSS_ENTROPY.mistake("clipping forgotten", CLIP_LOW)(
    lambda p, y: float(-np.mean(_bce_terms(np.ravel(p), np.ravel(y)))))

BINARY_CROSS_ENTROPY.mistake("clips only from below", "a probability of exactly 1 makes log(1 − p) = log(0) = −∞: "
                             "clip to [1e-7, 1 − 1e-7], both ends.")(
    lambda p, y: float(-np.mean(_bce_terms(np.maximum(np.ravel(p), LOW), np.ravel(y)))))


@BINARY_CROSS_ENTROPY.mistake("the (1 − y) term missing", "the binary loss has two terms, y·log p for the samples of "
                              "class 1 and (1 − y)·log(1 − p) for those of class 0; without the second, class-0 "
                              "samples cost nothing.")
def _bce_one_term(p, y):
    p, y = np.clip(np.ravel(p), LOW, HIGH), np.ravel(y)
    return float(-np.mean(y * np.log(p)))


BINARY_CROSS_ENTROPY.mistake("sum instead of mean (1/N forgotten)", "the loss is the mean over the batch: divide by "
                             "N, so that it does not grow with the batch size.")(
    lambda p, y: float(-np.sum(_bce_terms(np.clip(np.ravel(p), LOW, HIGH), np.ravel(y)))))

BINARY_CROSS_ENTROPY.mistake("sign flipped", "log p ≤ 0, so the sum of the log terms is negative: the loss is minus "
                             "their mean, a number ≥ 0.")(
    lambda p, y: float(np.mean(_bce_terms(np.clip(np.ravel(p), LOW, HIGH), np.ravel(y)))))


@BINARY_CROSS_ENTROPY.alternative
def _bce_where(p, y):
    p = np.clip(p.reshape(-1), 1e-7, 1 - 1e-7)
    y = np.asarray(y).reshape(-1)
    return float(np.mean(np.where(y == 1, -np.log(p), -np.log(1 - p))))


@BINARY_CROSS_ENTROPY.alternative
def _bce_loop(p, y):
    total = 0.0
    for pi, yi in zip(np.ravel(p), np.ravel(y)):
        pi = min(max(pi, 1e-7), 1 - 1e-7)
        total += -(yi * np.log(pi) + (1 - yi) * np.log(1 - pi))
    return float(total / np.size(p))


@BINARY_CROSS_ENTROPY.alternative
def _bce_log1p(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7).ravel()
    y = np.reshape(y, -1)
    return float(-(y @ np.log(p) + (1 - y) @ np.log1p(-p)) / len(p))


# ---------------------------------------------------------------------------------------------
# accuracy: known mistakes, the more specific first


ACCURACY.mistake("argmax over the wrong axis", "each row is one sample: its predicted class is the position of the "
                 "largest entry along the row (axis 1), not down a column (axis 0).")(
    _accuracy_with(multiclass=lambda outputs, y: outputs.argmax(axis=0) == _true_labels(y)))

ACCURACY.mistake("one-hot labels compared as they are", "one-hot labels are rows of 0s and a single 1: turn them "
                 "into class numbers (the position of the 1) before comparing them with the predicted classes.")(
    _accuracy_with(multiclass=lambda outputs, y: outputs.argmax(axis=1) == y))

ACCURACY.mistake("strict threshold at 0.5", "a probability of exactly 0.5 counts as class 1 (as sigmoid(0) = 0.5 "
                 "does): the test is p ≥ 0.5, not p > 0.5.")(
    _accuracy_with(binary=lambda outputs, y: (np.ravel(outputs) > 0.5) == np.ravel(y)))

ACCURACY.mistake("argmax of a single probability", "outputs of shape (N,) or (N, 1) hold one probability per sample, "
                 "the probability of class 1: an argmax over one value is always 0. Threshold at 0.5 instead.")(
    lambda outputs, y: float(np.mean(np.argmax(outputs, axis=-1) == _true_labels(y))))

ACCURACY.mistake("(N, 1) against (N,) broadcasts to (N, N)", "comparing an (N, 1) array with an (N,) array pairs "
                 "every prediction with every label, an N × N table. Flatten both to shape (N,) first.")(
    _accuracy_with(binary=lambda outputs, y: (outputs >= 0.5) == y))

ACCURACY.mistake("count instead of fraction", COUNT)(_accuracy_with(total=lambda hits: int(np.sum(hits))))

ACCURACY.mistake("count instead of fraction, as a float", COUNT)(
    _accuracy_with(total=lambda hits: float(int(np.sum(hits)))))


@ACCURACY.alternative
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


@ACCURACY.alternative
def _accuracy_count_nonzero(outputs, y):
    if outputs.ndim == 2 and outputs.shape[1] >= 2:
        predicted = np.argmax(outputs, axis=1)
    else:
        predicted = np.where(outputs.reshape(-1) >= 0.5, 1, 0)
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 and np.shape(y)[1] >= 2 else np.reshape(y, -1)
    return np.count_nonzero(predicted == labels) / predicted.size


NOTEBOOK = Notebook("04_softmax_and_loss", [SOFTMAX, CATEGORICAL_CROSS_ENTROPY, BINARY_CROSS_ENTROPY, ACCURACY])
CHECKS = NOTEBOOK.checks
