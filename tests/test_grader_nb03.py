"""Grader self-tests for notebook 03: the references pass, known mistakes fail by name, alternatives pass."""

import numpy as np
import pytest

from autograde_tests import nb03
from autograde_tests.mistakes.nb03 import MISTAKES
from course_lib import activations
from tests.grader_testing import (
    assert_every_bad_submission_fails,
    assert_fails,
    assert_infinite_loop_is_stopped,
    assert_mistake_caught_and_named,
    assert_passes,
    mistake_params,
)

pytestmark = pytest.mark.nb03


@pytest.mark.parametrize("name", sorted(nb03.CHECKS))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(name, hidden):
    assert_passes(nb03.CHECKS[name], getattr(activations, name), hidden=hidden)


def test_every_graded_function_has_a_catalogue_of_at_least_three_mistakes():
    assert set(MISTAKES) == set(nb03.CHECKS)
    assert all(len(mistakes) >= 3 for mistakes in MISTAKES.values())


@pytest.mark.parametrize(("name", "mistake"), mistake_params(MISTAKES))
def test_known_mistake_fails_and_is_named_by_the_visible_cases_already(name, mistake):
    assert_mistake_caught_and_named(nb03.CHECKS[name], mistake)


def _stable_sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_tanh(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_clipped_copy(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _sigmoid_loop(z):
    z = np.asarray(z, dtype=float)
    flat = [1.0 / (1.0 + np.exp(-v)) if v >= 0 else np.exp(v) / (1.0 + np.exp(v)) for v in z.ravel()]
    return np.array(flat).reshape(z.shape)


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
        lambda z: z >= 0,  # booleans are the numbers 0 and 1
        lambda z: np.array([1.0 if v >= 0 else 0.0 for v in z.ravel()]).reshape(z.shape),
    ],
    "sigmoid": [_stable_sigmoid_logaddexp, _sigmoid_tanh, _sigmoid_clipped_copy, _sigmoid_loop],
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
        lambda z: (lambda s: s - s**2)(_sigmoid_tanh(z)),
        lambda z: np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))) ** 2,
        lambda z: 0.25 / np.cosh(0.5 * np.clip(z, -700, 700)) ** 2,
        lambda z: _stable_sigmoid_logaddexp(z) * _stable_sigmoid_logaddexp(-z),
    ],
    "relu_grad": [
        lambda z: (z > 0).astype(float),
        lambda z: np.heaviside(z, 0.0),
        lambda z: z > 0,
    ],
    "leaky_relu_grad": [
        lambda z, alpha=0.01: np.where(z > 0, 1, alpha),
        lambda z, alpha=0.01: (z > 0) + alpha * (z <= 0),
        _leaky_relu_grad_fill,
    ],
}


@pytest.mark.parametrize(
    ("name", "fn"),
    [pytest.param(name, fn, id=f"{name}-{i}") for name, fns in ALTERNATIVES.items() for i, fn in enumerate(fns)],
)
def test_correct_alternative_passes(name, fn):
    assert_passes(nb03.CHECKS[name], fn)


def test_every_graded_function_has_an_alternative():
    assert set(ALTERNATIVES) == set(nb03.CHECKS)


@pytest.mark.parametrize("name", sorted(nb03.CHECKS))
def test_bad_submissions_fail_with_a_clear_reason(name):
    assert_every_bad_submission_fails(nb03.CHECKS[name], getattr(activations, name))


@pytest.mark.parametrize("name", sorted(nb03.CHECKS))
def test_an_infinite_loop_is_stopped_and_reported(name, monkeypatch):
    assert_infinite_loop_is_stopped(nb03.CHECKS[name], monkeypatch)


def test_failure_message_gives_case_got_expected_and_cause_in_order():
    message = assert_fails(nb03.check_relu_grad, lambda z: (z >= 0).astype(float))
    lines = message.splitlines()
    assert lines[0].startswith("relu_grad failed on z = [")
    assert lines[1].lstrip().startswith("got ")
    assert lines[2].lstrip().startswith("expected ")
    assert "z > 0, not z >= 0" in lines[-1]


def test_overflow_in_sigmoid_is_reported_even_if_the_student_silenced_numpy():
    old = np.seterr(all="ignore")
    try:
        message = assert_fails(nb03.check_sigmoid, lambda z: 1 / (1 + np.exp(-z)))
    finally:
        np.seterr(**old)
    assert "overflow encountered in exp" in message


def test_a_failure_with_no_known_mistake_falls_back_to_the_case_hint():
    message = assert_fails(nb03.check_step, lambda z: np.where(z > 0, 1.0, np.where(z == 0, 0.5, 0.0)))
    assert "Known mistake" not in message
    assert "Likely cause: look at z == 0" in message


def test_hidden_cases_catch_what_visible_cases_miss():
    only_float64 = lambda z: np.where(z >= 0, 1.0, 0.0) if z.dtype == np.float64 else z  # noqa: E731
    assert_passes(nb03.check_step, only_float64, hidden=False)
    assert_fails(nb03.check_step, only_float64, must_mention=["float32"])
