"""Checks for notebook 01: a single neuron, a layer of neurons on one sample, and the perceptron."""


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
    format_value,
    seed_text,
)
from autograde_tests.mistakes import nb01 as catalogue
from course_lib import neurons

SEED = 1

BOUNDARY_HINT = "z, the weighted sum plus the bias, is exactly 0 here, and z == 0 counts as firing."
SHAPE_HINT = ("weights has shape (D, n_out), one column per neuron: each output is the dot product of the inputs "
              "with one column, plus that neuron's own bias.")
NEURON_HINT = "a neuron multiplies each input by its weight, adds the products up, then adds the bias once."


def _vector(*values, dtype=float):
    return np.array(values, dtype=dtype)


# ---------------------------------------------------------------------------------------------
# neuron_output


def check_neuron_output(fn, hidden=False):
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
    check_cases(fn, "neuron_output", neurons.neuron_output, cases, hint=NEURON_HINT)


# ---------------------------------------------------------------------------------------------
# layer_output


def check_layer_output(fn, hidden=False):
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
    check_cases(fn, "layer_output", neurons.layer_output, cases)


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


def check_perceptron(fn, hidden=False):
    """perceptron returns 1 where inputs @ weights + bias >= 0 (z == 0 included) and 0 elsewhere."""
    cases = _perceptron_visible_cases() + (_perceptron_hidden_cases() if hidden else [])
    check_cases(fn, "perceptron", neurons.perceptron, cases)


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


def check_and_gate_parameters(fn, hidden=False):
    """and_gate_parameters() returns (weights, bias) with which the reference perceptron computes AND.

    Any separating line passes. `hidden` adds nothing here: the four corners are the whole truth table,
    so the visible check already tests all of it.
    """
    check_with(fn, "and_gate_parameters", [Case((), label=AND_CASE_TEXT)], _inspect_and_gate)


NOTEBOOK = Notebook("01_single_neuron", [
    ("neuron_output", check_neuron_output, neurons.neuron_output),
    ("layer_output", check_layer_output, neurons.layer_output),
    ("perceptron", check_perceptron, neurons.perceptron),
    ("and_gate_parameters", check_and_gate_parameters, neurons.and_gate_parameters),
], catalogue)
CHECKS = NOTEBOOK.checks
