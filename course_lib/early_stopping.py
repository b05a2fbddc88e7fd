"""A validation split and early stopping with best-weights restore (notebook 11)."""

import copy
import math

import numpy as np


def train_val_split(X, y, val_fraction, rng):
    """Shuffle the samples once and hold out a fraction of them for validation.

    X: (N, D); y: (N,) or (N, K); val_fraction: in [0, 1]; rng: numpy.random.Generator.
    Returns X_train (N - n_val, D), y_train, X_val (n_val, D), y_val with n_val = round(N * val_fraction):
    disjoint, together every sample exactly once. Shuffling first matters because data sets are often
    stored sorted by class, and the last rows alone would then be one class. X and y are not modified.
    """
    if not 0.0 <= val_fraction <= 1.0:
        raise ValueError(f"val_fraction must be in [0, 1], got {val_fraction}")
    X = np.asarray(X)
    y = np.asarray(y)
    n_val = round(len(X) * val_fraction)
    order = rng.permutation(len(X))
    val_rows, train_rows = order[:n_val], order[n_val:]
    return X[train_rows], y[train_rows], X[val_rows], y[val_rows]


class EarlyStopping:
    """Stop training once the validation loss has stopped improving, remembering the best weights.

    patience: how many consecutive updates without improvement end training; min_delta: how much lower
    than the best loss so far a loss must be to count as an improvement (val_loss < best_loss - min_delta).
    After the updates: best_loss (inf before any), best_epoch (0-based index of the update call that set
    it, None before any) and best_params, a deep copy of the params passed with the best loss. A copy,
    not a reference: the arrays passed in usually keep being trained after this call.
    """

    def __init__(self, patience, min_delta=0.0):
        if patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = math.inf
        self.best_epoch = None
        self.best_params = None
        self.updates_without_improvement = 0
        self.num_updates = 0

    def update(self, val_loss, params):
        """Record one epoch's validation loss (a float) and params (a dict, possibly nested).

        Returns True when the last `patience` updates in a row brought no improvement, else False.
        """
        epoch = self.num_updates
        self.num_updates += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = float(val_loss)
            self.best_epoch = epoch
            self.best_params = copy.deepcopy(params)
            self.updates_without_improvement = 0
        else:
            self.updates_without_improvement += 1
        return self.updates_without_improvement >= self.patience
