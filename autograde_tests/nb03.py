"""Checks for notebook 03: activation functions and their derivatives."""

import numpy as np

from autograde_tests.core import Case, check_cases
from autograde_tests.mistakes.nb03 import MISTAKES
from course_lib import activations

SEED = 3

ZERO_HINT = "look at z == 0 exactly: which side of the boundary does it belong to?"
LARGE_HINT = "large |z| must work without overflow: never take exp of a large positive number."


def _visible_cases():
    return [
        Case((np.array([-3.0, -0.5, 0.0, 0.5, 3.0]),), hint=ZERO_HINT),
        Case((np.array([[-2.0, 1.0, 0.0], [4.0, -0.25, 7.5]]),)),
    ]


def _hidden_cases():
    rng = np.random.default_rng(SEED)
    random = 3.0 * rng.standard_normal((7, 5))
    cases = [
        Case((random,), label=f"z = 3 * standard normal of shape (7, 5) from default_rng({SEED})"),
        Case((random.astype(np.float32),), label="the same z as float32"),
        Case((np.zeros((2, 3)),), hint=ZERO_HINT),
        Case((np.array([-1e-12, 0.0, 1e-12]),), hint=ZERO_HINT),
        # Large values in float64 only: clipping z to [-500, 500], a common stable approach, is exact in
        # float64 but overflows float32's exp, and the contract asks for stability, not for float32 range.
        Case((np.array([-1e4, -800.0, -50.0, 50.0, 800.0, 1e4]),), hint=LARGE_HINT),
    ]
    return cases


def _elementwise_check(name, reference):
    def check(fn, hidden=False):
        cases = _visible_cases()
        if hidden:
            cases += _hidden_cases()
        check_cases(fn, name, reference, cases, MISTAKES[name])

    check.__name__ = f"check_{name}"
    check.__doc__ = f"{name} gives the reference's values elementwise, for any shape, without warnings."
    return check


check_step = _elementwise_check("step", activations.step)
check_relu = _elementwise_check("relu", activations.relu)
check_relu_grad = _elementwise_check("relu_grad", activations.relu_grad)


def check_sigmoid(fn, hidden=False):
    """sigmoid matches 1 / (1 + exp(-z)) and stays finite and silent for |z| up to 1e4."""
    cases = _visible_cases() + [Case((np.array([-1000.0, 1000.0]),), hint=LARGE_HINT)]
    if hidden:
        cases += _hidden_cases()
    check_cases(fn, "sigmoid", activations.sigmoid, cases, MISTAKES["sigmoid"])


def check_sigmoid_grad(fn, hidden=False):
    """sigmoid_grad is sigmoid(z) * (1 - sigmoid(z)), finite and silent for |z| up to 1e4."""
    cases = _visible_cases() + [Case((np.array([-1000.0, 1000.0]),), hint=LARGE_HINT)]
    if hidden:
        cases += _hidden_cases()
    check_cases(fn, "sigmoid_grad", activations.sigmoid_grad, cases, MISTAKES["sigmoid_grad"])


def _alpha_cases(hidden):
    z = np.array([-4.0, -1.0, 0.0, 2.0])
    cases = _visible_cases() + [Case((z,), {"alpha": 0.1}, hint="use the `alpha` argument.")]
    if hidden:
        cases += _hidden_cases()
        cases += [
            Case((z, 0.3), hint="alpha may also be passed by position."),
            Case((z,), {"alpha": 0.0}),
            Case((np.zeros((3, 2)),), {"alpha": 0.25}, hint=ZERO_HINT),
            Case((np.array([-1e4, 1e4]),), {"alpha": 0.5}),
        ]
    return cases


def check_leaky_relu(fn, hidden=False):
    """leaky_relu is z for z > 0 and alpha * z elsewhere, with the alpha it is given."""
    check_cases(fn, "leaky_relu", activations.leaky_relu, _alpha_cases(hidden), MISTAKES["leaky_relu"])


def check_leaky_relu_grad(fn, hidden=False):
    """leaky_relu_grad is 1 for z > 0 and alpha elsewhere (alpha at z == 0)."""
    check_cases(fn, "leaky_relu_grad", activations.leaky_relu_grad, _alpha_cases(hidden),
                MISTAKES["leaky_relu_grad"])


CHECKS = {
    "step": check_step,
    "sigmoid": check_sigmoid,
    "relu": check_relu,
    "leaky_relu": check_leaky_relu,
    "sigmoid_grad": check_sigmoid_grad,
    "relu_grad": check_relu_grad,
    "leaky_relu_grad": check_leaky_relu_grad,
}
