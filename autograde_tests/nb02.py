"""Checks for notebook 02: a dense layer's forward pass on a batch, and its initialisation.

init_dense's check also holds what the checks of random functions in notebooks 08 and 09 share with it:
`SeededCase` (one call with its seed), `failed` and `pair_verdict` (verdicts), and the weight statistics
(`STD`, `weight_statistics` and their tolerances)."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.calling import call_student
from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem
from autograde_tests.messages import describe, format_pair, format_value
from autograde_tests.properties import behaviour_verdict, reproducibility, rng_unused
from course_lib import layers

SEED = 2

FORWARD_HINT = ("X is (N, n_in) with one sample per row, W is (n_in, n_out) with one column per neuron, and b "
                "(n_out,) holds one bias per neuron: each output row is that sample's matrix product with W, "
                "plus b.")


def _dense_forward_cases(hidden):
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
    return cases


DENSE_FORWARD = Exercise("dense_forward", layers.dense_forward, _dense_forward_cases)
check_dense_forward = DENSE_FORWARD.check


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

# Each random scheme's standard deviation for a layer of n_in inputs and n_out outputs (only catalogued
# mistakes use n_out), and its formula where it depends on n_in.
STD = {
    "small": lambda n_in, n_out: 0.01,
    "xavier": lambda n_in, n_out: np.sqrt(1 / n_in),
    "he": lambda n_in, n_out: np.sqrt(2 / n_in),
}
STD_FORMULA = {"xavier": "sqrt(1 / n_in)", "he": "sqrt(2 / n_in)"}


def weight_statistics(W, target_std):
    """What the weight checks measure on W, and the first of them that is off for a scheme whose standard
    deviation is `target_std`: (off, mean, std, mean_in_stds, std_ratio, within), off being "mean", "std",
    "distribution" or None, within the fraction of W within one standard deviation of its mean."""
    # NumPy floats and no warnings: a W of huge or constant values must fail the check, not make it warn
    # (which nbgrader would score as a failure of the whole cell) or divide by zero.
    with np.errstate(all="ignore"):
        mean, std = np.float64(W.mean()), np.float64(W.std())
        mean_in_stds, std_ratio = float(mean / std), float(std / target_std)
        within = float(np.mean(np.abs(W - mean) <= std))
    # The mean is judged against W's own spread, so that a W that is merely too wide (whose mean wanders
    # further from 0 by chance) is reported for its spread, not for its mean. `not <=` also fails nan.
    off = ("mean" if not abs(mean_in_stds) <= MEAN_TOLERANCE
           else "std" if not abs(std_ratio - 1) <= STD_TOLERANCE
           else "distribution" if not abs(within - NORMAL_WITHIN_ONE_STD) <= WITHIN_ONE_STD_TOLERANCE
           else None)
    return off, mean, std, mean_in_stds, std_ratio, within


class SeededCase:
    """One call of a random function, for a dataclass with the fields `seed` and `positional`: its own
    arguments (`arguments()`, shown as `text`), rng = np.random.default_rng(seed), and the optional last
    argument held by the field that `option` names. None leaves that argument out (`left_out` says what
    applies then); otherwise it is passed by keyword, or by position when `positional` is True.
    `call(seed)` is the cases.Case of the same call with another seed, as properties.reproducibility
    needs."""

    @property
    def label(self):
        value = getattr(self, self.option)
        text = f"{self.text}, rng = np.random.default_rng({self.seed})"
        if value is None:
            return f"{text}, {self.option} left out (so {self.left_out})"
        shown = f'"{value}"' if isinstance(value, str) else value
        return f"{text}, {shown} passed by position" if self.positional else f"{text}, {self.option} = {shown}"

    def call(self, seed):
        args, value = (*self.arguments(), np.random.default_rng(seed)), getattr(self, self.option)
        if value is None:
            return Case(args, label=self.label)
        if self.positional:
            return Case((*args, value), label=self.label)
        return Case(args, {self.option: value}, label=self.label)


def failed(kind, got, expected, cause, symptom=None):
    """The Verdict of a property that does not hold: what came back, what was expected, the likely cause."""
    return Verdict(Problem(kind, (f"got      {got}", f"expected {expected}"), cause), symptom)


def pair_verdict(value, parts, cause):
    """The Verdict when a result that should be the pair `parts`, such as "(W, b)", is not a pair."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return None
    if value is None:
        cause = "the function returns None: is a `return` statement missing?"
    return failed("pair", describe(value), f"a pair {parts}", cause, type(value).__name__)


@dataclass(frozen=True)
class InitCase(SeededCase):
    """One way of calling init_dense. scheme None leaves the argument out, so the default ("he") applies."""

    option, left_out = "scheme", 'the default, "he"'
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
    def text(self):
        if self.numpy_ints:
            return f"n_in = np.int64({self.n_in}), n_out = np.int64({self.n_out})"
        return f"n_in = {self.n_in}, n_out = {self.n_out}"

    def arguments(self):
        return (np.int64(self.n_in), np.int64(self.n_out)) if self.numpy_ints else (self.n_in, self.n_out)


def _init_cases(hidden):
    """init_dense returns W (n_in, n_out) drawn from rng with each scheme's spread, and b zeros of (n_out,).

    Checked for every case: the call behaves (no error, warning or stderr, NumPy's global random state
    left alone), returns the pair of float arrays with the right shapes and zero biases; "zeros" gives W
    all zeros; the random schemes draw from rng (its state moves on, the same seed gives the same W,
    another seed another W) and, on at least 40,000 weights, have mean about 0, the scheme's standard
    deviation within 3% and the spread of a normal distribution.
    """
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


INIT_PARAMETERS = ("n_in", "n_out", "rng", "scheme")


def _pair_of_arrays_verdict(value, case):
    """The Verdict when the result is not a pair (W, b) of float arrays of the right shapes, else None."""
    verdict = pair_verdict(value, "(W, b)", "the function returns the two arrays together, W first.")
    if verdict is not None:
        return verdict
    W, b = value
    if not (isinstance(W, np.ndarray) and isinstance(b, np.ndarray)):
        return failed("type", f"W: {describe(W)}; b: {describe(b)}", "NumPy arrays of floats",
                      "build W and b as NumPy arrays (NumPy's random draws and zeros are arrays).",
                      (type(W).__name__, type(b).__name__))
    if W.dtype.kind != "f" or b.dtype.kind != "f":
        return failed("dtype", f"W: {describe(W)}; b: {describe(b)}", "arrays of floats",
                      "the exercise asks for float arrays: training later changes them by fractions, which an integer "
                      "array cannot hold.", (W.dtype.kind, b.dtype.kind))
    if W.shape != (case.n_in, case.n_out) or b.shape != (case.n_out,):
        return failed("shape", f"W of shape {W.shape}, b of shape {b.shape}",
                      f"W of shape ({case.n_in}, {case.n_out}) = (n_in, n_out), b of shape ({case.n_out},) = (n_out,)",
                      "W has one row per input and one column per neuron; b has one entry per neuron.",
                      (W.shape, b.shape))
    return None


def _statistics_verdict(W, case):
    """The Verdict on W's mean, spread and distribution for the case's scheme."""
    scheme = case.effective_scheme
    target = STD[scheme](case.n_in, case.n_out)
    off, mean, std, mean_in_stds, std_ratio, within = weight_statistics(W, target)
    if off == "mean":
        return failed("mean", f"W with mean {mean:.4g} ({mean_in_stds:.3g} × its standard deviation {std:.4g})",
                      f"a mean close to 0 (within {MEAN_TOLERANCE:g} × its standard deviation)",
                      "the weights are centred on 0: scale a standard normal draw.", mean_in_stds)
    if off == "std":
        formula = STD_FORMULA.get(scheme)
        shown = f" = {formula} = {formula.replace('n_in', str(case.n_in))}" if formula else ""
        std_text, target_text = format_pair(std, target, differs=True)
        return failed("std", f"W with standard deviation {std_text} ({std_ratio:.3g} × the target)",
                      f"standard deviation {target_text}{shown} for \"{scheme}\" (within {STD_TOLERANCE:.0%})",
                      "scale a standard normal draw by the scheme's standard deviation: 0.01 for \"small\", the square "
                      "root of the variance 1 / n_in or 2 / n_in for \"xavier\" and \"he\".", std_ratio)
    if off == "distribution":
        return failed("distribution", f"{within:.1%} of the weights within one standard deviation of their mean",
                      f"about {NORMAL_WITHIN_ONE_STD:.1%}, as for a normal distribution (within "
                      f"{WITHIN_ONE_STD_TOLERANCE * 100:g} points)",
                      "draw from a normal distribution, not a uniform one.", within)
    return Verdict(None)


def _weights(value):
    """W from a call's result, or None where there is no W to read."""
    if isinstance(value, tuple | list) and len(value) == 2 and isinstance(value[0], np.ndarray):
        return value[0]
    return None


def _inspect_init(fn, case):
    """The Verdict on fn for one InitCase: the first problem found, and its symptom."""
    outcome = call_student(fn, case.call(case.seed), INIT_PARAMETERS)
    verdict = behaviour_verdict(outcome) or _pair_of_arrays_verdict(outcome.value, case)
    if verdict is not None:
        return verdict
    W, b = outcome.value
    if not np.isfinite(W).all():
        return failed("nonfinite", f"W with {int((~np.isfinite(W)).sum())} nan or inf entries", "finite numbers",
                      "look for a division by zero or a square root of a negative number.")
    if np.any(b != 0):
        return failed("bias", f"b = {format_value(b)}", f"b = zeros of shape ({case.n_out},)",
                      "the biases start at zero; only W is random.")
    if case.scheme == "zeros":
        if np.any(W != 0):
            return failed("zeros", f"W with {int(np.count_nonzero(W))} nonzero entries of {W.size}", "W all zeros",
                          "scheme \"zeros\" means W of zeros, with no random draw.")
        return Verdict(None)
    if not np.any(W):
        return failed("all_zero", f"W all zeros for scheme \"{case.effective_scheme}\"", "random weights",
                      "every weight came out as exactly 0, so the draws were multiplied by a scale of 0: look at how "
                      "the scale is computed from n_in.")
    verdict = rng_unused(outcome, "W") or reproducibility(fn, case, INIT_PARAMETERS, _weights, W, "W")
    if verdict is not None:
        return verdict
    return Verdict(None) if W.size < MIN_STATISTICS_SIZE else _statistics_verdict(W, case)


INIT_DENSE = Exercise("init_dense", layers.init_dense, _init_cases, inspect=_inspect_init)
check_init_dense = INIT_DENSE.check


# ---------------------------------------------------------------------------------------------
# dense_forward: known mistakes, the more specific first


DENSE_FORWARD.mistake("W transposed", "W has shape (n_in, n_out), one column per neuron; multiplying by its "
                      "transpose uses each neuron's weights as if they were an input's.")(lambda X, W, b: X @ W.T + b)

DENSE_FORWARD.mistake("samples as columns", "multiplying W's transpose by X's transpose puts the samples in columns "
                      "and gives the (n_out, N) transpose of the answer: the course keeps samples in rows.")(
    lambda X, W, b: W.T @ X.T + b[:, None])

DENSE_FORWARD.mistake("bias forgotten", "every sample's outputs get the layer's biases added after the product.")(
    lambda X, W, b: X @ W)

DENSE_FORWARD.mistake("bias along the wrong axis", "b has one entry per neuron (per column of the output) and "
                      "broadcasts along each row; turning it into a column adds b[i] to sample i instead.")(
    lambda X, W, b: X @ W + b[:, None])

DENSE_FORWARD.mistake("biases summed", "each neuron adds its own bias: add the vector b, not its total.")(
    lambda X, W, b: X @ W + b.sum())


@DENSE_FORWARD.mistake("overwrites X", "writing the outputs into the rows of X destroys the caller's batch (and only "
                       "fits when n_in == n_out): compute the result into a new array.")
def _forward_overwrites_rows_of_x(X, W, b):
    for i in range(len(X)):
        X[i] = X[i] @ W + b
    return X


DENSE_FORWARD.mistake("loop skips the last sample", "the loop stops one row early: range(n) already stops before n. "
                      "A single matrix product handles every sample at once, without a loop.")(
    lambda X, W, b: np.array([X[i] @ W + b for i in range(len(X) - 1)]))

DENSE_FORWARD.mistake("first sample only", "X holds a batch, one sample per row: the output has one row per sample, "
                      "shape (N, n_out).")(lambda X, W, b: X[0] @ W + b)

DENSE_FORWARD.mistake("returns a list", "the numbers are right, but the exercise asks for a NumPy array: a list of "
                      "lists has no .shape, and the next layer's matrix product and the plots need an array.")(
    lambda X, W, b: [[float(X[i] @ W[:, j] + b[j]) for j in range(W.shape[1])] for i in range(len(X))])

DENSE_FORWARD.alternative(lambda X, W, b: np.dot(X, W) + b)
DENSE_FORWARD.alternative(lambda X, W, b: np.einsum("ni,io->no", X, W) + b)
DENSE_FORWARD.alternative(lambda X, W, b: (X[:, :, None] * W[None, :, :]).sum(axis=1) + b)
DENSE_FORWARD.alternative(lambda X, W, b: (W.T @ X.T).T + b)
DENSE_FORWARD.alternative(lambda X, W, b: X @ W + b.reshape(1, -1))


@DENSE_FORWARD.alternative
def _forward_loop(X, W, b):
    out = np.zeros((X.shape[0], W.shape[1]), dtype=np.result_type(X, W, b))
    for i in range(X.shape[0]):
        out[i] = X[i] @ W + b
    return out


# ---------------------------------------------------------------------------------------------
# init_dense: known mistakes, the more specific first


def _init(default="he", draw=lambda rng, shape, std: rng.standard_normal(shape) * std, transposed=False,
          result=lambda W, b, rng: (W, b), **wrong_std):
    """A correct init_dense but for what is given: the default scheme; how W is drawn from rng for a
    standard deviation; W of shape (n_out, n_in); what is returned instead of (W, b); and the standard
    deviation of some schemes (scheme -> function (n_in, n_out) -> std; with "zeros" among them, that
    scheme is drawn too)."""
    std = {**STD, **wrong_std}

    def init_dense(n_in, n_out, rng, scheme=default):
        shape = (n_out, n_in) if transposed else (n_in, n_out)
        if scheme == "zeros" and scheme not in std:
            return result(np.zeros(shape), np.zeros(n_out), rng)
        return result(draw(rng, shape, std[scheme](n_in, n_out)), np.zeros(n_out), rng)

    return init_dense


INIT_DENSE.mistake("default scheme not he", "when scheme is not given, the exercise's default is \"he\": the "
                   "signature's default value must be \"he\".")(_init(default="xavier"))

INIT_DENSE.mistake("he with sqrt(1 / n_in)", "that is xavier's standard deviation; he doubles the variance, to 2 / "
                   "n_in.")(_init(he=STD["xavier"]))

INIT_DENSE.mistake("variance used as the standard deviation", "2 / n_in (he) and 1 / n_in (xavier) are variances, and "
                   "a standard normal draw has standard deviation 1: scale it by the square root of the variance.")(
    _init(he=lambda n_in, n_out: 2 / n_in, xavier=lambda n_in, n_out: 1 / n_in))

INIT_DENSE.mistake("he with n_in + n_out", "he's variance is 2 / n_in, counting only the inputs of each neuron, not 2 "
                   "/ (n_in + n_out).")(_init(he=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out))))

INIT_DENSE.mistake("he with n_out", "he's variance is 2 / n_in, with n_in the number of inputs (rows of W), not 2 / "
                   "n_out.")(_init(he=lambda n_in, n_out: np.sqrt(2 / n_out)))

INIT_DENSE.mistake("xavier with n_out", "this course's xavier variance is 1 / n_in, with n_in the number of inputs "
                   "(rows of W), not 1 / n_out.")(_init(xavier=lambda n_in, n_out: np.sqrt(1 / n_out)))

INIT_DENSE.mistake("xavier as 2 / (n_in + n_out)", "that is Glorot's averaged form; this course's xavier is N(0, 1 / "
                   "n_in).")(_init(xavier=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out))))

INIT_DENSE.mistake("small without the 0.01", "\"small\" is 0.01 times a standard normal draw.")(
    _init(small=lambda n_in, n_out: 1.0))

INIT_DENSE.mistake("integer division in the scale", "in Python, // is integer division: 2 // 250 is 0, so every "
                   "weight is multiplied by 0. The variance is the true quotient 2 / n_in.")(
    _init(xavier=lambda n_in, n_out: np.sqrt(1 // n_in), he=lambda n_in, n_out: np.sqrt(2 // n_in)))

# "zeros" falls through to the branch meant for "small".
INIT_DENSE.mistake("zeros scheme not handled", "scheme \"zeros\" gives W of zeros, with no random draw at all.")(
    _init(zeros=STD["small"]))


@INIT_DENSE.mistake("integer zeros", "the zeros are integers: the exercise asks for float arrays, which training can "
                    "later change by fractions.")
def _init_integer_zeros(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_in, n_out), dtype=int), np.zeros(n_out, dtype=int)
    return _init()(n_in, n_out, rng, scheme)


INIT_DENSE.mistake("W of shape (n_out, n_in)", "W has one row per input and one column per neuron, shape (n_in, "
                   "n_out), so that a batch of shape (N, n_in) can be multiplied by it.")(_init(transposed=True))

INIT_DENSE.mistake("b of shape (1, n_out)", "b is a vector of shape (n_out,), not a (1, n_out) row.")(
    _init(result=lambda W, b, rng: (W, np.zeros((1, len(b))))))

INIT_DENSE.mistake("returns (b, W)", "the pair comes in the order (W, b).")(_init(result=lambda W, b, rng: (b, W)))

INIT_DENSE.mistake("returns W alone", "init_dense returns the pair (W, b), not W alone.")(
    _init(result=lambda W, b, rng: W))

INIT_DENSE.mistake("random biases", "biases start at zero; only W is random.")(
    _init(result=lambda W, b, rng: (W, rng.standard_normal(len(b)) * 0.01)))

INIT_DENSE.mistake("np.random instead of rng", "np.random's functions (randn, normal, seed) use NumPy's hidden "
                   "global state, so the result depends on whatever ran before. Draw from the rng argument.")(
    _init(draw=lambda rng, shape, std: np.random.randn(*shape) * std))

INIT_DENSE.mistake("own Generator instead of rng", "a Generator created inside the function ignores the one the "
                   "caller passed, so every call gives the same W whatever rng it gets: draw from the rng argument.")(
    _init(draw=lambda rng, shape, std: np.random.default_rng(0).standard_normal(shape) * std))

# Uniform on [-a, a] has standard deviation a / sqrt(3): the right spread, the wrong distribution.
INIT_DENSE.mistake("uniform instead of normal", "the schemes draw from a normal (Gaussian) distribution, not a "
                   "uniform one, even one with the right spread.")(
    _init(draw=lambda rng, shape, std: rng.uniform(-np.sqrt(3) * std, np.sqrt(3) * std, size=shape)))

INIT_DENSE.mistake("rng.random instead of a normal draw", "rng.random gives uniform numbers in [0, 1), all positive; "
                   "the schemes need standard normal draws, centred on 0.")(
    _init(draw=lambda rng, shape, std: rng.random(shape) * std))


@INIT_DENSE.alternative
def _init_normal_scale(n_in, n_out, rng, scheme="he"):
    scale = {"zeros": 0.0, "small": 0.01, "xavier": (1 / n_in) ** 0.5, "he": (2 / n_in) ** 0.5}[scheme]
    if scale == 0.0:
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return rng.normal(0.0, scale, size=(n_in, n_out)), np.zeros(n_out)


@INIT_DENSE.alternative
def _init_column_by_column(n_in, n_out, rng, scheme="he"):
    W = np.zeros((n_in, n_out))
    if scheme != "zeros":
        std = {"small": 0.01, "xavier": np.sqrt(1 / n_in), "he": np.sqrt(2 / n_in)}[scheme]
        for j in range(n_out):
            W[:, j] = std * rng.standard_normal(n_in)
    return W, np.zeros(n_out)


@INIT_DENSE.alternative
def _init_transposed_draw(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros((n_out,))
    variance = {"small": 1e-4, "xavier": 1 / n_in, "he": 2 / n_in}[scheme]
    return np.sqrt(variance) * rng.standard_normal((n_out, n_in)).T, np.zeros(n_out)


NOTEBOOK = Notebook("02_layers_and_batches", [DENSE_FORWARD, INIT_DENSE])
CHECKS = NOTEBOOK.checks
