"""Checks for notebook 11: the validation split and early stopping with a copy of the best weights."""

import copy
import math
from dataclasses import dataclass

import numpy as np

from autograde_tests.calling import call_reference, call_student
from autograde_tests.cases import Case, Shared, Step, case_rng, seed_text, tolerance_for
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Parts, Problem, behaviour_problem, compare
from autograde_tests.messages import describe, format_value
from autograde_tests.nb07 import ORDER_CAUSES, foreign_rows_problem, numbered_rows, pairing_problem, read_samples
from autograde_tests.properties import behaviour_verdict, reproducibility, rng_unused
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
        X = numbered_rows(self.n, self.d, self.dtype)
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
    """train_val_split: (X_train, y_train, X_val, y_val) of N - round(N·f) and round(N·f) rows.

    Checked for every case: the call behaves (no error, warning or stderr; X and y untouched; NumPy's
    global random state left alone); four arrays of whole rows, dtypes and row shapes kept; the sizes;
    every sample in exactly one part, with its own label; and, when both parts hold samples, an order
    that is shuffled by rng: not the original one, the same for the same seed, another for another.
    """
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
    indices, missing, repeated, wrong = read_samples(np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val]),
                                                     X, y)
    if indices is None:
        return foreign_rows_problem("")
    if missing or repeated:
        in_both = len(set(indices[:len(X_train)].tolist()) & set(indices[len(X_train):].tolist()))
        return Problem("overlap", (f"got      {in_both} samples in both parts, {repeated} samples more than once "
                                   f"in all and {missing} in neither",
                                   f"expected each of the {case.n} samples in exactly one of the two parts"),
                       "a validation sample that the network also trains on measures nothing: split one "
                       "permutation of all the indices into two pieces, instead of drawing each part on "
                       "its own."), (in_both, missing, repeated), None
    if wrong:
        return pairing_problem(wrong, case.n, "X", "take the rows of X and of y with the same indices, so that they "
                               "stay paired.")
    return None, None, indices


def _order_verdict(fn, case, indices, outcome):
    """The Verdict when the split is not shuffled, or not shuffled by rng, else None."""
    if case.n_val == 0 or case.n_val == case.n:
        return None
    if np.array_equal(indices, np.arange(case.n)):
        return Verdict(Problem("not_shuffled", ("got      the first rows for training and the last ones for validation",
                                                "expected the samples shuffled before the split"),
                               "data sets are often stored in order (sorted by class, by date, by source), so the "
                               "last rows alone are not like the rest: draw a random permutation from rng first."),
                       "not_shuffled")
    return rng_unused(outcome, "the permutation") or reproducibility(
        fn, case, SPLIT_PARAMETERS, lambda value: _split_indices(value, case), indices, "split", causes=ORDER_CAUSES)


def _split_indices(value, case):
    """The samples of a result in the order it gives them (train, then val), None when it is malformed."""
    X, y = case.data()
    return None if _parts_problem(value, case, X, y)[0] is not None else _samples(value, case, X, y)[2]


def _inspect_split(fn, case):
    outcome = call_student(fn, case.call(case.seed), SPLIT_PARAMETERS)
    verdict = behaviour_verdict(outcome)
    if verdict is not None:
        return verdict
    X, y = case.data()
    problem, symptom = _parts_problem(outcome.value, case, X, y)
    if problem is not None:
        return Verdict(problem, symptom)
    problem, symptom, indices = _samples(outcome.value, case, X, y)
    if problem is not None:
        return Verdict(problem, symptom)
    return _order_verdict(fn, case, indices, outcome) or Verdict(None)


TRAIN_VAL_SPLIT = Exercise("train_val_split", early_stopping.train_val_split, _split_cases, inspect=_inspect_split,
                           parameter_names=SPLIT_PARAMETERS)
check_train_val_split = TRAIN_VAL_SPLIT.check


# ---------------------------------------------------------------------------------------------
# EarlyStopping(patience, min_delta=0.0): the class is what is called; each case builds one object and
# then runs Steps on it, judging the tuple of their results against the course's class: what every
# update returns, then best_epoch, best_loss and best_params.
#
# Every update passes params whose arrays hold the epoch's number, so best_params tells which update
# it was copied at. The params of the updates are one Shared dict whose arrays the case overwrites in
# place between updates (Step.assign), as training does, so a kept reference or a shallow copy of it
# shows in best_params.

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
    """EarlyStopping: what each update returns, then best_epoch (0-based), best_loss and best_params
    (the params of the best update), for patience, min_delta and losses that improve, stall and tie."""
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


STOPPER_PARAMETERS = ("patience", "min_delta")


def _inspect_stopper(fn, case):
    expected, _ = call_reference(early_stopping.EarlyStopping, case, STOPPER_PARAMETERS)
    expected = Parts(expected, _step_names(case.steps))
    outcome = call_student(fn, case, STOPPER_PARAMETERS)
    problem = behaviour_problem(outcome) or compare(outcome.value, expected, **tolerance_for(case))
    return Verdict(problem, outcome)


EARLY_STOPPING = Exercise("EarlyStopping", early_stopping.EarlyStopping, _stopper_cases, inspect=_inspect_stopper,
                          parameter_names=STOPPER_PARAMETERS)
check_EarlyStopping = EARLY_STOPPING.check


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
def _split_rows(X, y, train_rows, val_rows):
    return X[train_rows], y[train_rows], X[val_rows], y[val_rows]


def _split(size=lambda n, val_fraction: round(n * val_fraction), draw=lambda rng, n: rng.permutation(n),
           size_is_val=True):
    """A split of the permutation draw(rng, N): its first size(N, val_fraction) indices are the validation
    part (with size_is_val False, the training part), the others the other part."""

    def train_val_split(X, y, val_fraction, rng):
        k = size(len(X), val_fraction)
        order = draw(rng, len(X))
        return _split_rows(X, y, order[k:], order[:k]) if size_is_val else _split_rows(X, y, order[:k], order[k:])

    return train_val_split


def _copied(value):
    """A deep copy of nested dicts of arrays, written out by hand."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    return np.array(value, copy=True)


# ---------------------------------------------------------------------------------------------
# train_val_split: known mistakes, the more specific first


@TRAIN_VAL_SPLIT.mistake("not shuffled", "the last rows are not a fair sample when the data are stored in some order "
                         "(sorted by class, say): shuffle with a permutation from rng before splitting.")
def _split_not_shuffled(X, y, val_fraction, rng):
    n_train = len(X) - round(len(X) * val_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@TRAIN_VAL_SPLIT.mistake("X and y shuffled separately", "two different permutations separate every sample from its "
                         "label: take the rows of X and of y with the same indices.")
def _split_shuffled_separately(X, y, val_fraction, rng):
    n_val = round(len(X) * val_fraction)
    X_order, y_order = rng.permutation(len(X)), rng.permutation(len(y))
    return X[X_order[n_val:]], y[y_order[n_val:]], X[X_order[:n_val]], y[y_order[:n_val]]


@TRAIN_VAL_SPLIT.mistake("parts drawn independently (they overlap)", "drawing the training rows and the validation "
                         "rows each on its own puts some samples in both and some in neither: split one permutation "
                         "of all the indices in two.")
def _split_drawn_independently(X, y, val_fraction, rng):
    n_val = round(len(X) * val_fraction)
    train_rows = rng.choice(len(X), size=len(X) - n_val, replace=False)
    val_rows = rng.choice(len(X), size=n_val, replace=False)
    return _split_rows(X, y, train_rows, val_rows)


TRAIN_VAL_SPLIT.mistake("validation size truncated", "the validation part holds round(N · val_fraction) samples; "
                        "truncating drops the fraction, so 2.7 becomes 2 instead of 3.")(
    _split(size=lambda n, val_fraction: int(n * val_fraction)))

TRAIN_VAL_SPLIT.mistake("val_fraction used as the training share", "val_fraction is the share that goes to "
                        "validation; the rest is for training.")(
    _split(size_is_val=False))

TRAIN_VAL_SPLIT.mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state: draw the "
                        "permutation from the rng argument.")(
    _split(draw=lambda rng, n: np.random.permutation(n)))

TRAIN_VAL_SPLIT.mistake("own Generator instead of rng", "a Generator made inside the function ignores the rng the "
                        "caller passed, so every call splits the same way whatever the seed.")(
    _split(draw=lambda rng, n: np.random.default_rng(0).permutation(n)))


@TRAIN_VAL_SPLIT.mistake("caller's arrays shuffled in place", "shuffling X and y themselves changes the caller's "
                         "data: index them with a permutation instead, which makes new arrays.")
def _split_shuffles_callers_arrays(X, y, val_fraction, rng):
    order = rng.permutation(len(X))
    X[:] = X[order]
    y[:] = y[order]
    n_train = len(X) - round(len(X) * val_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@TRAIN_VAL_SPLIT.alternative
def _split_shuffle_indices(X, y, val_fraction, rng):
    # shuffle an index array in place, then take the validation rows from its end
    N = len(X)
    n_val = int(np.round(N * val_fraction))
    indices = np.arange(N)
    rng.shuffle(indices)
    train_rows, val_rows = indices[:N - n_val], indices[N - n_val:]
    return np.take(X, train_rows, axis=0), np.take(y, train_rows, axis=0), np.take(X, val_rows, axis=0), \
        np.take(y, val_rows, axis=0)


@TRAIN_VAL_SPLIT.alternative
def _split_boolean_mask(X, y, val_fraction, rng):
    # a random boolean mask with exactly n_val True entries
    n_val = round(len(X) * val_fraction)
    in_val = np.zeros(len(X), dtype=bool)
    in_val[rng.choice(len(X), size=n_val, replace=False)] = True
    order = rng.permutation(len(X))
    in_val = in_val[order]
    rows_val, rows_train = order[in_val], order[~in_val]
    return X[rows_train], y[rows_train], X[rows_val], y[rows_val]


# ---------------------------------------------------------------------------------------------
# EarlyStopping: known mistakes, the more specific first


EARLY_STOPPING.mistake("best epoch counted from 1", "best_epoch is the 0-based index of the update call that brought "
                       "the best loss: the first call is epoch 0.")(_StopperEpochFromOne)

EARLY_STOPPING.mistake("latest params kept instead of the best", "best_params is the copy taken at the best update; a "
                       "copy taken at every update ends with the last epoch's weights, which are usually worse.")(
    _StopperLatestParams)

EARLY_STOPPING.mistake("params kept without copying its arrays", "best_params must not share arrays with params. "
                       "Keeping params itself, or a shallow copy (a new dict, such as dict(params) or params.copy(), "
                       "that holds the very same arrays), leaves best_params looking at the arrays that training goes "
                       "on changing in place, so it ends with the latest weights, not the best ones: copy the arrays "
                       "too (a deep copy), at the best update.")(_StopperKeepsReference)

EARLY_STOPPING.mistake("patience count not reset on improvement", "patience counts consecutive updates without "
                       "improvement: an improvement starts the count again from zero.")(_StopperWaitNotReset)

EARLY_STOPPING.mistake("min_delta ignored", "a loss counts as an improvement only when it is lower than the best by "
                       "more than min_delta; without it, tiny changes keep training going.")(_StopperIgnoresMinDelta)

EARLY_STOPPING.mistake("a tie counts as an improvement", "an improvement is strictly lower than the best loss (minus "
                       "min_delta); an equal loss is no progress and counts towards patience.")(_StopperTiesImprove)

EARLY_STOPPING.mistake("min_delta added instead of subtracted", "the new loss must beat best_loss − min_delta, a bar "
                       "below the best; best_loss + min_delta lets slightly worse losses count.")(
    _StopperMinDeltaAdded)

EARLY_STOPPING.mistake("stops one update late", "update returns True as soon as patience updates in a row brought no "
                       "improvement, not after one more.")(_StopperOneLate)

EARLY_STOPPING.mistake("epochs counted only on improvements", "best_epoch is the index of the update call, and every "
                       "call counts, improvement or not.")(_StopperCountsImprovements)

EARLY_STOPPING.alternative(_StopperCountsDown)

EARLY_STOPPING.alternative(_StopperHandCopy)


NOTEBOOK = Notebook("11_early_stopping", [TRAIN_VAL_SPLIT, EARLY_STOPPING])
CHECKS = NOTEBOOK.checks
