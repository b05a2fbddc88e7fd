"""Reference solution of the capstone (notebook 12): a deep network for the two spirals.

Built from the toolkit: three hidden layers of Dense -> BatchNorm -> ReLU -> Dropout, one logit out,
sigmoid + binary cross-entropy, Adam with a step-decayed learning rate, and early stopping on a held-out
fifth of the training data, restoring the weights of the best epoch.
"""

import numpy as np

from course_lib.early_stopping import EarlyStopping, train_val_split
from course_lib.toolkit import (
    Adam,
    BatchNorm,
    Dense,
    Dropout,
    ReLU,
    Sequential,
    SigmoidBinaryCrossEntropy,
    StepDecay,
    fit,
    predict,
)

HIDDEN_SIZES = (128, 128, 64)
KEEP_PROB = 0.9
LEARNING_RATE = 5e-3
MAX_EPOCHS = 400
BATCH_SIZE = 64
PATIENCE = 60


def build_spiral_network(rng, hidden_sizes=HIDDEN_SIZES, keep_prob=KEEP_PROB, dtype=np.float32):
    """Sequential 2 -> hidden_sizes -> 1: each hidden layer Dense, BatchNorm, ReLU, Dropout(keep_prob).

    float32 trains about twice as fast as float64 on these sizes and is precise enough for training.
    """
    layers = []
    for n_in, n_out in zip((2, *hidden_sizes[:-1]), hidden_sizes):
        layers += [Dense(n_in, n_out), BatchNorm(n_out), ReLU(), Dropout(keep_prob)]
    return Sequential([*layers, Dense(hidden_sizes[-1], 1)], rng, dtype=dtype)


def train_spiral_model(X, y, rng, epochs=MAX_EPOCHS, progress=False):
    """Train build_spiral_network on (X, y), keeping a validation fifth aside for early stopping.

    X: (N, 2); y: (N,) labels in {0, 1}; rng: numpy.random.Generator, the only randomness.
    Returns model, loss, history (fit's dict of per-epoch lists) and the EarlyStopping (best_epoch, ...).
    """
    X_train, y_train, X_val, y_val = train_val_split(X, y, 0.2, rng)
    model = build_spiral_network(rng)
    loss = SigmoidBinaryCrossEntropy()
    stopper = EarlyStopping(patience=PATIENCE)
    history = fit(
        model,
        X_train,
        y_train,
        loss,
        Adam(lr=LEARNING_RATE),
        rng,
        epochs=epochs,
        batch_size=BATCH_SIZE,
        validation_data=(X_val, y_val),
        lr_schedule=StepDecay(LEARNING_RATE, drop=0.5, every=100),
        early_stopping=stopper,
        progress=progress,
    )
    return model, loss, history, stopper


def train_spiral_classifier(X, y, rng):
    """Train a deep network on two-spiral data and return its classifier.

    X: (N, 2) points; y: (N,) labels in {0, 1}; rng: numpy.random.Generator.
    Returns predict(X_new) -> (N_new,) integer labels in {0, 1}, using the weights of the best epoch.
    """
    model, loss, _, _ = train_spiral_model(X, y, rng)

    def predict_labels(X_new):
        return predict(model, X_new, loss)

    return predict_labels
