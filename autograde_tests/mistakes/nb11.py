"""Known mistakes and accepted alternatives for notebook 11 (validation split, early stopping), keyed by graded
name.

Not in the catalogue, because no check can see it: an EarlyStopping that keeps a reference to params
(or a shallow copy) instead of a deep copy. The check's Steps each pass their own deep copy of params,
which nothing changes afterwards, so a kept reference holds the right values; the notebook shows the bug
by training on after the best epoch.
"""

import copy
import math

import numpy as np

from autograde_tests.core import Mistake

# ---------------------------------------------------------------------------------------------
# train_val_split(X, y, val_fraction, rng)


def _split_rows(X, y, train_rows, val_rows):
    return X[train_rows], y[train_rows], X[val_rows], y[val_rows]


def _split_not_shuffled(X, y, val_fraction, rng):
    n_train = len(X) - round(len(X) * val_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def _split_shuffled_separately(X, y, val_fraction, rng):
    n_val = round(len(X) * val_fraction)
    X_order, y_order = rng.permutation(len(X)), rng.permutation(len(y))
    return X[X_order[n_val:]], y[y_order[n_val:]], X[X_order[:n_val]], y[y_order[:n_val]]


def _split_drawn_independently(X, y, val_fraction, rng):
    n_val = round(len(X) * val_fraction)
    train_rows = rng.choice(len(X), size=len(X) - n_val, replace=False)
    val_rows = rng.choice(len(X), size=n_val, replace=False)
    return _split_rows(X, y, train_rows, val_rows)


def _split_truncated(X, y, val_fraction, rng):
    n_val = int(len(X) * val_fraction)
    order = rng.permutation(len(X))
    return _split_rows(X, y, order[n_val:], order[:n_val])


def _split_fraction_for_training(X, y, val_fraction, rng):
    n_train = round(len(X) * val_fraction)
    order = rng.permutation(len(X))
    return _split_rows(X, y, order[:n_train], order[n_train:])


def _split_global_random(X, y, val_fraction, rng):
    n_val = round(len(X) * val_fraction)
    order = np.random.permutation(len(X))
    return _split_rows(X, y, order[n_val:], order[:n_val])


def _split_own_generator(X, y, val_fraction, rng):
    n_val = round(len(X) * val_fraction)
    order = np.random.default_rng(0).permutation(len(X))
    return _split_rows(X, y, order[n_val:], order[:n_val])


def _split_shuffles_callers_arrays(X, y, val_fraction, rng):
    order = rng.permutation(len(X))
    X[:] = X[order]
    y[:] = y[order]
    n_train = len(X) - round(len(X) * val_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


# ---------------------------------------------------------------------------------------------
# EarlyStopping(patience, min_delta=0.0), each mistake one change to a correct class


class _Stopper:
    """A correct early stopper whose pieces the mistakes below change one at a time."""

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_params = math.inf, None, None
        self.wait, self.epoch = 0, 0

    def improves(self, val_loss):
        return val_loss < self.best_loss - self.min_delta

    def remember(self, val_loss, params):
        self.best_loss, self.best_epoch, self.best_params = val_loss, self.epoch, copy.deepcopy(params)

    def stop(self):
        return self.wait >= self.patience

    def update(self, val_loss, params):
        if self.improves(val_loss):
            self.remember(val_loss, params)
            self.wait = 0
        else:
            self.wait += 1
        self.epoch += 1
        return self.stop()


class _StopperEpochFromOne(_Stopper):
    def remember(self, val_loss, params):
        super().remember(val_loss, params)
        self.best_epoch = self.epoch + 1


class _StopperLatestParams(_Stopper):
    def update(self, val_loss, params):
        stop = super().update(val_loss, params)
        self.best_params = copy.deepcopy(params)
        return stop


class _StopperKeepsReference(_Stopper):
    def remember(self, val_loss, params):
        super().remember(val_loss, params)
        self.best_params = params


class _StopperWaitNotReset(_Stopper):
    def update(self, val_loss, params):
        if self.improves(val_loss):
            self.remember(val_loss, params)
        else:
            self.wait += 1
        self.epoch += 1
        return self.stop()


class _StopperIgnoresMinDelta(_Stopper):
    def improves(self, val_loss):
        return val_loss < self.best_loss


class _StopperTiesImprove(_Stopper):
    def improves(self, val_loss):
        return val_loss <= self.best_loss - self.min_delta


class _StopperMinDeltaAdded(_Stopper):
    def improves(self, val_loss):
        return val_loss < self.best_loss + self.min_delta


class _StopperOneLate(_Stopper):
    def stop(self):
        return self.wait > self.patience


class _StopperCountsImprovements(_Stopper):
    def update(self, val_loss, params):
        if self.improves(val_loss):
            self.remember(val_loss, params)
            self.wait = 0
            self.epoch += 1
        else:
            self.wait += 1
        return self.stop()


# ---------------------------------------------------------------------------------------------
# Alternatives


def _split_shuffle_indices(X, y, val_fraction, rng):
    # shuffle an index array in place, then take the validation rows from its end
    N = len(X)
    n_val = int(np.round(N * val_fraction))
    indices = np.arange(N)
    rng.shuffle(indices)
    train_rows, val_rows = indices[:N - n_val], indices[N - n_val:]
    return np.take(X, train_rows, axis=0), np.take(y, train_rows, axis=0), np.take(X, val_rows, axis=0), \
        np.take(y, val_rows, axis=0)


def _split_boolean_mask(X, y, val_fraction, rng):
    # a random boolean mask with exactly n_val True entries
    n_val = round(len(X) * val_fraction)
    in_val = np.zeros(len(X), dtype=bool)
    in_val[rng.choice(len(X), size=n_val, replace=False)] = True
    order = rng.permutation(len(X))
    in_val = in_val[order]
    rows_val, rows_train = order[in_val], order[~in_val]
    return X[rows_train], y[rows_train], X[rows_val], y[rows_val]


class _StopperCountsDown:
    # counts down the patience left, and numbers the updates from a history list
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.history = []
        self.best_loss, self.best_epoch, self.best_params = float("inf"), None, None
        self.left = patience

    def update(self, val_loss, params):
        self.history.append(val_loss)
        if self.best_loss - val_loss > self.min_delta:
            self.best_loss = val_loss
            self.best_epoch = len(self.history) - 1
            self.best_params = copy.deepcopy(params)
            self.left = self.patience
            return False
        self.left -= 1
        return self.left <= 0


def _copied(value):
    """A deep copy of nested dicts of arrays, written out by hand."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    return np.array(value, copy=True)


class _StopperHandCopy:
    # a hand-written deep copy, np.inf, and the epoch counted before the comparison
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_params = np.inf, None, None
        self.epoch, self.bad_epochs = -1, 0

    def update(self, val_loss, params):
        self.epoch += 1
        if not val_loss < self.best_loss - self.min_delta:
            self.bad_epochs += 1
            return self.bad_epochs >= self.patience
        self.best_loss, self.best_epoch, self.best_params = float(val_loss), self.epoch, _copied(params)
        self.bad_epochs = 0
        return False


MISTAKES = {
    "train_val_split": [
        Mistake("not shuffled", "the last rows are not a fair sample when the data are stored in some order "
                "(sorted by class, say): shuffle with a permutation from rng before splitting.",
                _split_not_shuffled),
        Mistake("X and y shuffled separately", "two different permutations separate every sample from its "
                "label: take the rows of X and of y with the same indices.", _split_shuffled_separately),
        Mistake("parts drawn independently (they overlap)", "drawing the training rows and the validation rows "
                "each on its own puts some samples in both and some in neither: split one permutation of "
                "all the indices in two.", _split_drawn_independently),
        Mistake("validation size truncated", "the validation part holds round(N · val_fraction) samples; "
                "truncating drops the fraction, so 2.7 becomes 2 instead of 3.", _split_truncated),
        Mistake("val_fraction used as the training share", "val_fraction is the share that goes to "
                "validation; the rest is for training.", _split_fraction_for_training),
        Mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state: draw the "
                "permutation from the rng argument.", _split_global_random),
        Mistake("own Generator instead of rng", "a Generator made inside the function ignores the rng the "
                "caller passed, so every call splits the same way whatever the seed.", _split_own_generator),
        Mistake("caller's arrays shuffled in place", "shuffling X and y themselves changes the caller's data: "
                "index them with a permutation instead, which makes new arrays.", _split_shuffles_callers_arrays),
    ],
    "EarlyStopping": [
        Mistake("best epoch counted from 1", "best_epoch is the 0-based index of the update call that "
                "brought the best loss: the first call is epoch 0.", _StopperEpochFromOne),
        Mistake("latest params kept instead of the best", "best_params is the copy taken at the best "
                "update; a copy taken at every update ends with the last epoch's weights, which are "
                "usually worse.", _StopperLatestParams),
        Mistake("params kept without copying its arrays", "best_params must not share arrays with params. "
                "Keeping params itself, or a shallow copy (a new dict, such as dict(params) or params.copy(), "
                "that holds the very same arrays), leaves best_params looking at the arrays that training "
                "goes on changing in place, so it ends with the latest weights, not the best ones: copy the "
                "arrays too (a deep copy), at the best update.", _StopperKeepsReference),
        Mistake("patience count not reset on improvement", "patience counts consecutive updates without "
                "improvement: an improvement starts the count again from zero.", _StopperWaitNotReset),
        Mistake("min_delta ignored", "a loss counts as an improvement only when it is lower than the best "
                "by more than min_delta; without it, tiny changes keep training going.",
                _StopperIgnoresMinDelta),
        Mistake("a tie counts as an improvement", "an improvement is strictly lower than the best loss "
                "(minus min_delta); an equal loss is no progress and counts towards patience.",
                _StopperTiesImprove),
        Mistake("min_delta added instead of subtracted", "the new loss must beat best_loss − min_delta, "
                "a bar below the best; best_loss + min_delta lets slightly worse losses count.",
                _StopperMinDeltaAdded),
        Mistake("stops one update late", "update returns True as soon as patience updates in a row brought "
                "no improvement, not after one more.", _StopperOneLate),
        Mistake("epochs counted only on improvements", "best_epoch is the index of the update call, and "
                "every call counts, improvement or not.", _StopperCountsImprovements),
    ],
}

ALTERNATIVES = {
    "train_val_split": [_split_shuffle_indices, _split_boolean_mask],
    "EarlyStopping": [_StopperCountsDown, _StopperHandCopy],
}
