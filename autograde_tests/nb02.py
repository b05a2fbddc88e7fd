"""Checks for notebook 02: a dense layer's forward pass on a batch, and its initialisation."""

import math
from dataclasses import dataclass

import numpy as np

from autograde_tests.core import (
    Case,
    CheckFailed,
    Problem,
    behaviour_problem,
    check_cases,
    failure_message,
    format_value,
    require_function,
    run,
    same_value,
)
from autograde_tests.mistakes.nb02 import MISTAKES
from course_lib import layers

SEED = 2

FORWARD_HINT = "X @ W + b: X is (N, n_in) with one sample per row, W is (n_in, n_out), b is (n_out,)."


# ---------------------------------------------------------------------------------------------
# dense_forward


def check_dense_forward(fn, hidden=False):
    """dense_forward is X @ W + b for a batch X of any size, with X, W and b left untouched."""
    cases = [
        # A square, non-symmetric W first, so that transposed products give wrong numbers (which name the
        # mistake) rather than a shape error; then N, n_in and n_out all different.
        Case((np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0], [2.0, 0.5, -1.0]]),
              np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-2.0, 1.0, 0.25]]),
              np.array([0.1, -0.2, 0.3])), hint=FORWARD_HINT),
        Case((np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0], [-1.5, 1.0]]),
              np.array([[1.0, 0.0, -2.0], [0.5, 2.0, 1.0]]),
              np.array([0.5, -1.0, 0.0])), hint=FORWARD_HINT),
    ]
    if hidden:
        rng = np.random.default_rng(SEED)
        X, W, b = rng.standard_normal((7, 5)), rng.standard_normal((5, 3)), rng.standard_normal(3)
        cases += [
            Case((X, W, b), label=f"X (7, 5), W (5, 3), b (3,): standard normal from default_rng({SEED})",
                 hint=FORWARD_HINT),
            Case((X.astype(np.float32), W.astype(np.float32), b.astype(np.float32)),
                 label="the same X, W and b as float32"),
            Case((X[:1], W, b), label="the first row of the same X alone, shape (1, 5), with the same W and b",
                 hint="a batch of one sample is still a batch: the output has shape (1, n_out)."),
            Case((X, W[:, :1], b[:1]), label="the same X, one neuron: W (5, 1), b (1,)",
                 hint="a layer of one neuron still gives a 2-D output, shape (N, 1)."),
            Case((np.array([[1, 0], [2, -1], [0, 3]]), np.array([[1, -2, 0, 4], [3, 1, -1, 0]]),
                  np.array([0, 1, -1, 2])), hint="integer X, W and b work the same way."),
            Case((np.array([[1e6, -2e6], [3e6, 5e5]]), np.array([[2e5, -1e5, 4e5], [1e5, 3e5, -2e5]]),
                  np.array([1e11, -1e11, 5e10])), hint=FORWARD_HINT),
        ]
    check_cases(fn, "dense_forward", layers.dense_forward, cases, MISTAKES["dense_forward"])


# ---------------------------------------------------------------------------------------------
# init_dense: a correct answer may draw its numbers in any order and with any normal sampler, so W
# cannot be compared with the reference's entry by entry. The check measures what the contract fixes
# instead (shapes, zero biases, where the randomness comes from, W's mean, spread and distribution),
# and names a catalogued mistake when it shows the same symptom on the same case.

# Statistics are measured only on at least this many weights. There, the sample standard deviation has a
# relative standard error of 1 / sqrt(2 * 40,000) = 0.35%, and the mean a standard error of
# 1 / sqrt(40,000) = 0.5% of the standard deviation, so the tolerances below are at least 8.5 standard
# errors wide: a correct draw from any seed passes, while the catalogued scale mistakes (off by 10% or
# more) fail. More weights would only make the check slower.
MIN_STATISTICS_SIZE = 40_000
STD_TOLERANCE = 0.03
MEAN_TOLERANCE = 0.05
# The fraction of a normal sample within one standard deviation of its mean is 0.6827 (standard error
# 0.0023 here); for a uniform sample it is 1 / sqrt(3) = 0.577.
NORMAL_WITHIN_ONE_STD = 0.6827
WITHIN_ONE_STD_TOLERANCE = 0.02
# Measured symptoms (ratios, fractions) of the student's W and of a mistake's W are the same when they
# differ by less than this relative amount, far more than two draws of 40,000 weights differ.
SYMPTOM_RTOL = 0.03

# Each random scheme's standard deviation, and its formula when it depends on n_in.
TARGET_STD = {
    "small": (lambda n_in: 0.01, ""),
    "xavier": (lambda n_in: math.sqrt(1 / n_in), "sqrt(1 / n_in)"),
    "he": (lambda n_in: math.sqrt(2 / n_in), "sqrt(2 / n_in)"),
}


@dataclass(frozen=True)
class InitCase:
    """One way of calling init_dense. scheme None leaves the argument out, so the default ("he") applies."""

    n_in: int
    n_out: int
    scheme: str | None
    seed: int
    positional: bool = False
    numpy_ints: bool = False

    @property
    def effective_scheme(self):
        return self.scheme or "he"

    @property
    def label(self):
        if self.numpy_ints:
            text = f"n_in = np.int64({self.n_in}), n_out = np.int64({self.n_out})"
        else:
            text = f"n_in = {self.n_in}, n_out = {self.n_out}"
        text += f", rng = np.random.default_rng({self.seed})"
        if self.scheme is None:
            return text + ", scheme left out (so the default, \"he\")"
        if self.positional:
            return text + f", \"{self.scheme}\" passed by position"
        return text + f", scheme = \"{self.scheme}\""

    def call(self, fn, rng):
        """fn called the way this case calls it, with the given Generator."""
        n_in, n_out = (np.int64(self.n_in), np.int64(self.n_out)) if self.numpy_ints else (self.n_in, self.n_out)
        if self.scheme is None:
            return fn(n_in, n_out, rng)
        if self.positional:
            return fn(n_in, n_out, rng, self.scheme)
        return fn(n_in, n_out, rng, scheme=self.scheme)


def _init_cases(hidden):
    cases = [
        InitCase(250, 160, "he", seed=0),
        InitCase(250, 160, "xavier", seed=1),
        InitCase(250, 160, "small", seed=2),
        InitCase(250, 160, "zeros", seed=3),
        InitCase(250, 160, None, seed=4),
    ]
    if hidden:
        cases += [
            InitCase(40, 1000, "he", seed=5),
            InitCase(40, 1000, "xavier", seed=6),
            InitCase(40, 1000, "small", seed=7),
            InitCase(40, 1000, "zeros", seed=8),
            InitCase(1000, 40, "xavier", seed=9, positional=True),
            InitCase(160, 250, "he", seed=10, numpy_ints=True),
            # Too few weights for statistics, but shapes, biases and the use of rng still count.
            InitCase(3, 2, "he", seed=11),
            InitCase(1, 7, "xavier", seed=12),
            InitCase(5, 1, "small", seed=13),
            InitCase(2, 3, "zeros", seed=14),
        ]
    return cases


def _call(fn, case, seed):
    """Call fn once as the case says, with default_rng(seed).

    Returns the Outcome (see core.run), whether NumPy's global random state changed, and whether the
    Generator's state moved on. The global state is restored afterwards, so a student's use of it leaves
    no trace in the notebook and cannot make two runs of the check differ.
    """
    rng = np.random.default_rng(seed)
    rng_state = rng.bit_generator.state
    global_state = np.random.get_state()
    try:
        outcome = run(lambda: case.call(fn, rng), Case(()), [])
        global_changed = not same_value(np.random.get_state(), global_state)
    finally:
        np.random.set_state(global_state)
    return outcome, global_changed, rng.bit_generator.state != rng_state


def _behaviour(outcome):
    """The generic problem with a call, if any, and its symptom (what a mistake must share to match)."""
    problem = behaviour_problem(outcome)
    return problem, (type(outcome.error), frozenset(outcome.warnings))


def _describe(value):
    """What came back, in a line: a whole W would fill the screen."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"{format_value(value)} (type {type(value).__name__})"


def _weights_and_bias(value, case):
    """W and b as arrays, or the Problem (and its symptom) that stops the check from reading them."""
    if not (isinstance(value, tuple | list) and len(value) == 2):
        cause = ("the function returns None: is a `return` statement missing?" if value is None
                 else "end the function with `return W, b`.")
        return None, None, Problem("pair", (f"got      {_describe(value)}", "expected a pair (W, b)"), cause), \
            type(value)
    try:
        W, b = np.asarray(value[0]), np.asarray(value[1])
    except (TypeError, ValueError):
        W = b = np.asarray(None)
    if W.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
        return None, None, Problem("type", (f"got      W of type {type(value[0]).__name__}, b of type "
                                            f"{type(value[1]).__name__}", "expected NumPy arrays of numbers"),
                                   "build W and b with NumPy: rng.standard_normal(...), np.zeros(...)."), None
    if W.shape != (case.n_in, case.n_out) or b.shape != (case.n_out,):
        return None, None, Problem(
            "shape", (f"got      W of shape {W.shape}, b of shape {b.shape}",
                      f"expected W of shape ({case.n_in}, {case.n_out}) = (n_in, n_out), "
                      f"b of shape ({case.n_out},) = (n_out,)"),
            "W has one row per input and one column per neuron; b has one entry per neuron."), (W.shape, b.shape)
    return W, b, None, None


def _statistics_problem(W, case):
    """The first way W's mean, spread or distribution is off for the case's scheme, with its symptom."""
    scheme = case.effective_scheme
    target_of, formula = TARGET_STD[scheme]
    target = target_of(case.n_in)
    # NumPy floats and no warnings: a W of huge or constant values must fail the check, not make it warn
    # (which nbgrader would score as a failure of the whole cell) or divide by zero.
    with np.errstate(all="ignore"):
        mean, std = np.float64(W.mean()), np.float64(W.std())
        mean_in_stds, std_ratio = float(mean / std), float(std / target)
        within = float(np.mean(np.abs(W - mean) <= std))
    # The mean is judged against W's own spread, so that a W that is merely too wide (whose mean wanders
    # further from 0 by chance) is reported for its spread, not for its mean. `not <=` also fails nan.
    if not abs(mean_in_stds) <= MEAN_TOLERANCE:
        return Problem("mean", (f"got      W with mean {mean:.4g} ({mean_in_stds:.3g} × its standard deviation "
                                f"{std:.4g})",
                                f"expected a mean close to 0 (within {MEAN_TOLERANCE:g} × its standard deviation)"),
                       "the weights are centred on 0: scale a standard normal draw, rng.standard_normal."), \
            mean_in_stds
    if not abs(std_ratio - 1) <= STD_TOLERANCE:
        shown = f" = {formula} = {formula.replace('n_in', str(case.n_in))}" if formula else ""
        return Problem("std", (f"got      W with standard deviation {std:.4g} ({std_ratio:.3g} × the target)",
                               f"expected standard deviation {target:.4g}{shown} for \"{scheme}\" "
                               f"(within {STD_TOLERANCE:.0%})"),
                       "multiply a standard normal draw by the scheme's standard deviation: \"small\" 0.01, "
                       "\"xavier\" sqrt(1 / n_in), \"he\" sqrt(2 / n_in)."), std_ratio
    if not abs(within - NORMAL_WITHIN_ONE_STD) <= WITHIN_ONE_STD_TOLERANCE:
        return Problem("distribution", (f"got      {within:.1%} of the weights within one standard deviation "
                                        "of their mean",
                                        f"expected about {NORMAL_WITHIN_ONE_STD:.1%}, as for a normal "
                                        f"distribution (within {WITHIN_ONE_STD_TOLERANCE * 100:g} points)"),
                       "draw from a normal distribution, rng.standard_normal or rng.normal, not a uniform "
                       "one."), within
    return None, None


def _rng_problem(kind, seed):
    """The Problem for a W that does not come from rng the way the contract asks."""
    lines, cause = {
        "global_random_state": (
            ("got      NumPy's global random state changed by the call",
             "expected every random number drawn from rng, the global state untouched"),
            "draw from the rng argument, rng.standard_normal((n_in, n_out)); np.random.randn, np.random.normal "
            "and np.random.seed use NumPy's hidden global state."),
        "rng_unused": (
            ("got      rng's state unchanged: nothing was drawn from it",
             "expected W drawn from rng, which moves its state on"),
            "the randomness must come from the rng argument, not from a Generator made inside the function."),
        "not_reproducible": (
            (f"got      different W from two calls, each with a new np.random.default_rng({seed})",
             "expected the same W for the same seed"),
            "take every random number from rng, and nothing from elsewhere (the clock, np.random, a new "
            "Generator)."),
        "same_for_every_seed": (
            (f"got      the same W from np.random.default_rng({seed}) and np.random.default_rng({seed + 1})",
             "expected different W for different seeds"),
            "W must come from rng's draws, so that a different seed gives different weights."),
    }[kind]
    return Problem(kind, lines, cause)


def _weights(outcome):
    """W from a later call's result, or None where there is no W to read."""
    value = outcome.value
    if not (isinstance(value, tuple | list) and len(value) == 2):
        return None
    try:
        return np.asarray(value[0])
    except (TypeError, ValueError):
        return None


def _inspect_init(fn, case):
    """The first Problem with fn on the case and its symptom, or (None, None) when fn passes the case."""
    outcome, global_changed, rng_used = _call(fn, case, case.seed)
    problem, symptom = _behaviour(outcome)
    if problem is not None:
        return problem, symptom
    if global_changed:
        return _rng_problem("global_random_state", case.seed), None
    W, b, problem, symptom = _weights_and_bias(outcome.value, case)
    if problem is not None:
        return problem, symptom
    if not np.isfinite(W).all():
        return Problem("nonfinite", (f"got      W with {int((~np.isfinite(W)).sum())} nan or inf entries",
                                     "expected finite numbers"),
                       "look for a division by zero or a square root of a negative number."), None
    if np.any(b != 0):
        return Problem("bias", (f"got      b = {format_value(b)}", f"expected b = zeros of shape ({case.n_out},)"),
                       "the biases start at zero: b = np.zeros(n_out); only W is random."), None
    if case.scheme == "zeros":
        if np.any(W != 0):
            return Problem("zeros", (f"got      W with {int(np.count_nonzero(W))} nonzero entries of {W.size}",
                                     "expected W all zeros"),
                           "scheme \"zeros\" means W = np.zeros((n_in, n_out)), no random draw."), None
        return None, None
    if not rng_used:
        return _rng_problem("rng_unused", case.seed), None
    for seed, same, kind in ((case.seed, True, "not_reproducible"), (case.seed + 1, False, "same_for_every_seed")):
        other, _, _ = _call(fn, case, seed)
        problem, symptom = _behaviour(other)
        if problem is not None:
            return problem, symptom
        other_W = _weights(other)
        if (other_W is not None and np.array_equal(other_W, W)) != same:
            return _rng_problem(kind, case.seed), None
    if W.size < MIN_STATISTICS_SIZE:
        return None, None
    return _statistics_problem(W, case)


def _same_symptom(first, second):
    if isinstance(first, float) and isinstance(second, float):
        return math.isclose(first, second, rel_tol=SYMPTOM_RTOL)
    return first == second


def check_init_dense(fn, hidden=False):
    """init_dense returns W (n_in, n_out) drawn from rng with each scheme's spread, and b zeros of (n_out,).

    Checked for every case: the call behaves (no error, warning or stderr), leaves NumPy's global random
    state alone, returns the pair with the right shapes and zero biases; "zeros" gives W all zeros; the
    random schemes draw from rng (its state moves on, the same seed gives the same W, another seed another
    W) and, on at least 40,000 weights, have mean about 0, the scheme's standard deviation within 3% and
    the spread of a normal distribution.
    """
    require_function(fn, "init_dense")
    cases = _init_cases(hidden)
    for case in cases:
        problem, symptom = _inspect_init(fn, case)
        if problem is None:
            continue
        known = None
        for mistake in MISTAKES["init_dense"]:
            other, other_symptom = _inspect_init(mistake.fn, case)
            if other is not None and other.kind == problem.kind and _same_symptom(symptom, other_symptom):
                known = mistake
                break
        raise CheckFailed(failure_message("init_dense", case.label, problem, known))
    print(f"✓ init_dense: {len(cases)} cases passed")


CHECKS = {"dense_forward": check_dense_forward, "init_dense": check_init_dense}
