"""Checks for notebook 12, the capstone: a deep network that separates the two spirals."""

from dataclasses import dataclass

import numpy as np

from autograde_tests import limits
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
    timeout_problem,
)
from autograde_tests.mistakes import nb12 as catalogue
from course_lib import capstone, datasets

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


def _behaviour_symptom(outcome):
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random, outcome.mutated


def _train(fn, case):
    return call_student(fn, case.call(), TRAIN_PARAMETERS)


def _call_problem(outcome):
    """(Problem, symptom) for a training call that did not behave, or did not return a function."""
    if outcome.timed_out:
        return timeout_problem(outcome, TIME_CAUSE if outcome.timed_out == "cpu" else None), \
            ("timeout", outcome.timed_out)
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
        if labels.dtype.kind == "f" and not np.isin(labels, (0.0, 1.0)).all():
            return Problem("column", (f"got      shape {labels.shape}, floats from {np.nanmin(labels):.3g} to "
                                      f"{np.nanmax(labels):.3g}", expected),
                           "these look like the network's probabilities of class 1, one per row of a column: "
                           "predict turns each into its class (1 where it is above one half), one label "
                           "per point in a 1-D array."), "column of probabilities"
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


def _accuracy_problem(predictions, case):
    """(Problem, symptom) when the accuracy on a held-out set is below what the case demands."""
    if case.min_accuracy is None:
        return None, None
    for labels, (_, y_test), seed in zip(predictions, case.held_out(), case.test_seeds):
        accuracy = float(np.mean(labels == y_test))
        if accuracy >= case.min_accuracy:
            continue
        lines = (f"got      accuracy {accuracy:.4f} on the held-out set of seed {seed} "
                 f"({int(np.sum(labels != y_test))} of {len(y_test)} points wrong)",
                 f"expected at least {case.min_accuracy:.2f} on each held-out set")
        if accuracy <= INVERTED_ACCURACY:
            return Problem("inverted", lines,
                           "almost every label is the opposite class: the boundary is right but the two "
                           "classes are swapped. Class 1 is where the network's probability of class 1 is "
                           "high (its logit positive)."), "inverted"
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
        return Problem("accuracy", lines, cause), labels
    return None, None


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


def _trained_again(fn, case, first):
    """(Problem or None, whether a second training with the same seed predicts the same held-out labels)."""
    outcome = _train(fn, case)
    problem, symptom = _call_problem(outcome)
    if problem is not None:
        return (problem, symptom), False
    again = outcome.value[0]
    return None, isinstance(again, np.ndarray) and again.shape == first.shape and np.array_equal(again, first)


def _not_reproducible(case):
    return Problem("not_reproducible", ("got      other held-out labels from a second training with "
                                        f"np.random.default_rng({case.rng_seed})",
                                        "expected the same labels for the same seed"),
                   "take every random number (initial weights, shuffles, the validation split, dropout "
                   "masks) from rng, and nothing from a Generator made without a seed."), "not_reproducible"


def _rng_unused(fn, case, first):
    """(Problem, symptom) when nothing was drawn from rng: a second training tells a Generator of the
    function's own with a fixed seed (the same labels) from one made without a seed (other labels)."""
    failed, same = _trained_again(fn, case, first)
    if failed is not None:
        return failed
    if same:
        return Problem("rng_unused", ("got      rng's state unchanged: nothing was drawn from it",
                                      "expected the initial weights (and shuffles) drawn from rng"),
                       "draw every random number from the rng argument: a Generator made inside the "
                       "function ignores the seed the caller chooses."), ("rng_unused", "reproducible")
    return Problem("rng_unused", ("got      rng's state unchanged, and other held-out labels from a second "
                                  f"training with np.random.default_rng({case.rng_seed})",
                                  "expected the initial weights (and shuffles) drawn from rng"),
                   "draw every random number from the rng argument: the randomness comes from somewhere "
                   "else, which changes from run to run."), ("rng_unused", "not reproducible")


def _inspect(fn, case):
    """The Verdict on fn for one SpiralCase: the first property that fails, and its symptom."""
    outcome = _train(fn, case)
    problem, symptom = _call_problem(outcome)
    if problem is not None:
        return Verdict(problem, symptom)
    *predictions, again, subset = outcome.value
    for labels in predictions:
        problem, symptom = _labels_problem(labels, case, 2 * case.n)
        if problem is not None:
            return Verdict(problem, symptom)
    problem, symptom = _accuracy_problem(predictions, case)
    if problem is None:
        problem, symptom = _consistency_problem(predictions[0], again, subset)
    if problem is None and "rng" not in outcome.generators_used:
        problem, symptom = _rng_unused(fn, case, predictions[0])
    if problem is None and case.reproducible:
        failed, same = _trained_again(fn, case, predictions[0])
        problem, symptom = failed or ((None, None) if same else _not_reproducible(case))
    return Verdict(problem, symptom)


def check_train_spiral_classifier(fn, hidden=False):
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
    check_with(fn, "train_spiral_classifier", _spiral_cases(hidden), _inspect, parameter_names=TRAIN_PARAMETERS)


NOTEBOOK = Notebook("12_capstone_two_spirals", [
    ("train_spiral_classifier", check_train_spiral_classifier, capstone.train_spiral_classifier),
], catalogue)
CHECKS = NOTEBOOK.checks
