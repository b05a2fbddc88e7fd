"""Checks for notebook 10: batch normalisation forward (with its running statistics) and backward."""

from dataclasses import dataclass, field, replace

import numpy as np

from autograde_tests import core
from autograde_tests.core import (
    FLOAT32_TOLERANCE,
    Case,
    Notebook,
    Problem,
    Verdict,
    behaviour_problem,
    call_reference,
    call_student,
    case_rng,
    check_with,
    compare,
    describe,
    format_value,
    named_parts,
    same_value,
    seed_text,
    tolerance_for,
)
from autograde_tests.messages import text_then_arguments
from autograde_tests.mistakes import nb10 as catalogue
from course_lib import batchnorm

SEED = 10

FORWARD_PARAMETERS = ("Z", "gamma", "beta", "bn_state", "training", "momentum", "eps")

# ---------------------------------------------------------------------------------------------
# batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5) -> (out, cache)
#
# A case with `updates` judges only the updated arguments, so the inspector below judges both halves of
# the exercise on the same call: `out` against the reference's, then the caller's bn_state after the
# call against the reference's update of a copy. The cache is the student's own design: it is only
# required to be data (arrays and numbers in tuples, lists or dicts), because batchnorm_backward's
# check hands it back to the student's backward, across a process boundary when grading.

FORWARD_HINT = ("when training, every column (feature) is normalised with its own mean and its biased "
                "variance over the batch, eps inside the square root, then scaled by gamma and shifted by "
                "beta; the running statistics move a fraction momentum of the way towards the batch's.")
EVAL_HINT = ("in evaluation the running statistics stand in for the batch's: each sample is normalised on "
             "its own, and bn_state is read, not changed.")
EMPTY_HINT = ("an empty bn_state is the first training step: the running mean starts at zeros and the "
              "running variance at ones, and both are then updated with this batch.")


def _z_small():
    return np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5], [-1.0, 4.0, 2.5], [2.0, 1.0, 0.5]])


def _gamma_beta():
    return np.array([1.5, 0.5, -2.0]), np.array([0.1, -0.3, 1.0])


def _earlier_state():
    return {"running_mean": np.array([0.5, 0.2, -0.1]), "running_var": np.array([2.0, 0.5, 1.5])}


def _forward_label(given, arguments, training, extra=""):
    """`given` (text), then the arguments shown by value, then the mode and `extra`."""
    mode = "training" if training else "evaluation (training=False)"
    return text_then_arguments(given, arguments) + f", {mode}{extra} (out and the caller's bn_state are judged)"


def _forward_cases(hidden):
    Z, (gamma, beta) = _z_small(), _gamma_beta()
    earlier = _earlier_state()
    # The first three cases allow an error of 1e-4: eps added to the standard deviation instead of the
    # variance changes out by about 5e-6 there, a difference the message could not show in 4 digits; the
    # fourth case, with a feature that barely varies, shows it as one a student can read.
    loose = {"rtol": 1e-4, "atol": 1e-4}
    tiny = np.array([[2.0, 0.001, -1.0], [0.0, -0.001, 1.0], [1.0, 0.001, 0.0], [-1.0, -0.001, 2.0]])
    cases = [
        Case((Z, gamma, beta, earlier), updates=("bn_state",), hint=FORWARD_HINT, **loose,
             label=_forward_label("", [("Z", Z), ("gamma", gamma), ("beta", beta), ("bn_state", earlier)], True)),
        Case((Z, gamma, beta, earlier), {"training": False}, updates=("bn_state",), hint=EVAL_HINT, **loose,
             label=_forward_label("the same Z, gamma, beta,", [("bn_state", earlier)], False)),
        Case((Z, gamma, beta, {}), {"momentum": 0.5}, updates=("bn_state",), hint=EMPTY_HINT, **loose,
             label=_forward_label("the same Z, gamma, beta,", [("bn_state", {})], True, " (empty), momentum = 0.5")),
        Case((tiny, gamma, beta, earlier), updates=("bn_state",),
             hint="eps is added to the variance inside the square root; it matters when a feature barely varies.",
             label=_forward_label("column 1 of Z varies by 0.001 only, the same gamma and beta,",
                                  [("Z", tiny), ("bn_state", earlier)], True)),
    ]
    if hidden:
        rng = case_rng(SEED)
        Zr, g, b = rng.standard_normal((8, 5)) * 3.0 + 1.0, rng.standard_normal(5), rng.standard_normal(5)
        state = {"running_mean": rng.standard_normal(5), "running_var": rng.random(5) + 0.5}
        text = f"Z (8, 5), gamma, beta (5,) and bn_state drawn from {seed_text(SEED)}"
        as32 = {k: v.astype(np.float32) for k, v in state.items()}
        cases += [
            Case((Zr, g, b, state), {"momentum": 0.2}, updates=("bn_state",), hint=FORWARD_HINT,
                 label=f"{text}, training, momentum = 0.2 (out and the caller's bn_state are judged)"),
            Case((Zr.astype(np.float32), g.astype(np.float32), b.astype(np.float32), as32), updates=("bn_state",),
                 label="the same as float32, training (out and the caller's bn_state are judged)"),
            Case((Zr, g, b, state, False, 0.1, 1e-3), updates=("bn_state",), hint=EVAL_HINT,
                 label=f"{text}, training=False, momentum = 0.1, eps = 1e-3, all by position"),
            Case((Zr[:1], g, b, state), {"training": False}, updates=("bn_state",), hint=EVAL_HINT,
                 label="the first row of the same Z alone, (1, 5), in evaluation: one sample on its own"),
            Case((Zr, g, b, state), {"momentum": 0.0}, updates=("bn_state",),
                 label=f"{text}, training, momentum = 0 (the running statistics stay as they are)"),
            Case((Zr, g, b, state, True, 1.0, 1e-5), updates=("bn_state",),
                 label=f"{text}, training, momentum = 1 (the running statistics become the batch's)"),
            Case((Zr[:2], g, b, {}), updates=("bn_state",), hint=EMPTY_HINT,
                 label="the first two rows of the same Z, (2, 5), training, bn_state = {}"),
        ]
    return cases


def _is_data(value):
    """Whether value is made of arrays of numbers, numbers, strings and None, in tuples, lists and dicts."""
    if value is None or isinstance(value, bool | int | float | str | np.bool_ | np.integer | np.floating):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf"
    if isinstance(value, tuple | list):
        return all(_is_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str | int) and _is_data(v) for k, v in value.items())
    return False


def _stale_state_problem(problem, outcome, case, expected_updates):
    """A clearer Problem when the caller's bn_state still holds what it held before a training call."""
    original = dict(zip(FORWARD_PARAMETERS, case.args)).get("bn_state")
    if same_value(outcome.updated.get("bn_state"), original) and not same_value(expected_updates["bn_state"],
                                                                                 original):
        return Problem("not_updated", problem.lines + ("`bn_state` still holds what it held before the call",),
                       "when training, the caller's bn_state is updated in place: change its arrays, or "
                       "store new arrays under its keys. A new dict made inside the function is lost when "
                       "it returns.")
    return problem


def _forward_problem(outcome, expected, expected_updates, case):
    """The first Problem with a forward call's result: a pair, `out`, the caller's bn_state, the cache."""
    problem = behaviour_problem(outcome)
    if problem is not None:
        return problem
    value = outcome.value
    if not (isinstance(value, tuple | list) and len(value) == 2):
        cause = ("the function returns None: is a `return` statement missing?" if value is None
                 else "return two results together: out first, then the cache for the backward pass.")
        return Problem("parts", (f"got      {describe(value)}", "expected a tuple (out, cache)"), cause)
    tolerance = tolerance_for(case)
    problem = compare(value[0], expected[0], path="out", **tolerance)
    if problem is not None:
        return problem
    problem = compare(outcome.updated["bn_state"], expected_updates["bn_state"], path="bn_state", **tolerance)
    if problem is not None:
        return _stale_state_problem(problem, outcome, case, expected_updates) if problem.kind == "value" else problem
    if not _is_data(value[1]):
        return Problem("cache", (f"got      a cache holding something other than arrays and numbers: "
                                 f"{format_value(value[1])}",
                                 "expected a tuple (or dict) of arrays and numbers"),
                       "the grader passes your cache back to your batchnorm_backward, from the process that "
                       "runs your code; only arrays and numbers (in tuples, lists or dicts) can travel.")
    return None


def _forward_symptom(outcome, expected, case):
    """The outcome with the cache left out, so that a mistake is named by out and bn_state alone; when out
    is wrong in training, by out alone (the running statistics of a wrong normalisation are wrong in as
    many ways as it can be written)."""
    value = outcome.value
    if not (isinstance(value, tuple | list) and len(value) == 2):
        return outcome
    training = (dict(zip(FORWARD_PARAMETERS, case.args)) | case.kwargs).get("training", True)
    if training and compare(value[0], expected[0], **tolerance_for(case)) is not None:
        return replace(outcome, value=value[0], updated={})
    return replace(outcome, value=value[0])


def _inspect_forward(fn, case):
    expected, expected_updates = call_reference(batchnorm.batchnorm_forward, case, FORWARD_PARAMETERS)
    outcome = call_student(fn, case, FORWARD_PARAMETERS)
    return Verdict(_forward_problem(outcome, expected, expected_updates, case),
                   _forward_symptom(outcome, expected, case))


def check_batchnorm_forward(fn, hidden=False):
    """batchnorm_forward: out normalised with the batch's statistics (training) or the running ones
    (evaluation), and the caller's bn_state updated in place when training, left alone otherwise.

    Every case judges `out` and the caller's bn_state after the call; the cache must be data (arrays and
    numbers in a tuple or dict) and is otherwise judged through batchnorm_backward.
    """
    check_with(fn, "batchnorm_forward", _forward_cases(hidden), _inspect_forward, parameter_names=FORWARD_PARAMETERS)


# ---------------------------------------------------------------------------------------------
# batchnorm_backward(dout, cache) -> (dZ, dgamma, dbeta)
#
# The cache's layout is the student's choice, so the check cannot build one. Each case calls the
# student's own batchnorm_forward (from the same notebook) through call_student, takes the cache it
# returns as data, and passes it to the student's batchnorm_backward with another call_student: both
# calls work the same in the notebook's kernel and across the grader's process boundary. The result is
# compared with the reference's backward on the reference forward's cache of the same inputs. A
# backward with no batchnorm_forward beside it (tested on its own, outside a notebook) gets the
# reference forward's cache.

BACKWARD_PARAMETERS = ("dout", "cache")
BACKWARD_HINT = ("in training the mean and the variance depend on every row of Z, so dZ has three parts: "
                 "the direct path through Z_hat, and the paths through the mean and the variance, which "
                 "send back the batch sums of dout and of dout · Z_hat. dgamma and dbeta are sums over the "
                 "batch (axis 0).")
EVAL_BACKWARD_HINT = ("in evaluation the running statistics are constants: the normalisation is a fixed "
                      "scale and shift of each feature, so the gradient goes back through that scale and "
                      "gamma alone, and nothing flows through a mean or a variance.")


@dataclass(frozen=True)
class BackwardCase:
    """One backward check: the forward call that makes the cache, and the upstream gradient dout."""

    Z: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    dout: np.ndarray
    training: bool = True
    bn_state: dict = field(default_factory=dict)
    forward_kwargs: tuple = ()
    label: str = ""
    hint: str = ""
    time_limit = None

    def forward_case(self):
        kwargs = {"training": self.training, **dict(self.forward_kwargs)}
        return Case((self.Z, self.gamma, self.beta, self.bn_state), kwargs, updates=("bn_state",))

    def backward_case(self, cache):
        return Case((self.dout, cache), label=self.label, hint=self.hint)

    @property
    def tolerance(self):
        if self.Z.dtype == np.float32:
            return {"rtol": FLOAT32_TOLERANCE["rtol"], "atol": 1e-5}
        return tolerance_for(Case((self.Z,)))


def _backward_cases(hidden):
    Z, (gamma, beta) = _z_small(), _gamma_beta()
    dout = np.array([[0.5, -1.0, 2.0], [1.0, 0.5, -0.5], [-1.5, 2.0, 1.0], [0.25, 0.0, -1.0]])
    cases = [
        BackwardCase(Z, gamma, beta, dout, bn_state=_earlier_state(), hint=BACKWARD_HINT,
                     label=text_then_arguments("the cache of your batchnorm_forward in training on",
                                               [("Z", Z), ("gamma", gamma), ("beta", beta), ("dout", dout)])),
        BackwardCase(Z, gamma, beta, dout, training=False, bn_state=_earlier_state(), hint=EVAL_BACKWARD_HINT,
                     label=text_then_arguments("the cache of your batchnorm_forward in evaluation (training=False) "
                                               "on the same Z, gamma, beta and dout, and",
                                               [("bn_state", _earlier_state())])),
    ]
    if hidden:
        rng = case_rng(SEED + 100)
        Zr, g, b = rng.standard_normal((8, 5)) * 2.0 - 1.0, rng.standard_normal(5), rng.standard_normal(5)
        d = rng.standard_normal((8, 5))
        state = {"running_mean": rng.standard_normal(5), "running_var": rng.random(5) + 0.5}
        text = f"Z (8, 5), gamma, beta, dout and bn_state drawn from {seed_text(SEED + 100)}"
        f32 = {k: v.astype(np.float32) for k, v in state.items()}
        cases += [
            BackwardCase(Zr, g, b, d, bn_state=state, hint=BACKWARD_HINT,
                         label=f"the cache of your batchnorm_forward in training on {text}"),
            BackwardCase(Zr, g, b, d, bn_state={}, forward_kwargs=(("momentum", 0.3), ("eps", 1e-2)),
                         hint=BACKWARD_HINT, label="the same, bn_state = {}, momentum = 0.3, eps = 1e-2"),
            BackwardCase(*(a.astype(np.float32) for a in (Zr, g, b, d)), bn_state=f32,
                         label="the same in training as float32"),
            BackwardCase(Zr, g, b, d, training=False, bn_state=state, hint=EVAL_BACKWARD_HINT,
                         label=f"the cache of your batchnorm_forward in evaluation on {text}"),
            BackwardCase(Zr[:2], g, b, d[:2], bn_state=state, hint=BACKWARD_HINT,
                         label="the first two rows of the same Z and dout, in training (N = 2)"),
            BackwardCase(Zr, g, b, np.ones_like(d), bn_state=state,
                         hint="a dout that is the same for every sample is absorbed by the mean: dZ is zero.",
                         label="the same Z in training, dout all ones (dZ must be zero)"),
        ]
    return cases


def _student_forward(fn):
    """The batchnorm_forward defined beside the student's backward, or the reference when there is none."""
    forward = core.student_sibling(fn, "batchnorm_forward")
    return forward if forward is not None else batchnorm.batchnorm_forward


def _forward_failure(problem):
    return Problem("forward", ("your batchnorm_forward, called on this case to make the cache:",)
                   + tuple("  " + line for line in problem.lines),
                   "batchnorm_backward is checked on the cache that your batchnorm_forward returns for this "
                   "case, and batchnorm_forward does not pass here: fix it first (batchnorm_backward itself "
                   "may well be right).")


def _inspect_backward(fn, case):
    forward_case = case.forward_case()
    expected_forward, expected_updates = call_reference(batchnorm.batchnorm_forward, forward_case,
                                                        FORWARD_PARAMETERS)
    forward_outcome = call_student(_student_forward(fn), forward_case, FORWARD_PARAMETERS)
    problem = _forward_problem(forward_outcome, expected_forward, expected_updates, forward_case)
    if problem is not None:
        return Verdict(_forward_failure(problem), "forward")
    reference = named_parts(batchnorm.batchnorm_backward, ("dZ", "dgamma", "dbeta"))
    expected, _ = call_reference(reference, case.backward_case(expected_forward[1]), BACKWARD_PARAMETERS)
    outcome = call_student(fn, case.backward_case(forward_outcome.value[1]), BACKWARD_PARAMETERS)
    problem = behaviour_problem(outcome) or compare(outcome.value, expected, **case.tolerance)
    return Verdict(problem, outcome)


def check_batchnorm_backward(fn, hidden=False):
    """batchnorm_backward: dZ, dgamma and dbeta from the cache of the student's own batchnorm_forward,
    through the batch statistics in training and with the running ones as constants in evaluation."""
    check_with(fn, "batchnorm_backward", _backward_cases(hidden), _inspect_backward,
               parameter_names=BACKWARD_PARAMETERS)


NOTEBOOK = Notebook("10_batch_norm", [
    ("batchnorm_forward", check_batchnorm_forward, batchnorm.batchnorm_forward),
    ("batchnorm_backward", check_batchnorm_backward, batchnorm.batchnorm_backward),
], catalogue)
CHECKS = NOTEBOOK.checks
