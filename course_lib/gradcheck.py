"""Numerical derivatives for checking analytic gradients (notebooks 03 and 05)."""

import numpy as np


def numerical_derivative(f, z, h=1e-5):
    """Central-difference derivative of an elementwise function.

    f: elementwise, maps an array to an array of the same shape; z: array of any shape (or a scalar).
    Returns (f(z + h) - f(z - h)) / (2h), shaped like z, computed in float64 so a float32 or integer z
    does not swallow the step h. z itself is not modified.
    """
    z = np.asarray(z, dtype=np.float64)
    return (f(z + h) - f(z - h)) / (2.0 * h)


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function of an array.

    f: maps an array shaped like x to a scalar; x: array of any shape.
    Returns the gradient, float64, shaped like x: entry i is (f(x + h e_i) - f(x - h e_i)) / (2h).
    f is called on a float64 copy of x with one entry nudged at a time, so x is unchanged afterwards,
    even if f raises. f must compute from its argument: a closure reading the original x sees no nudge.
    """
    nudged = np.array(x, dtype=np.float64)
    grad = np.empty_like(nudged)
    for index in np.ndindex(nudged.shape):
        original = nudged[index]
        nudged[index] = original + h
        f_plus = float(f(nudged))
        nudged[index] = original - h
        f_minus = float(f(nudged))
        # Put the saved value back rather than adding h again: (v - h) + h is not always v in floating point.
        nudged[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), Euclidean norms over all entries; 0.0 when a and b are both zero.

    a, b: arrays of the same shape (or scalars). Returns a float in [0, 1]: symmetric, unchanged when
    both are scaled by the same factor, and 1.0 when exactly one of them is zero or when a == -b.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    # Two zero gradients agree perfectly; dividing would give 0/0 and a RuntimeWarning.
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)
