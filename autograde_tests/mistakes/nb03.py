"""Known mistakes and accepted alternatives for notebook 03 (activations), keyed by graded function name."""

import numpy as np

from autograde_tests.core import Mistake

# ---------------------------------------------------------------------------------------------
# Mistakes


def _step_strict(z):
    return np.where(z > 0, 1.0, 0.0)


def _step_sign(z):
    return np.sign(z)


def _step_in_place(z):
    z[z >= 0] = 1.0
    z[z < 0] = 0.0
    return z


def _step_booleans(z):
    return z >= 0


def _step_integers(z):
    return (z >= 0).astype(int)


def _sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


def _sigmoid_exp_ratio(z):
    return np.exp(z) / (1 + np.exp(z))


def _sigmoid_where_both_branches(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _sigmoid_sign_flipped(z):
    return 1 / (1 + np.exp(z))


def _sigmoid_clip_in_place(z):
    np.clip(z, -500, 500, out=z)
    return 1 / (1 + np.exp(-z))


def _sigmoid_tanh(z):
    return np.tanh(z)


def _relu_in_place(z):
    z[z < 0] = 0
    return z


def _relu_abs(z):
    return np.abs(z)


def _relu_min(z):
    return np.minimum(0, z)


def _relu_returns_mask(z):
    return (z > 0).astype(float)


def _relu_python_max(z):
    return max(0, z)


def _leaky_alpha_fixed(z, alpha=0.01):
    return np.where(z > 0, z, 0.01 * z)


def _leaky_alpha_everywhere(z, alpha=0.01):
    return np.where(z > 0, alpha * z, z)


def _leaky_alpha_constant(z, alpha=0.01):
    return np.where(z > 0, z, alpha)


def _leaky_in_place(z, alpha=0.01):
    z[z < 0] *= alpha
    return z


def _sigmoid_grad_of_output(z):
    return z * (1 - z)


def _sigmoid_grad_missing_factor(z):
    return 1 / (1 + np.exp(-z))


def _sigmoid_grad_naive_formula(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2


def _sigmoid_grad_wrong_sign(z):
    s = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    return s * (s - 1)


def _sigmoid_grad_naive_sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def _sigmoid_grad_squared(z):
    s = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    return s * s


def _relu_grad_one_at_zero(z):
    return np.where(z >= 0, 1.0, 0.0)


def _relu_grad_returns_relu(z):
    return np.maximum(0, z)


def _relu_grad_sign(z):
    return np.sign(z)


def _relu_grad_ones(z):
    return np.ones_like(z)


def _relu_grad_booleans(z):
    return z > 0


def _leaky_grad_one_at_zero(z, alpha=0.01):
    return np.where(z >= 0, 1.0, alpha)


def _leaky_grad_zero_below(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.0)


def _leaky_grad_alpha_fixed(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.01)


def _leaky_grad_times_z(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha * z)


def _leaky_grad_zero_at_zero(z, alpha=0.01):
    return np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.0))


OVERWRITES = ("assigning into z (or an operation with out=z) changes the caller's array, whose values are then "
              "lost: build the result as a new array.")
BOOLEANS = ("a comparison gives booleans, and a boolean array breaks later arithmetic (True - False raises a "
            "TypeError in NumPy): the exercise asks for the floats 1.0 and 0.0.")

MISTAKES = {
    "step": [
        Mistake("strict inequality", "step(0) must be 1.0: the condition is z >= 0, not z > 0.", _step_strict),
        Mistake("np.sign", "np.sign gives -1 for negative z and 0 at z == 0; step gives 0.0 and 1.0.",
                _step_sign),
        Mistake("overwrites z", OVERWRITES, _step_in_place),
        Mistake("returns booleans", BOOLEANS, _step_booleans),
        Mistake("returns integers", "the values are right but they are integers: the exercise asks for "
                "floats, and an integer array cannot hold fractions later on.", _step_integers),
    ],
    "sigmoid": [
        Mistake("naive formula overflows",
                "1 / (1 + e^(-z)) takes e^(-z), which overflows for z below about -710. Compute an exponential "
                "that never overflows, e^(-|z|), and use the rewrite e^z / (1 + e^z) on the negative side.",
                _sigmoid_naive),
        Mistake("exp(z) / (1 + exp(z)) for every z",
                "for large positive z both e^z overflow to inf and inf / inf is nan. Use this form only where "
                "z < 0, and the usual form where z >= 0.", _sigmoid_exp_ratio),
        Mistake("np.where computes both branches",
                "the two formulas are right, each on its side, but np.where computes both of its branches for "
                "every entry before choosing, so the branch you do not pick still overflows and warns. Give "
                "both branches an exponential that cannot overflow anywhere, e^(-|z|).",
                _sigmoid_where_both_branches),
        Mistake("sign of the exponent", "sigmoid(z) = 1 / (1 + e^(-z)): the exponent is -z, so sigmoid(2) is "
                "about 0.88, not 0.12.", _sigmoid_sign_flipped),
        Mistake("clips z in place", OVERWRITES, _sigmoid_clip_in_place),
        Mistake("tanh instead of sigmoid", "tanh is a different S-curve, from -1 to 1 with tanh(0) = 0; the "
                "sigmoid runs from 0 to 1 with sigmoid(0) = 0.5.", _sigmoid_tanh),
    ],
    "relu": [
        Mistake("overwrites z", OVERWRITES, _relu_in_place),
        Mistake("absolute value", "relu zeroes negative inputs; the absolute value flips their sign.", _relu_abs),
        Mistake("minimum instead of maximum", "relu keeps the larger of 0 and z, not the smaller.", _relu_min),
        Mistake("returns the derivative's mask", "1 where z > 0 and 0 elsewhere is relu's slope (relu_grad); "
                "relu itself passes z through where z > 0.", _relu_returns_mask),
        Mistake("Python's max on an array", "Python's built-in max compares two single values, so on an array "
                "it has to decide whether the whole array is larger than 0, and cannot. NumPy has an "
                "elementwise maximum that compares entry by entry.", _relu_python_max),
    ],
    "leaky_relu": [
        Mistake("alpha ignored", "the slope for negative z must be the `alpha` argument, not the number "
                "0.01 written into the code.", _leaky_alpha_fixed),
        Mistake("branches swapped", "alpha scales the negative side: z where z > 0, alpha times z elsewhere.",
                _leaky_alpha_everywhere),
        Mistake("alpha instead of alpha * z", "for negative z the output is alpha times z (a line through 0), "
                "not the constant alpha; the maximum of alpha and z makes the same mistake.",
                _leaky_alpha_constant),
        Mistake("overwrites z", OVERWRITES, _leaky_in_place),
    ],
    "sigmoid_grad": [
        Mistake("formula in terms of the output applied to z",
                "the derivative σ(z)·(1 − σ(z)) is written in the sigmoid's output σ(z), not in z: "
                "applying that form to z itself treats z as if it were the sigmoid's output.",
                _sigmoid_grad_of_output),
        Mistake("returns sigmoid itself", "the derivative is σ(z)·(1 − σ(z)), not σ(z).",
                _sigmoid_grad_missing_factor),
        Mistake("naive exp formula",
                "e^(-z) / (1 + e^(-z))² is right on paper but gives nan (inf / inf) for large negative z. The "
                "form σ(z)·(1 − σ(z)) with a stable sigmoid has no such problem.",
                _sigmoid_grad_naive_formula),
        Mistake("wrong sign", "the sigmoid is increasing, so its derivative is positive: σ·(1 − σ), "
                "not σ·(σ − 1).", _sigmoid_grad_wrong_sign),
        Mistake("naive sigmoid inside", "σ·(1 − σ) is right, but σ computed with the textbook formula overflows "
                "for large negative z: compute it the stable way (your own sigmoid, once it passes).",
                _sigmoid_grad_naive_sigmoid),
        Mistake("σ times σ", "the derivative is σ(z)·(1 − σ(z)); σ(z)·σ(z) is too large for positive z and "
                "never reaches its peak of 0.25 at z = 0.", _sigmoid_grad_squared),
    ],
    "relu_grad": [
        Mistake("1 at z == 0", "the course takes the slope 0 at the kink z == 0: only z > 0 gets 1.0.",
                _relu_grad_one_at_zero),
        Mistake("returns relu(z)", "the derivative of relu is 1 where z > 0 and 0 elsewhere, not relu(z).",
                _relu_grad_returns_relu),
        Mistake("np.sign", "np.sign gives -1 for negative z; relu's slope there is 0.", _relu_grad_sign),
        Mistake("slope 1 everywhere", "1 is the slope of z itself; relu is flat (slope 0) where z <= 0.",
                _relu_grad_ones),
        Mistake("returns booleans", BOOLEANS, _relu_grad_booleans),
    ],
    "leaky_relu_grad": [
        Mistake("1 at z == 0", "the course takes the slope alpha at z == 0: only z > 0 gets 1.0.",
                _leaky_grad_one_at_zero),
        Mistake("relu's derivative", "leaky relu's slope for z <= 0 is alpha, not 0.", _leaky_grad_zero_below),
        Mistake("alpha ignored", "the slope for z <= 0 must be the `alpha` argument, not the number 0.01 "
                "written into the code.", _leaky_grad_alpha_fixed),
        Mistake("alpha * z", "the derivative of alpha times z is the constant alpha, not alpha times z.",
                _leaky_grad_times_z),
        Mistake("0 at z == 0", "the course takes the slope alpha at z == 0, not 0: only z > 0 gets 1.0, "
                "everything else alpha.", _leaky_grad_zero_at_zero),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _stable_sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_via_tanh(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_clipped_copy(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _sigmoid_loop(z):
    z = np.asarray(z, dtype=float)
    flat = [1.0 / (1.0 + np.exp(-v)) if v >= 0 else np.exp(v) / (1.0 + np.exp(v)) for v in z.ravel()]
    return np.array(flat).reshape(z.shape)


def _sigmoid_masked(z):
    out = np.empty_like(z, dtype=float)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _leaky_relu_copy_then_scale(z, alpha=0.01):
    out = z.copy()
    out[out < 0] *= alpha
    return out


def _leaky_relu_grad_fill(z, alpha=0.01):
    grad = np.full(z.shape, alpha, dtype=float)
    grad[z > 0] = 1.0
    return grad


ALTERNATIVES = {
    "step": [
        lambda z: (z >= 0).astype(float),
        lambda z: np.heaviside(z, 1.0),
        lambda z: np.array([1.0 if v >= 0 else 0.0 for v in z.ravel()]).reshape(z.shape),
        lambda z: 1.0 - (z < 0),
    ],
    "sigmoid": [_stable_sigmoid_logaddexp, _sigmoid_via_tanh, _sigmoid_clipped_copy, _sigmoid_loop, _sigmoid_masked],
    "relu": [
        lambda z: z * (z > 0),
        lambda z: np.where(z > 0, z, 0.0),
        lambda z: np.clip(z, 0, None),
        lambda z: (np.abs(z) + z) / 2,
    ],
    "leaky_relu": [
        lambda z, alpha=0.01: np.maximum(z, alpha * z),  # valid because every alpha tested is <= 1
        lambda z, alpha=0.01: z * np.where(z > 0, 1.0, alpha),
        lambda z, alpha=0.01: np.maximum(z, 0) + alpha * np.minimum(z, 0),
        _leaky_relu_copy_then_scale,
    ],
    "sigmoid_grad": [
        lambda z: (lambda s: s - s**2)(_sigmoid_via_tanh(z)),
        lambda z: np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))) ** 2,
        lambda z: 0.25 / np.cosh(0.5 * np.clip(z, -700, 700)) ** 2,
        lambda z: _stable_sigmoid_logaddexp(z) * _stable_sigmoid_logaddexp(-z),
    ],
    "relu_grad": [
        lambda z: (z > 0).astype(float),
        lambda z: np.heaviside(z, 0.0),
        lambda z: (z > 0) * 1.0,
    ],
    "leaky_relu_grad": [
        lambda z, alpha=0.01: np.where(z > 0, 1, alpha),
        lambda z, alpha=0.01: (z > 0) + alpha * (z <= 0),
        _leaky_relu_grad_fill,
    ],
}
