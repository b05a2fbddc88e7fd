"""Checks for notebook 09: the L2 penalty and its gradient, and inverted dropout forward and backward."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.calling import call_student
from autograde_tests.cases import Case, case_rng, seed_text, tolerance_for
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem, compare
from autograde_tests.messages import describe, format_value
from autograde_tests.nb02 import SeededCase, failed, pair_verdict
from autograde_tests.properties import behaviour_verdict, reproducibility, rng_unused
from course_lib import regularization

SEED = 9


def _two_layer_params():
    """Weights, biases and the batch-norm scales and shifts of notebook 10, all with fixed numbers."""
    return {
        "W1": np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]),
        "b1": np.array([0.3, -0.2, 1.0]),
        "W2": np.array([[1.0, -2.0], [0.0, 0.5], [-1.5, 1.0]]),
        "b2": np.array([-0.7, 0.4]),
    }


def _with_norm_layers(params):
    return {**params, "gamma1": np.array([1.2, 0.8, 1.0]), "beta1": np.array([0.1, -0.3, 0.0])}


def _random_params(rng):
    shapes = {"W1": (4, 6), "b1": (6,), "W2": (6, 5), "b2": (5,), "W3": (5, 3), "b3": (3,)}
    return {k: rng.standard_normal(s) for k, s in shapes.items()}


# ---------------------------------------------------------------------------------------------
# l2_penalty(params, lam)

PENALTY_HINT = ("the penalty is half of lam times the sum of the squares of every entry of every weight matrix "
                "(keys starting with W); biases and any other parameters add nothing.")


def _l2_penalty_cases(hidden):
    """l2_penalty: ½·lam·Σ W² over the weight matrices only, as one number"""
    params = _two_layer_params()
    cases = [
        Case((params, 0.1), hint=PENALTY_HINT),
        Case((_with_norm_layers(params), 0.5),
             hint="only keys starting with W are weight matrices; gamma and beta (notebook 10's batch norm) "
                  "are no more penalised than biases."),
    ]
    if hidden:
        rng = case_rng(SEED)
        random = _random_params(rng)
        text = ("params W1 (4, 6), b1 (6,), W2 (6, 5), b2 (5,), W3 (5, 3), b3 (3,): standard normal from "
                f"{seed_text(SEED)}")
        cases += [
            Case((random, 1e-3), label=text + ", lam = 0.001", hint=PENALTY_HINT),
            Case(({k: v.astype(np.float32) for k, v in random.items()}, 0.01),
                 label="the same params as float32, lam = 0.01"),
            Case((random, 0.0), label="the same params, lam = 0.0: no penalty"),
            Case(({"W": random["W1"], "b": random["b1"]}, 2.0),
                 label="params W (4, 6), b (6,) from the same draw (keys without a layer number), lam = 2.0"),
            Case(({"b1": random["b1"], "b2": random["b2"]}, 1.0),
                 label="params with biases only, b1 (6,) and b2 (5,) from the same draw, lam = 1.0: nothing to "
                       "penalise"),
        ]
    return cases


L2_PENALTY = Exercise("l2_penalty", regularization.l2_penalty, _l2_penalty_cases, hint=PENALTY_HINT)
check_l2_penalty = L2_PENALTY.check


# ---------------------------------------------------------------------------------------------
# l2_grads(params, grads, lam)

GRADS_HINT = ("the penalty ½·lam·W² has the gradient lam·W, which is added to the gradient of each weight "
              "matrix (keys starting with W); every other gradient is returned as it was, in a new dict.")


def _l2_grads_cases(hidden):
    """l2_grads: a new dict, lam·W added to each weight gradient, other gradients unchanged, inputs untouched"""
    params = _two_layer_params()
    grads = {"W1": np.array([[0.1, 0.2, -0.3], [0.0, -0.1, 0.4]]), "b1": np.array([0.05, -0.1, 0.2]),
             "W2": np.array([[-0.2, 0.1], [0.3, 0.0], [0.1, -0.4]]), "b2": np.array([0.3, -0.3])}
    norm_grads = {**grads, "gamma1": np.array([0.2, -0.1, 0.05]), "beta1": np.array([-0.2, 0.1, 0.0])}
    cases = [
        Case((params, grads, 0.1), hint=GRADS_HINT),
        Case((_with_norm_layers(params), norm_grads, 0.5), hint="only keys starting with W are weight matrices: "
             "gamma and beta keep their gradients unchanged, like the biases."),
    ]
    if hidden:
        rng = case_rng(SEED)
        random_params, random_grads = _random_params(rng), _random_params(rng)
        text = (f"params and grads W1 (4, 6), b1 (6,), W2 (6, 5), b2 (5,), W3 (5, 3), b3 (3,): standard normal "
                f"from {seed_text(SEED)}")
        cases += [
            Case((random_params, random_grads, 1e-3), label=text + ", lam = 0.001", hint=GRADS_HINT),
            Case(({k: v.astype(np.float32) for k, v in random_params.items()},
                  {k: v.astype(np.float32) for k, v in random_grads.items()}, 0.01),
                 label="the same params and grads as float32, lam = 0.01"),
            Case((random_params, random_grads, 0.0), label="the same params and grads, lam = 0.0"),
            Case(({"W": random_params["W1"], "b": random_params["b1"]},
                  {"W": random_grads["W1"], "b": random_grads["b1"]}, 2.0),
                 label="params and grads W (4, 6), b (6,) from the same draw, lam = 2.0"),
        ]
    return cases


L2_GRADS = Exercise("l2_grads", regularization.l2_grads, _l2_grads_cases, hint=GRADS_HINT, result_names="grads")
check_l2_grads = L2_GRADS.check


# ---------------------------------------------------------------------------------------------
# dropout_forward(A, keep_prob, rng, training=True): the mask is random, so it is judged by its properties:
# a boolean or 0/1 array shaped like A, drawn from rng (the same seed gives the same mask, another seed
# another), keeping a fraction keep_prob of the units (measured on large arrays), not one mask shared by
# every sample; out is exactly A·mask / keep_prob for the student's own mask; in eval mode out is A and
# mask is None.

DROPOUT_PARAMETERS = ("A", "keep_prob", "rng", "training")
# The kept fraction is judged on arrays of at least this many units. Its standard error there is at most
# sqrt(0.25 / 100,000) = 0.0016, so the tolerance is at least 6 standard errors wide, while a mask drawn
# with probability 1 − keep_prob misses by |1 − 2·keep_prob| (0.4 at keep_prob 0.8).
MIN_FRACTION_SIZE = 100_000
FRACTION_TOLERANCE = 0.01


@dataclass(frozen=True)
class DropoutCase(SeededCase):
    """One call of dropout_forward on activations A of the given shape (uniform in [0.5, 2), so that no unit
    is 0 by chance), drawn from default_rng(data_seed). training None leaves the argument out (True)."""

    option, left_out = "training", "True"
    shape: tuple
    keep_prob: float
    seed: int
    training: bool | None = None
    positional: bool = False
    dtype: str = "float64"
    data_seed: int = 90
    data_text: str = "np.random.default_rng(90)"

    @property
    def trains(self):
        return self.training is not False

    @property
    def text(self):
        return f"A {self.shape} {self.dtype} uniform in [0.5, 2) from {self.data_text}, keep_prob = {self.keep_prob}"

    def activations(self):
        return np.random.default_rng(self.data_seed).uniform(0.5, 2.0, self.shape).astype(self.dtype)

    def arguments(self):
        return self.activations(), self.keep_prob


def _dropout_cases(hidden):
    """dropout_forward: inverted dropout with a mask from rng when training; A and None at evaluation.

    Checked for every case: the call behaves (no error, warning or stderr; A unchanged; NumPy's global random
    state left alone) and returns a pair (out, mask). When training: mask is a boolean (or 0/1) array shaped
    like A; out is A·mask / keep_prob for that very mask; on arrays of at least 100,000 units the kept
    fraction is keep_prob within 1 point; samples do not share one mask; the mask comes from rng (the same
    seed gives the same mask, another seed another). When not training: out equals A and mask is None.
    """
    cases = [
        DropoutCase((400, 500), 0.8, seed=0),
        DropoutCase((400, 500), 0.5, seed=1, training=True),
        DropoutCase((6, 5), 0.8, seed=2, training=False),
        DropoutCase((4, 6), 0.6, seed=3, training=True),
    ]
    if hidden:
        rng_text = seed_text(SEED)
        data_seed = int(case_rng(SEED).integers(2**31))
        hidden_data = {"data_seed": data_seed, "data_text": rng_text}
        cases += [
            DropoutCase((300, 400), 0.9, seed=4, dtype="float32", **hidden_data),
            DropoutCase((50, 40, 60), 0.7, seed=5, training=True, positional=True, **hidden_data),
            DropoutCase((200_000,), 0.3, seed=6, **hidden_data),
            DropoutCase((20, 30), 1.0, seed=7, **hidden_data),
            DropoutCase((5, 4, 3), 0.5, seed=8, training=False, **hidden_data),
            DropoutCase((1, 8), 0.75, seed=9, training=False, positional=True, **hidden_data),
            DropoutCase((3, 8), 0.5, seed=10, **hidden_data),
        ]
    return cases


def _eval_verdict(out, mask, A, case):
    problem = compare(out, A, **tolerance_for(case.call(case.seed)), path="out")
    if problem is not None:
        return Verdict(Problem("eval_" + problem.kind, problem.lines,
                               "at evaluation time every unit is kept and nothing is rescaled: out is A itself. (The "
                               "rescaling during training already keeps each unit's expected value equal to A.)"),
                       _eval_symptom(out, A))
    if mask is not None:
        return failed("eval_mask", f"mask: {describe(mask)}", "mask: None", "at evaluation time (training=False) "
                      "nothing is dropped, so there is no mask: return None in its place.", describe(mask))
    return Verdict(None)


def _eval_symptom(out, A):
    """How an evaluation-mode out differs from A: the factor, when it is A times one number."""
    ratio = _ratio(out, A)
    if ratio is not None and np.allclose(out, ratio * A):
        return ratio
    return "not a multiple of A"


def _ratio(out, A):
    """sum(out) / sum(A) as a float, when out is a float array of A's shape, else None."""
    if isinstance(out, np.ndarray) and out.shape == A.shape and out.dtype.kind in "fiu":
        with np.errstate(all="ignore"):
            return float(np.sum(out, dtype=np.float64) / np.sum(A, dtype=np.float64))
    return None


def _mask_verdict(mask, A):
    if not isinstance(mask, np.ndarray):
        return failed("mask_type", f"mask: {describe(mask)}", "mask: a NumPy array of booleans (or of 0s and 1s), "
                      f"shape {A.shape}", "the mask is an array shaped like A, True (or 1) where the unit is kept.",
                      describe(mask))
    if mask.shape != A.shape:
        return failed("mask_shape", f"mask of shape {mask.shape}", f"mask of shape {A.shape}", "every unit of every "
                      "sample gets its own draw: the mask has A's shape, so that each sample loses different units.",
                      mask.shape)
    if mask.dtype.kind not in "biuf" or not np.isin(mask, (0, 1)).all():
        values = np.unique(mask) if mask.dtype.kind in "biuf" else mask.dtype
        return failed("mask_values", f"mask with values {format_value(values)}", "only 0 and 1 (or False and True)",
                      "the mask itself is unscaled: 1 for a kept unit and 0 for a dropped one; the division by "
                      "keep_prob belongs to out.", float(np.max(mask)) if mask.dtype.kind in "iuf" else "values")
    return None


def _out_verdict(out, mask, A, case):
    if not isinstance(out, np.ndarray):
        return failed("out_type", f"out: {describe(out)}", f"out: a NumPy array of floats, shape {A.shape}",
                      "out is an array shaped like A.", describe(out))
    if out.shape != A.shape or out.dtype.kind != "f":
        return failed("out_shape", f"out: {describe(out)}", f"out: an array of floats, shape {A.shape}",
                      "out is shaped like A, with A's units where the mask keeps them.", (out.shape, out.dtype.kind))
    wanted = A * mask.astype(A.dtype) / A.dtype.type(case.keep_prob)
    tolerance = tolerance_for(case.call(case.seed))
    close = np.isclose(out.astype(np.float64), wanted.astype(np.float64), equal_nan=False, **tolerance)
    if close.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    kept = bool(mask[index])
    where = ", ".join(map(str, index))
    return failed("rescaling", f"out[{where}] = {format_value(float(out[index]))} (indices count from 0) where A is "
                  f"{format_value(float(A[index]))} and your mask is {int(kept)}; {int((~close).sum())} of "
                  f"{close.size} entries are not A masked by your mask and rescaled by keep_prob",
                  f"{format_value(float(wanted[index]))}, that is "
                  + ("A / keep_prob for a kept unit" if kept else "0 for a dropped unit"),
                  "inverted dropout zeroes the dropped units and divides the kept ones by keep_prob, using the very "
                  "mask it returns.", _ratio(out, wanted))


def _fraction_verdict(mask, case):
    if mask.size < MIN_FRACTION_SIZE:
        return None
    fraction = float(np.mean(mask.astype(bool)))
    if abs(fraction - case.keep_prob) <= FRACTION_TOLERANCE:
        return None
    return failed("fraction", f"{fraction:.2%} of the {mask.size:,} units kept", f"about keep_prob = "
                  f"{case.keep_prob:.0%} of them (within {FRACTION_TOLERANCE:g} as a fraction)",
                  "each unit is kept with probability keep_prob: compare a uniform draw in [0, 1) with keep_prob so "
                  "that it comes out True that often.", fraction)


def _shared_verdict(mask):
    rows = mask.reshape(len(mask), -1) if mask.ndim > 1 else None
    if rows is None or len(rows) < 2 or rows.shape[1] < 2 or rows.all() or not (rows == rows[0]).all():
        return None
    return failed("shared", "the same mask row for every sample", "every sample to drop its own units",
                  "draw one number per entry of A, not one per unit shared by the whole batch.", "shared")


def _drawn_mask(value):
    """The mask of a call's result, as booleans, or None where there is no mask to read."""
    if isinstance(value, tuple | list) and len(value) == 2 and isinstance(value[1], np.ndarray):
        return value[1].astype(bool)
    return None


def _random_source_verdict(fn, case, outcome, mask):
    if case.keep_prob == 1.0:  # every unit is kept: nothing random to judge
        return None
    return rng_unused(outcome, "the mask") or reproducibility(fn, case, DROPOUT_PARAMETERS, _drawn_mask,
                                                              mask.astype(bool), "masks")


def _inspect_dropout_forward(fn, case):
    """The Verdict on fn for one DropoutCase: the first property that fails, and its symptom."""
    outcome = call_student(fn, case.call(case.seed), DROPOUT_PARAMETERS)
    verdict = behaviour_verdict(outcome) or pair_verdict(outcome.value, "(out, mask)",
                                                         "return the two results together: out first, then mask.")
    if verdict is not None:
        return verdict
    (out, mask), A = outcome.value, case.activations()
    if not case.trains:
        return _eval_verdict(out, mask, A, case)
    return (_mask_verdict(mask, A) or _out_verdict(out, mask, A, case) or _fraction_verdict(mask, case)
            or _shared_verdict(mask) or _random_source_verdict(fn, case, outcome, mask) or Verdict(None))


DROPOUT_FORWARD = Exercise("dropout_forward", regularization.dropout_forward, _dropout_cases,
                           inspect=_inspect_dropout_forward, parameter_names=DROPOUT_PARAMETERS)
check_dropout_forward = DROPOUT_FORWARD.check


# ---------------------------------------------------------------------------------------------
# dropout_backward(dout, mask, keep_prob)

BACKWARD_HINT = ("out = A·mask / keep_prob is linear in A, so the gradient passes where the mask kept the unit, "
                 "divided by keep_prob, and is 0 where the unit was dropped; with no mask (evaluation mode) it "
                 "passes unchanged.")


def _dropout_backward_cases(hidden):
    """dropout_backward: dout·mask / keep_prob, dout itself when mask is None; inputs untouched"""
    dout = np.array([[0.4, -1.2, 0.7, 2.0], [0.9, -0.3, -0.5, 1.1], [-0.6, 0.2, 1.5, -0.8]])
    mask = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])
    cases = [
        Case((dout, mask, 0.8), hint=BACKWARD_HINT),
        Case((dout, mask.astype(float), 0.5), label="the same dout, the same mask as 0.0 and 1.0, keep_prob = 0.5",
             hint="a mask of 0s and 1s works like a boolean one."),
        Case((dout, None, 0.8), label="the same dout, mask = None (evaluation mode), keep_prob = 0.8",
             hint="in evaluation mode the forward pass was the identity, so the gradient passes unchanged."),
    ]
    if hidden:
        rng = case_rng(SEED)
        d = rng.standard_normal((30, 20))
        m = rng.random((30, 20)) < 0.7
        text = f"dout standard normal (30, 20), mask kept with probability 0.7, from {seed_text(SEED)}"
        cases += [
            Case((d, m, 0.7), label=text + ", keep_prob = 0.7", hint=BACKWARD_HINT),
            Case((d.astype(np.float32), m, 0.7), label="the same dout as float32, the same mask, keep_prob = 0.7"),
            Case((d.reshape(5, 6, 20), m.reshape(5, 6, 20), 0.7), label="the same dout and mask reshaped to "
                 "(5, 6, 20), keep_prob = 0.7"),
            Case((d, np.ones((30, 20), dtype=bool), 1.0), label="the same dout, mask all True, keep_prob = 1.0"),
            Case((d, None, 0.5), label="the same dout, mask = None, keep_prob = 0.5"),
        ]
    return cases


DROPOUT_BACKWARD = Exercise("dropout_backward", regularization.dropout_backward, _dropout_backward_cases,
                            hint=BACKWARD_HINT)
check_dropout_backward = DROPOUT_BACKWARD.check


def _is_weight(name):
    return name.startswith("W")


def _penalty(selected=_is_weight, factor=0.5, of_entries=np.square, total=np.sum):
    def l2_penalty(params, lam):
        return float(factor * lam * sum(total(of_entries(value)) for name, value in params.items() if selected(name)))

    return l2_penalty


def _grads(selected=_is_weight, step=lambda grad, W, lam: grad + lam * W, keep_others=True):
    def l2_grads(params, grads, lam):
        new = {}
        for name, grad in grads.items():
            if selected(name):
                new[name] = step(grad, params[name], lam)
            elif keep_others:
                new[name] = grad
        return new

    return l2_grads


def _dropout(draw=lambda rng, shape, keep: rng.random(shape) < keep, scale=lambda keep: 1 / keep,
             eval_out=lambda A, keep: A, eval_mask=lambda A: None, obey_training=True, scaled_mask=False):
    def dropout_forward(A, keep_prob, rng, training=True):
        if obey_training and not training:
            return eval_out(A, keep_prob), eval_mask(A)
        mask = draw(rng, A.shape, keep_prob)
        if scaled_mask:
            mask = mask / keep_prob
            return A * mask, mask
        return A * mask * scale(keep_prob), mask

    return dropout_forward


def _dropout_backward(of_kept):
    def dropout_backward(dout, mask, keep_prob):
        if mask is None:
            return dout
        return of_kept(dout, np.asarray(mask, dtype=bool), keep_prob)

    return dropout_backward


# ---------------------------------------------------------------------------------------------
# l2_penalty: known mistakes, the more specific first


L2_PENALTY.mistake("biases penalised", "the penalty is on the weight matrices only: a bias shifts a unit's output "
                   "without making it more sensitive to its inputs, so shrinking it buys no smoothness and only pulls "
                   "the outputs towards zero.")(_penalty(selected=lambda name: True))

L2_PENALTY.mistake("every parameter but the biases penalised", "only keys starting with W are weight matrices; other "
                   "parameters such as batch norm's gamma and beta are no more penalised than the biases.")(
    _penalty(selected=lambda name: not name.startswith("b")))

L2_PENALTY.mistake("factor ½ forgotten", "the penalty is ½·lam·ΣW²; the ½ is there so that its gradient comes out as "
                   "lam·W, without a 2.")(_penalty(factor=1.0))

L2_PENALTY.mistake("mean of the squares instead of their sum", "the penalty adds up the squares of all the weights; a "
                   "mean divides each matrix by its size, so larger layers would count less.")(_penalty(total=np.mean))

L2_PENALTY.mistake("absolute values (L1) instead of squares", "L2 regularisation penalises the squares of the "
                   "weights; the sum of their absolute values is the L1 penalty, which behaves differently (it pushes "
                   "weights to exactly 0).")(_penalty(of_entries=np.abs))


@L2_PENALTY.alternative
def _penalty_loop(params, lam):
    total = 0.0
    for name in params:
        if name[0] == "W":
            total += float(np.sum(params[name] * params[name]))
    return lam * total / 2


@L2_PENALTY.alternative
def _penalty_norms(params, lam):
    squares = [np.linalg.norm(np.ravel(value)) ** 2 for name, value in params.items() if name.startswith("W")]
    return 0.5 * lam * float(np.sum(squares))


# ---------------------------------------------------------------------------------------------
# l2_grads: known mistakes, the more specific first


@L2_GRADS.mistake("grads updated in place", "the exercise returns a new dict and leaves the caller's grads as they "
                  "were (adding into grads' own arrays changes them for the caller, who may still need the loss's "
                  "gradients).")
def _grads_in_place(params, grads, lam):
    for name in grads:
        if name.startswith("W"):
            grads[name] += lam * params[name]
    return grads


L2_GRADS.mistake("biases regularised", "the penalty has no bias terms, so its gradient with respect to a bias is 0: "
                 "bias gradients pass through unchanged.")(_grads(selected=lambda name: True))

L2_GRADS.mistake("gradient halved", "the derivative of ½·lam·W² is lam·W: the ½ cancels against the 2 of the square.")(
    _grads(step=lambda grad, W, lam: grad + 0.5 * lam * W))

L2_GRADS.mistake("gradient doubled", "the derivative of ½·lam·W² is lam·W, not 2·lam·W: the 2 of the square cancels "
                 "the ½.")(_grads(step=lambda grad, W, lam: grad + 2 * lam * W))

L2_GRADS.mistake("penalty gradient subtracted", "the penalty is added to the loss, so its gradient lam·W is added to "
                 "the loss's gradient; the descent step then shrinks the weights.")(
    _grads(step=lambda grad, W, lam: grad - lam * W))

L2_GRADS.mistake("lam left out", "the penalty's gradient is lam·W: without lam every weight gradient grows by the "
                 "weight itself, as if lam were 1, and the strength of the regularisation is lost.")(
    _grads(step=lambda grad, W, lam: grad + W))

L2_GRADS.mistake("loss gradient dropped", "the result is the gradient of loss plus penalty: the loss's own gradient "
                 "plus lam·W, not lam·W alone.")(_grads(step=lambda grad, W, lam: lam * W))

L2_GRADS.mistake("gradients of the biases left out", "the new dict has a gradient for every key of grads; the "
                 "non-weight ones are simply copied over unchanged.")(_grads(keep_others=False))


@L2_GRADS.alternative
def _grads_copy(params, grads, lam):
    new = dict(grads)
    for name in new:
        if name.startswith("W"):
            new[name] = new[name] + lam * params[name]
    return new


@L2_GRADS.alternative
def _grads_deep_copy(params, grads, lam):
    new = {name: np.copy(grad) for name, grad in grads.items()}
    for name in params:
        if name[:1] == "W":
            new[name] += lam * params[name]
    return new


# ---------------------------------------------------------------------------------------------
# dropout_forward: known mistakes, the more specific first


DROPOUT_FORWARD.mistake("kept units not rescaled", "without dividing by keep_prob, each unit's expected value during "
                        "training is keep_prob·A, smaller than at evaluation time; inverted dropout divides the kept "
                        "units by keep_prob.")(_dropout(scale=lambda keep: 1.0))

DROPOUT_FORWARD.mistake("rescaled at evaluation too", "the rescaling happens during training only: at evaluation time "
                        "every unit is kept and out is A itself, or the network's outputs come out 1 / keep_prob "
                        "times too large.")(_dropout(eval_out=lambda A, keep: A / keep))

DROPOUT_FORWARD.mistake("multiplied by keep_prob", "the kept units are divided by keep_prob (made larger), which "
                        "keeps their expected value at A; multiplying shrinks them twice.")(
    _dropout(scale=lambda keep: keep))

DROPOUT_FORWARD.mistake("mask drawn with probability 1 − keep_prob", "keep_prob is the probability of keeping a unit, "
                        "so the mask is True where a uniform draw falls below keep_prob; the other comparison keeps "
                        "units with probability 1 − keep_prob.")(
    _dropout(draw=lambda rng, shape, keep: rng.random(shape) >= keep))

DROPOUT_FORWARD.mistake("mask returned rescaled", "the mask returned is the unscaled record of kept units, 0 or 1; "
                        "the division by keep_prob is applied to out only.")(_dropout(scaled_mask=True))

DROPOUT_FORWARD.mistake("training flag ignored", "with training=False nothing is dropped: return A itself and None "
                        "for the mask.")(_dropout(obey_training=False))

DROPOUT_FORWARD.mistake("mask of ones at evaluation", "at evaluation time there is no mask: the exercise returns None "
                        "in its place.")(_dropout(eval_mask=lambda A: np.ones(A.shape, dtype=bool)))

DROPOUT_FORWARD.mistake("one mask for the whole batch", "a mask drawn once per unit is shared by every sample, so the "
                        "whole batch loses the same units; each entry of A gets its own draw.")(
    _dropout(draw=lambda rng, shape, keep: rng.random(shape[1:]) < keep))

DROPOUT_FORWARD.mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state: draw the "
                        "mask from the rng argument.")(
    _dropout(draw=lambda rng, shape, keep: np.random.random_sample(shape) < keep))

DROPOUT_FORWARD.mistake("own Generator instead of rng", "a Generator made inside the function ignores the caller's "
                        "rng: every call drops the same units.")(
    _dropout(draw=lambda rng, shape, keep: np.random.default_rng(0).random(shape) < keep))


@DROPOUT_FORWARD.alternative
def _dropout_uniform_float_mask(A, keep_prob, rng, training=True):
    if not training:
        return A, None
    mask = (rng.uniform(0.0, 1.0, size=np.shape(A)) < keep_prob).astype(float)
    return A * mask / keep_prob, mask


@DROPOUT_FORWARD.alternative
def _dropout_binomial(A, keep_prob, rng, training=True):
    if training:
        mask = rng.binomial(1, keep_prob, size=A.shape)
        out = np.where(mask == 1, A / keep_prob, 0.0)
        return out, mask
    return A, None


# ---------------------------------------------------------------------------------------------
# dropout_backward: known mistakes, the more specific first


DROPOUT_BACKWARD.mistake("gradient not rescaled", "the forward pass divided the kept units by keep_prob, so their "
                         "gradient is divided by keep_prob too.")(
    _dropout_backward(lambda dout, mask, keep: dout * mask))

DROPOUT_BACKWARD.mistake("multiplied by keep_prob", "the forward pass divided by keep_prob, so the gradient is "
                         "divided by keep_prob as well, not multiplied.")(
    _dropout_backward(lambda dout, mask, keep: dout * mask * keep))

DROPOUT_BACKWARD.mistake("mask ignored", "a dropped unit did not reach the output, so no gradient flows back to it: "
                         "the gradient is 0 where the mask is 0.")(
    _dropout_backward(lambda dout, mask, keep: dout / keep))

DROPOUT_BACKWARD.mistake("gradient to the dropped units", "the gradient flows to the kept units (mask 1), not to the "
                         "dropped ones.")(_dropout_backward(lambda dout, mask, keep: dout * ~mask / keep))


@DROPOUT_BACKWARD.mistake("mask None not handled", "in evaluation mode dropout_forward returns None for the mask; the "
                          "backward pass of the identity then passes dout through unchanged.")
def _dropout_backward_without_none(dout, mask, keep_prob):
    return dout * mask / keep_prob


@DROPOUT_BACKWARD.mistake("dout changed in place", "multiplying into dout itself changes the caller's array: compute "
                          "the result as a new array.")
def _dropout_backward_in_place(dout, mask, keep_prob):
    if mask is None:
        return dout
    dout *= mask
    dout /= keep_prob
    return dout


@DROPOUT_BACKWARD.alternative
def _dropout_backward_where(dout, mask, keep_prob):
    if mask is None:
        return dout.copy()
    return np.where(mask.astype(bool), dout / keep_prob, 0.0).astype(dout.dtype)


@DROPOUT_BACKWARD.alternative
def _dropout_backward_multiply(dout, mask, keep_prob):
    if mask is None:
        return dout
    return np.multiply(dout, mask, dtype=dout.dtype) * (1.0 / keep_prob)


NOTEBOOK = Notebook("09_regularization", [L2_PENALTY, L2_GRADS, DROPOUT_FORWARD, DROPOUT_BACKWARD])
CHECKS = NOTEBOOK.checks
