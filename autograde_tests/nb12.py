"""Checks for notebook 12, the capstone: a deep network that separates the two spirals."""

from dataclasses import dataclass

import numpy as np

from autograde_tests import limits
from autograde_tests.calling import call_student
from autograde_tests.cases import Case, Step, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem, timeout_problem
from autograde_tests.messages import describe
from autograde_tests.properties import behaviour_verdict, rng_unused
from course_lib import backprop, capstone, datasets, losses, network, optimizers
from course_lib.early_stopping import EarlyStopping, train_val_split
from course_lib.toolkit import Adam, BatchNorm, CosineDecay, Dense, Dropout, ReLU, Sequential, SoftmaxCrossEntropy, fit
from course_lib.toolkit import predict as toolkit_predict

SEED = 12

# ---------------------------------------------------------------------------------------------
# train_spiral_classifier(X, y, rng) -> predict: a correct answer may build, train and stop its network
# in many ways, so its predictions cannot be compared with the reference's. The check judges what the
# exercise fixes instead: predict(X_test) gives (N,) integer labels in {0, 1} for the points it is
# given, at least 0.95 of them right on fresh held-out sets from make_two_spirals, the same labels for
# the same points however they are batched, randomness from rng only, and the same run for the same seed.
# Training is what costs: each check trains the student's function once on full-size data and judges
# that one model on several held-out sets (plus, visible only, a small run trained twice).

TRAIN_PARAMETERS = ("X", "y", "rng")
MIN_HELD_OUT_ACCURACY = 0.95
# The best any classifier can do at make_two_spirals' default noise (0.03) is about 0.986
# (course_lib.capstone.bayes_accuracy); the reference reaches 0.9675 to 0.9925 on held-out sets of 400
# points (20 data seeds measured).
# Below this, the boundary does no better than a straight line would (a linear model gets about 0.52).
NEAR_CHANCE_ACCURACY = 0.75
# A predict that labels almost every point the wrong way round has swapped the two classes.
INVERTED_ACCURACY = 0.05
# predict is also called on the first few points of the first held-out set alone: their labels must not
# change.
SUBSET_SIZE = 7
# One training may use TRAINING_CPU_FACTOR (autograde_tests.limits) times the CPU time of the course's
# own answer on the visible case, measured once on the same machine.
CALIBRATION = {"n": 300, "data_seed": 0, "rng_seed": 0}


def training_budget():
    """The CPU budget of one training of the student's function (see autograde_tests.limits)."""
    X, y = datasets.make_two_spirals(n=CALIBRATION["n"], seed=CALIBRATION["data_seed"])
    return limits.training_budget(
        "nb12.train_spiral_classifier",
        lambda: capstone.train_spiral_classifier(X, y, np.random.default_rng(CALIBRATION["rng_seed"])))


@dataclass(frozen=True)
class SpiralCase:
    """One training run: X, y = make_two_spirals(n, seed=data_seed), rng = default_rng(rng_seed), then
    predict on fresh held-out sets make_two_spirals(test_n, seed=s) for s in test_seeds.

    min_accuracy: the held-out accuracy demanded on each set (None for the small reproducibility run,
    which only needs right labels and the same run twice); reproducible: train a second time with the
    same seed and compare; drawn: the seeds came from case_rng (the label says so).
    """

    data_seed: int
    rng_seed: int
    test_seeds: tuple
    n: int = 300
    test_n: int = 200
    min_accuracy: float | None = MIN_HELD_OUT_ACCURACY
    reproducible: bool = False
    drawn: bool = False

    @property
    def label(self):
        origin = f", seeds drawn from {seed_text(SEED)}" if self.drawn else ""
        sets = " and ".join(f"seed={s}" for s in self.test_seeds)
        text = (f"X, y = make_two_spirals(n={self.n}, seed={self.data_seed}) ({2 * self.n} points), "
                f"rng = np.random.default_rng({self.rng_seed}), then predict on fresh held-out sets "
                f"make_two_spirals(n={self.test_n}, {sets}) ({2 * self.test_n} points each){origin}")
        return text + (", trained twice" if self.reproducible else "")

    def training_data(self):
        return datasets.make_two_spirals(n=self.n, seed=self.data_seed)

    def held_out(self):
        """[(X_test, y_test)] for each held-out seed."""
        return [datasets.make_two_spirals(n=self.test_n, seed=s) for s in self.test_seeds]

    def call(self):
        """This run as a core.Case: train, then predict each held-out set, the first set again, and its
        first SUBSET_SIZE points alone."""
        X, y = self.training_data()
        sets = [X_test for X_test, _ in self.held_out()]
        steps = (*(Step.call(X_test) for X_test in sets), Step.call(sets[0]), Step.call(sets[0][:SUBSET_SIZE]))
        return Case((X, y, np.random.default_rng(self.rng_seed)), label=self.label, steps=steps,
                    budget=training_budget())


def _spiral_cases(hidden):
    """train_spiral_classifier returns a predict that labels fresh spiral points, 95% of them right.

    Each case trains fn once on make_two_spirals data with a given rng and calls the predict it returns
    on fresh held-out sets, then on the first set again and on its first 7 points alone. Checked for
    every case: the call behaves (no error, warning or stderr; X and y untouched; NumPy's global random
    state left alone; rng drawn from); it returns a function; predict gives an (N,) array of integer
    labels in {0, 1} for N points; the same points get the same labels on every call and however they are
    batched; at least 0.95 of the points of each held-out set are labelled right (data seed 0 and two
    held-out sets visible; one data seed and three held-out sets drawn from case_rng(12) hidden). Visible
    too: a small run on 200 points, trained twice with the same seed, must predict the same labels. One
    training may use TRAINING_CPU_FACTOR times the reference's CPU time (autograde_tests.limits).
    hidden=True runs the hidden case only: in a grade cell the visible ones have just run.
    """
    if not hidden:
        return [SpiralCase(data_seed=0, rng_seed=0, test_seeds=(1000, 1001)),
                SpiralCase(data_seed=1, rng_seed=1, test_seeds=(1002,), n=100, test_n=50, min_accuracy=None,
                           reproducible=True)]
    # One full training, judged on three held-out sets: the reproducibility run, which trains twice, is
    # visible and has just run in the same grade cell.
    data_seed, rng_seed, *test_seeds = (int(s) for s in case_rng(SEED).integers(10_000, 1_000_000, size=5))
    return [SpiralCase(data_seed, rng_seed, tuple(test_seeds), drawn=True)]


TIME_CAUSE = ("one training may use about ten times the CPU time that the course's own answer needs on the "
              "same machine (work done, not time on the clock, so a busy machine changes nothing): fewer "
              "epochs, early stopping, mini-batches of 32 to 128, float32, or a smaller network.")


def _train(fn, case):
    return call_student(fn, case.call(), TRAIN_PARAMETERS)


def _call_verdict(outcome):
    """The Verdict on a training call that did not behave, or did not return a function; None when it did."""
    if outcome.timed_out:
        return Verdict(timeout_problem(outcome, TIME_CAUSE if outcome.timed_out == "cpu" else None),
                       ("timeout", outcome.timed_out))
    # The steps call what came back: a TypeError raised by the check itself (no line of the student's
    # code in the traceback) means it was not a function.
    if outcome.error_type == "TypeError" and "not callable" in outcome.error_message and not outcome.error_line:
        if "NoneType" in outcome.error_message:
            return Verdict(Problem("none", ("got      None", "expected a function predict(X)"),
                                   "the function returns None: is a `return` statement missing?"), "none")
        returned = outcome.error_message.split("'")[1] if "'" in outcome.error_message else "something else"
        return Verdict(Problem("not_callable", (f"got      an object of type {returned}, not a function",
                                                "expected a function predict(X) that labels the points it is given"),
                               "return the prediction function itself, without calling it: the check calls it "
                               "on points the training never saw."), ("not_callable", returned))
    return behaviour_verdict(outcome)


def _labels_verdict(labels, case):
    """The Verdict when predict's result is not (N,) integer labels in {0, 1}; None when it is."""
    n_test = 2 * case.test_n

    def refused(kind, got, cause, symptom=None, expected=f"expected an array of integers 0 and 1, shape ({n_test},)"):
        return Verdict(Problem(kind, (f"got      {got}", expected), cause), kind if symptom is None else symptom)

    if labels is None:
        return refused("none", "None from predict(X_test)", "predict returns None: is its `return` statement missing?")
    if not isinstance(labels, np.ndarray):
        return refused("type", f"{describe(labels)} from predict(X_test)", "the exercise asks for a NumPy array: a "
                       "list has no .shape and no elementwise comparison, so accuracy cannot be computed from it.",
                       type(labels).__name__)
    if labels.shape == (n_test, 1):
        if labels.dtype.kind == "f" and not np.isin(labels, (0.0, 1.0)).all():
            return refused("column", f"shape {labels.shape}, floats from {np.nanmin(labels):.3g} to "
                           f"{np.nanmax(labels):.3g}", "these look like the network's probabilities of class 1, one "
                           "per row of a column: predict turns each into its class (1 where it is above one half), "
                           "one label per point in a 1-D array.", "column of probabilities")
        return refused("column", f"shape {labels.shape}", "a network with one output unit gives a column (N, 1); "
                       "flatten it to (N,): compared with labels of shape (N,), a column broadcasts to an (N, N) "
                       "table.")
    if labels.shape != (n_test,) and labels.ndim >= 1 and len(labels) == 2 * case.n:
        return refused("ignores_input", f"{len(labels)} labels for the {n_test} points given", "that is one label per "
                       "training point: predict must label the points it is called with, not the data it was "
                       "trained on.", expected=f"expected {n_test} labels, one per row of the X given to predict")
    if labels.shape != (n_test,):
        return refused("shape", f"shape {labels.shape}", "one label per row of the X given to predict, in a 1-D "
                       "array.", labels.shape)
    if labels.dtype.kind == "b":
        return refused("dtype", "an array of booleans", "a comparison gives booleans; the exercise asks for integer "
                       "labels, so convert them.", "boolean")
    if labels.dtype.kind == "f":
        finite = labels[np.isfinite(labels)]
        if finite.size == labels.size and np.isin(labels, (0.0, 1.0)).all():
            return refused("float_labels", "floats 0.0 and 1.0", "labels are whole numbers: a label array of floats "
                           "cannot index, count or compare safely (0.1 + 0.2 != 0.3), so give them an integer dtype.")
        if finite.size == labels.size and labels.min() >= 0.0 and labels.max() <= 1.0:
            return refused("probabilities", f"floats from {labels.min():.3g} to {labels.max():.3g}", "these look "
                           "like probabilities of class 1: predict turns them into the class itself, 1 where the "
                           "probability of class 1 is above one half.")
        return refused("scores", f"floats from {np.nanmin(labels):.3g} to {np.nanmax(labels):.3g}", "these look "
                       "like the network's raw outputs (logits): predict turns them into the class, 1 where the "
                       "logit is positive.")
    if labels.dtype.kind not in "iu":
        return refused("type", describe(labels), "the labels should be integers.", str(labels.dtype))
    values = np.unique(labels)
    if not np.isin(values, (0, 1)).all():
        shown = ", ".join(str(v) for v in values[:6]) + (", ..." if len(values) > 6 else "")
        return refused("label_values", f"the labels {shown}", "the two classes of make_two_spirals are 0 and 1, the "
                       "values of y.", tuple(int(v) for v in values[:6]))
    return None


def _accuracy_verdict(predictions, case):
    """The Verdict when the accuracy on a held-out set is below what the case demands; None otherwise."""
    if case.min_accuracy is None:
        return None
    for labels, (_, y_test), seed in zip(predictions, case.held_out(), case.test_seeds):
        accuracy = float(np.mean(labels == y_test))
        if accuracy >= case.min_accuracy:
            continue
        lines = (f"got      accuracy {accuracy:.4f} on the held-out set of seed {seed} "
                 f"({int(np.sum(labels != y_test))} of {len(y_test)} points wrong)",
                 f"expected at least {case.min_accuracy:.2f} on each held-out set")
        if accuracy <= INVERTED_ACCURACY:
            return Verdict(Problem("inverted", lines,
                                   "almost every label is the opposite class: the boundary is right but the two "
                                   "classes are swapped. Class 1 is where the network's probability of class 1 is "
                                   "high (its logit positive)."), "inverted")
        if accuracy < NEAR_CHANCE_ACCURACY:
            cause = ("that is not much better than a coin toss: the network has not learned the spirals. "
                     "Check first that its training loss falls well below 0.69 (the loss of a coin toss); "
                     "if it does not, train longer or with a larger learning rate. If it never does, the "
                     "model may be unable to bend: without hidden layers, or without activations between "
                     "its dense layers (which then compose to one linear map), its boundary is a straight "
                     "line, which gets about 0.52.")
        else:
            cause = ("the network learns, but not enough: train longer or with a larger learning rate at "
                     "first (a schedule lowers it later), keep the weights of the best validation epoch, "
                     "and predict in evaluation mode (running statistics, no dropout).")
        return Verdict(Problem("accuracy", lines, cause), labels)
    return None


def _same_labels(labels, other):
    return isinstance(other, np.ndarray) and other.shape == labels.shape and np.array_equal(other, labels)


def _consistency_verdict(labels, again, subset):
    """The Verdict when predict labels the same points differently on another call; None otherwise."""
    if not _same_labels(labels, again):
        return Verdict(Problem("predict_random", ("got      other labels from a second call of predict on the same "
                                                  "points", "expected the same labels every time"),
                               "predicting must not draw random numbers: dropout is for training only, and is "
                               "switched off (evaluation mode) when predicting."), "predict_random")
    if not _same_labels(labels[:SUBSET_SIZE], subset):
        got = subset.tolist() if isinstance(subset, np.ndarray) else describe(subset)
        return Verdict(Problem("batch_dependent", (f"got      {got} for the first {SUBSET_SIZE} held-out points "
                                                   "predicted alone",
                                                   f"expected {labels[:SUBSET_SIZE].tolist()}, their labels when "
                                                   "predicted with the rest"),
                               "a point's label must not depend on the other points predicted with it: batch "
                               "normalisation uses its running statistics when predicting, not the statistics of "
                               "the batch it is given."), "batch_dependent")
    return None


def _second_training_verdict(fn, case, first, unused):
    """The Verdict of training fn a second time with the same seed, which must predict the same held-out
    labels `first`. unused: the Verdict that nothing was drawn from rng (None when rng was drawn from),
    which the second training narrows down: the same labels come from a Generator of the function's own
    with a fixed seed, other labels from one made without a seed."""
    outcome = _train(fn, case)
    verdict = _call_verdict(outcome)
    if verdict is not None:
        return verdict
    if _same_labels(first, outcome.value[0]):
        return unused or Verdict(None)
    if unused is not None:
        return Verdict(Problem("rng_unused", ("got      rng's state unchanged, and other held-out labels from a "
                                              f"second training with np.random.default_rng({case.rng_seed})",
                                              "expected the initial weights (and shuffles) drawn from rng"),
                               "draw every random number from the rng argument: the randomness comes from "
                               "somewhere else, which changes from run to run."), ("rng_unused", "not reproducible"))
    return Verdict(Problem("not_reproducible", ("got      other held-out labels from a second training with "
                                                f"np.random.default_rng({case.rng_seed})",
                                                "expected the same labels for the same seed"),
                           "take every random number (initial weights, shuffles, the validation split, dropout "
                           "masks) from rng, and nothing from a Generator made without a seed."), "not_reproducible")


def _inspect(fn, case):
    """The Verdict on fn for one SpiralCase: the first property that fails, and its symptom."""
    outcome = _train(fn, case)
    verdict = _call_verdict(outcome)
    if verdict is not None:
        return verdict
    *predictions, again, subset = outcome.value
    for labels in predictions:
        verdict = _labels_verdict(labels, case)
        if verdict is not None:
            return verdict
    verdict = _accuracy_verdict(predictions, case) or _consistency_verdict(predictions[0], again, subset)
    if verdict is not None:
        return verdict
    unused = rng_unused(outcome, "the initial weights (and shuffles)",
                        cause="draw every random number from the rng argument: a Generator made inside the "
                              "function ignores the seed the caller chooses.")
    if unused is not None or case.reproducible:
        return _second_training_verdict(fn, case, predictions[0], unused)
    return Verdict(None)


TRAIN_SPIRAL_CLASSIFIER = Exercise("train_spiral_classifier", capstone.train_spiral_classifier, _spiral_cases,
                                   inspect=_inspect, parameter_names=TRAIN_PARAMETERS)
check_train_spiral_classifier = TRAIN_SPIRAL_CLASSIFIER.check


# ---------------------------------------------------------------------------------------------
# train_spiral_classifier: known mistakes, the more specific first. Most are built on an instant
# stand-in for a trained network: a vote of the nearest training points, right on the spirals' points.


def _class_1_votes(X_train, y_train, X, neighbours=5):
    """(N,) fraction of the `neighbours` nearest training points (N_train, 2) of each row of X (N, 2)
    that are class 1."""
    squared = np.sum((np.asarray(X)[:, None, :] - X_train[None, :, :]) ** 2, axis=2)
    nearest = np.argpartition(squared, neighbours, axis=1)[:, :neighbours]
    return np.mean(y_train[nearest], axis=1)


def _voter(X, y, rng):
    """The stand-in "trained" on (X, y): it draws its initial weights from rng like a network would."""
    rng.standard_normal((2, 8))
    return np.array(X, dtype=np.float64), np.array(y)


def _voting(labels_of_votes=lambda votes: (votes > 0.5).astype(np.int64), labels_training_points=False):
    """A stand-in training whose predict gives labels_of_votes(the class-1 votes of the points it is
    called with, or of the training points when `labels_training_points`)."""

    def train(X, y, rng):
        X_train, y_train = _voter(X, y, rng)

        def predict(X_new):
            return labels_of_votes(_class_1_votes(X_train, y_train, X if labels_training_points else X_new))

        return predict

    return train


_labels_from = _voting()

TRAIN_SPIRAL_CLASSIFIER.mistake(
    "labels as floats", "predict gives 0.0 and 1.0: right values, but in a float array. Labels are whole numbers, "
    "so the result needs an integer dtype.")(_voting(lambda votes: (votes > 0.5).astype(np.float64)))

TRAIN_SPIRAL_CLASSIFIER.mistake(
    "labels in a column", "a network with one output unit gives an (N, 1) column, returned as it is instead of "
    "flattened to (N,).")(_voting(lambda votes: (votes > 0.5).astype(np.int64)[:, None]))

_probabilities = TRAIN_SPIRAL_CLASSIFIER.mistake(
    "probabilities instead of labels", "predict returns the probability of class 1 for each point; the exercise "
    "asks for the class itself, 1 where that probability is above one half.")(_voting(lambda votes: votes))

TRAIN_SPIRAL_CLASSIFIER.mistake(
    "predict ignores its input", "predict labels the training points it closed over instead of the X it is called "
    "with (the inner function reads the outer X, not its own argument).")(_voting(labels_training_points=True))

TRAIN_SPIRAL_CLASSIFIER.mistake(
    "classes swapped", "the boundary is right but every label is the other class: class 1 was given where the "
    "probability of class 1 is low, or the two outputs were read in the wrong order.")(
    _voting(lambda votes: (votes < 0.5).astype(np.int64)))


@TRAIN_SPIRAL_CLASSIFIER.mistake("a linear model", "no hidden layer (or dense layers with no activation between them, "
                                 "which compose to one linear map): one straight boundary cannot follow two "
                                 "interleaved spirals, and gets about half the points right.")
def _linear_model(X, y, rng, steps=200, lr=1.0):
    w, b = 0.01 * rng.standard_normal(2), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        w = w - lr * X.T @ (p - y) / len(y)
        b = b - lr * np.mean(p - y)

    def predict(X_new):
        return (np.asarray(X_new) @ w + b > 0).astype(np.int64)

    return predict


@TRAIN_SPIRAL_CLASSIFIER.mistake("dropout left on when predicting", "predict runs the network in training mode, so "
                                 "dropout still silences random units and the same point can get another label on the "
                                 "next call.")
def _dropout_when_predicting(X, y, rng, keep_prob=0.7, neighbours=9):
    X_train, y_train = _voter(X, y, rng)

    def predict(X_new):
        squared = np.sum((np.asarray(X_new)[:, None, :] - X_train[None, :, :]) ** 2, axis=2)
        nearest = np.argpartition(squared, neighbours, axis=1)[:, :neighbours]
        kept = rng.random(nearest.shape) < keep_prob
        votes = np.sum(y_train[nearest] * kept, axis=1) / np.maximum(kept.sum(axis=1), 1)
        return (votes > 0.5).astype(np.int64)

    return predict


@TRAIN_SPIRAL_CLASSIFIER.mistake("batch statistics when predicting", "batch normalisation uses the mean and variance "
                                 "of the points being predicted instead of its running statistics, so a point's label "
                                 "depends on the other points in its batch.")
def _batch_statistics_when_predicting(X, y, rng):
    X_train, y_train = _voter(X, y, rng)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    normalised_train = (X_train - mean) / std

    def predict(X_new):
        X_new = np.asarray(X_new, dtype=np.float64)
        normalised = (X_new - X_new.mean(axis=0)) / (X_new.std(axis=0) + 1e-5)
        return (_class_1_votes(normalised_train, y_train, normalised) > 0.5).astype(np.int64)

    return predict


@TRAIN_SPIRAL_CLASSIFIER.mistake("a fixed seed instead of rng", "the function makes its own Generator with a fixed "
                                 "seed and never draws from the rng it is given, so a grader's seed changes nothing.")
def _fixed_seed_instead_of_rng(X, y, rng):
    return _labels_from(X, y, np.random.default_rng(0))


@TRAIN_SPIRAL_CLASSIFIER.mistake("a Generator without a seed instead of rng", "the function makes its own Generator "
                                 "without a seed (np.random.default_rng()) and never draws from the rng it is given, "
                                 "so every run trains another network and no seed can reproduce it.")
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


@TRAIN_SPIRAL_CLASSIFIER.mistake("NumPy's global random state", "the shuffles or initial weights come from "
                                 "np.random's global functions instead of rng, so the result depends on whatever ran "
                                 "before.")
def _global_random_state(X, y, rng):
    order = np.random.permutation(len(X))
    return _labels_from(np.asarray(X)[order], np.asarray(y)[order], rng)


@TRAIN_SPIRAL_CLASSIFIER.alternative
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


@TRAIN_SPIRAL_CLASSIFIER.alternative
def _full_batch_plain_network(X, y, rng, layer_sizes=(2, 64, 64, 64, 2), steps=1500, lr=0.01):
    """No batch norm or dropout: a plain ReLU network, full batch, Adam with a step decay, keeping the
    parameters of the best validation loss seen every 25 steps. One BLAS thread, as fit uses: on a busy
    machine the default threads make these small products many times slower."""
    X_train, y_train, X_val, y_val = train_val_split(X, y, 0.2, rng)
    params = network.init_network(list(layer_sizes), rng)
    state = {}
    stopper = EarlyStopping(patience=8)
    with limits.one_blas_thread():
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


NOTEBOOK = Notebook("12_capstone_two_spirals", [TRAIN_SPIRAL_CLASSIFIER])
CHECKS = NOTEBOOK.checks
