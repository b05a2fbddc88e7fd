"""Checks for notebook 03: activation functions and their derivatives."""

import numpy as np

from autograde_tests.core import Case, Notebook, case_rng, check_cases, seed_text
from autograde_tests.mistakes import nb03 as catalogue
from course_lib import activations

SEED = 3

ZERO_HINT = "look at z == 0 exactly: which side of the boundary does it belong to?"
LARGE_HINT = "large |z| must work without overflow: never take exp of a large positive number."

# What each function computes, in words and maths, for a wrong value that no known mistake explains.
FORMULAS = {
    "step": "step(z) is 1.0 where z >= 0 and 0.0 where z < 0.",
    "sigmoid": "sigmoid(z) = 1 / (1 + e^(-z)): 0.5 at z = 0, close to 1 for large z, close to 0 for very negative z.",
    "relu": "relu(z) is z where z > 0 and 0 elsewhere.",
    "leaky_relu": "leaky_relu(z) is z where z > 0 and alpha times z elsewhere.",
    "sigmoid_grad": "the derivative is σ(z)·(1 − σ(z)), at most 0.25 (at z = 0), and close to 0 for large |z|.",
    "relu_grad": "relu's slope is 1 where z > 0 and 0 elsewhere, z == 0 included.",
    "leaky_relu_grad": "leaky relu's slope is 1 where z > 0 and alpha elsewhere, z == 0 included.",
}


def _zero_case(z, **kwargs):
    return Case((z,), hint=ZERO_HINT, hint_where=np.asarray(z) == 0, **kwargs)


def _visible_cases():
    return [
        _zero_case(np.array([-3.0, -0.5, 0.0, 0.5, 3.0])),
        Case((np.array([[-2.0, 1.0, 0.0], [4.0, -0.25, 7.5]]),)),
    ]


def _hidden_cases():
    random = 3.0 * case_rng(SEED).standard_normal((7, 5))
    return [
        Case((random,), label=f"z = 3 * standard normal of shape (7, 5) from {seed_text(SEED)}"),
        Case((random.astype(np.float32),), label="the same z as float32"),
        _zero_case(np.zeros((2, 3))),
        _zero_case(np.array([-1e-12, 0.0, 1e-12])),
        # Large values in float64 only: clipping z to [-500, 500], a common stable approach, is exact in
        # float64 but overflows float32's exp, and the exercise asks for stability, not for float32 range.
        Case((np.array([-1e4, -800.0, -50.0, 50.0, 800.0, 1e4]),), hint=LARGE_HINT),
    ]


def _check(name, reference, extra_visible=()):
    def check(fn, hidden=False):
        cases = _visible_cases() + list(extra_visible)
        if hidden:
            cases += _hidden_cases()
        check_cases(fn, name, reference, cases, hint=FORMULAS[name])

    check.__name__ = f"check_{name}"
    check.__doc__ = f"{name} gives the reference's values elementwise, for any shape, without warnings."
    return check


_LARGE = [Case((np.array([-1000.0, 1000.0]),), hint=LARGE_HINT)]

check_step = _check("step", activations.step)
check_sigmoid = _check("sigmoid", activations.sigmoid, _LARGE)
check_relu = _check("relu", activations.relu)
check_sigmoid_grad = _check("sigmoid_grad", activations.sigmoid_grad, _LARGE)
check_relu_grad = _check("relu_grad", activations.relu_grad)


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
    check_cases(fn, "leaky_relu", activations.leaky_relu, _alpha_cases(hidden), hint=FORMULAS["leaky_relu"])


def check_leaky_relu_grad(fn, hidden=False):
    """leaky_relu_grad is 1 for z > 0 and alpha elsewhere (alpha at z == 0)."""
    check_cases(fn, "leaky_relu_grad", activations.leaky_relu_grad, _alpha_cases(hidden),
                hint=FORMULAS["leaky_relu_grad"])


NOTEBOOK = Notebook("03_activations", [
    ("step", check_step, activations.step),
    ("sigmoid", check_sigmoid, activations.sigmoid),
    ("relu", check_relu, activations.relu),
    ("leaky_relu", check_leaky_relu, activations.leaky_relu),
    ("sigmoid_grad", check_sigmoid_grad, activations.sigmoid_grad),
    ("relu_grad", check_relu_grad, activations.relu_grad),
    ("leaky_relu_grad", check_leaky_relu_grad, activations.leaky_relu_grad),
], catalogue)
CHECKS = NOTEBOOK.checks
