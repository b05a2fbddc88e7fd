"""Grader self-tests for notebook 00's practice exercise: the reference passes, known mistakes fail by
name, alternatives pass, and the message reads case, got, expected, cause."""

import numpy as np
import pytest

from autograde_tests import nb00
from autograde_tests.mistakes.nb00 import MISTAKES
from tests.grader_testing import (
    assert_every_bad_submission_fails,
    assert_fails,
    assert_infinite_loop_is_stopped,
    assert_mistake_caught_and_named,
    assert_passes,
    mistake_params,
)

pytestmark = pytest.mark.nb00


@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(hidden):
    assert_passes(nb00.check_celsius_to_fahrenheit, nb00.celsius_to_fahrenheit, hidden=hidden)


def test_catalogue_covers_the_checks_with_at_least_three_mistakes():
    assert set(MISTAKES) == set(nb00.CHECKS)
    assert all(len(mistakes) >= 3 for mistakes in MISTAKES.values())


@pytest.mark.parametrize(("name", "mistake"), mistake_params(MISTAKES))
def test_known_mistake_fails_and_is_named_by_the_visible_cases_already(name, mistake):
    assert_mistake_caught_and_named(nb00.CHECKS[name], mistake)


ALTERNATIVES = [
    lambda c: c * 1.8 + 32,
    lambda c: 32 + 9 * c / 5,
    lambda c: np.add(np.multiply(c, 9 / 5), 32),
    lambda c: np.asarray(c, dtype=float) * 9 / 5 + 32,
]


@pytest.mark.parametrize("fn", [pytest.param(fn, id=str(i)) for i, fn in enumerate(ALTERNATIVES)])
def test_correct_alternative_passes(fn):
    assert_passes(nb00.check_celsius_to_fahrenheit, fn)


def test_bad_submissions_fail_with_a_clear_reason():
    assert_every_bad_submission_fails(nb00.check_celsius_to_fahrenheit, nb00.celsius_to_fahrenheit)


def test_an_infinite_loop_is_stopped_and_reported(monkeypatch):
    assert_infinite_loop_is_stopped(nb00.check_celsius_to_fahrenheit, monkeypatch)


def test_failure_message_gives_case_got_expected_and_cause_in_order():
    message = assert_fails(nb00.check_celsius_to_fahrenheit, lambda c: c * 5 / 9 + 32, hidden=False)
    lines = message.splitlines()
    assert lines[0] == "celsius_to_fahrenheit failed on c = 100:"
    assert lines[1].lstrip().startswith("got ")
    assert lines[2].lstrip().startswith("expected ")
    assert lines[-1].lstrip().startswith("Known mistake, fraction upside down:")


def test_a_wrong_answer_outside_the_catalogue_gets_the_case_hint():
    message = assert_fails(nb00.check_celsius_to_fahrenheit, lambda c: c * 2 + 30, hidden=False)
    assert "Known mistake" not in message
    assert "Likely cause: the formula is F = C * 9 / 5 + 32" in message


def test_hidden_cases_catch_what_visible_cases_miss():
    floats_only = lambda c: c * 9 / 5 + 32 if np.asarray(c).dtype == np.float64 else c  # noqa: E731
    assert_passes(nb00.check_celsius_to_fahrenheit, floats_only, hidden=False)
    assert_fails(nb00.check_celsius_to_fahrenheit, floats_only)
