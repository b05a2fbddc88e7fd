"""Checks for notebook 07: mini-batches, momentum, RMSProp, Adam and step decay."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.calling import call_student
from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem
from autograde_tests.messages import describe
from autograde_tests.nb06 import update_cases
from autograde_tests.properties import behaviour_verdict, reproducibility, rng_unused
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
# What iterate_minibatches and notebook 11's train_val_split share: the cause of one order for every seed,
# and samples that tell which they are.
ORDER_CAUSES = {"same_for_every_seed": "the order must come from rng's draws."}


def numbered_rows(n, d, dtype):
    """X (n, d) whose row i starts with 10·i, so that every row tells which sample it is."""
    return (10.0 * np.arange(n)[:, None] + np.arange(d)[None, :]).astype(dtype)


def read_samples(rows, labels, X, y):
    """(indices, missing, repeated, mislabelled): which sample each of `rows` is (see numbered_rows), how
    many of X's samples never appear, how many appear more than once, and how many carry a label other
    than their own; indices is None (and the counts 0) when one of the rows is not a row of X."""
    indices = np.rint(rows[:, 0].astype(np.float64) / 10.0).astype(int)
    valid = (indices >= 0) & (indices < len(X))
    if not (valid.all() and np.array_equal(rows, X[np.clip(indices, 0, len(X) - 1)])):
        return None, 0, 0, 0
    counts = np.bincount(indices, minlength=len(X))
    wrong = np.any((labels != y[indices]).reshape(len(indices), -1), axis=1)
    return indices, int(np.sum(counts == 0)), int(np.sum(counts > 1)), int(np.sum(wrong))


def foreign_rows_problem(where):
    """(Problem, symptom, indices) for rows (`where`: " in the batches", say) that are not rows of X."""
    return Problem("rows", (f"got      rows{where} that are not rows of X", "expected whole rows of X, unchanged"),
                   "select rows of X by index, without changing them."), "rows", None


def pairing_problem(wrong, n, rows, cause):
    """(Problem, symptom, indices) for `wrong` of the n samples with another sample's label in `rows`."""
    return Problem("pairing", (f"got      {wrong} of {n} samples whose label is not their own (the rows of X and y "
                               "no longer match)", f"expected each row of {rows} with its own label"), cause), \
        "pairing", None


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
        X = numbered_rows(self.n, self.d, self.dtype)
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
        args = (X, y, self.batch_size, np.random.default_rng(seed)) + ((self.shuffle,) if self.positional else ())
        kwargs = {} if self.shuffle is None or self.positional else {"shuffle": self.shuffle}
        return Case(args, kwargs, label=self.label, consume=True)

    @property
    def expected_sizes(self):
        full, rest = divmod(self.n, self.batch_size)
        return [self.batch_size] * full + ([rest] if rest else [])


def _minibatch_cases(hidden):
    """iterate_minibatches yields (X_batch, y_batch) pairs covering every sample exactly once.

    Checked for every case: the call behaves (no error, warning or stderr; X and y untouched; NumPy's
    global random state left alone); it yields pairs of arrays of whole rows; the batches hold batch_size
    samples each, the last one what is left; each sample appears exactly once, with its own label. With
    shuffle=False the rows keep their order; otherwise the order is a permutation drawn from rng: not the
    original order, the same for the same seed, another for another seed.
    """
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
    indices, missing, repeated, wrong = read_samples(np.concatenate([X_batch for X_batch, _ in value]),
                                                     np.concatenate([y_batch for _, y_batch in value]), X, y)
    if indices is None:
        return foreign_rows_problem(" in the batches")
    if missing or repeated:
        return Problem("coverage", (f"got      {repeated} samples more than once and {missing} never, "
                                    "in one pass",
                                    f"expected each of the {case.n} samples exactly once"),
                       "one pass over the data (an epoch) uses every sample once: take the batches from one "
                       "permutation of all the indices, not from independent random draws."), \
            (missing, repeated), None
    if wrong:
        return pairing_problem(wrong, case.n, "X_batch",
                               "shuffle the rows of X and y with the same permutation, so that they stay paired.")
    return None, None, indices


def _order_verdict(fn, case, indices, outcome):
    """The Verdict when the order is not the one the exercise asks for, else None."""
    in_order = np.array_equal(indices, np.arange(case.n))
    if not case.shuffles:
        if in_order:
            return None
        return Verdict(Problem("shuffled", ("got      the samples in another order",
                                            "expected rows 0, 1, 2, ... in order"),
                               "with shuffle=False the batches take the rows in their original order."), "shuffled")
    if in_order and case.n > 1:
        return Verdict(Problem("not_shuffled", ("got      the samples in their original order",
                                                "expected a random order drawn from rng"),
                               "with shuffle=True (the default) the order is a random permutation from rng, new in "
                               "every epoch."), "not_shuffled")
    if case.n <= 1:
        return None
    verdict = rng_unused(outcome, "the permutation")
    if verdict is not None or case.n <= 2:  # two samples have two orders: another seed may well give the same
        return verdict
    return reproducibility(fn, case, MINIBATCH_PARAMETERS, lambda value: _batches_problem(value, case, *case.data())[2],
                           indices, "order", causes=ORDER_CAUSES)


def _inspect_minibatches(fn, case):
    """The Verdict on fn for one BatchCase: the first property that fails, and its symptom."""
    outcome = call_student(fn, case.call(case.seed), MINIBATCH_PARAMETERS)
    verdict = behaviour_verdict(outcome)
    if verdict is not None:
        return verdict
    problem, symptom, indices = _batches_problem(outcome.value, case, *case.data())
    if problem is not None:
        return Verdict(problem, symptom)
    return _order_verdict(fn, case, indices, outcome) or Verdict(None)


ITERATE_MINIBATCHES = Exercise("iterate_minibatches", optimizers.iterate_minibatches, _minibatch_cases,
                               inspect=_inspect_minibatches, parameter_names=MINIBATCH_PARAMETERS)
check_iterate_minibatches = ITERATE_MINIBATCHES.check


# ---------------------------------------------------------------------------------------------
# The optimizers: single steps from prepared states (an earlier step's velocities, cache or moments,
# and Adam's step counter t) and from empty ones, judged by the dicts they update.


def _small_params():
    return ({"W": np.array([[0.5, -1.0], [2.0, 0.0]]), "b": np.array([0.1, -0.2])},
            {"W": np.array([[0.2, -0.4], [1.5, 1e-4]]), "b": np.array([-1e-4, 0.8])})


def _random_problem(float32=False):
    """params, grads, a state of standard normals and one of squares, all keyed W1 b1 W2 b2."""
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


def _zeros(grads):
    return {k: np.zeros_like(a) for k, a in grads.items()}


RANDOM_TEXT = "params, grads W1 (3, 4), b1 (4,), W2 (4, 2), b2 (2,) from "


# momentum_update(params, grads, velocities, lr, momentum=0.9)

MOMENTUM_HINT = ("the velocity keeps a fraction (momentum) of the previous one and adds the step −lr·g; then "
                 "each parameter moves by its new velocity, which is stored for the next call.")
_momentum_case = update_cases(("params", "grads", "velocities", "lr"), ("params", "velocities"))


def _momentum_update_cases(hidden):
    """momentum_update: v = momentum·v − lr·g, then p += v, with params and velocities updated in place."""
    params, grads = _small_params()
    earlier = {"W": np.array([[0.05, 0.1], [-0.2, 0.0]]), "b": np.array([0.3, -0.1])}
    cases = [
        _momentum_case(params, grads, earlier, 0.1, kwargs={"momentum": 0.5}),
        _momentum_case(params, grads, {}, 0.1,
                       hint="missing velocities start at zero, so the first step is plain gradient descent."),
    ]
    if hidden:
        p, g, v, _ = _random_problem()
        text = RANDOM_TEXT + seed_text(SEED)
        cases += [
            _momentum_case(p, g, v, 0.05,
                           label=f"{text}, velocities from the same, lr = 0.05, momentum left out (0.9)"),
            _momentum_case(*_random_problem(float32=True)[:3], 0.05, label="the same as float32, lr = 0.05"),
            _momentum_case(p, g, {}, 0.01, 0.99,
                           label=f"{text}, velocities empty, lr = 0.01, momentum = 0.99 passed by position"),
            _momentum_case(p, _zeros(g), v, 0.1, kwargs={"momentum": 0.0},
                           label=f"{text}, zero gradients, momentum = 0 (nothing moves)"),
        ]
    return cases


MOMENTUM_UPDATE = Exercise("momentum_update", optimizers.momentum_update, _momentum_update_cases, hint=MOMENTUM_HINT)
check_momentum_update = MOMENTUM_UPDATE.check


# rmsprop_update(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7)

RMSPROP_HINT = ("the cache keeps a running mean of g² (rho of the old cache, 1 − rho of the new g²); each "
                "step is lr·g divided by the cache's square root plus eps, eps outside the root.")
_rmsprop_case = update_cases(("params", "grads", "cache", "lr"), ("params", "cache"))


def _rmsprop_update_cases(hidden):
    """rmsprop_update: cache = rho·cache + (1 − rho)·g², p −= lr·g / (√cache + eps), both updated in place."""
    params, grads = _small_params()
    cases = [
        _rmsprop_case(params, grads, {"W": np.array([[0.04, 0.2], [1.0, 1e-9]]), "b": np.array([1e-9, 0.5])}, 0.01),
        # The defaults in use from the visible cases on: a signature without them fails here already.
        _rmsprop_case(params, grads, {}, hint="a missing cache starts at zero.", left_out="lr, rho and eps"),
    ]
    if hidden:
        p, g, _, squares = _random_problem()
        p32, g32, _, squares32 = _random_problem(float32=True)
        text = RANDOM_TEXT + seed_text(SEED)
        cases += [
            _rmsprop_case(p, g, squares,
                          label=f"{text}, cache from the same, lr, rho and eps left out (0.001, 0.9, 1e-7)"),
            _rmsprop_case(p32, g32, squares32, label="the same as float32"),
            _rmsprop_case(p, g, {}, 0.1, 0.5, 0.1,
                          label=f"{text}, cache empty, lr = 0.1, rho = 0.5, eps = 0.1 passed by position"),
            _rmsprop_case(p, _zeros(g), {}, 0.1, label=f"{text}, zero gradients, cache empty (nothing moves)"),
        ]
    return cases


RMSPROP_UPDATE = Exercise("rmsprop_update", optimizers.rmsprop_update, _rmsprop_update_cases, hint=RMSPROP_HINT)
check_rmsprop_update = RMSPROP_UPDATE.check


# adam_update(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)

ADAM_HINT = ("first t goes up by one; then m and v take their running means of g and g², are divided by "
             "1 − beta1^t and 1 − beta2^t (bias correction), and each step is lr·m̂ / (√v̂ + eps).")
_adam_case = update_cases(("params", "grads", "state", "lr"), ("params", "state"))


def _adam_update_cases(hidden):
    """adam_update: t incremented before use, moments updated and bias-corrected, all in place."""
    params, grads = _small_params()
    earlier = {"t": 2,
               "m": {"W": np.array([[0.02, -0.05], [0.3, 0.0]]), "b": np.array([0.01, 0.1])},
               "v": {"W": np.array([[1e-3, 4e-3], [5e-2, 1e-10]]), "b": np.array([1e-10, 2e-2])}}
    cases = [
        _adam_case(params, grads, earlier, 0.01),
        # The defaults in use from the visible cases on: a signature without them fails here already.
        _adam_case(params, grads, {}, hint="an empty state is the first step: t becomes 1, and m and v start at zero.",
                   left_out="lr, beta1, beta2 and eps"),
    ]
    if hidden:
        p, g, m, v = _random_problem()
        p32, g32, m32, v32 = _random_problem(float32=True)
        text = RANDOM_TEXT + seed_text(SEED)
        cases += [
            _adam_case(p, g, {"t": 9, "m": m, "v": v},
                       label=f"{text}, state t = 9 with m and v from the same, the defaults otherwise"),
            _adam_case(p, g, {"t": 0, "m": {}, "v": {}}, 0.05,
                       label=f"{text}, state t = 0 with m and v empty, lr = 0.05"),
            _adam_case(p, g, {}, 0.1, 0.8, 0.99, 1e-4,
                       label=f"{text}, state empty, lr = 0.1, beta1 = 0.8, beta2 = 0.99, eps = 1e-4 by position"),
            _adam_case(p32, g32, {"t": 9, "m": m32, "v": v32}, label="the same as float32, t = 9"),
            _adam_case(p, _zeros(g), {}, 0.1, label=f"{text}, zero gradients, state empty (nothing moves)"),
        ]
    return cases


ADAM_UPDATE = Exercise("adam_update", optimizers.adam_update, _adam_update_cases, hint=ADAM_HINT)
check_adam_update = ADAM_UPDATE.check


# ---------------------------------------------------------------------------------------------
# step_decay(lr0, drop, every, epoch)

STEP_DECAY_HINT = ("the rate is multiplied by drop once every `every` epochs: lr0 up to epoch every − 1, "
                   "lr0·drop from epoch every on, lr0·drop² from 2·every on, and so on.")


def _step_decay_cases(hidden):
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
    return cases


STEP_DECAY = Exercise("step_decay", optimizers.step_decay, _step_decay_cases, hint=STEP_DECAY_HINT)
check_step_decay = STEP_DECAY.check


def _momentum(velocity_of, step_of=lambda p, v, g, lr: p + v, store=True):
    """A momentum step with the velocity computed by velocity_of(v, g, lr, momentum) and the parameter
    moved by step_of(p, v_new, g, lr); store=False forgets to keep the velocity."""

    def momentum_update(params, grads, velocities, lr, momentum=0.9):
        for name, grad in grads.items():
            velocity = velocity_of(velocities.get(name, np.zeros_like(grad)), grad, lr, momentum)
            if store:
                velocities[name] = velocity
            params[name] = step_of(params[name], velocity, grad, lr)

    return momentum_update


def _rmsprop(mean_square_of=lambda c, g, rho: rho * c + (1 - rho) * g**2,
             step_of=lambda g, c, lr, eps: lr * g / (np.sqrt(c) + eps), sign=-1.0, store=True):
    """An RMSProp step with the running mean and the step computed by the functions given."""

    def rmsprop_update(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
        for name, grad in grads.items():
            mean_square = mean_square_of(cache.get(name, np.zeros_like(grad)), grad, rho)
            if store:
                cache[name] = mean_square
            params[name] = params[name] + sign * step_of(grad, mean_square, lr, eps)

    return rmsprop_update


def _adam(t_used="new", corrected=True, eps_inside=False, store_corrected=False, squares=True,
          store_moments=True, t_per_key=False):
    """An Adam step with one thing done wrong (each keyword names one)."""

    def adam_update(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        old_t = state.get("t", 0)
        state["t"] = old_t + 1
        m_all, v_all = state.setdefault("m", {}), state.setdefault("v", {})
        for name, grad in grads.items():
            if t_per_key and name != next(iter(grads)):
                state["t"] += 1
            t = state["t"] if t_used == "new" else old_t
            m = beta1 * m_all.get(name, np.zeros_like(grad)) + (1 - beta1) * grad
            v = beta2 * v_all.get(name, np.zeros_like(grad)) + (1 - beta2) * (grad**2 if squares else grad)
            m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if corrected else (m, v)
            if store_moments:
                m_all[name], v_all[name] = (m_hat, v_hat) if store_corrected else (m, v)
            denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            params[name] = params[name] - lr * m_hat / denominator

    return adam_update


def _batches(draw=lambda rng, n: rng.permutation(n), shuffles=lambda shuffle: shuffle, drop_last=False):
    """Batches in the order draw(rng, N) when shuffles(shuffle), else in the original order; drop_last
    stops before a last, smaller batch."""

    def iterate_minibatches(X, y, batch_size, rng, shuffle=True):
        order = draw(rng, len(X)) if shuffles(shuffle) else np.arange(len(X))
        for start in range(0, len(X) - batch_size + 1 if drop_last else len(X), batch_size):
            rows = order[start:start + batch_size]
            yield X[rows], y[rows]

    return iterate_minibatches


# ---------------------------------------------------------------------------------------------
# iterate_minibatches: known mistakes, the more specific first


ITERATE_MINIBATCHES.mistake("last partial batch dropped", "when N is not a multiple of batch_size, the samples left "
                            "over form a last, smaller batch; stopping before it skips them in every epoch.")(
    _batches(drop_last=True))

ITERATE_MINIBATCHES.mistake("samples drawn with replacement", "independent random indices repeat some samples and "
                            "miss others; a permutation of all N indices uses each exactly once.")(
    _batches(draw=lambda rng, n: rng.integers(0, n, size=n)))


@ITERATE_MINIBATCHES.mistake("X and y shuffled separately", "two different permutations separate every sample from "
                             "its label: shuffle both with one permutation.")
def _batches_shuffled_separately(X, y, batch_size, rng, shuffle=True):
    X_order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    y_order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
    for start in range(0, len(X), batch_size):
        yield X[X_order[start:start + batch_size]], y[y_order[start:start + batch_size]]


ITERATE_MINIBATCHES.mistake("never shuffled", "with shuffle=True the order must be a fresh random permutation from "
                            "rng; the original order gives the same batches in every epoch.")(
    _batches(shuffles=lambda shuffle: False))

ITERATE_MINIBATCHES.mistake("shuffle argument ignored", "with shuffle=False the rows keep their original order.")(
    _batches(shuffles=lambda shuffle: True))

ITERATE_MINIBATCHES.mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state: draw "
                            "the permutation from the rng argument.")(
    _batches(draw=lambda rng, n: np.random.permutation(n)))

ITERATE_MINIBATCHES.mistake("own Generator instead of rng", "a Generator made inside the function ignores the rng "
                            "the caller passed, so every epoch gets the same order.")(
    _batches(draw=lambda rng, n: np.random.default_rng(0).permutation(n)))


@ITERATE_MINIBATCHES.mistake("batch_size used as the number of batches", "batch_size is how many samples each batch "
                             "holds, not how many batches there are.")
def _batches_count_as_size(X, y, batch_size, rng, shuffle=True):
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for rows in np.array_split(order, batch_size):
        yield X[rows], y[rows]


@ITERATE_MINIBATCHES.mistake("caller's arrays shuffled in place", "shuffling X and y themselves changes the caller's "
                             "data: index them with a permutation instead, which makes new arrays.")
def _batches_shuffle_in_place(X, y, batch_size, rng, shuffle=True):
    if shuffle:
        state = rng.bit_generator.state
        rng.shuffle(X)
        rng.bit_generator.state = state
        rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


@ITERATE_MINIBATCHES.mistake("X_batch and y_batch yielded one by one", "each item is one pair (X_batch, y_batch), so "
                             "that a loop can unpack both at once.")
def _batches_x_then_y(X, y, batch_size, rng, shuffle=True):
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        yield X[order[start:start + batch_size]]
        yield y[order[start:start + batch_size]]


@ITERATE_MINIBATCHES.alternative
def _batches_index_list(X, y, batch_size, rng, shuffle=True):
    indices = np.arange(len(X))
    if shuffle:
        rng.shuffle(indices)
    batches = [indices[i:i + batch_size] for i in range(0, len(indices), batch_size)]
    for rows in batches:
        yield X[rows], y[rows]


@ITERATE_MINIBATCHES.alternative
def _batches_split(X, y, batch_size, rng, shuffle=True):
    n = X.shape[0]
    order = rng.permutation(n) if shuffle else np.arange(n)
    X_shuffled, y_shuffled = X[order], y[order]
    edges = list(range(batch_size, n, batch_size))
    yield from zip(np.split(X_shuffled, edges), np.split(y_shuffled, edges))


@ITERATE_MINIBATCHES.alternative
def _batches_returns_list(X, y, batch_size, rng, shuffle=True):
    order = rng.choice(len(X), size=len(X), replace=False) if shuffle else range(len(X))
    order = np.fromiter(order, dtype=int, count=len(X))
    count = -(-len(X) // batch_size)
    return [(X[order[k * batch_size:(k + 1) * batch_size]], y[order[k * batch_size:(k + 1) * batch_size]])
            for k in range(count)]


# ---------------------------------------------------------------------------------------------
# momentum_update: known mistakes, the more specific first


MOMENTUM_UPDATE.mistake("velocity of the opposite sign", "the exercise's velocity is the step itself: it keeps "
                        "momentum times the old velocity and adds −lr·g, and the parameter moves by +v. Adding lr·g "
                        "and then subtracting v moves the parameter the same way on a first step, but the stored "
                        "velocity has the wrong sign, so the next step goes astray.")(
    _momentum(lambda v, g, lr, mu: mu * v + lr * g, lambda p, v, g, lr: p - v))

MOMENTUM_UPDATE.mistake("momentum step uphill", "the velocity accumulates −lr·g, a step downhill; subtracting it from "
                        "the parameter climbs.")(
    _momentum(lambda v, g, lr, mu: mu * v - lr * g, lambda p, v, g, lr: p - v))

MOMENTUM_UPDATE.mistake("old velocity forgotten", "momentum keeps a fraction of the previous velocity: without it "
                        "this is plain gradient descent.")(_momentum(lambda v, g, lr, mu: -lr * g))

MOMENTUM_UPDATE.mistake("velocity without lr", "that is the other common convention (the velocity accumulates "
                        "gradients, and lr scales the step); the exercise's velocity includes lr: v = momentum·v − "
                        "lr·g.")(_momentum(lambda v, g, lr, mu: mu * v + g, lambda p, v, g, lr: p - lr * v))

MOMENTUM_UPDATE.mistake("velocity not stored", "the new velocity has to be written back into velocities, or the next "
                        "call starts again from the old one.")(
    _momentum(lambda v, g, lr, mu: mu * v - lr * g, store=False))


@MOMENTUM_UPDATE.mistake("parameter moved by the old velocity", "first the velocity is updated, then the parameter "
                         "moves by the new one; moving first uses last step's velocity.")
def _momentum_old_velocity_first(params, grads, velocities, lr, momentum=0.9):
    for name, grad in grads.items():
        old = velocities.get(name, np.zeros_like(grad))
        params[name] = params[name] + old
        velocities[name] = momentum * old - lr * grad


@MOMENTUM_UPDATE.mistake("new velocities dict", "a new dict assigned to the name velocities is lost when the function "
                         "returns: store the velocities in the dict you were given, even when it starts empty.")
def _momentum_new_dict_when_empty(params, grads, velocities, lr, momentum=0.9):
    if not velocities:
        velocities = {name: np.zeros_like(grad) for name, grad in grads.items()}
    for name, grad in grads.items():
        velocities[name] = momentum * velocities[name] - lr * grad
        params[name] = params[name] + velocities[name]


@MOMENTUM_UPDATE.alternative
def _momentum_in_place(params, grads, velocities, lr, momentum=0.9):
    for name in grads:
        if name not in velocities:
            velocities[name] = np.zeros_like(params[name])
        velocities[name] *= momentum
        velocities[name] -= lr * grads[name]
        params[name] += velocities[name]


@MOMENTUM_UPDATE.alternative
def _momentum_setdefault(params, grads, velocities, lr, momentum=0.9):
    for name, grad in grads.items():
        previous = velocities.setdefault(name, 0.0 * grad)
        velocities[name] = np.add(momentum * previous, -lr * grad)
        params[name] = params[name] + velocities[name]


# ---------------------------------------------------------------------------------------------
# rmsprop_update: known mistakes, the more specific first


RMSPROP_UPDATE.mistake("eps inside the square root", "eps is added after the square root, to √cache; inside it "
                       "changes steps wherever the cache is small.")(
    _rmsprop(step_of=lambda g, c, lr, eps: lr * g / np.sqrt(c + eps)))

RMSPROP_UPDATE.mistake("cache not stored", "the new running mean has to be written back into cache, or every call "
                       "starts from the old one.")(_rmsprop(store=False))

RMSPROP_UPDATE.mistake("rho and 1 − rho swapped", "the cache keeps rho of its old value and takes 1 − rho of the new "
                       "g², so it changes slowly.")(
    _rmsprop(mean_square_of=lambda c, g, rho: (1 - rho) * c + rho * g**2))

RMSPROP_UPDATE.mistake("(1 − rho) left out", "the running mean weighs the new g² by 1 − rho; without that factor the "
                       "cache grows instead of averaging.")(_rmsprop(mean_square_of=lambda c, g, rho: rho * c + g**2))

RMSPROP_UPDATE.mistake("no square root", "the step divides by the root mean square, √cache, not by the cache itself.")(
    _rmsprop(step_of=lambda g, c, lr, eps: lr * g / (c + eps)))

RMSPROP_UPDATE.mistake("RMSProp step uphill", "the step goes against the gradient: subtract it.")(_rmsprop(sign=1.0))

RMSPROP_UPDATE.mistake("gradient not squared", "the cache is a running mean of the squared gradient g²: of g itself "
                       "it can turn negative, and its square root is then nan.")(
    _rmsprop(mean_square_of=lambda c, g, rho: rho * c + (1 - rho) * g))


@RMSPROP_UPDATE.alternative
def _rmsprop_in_place(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
    for name, grad in grads.items():
        if name not in cache:
            cache[name] = np.zeros_like(grad)
        cache[name] *= rho
        cache[name] += (1 - rho) * np.square(grad)
        params[name] -= lr * grad / (np.sqrt(cache[name]) + eps)


@RMSPROP_UPDATE.alternative
def _rmsprop_interpolation(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
    for name in params:
        g = grads[name]
        previous = cache.get(name, 0.0 * g)
        cache[name] = previous + (1 - rho) * (g * g - previous)
        params[name] = params[name] - lr * g / (cache[name] ** 0.5 + eps)


# ---------------------------------------------------------------------------------------------
# adam_update: known mistakes, the more specific first


ADAM_UPDATE.mistake("t incremented after use", "t counts the steps including this one: increment it first, so that "
                    "the first step uses t = 1 (with t = 0, 1 − beta^t is 0).")(_adam(t_used="old"))

ADAM_UPDATE.mistake("no bias correction", "m and v start at zero, so in the first steps they are too small by the "
                    "factors 1 − beta1^t and 1 − beta2^t: divide by them before the step.")(_adam(corrected=False))

ADAM_UPDATE.mistake("t incremented once per parameter", "t counts steps, not parameters: one call is one step, so t "
                    "goes up by exactly one per call.")(_adam(t_per_key=True))

ADAM_UPDATE.mistake("eps inside the square root", "eps is added after the square root, to √v̂; inside it changes "
                    "steps wherever v̂ is small.")(_adam(eps_inside=True))

ADAM_UPDATE.mistake("corrected moments stored", "the state keeps the raw running means m and v; the bias-corrected m̂ "
                    "and v̂ are only for this step's update.")(_adam(store_corrected=True))

ADAM_UPDATE.mistake("moments not stored", "the new m and v have to be written back into the state, or every call "
                    "starts again from the old ones.")(_adam(store_moments=False))

ADAM_UPDATE.mistake("v of g instead of g²", "v is the running mean of the squared gradient: of g itself it can turn "
                    "negative, and its square root is then nan.")(_adam(squares=False))


@ADAM_UPDATE.alternative
def _adam_explicit(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    if "t" not in state:
        state["t"] = 0
    if "m" not in state:
        state["m"] = {}
    if "v" not in state:
        state["v"] = {}
    state["t"] += 1
    t = state["t"]
    for name in grads:
        g = grads[name]
        if name not in state["m"]:
            state["m"][name] = np.zeros_like(g)
            state["v"][name] = np.zeros_like(g)
        state["m"][name] = beta1 * state["m"][name] + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"][name] + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**t)
        params[name] = params[name] - step_size * state["m"][name] / (
            np.sqrt(state["v"][name] / (1 - beta2**t)) + eps)


@ADAM_UPDATE.alternative
def _adam_interpolated_moments(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    first, second = state.setdefault("m", {}), state.setdefault("v", {})
    for name, g in grads.items():
        m = first.get(name, np.zeros_like(g))
        v = second.get(name, np.zeros_like(g))
        m = m + (1 - beta1) * (g - m)
        v = v + (1 - beta2) * (np.square(g) - v)
        first[name], second[name] = m, v
        params[name] = params[name] - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)


@ADAM_UPDATE.alternative
def _adam_folded_correction(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """The bias corrections folded into the step size: lr * m_hat / (sqrt(v_hat) + eps) equals
    (lr * sqrt(c2) / c1) * m / (sqrt(v) + eps * sqrt(c2)) with c1 = 1 - beta1**t, c2 = 1 - beta2**t."""
    t = state.get("t", 0) + 1
    state["t"] = t
    state.setdefault("m", {})
    state.setdefault("v", {})
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    for name, g in grads.items():
        state["m"][name] = beta1 * state["m"].get(name, 0) + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"].get(name, 0) + (1 - beta2) * g**2
        step_size = lr * np.sqrt(c2) / c1
        params[name] = params[name] - step_size * state["m"][name] / (np.sqrt(state["v"][name]) + eps * np.sqrt(c2))


# ---------------------------------------------------------------------------------------------
# step_decay: known mistakes, the more specific first


STEP_DECAY.mistake("no floor", "the rate drops in steps: count only whole periods, epoch // every, so it stays "
                   "constant between drops instead of falling a little every epoch.")(
    lambda lr0, drop, every, epoch: lr0 * drop ** (epoch / every))

STEP_DECAY.mistake("drop multiplied, not raised", "after k periods the rate is lr0 times drop to the power k, not "
                   "times drop times k.")(
    lambda lr0, drop, every, epoch: lr0 * drop * (epoch // every))

STEP_DECAY.mistake("periods rounded", "rounding counts a period that is more than half done; only completed periods "
                   "count (round down).")(
    lambda lr0, drop, every, epoch: lr0 * drop ** round(epoch / every))

STEP_DECAY.mistake("drop one epoch early", "epochs count from 0: the first drop comes at epoch `every`, not at epoch "
                   "every − 1.")(
    lambda lr0, drop, every, epoch: lr0 * drop ** ((epoch + 1) // every))

STEP_DECAY.mistake("divided by drop", "drop is the factor the rate is multiplied by (0.5 halves it); dividing by it "
                   "makes the rate grow.")(
    lambda lr0, drop, every, epoch: lr0 / drop ** (epoch // every))

STEP_DECAY.mistake("every and epoch swapped", "the number of completed periods is epoch divided by every, rounded "
                   "down.")(
    lambda lr0, drop, every, epoch: lr0 * drop ** (every // epoch))

STEP_DECAY.alternative(lambda lr0, drop, every, epoch: lr0 * np.power(drop, np.floor(epoch / every)))

STEP_DECAY.alternative(lambda lr0, drop, every, epoch: float(lr0 * drop ** int(epoch / every)))

STEP_DECAY.alternative(lambda lr0, drop, every, epoch: lr0 * np.prod([drop] * (epoch // every)))


NOTEBOOK = Notebook("07_optimizers", [ITERATE_MINIBATCHES, MOMENTUM_UPDATE, RMSPROP_UPDATE, ADAM_UPDATE, STEP_DECAY])
CHECKS = NOTEBOOK.checks
