"""Checks for notebook 02: a dense layer's forward pass on a batch, and its initialisation."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.core import (
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
    format_value,
    seed_text,
)
from autograde_tests.messages import format_pair
from autograde_tests.mistakes import nb02 as catalogue
from course_lib import layers

SEED = 2

FORWARD_HINT = ("X is (N, n_in) with one sample per row, W is (n_in, n_out) with one column per neuron, and b "
                "(n_out,) holds one bias per neuron: each output row is that sample's matrix product with W, "
                "plus b.")


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
        rng = case_rng(SEED)
        X, W, b = rng.standard_normal((7, 5)), rng.standard_normal((5, 3)), rng.standard_normal(3)
        cases += [
            Case((X, W, b), label=f"X (7, 5), W (5, 3), b (3,): standard normal from {seed_text(SEED)}",
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
    check_cases(fn, "dense_forward", layers.dense_forward, cases)


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

# Each random scheme's standard deviation, and its formula when it depends on n_in.
TARGET_STD = {
    "small": (lambda n_in: 0.01, ""),
    "xavier": (lambda n_in: np.sqrt(1 / n_in), "sqrt(1 / n_in)"),
    "he": (lambda n_in: np.sqrt(2 / n_in), "sqrt(2 / n_in)"),
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

    def with_seed(self, seed):
        """The call this case makes, as a core.Case, with np.random.default_rng(seed) as rng."""
        n_in, n_out = (np.int64(self.n_in), np.int64(self.n_out)) if self.numpy_ints else (self.n_in, self.n_out)
        args = (n_in, n_out, np.random.default_rng(seed))
        if self.scheme is None:
            return Case(args, label=self.label)
        if self.positional:
            return Case(args + (self.scheme,), label=self.label)
        return Case(args, {"scheme": self.scheme}, label=self.label)


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


def _weights_and_bias(value, case):
    """W and b, or the Problem (and its symptom) that stops the check from reading them."""
    if not (isinstance(value, tuple | list) and len(value) == 2):
        cause = ("the function returns None: is a `return` statement missing?" if value is None
                 else "the function returns the two arrays together, W first.")
        return None, None, Problem("pair", (f"got      {describe(value)}", "expected a pair (W, b)"), cause), \
            type(value).__name__
    W, b = value
    if not (isinstance(W, np.ndarray) and isinstance(b, np.ndarray)):
        return None, None, Problem("type", (f"got      W: {describe(W)}; b: {describe(b)}",
                                            "expected NumPy arrays of floats"),
                                   "build W and b as NumPy arrays (NumPy's random draws and zeros are arrays)."), \
            (type(W).__name__, type(b).__name__)
    if W.dtype.kind != "f" or b.dtype.kind != "f":
        return None, None, Problem("dtype", (f"got      W: {describe(W)}; b: {describe(b)}",
                                             "expected arrays of floats"),
                                   "the exercise asks for float arrays: training later changes them by "
                                   "fractions, which an integer array cannot hold."), (W.dtype.kind, b.dtype.kind)
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
                       "the weights are centred on 0: scale a standard normal draw."), \
            mean_in_stds
    if not abs(std_ratio - 1) <= STD_TOLERANCE:
        shown = f" = {formula} = {formula.replace('n_in', str(case.n_in))}" if formula else ""
        std_text, target_text = format_pair(std, target, differs=True)
        return Problem("std", (f"got      W with standard deviation {std_text} ({std_ratio:.3g} × the target)",
                               f"expected standard deviation {target_text}{shown} for \"{scheme}\" "
                               f"(within {STD_TOLERANCE:.0%})"),
                       "scale a standard normal draw by the scheme's standard deviation: 0.01 for \"small\", "
                       "the square root of the variance 1 / n_in or 2 / n_in for \"xavier\" and \"he\"."), \
            std_ratio
    if not abs(within - NORMAL_WITHIN_ONE_STD) <= WITHIN_ONE_STD_TOLERANCE:
        return Problem("distribution", (f"got      {within:.1%} of the weights within one standard deviation "
                                        "of their mean",
                                        f"expected about {NORMAL_WITHIN_ONE_STD:.1%}, as for a normal "
                                        f"distribution (within {WITHIN_ONE_STD_TOLERANCE * 100:g} points)"),
                       "draw from a normal distribution, not a uniform one."), within
    return None, None


def _rng_problem(kind, seed, scheme):
    """The Problem for a W that does not come from rng the way the contract asks."""
    lines, cause = {
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
        "all_zero": (
            (f"got      W all zeros for scheme \"{scheme}\"",
             "expected random weights"),
            "every weight came out as exactly 0, so the draws were multiplied by a scale of 0: look at how "
            "the scale is computed from n_in."),
    }[kind]
    return Problem(kind, lines, cause)


def _weights(outcome):
    """W from a later call's result, or None where there is no W to read."""
    value = outcome.value
    if isinstance(value, tuple | list) and len(value) == 2 and isinstance(value[0], np.ndarray):
        return value[0]
    return None


INIT_PARAMETERS = ("n_in", "n_out", "rng", "scheme")


def _behaviour_symptom(outcome):
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random


def _inspect_init(fn, case):
    """The Verdict on fn for one InitCase: the first problem found, and its symptom."""
    outcome = call_student(fn, case.with_seed(case.seed), INIT_PARAMETERS)
    problem = behaviour_problem(outcome)
    if problem is not None:
        return Verdict(problem, _behaviour_symptom(outcome))
    W, b, problem, symptom = _weights_and_bias(outcome.value, case)
    if problem is not None:
        return Verdict(problem, symptom)
    if not np.isfinite(W).all():
        return Verdict(Problem("nonfinite", (f"got      W with {int((~np.isfinite(W)).sum())} nan or inf entries",
                                             "expected finite numbers"),
                               "look for a division by zero or a square root of a negative number."))
    if np.any(b != 0):
        return Verdict(Problem("bias", (f"got      b = {format_value(b)}",
                                        f"expected b = zeros of shape ({case.n_out},)"),
                               "the biases start at zero; only W is random."))
    if case.scheme == "zeros":
        if np.any(W != 0):
            return Verdict(Problem("zeros", (f"got      W with {int(np.count_nonzero(W))} nonzero entries of {W.size}",
                                             "expected W all zeros"),
                                   "scheme \"zeros\" means W of zeros, with no random draw."))
        return Verdict(None)
    if not np.any(W):
        return Verdict(_rng_problem("all_zero", case.seed, case.effective_scheme))
    if not outcome.generators_used:
        return Verdict(_rng_problem("rng_unused", case.seed, case.effective_scheme))
    for seed, same, kind in ((case.seed, True, "not_reproducible"), (case.seed + 1, False, "same_for_every_seed")):
        other = call_student(fn, case.with_seed(seed), INIT_PARAMETERS)
        problem = behaviour_problem(other)
        if problem is not None:
            return Verdict(problem, _behaviour_symptom(other))
        other_W = _weights(other)
        if (other_W is not None and np.array_equal(other_W, W)) != same:
            return Verdict(_rng_problem(kind, case.seed, case.effective_scheme))
    if W.size < MIN_STATISTICS_SIZE:
        return Verdict(None)
    problem, symptom = _statistics_problem(W, case)
    return Verdict(problem, symptom)


def check_init_dense(fn, hidden=False):
    """init_dense returns W (n_in, n_out) drawn from rng with each scheme's spread, and b zeros of (n_out,).

    Checked for every case: the call behaves (no error, warning or stderr, NumPy's global random state
    left alone), returns the pair of float arrays with the right shapes and zero biases; "zeros" gives W
    all zeros; the random schemes draw from rng (its state moves on, the same seed gives the same W,
    another seed another W) and, on at least 40,000 weights, have mean about 0, the scheme's standard
    deviation within 3% and the spread of a normal distribution.
    """
    check_with(fn, "init_dense", _init_cases(hidden), _inspect_init)


NOTEBOOK = Notebook("02_layers_and_batches", [
    ("dense_forward", check_dense_forward, layers.dense_forward),
    ("init_dense", check_init_dense, layers.init_dense),
], catalogue)
CHECKS = NOTEBOOK.checks
