"""Notebook 05's checks beyond what tests/test_grader.py asks of every check: which part of a backward pass
a message names, numerical_gradient's care for x and for the f it is given, relative_error's zeros, and
what only the hidden cases catch."""

import numpy as np
import pytest

from autograde_tests import nb05
from course_lib import backprop, gradcheck
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb05


def _mistake(function_name, mistake_name):
    return next(m for m in nb05.NOTEBOOK.exercise(function_name).mistakes if m.name == mistake_name)


def test_dense_backward_messages_name_the_part_that_differs():
    message = assert_fails(nb05.check_dense_backward, _mistake("dense_backward", "db averaged (1/N applied twice)").fn,
                           hidden=False)
    assert "db: got      [0.667, 0.250]" in message and "db: expected [2.000, 0.750]" in message
    assert ("db: first difference at index 0, counted from 0: got 0.667, expected 2.000 (2 of 2 entries differ)"
            in " ".join(message.split()))
    assert "db: every entry is 1/3 of the expected one" in message
    message = assert_fails(nb05.check_dense_backward, _mistake("dense_backward", "db summed over the wrong axis").fn,
                           hidden=False)
    assert "db: got      shape (3,)" in message and "db: expected shape (2,)" in message


def test_numerical_gradient_that_nudges_x_in_place_and_restores_it_exactly_passes():
    def in_place_exact(f, x, h=1e-5):
        x_work = x.astype(np.float64, copy=False)
        grad = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            saved = x_work[index]
            x_work[index] = saved + h
            up = f(x_work)
            x_work[index] = saved - h
            down = f(x_work)
            x_work[index] = saved
            grad[index] = (up - down) / (2 * h)
        return grad

    assert_passes(nb05.check_numerical_gradient, in_place_exact)


def test_numerical_gradient_that_leaves_x_changed_is_told_so():
    message = assert_fails(nb05.check_numerical_gradient,
                           _mistake("numerical_gradient", "restored by adding h back").fn, hidden=False)
    assert "changed its argument `x` in place" in message


def test_numerical_gradient_that_ignores_the_nudges_gets_zeros_and_the_reason():
    message = assert_fails(nb05.check_numerical_gradient,
                           _mistake("numerical_gradient", "f called on the unnudged x").fn, hidden=False)
    assert "got      [[ 0.00,  0.00,  0.00]," in message
    assert "Known mistake, f called on the unnudged x:" in message


def test_numerical_gradient_accepts_f_returning_numpy_numbers():
    # The hidden log-sum-exp f returns a NumPy number, not a Python float; the reference handles both.
    assert_passes(nb05.check_numerical_gradient, gradcheck.numerical_gradient)


def test_relative_error_of_two_zeros_is_zero_without_a_warning():
    message = assert_fails(nb05.check_relative_error, _mistake("relative_error", "no guard for two zeros").fn,
                           hidden=False)
    assert "invalid value encountered" in message
    assert message.splitlines()[0] == "relative_error failed on a = [[0.0, 0.0], [0.0, 0.0]],"


@pytest.mark.parametrize(("check", "fn", "phrase"), [
    (nb05.check_relu_backward,
     lambda dA, Z: backprop.relu_backward(dA, Z) if (Z > 0).any() else dA, "Z all negative"),
    (nb05.check_dense_backward,
     lambda dout, X, W: backprop.dense_backward(dout, X, W) if len(X) > 1 else (dout @ W.T, X.T @ dout, dout),
     "dout (1, 3)"),
    (nb05.check_softmax_cce_backward,
     lambda probs, y: backprop.softmax_cce_backward(probs, y) if probs.shape[1] > 2 else probs, "[[0.3, 0.7],"),
    (nb05.check_sigmoid_bce_backward,
     lambda p, y: backprop.sigmoid_bce_backward(p, y) if p.dtype == np.float64 else p, "as float32"),
    (nb05.check_numerical_gradient,  # loops over rows and columns only
     lambda f, x, h=1e-5: gradcheck.numerical_gradient(f, x, h) if np.ndim(x) < 3 else np.zeros(np.shape(x)),
     "(2, 3, 2)"),
    (nb05.check_relative_error,
     lambda a, b: gradcheck.relative_error(a, b) if np.any(a + b) else 0.0, "its negative"),
], ids=["relu all negative", "dense one sample", "cce two classes", "bce float32", "numgrad 3-D",
        "relerr a == -b"])
def test_hidden_cases_catch_what_visible_cases_miss(check, fn, phrase):
    assert_passes(check, fn, hidden=False)
    assert_fails(check, fn, must_mention=[phrase])
