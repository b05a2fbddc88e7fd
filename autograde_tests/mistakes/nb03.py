"""Known mistakes for notebook 03 (activations), keyed by graded function name."""

import numpy as np

from autograde_tests.core import Mistake


def _sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


def _sigmoid_exp_ratio(z):
    return np.exp(z) / (1 + np.exp(z))


def _sigmoid_sign_flipped(z):
    return 1 / (1 + np.exp(z))


def _sigmoid_clip_in_place(z):
    np.clip(z, -500, 500, out=z)
    return 1 / (1 + np.exp(-z))


def _step_strict(z):
    return np.where(z > 0, 1.0, 0.0)


def _step_sign(z):
    return np.sign(z)


def _step_in_place(z):
    z[z >= 0] = 1.0
    z[z < 0] = 0.0
    return z


def _relu_in_place(z):
    z[z < 0] = 0
    return z


def _relu_abs(z):
    return np.abs(z)


def _relu_min(z):
    return np.minimum(0, z)


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


def _relu_grad_one_at_zero(z):
    return np.where(z >= 0, 1.0, 0.0)


def _relu_grad_returns_relu(z):
    return np.maximum(0, z)


def _relu_grad_sign(z):
    return np.sign(z)


def _leaky_grad_one_at_zero(z, alpha=0.01):
    return np.where(z >= 0, 1.0, alpha)


def _leaky_grad_zero_below(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.0)


def _leaky_grad_alpha_fixed(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.01)


def _leaky_grad_times_z(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha * z)


def _sigmoid_tanh(z):
    return np.tanh(z)


def _relu_returns_mask(z):
    return (z > 0).astype(float)



def _sigmoid_grad_naive_sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def _relu_grad_ones(z):
    return np.ones_like(z)


def _leaky_grad_zero_at_zero(z, alpha=0.01):
    return np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.0))

MISTAKES = {
    "step": [
        Mistake("strict inequality", "step(0) must be 1.0: the condition is z >= 0, not z > 0.", _step_strict),
        Mistake("np.sign", "np.sign gives -1 for negative z and 0 at z == 0; step gives 0.0 and 1.0.",
                _step_sign),
        Mistake("overwrites z", "assigning into z changes the caller's array: build the result with "
                "np.where(z >= 0, 1.0, 0.0) instead.", _step_in_place),
    ],
    "sigmoid": [
        Mistake("naive formula overflows",
                "1 / (1 + np.exp(-z)) overflows for z below about -710 (exp of a huge number). Compute "
                "exp(-|z|), which never overflows, and use the rewrite exp(z) / (1 + exp(z)) where z < 0.",
                _sigmoid_naive),
        Mistake("exp(z) / (1 + exp(z)) for every z",
                "for large positive z both exp(z) overflow to inf and inf / inf is nan. Use this form only "
                "where z < 0 and 1 / (1 + exp(-z)) where z >= 0.", _sigmoid_exp_ratio),
        Mistake("sign of the exponent", "sigmoid(z) = 1 / (1 + exp(-z)): the exponent is -z, so "
                "sigmoid(2) is about 0.88, not 0.12.", _sigmoid_sign_flipped),
        Mistake("clips z in place", "np.clip(..., out=z) writes into the caller's array: clip into a new "
                "array, or use the stable two-branch form.", _sigmoid_clip_in_place),
        Mistake("tanh instead of sigmoid", "np.tanh is a different S-curve, from -1 to 1 with tanh(0) = 0; sigmoid "
                "runs from 0 to 1 with sigmoid(0) = 0.5.", _sigmoid_tanh),
    ],
    "relu": [
        Mistake("overwrites z", "z[z < 0] = 0 changes the caller's array: return np.maximum(z, 0), "
                "a new array.", _relu_in_place),
        Mistake("absolute value", "relu zeroes negative inputs; np.abs flips their sign.", _relu_abs),
        Mistake("np.minimum instead of np.maximum", "relu keeps the larger of 0 and z: np.maximum(z, 0).",
                _relu_min),
        Mistake("returns the derivative's mask", "(z > 0) is where relu's slope is 1, which is relu_grad; relu "
                "itself passes z through there: np.maximum(z, 0).", _relu_returns_mask),
    ],
    "leaky_relu": [
        Mistake("alpha ignored", "the slope for negative z must be the `alpha` argument, not the number "
                "0.01 written into the code.", _leaky_alpha_fixed),
        Mistake("branches swapped", "alpha scales the negative side: z where z > 0, alpha * z elsewhere.",
                _leaky_alpha_everywhere),
        Mistake("alpha instead of alpha * z", "for negative z the output is alpha * z (a line through 0), "
                "not the constant alpha; np.maximum(alpha, z) makes the same mistake.", _leaky_alpha_constant),
        Mistake("overwrites z", "z[z < 0] *= alpha changes the caller's array: use np.where to build a "
                "new one.", _leaky_in_place),
    ],
    "sigmoid_grad": [
        Mistake("formula in terms of the output applied to z",
                "s * (1 - s) needs s = sigmoid(z) first; z * (1 - z) treats z as if it were the output.",
                _sigmoid_grad_of_output),
        Mistake("returns sigmoid itself", "the derivative is sigmoid(z) * (1 - sigmoid(z)), not sigmoid(z).",
                _sigmoid_grad_missing_factor),
        Mistake("naive exp formula",
                "exp(-z) / (1 + exp(-z))**2 is right on paper but gives nan (inf / inf) for large negative "
                "z. Reuse your stable sigmoid: s = sigmoid(z); return s * (1 - s).",
                _sigmoid_grad_naive_formula),
        Mistake("wrong sign", "sigmoid is increasing, so its derivative is positive: s * (1 - s), "
                "not s * (s - 1).", _sigmoid_grad_wrong_sign),
        Mistake("naive sigmoid inside", "s * (1 - s) is right, but s computed as 1 / (1 + np.exp(-z)) overflows "
                "for large negative z: call your stable sigmoid instead.", _sigmoid_grad_naive_sigmoid),
    ],
    "relu_grad": [
        Mistake("1 at z == 0", "the course takes the subgradient 0 at z == 0: use z > 0, not z >= 0.",
                _relu_grad_one_at_zero),
        Mistake("returns relu(z)", "the derivative of relu is 1 where z > 0 and 0 elsewhere, not relu(z).",
                _relu_grad_returns_relu),
        Mistake("np.sign", "np.sign gives -1 for negative z; relu's slope there is 0.", _relu_grad_sign),
        Mistake("slope 1 everywhere", "1 is the slope of z itself; relu is flat (slope 0) where z <= 0.",
                _relu_grad_ones),
    ],
    "leaky_relu_grad": [
        Mistake("1 at z == 0", "the course takes the slope alpha at z == 0: use z > 0 for the 1.0 branch.",
                _leaky_grad_one_at_zero),
        Mistake("relu's derivative", "leaky relu's slope for z <= 0 is alpha, not 0.", _leaky_grad_zero_below),
        Mistake("alpha ignored", "the slope for z <= 0 must be the `alpha` argument, not the number 0.01 "
                "written into the code.", _leaky_grad_alpha_fixed),
        Mistake("alpha * z", "the derivative of alpha * z is the constant alpha, not alpha * z.",
                _leaky_grad_times_z),
        Mistake("0 at z == 0", "the course takes the slope alpha at z == 0, not 0: only z > 0 gets 1.0, "
                "everything else alpha.", _leaky_grad_zero_at_zero),
    ],
}
