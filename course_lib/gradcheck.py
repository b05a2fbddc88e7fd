"""Numerical derivatives and gradient checking of analytic gradients (notebooks 03 and 05)."""

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


# What a relative error between an analytic and a numerical gradient says (notebook 05): below "good" the
# backward is right; up to "suspicious" it is acceptable only where the function has kinks (ReLU at 0) that
# a central difference straddles; from "suspicious" on, something is likely off; from "wrong" on, it is a bug.
GRADCHECK_THRESHOLDS = {"good": 1e-7, "suspicious": 1e-4, "wrong": 1e-2}


def gradcheck_verdict(error):
    """One word for a relative error: "good", "acceptable", "suspicious" or "wrong" (see GRADCHECK_THRESHOLDS)."""
    if error < GRADCHECK_THRESHOLDS["good"]:
        return "good"
    if error < GRADCHECK_THRESHOLDS["suspicious"]:
        return "acceptable"
    if error < GRADCHECK_THRESHOLDS["wrong"]:
        return "suspicious"
    return "wrong"


def gradient_check(loss_of_params, grads, params, h=1e-5, show=True):
    """Compare analytic gradients with central differences, one parameter at a time, and print a table.

    loss_of_params: maps a dict shaped like params to the scalar loss; it must compute from the dict it is
    given (a closure over the original arrays sees no nudge and yields zeros).
    grads: dict name -> analytic gradient, shaped like params[name]; only these names are checked.
    params: dict name -> array, the point at which both gradients are taken.
    Every array is passed to loss_of_params as a float64 copy (a float32 loss cannot resolve h = 1e-5), so
    params is unchanged afterwards. With show=True, prints name, shape, relative error and verdict.
    Returns dict name -> relative error (float).

    Example, for a network whose loss is my_loss(X, y, params) and whose backward gave grads:
        gradient_check(lambda p: my_loss(X, y, p), grads, params)
    """
    point = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    errors = {}
    for name, analytic in grads.items():
        if np.shape(analytic) != point[name].shape:
            raise ValueError(f"grads[{name!r}] has shape {np.shape(analytic)}, params[{name!r}] {point[name].shape}")
        numerical = numerical_gradient(_as_function_of_one(loss_of_params, point, name), point[name], h)
        errors[name] = relative_error(analytic, numerical)
    if show:
        print(gradient_check_table(errors, point))
    return errors


def _as_function_of_one(loss_of_params, params, name):
    """loss_of_params as a function of the array params[name] alone, every other entry held fixed."""
    return lambda value: loss_of_params({**params, name: value})


def gradient_check_table(errors, params):
    """The table gradient_check prints: one row per name of errors, with params[name]'s shape.

    errors: dict name -> relative error; params: dict name -> array. Returns a multi-line string.
    """
    rows = [f"{'parameter':<12}{'shape':<14}{'relative error':>16}  verdict"]
    for name, error in errors.items():
        shape = str(tuple(np.shape(params[name])))
        rows.append(f"{name:<12}{shape:<14}{error:>16.2e}  {gradcheck_verdict(error)}")
    return "\n".join(rows)
