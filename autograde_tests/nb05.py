"""Checks for notebook 05: the backward passes of ReLU, a dense layer and the two loss heads, and the two
tools that check any backward pass, numerical_gradient and relative_error."""

import numpy as np

from autograde_tests.core import Case, Notebook, case_rng, check_cases, named_parts, seed_text
from autograde_tests.mistakes import nb05 as catalogue
from course_lib import backprop, gradcheck, losses

SEED = 5

RELU_HINT = "the gradient passes unchanged where Z > 0 and is 0 elsewhere, Z == 0 included."
ZERO_HINT = "look at Z == 0 exactly: relu's slope there is taken as 0."
DENSE_HINT = ("out = X W + b gives dX = dout times W's transpose (N, n_in), dW = X's transpose times dout "
              "(n_in, n_out), and db = dout summed over the samples (n_out,).")
CCE_HINT = "the gradient with respect to the logits is (probs − onehot) / N, shaped like probs."
BCE_HINT = "the gradient with respect to the logit is (p − y) / N, shaped like p."
NUMGRAD_HINT = ("each entry is (f(x + h·e) − f(x − h·e)) / (2h), where e is 1 at that entry and 0 elsewhere, "
                "and x is left as it was.")
RELERR_HINT = ("the relative error is ||a − b|| / (||a|| + ||b||), with Euclidean norms over all entries, "
               "and 0.0 when both are zero.")


def _array(rows, dtype=float):
    return np.array(rows, dtype=dtype)


# ---------------------------------------------------------------------------------------------
# relu_backward


def check_relu_backward(fn, hidden=False):
    """relu_backward: dA where Z > 0, else 0 (0 at Z == 0); inputs untouched"""
    Z = _array([[1.5, -0.5, 0.0], [-2.0, 0.25, 3.0]])
    cases = [
        Case((_array([[0.4, -1.2, 0.7], [0.9, -0.3, 2.0]]), Z), hint=ZERO_HINT, hint_where=Z == 0),
        Case((_array([-1.0, 2.0, 0.5, -0.25]), _array([0.3, 1.0, -4.0, 2.0])), hint=RELU_HINT),
    ]
    if hidden:
        rng = case_rng(SEED)
        dA, Z = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
        cases += [
            Case((dA, Z), label=f"dA, Z = standard normal (6, 5) from {seed_text(SEED)}", hint=RELU_HINT),
            Case((dA.astype(np.float32), Z.astype(np.float32)), label="the same dA and Z as float32"),
            Case((dA[:1], Z[:1]), label="the first row of the same dA and Z alone, shape (1, 5)"),
            Case((dA, -np.abs(Z)), label="the same dA, Z all negative: no gradient passes", hint=RELU_HINT),
            Case((dA[:2, :3], np.zeros((2, 3))), label="dA (2, 3) from the same draw, Z all zeros",
                 hint=ZERO_HINT),
        ]
    check_cases(fn, "relu_backward", backprop.relu_backward, cases, hint=RELU_HINT)


# ---------------------------------------------------------------------------------------------
# dense_backward


def check_dense_backward(fn, hidden=False):
    """dense_backward: dX, dW and db of out = X W + b, each shaped like its array, no 1/N"""
    reference = named_parts(backprop.dense_backward, ("dX", "dW", "db"))
    cases = [
        Case((_array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]]),
              _array([[1.0, 0.0, -2.0, 0.5], [3.0, -1.0, 0.5, 2.0], [0.0, 2.0, 1.0, -1.0]]),
              _array([[0.2, -0.4], [1.0, 0.5], [-1.5, 0.3], [0.7, 2.0]])), hint=DENSE_HINT),
    ]
    if hidden:
        rng = case_rng(SEED)
        dout, X, W = rng.standard_normal((5, 3)), rng.standard_normal((5, 4)), rng.standard_normal((4, 3))
        cases += [
            Case((dout, X, W), label=f"dout (5, 3), X (5, 4), W (4, 3): standard normal from {seed_text(SEED)}",
                 hint=DENSE_HINT),
            Case((dout.astype(np.float32), X.astype(np.float32), W.astype(np.float32)),
                 label="the same dout, X and W as float32"),
            Case((dout[:1], X[:1], W), label="the first sample alone: dout (1, 3), X (1, 4), the same W",
                 hint="a batch of one sample is still a batch: db still has shape (n_out,)."),
            Case((dout[:, :1], X, W[:, :1]), label="one output neuron: dout (5, 1), the same X, W (4, 1)",
                 hint="a layer of one neuron has db of shape (1,)."),
            Case((np.zeros((5, 3)), X, W), label="dout all zeros, the same X and W"),
        ]
    check_cases(fn, "dense_backward", reference, cases, hint=DENSE_HINT)


# ---------------------------------------------------------------------------------------------
# softmax_cce_backward

_PROBS = _array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.05, 0.15, 0.8]])


def check_softmax_cce_backward(fn, hidden=False):
    """softmax_cce_backward: (probs − onehot) / N, labels or one-hot; probs untouched"""
    labels = np.array([0, 2, 1, 2])
    cases = [
        Case((_PROBS, labels), hint=CCE_HINT),
        Case((_PROBS, np.array([0, 1, 1, 0])), hint="the batch need not contain every class: K is the number "
             "of columns of probs."),
        Case((_PROBS, losses.one_hot(labels, 3)), hint="one-hot labels give the same gradient as integer labels."),
    ]
    if hidden:
        rng = case_rng(SEED)
        probs, y = losses.softmax(2.0 * rng.standard_normal((8, 5))), rng.integers(0, 5, size=8)
        cases += [
            Case((probs, y), label=f"probs = softmax of 2 * standard normal (8, 5), y = integers in [0, 5) "
                 f"from {seed_text(SEED)}", hint=CCE_HINT),
            Case((probs, losses.one_hot(y, 5)), label="the same probs, y as one-hot rows (8, 5)"),
            Case((probs.astype(np.float32), y), label="the same probs as float32, the same y"),
            Case((probs[:1], y[:1]), label="the first sample alone: probs (1, 5), y (1,)"),
            Case((_array([[0.3, 0.7], [0.9, 0.1]]), np.array([1, 1])), hint=CCE_HINT),
        ]
    check_cases(fn, "softmax_cce_backward", backprop.softmax_cce_backward, cases, hint=CCE_HINT)


# ---------------------------------------------------------------------------------------------
# sigmoid_bce_backward

_P = _array([0.9, 0.2, 0.6, 0.35])
_Y = np.array([1, 0, 0, 1])


def check_sigmoid_bce_backward(fn, hidden=False):
    """sigmoid_bce_backward: (p − y) / N, shaped like p, for p of shape (N,) or (N, 1)"""
    cases = [
        Case((_P, _Y), hint=BCE_HINT),
        Case((_P[:, None], _Y), label=f"p = {_P.tolist()} as a column of shape (4, 1), y = {_Y.tolist()}",
             hint="the result is shaped like p."),
        Case((_P[:3, None], _Y[:3, None]), label=f"p = {_P[:3].tolist()} and y = {_Y[:3].tolist()}, both as "
             "columns of shape (3, 1)"),
    ]
    if hidden:
        rng = case_rng(SEED)
        p, y = 1.0 / (1.0 + np.exp(-2.0 * rng.standard_normal(10))), rng.integers(0, 2, size=10)
        cases += [
            Case((p, y), label=f"p = sigmoid of 2 * standard normal (10,), y = integers in [0, 2) from "
                 f"{seed_text(SEED)}", hint=BCE_HINT),
            Case((p[:, None], y), label="the same p as a column (10, 1), y of shape (10,)"),
            Case((p.astype(np.float32), y), label="the same p as float32, the same y"),
            Case((p, y.astype(float)), label="the same p, y as the floats 0.0 and 1.0"),
            Case((p[:1, None], y[:1]), label="the first sample alone: p (1, 1), y (1,)"),
        ]
    check_cases(fn, "sigmoid_bce_backward", backprop.sigmoid_bce_backward, cases, hint=BCE_HINT)


# ---------------------------------------------------------------------------------------------
# numerical_gradient: every f reads its argument, so a result that ignores the nudges is visible.


def _cubes_plus_square_of_sum(x):
    return float(np.sum(x**3) + np.sum(x) ** 2)


def _sine_times_x(x):
    return float(np.sum(np.sin(x) * x))


def _sum_of_cubes(x):
    return float(np.sum(x**3))


class _LogSumExp:
    """f(x) = log Σ exp(w·x) for fixed weights w. A class at module level rather than a closure, so that
    the case can be sent to the process where a grader runs the student's code."""

    def __init__(self, weights):
        self.weights = weights

    def __call__(self, x):
        return np.log(np.sum(np.exp(x * self.weights)))  # a NumPy number, not a Python float


def check_numerical_gradient(fn, hidden=False):
    """numerical_gradient: central differences per entry, shaped like x, float64, x unchanged"""
    x = _array([[0.1, -0.7, 2.3], [1.1, 0.35, -1.9]])
    x32 = _array([0.5, -1.25, 2.0], dtype=np.float32)
    cases = [
        Case((_cubes_plus_square_of_sum, x), label=f"f(x) = Σ x³ + (Σ x)², x = {x.tolist()}", hint=NUMGRAD_HINT),
        Case((_sine_times_x, x32), label=f"f(x) = Σ x·sin(x), x = {x32.tolist()} as float32",
             hint="compute in float64 whatever x's dtype: float32 cannot resolve a step of 1e-5."),
        Case((_sum_of_cubes, _array([1.5, -0.5])), {"h": 0.01},
             label="f(x) = Σ x³, x = [1.5, -0.5], h = 0.01", hint="use the h the caller passes."),
    ]
    if hidden:
        rng = case_rng(SEED)
        x, weights = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
        cases += [
            Case((_LogSumExp(weights), x), label=f"f(x) = log Σ exp(w·x), x and w standard normal (3, 4) "
                 f"from {seed_text(SEED)}", hint=NUMGRAD_HINT),
            Case((_cubes_plus_square_of_sum, x.reshape(2, 3, 2), 1e-4),
                 label="f(x) = Σ x³ + (Σ x)², the same x reshaped to (2, 3, 2), h = 1e-4 passed by position"),
            Case((_sine_times_x, x[:1, :1]), label="f(x) = Σ x·sin(x), x of shape (1, 1) from the same draw"),
        ]
    check_cases(fn, "numerical_gradient", gradcheck.numerical_gradient, cases, hint=NUMGRAD_HINT)


# ---------------------------------------------------------------------------------------------
# relative_error


def check_relative_error(fn, hidden=False):
    """relative_error: ||a − b|| / (||a|| + ||b||) as a float, 0.0 when both are zero"""
    cases = [
        Case((_array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]]), _array([[1.5, -2.0, 0.0], [2.0, 0.5, 1.0]])),
             hint=RELERR_HINT),
        Case((np.zeros((2, 2)), np.zeros((2, 2))), hint="two zero gradients agree perfectly: the error is 0.0."),
    ]
    if hidden:
        rng = case_rng(SEED)
        a = rng.standard_normal((5, 4))
        b = a + 1e-6 * rng.standard_normal((5, 4))
        cases += [
            Case((a, b), label=f"a standard normal (5, 4), b = a + 1e-6 * standard normal, from {seed_text(SEED)}",
                 hint=RELERR_HINT),
            Case((a.astype(np.float32), (2 * a).astype(np.float32)), label="the same a and 2a, as float32"),
            Case((a[0], -a[0]), label="the first row of the same a and its negative: the error is 1",
                 hint=RELERR_HINT),
            Case((np.zeros(4), a[0]), label="zeros and the first row of the same a: the error is 1"),
            Case((a, a.copy()), label="the same a twice: the error is 0"),
            Case((np.zeros(3), np.zeros(3)), hint="two zero gradients agree perfectly: the error is 0.0."),
        ]
    check_cases(fn, "relative_error", gradcheck.relative_error, cases, hint=RELERR_HINT)


NOTEBOOK = Notebook("05_backpropagation", [
    ("relu_backward", check_relu_backward, backprop.relu_backward),
    ("dense_backward", check_dense_backward, backprop.dense_backward),
    ("softmax_cce_backward", check_softmax_cce_backward, backprop.softmax_cce_backward),
    ("sigmoid_bce_backward", check_sigmoid_bce_backward, backprop.sigmoid_bce_backward),
    ("numerical_gradient", check_numerical_gradient, gradcheck.numerical_gradient),
    ("relative_error", check_relative_error, gradcheck.relative_error),
], catalogue)
CHECKS = NOTEBOOK.checks
