"""Checks for notebook 11: the validation split and early stopping with a copy of the best weights."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.core import (
    Case,
    Notebook,
    Parts,
    Problem,
    Shared,
    Step,
    Verdict,
    behaviour_problem,
    call_reference,
    call_student,
    case_rng,
    check_with,
    compare,
    describe,
    format_value,
    seed_text,
    tolerance_for,
)
from autograde_tests.mistakes import nb11 as catalogue
from course_lib import early_stopping

SEED = 11

# ---------------------------------------------------------------------------------------------
# train_val_split(X, y, val_fraction, rng): the order depends on how a correct answer draws its
# permutation, so the check reads what the exercise fixes: four arrays of the right sizes, whole rows of
# X with their own labels, every sample exactly once (disjoint parts), an order that is shuffled, and
# randomness from rng alone (the same seed gives the same split, another seed another one).
#
# Every row of X identifies its sample: X[i, 0] = 10 * i. Labels are unique on the visible cases, so
# that a label separated from its row is seen.

SPLIT_PARAMETERS = ("X", "y", "val_fraction", "rng")


@dataclass(frozen=True)
class SplitCase:
    """One call of train_val_split on N samples of D features, with default_rng(seed) as rng.

    labels: "unique" (y[i] = 3 * (N - 1 - i), every label tells its sample), "onehot" (one-hot rows of
    three classes) or "uint8" (classes 0..2, sorted, as data sets often come). dtype: X's dtype.
    """

    n: int
    d: int
    val_fraction: float
    seed: int
    labels: str = "unique"
    dtype: str = "float64"
    note: str = ""

    @property
    def n_val(self):
        return round(self.n * self.val_fraction)

    @property
    def label(self):
        y_text = {"unique": "y (N,) unique labels", "onehot": "y (N, 3) one-hot",
                  "uint8": "y (N,) uint8 classes sorted"}[self.labels]
        return (f"X ({self.n}, {self.d}) {self.dtype} whose row i starts with 10·i, {y_text}, "
                f"val_fraction = {self.val_fraction}, rng = np.random.default_rng({self.seed}){self.note}")

    def data(self):
        X = (10.0 * np.arange(self.n)[:, None] + np.arange(self.d)[None, :]).astype(self.dtype)
        if self.labels == "unique":
            y = 3 * np.arange(self.n)[::-1].copy()
        elif self.labels == "onehot":
            y = np.eye(3)[np.arange(self.n) * 3 // self.n]
        else:
            y = (np.arange(self.n) * 3 // self.n).astype(np.uint8)
        return X, y

    def call(self, seed):
        X, y = self.data()
        return Case((X, y, self.val_fraction, np.random.default_rng(seed)), label=self.label)


def _split_cases(hidden):
    cases = [
        SplitCase(20, 3, 0.25, seed=0),
        SplitCase(9, 2, 0.3, seed=1, note=" (N · val_fraction = 2.7)"),
    ]
    if hidden:
        # The Generators' seeds come from case_rng, so that a grader's secret changes them too.
        seeds = [int(s) for s in case_rng(SEED).integers(0, 10_000, size=5)]
        cases += [
            SplitCase(30, 2, 0.2, seed=seeds[0], labels="onehot"),
            SplitCase(50, 4, 0.1, seed=seeds[1], labels="uint8", dtype="float32"),
            SplitCase(12, 2, 0.0, seed=seeds[2], note=" (no validation samples)"),
            SplitCase(7, 3, 0.5, seed=seeds[3], note=" (N · val_fraction = 3.5)"),
            SplitCase(40, 1, 0.66, seed=seeds[4]),
        ]
    return cases


def _behaviour_symptom(outcome):
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random, outcome.mutated


def _parts_problem(value, case, X, y):
    """(Problem, symptom) for a result that is not four arrays of the right sizes, dtypes and shapes."""
    names = ("X_train", "y_train", "X_val", "y_val")
    if not (isinstance(value, tuple | list) and len(value) == 4):
        cause = ("the function returns None: is a `return` statement missing?" if value is None
                 else "return the four arrays together, in the exercise's order.")
        return Problem("parts", (f"got      {describe(value)}", "expected a tuple (X_train, y_train, X_val, y_val)"),
                       cause), "parts"
    for name, part, source in zip(names, value, (X, y, X, y)):
        if not isinstance(part, np.ndarray):
            return Problem("type", (f"got      {name}: {describe(part)}", "expected a NumPy array"),
                           "select rows of the arrays by index: the result is a NumPy array."), name
        if part.shape[1:] != source.shape[1:] or part.dtype != source.dtype:
            return Problem("part_shape", (f"got      {name}: {describe(part)}",
                                          f"expected whole rows of {'X' if name[0] == 'X' else 'y'}: "
                                          f"{_dtype_text(source)}, shape (rows{_trailing(source)})"),
                           "each part is a selection of whole rows, unchanged: same dtype, same row shape."), name
    n_train, n_val = case.n - case.n_val, case.n_val
    sizes = tuple(len(part) for part in value)
    if sizes != (n_train, n_train, n_val, n_val):
        return Problem("sizes", (f"got      {sizes[0]} and {sizes[1]} training rows, {sizes[2]} and {sizes[3]} "
                                 "validation rows (X and y)",
                                 f"expected {n_train} training and {n_val} validation rows: n_val = "
                                 f"round(N · val_fraction) = round({case.n * case.val_fraction:.4g}) = {n_val}"),
                       "the validation part holds round(N · val_fraction) samples (rounded to the nearest "
                       "whole number), the training part all the others."), sizes
    return None, None


def _dtype_text(array):
    return {"f": f"{array.dtype} floats", "u": f"{array.dtype} integers", "i": "integers"}.get(array.dtype.kind,
                                                                                         str(array.dtype))


def _trailing(array):
    return "".join(f", {s}" for s in array.shape[1:])


def _samples(value, case, X, y):
    """(Problem, symptom, sample indices of train then val) for what came back."""
    X_train, y_train, X_val, y_val = value
    rows = np.concatenate([X_train, X_val])
    labels = np.concatenate([y_train, y_val])
    indices = np.rint(rows[:, 0].astype(np.float64) / 10.0).astype(int) if len(rows) else np.array([], int)
    valid = (indices >= 0) & (indices < case.n)
    if not (valid.all() and np.array_equal(rows, X[np.clip(indices, 0, case.n - 1)])):
        return Problem("rows", ("got      rows that are not rows of X", "expected whole rows of X, unchanged"),
                       "select rows of X by index, without changing them."), "rows", None
    counts = np.bincount(indices, minlength=case.n)
    missing, repeated = int(np.sum(counts == 0)), int(np.sum(counts > 1))
    if missing or repeated:
        in_both = len(set(indices[:len(X_train)].tolist()) & set(indices[len(X_train):].tolist()))
        return Problem("overlap", (f"got      {in_both} samples in both parts, {repeated} samples more than once "
                                   f"in all and {missing} in neither",
                                   f"expected each of the {case.n} samples in exactly one of the two parts"),
                       "a validation sample that the network also trains on measures nothing: split one "
                       "permutation of all the indices into two pieces, instead of drawing each part on "
                       "its own."), (in_both, missing, repeated), None
    if not np.array_equal(labels, y[indices]):
        wrong = int(np.sum(np.any((labels != y[indices]).reshape(len(indices), -1), axis=1)))
        return Problem("pairing", (f"got      {wrong} of {case.n} samples whose label is not their own "
                                   "(the rows of X and y no longer match)",
                                   "expected each row of X with its own label"),
                       "take the rows of X and of y with the same indices, so that they stay paired."), \
            "pairing", None
    return None, None, indices


def _order_problem(fn, case, indices, outcome):
    """(Problem, symptom) when the split is not shuffled, or not shuffled by rng."""
    if case.n_val == 0 or case.n_val == case.n:
        return None, None
    if np.array_equal(indices, np.arange(case.n)):
        return Problem("not_shuffled", ("got      the first rows for training and the last ones for validation",
                                        "expected the samples shuffled before the split"),
                       "data sets are often stored in order (sorted by class, by date, by source), so the "
                       "last rows alone are not like the rest: draw a random permutation from rng first."), \
            "not_shuffled"
    if "rng" not in outcome.generators_used:
        return Problem("rng_unused", ("got      rng's state unchanged: nothing was drawn from it",
                                      "expected the shuffle drawn from rng"),
                       "draw the permutation from the rng argument, not from a Generator made inside the "
                       "function or from np.random."), "rng_unused"
    for seed, same, kind in ((case.seed, True, "not_reproducible"), (case.seed + 1, False, "same_for_every_seed")):
        other = call_student(fn, case.call(seed), SPLIT_PARAMETERS)
        problem = behaviour_problem(other)
        if problem is not None:
            return problem, _behaviour_symptom(other)
        X, y = case.data()
        if _parts_problem(other.value, case, X, y)[0] is not None:
            return Problem(kind, ("got      a result of another kind from a second call",
                                  "expected the same kind of result every time"),
                           "take every random number from rng, and nothing from elsewhere."), kind
        _, _, other_indices = _samples(other.value, case, X, y)
        if (other_indices is not None and np.array_equal(other_indices, indices)) != same:
            if same:
                return Problem(kind, (f"got      another split from a second call with a new "
                                      f"np.random.default_rng({seed})",
                                      "expected the same split for the same seed"),
                               "take every random number from rng, and nothing from elsewhere."), kind
            return Problem(kind, (f"got      the same split from np.random.default_rng({case.seed}) and "
                                  f"np.random.default_rng({seed})",
                                  "expected another split for another seed"),
                           "the order must come from rng's draws."), kind
    return None, None


def _inspect_split(fn, case):
    outcome = call_student(fn, case.call(case.seed), SPLIT_PARAMETERS)
    problem = behaviour_problem(outcome)
    if problem is not None:
        return Verdict(problem, _behaviour_symptom(outcome))
    X, y = case.data()
    problem, symptom = _parts_problem(outcome.value, case, X, y)
    if problem is not None:
        return Verdict(problem, symptom)
    problem, symptom, indices = _samples(outcome.value, case, X, y)
    if problem is not None:
        return Verdict(problem, symptom)
    return Verdict(*_order_problem(fn, case, indices, outcome))


def check_train_val_split(fn, hidden=False):
    """train_val_split: (X_train, y_train, X_val, y_val) of N - round(N·f) and round(N·f) rows.

    Checked for every case: the call behaves (no error, warning or stderr; X and y untouched; NumPy's
    global random state left alone); four arrays of whole rows, dtypes and row shapes kept; the sizes;
    every sample in exactly one part, with its own label; and, when both parts hold samples, an order
    that is shuffled by rng: not the original one, the same for the same seed, another for another.
    """
    check_with(fn, "train_val_split", _split_cases(hidden), _inspect_split, parameter_names=SPLIT_PARAMETERS)


# ---------------------------------------------------------------------------------------------
# EarlyStopping(patience, min_delta=0.0): the class is what is called; each case builds one object and
# then runs Steps on it, judging the tuple of their results against the course's class: what every
# update returns, then best_epoch, best_loss and best_params.
#
# Every update passes params whose arrays hold the epoch's number, so best_params tells which update
# it was copied at. The params of the updates are one Shared dict whose arrays the case overwrites in
# place between updates (Step.assign), as training does, so a kept reference or a shallow copy of it
# shows in best_params.

STOPPER_PARAMETERS = ("patience", "min_delta")
STOPPER_HINT = ("an update is an improvement when val_loss < best_loss − min_delta; it resets the count of "
                "updates without improvement, records the loss, the update's 0-based index and a deep copy of "
                "params. update returns True once patience updates in a row brought no improvement.")


def _epoch_params(epoch, nested=False):
    params = {"W1": np.full((2, 3), float(epoch)), "b1": np.full(3, -float(epoch))}
    if nested:
        return {"params": params, "state": {"batchnorm1": {"running_mean": np.full(3, 0.5 * epoch)}}}
    return params


def _stopper_case(patience, losses, min_delta=None, nested=False, by_position=False, hint=STOPPER_HINT, note="",
                  in_place=False):
    """in_place: one params dict, as in training, whose arrays are overwritten with the next epoch's values
    after every update, so that a stopper that kept a reference instead of a copy shows it."""
    if in_place:
        steps, shared = (), {"params": _epoch_params(0)}
        for epoch, loss in enumerate(losses):
            steps += (Step.call_method("update", loss, Shared("params")),)
            steps += tuple(Step.assign("params", key, value) for key, value in _epoch_params(epoch + 1).items())
    else:
        steps, shared = tuple(Step.call_method("update", loss, _epoch_params(epoch, nested))
                              for epoch, loss in enumerate(losses)), {}
    steps += (Step.read("best_epoch"), Step.read("best_loss"), Step.read("best_params"))
    if min_delta is None:
        args, kwargs, given = (patience,), {}, f"EarlyStopping({patience})"
    elif by_position:
        args, kwargs, given = (patience, min_delta), {}, f"EarlyStopping({patience}, {min_delta})"
    else:
        args, kwargs, given = (patience,), {"min_delta": min_delta}, f"EarlyStopping({patience}, min_delta={min_delta})"
    shown = "nested dicts" if nested else "W1 (2, 3) and b1 (3,)"
    trained = (" (one params dict, its arrays overwritten in place with the next index after each update, as "
               "training does)") if in_place else ""
    label = (f"{given}, then update(val_loss, params) with val_loss = {', '.join(format_value(v) for v in losses)}"
             f"{note} in turn (update #0, #1, ...: numbered from 0, as best_epoch counts them) and params "
             f"{shown} filled with the update's index{trained}; then best_epoch, best_loss and best_params read")
    return Case(args, kwargs, label=label, hint=hint, steps=steps, shared=shared)


def _stopper_cases(hidden):
    cases = [
        _stopper_case(2, [1.0, 0.8, 0.85, 0.9]),
        _stopper_case(2, [1.0, 1.1, 0.9, 1.0, 1.05, 1.2]),
        _stopper_case(2, [1.0, 1.05, 1.08], min_delta=0.1),
        _stopper_case(3, [1.0, 0.95, 0.85, 0.8, 0.8, 0.79, 0.7], min_delta=0.1),
        _stopper_case(2, [0.5, 0.5, 0.5]),
        _stopper_case(2, [1.0, 0.8, 0.85, 0.9], in_place=True,
                      hint="best_params must stay what params held at the best update, however params changes after."),
    ]
    if hidden:
        rng = case_rng(SEED + 100)
        noisy = np.round(1.0 / (1.0 + np.arange(12)) + 0.05 * rng.standard_normal(12), 4).tolist()
        cases += [
            _stopper_case(3, noisy, note=f" (a noisy falling curve drawn from {seed_text(SEED + 100)})"),
            _stopper_case(1, [2.0, 1.5, 1.6]),
            _stopper_case(2, [1.0, 0.9, 0.7, 0.75], min_delta=0.05, by_position=True),
            _stopper_case(4, [0.3, 0.2, 0.25, 0.21, 0.22, 0.19], nested=True),
            _stopper_case(2, [float(x) for x in np.float32([0.9, 0.6, 0.61])]),
            _stopper_case(2, [1.0, 0.8, 0.75, 0.72], min_delta=0.1,
                          hint="a loss lower than the best by less than min_delta is no improvement."),
        ]
    return cases


def _step_names(steps):
    names, updates = [], 0
    for step in steps:
        if step.assignment is not None:
            names.append(f"training step after update #{updates - 1}")
        elif step.attribute is not None:
            names.append(step.attribute)
        else:
            names.append(f"update #{updates} (val_loss {format_value(step.args[0])}) returned")
            updates += 1
    return names


def _inspect_stopper(fn, case):
    expected, _ = call_reference(early_stopping.EarlyStopping, case, STOPPER_PARAMETERS)
    expected = Parts(expected, _step_names(case.steps))
    outcome = call_student(fn, case, STOPPER_PARAMETERS)
    problem = behaviour_problem(outcome) or compare(outcome.value, expected, **tolerance_for(case))
    return Verdict(problem, outcome)


def check_EarlyStopping(fn, hidden=False):
    """EarlyStopping: what each update returns, then best_epoch (0-based), best_loss and best_params
    (the params of the best update), for patience, min_delta and losses that improve, stall and tie."""
    check_with(fn, "EarlyStopping", _stopper_cases(hidden), _inspect_stopper, parameter_names=STOPPER_PARAMETERS)


NOTEBOOK = Notebook("11_early_stopping", [
    ("train_val_split", check_train_val_split, early_stopping.train_val_split),
    ("EarlyStopping", check_EarlyStopping, early_stopping.EarlyStopping),
], catalogue)
CHECKS = NOTEBOOK.checks
