"""Checks for notebook 10: batch normalisation forward (with its running statistics) and backward."""

import functools
import types
from dataclasses import dataclass, field, replace

import numpy as np

from autograde_tests import core
from autograde_tests.calling import call_reference, call_student, same_value
from autograde_tests.cases import FLOAT32_TOLERANCE, Case, case_rng, seed_text, tolerance_for
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem, behaviour_problem, compare, named_parts
from autograde_tests.messages import describe, format_value, text_then_arguments
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
    """batchnorm_forward: out normalised with the batch's statistics (training) or the running ones
    (evaluation), and the caller's bn_state updated in place when training, left alone otherwise.

    Every case judges `out` and the caller's bn_state after the call; the cache must be data (arrays and
    numbers in a tuple or dict) and is otherwise judged through batchnorm_backward.
    """
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


BATCHNORM_FORWARD = Exercise("batchnorm_forward", batchnorm.batchnorm_forward, _forward_cases, inspect=_inspect_forward,
                             parameter_names=FORWARD_PARAMETERS)
check_batchnorm_forward = BATCHNORM_FORWARD.check


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
    """batchnorm_backward: dZ, dgamma and dbeta from the cache of the student's own batchnorm_forward,
    through the batch statistics in training and with the running ones as constants in evaluation."""
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


BATCHNORM_BACKWARD = Exercise("batchnorm_backward", batchnorm.batchnorm_backward, _backward_cases,
                              inspect=_inspect_backward, parameter_names=BACKWARD_PARAMETERS)
check_batchnorm_backward = BATCHNORM_BACKWARD.check


def _running(bn_state, Z, mean, var, momentum, keep="running"):
    """In-place update of the running statistics, with the weights given to the old value and the batch
    (Z is unused: `_forward`'s stores all take it)."""
    bn_state.setdefault("running_mean", np.zeros_like(mean))
    bn_state.setdefault("running_var", np.ones_like(var))
    old_weight = 1 - momentum if keep == "running" else momentum
    bn_state["running_mean"][...] = old_weight * bn_state["running_mean"] + (1 - old_weight) * mean
    bn_state["running_var"][...] = old_weight * bn_state["running_var"] + (1 - old_weight) * var


def _stored_as_new_arrays(bn_state, Z, mean, var, momentum):
    bn_state["running_mean"] = (1 - momentum) * bn_state.get("running_mean", 0.0) + momentum * mean
    bn_state["running_var"] = (1 - momentum) * bn_state.get("running_var", 1.0) + momentum * var


def _normalise(Z, mean, var, gamma, beta, eps, training, std=lambda var, eps: np.sqrt(var + eps)):
    inv_std = 1 / std(var, eps)
    Z_hat = (Z - mean) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, training)


def _forward(statistics=lambda Z: (Z.mean(axis=0), Z.var(axis=0)), store=_running, in_eval="running",
             normalise=_normalise):
    """A batch-norm forward with one thing done wrong: statistics(Z) gives the batch's (mean, var) in
    training; store(bn_state, Z, mean, var, momentum) updates the running ones; in evaluation
    (`in_eval`) it normalises with the "running" statistics, or with them and then updates them
    ("updated"), or with the batch's ("batch"), or does what training does ("training")."""

    def batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        if not training and in_eval in ("running", "updated"):
            result = normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
            if in_eval == "updated":
                store(bn_state, Z, *statistics(Z), momentum)
            return result
        mean, var = statistics(Z)
        if training or in_eval == "training":
            store(bn_state, Z, mean, var, momentum)
        return normalise(Z, mean, var, gamma, beta, eps, training or in_eval == "training")

    return batchnorm_forward


def _full_dZ(dout, Z_hat, gamma, inv_std):
    N = len(dout)
    return gamma * inv_std / N * (N * dout - dout.sum(axis=0) - Z_hat * np.sum(dout * Z_hat, axis=0))


def _scaled_dZ(dout, Z_hat, gamma, inv_std):
    return dout * gamma * inv_std


def _backward(training_dZ=_full_dZ, eval_dZ=_scaled_dZ, reduce=np.sum, axis=0, swapped=False):
    """A batch-norm backward on the cache of `_normalise`, with one thing done wrong: dZ from
    training_dZ or eval_dZ(dout, Z_hat, gamma, inv_std), dgamma and dbeta reduced with `reduce` over
    `axis`, and (`swapped`) returned in the wrong order."""

    def batchnorm_backward(dout, cache):
        Z_hat, gamma, inv_std, training = cache
        dgamma, dbeta = reduce(dout * Z_hat, axis=axis), reduce(dout, axis=axis)
        dZ = (training_dZ if training else eval_dZ)(dout, Z_hat, gamma, inv_std)
        return (dZ, dbeta, dgamma) if swapped else (dZ, dgamma, dbeta)

    return batchnorm_backward



def _backward_staged(dout, cache):
    # the chain rule one node at a time, through the centred values, the variance and the mean
    centred, std, Z_hat, gamma, training = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * Z_hat).sum(axis=0)
    dZ_hat = dout * gamma
    if not training:
        return dZ_hat / std, dgamma, dbeta
    N = dout.shape[0]
    dvar = np.sum(dZ_hat * centred, axis=0) * -0.5 * std ** -3
    dcentred = dZ_hat / std + dvar * 2 * centred / N
    dmean = -dcentred.sum(axis=0)
    return dcentred + dmean / N, dgamma, dbeta


def _as_notebook(forward, backward):
    """backward as a notebook would define it: in a namespace where `batchnorm_forward` is `forward`."""
    namespace = {"np": np}
    namespace["batchnorm_forward"] = types.FunctionType(forward.__code__, namespace, "batchnorm_forward",
                                                        forward.__defaults__)
    namespace["batchnorm_backward"] = types.FunctionType(backward.__code__, namespace, "batchnorm_backward",
                                                         backward.__defaults__)
    return namespace["batchnorm_backward"]


# ---------------------------------------------------------------------------------------------
# batchnorm_forward: known mistakes, the more specific first


@BATCHNORM_FORWARD.mistake("unbiased variance", "batch norm divides the squared deviations by N, the number of "
                           "samples in the batch, not by N − 1: the batch is normalised with its own statistics, not "
                           "an estimate of a population's.")
def _forward_unbiased(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    # A plain function, not one of _forward's: the grader's tests rebuild it from its code alone.
    if not training:
        return _normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
    mean, var = Z.mean(axis=0), Z.var(axis=0, ddof=1)
    _running(bn_state, Z, mean, var, momentum)
    return _normalise(Z, mean, var, gamma, beta, eps, True)


BATCHNORM_FORWARD.mistake("statistics over the features", "batch norm normalises each feature (a column) with its "
                          "mean and variance over the samples of the batch, axis 0; statistics over axis 1 mix the "
                          "different features of one sample, which is what layer norm does.")(
    _forward(statistics=lambda Z: (Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)),
             store=_stored_as_new_arrays))

BATCHNORM_FORWARD.mistake("running variance unbiased", "the exercise keeps the biased batch variance (divided by N) "
                          "in the running average too; some libraries store the N − 1 estimate there, this exercise "
                          "does not.")(
    _forward(store=lambda state, Z, mean, var, momentum: _running(state, Z, mean, Z.var(axis=0, ddof=1), momentum)))

BATCHNORM_FORWARD.mistake("running statistics not stored", "the new running averages are computed but never written "
                          "into the caller's bn_state, so the next call (and evaluation) still sees the old ones: "
                          "change the caller's arrays, or store the new ones under its keys.")(
    _forward(store=lambda bn_state, Z, mean, var, momentum: None))

BATCHNORM_FORWARD.mistake("running statistics updated in evaluation", "in evaluation bn_state is only read: updating "
                          "it there lets test batches drift the statistics the model was trained with.")(
    _forward(in_eval="updated"))

BATCHNORM_FORWARD.mistake("batch statistics in evaluation", "in evaluation each sample must be normalised with the "
                          "running statistics; the batch's own mean and variance make one sample's prediction depend "
                          "on the other samples it happens to be evaluated with.")(
    _forward(in_eval="batch"))

BATCHNORM_FORWARD.mistake("training flag ignored", "with training=False the running statistics are used and left "
                          "unchanged; this normalises with the batch and updates bn_state in both modes.")(
    _forward(in_eval="training"))

BATCHNORM_FORWARD.mistake("momentum the wrong way round", "momentum is the weight of the new batch: the running "
                          "value keeps 1 − momentum of itself and takes momentum of the batch's. Swapped, the "
                          "running statistics barely move away from the newest batch.")(
    _forward(store=functools.partial(_running, keep="momentum")))

BATCHNORM_FORWARD.mistake("eps outside the square root", "eps is added to the variance, inside the square root; "
                          "adding it to the standard deviation, outside the root, gives a different scale, far "
                          "different for a feature that barely varies.")(
    _forward(normalise=functools.partial(_normalise, std=lambda var, eps: np.sqrt(var) + eps)))

BATCHNORM_FORWARD.mistake("gamma and beta swapped", "gamma is the scale and beta the shift: the normalised values "
                          "are multiplied by gamma first, and beta is added after.")(
    _forward(normalise=lambda Z, mean, var, gamma, beta, *rest: _normalise(Z, mean, var, beta, gamma, *rest)))


@BATCHNORM_FORWARD.alternative
def _forward_mean_var_new_arrays(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    # np.mean / np.var, new arrays stored under the caller's keys, a dict as the cache
    if training:
        mean, var = np.mean(Z, axis=0), np.var(Z, axis=0)
        bn_state["running_mean"] = (1 - momentum) * bn_state.get("running_mean", 0.0) + momentum * mean
        bn_state["running_var"] = (1 - momentum) * bn_state.get("running_var", 1.0) + momentum * var
    else:
        mean, var = bn_state["running_mean"], bn_state["running_var"]
    std = np.sqrt(var + eps)
    Z_hat = (Z - mean) / std
    return Z_hat * gamma + beta, {"Z_hat": Z_hat, "gamma": gamma, "std": std, "training": training}


@BATCHNORM_FORWARD.alternative
def _forward_staged(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    # every intermediate of the computation graph kept, for a step-by-step backward
    if training:
        N = Z.shape[0]
        mean = np.einsum("nd->d", Z) / N
        centred = Z - mean
        var = np.einsum("nd,nd->d", centred, centred) / N
        for key, batch, start in (("running_mean", mean, 0.0), ("running_var", var, 1.0)):
            if key not in bn_state:
                bn_state[key] = np.full_like(batch, start)
            np.multiply(bn_state[key], 1 - momentum, out=bn_state[key])
            np.add(bn_state[key], momentum * batch, out=bn_state[key])
    else:
        centred, var = Z - bn_state["running_mean"], bn_state["running_var"]
    std = np.sqrt(var + eps)
    Z_hat = centred / std
    return gamma * Z_hat + beta, (centred, std, Z_hat, gamma, training)


# ---------------------------------------------------------------------------------------------
# batchnorm_backward: known mistakes, the more specific first


BATCHNORM_BACKWARD.mistake("dgamma and dbeta summed over the wrong axis", "gamma and beta have one entry per "
                           "feature, and each was used by every sample: their gradients sum over the batch (axis 0), "
                           "giving shape (D,).")(
    _backward(axis=1))

BATCHNORM_BACKWARD.mistake("batch statistics treated as constants", "in training the mean and the variance are "
                           "computed from Z, so every entry of Z also moves them: the gradient has two more parts, "
                           "one through the mean and one through the variance (the batch sums of dout and of dout · "
                           "Z_hat).")(
    _backward(training_dZ=_scaled_dZ))

BATCHNORM_BACKWARD.mistake("variance path left out", "the mean's path (subtracting the batch mean of the gradient) "
                           "is there, but the variance also depends on every row: its path subtracts Z_hat times the "
                           "batch mean of dout · Z_hat.")(
    _backward(training_dZ=lambda dout, Z_hat, gamma, inv_std: gamma * inv_std * (dout - dout.mean(axis=0))))

BATCHNORM_BACKWARD.mistake("gamma left out of dZ", "out = gamma · Z_hat + beta, so the gradient reaching Z_hat is "
                           "dout · gamma before it goes back through the normalisation.")(
    _backward(training_dZ=lambda dout, Z_hat, gamma, inv_std: _full_dZ(dout, Z_hat, 1.0, inv_std),
              eval_dZ=lambda dout, Z_hat, gamma, inv_std: dout * inv_std))

BATCHNORM_BACKWARD.mistake("dgamma and dbeta averaged", "the loss's gradient dout already carries 1/N: dgamma and "
                           "dbeta are sums over the batch, not means.")(
    _backward(training_dZ=lambda dout, Z_hat, gamma, inv_std: gamma * inv_std * (
        dout - dout.mean(axis=0) - Z_hat * np.mean(dout * Z_hat, axis=0)), reduce=np.mean))

BATCHNORM_BACKWARD.mistake("training formula in evaluation", "in evaluation the running statistics are constants "
                           "that do not depend on Z, so no gradient flows through a batch mean or variance: the "
                           "batch sums belong to training. What remains is the gradient of a fixed scale per "
                           "feature.")(
    _backward(eval_dZ=_full_dZ))

BATCHNORM_BACKWARD.mistake("dgamma and dbeta in the wrong order", "the exercise returns (dZ, dgamma, dbeta), in that "
                           "order.")(
    _backward(swapped=True))


@BATCHNORM_BACKWARD.alternative
def _backward_with_means(dout, cache):
    # the compact form written with batch means instead of sums over N
    Z_hat, gamma, inv_std, training = cache
    dgamma = np.einsum("nd,nd->d", dout, Z_hat)
    dbeta = np.einsum("nd->d", dout)
    if training:
        dZ = gamma * inv_std * (dout - dout.mean(axis=0) - Z_hat * (dout * Z_hat).mean(axis=0))
    else:
        dZ = gamma * inv_std * dout
    return dZ, dgamma, dbeta


BATCHNORM_BACKWARD.alternative(_as_notebook(_forward_staged, _backward_staged))


NOTEBOOK = Notebook("10_batch_norm", [BATCHNORM_FORWARD, BATCHNORM_BACKWARD])
CHECKS = NOTEBOOK.checks
