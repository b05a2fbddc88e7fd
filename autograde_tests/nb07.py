"""Checks for notebook 07: mini-batches, momentum, RMSProp, Adam and step decay."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.core import (
    FLOAT32_TOLERANCE,
    Case,
    Notebook,
    Problem,
    Verdict,
    behaviour_problem,
    call_student,
    case_rng,
    check_cases,
    check_with,
    describe,
    seed_text,
)
from autograde_tests.mistakes import nb07 as catalogue
from autograde_tests.nb06 import update_label
from course_lib import optimizers

SEED = 7

# ---------------------------------------------------------------------------------------------
# iterate_minibatches(X, y, batch_size, rng, shuffle=True): the order of a correct answer depends on how
# it draws its permutation, so the batches cannot be compared with the reference's one by one. The check
# reads what the exercise fixes instead: the batch sizes, every sample exactly once, rows of X and y
# still paired, and an order that comes from rng (or the original order when shuffle is False).
#
# Every row of X identifies its sample: X[i, 0] = 10 * i. Labels are unique on the visible cases, so
# that a y_batch paired with the wrong rows of X is seen.

MINIBATCH_PARAMETERS = ("X", "y", "batch_size", "rng", "shuffle")


@dataclass(frozen=True)
class BatchCase:
    """One way of calling iterate_minibatches on N samples with D features.

    shuffle: True, False, or None to leave it out (the default, True); positional: pass shuffle by
    position. drawn_from: how the label says where N and batch_size came from, when they were drawn.
    labels: "unique" (y[i] = N - 1 - i, so every label tells its sample), "onehot" (one-hot rows
    of four classes) or "uint8" (classes 0..2 as uint8). dtype: X's dtype.
    """

    n: int
    d: int
    batch_size: int
    seed: int
    shuffle: bool | None = None
    positional: bool = False
    labels: str = "unique"
    dtype: str = "float64"
    drawn_from: str = ""

    @property
    def shuffles(self):
        return self.shuffle is not False

    @property
    def label(self):
        y_text = {"unique": "y (N,) unique labels", "onehot": "y (N, 4) one-hot", "uint8": "y (N,) uint8 labels"}
        text = (f"X ({self.n}, {self.d}) {self.dtype} whose row i starts with 10·i, {y_text[self.labels]}, "
                f"batch_size = {self.batch_size}, rng = np.random.default_rng({self.seed})")
        if self.drawn_from:
            text = f"{self.drawn_from}: {text}"
        if self.shuffle is None:
            return text + ", shuffle left out (so True)"
        return text + (f", {self.shuffle} passed by position" if self.positional else f", shuffle = {self.shuffle}")

    def data(self):
        X = (10.0 * np.arange(self.n)[:, None] + np.arange(self.d)[None, :]).astype(self.dtype)
        if self.labels == "unique":
            y = np.arange(self.n)[::-1].copy()
        elif self.labels == "onehot":
            y = np.eye(4)[np.arange(self.n) % 4]
        else:
            y = (np.arange(self.n) % 3).astype(np.uint8)
        return X, y

    def call(self, seed):
        """This call as a core.Case that reads what the function yields, with default_rng(seed) as rng."""
        X, y = self.data()
        args = (X, y, self.batch_size, np.random.default_rng(seed))
        if self.shuffle is None:
            return Case(args, label=self.label, consume=True)
        if self.positional:
            return Case(args + (self.shuffle,), label=self.label, consume=True)
        return Case(args, {"shuffle": self.shuffle}, label=self.label, consume=True)

    @property
    def expected_sizes(self):
        full, rest = divmod(self.n, self.batch_size)
        return [self.batch_size] * full + ([rest] if rest else [])


def _minibatch_cases(hidden):
    cases = [
        BatchCase(23, 3, 5, seed=0),
        BatchCase(12, 2, 4, seed=1, shuffle=False),
    ]
    if hidden:
        cases += [
            BatchCase(100, 2, 32, seed=2, shuffle=True, labels="onehot"),
            BatchCase(50, 3, 16, seed=3, labels="uint8", dtype="float32"),
            BatchCase(20, 2, 6, seed=4, shuffle=True, positional=True),
            BatchCase(11, 2, 4, seed=5, shuffle=False),
            BatchCase(10, 2, 10, seed=6),
            BatchCase(10, 2, 64, seed=7),
            BatchCase(9, 1, 1, seed=8),
        ]
        rng = case_rng(SEED)
        n, batch_size = int(rng.integers(30, 80)), int(rng.integers(3, 12))
        cases.append(BatchCase(n, 2, batch_size, seed=int(rng.integers(100, 1000)),
                               drawn_from=f"N and batch_size drawn from {seed_text(SEED)}"))
    return cases


def _behaviour_symptom(outcome):
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random, outcome.mutated


def _batches_problem(value, case, X, y):
    """(Problem, symptom, sample indices in the order yielded) for what came back."""
    if value is None:
        return Problem("none", ("got      None", "expected (X_batch, y_batch) pairs, yielded one at a time"),
                       "nothing was yielded or returned: the function hands out each batch with yield."), \
            "none", None
    if not isinstance(value, list):
        return Problem("type", (f"got      {describe(value)}", "expected a generator of (X_batch, y_batch) pairs"),
                       "yield each batch as a pair of arrays inside a loop."), type(value).__name__, None
    for index, item in enumerate(value):
        if not (isinstance(item, tuple | list) and len(item) == 2
                and all(isinstance(part, np.ndarray) for part in item)):
            return Problem("pair", (f"got      item {index}: {describe(item)}",
                                    "expected a pair of NumPy arrays (X_batch, y_batch)"),
                           "yield X_batch and y_batch together, as one pair, for each batch."), "pair", None
        X_batch, y_batch = item
        if X_batch.shape[1:] != X.shape[1:] or y_batch.shape[1:] != y.shape[1:] or len(X_batch) != len(y_batch):
            y_shape = f"(B, {y.shape[1]})" if y.ndim == 2 else "(B,)"
            return Problem("batch_shape", (f"got      batch {index}: X_batch {X_batch.shape}, y_batch {y_batch.shape}",
                                           f"expected X_batch (B, {X.shape[1]}) and y_batch {y_shape}, with the "
                                           "same number B of rows"),
                           "a batch is a set of whole rows of X, and the same rows of y."), \
                (X_batch.shape, y_batch.shape), None
    sizes = [len(X_batch) for X_batch, _ in value]
    if sizes != case.expected_sizes:
        return Problem("batch_sizes", (f"got      batch sizes {sizes}",
                                       f"expected batch sizes {case.expected_sizes}"),
                       f"every batch holds batch_size samples, except the last, which holds what is left "
                       f"({case.n} = {case.n // case.batch_size} × {case.batch_size} + {case.n % case.batch_size} "
                       "here); none is dropped."), tuple(sizes), None
    if not value:
        return None, None, np.array([], dtype=int)
    rows = np.concatenate([X_batch for X_batch, _ in value])
    labels = np.concatenate([y_batch for _, y_batch in value])
    indices = np.rint(rows[:, 0].astype(np.float64) / 10.0).astype(int)
    valid = (indices >= 0) & (indices < case.n)
    if not (valid.all() and np.array_equal(rows, X[np.clip(indices, 0, case.n - 1)])):
        return Problem("rows", ("got      rows in the batches that are not rows of X",
                                "expected whole rows of X, unchanged"),
                       "select rows of X by index, without changing them."), "rows", None
    counts = np.bincount(indices, minlength=case.n)
    missing, repeated = int(np.sum(counts == 0)), int(np.sum(counts > 1))
    if missing or repeated:
        return Problem("coverage", (f"got      {repeated} samples more than once and {missing} never, "
                                    "in one pass",
                                    f"expected each of the {case.n} samples exactly once"),
                       "one pass over the data (an epoch) uses every sample once: take the batches from one "
                       "permutation of all the indices, not from independent random draws."), \
            (missing, repeated), None
    if not np.array_equal(labels, y[indices]):
        wrong = int(np.sum(np.any((labels != y[indices]).reshape(len(indices), -1), axis=1)))
        return Problem("pairing", (f"got      {wrong} of {case.n} samples whose label is not their own "
                                   "(the rows of X and y no longer match)",
                                   "expected each row of X_batch with its own label"),
                       "shuffle the rows of X and y with the same permutation, so that they stay paired."), \
            "pairing", None
    return None, None, indices


def _order_problem(fn, case, indices, outcome):
    """(Problem, symptom) when the order is not the one the exercise asks for."""
    in_order = np.array_equal(indices, np.arange(case.n))
    if not case.shuffles:
        if in_order:
            return None, None
        return Problem("shuffled", ("got      the samples in another order", "expected rows 0, 1, 2, ... in order"),
                       "with shuffle=False the batches take the rows in their original order."), "shuffled"
    if in_order and case.n > 1:
        return Problem("not_shuffled", ("got      the samples in their original order",
                                        "expected a random order drawn from rng"),
                       "with shuffle=True (the default) the order is a random permutation from rng, new in "
                       "every epoch."), "not_shuffled"
    if case.n > 1 and "rng" not in outcome.generators_used:
        return Problem("rng_unused", ("got      rng's state unchanged: nothing was drawn from it",
                                      "expected the order drawn from rng"),
                       "draw the permutation from the rng argument, not from a Generator made inside the "
                       "function or from np.random."), "rng_unused"
    if case.n <= 2:
        return None, None
    for seed, same, kind in ((case.seed, True, "not_reproducible"), (case.seed + 1, False, "same_for_every_seed")):
        other = call_student(fn, case.call(seed), MINIBATCH_PARAMETERS)
        problem = behaviour_problem(other)
        if problem is not None:
            return problem, _behaviour_symptom(other)
        X, y = case.data()
        _, _, other_indices = _batches_problem(other.value, case, X, y)
        if (other_indices is not None and np.array_equal(other_indices, indices)) != same:
            if same:
                return Problem(kind, (f"got      another order from a second call with a new "
                                      f"np.random.default_rng({seed})",
                                      "expected the same order for the same seed"),
                               "take every random number from rng, and nothing from elsewhere."), kind
            return Problem(kind, (f"got      the same order from np.random.default_rng({case.seed}) and "
                                  f"np.random.default_rng({seed})",
                                  "expected another order for another seed"),
                           "the order must come from rng's draws."), kind
    return None, None


def _inspect_minibatches(fn, case):
    """The Verdict on fn for one BatchCase: the first property that fails, and its symptom."""
    outcome = call_student(fn, case.call(case.seed), MINIBATCH_PARAMETERS)
    problem = behaviour_problem(outcome)
    if problem is not None:
        return Verdict(problem, _behaviour_symptom(outcome))
    X, y = case.data()
    problem, symptom, indices = _batches_problem(outcome.value, case, X, y)
    if problem is not None:
        return Verdict(problem, symptom)
    problem, symptom = _order_problem(fn, case, indices, outcome)
    return Verdict(problem, symptom)


def check_iterate_minibatches(fn, hidden=False):
    """iterate_minibatches yields (X_batch, y_batch) pairs covering every sample exactly once.

    Checked for every case: the call behaves (no error, warning or stderr; X and y untouched; NumPy's
    global random state left alone); it yields pairs of arrays of whole rows; the batches hold batch_size
    samples each, the last one what is left; each sample appears exactly once, with its own label. With
    shuffle=False the rows keep their order; otherwise the order is a permutation drawn from rng: not the
    original order, the same for the same seed, another for another seed.
    """
    check_with(fn, "iterate_minibatches", _minibatch_cases(hidden), _inspect_minibatches,
               parameter_names=MINIBATCH_PARAMETERS)


# ---------------------------------------------------------------------------------------------
# The optimizers: single steps from prepared states (an earlier step's velocities, cache or moments,
# and Adam's step counter t) and from empty ones, judged by the dicts they update.


def _small_params():
    return ({"W": np.array([[0.5, -1.0], [2.0, 0.0]]), "b": np.array([0.1, -0.2])},
            {"W": np.array([[0.2, -0.4], [1.5, 1e-4]]), "b": np.array([-1e-4, 0.8])})


def _random_problem(float32=False):
    rng = case_rng(SEED)
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    grads = {k: rng.standard_normal(s) for k, s in shapes.items()}
    state = {k: rng.standard_normal(s) for k, s in shapes.items()}
    squares = {k: rng.random(s) for k, s in shapes.items()}
    if float32:
        params, grads, state, squares = ({k: v.astype(np.float32) for k, v in d.items()}
                                         for d in (params, grads, state, squares))
    return params, grads, state, squares


RANDOM_TEXT = "params, grads W1 (3, 4), b1 (4,), W2 (4, 2), b2 (2,) from "
# core.tolerance_for sees float32 arrays among a case's arguments, not inside its dicts: the float32 cases
# of the updates ask for the float32 tolerance themselves.
FLOAT32 = {"rtol": FLOAT32_TOLERANCE["rtol"], "atol": FLOAT32_TOLERANCE["atol"]}


def _update_case(names, args, updates, kwargs=None, label=None, **options):
    kwargs = kwargs or {}
    if label is None:
        shown = list(zip(names, args)) + list(kwargs.items())
        label = update_label(shown, f"returns None; {' and '.join(updates)} are judged after the call")
    return Case(tuple(args), kwargs, label=label, updates=updates, **options)


# momentum_update(params, grads, velocities, lr, momentum=0.9)

MOMENTUM_NAMES = ("params", "grads", "velocities", "lr")
MOMENTUM_HINT = ("the velocity keeps a fraction (momentum) of the previous one and adds the step −lr·g; then "
                 "each parameter moves by its new velocity, which is stored for the next call.")


def check_momentum_update(fn, hidden=False):
    """momentum_update: v = momentum·v − lr·g, then p += v, with params and velocities updated in place."""
    params, grads = _small_params()
    earlier = {"W": np.array([[0.05, 0.1], [-0.2, 0.0]]), "b": np.array([0.3, -0.1])}
    updates = ("params", "velocities")
    cases = [
        _update_case(MOMENTUM_NAMES, (params, grads, earlier, 0.1), updates, {"momentum": 0.5}),
        _update_case(MOMENTUM_NAMES, (params, grads, {}, 0.1), updates,
                     hint="missing velocities start at zero, so the first step is plain gradient descent."),
    ]
    if hidden:
        p, g, v, _ = _random_problem()
        text = RANDOM_TEXT + seed_text(SEED)
        cases += [
            _update_case(MOMENTUM_NAMES, (p, g, v, 0.05), updates,
                         label=f"{text}, velocities from the same, lr = 0.05, momentum left out (0.9)"),
            _update_case(MOMENTUM_NAMES, _random_problem(float32=True)[:3] + (0.05,), updates,
                         label="the same as float32, lr = 0.05", **FLOAT32),
            _update_case(MOMENTUM_NAMES, (p, g, {}, 0.01, 0.99), updates,
                         label=f"{text}, velocities empty, lr = 0.01, momentum = 0.99 passed by position"),
            _update_case(MOMENTUM_NAMES, (p, {k: np.zeros_like(a) for k, a in g.items()}, v, 0.1), updates,
                         {"momentum": 0.0}, label=f"{text}, zero gradients, momentum = 0 (nothing moves)"),
        ]
    check_cases(fn, "momentum_update", optimizers.momentum_update, cases, hint=MOMENTUM_HINT)


# rmsprop_update(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7)

RMSPROP_NAMES = ("params", "grads", "cache", "lr")
RMSPROP_HINT = ("the cache keeps a running mean of g² (rho of the old cache, 1 − rho of the new g²); each "
                "step is lr·g divided by the cache's square root plus eps, eps outside the root.")


def check_rmsprop_update(fn, hidden=False):
    """rmsprop_update: cache = rho·cache + (1 − rho)·g², p −= lr·g / (√cache + eps), both updated in place."""
    params, grads = _small_params()
    earlier = {"W": np.array([[0.04, 0.2], [1.0, 1e-9]]), "b": np.array([1e-9, 0.5])}
    updates = ("params", "cache")
    cases = [
        _update_case(RMSPROP_NAMES, (params, grads, earlier, 0.01), updates),
        # The defaults in use from the visible cases on: a signature without them fails here already.
        _update_case(RMSPROP_NAMES, (params, grads, {}), updates, hint="a missing cache starts at zero.",
                     label=update_label(list(zip(RMSPROP_NAMES, (params, grads, {}))),
                                        "lr, rho and eps left out; returns None; params and cache are judged "
                                        "after the call")),
    ]
    if hidden:
        p, g, _, squares = _random_problem()
        text = RANDOM_TEXT + seed_text(SEED)
        cases += [
            _update_case(RMSPROP_NAMES, (p, g, squares), updates,
                         label=f"{text}, cache from the same, lr, rho and eps left out (0.001, 0.9, 1e-7)"),
            _update_case(RMSPROP_NAMES, _random_problem(float32=True)[:2] + (_random_problem(True)[3],), updates,
                         label="the same as float32", **FLOAT32),
            _update_case(RMSPROP_NAMES, (p, g, {}, 0.1, 0.5, 0.1), updates,
                         label=f"{text}, cache empty, lr = 0.1, rho = 0.5, eps = 0.1 passed by position"),
            _update_case(RMSPROP_NAMES, (p, {k: np.zeros_like(a) for k, a in g.items()}, {}, 0.1), updates,
                         label=f"{text}, zero gradients, cache empty (nothing moves)"),
        ]
    check_cases(fn, "rmsprop_update", optimizers.rmsprop_update, cases, hint=RMSPROP_HINT)


# adam_update(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)

ADAM_NAMES = ("params", "grads", "state", "lr")
ADAM_HINT = ("first t goes up by one; then m and v take their running means of g and g², are divided by "
             "1 − beta1^t and 1 − beta2^t (bias correction), and each step is lr·m̂ / (√v̂ + eps).")


def check_adam_update(fn, hidden=False):
    """adam_update: t incremented before use, moments updated and bias-corrected, all in place."""
    params, grads = _small_params()
    earlier = {"t": 2,
               "m": {"W": np.array([[0.02, -0.05], [0.3, 0.0]]), "b": np.array([0.01, 0.1])},
               "v": {"W": np.array([[1e-3, 4e-3], [5e-2, 1e-10]]), "b": np.array([1e-10, 2e-2])}}
    updates = ("params", "state")
    cases = [
        _update_case(ADAM_NAMES, (params, grads, earlier, 0.01), updates),
        # The defaults in use from the visible cases on: a signature without them fails here already.
        _update_case(ADAM_NAMES, (params, grads, {}), updates,
                     hint="an empty state is the first step: t becomes 1, and m and v start at zero.",
                     label=update_label(list(zip(ADAM_NAMES, (params, grads, {}))),
                                        "lr, beta1, beta2 and eps left out; returns None; params and state "
                                        "are judged after the call")),
    ]
    if hidden:
        p, g, m, v = _random_problem()
        text = RANDOM_TEXT + seed_text(SEED)
        later = {"t": 9, "m": m, "v": v}
        cases += [
            _update_case(ADAM_NAMES, (p, g, later), updates,
                         label=f"{text}, state t = 9 with m and v from the same, the defaults otherwise"),
            _update_case(ADAM_NAMES, (p, g, {"t": 0, "m": {}, "v": {}}, 0.05), updates,
                         label=f"{text}, state t = 0 with m and v empty, lr = 0.05"),
            _update_case(ADAM_NAMES, (p, g, {}, 0.1, 0.8, 0.99, 1e-4), updates,
                         label=f"{text}, state empty, lr = 0.1, beta1 = 0.8, beta2 = 0.99, eps = 1e-4 by position"),
            _update_case(ADAM_NAMES, (_random_problem(True)[0], _random_problem(True)[1],
                                      {"t": 9, "m": _random_problem(True)[2], "v": _random_problem(True)[3]}),
                         updates, label="the same as float32, t = 9", **FLOAT32),
            _update_case(ADAM_NAMES, (p, {k: np.zeros_like(a) for k, a in g.items()}, {}, 0.1), updates,
                         label=f"{text}, zero gradients, state empty (nothing moves)"),
        ]
    check_cases(fn, "adam_update", optimizers.adam_update, cases, hint=ADAM_HINT)


# ---------------------------------------------------------------------------------------------
# step_decay(lr0, drop, every, epoch)

STEP_DECAY_HINT = ("the rate is multiplied by drop once every `every` epochs: lr0 up to epoch every − 1, "
                   "lr0·drop from epoch every on, lr0·drop² from 2·every on, and so on.")


def check_step_decay(fn, hidden=False):
    """step_decay is lr0 · drop^(number of whole periods of `every` epochs completed), a number."""
    cases = [Case((0.1, 0.5, 10, 0)), Case((0.1, 0.5, 10, 25)), Case((0.1, 0.5, 10, 16)), Case((0.1, 0.5, 10, 19)),
             Case((1.0, 0.1, 3, 3))]
    if hidden:
        rng = case_rng(SEED)
        lr0, drop = float(rng.uniform(0.01, 1.0)), float(rng.uniform(0.1, 0.9))
        every, epoch = int(rng.integers(2, 20)), int(rng.integers(0, 200))
        cases += [
            Case((lr0, drop, every, epoch), label=f"lr0 = {lr0:.6g}, drop = {drop:.6g}, every = {every}, "
                 f"epoch = {epoch}, drawn from {seed_text(SEED)}"),
            Case((0.5, 0.5, 1, 4)),
            Case((0.3, 1.0, 5, 100), hint="drop = 1 keeps the rate constant."),
            Case((2, 0.5, 10, np.int64(30)), hint="the epoch may be a NumPy integer."),
            Case((0.1, 0.5, 10, 9), hint="epoch 9 has not completed a period of 10 epochs yet."),
            Case((1.0, 0.5, 100, 1000)),
        ]
    check_cases(fn, "step_decay", optimizers.step_decay, cases, hint=STEP_DECAY_HINT)


NOTEBOOK = Notebook("07_optimizers", [
    ("iterate_minibatches", check_iterate_minibatches, optimizers.iterate_minibatches),
    ("momentum_update", check_momentum_update, optimizers.momentum_update),
    ("rmsprop_update", check_rmsprop_update, optimizers.rmsprop_update),
    ("adam_update", check_adam_update, optimizers.adam_update),
    ("step_decay", check_step_decay, optimizers.step_decay),
], catalogue)
CHECKS = NOTEBOOK.checks
