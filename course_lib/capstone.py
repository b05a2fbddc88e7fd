"""The capstone (notebook 12): a deep network for the two spirals, and how well any classifier can do.

train_spiral_classifier, the reference solution, is built from the toolkit: three hidden layers of
Dense -> BatchNorm -> ReLU -> Dropout, one logit out, sigmoid + binary cross-entropy, Adam with a
step-decayed learning rate, and early stopping on a held-out fifth of the training data, restoring the
weights of the best epoch.

The data's own limit: the noise pushes some points nearer the other arm than their own, and no classifier
can get those right. bayes_accuracy estimates that ceiling from the way make_two_spirals draws its points
(about 0.986 at noise 0.03, 0.963 at 0.05, 0.863 at 0.08); nearest_arm_predict is the simple rule "the arm
whose noiseless curve is nearest", which comes close to it. make_two_spirals_with_source_mistake shows the
bug of the source this course grew from.
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

    float32 trains about 1.3 times as fast as float64 on these sizes and is precise enough for training.
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


def two_spiral_arms(n=300):
    """The noiseless arms of make_two_spirals: arms (2, n, 2), arms[k] the n points of arm k in order of t."""
    t = np.linspace(0.0, 4.0 * np.pi, n)
    r = t / (4.0 * np.pi)
    return np.stack([np.column_stack((r * np.cos(t + k * np.pi), r * np.sin(t + k * np.pi))) for k in (0, 1)])


def make_two_spirals_with_source_mistake(n=300, noise=0.08, seed=42):
    """Two "arms" as the source computed them: the offset k*pi added to the angle before the radius.

    With angle = t + k*pi and r = angle / (4*pi), both arms follow the one spiral r = angle / (4*pi): arm 1
    is arm 0 moved half a turn along its own curve, so for most of their length the two classes lie on top
    of each other. Same draws as make_two_spirals (noise first, then the shuffle). X (2n, 2), y (2n,).
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 4.0 * np.pi, n)
    arms = []
    for k in (0, 1):
        angle = t + k * np.pi
        r = angle / (4.0 * np.pi)
        arms.append(np.column_stack((r * np.cos(angle), r * np.sin(angle))))
    X = np.concatenate(arms) + noise * rng.standard_normal((2 * n, 2))
    y = np.repeat(np.arange(2, dtype=np.int64), n)
    order = rng.permutation(2 * n)
    return X[order], y[order]


def _squared_distances_to_arms(X, arms):
    """(N, 2, n): squared distance from every point of X (N, 2) to every point of both arms (2, n, 2)."""
    return np.sum((X[:, None, None, :] - arms[None]) ** 2, axis=-1)


def nearest_arm_predict(X, n=300):
    """(N,) labels: the arm (0 or 1) holding the noiseless point nearest to each row of X (N, 2)."""
    return _squared_distances_to_arms(np.asarray(X, dtype=np.float64), two_spiral_arms(n)).min(axis=2).argmin(axis=1)


def bayes_accuracy(noise, rng, n=300, samples=20000, batch_size=2000):
    """Monte-Carlo estimate of the best accuracy any classifier can reach on make_two_spirals(n, noise).

    A point is drawn by picking an arm and one of its n curve points with equal chances and adding
    N(0, noise) to each coordinate. The Bayes classifier picks the arm with the larger posterior
    p(arm | x), proportional to the sum over that arm's points of exp(-|x - point|^2 / (2 noise^2)), and is
    right with probability max(p(0 | x), p(1 | x)). The estimate is the mean of that over `samples` points
    drawn from rng (a numpy.random.Generator); its standard error is below 0.002 for the defaults.
    """
    arms = two_spiral_arms(n)
    arm = rng.integers(0, 2, samples)
    X = arms[arm, rng.integers(0, n, samples)] + noise * rng.standard_normal((samples, 2))
    best = []
    for start in range(0, samples, batch_size):
        log_density = -_squared_distances_to_arms(X[start : start + batch_size], arms) / (2.0 * noise**2)
        # log of each arm's summed density, shifted by the row's largest term so exp cannot underflow to 0/0.
        shift = log_density.max(axis=(1, 2), keepdims=True)
        log_evidence = np.log(np.exp(log_density - shift).sum(axis=2))
        posterior_1 = 1.0 / (1.0 + np.exp(log_evidence[:, 0] - log_evidence[:, 1]))
        best.append(np.maximum(posterior_1, 1.0 - posterior_1))
    return float(np.mean(np.concatenate(best)))
