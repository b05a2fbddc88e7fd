"""Checks for notebook 03: activation functions and their derivatives."""

import numpy as np

from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook
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


def _elementwise(name, reference, extra_visible=()):
    """The exercise of an activation judged by value: the shared cases, with `extra_visible` among the visible ones."""
    def cases(hidden):
        return _visible_cases() + list(extra_visible) + (_hidden_cases() if hidden else [])

    return Exercise(name, reference, cases, hint=FORMULAS[name],
                    summary=f"{name} gives the reference's values elementwise, for any shape, without warnings.")


_LARGE = [Case((np.array([-1000.0, 1000.0]),), hint=LARGE_HINT)]

STEP = _elementwise("step", activations.step)
SIGMOID = _elementwise("sigmoid", activations.sigmoid, _LARGE)
RELU = _elementwise("relu", activations.relu)
SIGMOID_GRAD = _elementwise("sigmoid_grad", activations.sigmoid_grad, _LARGE)
RELU_GRAD = _elementwise("relu_grad", activations.relu_grad)
check_step, check_sigmoid, check_relu = STEP.check, SIGMOID.check, RELU.check
check_sigmoid_grad, check_relu_grad = SIGMOID_GRAD.check, RELU_GRAD.check


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


LEAKY_RELU = Exercise("leaky_relu", activations.leaky_relu, _alpha_cases, hint=FORMULAS["leaky_relu"],
                      summary="leaky_relu is z for z > 0 and alpha * z elsewhere, with the alpha it is given.")
check_leaky_relu = LEAKY_RELU.check


LEAKY_RELU_GRAD = Exercise("leaky_relu_grad", activations.leaky_relu_grad, _alpha_cases,
                           hint=FORMULAS["leaky_relu_grad"],
                           summary="leaky_relu_grad is 1 for z > 0 and alpha elsewhere (alpha at z == 0).")
check_leaky_relu_grad = LEAKY_RELU_GRAD.check


OVERWRITES = ("assigning into z (or an operation with out=z) changes the caller's array, whose values are then "
              "lost: build the result as a new array.")
BOOLEANS = ("a comparison gives booleans, and a boolean array breaks later arithmetic (True - False raises a "
            "TypeError in NumPy): the exercise asks for the floats 1.0 and 0.0.")


# ---------------------------------------------------------------------------------------------
# leaky_relu: known mistakes, the more specific first


LEAKY_RELU.mistake("alpha ignored", "the slope for negative z must be the `alpha` argument, not the number 0.01 "
                   "written into the code.")(lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z))

LEAKY_RELU.mistake("branches swapped", "alpha scales the negative side: z where z > 0, alpha times z elsewhere.")(
    lambda z, alpha=0.01: np.where(z > 0, alpha * z, z))

LEAKY_RELU.mistake("alpha instead of alpha * z", "for negative z the output is alpha times z (a line through 0), not "
                   "the constant alpha; the maximum of alpha and z makes the same mistake.")(
    lambda z, alpha=0.01: np.where(z > 0, z, alpha))


@LEAKY_RELU.mistake("overwrites z", OVERWRITES)
def _leaky_in_place(z, alpha=0.01):
    z[z < 0] *= alpha
    return z


LEAKY_RELU.alternative(lambda z, alpha=0.01: np.maximum(z, alpha * z))
LEAKY_RELU.alternative(lambda z, alpha=0.01: z * np.where(z > 0, 1.0, alpha))
LEAKY_RELU.alternative(lambda z, alpha=0.01: np.maximum(z, 0) + alpha * np.minimum(z, 0))


@LEAKY_RELU.alternative
def _leaky_relu_copy_then_scale(z, alpha=0.01):
    out = z.copy()
    out[out < 0] *= alpha
    return out


# ---------------------------------------------------------------------------------------------
# leaky_relu_grad: known mistakes, the more specific first


LEAKY_RELU_GRAD.mistake("1 at z == 0", "the course takes the slope alpha at z == 0: only z > 0 gets 1.0.")(
    lambda z, alpha=0.01: np.where(z >= 0, 1.0, alpha))

LEAKY_RELU_GRAD.mistake("relu's derivative", "leaky relu's slope for z <= 0 is alpha, not 0.")(
    lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.0))

LEAKY_RELU_GRAD.mistake("alpha ignored", "the slope for z <= 0 must be the `alpha` argument, not the number 0.01 "
                        "written into the code.")(lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01))

LEAKY_RELU_GRAD.mistake("alpha * z", "the derivative of alpha times z is the constant alpha, not alpha times z.")(
    lambda z, alpha=0.01: np.where(z > 0, 1.0, alpha * z))

LEAKY_RELU_GRAD.mistake("0 at z == 0", "the course takes the slope alpha at z == 0, not 0: only z > 0 gets 1.0, "
                        "everything else alpha.")(
    lambda z, alpha=0.01: np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.0)))

LEAKY_RELU_GRAD.alternative(lambda z, alpha=0.01: np.where(z > 0, 1, alpha))
LEAKY_RELU_GRAD.alternative(lambda z, alpha=0.01: (z > 0) + alpha * (z <= 0))


@LEAKY_RELU_GRAD.alternative
def _leaky_relu_grad_fill(z, alpha=0.01):
    grad = np.full(z.shape, alpha, dtype=float)
    grad[z > 0] = 1.0
    return grad


# ---------------------------------------------------------------------------------------------
# step: known mistakes, the more specific first


STEP.mistake("strict inequality", "step(0) must be 1.0: the condition is z >= 0, not z > 0.")(
    lambda z: np.where(z > 0, 1.0, 0.0))

STEP.mistake("np.sign", "np.sign gives -1 for negative z and 0 at z == 0; step gives 0.0 and 1.0.")(
    lambda z: np.sign(z))


@STEP.mistake("overwrites z", OVERWRITES)
def _step_in_place(z):
    z[z >= 0] = 1.0
    z[z < 0] = 0.0
    return z


STEP.mistake("returns booleans", BOOLEANS)(lambda z: z >= 0)

STEP.mistake("returns integers", "the values are right but they are integers: the exercise asks for floats, and an "
             "integer array cannot hold fractions later on.")(lambda z: (z >= 0).astype(int))

STEP.alternative(lambda z: (z >= 0).astype(float))
STEP.alternative(lambda z: np.heaviside(z, 1.0))
STEP.alternative(lambda z: np.array([1.0 if v >= 0 else 0.0 for v in z.ravel()]).reshape(z.shape))
STEP.alternative(lambda z: 1.0 - (z < 0))


# ---------------------------------------------------------------------------------------------
# sigmoid: known mistakes, the more specific first


SIGMOID.mistake("naive formula overflows", "1 / (1 + e^(-z)) takes e^(-z), which overflows for z below about -710. "
                "Compute an exponential that never overflows, e^(-|z|), and use the rewrite e^z / (1 + e^z) on the "
                "negative side.")(lambda z: 1 / (1 + np.exp(-z)))

SIGMOID.mistake("exp(z) / (1 + exp(z)) for every z", "for large positive z both e^z overflow to inf and inf / inf is "
                "nan. Use this form only where z < 0, and the usual form where z >= 0.")(
    lambda z: np.exp(z) / (1 + np.exp(z)))

SIGMOID.mistake("np.where computes both branches", "the two formulas are right, each on its side, but np.where "
                "computes both of its branches for every entry before choosing, so the branch you do not pick still "
                "overflows and warns. Give both branches an exponential that cannot overflow anywhere, e^(-|z|).")(
    lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))))

SIGMOID.mistake("sign of the exponent", "sigmoid(z) = 1 / (1 + e^(-z)): the exponent is -z, so sigmoid(2) is about "
                "0.88, not 0.12.")(lambda z: 1 / (1 + np.exp(z)))


@SIGMOID.mistake("clips z in place", OVERWRITES)
def _sigmoid_clip_in_place(z):
    np.clip(z, -500, 500, out=z)
    return 1 / (1 + np.exp(-z))


SIGMOID.mistake("tanh instead of sigmoid", "tanh is a different S-curve, from -1 to 1 with tanh(0) = 0; the sigmoid "
                "runs from 0 to 1 with sigmoid(0) = 0.5.")(lambda z: np.tanh(z))


@SIGMOID.alternative
def _stable_sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0.0, -z))


@SIGMOID.alternative
def _sigmoid_via_tanh(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


SIGMOID.alternative(lambda z: 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500))))


@SIGMOID.alternative
def _sigmoid_loop(z):
    z = np.asarray(z, dtype=float)
    flat = [1.0 / (1.0 + np.exp(-v)) if v >= 0 else np.exp(v) / (1.0 + np.exp(v)) for v in z.ravel()]
    return np.array(flat).reshape(z.shape)


@SIGMOID.alternative
def _sigmoid_masked(z):
    out = np.empty_like(z, dtype=float)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


# ---------------------------------------------------------------------------------------------
# relu: known mistakes, the more specific first


@RELU.mistake("overwrites z", OVERWRITES)
def _relu_in_place(z):
    z[z < 0] = 0
    return z


RELU.mistake("absolute value", "relu zeroes negative inputs; the absolute value flips their sign.")(lambda z: np.abs(z))

RELU.mistake("minimum instead of maximum", "relu keeps the larger of 0 and z, not the smaller.")(
    lambda z: np.minimum(0, z))

RELU.mistake("returns the derivative's mask", "1 where z > 0 and 0 elsewhere is relu's slope (relu_grad); relu "
             "itself passes z through where z > 0.")(lambda z: (z > 0).astype(float))

RELU.mistake("Python's max on an array", "Python's built-in max compares two single values, so on an array it has to "
             "decide whether the whole array is larger than 0, and cannot. NumPy has an elementwise maximum that "
             "compares entry by entry.")(lambda z: max(0, z))

RELU.alternative(lambda z: z * (z > 0))
RELU.alternative(lambda z: np.where(z > 0, z, 0.0))
RELU.alternative(lambda z: np.clip(z, 0, None))
RELU.alternative(lambda z: (np.abs(z) + z) / 2)


# ---------------------------------------------------------------------------------------------
# sigmoid_grad: known mistakes, the more specific first


SIGMOID_GRAD.mistake("formula in terms of the output applied to z", "the derivative σ(z)·(1 − σ(z)) is written in "
                     "the sigmoid's output σ(z), not in z: applying that form to z itself treats z as if it were the "
                     "sigmoid's output.")(lambda z: z * (1 - z))

SIGMOID_GRAD.mistake("returns sigmoid itself", "the derivative is σ(z)·(1 − σ(z)), not σ(z).")(
    lambda z: 1 / (1 + np.exp(-z)))

SIGMOID_GRAD.mistake("naive exp formula", "e^(-z) / (1 + e^(-z))² is right on paper but gives nan (inf / inf) for "
                     "large negative z. The form σ(z)·(1 − σ(z)) with a stable sigmoid has no such problem.")(
    lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)


@SIGMOID_GRAD.mistake("wrong sign", "the sigmoid is increasing, so its derivative is positive: σ·(1 − σ), not σ·(σ − "
                      "1).")
def _sigmoid_grad_wrong_sign(z):
    s = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    return s * (s - 1)


@SIGMOID_GRAD.mistake("naive sigmoid inside", "σ·(1 − σ) is right, but σ computed with the textbook formula overflows "
                      "for large negative z: compute it the stable way (your own sigmoid, once it passes).")
def _sigmoid_grad_naive_sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


@SIGMOID_GRAD.mistake("σ times σ", "the derivative is σ(z)·(1 − σ(z)); σ(z)·σ(z) is too large for positive z and "
                      "never reaches its peak of 0.25 at z = 0.")
def _sigmoid_grad_squared(z):
    s = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    return s * s


SIGMOID_GRAD.alternative(lambda z: (lambda s: s - s**2)(_sigmoid_via_tanh(z)))
SIGMOID_GRAD.alternative(lambda z: np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))) ** 2)
SIGMOID_GRAD.alternative(lambda z: 0.25 / np.cosh(0.5 * np.clip(z, -700, 700)) ** 2)
SIGMOID_GRAD.alternative(lambda z: _stable_sigmoid_logaddexp(z) * _stable_sigmoid_logaddexp(-z))


# ---------------------------------------------------------------------------------------------
# relu_grad: known mistakes, the more specific first


RELU_GRAD.mistake("1 at z == 0", "the course takes the slope 0 at the kink z == 0: only z > 0 gets 1.0.")(
    lambda z: np.where(z >= 0, 1.0, 0.0))

RELU_GRAD.mistake("returns relu(z)", "the derivative of relu is 1 where z > 0 and 0 elsewhere, not relu(z).")(
    lambda z: np.maximum(0, z))

RELU_GRAD.mistake("np.sign", "np.sign gives -1 for negative z; relu's slope there is 0.")(lambda z: np.sign(z))

RELU_GRAD.mistake("slope 1 everywhere", "1 is the slope of z itself; relu is flat (slope 0) where z <= 0.")(
    lambda z: np.ones_like(z))

RELU_GRAD.mistake("returns booleans", BOOLEANS)(lambda z: z > 0)

RELU_GRAD.alternative(lambda z: (z > 0).astype(float))
RELU_GRAD.alternative(lambda z: np.heaviside(z, 0.0))
RELU_GRAD.alternative(lambda z: (z > 0) * 1.0)


NOTEBOOK = Notebook("03_activations", [STEP, SIGMOID, RELU, LEAKY_RELU, SIGMOID_GRAD, RELU_GRAD, LEAKY_RELU_GRAD])
CHECKS = NOTEBOOK.checks
