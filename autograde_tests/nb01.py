"""Checks for notebook 01: a single neuron, a layer of neurons on one sample, and the perceptron."""

import numpy as np

from autograde_tests.calling import call_student
from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem, behaviour_problem
from autograde_tests.messages import format_value
from course_lib import neurons

SEED = 1

BOUNDARY_HINT = "z, the weighted sum plus the bias, is exactly 0 here, and z == 0 counts as firing."
SHAPE_HINT = ("weights has shape (D, n_out), one column per neuron: each output is the dot product of the inputs "
              "with one column, plus that neuron's own bias.")
NEURON_HINT = "a neuron multiplies each input by its weight, adds the products up, then adds the bias once."


def _vector(*values, dtype=float):
    return np.array(values, dtype=dtype)


def _neuron_output_cases(hidden):
    """neuron_output is the weighted sum inputs @ weights plus the bias, one number, inputs untouched."""
    cases = [
        Case((_vector(1.0, 2.0, 3.0), _vector(0.2, 0.8, -0.5), 2.0)),
        Case((_vector(0.5, -1.0, 2.0, 0.0), _vector(4.0, 1.5, -0.25, 3.0), -1.0)),
    ]
    if hidden:
        rng = case_rng(SEED)
        inputs, weights = rng.standard_normal(10), rng.standard_normal(10)
        cases += [
            Case((inputs, weights, 0.7), label=f"inputs, weights = standard normal of shape (10,) from "
                 f"{seed_text(SEED)}, bias = 0.7"),
            Case((inputs.astype(np.float32), weights.astype(np.float32), np.float32(0.7)),
                 label="the same inputs, weights and bias as float32"),
            Case((_vector(2.5), _vector(-4.0), 1.0), hint="a neuron with a single input works the same way."),
            Case((_vector(1, 2, 3, dtype=np.int64), _vector(2, -1, 4, dtype=np.int64), 3),
                 hint="integer inputs, weights and bias work the same way."),
            Case((_vector(3e5, -1.2e6, 4e5, 2e6), _vector(1e3, 2.5e2, -7e2, 50.0), 1e8)),
        ]
    return cases


NEURON_OUTPUT = Exercise("neuron_output", neurons.neuron_output, _neuron_output_cases, hint=NEURON_HINT)
check_neuron_output = NEURON_OUTPUT.check


def _layer_output_cases(hidden):
    """layer_output gives every neuron's weighted sum plus its own bias, shape (n_out,), inputs untouched."""
    cases = [
        # A square, non-symmetric weights matrix first, so that a transposed product gives wrong numbers
        # (which name the mistake) rather than a shape error.
        Case((_vector(1.0, 2.0), np.array([[0.5, -1.0], [2.0, 0.25]]), _vector(0.1, -0.2)), hint=SHAPE_HINT),
        Case((_vector(1.0, -2.0, 0.5), np.array([[1.0, 0.0, -1.0, 2.0], [0.5, 1.5, 0.0, -0.5],
                                                  [3.0, -2.0, 1.0, 0.0]]), _vector(0.0, 1.0, -1.0, 0.5)),
             hint=SHAPE_HINT),
    ]
    if hidden:
        rng = case_rng(SEED)
        inputs, weights, biases = rng.standard_normal(6), rng.standard_normal((6, 4)), rng.standard_normal(4)
        cases += [
            Case((inputs, weights, biases), label=f"inputs (6,), weights (6, 4), biases (4,): standard normal "
                 f"from {seed_text(SEED)}", hint=SHAPE_HINT),
            Case((inputs.astype(np.float32), weights.astype(np.float32), biases.astype(np.float32)),
                 label="the same inputs, weights and biases as float32"),
            Case((inputs, weights[:, :1], biases[:1]), label="the same inputs, one neuron: weights (6, 1), "
                 "biases (1,)", hint="a layer of one neuron still returns an array of shape (1,)."),
            Case((_vector(-1.5), np.array([[2.0, -3.0, 0.5]]), _vector(1.0, 0.0, -2.0)),
                 hint="a single input: weights has shape (1, n_out)."),
            Case((_vector(1, 0, 2, dtype=np.int64), np.array([[1, -2], [3, 4], [0, 5]]),
                  _vector(-1, 1, dtype=np.int64)), hint="integer inputs, weights and biases work the same way."),
            Case((_vector(2e6, -3e6), np.array([[1e5, -4e5, 3e5], [2e5, 1e5, -1e5]]), _vector(1e11, -1e11, 0.0))),
        ]
    return cases


LAYER_OUTPUT = Exercise("layer_output", neurons.layer_output, _layer_output_cases)
check_layer_output = LAYER_OUTPUT.check


# ---------------------------------------------------------------------------------------------
# perceptron


PERCEPTRON_HINT = "z is the weighted sum of the inputs plus the bias, and the output is 1 if z >= 0, else 0."


def _perceptron_visible_cases():
    # Ordered so that each catalogued mistake first fails on a case where no mistake listed before it
    # fails too, which lets the message name it.
    return [
        Case((_vector(0.5, -1.0), _vector(1.0, 2.0), 0.25)),
        Case((_vector(1.0, 0.5), _vector(2.0, -1.0), 0.5)),
        Case((_vector(1.0, 1.0), _vector(1.0, 1.0), -2.0), hint=BOUNDARY_HINT),
        Case((_vector(1.0, 1.0), _vector(1.0, -0.5), 1.0)),
        Case((_vector(1.0, 1.0), _vector(-1.0, 0.25), 0.5)),
        Case((_vector(1.0, 0.0), _vector(1.0, 1.0), -1.5), hint="the AND gate: only (1, 1) fires."),
    ]


def _perceptron_hidden_cases():
    rng = case_rng(SEED)
    cases = []
    while len(cases) < 6:
        inputs, weights, bias = rng.standard_normal(5), rng.standard_normal(5), float(rng.standard_normal())
        # Keep z clear of 0, so that no summation order can change which side it is on.
        if abs(np.dot(inputs, weights) + bias) > 1e-3:
            cases.append(Case((inputs, weights, bias), hint=PERCEPTRON_HINT))
    cases += [
        Case((_vector(x1, x2, dtype=np.int64), _vector(1.0, 1.0), -1.5),
             hint="the AND gate on integer inputs: only (1, 1) fires.")
        for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1))
    ]
    return cases + [
        Case((_vector(0.5, 0.25, 2.0), _vector(2.0, 4.0, 0.5), -3.0), hint=BOUNDARY_HINT),
        Case((_vector(1.0, 1.0), _vector(1.0, 1.0), -2.000001),
             label="inputs = [1, 1], weights = [1, 1], bias = -2.000001 (so z = -1e-6)",
             hint="z is just below 0 here, so the output is 0: compare z itself with 0, with no tolerance."),
        Case((_vector(1.0, 1.0), _vector(1.0, 1.0), -1.999999),
             label="inputs = [1, 1], weights = [1, 1], bias = -1.999999 (so z = 1e-6)",
             hint="z is just above 0 here, so the output is 1: compare z itself with 0, with no tolerance."),
        Case((_vector(1.0, 1.0, dtype=np.float32), _vector(1.0, 1.0, dtype=np.float32), np.float32(-2.0)),
             label="inputs = [1, 1], weights = [1, 1], bias = -2, all float32", hint=BOUNDARY_HINT),
        Case((_vector(1, 1, dtype=np.int64), _vector(1, 1, dtype=np.int64), -2),
             label="inputs = [1, 1], weights = [1, 1], bias = -2, all integers", hint=BOUNDARY_HINT),
        Case((_vector(3.0), _vector(-2.0), 5.0), hint="a perceptron with a single input works the same way."),
        Case((_vector(1e8, -3e8), _vector(2e7, 1e7), 1.5e15), hint=PERCEPTRON_HINT),
    ]


def _perceptron_cases(hidden):
    """perceptron returns 1 where inputs @ weights + bias >= 0 (z == 0 included) and 0 elsewhere."""
    cases = _perceptron_visible_cases() + (_perceptron_hidden_cases() if hidden else [])
    return cases


PERCEPTRON = Exercise("perceptron", neurons.perceptron, _perceptron_cases)
check_perceptron = PERCEPTRON.check


# ---------------------------------------------------------------------------------------------
# and_gate_parameters: any line that separates (1, 1) from the other corners is right, so the check
# judges what the parameters do instead of comparing them with fixed numbers.

AND_CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))
AND_OUTPUTS = (0, 0, 0, 1)
AND_CASE_TEXT = ("and_gate_parameters() used as perceptron(x, weights, bias) on the corners "
                 "x = (0, 0), (0, 1), (1, 0), (1, 1)")


def _inspect_and_gate(fn, case):
    """The Verdict on fn's parameters; its symptom is what identifies a mistake: the shapes, the truth
    table, or a corner lying exactly on the line z == 0."""
    outcome = call_student(fn, case, [])
    problem = behaviour_problem(outcome)
    if problem is not None:
        return Verdict(problem, outcome)
    value = outcome.value
    if not (isinstance(value, tuple | list) and len(value) == 2):
        return Verdict(Problem("pair", (f"got      {format_value(value)} (type {type(value).__name__})",
                                        "expected a pair (weights, bias)"),
                               "the function returns None: is a `return` statement missing?" if value is None
                               else "the function returns the two parameters together, weights first."),
                       type(value).__name__)
    weights, bias = value
    if not isinstance(weights, np.ndarray):
        return Verdict(Problem("type", (f"got      weights = {format_value(weights)} (type {type(weights).__name__})",
                                        "expected weights as a NumPy array of 2 numbers"),
                               "perceptron is given its weights as a NumPy array: return them as one."),
                       type(weights).__name__)
    bias_array = np.asarray(bias) if isinstance(bias, int | float | np.number | np.ndarray) else np.asarray(None)
    if weights.dtype.kind not in "iuf" or bias_array.dtype.kind not in "iuf":
        return Verdict(Problem("type", (f"got      weights = {format_value(weights)}, bias = {format_value(bias)}",
                                        "expected numbers: weights a NumPy array of 2 numbers, bias one number"),
                               "the parameters are numbers: two weights in an array, and one bias."), None)
    if weights.shape != (2,) or bias_array.shape != ():
        return Verdict(Problem("shape", (f"got      weights of shape {weights.shape}, bias of shape "
                                         f"{bias_array.shape}",
                                         "expected weights of shape (2,) and bias a single number (shape ())"),
                               "one weight per input, and one bias for the neuron."),
                       (weights.shape, bias_array.shape))
    if not (np.isfinite(weights).all() and np.isfinite(bias_array)):
        return Verdict(Problem("nonfinite", (f"got      weights = {format_value(weights)}, bias = {format_value(bias)}",
                                             "expected finite numbers"), "nan and inf are not usable parameters."),
                       None)
    # Huge (finite) parameters may overflow z to inf; the reference perceptron still decides which side
    # that is, and the overflow is no fault of the student's answer.
    with np.errstate(all="ignore"):
        z = tuple(float(np.dot(corner, weights) + bias_array) for corner in AND_CORNERS)
        outputs = tuple(neurons.perceptron(np.array(corner), weights, bias_array) for corner in AND_CORNERS)
    if outputs == AND_OUTPUTS:
        return Verdict(None)
    # A corner that should give 0 but lies exactly on z == 0 is one mistake, whatever the other corners do.
    on_boundary = any(v == 0 and want == 0 for v, want in zip(z, AND_OUTPUTS))
    problem = Problem("value", (f"got      outputs {list(outputs)} (z = {format_value(np.array(z))})",
                                f"expected outputs {list(AND_OUTPUTS)}"),
                      "AND fires only at (1, 1): choose weights and a bias so that z (the weighted sum plus the "
                      "bias) is >= 0 at (1, 1) and < 0 at the other three corners.")
    return Verdict(problem, "a corner on the boundary" if on_boundary else outputs)


def _and_gate_parameters_cases(hidden):
    """and_gate_parameters() returns (weights, bias) with which the reference perceptron computes AND.

    Any separating line passes. `hidden` adds nothing here: the four corners are the whole truth table,
    so the visible check already tests all of it.
    """
    return [Case((), label=AND_CASE_TEXT)]


AND_GATE_PARAMETERS = Exercise("and_gate_parameters", neurons.and_gate_parameters, _and_gate_parameters_cases,
                               inspect=_inspect_and_gate)
check_and_gate_parameters = AND_GATE_PARAMETERS.check


IN_PLACE = ("an augmented assignment (*=, +=) on an argument writes into the caller's array, whose values are "
            "then lost: compute into a new variable.")


# ---------------------------------------------------------------------------------------------
# neuron_output: known mistakes, the more specific first


NEURON_OUTPUT.mistake("bias forgotten", "a neuron adds its bias once, after the weighted sum of its inputs.")(
    lambda inputs, weights, bias: np.dot(inputs, weights))

NEURON_OUTPUT.mistake("products not summed", "multiplying inputs and weights entry by entry gives one product per "
                      "input; a neuron then adds those products up into a single number (a dot product).")(
    lambda inputs, weights, bias: inputs * weights + bias)

NEURON_OUTPUT.mistake("bias multiplied", "the bias is added to the weighted sum, not multiplied with it.")(
    lambda inputs, weights, bias: np.dot(inputs, weights) * bias)

NEURON_OUTPUT.mistake("bias added to every product", "adding the bias before summing counts it once per input; sum "
                      "the products first, then add the bias once.")(
    lambda inputs, weights, bias: (inputs * weights + bias).sum())

NEURON_OUTPUT.mistake("inputs added to weights", "each input is multiplied by its weight, not added to it.")(
    lambda inputs, weights, bias: np.sum(inputs + weights) + bias)


@NEURON_OUTPUT.mistake("loop skips the last input", "the loop stops one input early: range(n) already stops before n, "
                       "so subtracting 1 drops the last index.")
def _neuron_loop_drops_last_input(inputs, weights, bias):
    total = bias
    for i in range(len(inputs) - 1):
        total += inputs[i] * weights[i]
    return total


@NEURON_OUTPUT.mistake("changes inputs in place", IN_PLACE)
def _neuron_scales_inputs_in_place(inputs, weights, bias):
    inputs *= weights
    return inputs.sum() + bias


NEURON_OUTPUT.alternative(lambda inputs, weights, bias: sum(x * w for x, w in zip(inputs, weights)) + bias)
NEURON_OUTPUT.alternative(lambda inputs, weights, bias: np.dot(inputs, weights) + bias)
NEURON_OUTPUT.alternative(lambda inputs, weights, bias: inputs @ weights + bias)
NEURON_OUTPUT.alternative(lambda inputs, weights, bias: np.einsum("i,i->", inputs, weights) + bias)
NEURON_OUTPUT.alternative(lambda inputs, weights, bias: np.array(np.sum(inputs * weights) + bias))


@NEURON_OUTPUT.alternative
def _neuron_loop(inputs, weights, bias):
    total = bias
    for i in range(len(inputs)):
        total += inputs[i] * weights[i]
    return total


# ---------------------------------------------------------------------------------------------
# layer_output: known mistakes, the more specific first


LAYER_OUTPUT.mistake("neurons as rows", "weights has one column per neuron, shape (D, n_out): the inputs go on the "
                     "left of the product. With weights on the left, the rows are treated as neurons.")(
    lambda inputs, weights, biases: weights @ inputs + biases)

LAYER_OUTPUT.mistake("biases summed", "each neuron adds its own bias: add the vector of biases, one per output, not "
                     "their total.")(lambda inputs, weights, biases: inputs @ weights + np.sum(biases))

LAYER_OUTPUT.mistake("biases forgotten", "each neuron adds its bias after its weighted sum.")(
    lambda inputs, weights, biases: inputs @ weights)

LAYER_OUTPUT.mistake("products not summed", "each neuron sums its products over the D inputs; multiplying entry by "
                     "entry leaves a (D, n_out) table of products. A matrix product does the sums.")(
    lambda inputs, weights, biases: inputs[:, None] * weights + biases)

LAYER_OUTPUT.mistake("first neuron only", "the layer has one output per neuron (per column of weights): return all "
                     "n_out of them.")(lambda inputs, weights, biases: np.dot(inputs, weights[:, 0]) + biases[0])


@LAYER_OUTPUT.mistake("adds into biases in place", IN_PLACE)
def _layer_adds_into_biases(inputs, weights, biases):
    biases += inputs @ weights
    return biases


LAYER_OUTPUT.mistake("returns a list", "the numbers are right, but the exercise asks for a NumPy array: a list has "
                     "no .shape and no elementwise arithmetic, which the next notebooks rely on.")(
    lambda inputs, weights, biases: [float(np.dot(inputs, weights[:, j]) + biases[j]) for j in range(weights.shape[1])])

LAYER_OUTPUT.alternative(lambda inputs, weights, biases: np.dot(inputs, weights) + biases)
LAYER_OUTPUT.alternative(lambda inputs, weights, biases: weights.T @ inputs + biases)
LAYER_OUTPUT.alternative(lambda inputs, weights, biases: np.einsum("i,ij->j", inputs, weights) + biases)
LAYER_OUTPUT.alternative(lambda inputs, weights, biases: (inputs[:, None] * weights).sum(axis=0) + biases)
LAYER_OUTPUT.alternative(lambda inputs, weights, biases: np.array([np.dot(inputs, weights[:, j]) + biases[j]
                                                                  for j in range(weights.shape[1])]))


# ---------------------------------------------------------------------------------------------
# perceptron: known mistakes, the more specific first


PERCEPTRON.mistake("strict inequality", "the perceptron fires (returns 1) when z >= 0, so z == 0 gives 1; a strict > "
                   "puts z == 0 on the wrong side.")(
    lambda inputs, weights, bias: int(np.dot(inputs, weights) + bias > 0))

PERCEPTRON.mistake("no threshold", "this returns z itself; the perceptron thresholds it, to 1 where z >= 0 and 0 "
                   "elsewhere.")(lambda inputs, weights, bias: np.dot(inputs, weights) + bias)

PERCEPTRON.mistake("np.sign", "np.sign(z) gives -1 for z < 0 and 0 at z == 0; the perceptron gives 0 and 1.")(
    lambda inputs, weights, bias: np.sign(np.dot(inputs, weights) + bias))

PERCEPTRON.mistake("bias forgotten", "z is the weighted sum plus the bias: without the bias the boundary always "
                   "passes through the origin.")(lambda inputs, weights, bias: int(np.dot(inputs, weights) >= 0))

PERCEPTRON.mistake("bias used as a threshold", "comparing the weighted sum with the bias is not adding it: z is the "
                   "weighted sum plus the bias, compared with 0 (a threshold t is the bias -t).")(
    lambda inputs, weights, bias: int(np.dot(inputs, weights) >= bias))


@PERCEPTRON.mistake("z truncated to an int", "converting z to an int rounds it towards 0, so a z such as -0.5 becomes "
                    "0 and fires: compare z itself with 0, and convert only the comparison's result.")
def _perceptron_truncates_z(inputs, weights, bias):
    z = int(np.dot(inputs, weights) + bias)
    return 1 if z >= 0 else 0


PERCEPTRON.mistake("returns a boolean", "the comparison's result is a boolean (True or False); the exercise asks for "
                   "the integer 1 or 0, which later code can add and multiply.")(
    lambda inputs, weights, bias: np.dot(inputs, weights) + bias >= 0)

PERCEPTRON.mistake("returns a float", "the value is right, but it is a float (1.0 or 0.0): the exercise asks for the "
                   "integer 1 or 0.")(lambda inputs, weights, bias: np.heaviside(np.dot(inputs, weights) + bias, 1.0))

PERCEPTRON.mistake("output inverted", "the output is 1 where z >= 0 and 0 where z < 0, not the other way round.")(
    lambda inputs, weights, bias: int(np.dot(inputs, weights) + bias < 0))

PERCEPTRON.alternative(lambda inputs, weights, bias: int(np.dot(inputs, weights) + bias >= 0))
PERCEPTRON.alternative(lambda inputs, weights, bias: np.where(inputs @ weights + bias >= 0, 1, 0))
PERCEPTRON.alternative(lambda inputs, weights, bias: np.int64(1) if inputs @ weights >= -bias else np.int64(0))
PERCEPTRON.alternative(lambda inputs, weights, bias: int(np.heaviside(np.dot(inputs, weights) + bias, 1.0)))


@PERCEPTRON.alternative
def _perceptron_if_else(inputs, weights, bias):
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    if z >= 0:
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# and_gate_parameters: known mistakes, the more specific first


AND_GATE_PARAMETERS.mistake("OR gate", "these parameters fire when either input is 1: that is OR. For AND, the bias "
                            "must keep z below 0 unless both inputs are 1: with both inputs at 1, z is the sum of "
                            "the weights plus the bias; with one input at 1, only one weight counts.")(
    lambda: (np.array([1.0, 1.0]), -0.5))

AND_GATE_PARAMETERS.mistake("boundary through a corner", "a corner where AND gives 0 lies exactly on the line z == "
                            "0, and the perceptron fires at z == 0. Move the line off the corners, to sit between "
                            "(1, 1) and the other three.")(lambda: (np.array([1.0, 1.0]), -1.0))

AND_GATE_PARAMETERS.mistake("bias sign flipped", "the perceptron fires at every corner: with positive weights, a "
                            "positive bias makes z >= 0 everywhere. AND needs a negative bias, larger in size than "
                            "either weight.")(lambda: (np.array([1.0, 1.0]), 1.5))

AND_GATE_PARAMETERS.mistake("NAND gate", "every sign is flipped, which inverts the outputs (NAND): flip the signs of "
                            "the weights and of the bias.")(lambda: (np.array([-1.0, -1.0]), 1.5))

AND_GATE_PARAMETERS.mistake("bias and weights swapped", "the pair comes in the order (weights, bias).")(
    lambda: (-1.5, np.array([1.0, 1.0])))

AND_GATE_PARAMETERS.mistake("bias as an array", "the bias is one number (a float), not an array holding one number.")(
    lambda: (np.array([1.0, 1.0]), np.array([-1.5])))

AND_GATE_PARAMETERS.mistake("weights as a column", "weights has shape (2,), one weight per input, like perceptron's "
                            "`weights` argument; a column of shape (2, 1) is a matrix.")(
    lambda: (np.array([[1.0], [1.0]]), -1.5))

AND_GATE_PARAMETERS.mistake("weights as a list", "the exercise asks for the weights as a NumPy array of 2 numbers, "
                            "the kind of `weights` that perceptron is given.")(lambda: ([1.0, 1.0], -1.5))

AND_GATE_PARAMETERS.alternative(lambda: (np.array([1, 1]), -2))
AND_GATE_PARAMETERS.alternative(lambda: (np.array([0.5, 0.5]), np.float64(-0.75)))
AND_GATE_PARAMETERS.alternative(lambda: [np.array([2.0, 3.0]), np.array(-4.0)])
AND_GATE_PARAMETERS.alternative(lambda: (np.array([2, 3], dtype=np.int64), np.int64(-4)))
AND_GATE_PARAMETERS.alternative(lambda: (np.array([1e308, 1e308]), -1.5e308))


NOTEBOOK = Notebook("01_single_neuron", [NEURON_OUTPUT, LAYER_OUTPUT, PERCEPTRON, AND_GATE_PARAMETERS])
CHECKS = NOTEBOOK.checks
