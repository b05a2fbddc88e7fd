"""Checks for notebook 05: the backward passes of ReLU, a dense layer and the two loss heads, and the two
tools that check any backward pass, numerical_gradient and relative_error."""

import numpy as np

from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook
from autograde_tests.nb04 import BINARY_P, BINARY_Y, PROBS, drawn_binary_probs, drawn_class_probs, one_hot_rows
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


def _relu_backward_cases(hidden):
    """relu_backward: dA where Z > 0, else 0 (0 at Z == 0); inputs untouched"""
    Z = np.array([[1.5, -0.5, 0.0], [-2.0, 0.25, 3.0]])
    cases = [
        Case((np.array([[0.4, -1.2, 0.7], [0.9, -0.3, 2.0]]), Z), hint=ZERO_HINT, hint_where=Z == 0),
        Case((np.array([-1.0, 2.0, 0.5, -0.25]), np.array([0.3, 1.0, -4.0, 2.0])), hint=RELU_HINT),
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
    return cases


RELU_BACKWARD = Exercise("relu_backward", backprop.relu_backward, _relu_backward_cases, hint=RELU_HINT)
check_relu_backward = RELU_BACKWARD.check


def _dense_backward_cases(hidden):
    """dense_backward: dX, dW and db of out = X W + b, each shaped like its array, no 1/N"""
    cases = [
        Case((np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]]),
              np.array([[1.0, 0.0, -2.0, 0.5], [3.0, -1.0, 0.5, 2.0], [0.0, 2.0, 1.0, -1.0]]),
              np.array([[0.2, -0.4], [1.0, 0.5], [-1.5, 0.3], [0.7, 2.0]])), hint=DENSE_HINT),
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
    return cases


DENSE_BACKWARD = Exercise("dense_backward", backprop.dense_backward, _dense_backward_cases, hint=DENSE_HINT,
                          result_names=("dX", "dW", "db"))
check_dense_backward = DENSE_BACKWARD.check


def _softmax_cce_backward_cases(hidden):
    """softmax_cce_backward: (probs − onehot) / N, labels or one-hot; probs untouched"""
    labels = np.array([0, 2, 1, 2])
    cases = [
        Case((PROBS, labels), hint=CCE_HINT),
        Case((PROBS, np.array([0, 1, 1, 0])), hint="the batch need not contain every class: K is the number "
             "of columns of probs."),
        Case((PROBS, losses.one_hot(labels, 3)), hint="one-hot labels give the same gradient as integer labels."),
    ]
    if hidden:
        probs, y, text = drawn_class_probs(SEED)
        cases += [
            Case((probs, y), label=text, hint=CCE_HINT),
            Case((probs, losses.one_hot(y, 5)), label="the same probs, y as one-hot rows (8, 5)"),
            Case((probs.astype(np.float32), y), label="the same probs as float32, the same y"),
            Case((probs[:1], y[:1]), label="the first sample alone: probs (1, 5), y (1,)"),
            Case((np.array([[0.3, 0.7], [0.9, 0.1]]), np.array([1, 1])), hint=CCE_HINT),
        ]
    return cases


SOFTMAX_CCE_BACKWARD = Exercise("softmax_cce_backward", backprop.softmax_cce_backward, _softmax_cce_backward_cases,
                                hint=CCE_HINT)
check_softmax_cce_backward = SOFTMAX_CCE_BACKWARD.check


def _sigmoid_bce_backward_cases(hidden):
    """sigmoid_bce_backward: (p − y) / N, shaped like p, for p of shape (N,) or (N, 1)"""
    cases = [
        Case((BINARY_P, BINARY_Y), hint=BCE_HINT),
        Case((BINARY_P[:, None], BINARY_Y),
             label=f"p = {BINARY_P.tolist()} as a column of shape (4, 1), y = {BINARY_Y.tolist()}",
             hint="the result is shaped like p."),
        Case((BINARY_P[:3, None], BINARY_Y[:3, None]),
             label=f"p = {BINARY_P[:3].tolist()} and y = {BINARY_Y[:3].tolist()}, both as columns of shape (3, 1)"),
    ]
    if hidden:
        p, y, text = drawn_binary_probs(SEED)
        cases += [
            Case((p, y), label=text, hint=BCE_HINT),
            Case((p[:, None], y), label="the same p as a column (10, 1), y of shape (10,)"),
            Case((p.astype(np.float32), y), label="the same p as float32, the same y"),
            Case((p, y.astype(float)), label="the same p, y as the floats 0.0 and 1.0"),
            Case((p[:1, None], y[:1]), label="the first sample alone: p (1, 1), y (1,)"),
        ]
    return cases


SIGMOID_BCE_BACKWARD = Exercise("sigmoid_bce_backward", backprop.sigmoid_bce_backward, _sigmoid_bce_backward_cases,
                                hint=BCE_HINT)
check_sigmoid_bce_backward = SIGMOID_BCE_BACKWARD.check


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


def _numerical_gradient_cases(hidden):
    """numerical_gradient: central differences per entry, shaped like x, float64, x unchanged"""
    x = np.array([[0.1, -0.7, 2.3], [1.1, 0.35, -1.9]])
    x32 = np.array([0.5, -1.25, 2.0], dtype=np.float32)
    cases = [
        Case((_cubes_plus_square_of_sum, x), label=f"f(x) = Σ x³ + (Σ x)², x = {x.tolist()}", hint=NUMGRAD_HINT),
        Case((_sine_times_x, x32), label=f"f(x) = Σ x·sin(x), x = {x32.tolist()} as float32",
             hint="compute in float64 whatever x's dtype: float32 cannot resolve a step of 1e-5."),
        Case((_sum_of_cubes, np.array([1.5, -0.5])), {"h": 0.01},
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
    return cases


NUMERICAL_GRADIENT = Exercise("numerical_gradient", gradcheck.numerical_gradient, _numerical_gradient_cases,
                              hint=NUMGRAD_HINT)
check_numerical_gradient = NUMERICAL_GRADIENT.check


def _relative_error_cases(hidden):
    """relative_error: ||a − b|| / (||a|| + ||b||) as a float, 0.0 when both are zero"""
    cases = [
        Case((np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]]), np.array([[1.5, -2.0, 0.0], [2.0, 0.5, 1.0]])),
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
    return cases


RELATIVE_ERROR = Exercise("relative_error", gradcheck.relative_error, _relative_error_cases, hint=RELERR_HINT)
check_relative_error = RELATIVE_ERROR.check


OVERWRITES = ("assigning into an argument (or an operation with out= on it) changes the caller's array: "
              "build the result as a new array.")

def _nudged(x, index, step):
    moved = x.copy()
    moved[index] += step
    return moved


def _up_minus_down(f, x, index, h):
    """f with x[index] nudged up by h, minus f with it nudged down by h (x itself unchanged)."""
    return f(_nudged(x, index, h)) - f(_nudged(x, index, -h))


def _numgrad_by(difference):
    """A numerical_gradient that puts difference(f, x_copy, index, h) at each index, x_copy a float64 copy of x."""

    def numerical_gradient(f, x, h=1e-5):
        x_copy = np.array(x, dtype=float)
        grad = np.zeros(np.shape(x), dtype=float)
        for index in np.ndindex(np.shape(x)):
            grad[index] = difference(f, x_copy, index, h)
        return grad

    return numerical_gradient


def _numgrad_nudging_x_itself(restore):
    """A numerical_gradient that nudges the caller's x in place, and (with `restore`) adds h back after."""

    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            x[index] += h
            f_plus = f(x)
            x[index] -= 2 * h
            grad[index] = (f_plus - f(x)) / (2 * h)
            if restore:
                x[index] += h
        return grad

    return numerical_gradient


def _relative_error_with(norm):
    """A relative_error that measures with `norm` instead of the Euclidean norm over all entries."""

    def relative_error(a, b):
        scale = norm(a) + norm(b)
        return 0.0 if scale == 0 else float(norm(a - b) / scale)

    return relative_error


# ---------------------------------------------------------------------------------------------
# relu_backward: known mistakes, the more specific first


RELU_BACKWARD.mistake("gradient passed at Z == 0", "the course takes relu's slope as 0 at the kink Z == 0, so no "
                      "gradient passes there: only where Z > 0.")(lambda dA, Z: np.where(Z >= 0, dA, 0.0))

RELU_BACKWARD.mistake("slope without the upstream gradient", "the chain rule multiplies the gradient arriving from "
                      "above, dA, by relu's local slope (1 or 0); the slope alone forgets dA.")(
    lambda dA, Z: (Z > 0).astype(float))

RELU_BACKWARD.mistake("multiplies by relu(Z)", "the local derivative of relu is its slope, 1 where Z > 0 and 0 "
                      "elsewhere, not relu's output Z.")(lambda dA, Z: dA * np.maximum(Z, 0))

RELU_BACKWARD.mistake("mask taken from dA", "which entries pass depends on the forward pass, on the sign of Z, not "
                      "on the sign of the upstream gradient dA: a negative gradient passes where Z > 0.")(
    lambda dA, Z: np.where(dA > 0, dA, 0.0))


@RELU_BACKWARD.mistake("overwrites dA", OVERWRITES)
def _relu_backward_overwrites_dA(dA, Z):
    dA[Z <= 0] = 0
    return dA


@RELU_BACKWARD.alternative
def _relu_backward_copy(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


RELU_BACKWARD.alternative(lambda dA, Z: dA * (Z > 0))
RELU_BACKWARD.alternative(lambda dA, Z: dA * np.heaviside(Z, 0.0))


# ---------------------------------------------------------------------------------------------
# dense_backward: known mistakes, the more specific first


DENSE_BACKWARD.mistake("1/N applied twice in dW", "the gradient arriving from the loss already carries 1/N (the loss "
                       "is a mean); a dense layer's backward only multiplies by its input.")(
    lambda dout, X, W: (dout @ W.T, X.T @ dout / len(X), dout.sum(axis=0)))

DENSE_BACKWARD.mistake("1/N applied twice in dW and db", "the gradient arriving from the loss already carries 1/N "
                       "(the loss is a mean): dividing dW and db by N again makes both N times too small. A dense "
                       "layer's backward only multiplies by its input (dW) and adds over the samples (db).")(
    lambda dout, X, W: (dout @ W.T, X.T @ dout / len(X), dout.sum(axis=0) / len(X)))

DENSE_BACKWARD.mistake("1/N applied to every gradient", "dout already carries the loss's 1/N, and so does everything "
                       "computed from it: dX, dW and db each come out N times too small when divided by N again. The "
                       "layer itself adds no 1/N.")(
    lambda dout, X, W: (dout @ W.T / len(X), X.T @ dout / len(X), dout.sum(axis=0) / len(X)))

DENSE_BACKWARD.mistake("db not summed over the batch", "b was added to every sample's output, so its gradient adds "
                       "up the gradients of all N samples: one number per output neuron, shape (n_out,), not one row "
                       "per sample.")(lambda dout, X, W: (dout @ W.T, X.T @ dout, dout))

DENSE_BACKWARD.mistake("db averaged (1/N applied twice)", "b was added to every row, so its gradient is the sum of "
                       "dout over the samples; the 1/N of the mean loss is already inside dout.")(
    lambda dout, X, W: (dout @ W.T, X.T @ dout, dout.mean(axis=0)))

DENSE_BACKWARD.mistake("db summed over the wrong axis", "db has one entry per output neuron, shape (n_out,): sum "
                       "dout over the samples (axis 0), not over the neurons.")(
    lambda dout, X, W: (dout @ W.T, X.T @ dout, dout.sum(axis=1)))

DENSE_BACKWARD.mistake("db kept 2-D", "b has shape (n_out,), and its gradient must have the same shape, not (1, "
                       "n_out).")(lambda dout, X, W: (dout @ W.T, X.T @ dout, dout.sum(axis=0, keepdims=True)))

DENSE_BACKWARD.mistake("dW transposed", "dW has W's shape (n_in, n_out): the input's transpose, (n_in, N), times "
                       "dout, (N, n_out); the other order gives (n_out, n_in).")(
    lambda dout, X, W: (dout @ W.T, dout.T @ X, dout.sum(axis=0)))

DENSE_BACKWARD.mistake("dX without W's transpose", "dX has X's shape (N, n_in): dout, (N, n_out), times the "
                       "transpose of W, (n_out, n_in).")(lambda dout, X, W: (dout @ W, X.T @ dout, dout.sum(axis=0)))

DENSE_BACKWARD.mistake("results in the wrong order", "the exercise returns the three gradients in the order dX, dW, "
                       "db.")(lambda dout, X, W: (X.T @ dout, dout @ W.T, dout.sum(axis=0)))

DENSE_BACKWARD.alternative(lambda dout, X, W: (np.einsum("nk,ik->ni", dout, W), np.einsum("ni,nk->ik", X, dout),
                                               np.einsum("nk->k", dout)))


@DENSE_BACKWARD.alternative
def _dense_backward_loop(dout, X, W):
    dW = np.zeros(W.shape, dtype=np.result_type(X, dout))
    for x_row, d_row in zip(X, dout):
        dW += np.outer(x_row, d_row)
    return np.dot(dout, W.T), dW, np.sum(dout, axis=0)


# ---------------------------------------------------------------------------------------------
# softmax_cce_backward: known mistakes, the more specific first


SOFTMAX_CCE_BACKWARD.mistake("1/N forgotten", "the loss is a mean over the N samples, so each sample's gradient "
                             "carries a factor 1/N.")(lambda probs, y: probs - one_hot_rows(y, probs.shape[1]))

SOFTMAX_CCE_BACKWARD.mistake("sign flipped", "raising the probability of the true class lowers the loss, so its "
                             "gradient entry is negative: probabilities minus one-hot, not the other way round.")(
    lambda probs, y: (one_hot_rows(y, probs.shape[1]) - probs) / len(probs))


@SOFTMAX_CCE_BACKWARD.mistake("modifies probs in place", "subtracting 1 at the true classes directly in probs changes "
                              "the caller's array (the forward pass's output, which may still be needed): work on a "
                              "copy.")
def _cce_backward_in_place(probs, y):
    probs[np.arange(len(probs)), y] -= 1
    probs /= len(probs)
    return probs


SOFTMAX_CCE_BACKWARD.mistake("integer labels subtracted as they are", "the labels are class numbers, not one-hot "
                             "rows: subtracting them from an (N, K) array broadcasts them along the wrong axis. "
                             "Build the one-hot rows first.")(lambda probs, y: (probs - y) / len(probs))

SOFTMAX_CCE_BACKWARD.mistake("number of classes taken from the labels", "a batch need not contain every class: the "
                             "number of classes K is the number of columns of probs, not the largest label plus one.")(
    lambda probs, y: (probs - np.eye(int(np.max(y)) + 1)[y]) / len(probs))

SOFTMAX_CCE_BACKWARD.mistake("divides by K", "the factor comes from the mean over the N samples (the rows), not from "
                             "the number of classes K.")(
    lambda probs, y: (probs - one_hot_rows(y, probs.shape[1])) / probs.shape[1])

SOFTMAX_CCE_BACKWARD.mistake("one-hot labels converted again", "labels given as one-hot rows are already what the "
                             "gradient subtracts: treating them as class numbers a second time makes an array of the "
                             "wrong shape.")(lambda probs, y: (probs - np.eye(probs.shape[1])[y]) / len(probs))


@SOFTMAX_CCE_BACKWARD.alternative
def _cce_backward_copy(probs, y):
    y = np.asarray(y)
    labels = y.argmax(axis=1) if y.ndim == 2 else y
    dZ = probs.copy()
    dZ[np.arange(len(probs)), labels] -= 1
    return dZ / len(probs)


@SOFTMAX_CCE_BACKWARD.alternative
def _cce_backward_comparison(probs, y):
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 else np.asarray(y)
    onehot = (labels[:, None] == np.arange(probs.shape[1])).astype(probs.dtype)
    return (probs - onehot) * (1.0 / probs.shape[0])


# ---------------------------------------------------------------------------------------------
# sigmoid_bce_backward: known mistakes, the more specific first


SIGMOID_BCE_BACKWARD.mistake("(N, 1) against (N,) broadcasts to (N, N)", "p of shape (N, 1) minus y of shape (N,) "
                             "pairs every prediction with every label, an N × N array. Give y p's shape first; the "
                             "result is shaped like p.")(lambda p, y: (p - y) / len(p))

SIGMOID_BCE_BACKWARD.mistake("result flattened", "the gradient has the shape of p: for p of shape (N, 1) it is (N, "
                             "1), not (N,).")(lambda p, y: (np.ravel(p) - np.ravel(y)) / len(p))

SIGMOID_BCE_BACKWARD.mistake("1/N forgotten", "the loss is a mean over the N samples, so each sample's gradient "
                             "carries a factor 1/N.")(lambda p, y: p - np.reshape(y, p.shape))

SIGMOID_BCE_BACKWARD.mistake("sign flipped", "a sample of class 1 (y = 1) with p below 1 must get a negative "
                             "gradient, so that gradient descent raises its logit: p − y, not y − p.")(
    lambda p, y: (np.reshape(y, p.shape) - p) / len(p))


@SIGMOID_BCE_BACKWARD.mistake("gradient with respect to p, not z", "−y/p + (1 − y)/(1 − p) is the derivative with "
                              "respect to the probability p; the exercise asks for the gradient with respect to the "
                              "logit z, where the sigmoid's slope p·(1 − p) cancels it down to p − y.")
def _bce_backward_wrt_p(p, y):
    y = np.reshape(y, p.shape)
    return (-(y / p) + (1 - y) / (1 - p)) / len(p)


SIGMOID_BCE_BACKWARD.mistake("sigmoid's slope applied twice", "p − y already contains the sigmoid's slope p·(1 − p) "
                             "(it cancelled against the loss's derivative); multiplying by it again counts it twice.")(
    lambda p, y: (p - np.reshape(y, p.shape)) * p * (1 - p) / len(p))

SIGMOID_BCE_BACKWARD.alternative(lambda p, y: (p - np.asarray(y, dtype=p.dtype).reshape(p.shape)) / p.shape[0])


@SIGMOID_BCE_BACKWARD.alternative
def _bce_backward_branches(p, y):
    y = np.reshape(y, np.shape(p))
    return np.where(y == 1, p - 1, p) / len(p)


# ---------------------------------------------------------------------------------------------
# numerical_gradient: known mistakes, the more specific first


@NUMERICAL_GRADIENT.mistake("flattened result", "the gradient has x's shape, one entry per entry of x, in the same "
                            "positions; a list filled in a loop over x.size comes out flat.")
def _numgrad_flat(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        grad.append((f(x + e.reshape(x.shape)) - f(x - e.reshape(x.shape))) / (2 * h))
    return np.array(grad)


NUMERICAL_GRADIENT.mistake("forward difference", "(f(x + h) − f(x)) / h has an error proportional to h; the central "
                           "difference (f(x + h) − f(x − h)) / (2h) cancels it, leaving an error proportional to h².")(
    _numgrad_by(lambda f, x, i, h: (f(_nudged(x, i, h)) - f(x)) / h))

NUMERICAL_GRADIENT.mistake("divides by h instead of 2h", "from x − h to x + h the input moves by 2h, so the "
                           "difference of f is divided by 2h.")(
    _numgrad_by(lambda f, x, i, h: _up_minus_down(f, x, i, h) / h))

NUMERICAL_GRADIENT.mistake("operator precedence in / 2h", "dividing by 2 and then multiplying by h is not dividing "
                           "by 2h: put 2h in parentheses.")(
    _numgrad_by(lambda f, x, i, h: _up_minus_down(f, x, i, h) / 2 * h))


@NUMERICAL_GRADIENT.mistake("nudges every entry at once", "adding h to the whole array moves all entries together and "
                            "measures the sum of all the partial derivatives; each entry is nudged alone, the others "
                            "held fixed.")
def _numgrad_every_entry(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))


NUMERICAL_GRADIENT.mistake("f called on the unnudged x", "the nudged copy must be what f receives: calling f on the "
                           "original x measures no change at all, so every entry comes out 0.")(
    _numgrad_by(lambda f, x, i, h: (f(x) - f(x)) / (2 * h)))

NUMERICAL_GRADIENT.mistake("entries never restored", "after nudging an entry of x in place it has to get its "
                           "original value back, or every later derivative is taken at a shifted point and the "
                           "caller's x is left changed.")(_numgrad_nudging_x_itself(restore=False))

NUMERICAL_GRADIENT.mistake("restored by adding h back", "adding h back after subtracting it does not always give the "
                           "original value in floating point, so the caller's x comes back changed in its last "
                           "digits: save the original value and put it back, or nudge a copy.")(
    _numgrad_nudging_x_itself(restore=True))


@NUMERICAL_GRADIENT.mistake("nudges in x's own dtype", "float32 is too coarse for a step of 1e-5: near 1 its numbers "
                            "are about 1.2e-7 apart, and f computed in float32 keeps about 7 digits, most of which "
                            "cancel in the difference. Nudge a float64 copy of x.")
def _numgrad_in_x_dtype(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        grad[index] = _up_minus_down(f, x, index, h) / (2 * h)
    return grad


NUMERICAL_GRADIENT.mistake("h ignored", "use the step h the caller passes; 1e-5 is only the default.")(
    _numgrad_by(lambda f, x, i, h: _up_minus_down(f, x, i, 1e-5) / (2 * 1e-5)))


@NUMERICAL_GRADIENT.alternative
def _numgrad_basis(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = h
        step = step.reshape(x.shape)
        grad.flat[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


@NUMERICAL_GRADIENT.alternative
def _numgrad_nditer(f, x, h=1e-5):
    work = x.astype(np.float64)
    grad = np.zeros(work.shape)
    iterator = np.nditer(work, flags=["multi_index"])
    for _ in iterator:
        i = iterator.multi_index
        saved = work[i]
        work[i] = saved + h
        up = f(work)
        work[i] = saved - h
        down = f(work)
        work[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


# ---------------------------------------------------------------------------------------------
# relative_error: known mistakes, the more specific first


RELATIVE_ERROR.mistake("no guard for two zeros", "when a and b are both zero the denominator is 0 and 0 / 0 is nan "
                       "(with a warning); two zero gradients agree perfectly, so the result is 0.0.")(
    lambda a, b: float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))))


RELATIVE_ERROR.mistake("sums of absolute values", "the norms here are Euclidean, the square root of the sum of "
                       "squares over all entries, not the sum of absolute values.")(
    _relative_error_with(lambda v: np.sum(np.abs(v))))

RELATIVE_ERROR.mistake("largest absolute entry", "the norms here are Euclidean, the square root of the sum of "
                       "squares over all entries, not the largest absolute entry.")(
    _relative_error_with(lambda v: np.max(np.abs(v))))


@RELATIVE_ERROR.mistake("divides by ||a|| only", "the denominator is ||a|| + ||b||: dividing by one of them makes the "
                        "error depend on the order of the arguments and unbounded when that one is small.")
def _relerr_over_a(a, b):
    scale = np.linalg.norm(a)
    return 0.0 if scale == 0 and np.linalg.norm(b) == 0 else float(np.linalg.norm(a - b) / scale)


@RELATIVE_ERROR.mistake("||a + b|| below", "the denominator is the sum of the two norms, ||a|| + ||b||, not the norm "
                        "of the sum, which can be 0 when a = −b.")
def _relerr_norm_of_sum(a, b):
    scale = np.linalg.norm(a + b)
    return 0.0 if np.linalg.norm(a) + np.linalg.norm(b) == 0 else float(np.linalg.norm(a - b) / scale)


RELATIVE_ERROR.mistake("matrix 2-norm", "for a 2-D array NumPy's norm with order 2 is the largest singular value, "
                       "not the Euclidean norm over all entries (which is its default for matrices).")(
    _relative_error_with(lambda v: np.linalg.norm(v, 2)))

RELATIVE_ERROR.mistake("squared norms", "the norms are square roots of sums of squares; leaving out the square roots "
                       "squares the error, so a bug looks much smaller than it is.")(
    _relative_error_with(lambda v: np.sum(v**2)))


@RELATIVE_ERROR.alternative
def _relerr_sqrt(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    below = np.sqrt(np.sum(a * a)) + np.sqrt(np.sum(b * b))
    if below == 0:
        return 0.0
    return float(np.sqrt(np.sum((a - b) ** 2)) / below)


@RELATIVE_ERROR.alternative
def _relerr_ravel(a, b):
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    if not a.any() and not b.any():
        return 0.0
    return np.linalg.norm(a - b).item() / (np.linalg.norm(a).item() + np.linalg.norm(b).item())


NOTEBOOK = Notebook("05_backpropagation", [RELU_BACKWARD, DENSE_BACKWARD, SOFTMAX_CCE_BACKWARD, SIGMOID_BCE_BACKWARD,
                                           NUMERICAL_GRADIENT, RELATIVE_ERROR])
CHECKS = NOTEBOOK.checks
