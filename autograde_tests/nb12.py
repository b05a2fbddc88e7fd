"""Checks for notebook 12, the capstone: a deep network that separates the two spirals."""

import time
from dataclasses import dataclass

import numpy as np

from autograde_tests import core
from autograde_tests.core import (
    Case,
    Notebook,
    Problem,
    Step,
    Verdict,
    behaviour_problem,
    call_student,
    case_rng,
    check_with,
    describe,
    seed_text,
)
from autograde_tests.mistakes import nb12 as catalogue
from course_lib import capstone, datasets

SEED = 12

# ---------------------------------------------------------------------------------------------
# train_spiral_classifier(X, y, rng) -> predict: a correct answer may build, train and stop its network
# in many ways, so its predictions cannot be compared with the reference's. The check judges what the
# exercise fixes instead: predict(X_test) gives (N,) integer labels in {0, 1} for the points it is
# given, at least 0.95 of them right on a fresh held-out set from make_two_spirals, the same labels for
# the same points however they are batched, randomness from rng only, and the same run for the same seed.

TRAIN_PARAMETERS = ("X", "y", "rng")
MIN_HELD_OUT_ACCURACY = 0.95
# The best any classifier can do at make_two_spirals' default noise (0.03) is about 0.986
# (course_lib.capstone.bayes_accuracy); the reference reaches 0.9675 to 0.9925 on held-out sets of 400
# points (20 data seeds measured).
# Below this, the boundary does no better than a straight line would (a linear model gets about 0.52).
NEAR_CHANCE_ACCURACY = 0.75
# A predict that labels almost every point the wrong way round has swapped the two classes.
INVERTED_ACCURACY = 0.05
# predict is also called on the first few held-out points alone: their labels must not change.
SUBSET_SIZE = 7

# Time, as multiples of core.CALL_TIME_LIMIT (5 s; read at call time). nbgrader stops a grade cell
# after 30 s, and the grade cell runs the visible cases and then the hidden ones, so the trainings of
# one check share a budget: 9 s for the visible cases (one full training and two small ones), 15 s for
# the hidden ones (three full trainings), at most 6 s for one training. The reference trains in about
# 1 s on an idle 2-core machine (1.2 to 3.9 s, median 2.4 s, while four other jobs share the cores).
PER_TRAINING_LIMIT = 1.2
VISIBLE_BUDGET = 1.8
HIDDEN_BUDGET = 3.0


@dataclass(frozen=True)
class SpiralCase:
    """One training run: X, y = make_two_spirals(n, seed=data_seed), rng = default_rng(rng_seed), then
    predict on a fresh held-out set make_two_spirals(test_n, seed=test_seed).

    min_accuracy: the held-out accuracy demanded (None for the small reproducibility run, which only
    needs right labels and the same run twice); reproducible: train a second time with the same seed and
    compare; drawn: the seeds came from case_rng (the label says so).
    """

    data_seed: int
    rng_seed: int
    test_seed: int
    n: int = 300
    test_n: int = 200
    min_accuracy: float | None = MIN_HELD_OUT_ACCURACY
    reproducible: bool = False
    drawn: bool = False

    @property
    def label(self):
        origin = f", seeds drawn from {seed_text(SEED)}" if self.drawn else ""
        text = (f"X, y = make_two_spirals(n={self.n}, seed={self.data_seed}) ({2 * self.n} points), "
                f"rng = np.random.default_rng({self.rng_seed}), then predict on a fresh held-out set "
                f"make_two_spirals(n={self.test_n}, seed={self.test_seed}) ({2 * self.test_n} points){origin}")
        return text + (", trained twice" if self.reproducible else "")

    def training_data(self):
        return datasets.make_two_spirals(n=self.n, seed=self.data_seed)

    def held_out(self):
        return datasets.make_two_spirals(n=self.test_n, seed=self.test_seed)

    def call(self, time_limit):
        """This run as a core.Case: train, then predict the held-out set, the same set again, and its
        first SUBSET_SIZE points alone."""
        X, y = self.training_data()
        X_test, _ = self.held_out()
        steps = (Step.call(X_test), Step.call(X_test), Step.call(X_test[:SUBSET_SIZE]))
        return Case((X, y, np.random.default_rng(self.rng_seed)), label=self.label, steps=steps,
                    time_limit=time_limit)


def _spiral_cases(hidden):
    if not hidden:
        return [SpiralCase(data_seed=0, rng_seed=0, test_seed=1000),
                SpiralCase(data_seed=1, rng_seed=1, test_seed=1001, n=100, test_n=50, min_accuracy=None,
                           reproducible=True)]
    # Three full trainings only: the reproducibility run, which trains twice, is visible and has just run
    # in the same grade cell.
    seeds = case_rng(SEED).integers(10_000, 1_000_000, size=(3, 3))
    return [SpiralCase(*(int(s) for s in row), drawn=True) for row in seeds]


class _TrainingClock:
    """The time the student's trainings of one check may still take (mistakes, tried only to name a
    failure, are not charged). Each training gets at most PER_TRAINING_LIMIT, and never more than is left."""

    def __init__(self, student, budget_factor):
        self.student = student
        self.left = budget_factor * core.CALL_TIME_LIMIT
        self.budget = self.left

    def limit_for(self, fn):
        per_training = PER_TRAINING_LIMIT * core.CALL_TIME_LIMIT
        return min(per_training, max(self.left, 0.01)) if fn is self.student else per_training

    def charge(self, fn, seconds):
        if fn is self.student:
            self.left -= seconds


def _timeout_problem(clock, limit):
    per_training = PER_TRAINING_LIMIT * core.CALL_TIME_LIMIT
    if limit < per_training:
        lines = (f"did not finish: this check's {clock.budget:g} s for all its trainings ran out",)
    else:
        lines = (f"did not finish within {per_training:g} s",)
    return Problem("timeout", lines,
                   "a grade cell has 30 s, and this one trains your function several times, so one training "
                   "must take a few seconds at most (the course's own takes about 1 s): fewer epochs, "
                   "early stopping, mini-batches of 32 to 128, float32, or a smaller network.")


def _behaviour_symptom(outcome):
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random, outcome.mutated


def _train(fn, case, clock):
    """Train fn on the case and run its steps; (outcome, time limit used)."""
    limit = clock.limit_for(fn)
    start = time.perf_counter()
    outcome = call_student(fn, case.call(limit), TRAIN_PARAMETERS)
    clock.charge(fn, time.perf_counter() - start)
    return outcome, limit


def _call_problem(outcome, clock, limit):
    """(Problem, symptom) for a training call that did not behave, or did not return a function."""
    if outcome.timed_out:
        return _timeout_problem(clock, limit), "timeout"
    # The steps call what came back: a TypeError raised by the check itself (no line of the student's
    # code in the traceback) means it was not a function.
    if outcome.error_type == "TypeError" and "not callable" in outcome.error_message and not outcome.error_line:
        if "NoneType" in outcome.error_message:
            return Problem("none", ("got      None", "expected a function predict(X)"),
                           "the function returns None: is a `return` statement missing?"), "none"
        returned = outcome.error_message.split("'")[1] if "'" in outcome.error_message else "something else"
        return Problem("not_callable", (f"got      an object of type {returned}, not a function",
                                        "expected a function predict(X) that labels the points it is given"),
                       "return the prediction function itself, without calling it: the check calls it "
                       "on points the training never saw."), ("not_callable", returned)
    problem = behaviour_problem(outcome)
    if problem is not None:
        return problem, _behaviour_symptom(outcome)
    return None, None


def _labels_problem(labels, case, n_train):
    """(Problem, symptom) when predict's result is not (N,) integer labels in {0, 1}."""
    n_test = 2 * case.test_n
    expected = f"expected an array of integers 0 and 1, shape ({n_test},)"
    if labels is None:
        return Problem("none", ("got      None from predict(X_test)", expected),
                       "predict returns None: is its `return` statement missing?"), "none"
    if not isinstance(labels, np.ndarray):
        return Problem("type", (f"got      {describe(labels)} from predict(X_test)", expected),
                       "the exercise asks for a NumPy array: a list has no .shape and no elementwise "
                       "comparison, so accuracy cannot be computed from it."), type(labels).__name__
    if labels.shape == (n_test, 1):
        return Problem("column", (f"got      shape {labels.shape}", expected),
                       "a network with one output unit gives a column (N, 1); flatten it to (N,): compared "
                       "with labels of shape (N,), a column broadcasts to an (N, N) table."), "column"
    if labels.shape != (n_test,) and labels.ndim >= 1 and len(labels) == n_train:
        return Problem("ignores_input", (f"got      {len(labels)} labels for the {n_test} points given",
                                         f"expected {n_test} labels, one per row of the X given to predict"),
                       "that is one label per training point: predict must label the points it is called "
                       "with, not the data it was trained on."), "ignores_input"
    if labels.shape != (n_test,):
        return Problem("shape", (f"got      shape {labels.shape}", expected),
                       "one label per row of the X given to predict, in a 1-D array."), labels.shape
    if labels.dtype.kind == "b":
        return Problem("dtype", ("got      an array of booleans", expected),
                       "a comparison gives booleans; the exercise asks for integer labels, so convert "
                       "them."), "boolean"
    if labels.dtype.kind == "f":
        finite = labels[np.isfinite(labels)]
        if finite.size == labels.size and np.isin(labels, (0.0, 1.0)).all():
            return Problem("float_labels", ("got      floats 0.0 and 1.0", expected),
                           "labels are whole numbers: a label array of floats cannot index, count or "
                           "compare safely (0.1 + 0.2 != 0.3), so give them an integer dtype."), "float_labels"
        if finite.size == labels.size and labels.min() >= 0.0 and labels.max() <= 1.0:
            return Problem("probabilities", (f"got      floats from {labels.min():.3g} to {labels.max():.3g}",
                                             expected),
                           "these look like probabilities of class 1: predict turns them into the class "
                           "itself, 1 where the probability of class 1 is above one half."), "probabilities"
        return Problem("scores", (f"got      floats from {np.nanmin(labels):.3g} to {np.nanmax(labels):.3g}",
                                  expected),
                       "these look like the network's raw outputs (logits): predict turns them into the "
                       "class, 1 where the logit is positive."), "scores"
    if labels.dtype.kind not in "iu":
        return Problem("type", (f"got      {describe(labels)}", expected), "the labels should be integers."), \
            str(labels.dtype)
    values = np.unique(labels)
    if not np.isin(values, (0, 1)).all():
        shown = ", ".join(str(v) for v in values[:6]) + (", ..." if len(values) > 6 else "")
        return Problem("label_values", (f"got      the labels {shown}", expected),
                       "the two classes of make_two_spirals are 0 and 1, the values of y."), \
            tuple(int(v) for v in values[:6])
    return None, None


def _accuracy_problem(labels, case):
    """(Problem, symptom) when the held-out accuracy is below what the case demands."""
    _, y_test = case.held_out()
    accuracy = float(np.mean(labels == y_test))
    if case.min_accuracy is None or accuracy >= case.min_accuracy:
        return None, None
    lines = (f"got      held-out accuracy {accuracy:.4f} ({int(np.sum(labels != y_test))} of {len(y_test)} "
             "points wrong)", f"expected at least {case.min_accuracy:.2f}")
    if accuracy <= INVERTED_ACCURACY:
        return Problem("inverted", lines,
                       "almost every label is the opposite class: the boundary is right but the two "
                       "classes are swapped. Class 1 is where the network's probability of class 1 is "
                       "high (its logit positive)."), "inverted"
    if accuracy < NEAR_CHANCE_ACCURACY:
        cause = ("that is not much better than a coin toss. A straight boundary cannot follow the spirals "
                 "(a model without hidden layers gets about 0.52, and so does a deep one without "
                 "activations between its dense layers, since they compose to one linear map); otherwise "
                 "the network has not learned: check the loss falls in the training curves.")
    else:
        cause = ("the network learns, but not enough: train longer or with a larger learning rate at "
                 "first (a schedule lowers it later), keep the weights of the best validation epoch, and "
                 "predict in evaluation mode (running statistics, no dropout).")
    return Problem("accuracy", lines, cause), labels


def _consistency_problem(labels, again, subset):
    """(Problem, symptom) when predict labels the same points differently on another call."""
    if not (isinstance(again, np.ndarray) and again.shape == labels.shape and np.array_equal(again, labels)):
        return Problem("predict_random", ("got      other labels from a second call of predict on the same "
                                          "points", "expected the same labels every time"),
                       "predicting must not draw random numbers: dropout is for training only, and is "
                       "switched off (evaluation mode) when predicting."), "predict_random"
    if not (isinstance(subset, np.ndarray) and subset.shape == labels[:SUBSET_SIZE].shape
            and np.array_equal(subset, labels[:SUBSET_SIZE])):
        got = subset.tolist() if isinstance(subset, np.ndarray) else describe(subset)
        return Problem("batch_dependent", (f"got      {got} for the first {SUBSET_SIZE} held-out points "
                                           "predicted alone",
                                           f"expected {labels[:SUBSET_SIZE].tolist()}, their labels when "
                                           "predicted with the rest"),
                       "a point's label must not depend on the other points predicted with it: batch "
                       "normalisation uses its running statistics when predicting, not the statistics of "
                       "the batch it is given."), "batch_dependent"
    return None, None


def _reproducibility_problem(fn, case, clock, labels):
    """(Problem, symptom) when a second training with the same seed predicts differently."""
    outcome, limit = _train(fn, case, clock)
    problem, symptom = _call_problem(outcome, clock, limit)
    if problem is not None:
        return problem, symptom
    again = outcome.value[0]
    if not (isinstance(again, np.ndarray) and again.shape == labels.shape and np.array_equal(again, labels)):
        return Problem("not_reproducible", ("got      other held-out labels from a second training with "
                                            f"np.random.default_rng({case.rng_seed})",
                                            "expected the same labels for the same seed"),
                       "take every random number (initial weights, shuffles, the validation split, dropout "
                       "masks) from rng, and nothing from a Generator made without a seed."), \
            "not_reproducible"
    return None, None


def _inspector(clock):
    def inspect(fn, case):
        """The Verdict on fn for one SpiralCase: the first property that fails, and its symptom."""
        outcome, limit = _train(fn, case, clock)
        problem, symptom = _call_problem(outcome, clock, limit)
        if problem is not None:
            return Verdict(problem, symptom)
        labels, again, subset = outcome.value
        problem, symptom = _labels_problem(labels, case, 2 * case.n)
        if problem is None:
            problem, symptom = _accuracy_problem(labels, case)
        if problem is None:
            problem, symptom = _consistency_problem(labels, again, subset)
        if problem is None and "rng" not in outcome.generators_used:
            problem, symptom = Problem("rng_unused", ("got      rng's state unchanged: nothing was drawn from it",
                                                      "expected the initial weights (and shuffles) drawn from rng"),
                                       "draw every random number from the rng argument, not from a "
                                       "Generator made inside the function."), "rng_unused"
        if problem is None and case.reproducible:
            problem, symptom = _reproducibility_problem(fn, case, clock, labels)
        return Verdict(problem, symptom)

    return inspect


def check_train_spiral_classifier(fn, hidden=False):
    """train_spiral_classifier returns a predict that labels fresh spiral points, 95% of them right.

    Each case trains fn on make_two_spirals data with a given rng and calls the predict it returns on a
    fresh held-out set, twice, and on the set's first 7 points alone. Checked for every case: the call
    behaves (no error, warning or stderr; X and y untouched; NumPy's global random state left alone; rng
    drawn from); it returns a function; predict gives an (N,) array of integer labels in {0, 1} for N
    points; the same points get the same labels on every call and however they are batched; at least 0.95
    of the held-out points are labelled right (data seed 0 visible; three data seeds drawn from
    case_rng(12) hidden). Visible too: a small run on 200 points, trained twice with the same seed, must
    predict the same labels. The visible cases share 9 s of training time, the hidden ones 15 s, one
    training at most 6 s. hidden=True runs the three hidden cases only: in a grade cell the visible ones
    have just run.
    """
    clock = _TrainingClock(fn, HIDDEN_BUDGET if hidden else VISIBLE_BUDGET)
    check_with(fn, "train_spiral_classifier", _spiral_cases(hidden), _inspector(clock),
               parameter_names=TRAIN_PARAMETERS)


NOTEBOOK = Notebook("12_capstone_two_spirals", [
    ("train_spiral_classifier", check_train_spiral_classifier, capstone.train_spiral_classifier),
], catalogue)
CHECKS = NOTEBOOK.checks
