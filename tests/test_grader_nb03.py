"""Notebook 03's checks beyond what tests/test_grader.py asks of every check: the cases the trial of
notebooks 00-03 found misdiagnosed, each now told what the student actually did."""

import numpy as np
import pytest

from autograde_tests import nb03
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb03


def _student(source):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace


def test_a_stable_sigmoid_written_with_np_where_is_told_why_it_warns():
    student = _student("def sigmoid(z):\n    return np.where(z >= 0, 1/(1+np.exp(-z)), np.exp(z)/(1+np.exp(z)))")
    message = assert_fails(nb03.check_sigmoid, student["sigmoid"])
    assert "Known mistake, np.where computes both branches" in message
    assert "for every z" not in message


def test_a_correct_sigmoid_grad_on_a_warning_sigmoid_blames_the_sigmoid():
    student = _student("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
                       "def sigmoid_grad(z):\n    s = sigmoid(z)\n    return s * (1 - s)")
    message = " ".join(assert_fails(nb03.check_sigmoid_grad, student["sigmoid_grad"]).split())
    assert "sigmoid_grad calls your sigmoid, which does not pass its own check yet" in message
    assert "Known mistake" not in message and "naive" not in message


def test_sigmoid_grad_as_s_times_s_is_not_told_to_look_at_zero():
    student = _student("def sigmoid_grad(z):\n    s = np.exp(-np.logaddexp(0, -z))\n    return s * s")
    message = assert_fails(nb03.check_sigmoid_grad, student["sigmoid_grad"])
    assert "z == 0" not in message
    assert "Known mistake, σ times σ" in message


def test_relu_with_pythons_max_is_told_about_arrays_not_to_read_the_error():
    message = assert_fails(nb03.check_relu, _student("def relu(z):\n    return max(0, z)")["relu"])
    assert "Known mistake, Python's max on an array" in message
    assert "read the error" not in message


def test_the_zero_hint_is_given_only_for_failures_at_zero():
    at_zero = assert_fails(nb03.check_step, lambda z: np.where(z > 0, 1.0, np.where(z == 0, 0.5, 0.0)))
    assert "Likely cause: look at z == 0" in at_zero
    elsewhere = assert_fails(nb03.check_step, lambda z: np.where(z >= 0, 1.0, -1.0))
    assert "z == 0 exactly" not in elsewhere


@pytest.mark.parametrize(("check", "fn"), [
    (nb03.check_step, lambda z: z >= 0),
    (nb03.check_relu_grad, lambda z: (z > 0).astype(np.int64)),
    (nb03.check_leaky_relu_grad, lambda z, alpha=0.01: z > 0),
])
def test_booleans_and_integers_are_refused_where_the_exercise_asks_for_floats(check, fn):
    message = " ".join(assert_fails(check, fn).split())
    assert "floats" in message


def test_hidden_cases_catch_what_visible_cases_miss():
    only_float64 = lambda z: np.where(z >= 0, 1.0, 0.0) if z.dtype == np.float64 else z  # noqa: E731
    assert_passes(nb03.check_step, only_float64, hidden=False)
    assert_fails(nb03.check_step, only_float64, must_mention=["float32"])
